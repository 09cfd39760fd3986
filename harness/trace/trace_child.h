/* trace_child.h: running one replay in a fresh child process (for heapkit trace and bench).
 *
 * A stage keeps static state and the simulated seam is per process, so every replay that must start
 * from an empty heap runs in a child of its own: a sandbox job (harness/sandbox) that shares the
 * terminal. The job's result comes back as the sandbox job's result; if the child dies, the parent
 * learns the signal and the op being replayed (replay_current_op), so a crash is reported at its op
 * and the other traces still run.
 */
#ifndef HEAPKIT_TRACE_CHILD_H
#define HEAPKIT_TRACE_CHILD_H

#include <stdbool.h>
#include <stddef.h>

struct child_outcome {
    bool delivered;            /* the child ran the job to the end and sent its result */
    int signal;                /* the signal that killed the child, or 0 */
    bool timed_out;            /* killed by its time limit */
    bool op_known;             /* the child reported the op it was at when it died */
    size_t op;
    char why[160];             /* when not delivered: what happened, in words */
};

/* Runs job(arg, result) in a child with a time limit (seconds, 0 = none); the child's result
 * (result_bytes bytes, filled by job) is copied back into result. Returns true when delivered. */
bool child_run(void (*job)(void *arg, void *result), void *arg, void *result, size_t result_bytes,
               unsigned time_limit_s, struct child_outcome *outcome);

#endif
