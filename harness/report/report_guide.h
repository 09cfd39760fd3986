/* report_guide.h: the parts of a one-stage text report that say where to start (report_guide.c).
 *
 *   report_print_folded       a test's output with runs of lines of one shape folded into one:
 *                             "heapmgr_check: I3 ... chunk at offset 0x2000 ... (x12, first at offset 0x2000)"
 *   report_print_groups       points per group (api, lecture, workload, checker, ...)
 *   report_print_start_here   the failing test with the fewest operations, failures grouped by their
 *                             first cause, the command that runs it alone; on a stage where nothing
 *                             passes, which function to write first
 */
#ifndef HEAPKIT_REPORT_GUIDE_H
#define HEAPKIT_REPORT_GUIDE_H

#include <stdio.h>

#include "report.h"

/* Prints text, each line after prefix, at most max_lines lines once folded; control bytes become '?'. */
void report_print_folded(FILE *out, const char *text, const char *prefix, size_t max_lines);

void report_print_groups(FILE *out, const struct report *r, const struct report_stage *s);

void report_print_start_here(FILE *out, const struct report *r, const struct report_stage *s, const char *bold,
                             const char *reset);

#endif
