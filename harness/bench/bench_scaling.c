/* bench_scaling.c: how malloc and free cost grows with the number of free chunks.
 *
 * Set-up, in a fresh child per measurement: allocate 2k + 1 blocks of 64 bytes side by side and free
 * every other one, from the highest address down (so that even an address-ordered list inserts each
 * at its front and the set-up stays O(k)). The heap then holds k free chunks, each fenced by used
 * ones, so none can coalesce.
 *   malloc: M requests of 128 bytes, which no 64-byte hole fits: a first-fit list must look at all k
 *           chunks before it grows the heap; bins go straight to the right size.
 *   free:   M used blocks chosen at random; each merges with its two free neighbours. An address-
 *           ordered list walks to the insertion spot (k/2 chunks on average); a doubly linked list
 *           with boundary tags does it in O(1).
 * M = k / 10, at most 1000, so the number of free chunks stays within 10% of k. The whole batch is
 * timed at once and divided by M; the best of several children counts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "trace_child.h"

const size_t scaling_free_chunks[SCALING_SIZES] = {1000, 10000, 100000};

enum { HOLE_BYTES = 64, MISFIT_BYTES = 128 };

struct scaling_job {
    struct replay_target target;
    size_t k;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *target_malloc(const struct replay_target *t, size_t bytes)
{
    return t->stage != NULL ? t->stage->malloc(bytes) : malloc(bytes);
}

static void target_free(const struct replay_target *t, void *mem)
{
    if (t->stage != NULL)
        t->stage->free(mem);
    else
        free(mem);
}

static void scaling_job(void *arg, void *result)
{
    const struct scaling_job *j = arg;
    struct scaling_point *point = result;
    size_t k = j->k, blocks = 2 * k + 1;
    size_t m = k / 10 < 1000 ? k / 10 : 1000;
    void **mem = calloc(blocks, sizeof *mem);
    void **fresh = calloc(m, sizeof *fresh);
    size_t *victims = calloc(k + 1, sizeof *victims);
    if (mem == NULL || fresh == NULL || victims == NULL)
        return;
    for (size_t i = 0; i < blocks; i++)
        if ((mem[i] = target_malloc(&j->target, HOLE_BYTES)) == NULL)
            return;
    for (size_t i = blocks - 2; i >= 1; i -= 2) {     /* the odd blocks, highest address first */
        target_free(&j->target, mem[i]);
        if (i == 1)
            break;
    }

    /* The used blocks are the even ones; choose m of them at random (a partial Fisher-Yates). */
    for (size_t i = 0; i <= k; i++)
        victims[i] = 2 * i;
    uint64_t x = 0x2545f4914f6cdd1dull ^ k;
    for (size_t i = 0; i < m; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t pick = i + (size_t)(x % (k + 1 - i));
        size_t tmp = victims[i];
        victims[i] = victims[pick];
        victims[pick] = tmp;
    }

    double start = now_seconds();
    for (size_t i = 0; i < m; i++)
        if ((fresh[i] = target_malloc(&j->target, MISFIT_BYTES)) == NULL)
            return;
    double malloc_seconds = now_seconds() - start;

    start = now_seconds();
    for (size_t i = 0; i < m; i++)
        target_free(&j->target, mem[victims[i]]);
    double free_seconds = now_seconds() - start;

    *point = (struct scaling_point){.ok = true, .malloc_ns = malloc_seconds * 1e9 / (double)m,
                                    .free_ns = free_seconds * 1e9 / (double)m, .ops = m};
}

void scaling_measure(struct replay_target target, size_t sizes, unsigned runs, struct scaling_series *out)
{
    memset(out, 0, sizeof *out);
    replay_target_name(target, out->name, sizeof out->name);
    for (size_t s = 0; s < sizes && s < SCALING_SIZES; s++) {
        struct scaling_job job = {target, scaling_free_chunks[s]};
        struct scaling_point *best = &out->at[s];
        for (unsigned run = 0; run < runs; run++) {
            struct scaling_point point;
            struct child_outcome outcome;
            if (!child_run(scaling_job, &job, &point, sizeof point, 120, &outcome) || !point.ok)
                continue;
            if (!best->ok || point.malloc_ns < best->malloc_ns)
                best->malloc_ns = point.malloc_ns;
            if (!best->ok || point.free_ns < best->free_ns)
                best->free_ns = point.free_ns;
            best->ops = point.ops;
            best->ok = true;
        }
    }
}
