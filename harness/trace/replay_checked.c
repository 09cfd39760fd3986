/* replay_checked.c: the checked replay (replay_checked): a trace replayed on a stage or on the C library,
 * every answer checked.
 *
 * Each payload a call returns must be 16-byte aligned and overlap no live block (replay_live.c); it is
 * filled with its own pattern, which must be intact at its free and in what its realloc keeps
 * (replay_pattern.c). The stage's checker and the generic heap walk run every check_every ops. The
 * live-block table is allocated before the replay starts, so the checks never call malloc: the C
 * library's footprint measured during the checked replay is the trace's own.
 */
#include "replay.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapwalk.h"
#include "os.h"
#include "replay_allocator.h"
#include "replay_live.h"
#include "replay_pattern.h"

enum { PAYLOAD_ALIGN = 16 };

struct checker {
    struct replay_target target;
    struct replay_allocator a;
    const struct trace *t;
    struct live_set set;
    struct replay_check_result *out;
    size_t live_bytes;
    size_t base_footprint;
    struct os_stats base_stats;
    struct replay_libc_calls libc;
    unsigned *touched_in;          /* batched replays: per id, the last batch whose ops touched it */
};

static bool failed(struct checker *c, size_t op_index, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records the first failure: "op N (line L): what". Returns false so callers can return it. */
static bool failed(struct checker *c, size_t op_index, const char *fmt, ...)
{
    struct replay_check_result *out = c->out;
    out->ok = false;
    out->failed_op = op_index;
    unsigned line = op_index < c->t->op_count ? c->t->ops[op_index].line : 0;
    int n = line != 0 ? snprintf(out->why, sizeof out->why, "op %zu (line %u): ", op_index, line)
                      : snprintf(out->why, sizeof out->why, "op %zu: ", op_index);
    if (n >= 0 && (size_t)n < sizeof out->why) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->why + n, sizeof out->why - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Checks a payload a stage just returned and takes it into the live set. */
static bool accept_payload(struct checker *c, size_t i, unsigned id, void *mem, size_t bytes, const char *call)
{
    if ((uintptr_t)mem % PAYLOAD_ALIGN != 0)
        return failed(c, i, "%s returned %p, which is not %d-byte aligned", call, mem, PAYLOAD_ALIGN);
    struct live_block *b = &c->set.blocks[id];
    b->mem = mem;
    b->bytes = bytes;
    unsigned other = live_find_overlap(&c->set, live_block_start(b), live_block_end(b));
    if (other != LIVE_NO_NODE) {
        const struct live_block *o = &c->set.blocks[other];
        b->mem = NULL;
        return failed(c, i, "%s returned [%p, +%zu), which overlaps live block id %u at [%p, +%zu) from op %zu",
                      call, mem, bytes, other, o->mem, o->bytes, o->since_op);
    }
    b->live = true;
    b->since_op = i;
    b->tag = replay_pattern_tag(id, i);
    replay_pattern_fill(mem, bytes, b->tag);
    live_insert(&c->set, id);
    c->live_bytes += bytes;
    return true;
}

/* Checks that a live block still holds its pattern (the first check_bytes of it). */
static bool payload_intact(struct checker *c, size_t i, unsigned id, const void *mem, size_t check_bytes,
                           const char *when)
{
    const struct live_block *b = &c->set.blocks[id];
    size_t at = replay_pattern_find_damage(mem, check_bytes, b->tag);
    if (at == SIZE_MAX)
        return true;
    return failed(c, i, "payload of id %u (%zu bytes, allocated at op %zu) was changed at byte %zu, found %s",
                  id, b->bytes, b->since_op, at, when);
}

static void forget_block(struct checker *c, unsigned id)
{
    struct live_block *b = &c->set.blocks[id];
    if (b->mem != NULL)
        live_remove(&c->set, id);
    c->live_bytes -= b->bytes;
    b->mem = NULL;
    b->bytes = 0;
    b->live = false;
}

/* ---- one op in three steps: before its call, the call, after it ------------------------------------ */

/* Before op i: a block the op hands back must still hold its pattern. */
static bool before_op(struct checker *c, size_t i, const struct trace_op *op)
{
    const struct live_block *b = &c->set.blocks[op->id];
    if (op->kind == TRACE_ALLOC || b->mem == NULL)
        return true;
    return payload_intact(c, i, op->id, b->mem, b->bytes, op->kind == TRACE_FREE ? "at its free" : "before its realloc");
}

/* The allocator call op makes, given the blocks live now. */
static struct stage_call call_of(const struct checker *c, const struct trace_op *op)
{
    void *mem = c->set.blocks[op->id].mem;
    switch (op->kind) {
    case TRACE_ALLOC: return (struct stage_call){ STAGE_CALL_MALLOC, NULL, op->bytes };
    case TRACE_FREE: return (struct stage_call){ STAGE_CALL_FREE, mem, 0 };
    default: return (struct stage_call){ STAGE_CALL_REALLOC, mem, op->bytes };
    }
}

static void *make_call(const struct checker *c, struct stage_call call)
{
    switch (call.kind) {
    case STAGE_CALL_MALLOC: return c->a.malloc(call.bytes);
    case STAGE_CALL_FREE: c->a.free(call.mem); return NULL;
    default: return c->a.realloc(call.mem, call.bytes);
    }
}

static bool after_alloc(struct checker *c, size_t i, const struct trace_op *op, void *mem)
{
    char call[64];
    snprintf(call, sizeof call, "malloc(%zu)", op->bytes);
    if (mem == NULL) {
        if (op->bytes != 0)
            return failed(c, i, "out of memory at op %zu: %s returned NULL", i, call);
        struct live_block *b = &c->set.blocks[op->id];
        *b = (struct live_block){.live = true, .since_op = i, .left = LIVE_NO_NODE, .right = LIVE_NO_NODE};
        return true;                                /* malloc(0) may return NULL */
    }
    return accept_payload(c, i, op->id, mem, op->bytes, call);
}

static bool after_realloc(struct checker *c, size_t i, const struct trace_op *op, void *mem)
{
    struct live_block *b = &c->set.blocks[op->id];
    void *old_mem = b->mem;
    size_t old_bytes = b->bytes;
    uint64_t old_tag = b->tag;
    size_t since = b->since_op;
    char call[64];
    snprintf(call, sizeof call, "realloc(%p, %zu)", old_mem, op->bytes);
    forget_block(c, op->id);                        /* the new payload may overlap the old one */
    if (op->bytes == 0) {
        if (mem != NULL)
            return failed(c, i, "%s returned %p; realloc(p, 0) frees p and returns NULL", call, mem);
        return true;
    }
    if (mem == NULL) {
        /* The old block is untouched: keep it live so that the leftovers are freed at the end. */
        b->mem = old_mem;
        b->bytes = old_bytes;
        b->live = true;
        live_insert(&c->set, op->id);
        c->live_bytes += old_bytes;
        return failed(c, i, "out of memory at op %zu: %s returned NULL", i, call);
    }
    size_t kept_bytes = old_bytes < op->bytes ? old_bytes : op->bytes;
    if ((uintptr_t)mem % PAYLOAD_ALIGN == 0) {
        size_t at = replay_pattern_find_damage(mem, kept_bytes, old_tag);
        if (at != SIZE_MAX)
            return failed(c, i, "%s returned %p whose first %zu bytes should be the old payload's "
                          "(id %u, allocated at op %zu), but byte %zu differs", call, mem, kept_bytes, op->id,
                          since, at);
    }
    return accept_payload(c, i, op->id, mem, op->bytes, call);
}

/* After op i's call returned answer (NULL for a free). */
static bool after_op(struct checker *c, size_t i, const struct trace_op *op, void *answer)
{
    switch (op->kind) {
    case TRACE_ALLOC: return after_alloc(c, i, op, answer);
    case TRACE_FREE: forget_block(c, op->id); return true;
    default: return after_realloc(c, i, op, answer);
    }
}

/* Is op i (0-based) one after which a check of every `every` ops is due? */
static bool due(size_t i, size_t every) { return every != 0 && (i + 1) % every == 0; }

static bool ends_checked_stretch(size_t i, struct replay_check_options opts)
{
    return due(i, opts.check_every) || (opts.audit != NULL && due(i, opts.audit_every));
}

/* The checks due after op i: the stage's own checker and the generic heap walk every check_every ops
 * and once after the last (last), the caller's audit every audit_every ops. */
static bool checks_after(struct checker *c, size_t i, struct replay_check_options opts, bool last)
{
    const struct stage *s = c->target.stage;
    if (s == NULL)
        return true;
    if (opts.audit != NULL && !last && due(i, opts.audit_every)) {
        char why[400];
        if (!opts.audit(opts.audit_arg, why, sizeof why))
            return failed(c, i, "the grader's own heap walk after this op: %s", why);
    }
    if (opts.check_every == 0 || !(last || due(i, opts.check_every)))
        return true;
    int violations = s->check();
    if (violations != 0 && opts.audit != NULL) {
        /* The caller's own audit decides: a checker that objects to a heap the audit finds valid is
         * judged by the checker's own tests, not by this replay. */
        char why[400];
        if (!opts.audit(opts.audit_arg, why, sizeof why))
            return failed(c, i, "the grader's own heap walk after this op: %s (and heapmgr_check reported %d)", why,
                          violations);
        if (c->out->checker_objections++ == 0)
            c->out->first_objection_op = i;
        violations = 0;
    }
    if (violations != 0)
        return failed(c, i, "heapmgr_check reported %d violation%s after this op (see stderr)", violations,
                      violations == 1 ? "" : "s");
    if (opts.walk_heap && s->walkable) {
        struct heap_walk_report report;
        size_t problems = heap_walk_seam(NULL, NULL, &report);
        if (problems != 0) {
            if (report.tiling_broken)
                return failed(c, i, "heap walk after this op: %s", report.tiling_problem);
            return failed(c, i, "heap walk after this op: %zu adjacent free pairs, %zu footer mismatches",
                          report.adjacent_free_pairs, report.footer_mismatches);
        }
    }
    return true;
}

static void measure(struct checker *c)
{
    struct replay_check_result *out = c->out;
    if (c->live_bytes > out->peak_live_bytes)
        out->peak_live_bytes = c->live_bytes;
    size_t now = replay_footprint_now(c->target);
    size_t grown = now > c->base_footprint ? now - c->base_footprint : 0;
    if (grown > out->peak_footprint_bytes)
        out->peak_footprint_bytes = grown;
    if (c->target.stage == NULL)
        replay_libc_calls_update(&c->libc);
}

/* Op by op: each call made alone, checked right after it returns. */
static void replay_one_at_a_time(struct checker *c, struct replay_check_options opts)
{
    for (size_t i = 0; i < c->t->op_count; i++) {
        replay_current_op = i;
        const struct trace_op *op = &c->t->ops[i];
        if (!before_op(c, i, op) || !after_op(c, i, op, make_call(c, call_of(c, op))))
            return;
        measure(c);
        if (!checks_after(c, i, opts, false))
            return;
    }
}

/* The end of the batch that starts at op from: at most STAGE_BATCH_MAX ops, ending where a check is
 * due, and cut before an op on a block an earlier op of the batch touched. That last rule keeps the
 * checks of a batch those of single calls: every block a batch frees or reallocs was filled and
 * stays untouched before the batch, every block it returns is still live after it. */
static size_t batch_end(struct checker *c, size_t from, struct replay_check_options opts, unsigned batch)
{
    size_t to = from;
    while (to < c->t->op_count && to - from < STAGE_BATCH_MAX) {
        unsigned id = c->t->ops[to].id;
        if (c->touched_in[id] == batch)
            break;
        c->touched_in[id] = batch;
        if (ends_checked_stretch(to++, opts))
            break;
    }
    return to;
}

/* Stretches of ops as one batch each (stage->batch): the blocks they hand back verified first, the
 * answers checked after, in order, as single calls' would be. A batch's footprint is sampled at its
 * end (the peak may be missed between); its live bytes are exact. */
static void replay_in_batches(struct checker *c, struct replay_check_options opts)
{
    struct stage_call calls[STAGE_BATCH_MAX];
    void *answers[STAGE_BATCH_MAX];
    unsigned batch = 0;
    for (size_t from = 0; from < c->t->op_count;) {
        size_t to = batch_end(c, from, opts, ++batch);
        for (size_t i = from; i < to; i++) {
            if (!before_op(c, i, &c->t->ops[i]))
                return;
            calls[i - from] = call_of(c, &c->t->ops[i]);
        }
        replay_current_op = from;                   /* a crash inside names its op (runner_link.c) */
        c->target.stage->batch(calls, to - from, answers);
        for (size_t i = from; i < to; i++) {
            replay_current_op = i;
            if (!after_op(c, i, &c->t->ops[i], answers[i - from]))
                return;
            measure(c);
        }
        if (!checks_after(c, to - 1, opts, false))
            return;
        from = to;
    }
}

void replay_checked(struct replay_target target, const struct trace *t, struct replay_check_options opts,
                    struct replay_check_result *out)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    struct checker c = {.target = target, .a = replay_allocator_of(target), .t = t, .out = out};
    bool batched = opts.batch && target.stage != NULL && target.stage->batch != NULL;
    if (!live_init(&c.set, t->ids) || (batched && (c.touched_in = calloc(t->ids, sizeof *c.touched_in)) == NULL)) {
        live_release(&c.set);
        out->ok = false;
        snprintf(out->why, sizeof out->why, "the checker is out of memory for %u ids", t->ids);
        return;
    }
    c.base_stats = os_stats();
    if (target.stage == NULL)
        replay_libc_calls_start(&c.libc);
    c.base_footprint = replay_footprint_now(target);

    if (batched)
        replay_in_batches(&c, opts);
    else
        replay_one_at_a_time(&c, opts);
    if (out->ok && t->op_count != 0)
        checks_after(&c, t->op_count - 1, opts, true);   /* and once at the end */

    struct os_stats end = os_stats();
    out->syscalls = target.stage != NULL ? os_stats_calls(&end) - os_stats_calls(&c.base_stats) : c.libc.calls;
    /* Give back what the trace left live (not after a failure: the heap may be damaged). */
    if (out->ok)
        for (unsigned id = 0; id < t->ids; id++)
            if (c.set.blocks[id].mem != NULL)
                c.a.free(c.set.blocks[id].mem);
    free(c.touched_in);
    live_release(&c.set);
}
