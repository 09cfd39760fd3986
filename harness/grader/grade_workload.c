/* grade_workload.c: workload.*, whole workloads replayed with every operation checked.
 *
 * The replay itself is the trace driver's (replay.h): alignment, overlap, payload integrity at every
 * free and realloc, and the stage's heapmgr_check every CHECK_EVERY operations. For stages 3-5 the
 * grader also runs its own heap audit (grade_heap.h) every AUDIT_EVERY operations, independently of
 * the student's checker, and stops the test at the first broken invariant. The operations between
 * two checks go to the runner as batches (replay_checked.c says what a batch keeps of the checks).
 */
#include <stdio.h>
#include <string.h>

#include "grade_heap.h"
#include "grade_test.h"
#include "os.h"
#include "replay.h"
#include "tracefile.h"
#include "workloads.h"

/* At most about CHECKS checker calls and audits per workload, and at least every CHECK_EVERY and
 * AUDIT_EVERY operations: a long trace with many live chunks stays affordable. */
enum { CHECK_EVERY = 97, AUDIT_EVERY = 61, CHECKS = 60 };

/* The workload sizes per stage: stages 1 and 2 never reuse memory, so they get small workloads. */
static void workload_size(int stage_number, bool quick, unsigned *count, size_t *max_bytes)
{
    switch (stage_number) {
    case 1:
    case 2: *count = 400; *max_bytes = 1500; break;
    case 3: *count = 1500; *max_bytes = 2048; break;
    case 6: *count = 600; *max_bytes = 8192; break;
    default: *count = 2500; *max_bytes = 2048; break;
    }
    if (quick)
        *count /= 4;
}

/* The grader's own audit of the heap (grade_heap.h), between the replay's operations. */
static bool audit(void *arg, char *why, size_t cap)
{
    const struct stage *s = arg;
    return heap_audit(s->number, why, cap);
}

/* ---- the test ------------------------------------------------------------------------------------ */

static bool load(struct grade_ctx *t, struct trace *trace)
{
    if (strchr(t->param, '/') == NULL) {
        unsigned count;
        size_t max_bytes;
        workload_size(t->stage->number, t->quick, &count, &max_bytes);
        if (workload_make(t->param, count, max_bytes, 217, trace) != 0)
            return grade_fail(t, "the grader knows no workload named %s", t->param);
        return true;
    }
    char err[300];
    if (trace_load(t->param, trace, err, sizeof err) != 0)
        return grade_fail(t, "the grader could not load the trace: %s", err);
    return true;
}

static bool run_workload(struct grade_ctx *t)
{
    struct trace trace;
    if (!load(t, &trace))
        return false;
    size_t spread = trace.op_count / CHECKS;
    struct replay_check_options opts = { .check_every = spread > CHECK_EVERY ? spread : CHECK_EVERY,
                                         .walk_heap = t->stage->walkable, .batch = true };
    if (t->stage->walkable) {
        opts.audit = audit;
        opts.audit_arg = (void *)t->stage;
        opts.audit_every = spread > AUDIT_EVERY ? spread : AUDIT_EVERY;
    }
    struct replay_check_result result;
    grade_phase(t, "replaying the workload");
    sandbox_follow_counter(&replay_current_op, 1);
    replay_checked((struct replay_target){ .stage = t->stage }, &trace, opts, &result);
    sandbox_follow_counter(NULL, 0);
    grade_phase(t, "");
    size_t ops = trace.op_count;
    trace_free(&trace);
    if (result.checker_objections > 0)
        fprintf(stderr, "grader: heapmgr_check reported violations %zu time%s (first after op %zu), but the grader's "
                "own heap walk found the heap valid each time: your checker may be wrong (the checker tests count "
                "it, this test does not)\n", result.checker_objections, result.checker_objections == 1 ? "" : "s",
                result.first_objection_op);
    if (!result.ok) {
        t->page->op = result.failed_op + 1;
        t->page->memory_limit_hit = grade_memory_limit_reached(t);
        snprintf(t->page->message, sizeof t->page->message, "%s", result.why);
        return false;
    }
    t->page->op = ops;
    if (t->stage->walkable) {
        char why[700];
        if (!heap_audit(t->stage->number, why, sizeof why))
            return grade_fail(t, "the grader's own heap walk at the end of the workload: %s", why);
    }
    return true;
}

const struct grade_test grade_workload_test = { "workload", ST_ALL, 3, run_workload };
