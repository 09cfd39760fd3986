/* runner_crash.h: the runner's account of its own crash, for the grader's message (protocol.h). */
#ifndef HEAPKIT_RUNNER_CRASH_H
#define HEAPKIT_RUNNER_CRASH_H

#include "protocol.h"

/* Catches SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT on a stack of their own: the handler writes the
 * signal, the faulting address and the stack's return addresses to page, then lets the signal kill
 * the runner as it would have anyway. */
void runner_crash_install(volatile struct protocol_progress *page);

#endif
