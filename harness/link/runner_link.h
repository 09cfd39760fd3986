/* runner_link.h: the grader's end of a runner (harness/runner), inside a test's child process.
 *
 * A test's child (sandbox.h) starts one runner, confined, before the test body runs, and talks to it
 * through protocol.h: it sends allocator calls, serves the runner's seam calls from the simulation it
 * keeps itself (common/os_sim.c in shared mode), and hands back the raw answers. When the runner dies,
 * hangs, breaks the protocol or keeps running behind the grader's back, the test ends right there
 * with that outcome (sandbox_finish_outcome), named with the operation it was in.
 */
#ifndef HEAPKIT_RUNNER_LINK_H
#define HEAPKIT_RUNNER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "sandbox.h"

struct runner_spec {
    const char *path;              /* the runner program: build/<stage>/runner or a submission's */
    unsigned slot;                 /* the sandbox slot: picks the CPU and the unprivileged uid */
    unsigned slots;                /* slots side by side in this grading */
    double cpu_seconds;            /* the runner's own CPU limit */
    double wall_seconds;           /* how long the whole test may wait for it */
    size_t memory_bytes;           /* what the seam may hand out, for the runner's address-space limit */
};

/* Switches the seam to shared mode and starts the runner. On failure the test ends as a crash with
 * the reason (never returns false to a body that would then run without a runner). */
void runner_start(const struct runner_spec *spec, struct sandbox_page *page);

/* One allocator call (OP_MALLOC ... OP_CHECK with its arguments); returns the runner's raw answer.
 * what names the call for messages ("malloc(100)"). */
uint64_t runner_call(uint32_t op, uint64_t a, uint64_t b, const char *what);

/* count operations run back to back in the runner (a measurement, or a stretch of a workload);
 * results[i] is each raw answer. what names the batch for messages; a crash inside it is placed at
 * the operation the runner was in (the test's operation counter names the batch's first). */
void runner_batch(const struct protocol_batch_op *ops, size_t count, uint64_t *results, const char *what);

/* The grade's perf replays (OP_REPLAY): the runner's table made ready for a trace of ids ids, then
 * the trace's operations (a = block id, b = bytes) in batches; results[i] is each raw answer. */
void runner_replay_ready(uint64_t ids, const char *what);
void runner_replay_batches(const struct protocol_batch_op *ops, size_t count, uint64_t *results, const char *what);

/* The runner's CPU time so far, in seconds, as the kernel counts it (not as the runner says). */
double runner_cpu_seconds(void);

/* Ends the test now with a failure the grader observed: message as for grade_fail. */
void runner_fail_now(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* What the grader has done to the heap behind the stage's back ("made the chunk at 0x60 free"), said
 * in the message if the runner dies or the test ends from here; NULL or "" forgets it. */
void runner_set_context(const char *what);

/* Kills the runner and waits for it. */
void runner_stop(void);

/* When the test body has returned: the checks between calls once more (the mapping region holds
 * only what the seam mapped), whatever the sampling picked, then runner_stop. A failure ends the
 * test there. */
void runner_finish(void);

/* The protections that were in force for the runner, in a few words, for reports. */
const char *runner_protections(void);

#endif
