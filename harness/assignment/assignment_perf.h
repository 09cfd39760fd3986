/* assignment_perf.h: the grade's performance settings, the assignment file's "perf" key.
 *
 *   "perf": {
 *     "stages": [3, 4, 5],                          stages graded on performance (default 3, 4 and 5)
 *     "traces": ["kit", "assignment", "my.rep"],    "kit": tests/traces and tests/traces/perf;
 *                                                   "assignment": the file's own "traces"; else a file
 *     "utilization": {"from": 0.55, "to": 0.80},    U earns nothing at "from", everything at "to"
 *     "throughput": {"from": 0.3, "to": 1.0},       T likewise, as a ratio of the C library's ops/s
 *     "weights": {"utilization": 60, "throughput": 40},
 *     "points": 20,                                 perf.index's points
 *     "runs": 3                                     timed replays per side and trace; the fastest counts
 *   }
 * Every key may be left out (the defaults above, docs/grading.md "Performance"). Read when the file is
 * loaded (assignment_load), so a mistake is "FILE: perf.KEY: what is wrong" before anything runs.
 */
#ifndef HEAPKIT_ASSIGNMENT_PERF_H
#define HEAPKIT_ASSIGNMENT_PERF_H

#include <stdbool.h>
#include <stddef.h>

enum { ASSIGNMENT_PERF_PATH_MAX = 4096, ASSIGNMENT_PERF_RUNS_MAX = 20 };

struct assignment_perf {
    unsigned stages;             /* bit n: stage n's grade has a perf group */
    bool kit_traces;             /* the kit's traces: the .rep files of tests/traces and tests/traces/perf */
    bool assignment_traces;      /* the assignment's own "traces" */
    char (*files)[ASSIGNMENT_PERF_PATH_MAX];   /* more trace files, resolved against the file's folder */
    size_t file_count;
    double util_from, util_to;   /* U: 0 points at or below from, all at or above to */
    double tput_from, tput_to;   /* T, a ratio of the C library's throughput */
    int util_weight, tput_weight;
    int points;
    unsigned runs;
};

/* The defaults: stages 3-5, the kit's and the assignment's traces, U 55%..80%, T 0.3x..1.0x,
 * weights 60/40, 20 points, 3 runs. */
struct assignment_perf assignment_perf_defaults(void);

/* Reads the "perf" object (a cJSON tree) of the file named file over the defaults into p. Returns 0,
 * or 2 with "FILE: perf.KEY: what is wrong" in err. */
int assignment_perf_read(const void *tree, const char *file, struct assignment_perf *p, char *err, size_t err_size);

void assignment_perf_release(struct assignment_perf *p);

/* The index, 0 to 100, that utilization u and throughput ratio t earn under p. */
double assignment_perf_index(const struct assignment_perf *p, double u, double t);

#endif
