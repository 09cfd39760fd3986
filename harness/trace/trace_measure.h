/* trace_measure.h: everything heapkit trace and bench measure about one trace on one allocator.
 *
 * A checked replay (correctness, peak live payload, peak footprint, system calls) and a number of
 * timed replays without checks (the best one counts), each in a fresh child process.
 */
#ifndef HEAPKIT_TRACE_MEASURE_H
#define HEAPKIT_TRACE_MEASURE_H

#include <stdbool.h>

#include "replay.h"
#include "trace_child.h"

struct measure_options {
    unsigned runs;               /* timed replays; the fastest counts */
    size_t check_every;          /* heapmgr_check and the heap walk every N ops in the checked replay */
    bool by_kind;                /* also time malloc and free separately (replay_timed_by_kind) */
    unsigned time_limit_s;       /* per child */
};

struct trace_measure {
    bool checked;                        /* the checked replay ran to the end (passed or failed) */
    struct child_outcome check_outcome;  /* when it did not: the crash or time-out */
    struct replay_check_result check;
    bool timed;                          /* at least one timed replay succeeded */
    double best_seconds;
    struct replay_times best_by_kind;    /* when by_kind: the least time per kind over the runs */
};

/* True when the trace passed its checked replay. */
static inline bool measure_correct(const struct trace_measure *m) { return m->checked && m->check.ok; }

/* Peak live payload / peak footprint, or -1 when nothing was allocated. */
double measure_utilization(const struct trace_measure *m);

void measure_trace(struct replay_target target, const struct trace *t, const struct measure_options *opts,
                   struct trace_measure *out);

#endif
