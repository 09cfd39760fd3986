/* report_perf.h: a stage's perf group as the reports show it (report_perf.c).
 *
 * The grader measures (harness/grader/grade_perf.c); the reports only print: the perf line of the
 * text report, the "perf" object of the JSON report, a TAP comment, Gradescope's leaderboard and
 * Autolab's scoreboard. U = peak live payload / peak footprint; T = the submission's ops/s over the
 * C library's on the same traces in the same grading; index 0-100 from both (docs/grading.md).
 */
#ifndef HEAPKIT_REPORT_PERF_H
#define HEAPKIT_REPORT_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct report;

/* One trace's measurement: what a perf.<trace> test's child hands its parent (sandbox result). */
struct report_perf_trace {
    char name[96];                   /* "perf.01-program-mix" */
    bool measured;                   /* false: the test failed (its message says why) */
    size_t ops;
    size_t peak_live_bytes;          /* from the trace itself */
    size_t peak_footprint_bytes;     /* the submission's, as the grader's seam counted it */
    double seconds, libc_seconds;    /* the fastest of runs, runner CPU seconds, each side */
    unsigned runs;
    double utilization;              /* peak_live_bytes / peak_footprint_bytes */
    double throughput;               /* libc_seconds / seconds: ops/s over the C library's */
};

/* A stage's perf group: its traces, the means, the index. */
struct report_perf {
    int stage;
    bool measured;                   /* every trace measured: the index counts */
    char why[512];                   /* not measured: why ("stage 4's correctness tests failed: ...") */
    size_t trace_count;
    struct report_perf_trace *traces;
    double utilization;              /* mean of the traces' U */
    double throughput;               /* the geometric mean of the traces' T */
    double index;                    /* 0 .. 100 */
    int score, max_score;            /* perf.index's points */
    double util_from, util_to, tput_from, tput_to;   /* the thresholds (the assignment's) */
    int util_weight, tput_weight;
};

/* The stage's perf group in the report r, or NULL when it has none; the first stage's that has one. */
const struct report_perf *report_perf_of(const struct report *r, int stage);
const struct report_perf *report_perf_first(const struct report *r);

/* The text report's line, "perf, stage 5: U 71.9% (55%..80%), T 1.21x the C library (0.3x..1x), weights
 * 60/40: index 80, 16/20 points", and with traces one line per trace under it. */
void report_perf_text(FILE *out, const struct report_perf *p, bool traces);

/* A TAP comment with the same figures. */
void report_perf_tap(FILE *out, const struct report_perf *p);

/* The JSON report's "perf" object of a stage (docs/grading.md, "The JSON report"). */
void report_perf_json(FILE *out, const struct report_perf *p);

/* Gradescope's "leaderboard" member (with its trailing comma): index, utilization, throughput of
 * every stage that has a perf group. */
void report_perf_leaderboard(FILE *out, const struct report *r);

/* Autolab's scoreboard columns after score and tests passed: ", index, utilization %, throughput". */
void report_perf_scoreboard(FILE *out, const struct report_perf *p);

#endif
