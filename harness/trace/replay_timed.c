/* replay_timed.c: the timed replays: a trace replayed without checks, timed as a whole (replay_timed)
 * or op by op with the clock's own cost subtracted (replay_timed_by_kind).
 */
#include "replay.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay_allocator.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One op without checks; false when an allocation failed. */
static inline bool run_op(const struct replay_allocator *a, void **mem, const struct trace_op *op)
{
    switch (op->kind) {
    case TRACE_ALLOC:
        mem[op->id] = a->malloc(op->bytes);
        return mem[op->id] != NULL || op->bytes == 0;
    case TRACE_FREE:
        a->free(mem[op->id]);
        mem[op->id] = NULL;
        return true;
    default: {
        void *moved = a->realloc(mem[op->id], op->bytes);
        if (moved == NULL && op->bytes != 0)
            return false;
        mem[op->id] = moved;
        return true;
    }
    }
}

static void free_leftovers(const struct replay_allocator *a, void **mem, unsigned ids)
{
    for (unsigned id = 0; id < ids; id++)
        if (mem[id] != NULL)
            a->free(mem[id]);
}

double replay_timed(struct replay_target target, const struct trace *t)
{
    struct replay_allocator a = replay_allocator_of(target);
    void **mem = calloc(t->ids == 0 ? 1 : t->ids, sizeof *mem);
    if (mem == NULL)
        return -1;
    bool ok = true;
    double start = now_seconds();
    for (size_t i = 0; i < t->op_count && ok; i++) {
        replay_current_op = i;
        ok = run_op(&a, mem, &t->ops[i]);
    }
    double elapsed = now_seconds() - start;
    if (ok)
        free_leftovers(&a, mem, t->ids);
    free(mem);
    return ok ? elapsed : -1;
}

/* What one clock_gettime pair costs, the least of many tries: subtracted from each timed op. */
static double clock_overhead(void)
{
    double least = 1;
    for (int i = 0; i < 1000; i++) {
        double a = now_seconds();
        double b = now_seconds();
        if (b - a < least)
            least = b - a;
    }
    return least;
}

static enum replay_kind kind_index(char kind)
{
    return kind == TRACE_ALLOC ? REPLAY_ALLOC : kind == TRACE_FREE ? REPLAY_FREE : REPLAY_REALLOC;
}

int replay_timed_by_kind(struct replay_target target, const struct trace *t, struct replay_times *out)
{
    memset(out, 0, sizeof *out);
    struct replay_allocator a = replay_allocator_of(target);
    void **mem = calloc(t->ids == 0 ? 1 : t->ids, sizeof *mem);
    if (mem == NULL)
        return -1;
    double overhead = clock_overhead();
    bool ok = true;
    for (size_t i = 0; i < t->op_count && ok; i++) {
        replay_current_op = i;
        enum replay_kind k = kind_index(t->ops[i].kind);
        double start = now_seconds();
        ok = run_op(&a, mem, &t->ops[i]);
        double spent = now_seconds() - start - overhead;
        out->seconds[k] += spent > 0 ? spent : 0;
        out->count[k]++;
    }
    if (ok)
        free_leftovers(&a, mem, t->ids);
    free(mem);
    return ok ? 0 : -1;
}
