/* grade_perf.h: the perf group of the grade (grade_perf.c): utilization and throughput against the
 * C library, Malloc Lab's performance index.
 *
 * A stage graded on performance (assignment_perf.h: stages 3-5 by default) gets one perf.<trace>
 * test per perf trace, worth no points, and one perf.index test worth the perf points. They run only
 * once every api.* and workload.* test of the stage has passed (grade_run.c), each perf.<trace> in a
 * child of its own that replays the trace `runs` times on the submission and as often on the C
 * library (build/libc/runner), interleaved, each replay in a fresh runner. perf.index is no process:
 * it is computed from the perf.<trace> results. docs/grading.md, "Performance", says what is measured.
 */
#ifndef HEAPKIT_GRADE_PERF_H
#define HEAPKIT_GRADE_PERF_H

#include <stdbool.h>
#include <stddef.h>

#include "assignment.h"
#include "grade_test.h"
#include "report_perf.h"

/* The perf.<trace> test: param is the trace's path. Starts its own runners (grade_run.c does not). */
extern const struct grade_test grade_perf_trace_test;
/* perf.index: never run, its outcome and score set by grade_perf_summarize. */
extern const struct grade_test grade_perf_index_test;

/* The settings of this grading: the assignment's, or the defaults (a may be NULL). */
const struct assignment_perf *grade_perf_settings(const struct assignment *a);

/* Is stage graded on performance? Not when HEAPKIT_PERF=off (the kit's own test suites), else as
 * the settings say. */
bool grade_perf_enabled(const struct assignment *a, int stage);

/* The runner of the C library (build/libc/runner), set once the kit is found. */
void grade_perf_set_libc_runner(const char *path);

/* The perf traces' paths for a kit at root (the kit's, the assignment's, the settings' own files), in
 * order; calls add(path, name, arg) for each, name "perf.<file name without .rep>". */
void grade_perf_each_trace(const char *root, const struct assignment *a,
                           void (*add)(const char *path, const char *name, void *arg), void *arg);

/* The stage's perf group from its perf.<trace> results (results[i] NULL or short: not measured),
 * into out; out->traces is malloc'ed (report_perf_release). gated_why: non-NULL when the perf tests
 * did not run. */
void grade_perf_summarize(const struct assignment *a, int stage, const struct report_perf_trace *const *results,
                          const char *const *names, size_t count, const char *gated_why, struct report_perf *out);

void report_perf_release(struct report_perf *p);

#endif
