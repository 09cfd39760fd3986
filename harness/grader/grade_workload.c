/* grade_workload.c: workload.*, whole workloads replayed with every operation checked.
 *
 * The replay itself is the trace driver's (replay.h): alignment, overlap, payload integrity at every
 * free and realloc, and the stage's heapmgr_check every CHECK_EVERY operations. For stages 3-5 the
 * grader also runs its own heap audit (grade_heap.h) every AUDIT_EVERY operations, independently of
 * the student's checker: it wraps the stage in a struct stage of its own whose calls audit the heap
 * after they return, and stops the test at the first broken invariant.
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

/* ---- the audited stage --------------------------------------------------------------------------- */

static const struct stage *audited;          /* the real stage, in this child only */
static struct grade_ctx *audit_ctx;
static size_t audit_calls;
static size_t audit_every = AUDIT_EVERY;

static void audit_now(void)
{
    if (++audit_calls % audit_every != 0)
        return;
    char why[700];
    if (heap_audit(audited->number, why, sizeof why))
        return;
    audit_ctx->page->op = replay_current_op + 1;
    snprintf(audit_ctx->page->message, sizeof audit_ctx->page->message,
             "the grader's own heap walk after operation %zu: %s", replay_current_op + 1, why);
    sandbox_finish_now(audit_ctx->page, false);
}

static void *audited_malloc(size_t req_bytes)
{
    void *mem = audited->malloc(req_bytes);
    audit_now();
    return mem;
}

static void audited_free(void *mem)
{
    audited->free(mem);
    audit_now();
}

static void *audited_realloc(void *mem, size_t req_bytes)
{
    void *moved = audited->realloc(mem, req_bytes);
    audit_now();
    return moved;
}

static int audited_check(void) { return audited->check(); }

static void *audited_calloc(size_t n, size_t elem_bytes)
{
    void *mem = audited->calloc(n, elem_bytes);
    audit_now();
    return mem;
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
    struct stage wrapped = *t->stage;
    if (t->stage->walkable) {
        audited = t->stage;
        audit_ctx = t;
        wrapped.malloc = audited_malloc;
        wrapped.free = audited_free;
        wrapped.realloc = audited_realloc;
        wrapped.check = audited_check;
        wrapped.calloc = audited_calloc;
    }
    size_t spread = trace.op_count / CHECKS;
    audit_every = spread > AUDIT_EVERY ? spread : AUDIT_EVERY;
    struct replay_check_options opts = { .check_every = spread > CHECK_EVERY ? spread : CHECK_EVERY,
                                         .walk_heap = t->stage->walkable };
    struct replay_check_result result;
    grade_phase(t, "replaying the workload");
    sandbox_follow_counter(&replay_current_op, 1);
    replay_checked((struct replay_target){ .stage = &wrapped }, &trace, opts, &result);
    sandbox_follow_counter(NULL, 0);
    grade_phase(t, "");
    size_t ops = trace.op_count;
    trace_free(&trace);
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
