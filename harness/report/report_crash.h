/* report_crash.h: under a test that crashed, hung or exited: the commands that run it again. */
#ifndef HEAPKIT_REPORT_CRASH_H
#define HEAPKIT_REPORT_CRASH_H

#include <stdio.h>

#include "report.h"

/* "make grade STAGE=4 ONLY=api.alignment SRC=file.c" into buf: the one test of the report again. */
void report_rerun_args(const struct report *r, const struct report_test *t, const char *target, char *buf,
                       size_t cap);

/* The lines "reproduce: make grade ..." and "debug it: make debug ... or make memcheck ..." under a test
 * that did not end with a verdict of its own (a crash, a timeout, an exit); nothing for the others. */
void report_print_reproduce(FILE *out, const struct report *r, const struct report_test *t, const char *prefix);

/* grade --dump: "picture: DIR/x.html (step through your heap), trace: DIR/x.rep" under a failure. */
void report_print_dump(FILE *out, const struct report_test *t, const char *prefix);

#endif
