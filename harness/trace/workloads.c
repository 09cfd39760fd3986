/* workloads.c: the seven COS 217 style workloads of workloads.h, built as traces.
 *
 * Each workload allocates `count` blocks (ids 0 .. count-1, each id used once) and frees them all,
 * so every one is a complete trace that leaves nothing live. Sizes are max_bytes ("Fixed") or drawn
 * uniformly from 1 .. max_bytes ("Random") with a seeded generator, so a workload is the same on
 * every machine for the same (count, max_bytes, seed).
 */
#include "workloads.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const workload_names[WORKLOAD_COUNT] = {
    "LifoFixed", "FifoFixed", "LifoRandom", "FifoRandom", "RandomFixed", "RandomRandom", "Worst",
};

/* splitmix64 (Steele, Lea and Flood, 2014): a small generator whose output does not depend on the
 * C library, so the workloads are the same everywhere. */
struct rng {
    uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in 0 .. n-1 (n > 0); the modulo bias is far below anything a workload could notice. */
static size_t rng_below(struct rng *r, size_t n) { return (size_t)(rng_next(r) % n); }

struct builder {
    struct trace *t;
};

static void emit(struct builder *b, char kind, unsigned id, size_t bytes)
{
    b->t->ops[b->t->op_count++] = (struct trace_op){.kind = kind, .id = id, .bytes = bytes, .line = 0};
}

static size_t pick_bytes(struct rng *r, bool random_sizes, size_t max_bytes)
{
    return random_sizes ? 1 + rng_below(r, max_bytes) : max_bytes;
}

/* Allocate all, then free all in LIFO (reverse) or FIFO order. */
static void build_batch(struct builder *b, struct rng *r, unsigned count, size_t max_bytes, bool random_sizes,
                        bool lifo)
{
    for (unsigned id = 0; id < count; id++)
        emit(b, TRACE_ALLOC, id, pick_bytes(r, random_sizes, max_bytes));
    for (unsigned k = 0; k < count; k++)
        emit(b, TRACE_FREE, lifo ? count - 1 - k : k, 0);
}

/* Allocations and frees interleaved at random: while blocks remain to allocate, each step allocates
 * or frees a random live block with equal chance; at the end the survivors are freed at random. */
static void build_interleaved(struct builder *b, struct rng *r, unsigned count, size_t max_bytes,
                              bool random_sizes)
{
    unsigned *live = malloc((count == 0 ? 1 : count) * sizeof *live);
    size_t live_count = 0;
    unsigned next_id = 0;
    while (next_id < count || live_count > 0) {
        bool allocate = next_id < count && (live_count == 0 || rng_below(r, 2) == 0);
        if (allocate) {
            emit(b, TRACE_ALLOC, next_id, pick_bytes(r, random_sizes, max_bytes));
            live[live_count++] = next_id++;
        } else {
            size_t k = rng_below(r, live_count);
            emit(b, TRACE_FREE, live[k], 0);
            live[k] = live[--live_count];
        }
    }
    free(live);
}

/* Worst: each freed block is too small for the next request and is fenced by a live one-byte
 * guard, so no allocator can reuse or coalesce it. Requests grow from 16 bytes to max_bytes;
 * half of the ids are requests, half guards, and the guards are freed at the end. */
static void build_worst(struct builder *b, unsigned count, size_t max_bytes)
{
    unsigned pairs = count / 2;
    for (unsigned k = 0; k < pairs; k++) {
        size_t bytes = 16;
        if (pairs > 1 && max_bytes > 16)
            bytes = 16 + (size_t)((double)(max_bytes - 16) * k / (pairs - 1));
        emit(b, TRACE_ALLOC, 2 * k, bytes);
        emit(b, TRACE_ALLOC, 2 * k + 1, 1);
        emit(b, TRACE_FREE, 2 * k, 0);
    }
    for (unsigned k = 0; k < pairs; k++)
        emit(b, TRACE_FREE, 2 * k + 1, 0);
}

int workload_make(const char *name, unsigned count, size_t max_bytes, unsigned seed, struct trace *out)
{
    memset(out, 0, sizeof *out);
    int which = -1;
    for (int w = 0; w < WORKLOAD_COUNT; w++)
        if (strcmp(name, workload_names[w]) == 0)
            which = w;
    if (which < 0 || max_bytes == 0)
        return -1;
    out->name = strdup(name);
    out->ids = count;
    if (out->name == NULL || trace_alloc_ops(out, 2 * (size_t)count + 1) != 0) {
        trace_free(out);
        return -1;
    }
    struct builder b = {.t = out};
    struct rng r = {.state = ((uint64_t)seed << 8) ^ (uint64_t)which};
    switch (which) {
    case 0: build_batch(&b, &r, count, max_bytes, false, true); break;
    case 1: build_batch(&b, &r, count, max_bytes, false, false); break;
    case 2: build_batch(&b, &r, count, max_bytes, true, true); break;
    case 3: build_batch(&b, &r, count, max_bytes, true, false); break;
    case 4: build_interleaved(&b, &r, count, max_bytes, false); break;
    case 5: build_interleaved(&b, &r, count, max_bytes, true); break;
    default: build_worst(&b, count, max_bytes); break;
    }
    return 0;
}
