/* runner_crash_report.h: the runner's crash in words, with its backtrace as source lines. */
#ifndef HEAPKIT_RUNNER_CRASH_REPORT_H
#define HEAPKIT_RUNNER_CRASH_REPORT_H

#include <stddef.h>

#include "protocol.h"

/* When the runner's handler caught the fault (runner_crash.c), writes to out the lines
 *     "the fault was at address 0x0 (a NULL pointer)"
 *     "backtrace of the runner (addr2line on build/stage4_dlist/runner):"
 *     "  #0 coalesce at stage4_dlist/heapmgr.c:212"  ...
 * each ending in a newline, the addresses symbolised by addr2line (binutils) against runner_path.
 * Writes "" when the handler wrote nothing. What the page says is the runner's word: it only ever
 * goes into the message. */
void runner_crash_describe(const volatile struct protocol_progress *page, const char *runner_path, char *out,
                           size_t cap);

#endif
