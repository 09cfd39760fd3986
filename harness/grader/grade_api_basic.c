/* grade_api_basic.c: api.* tests of malloc, free and calloc: every payload aligned, blocks apart,
 * payloads intact, malloc(0) and free(NULL), calloc zeroing and refusing a product that overflows. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grade_api.h"
#include "os.h"

/* Every payload of many sizes, small and odd and up to 64 KiB, is 16-byte aligned. */
bool api_alignment(struct grade_ctx *t)
{
    struct grade_blocks b = { 0 };
    bool ok = true;
    for (size_t bytes = 1; bytes <= 200 && ok; bytes++)
        ok = blocks_alloc(t, &b, bytes) != SIZE_MAX;
    for (size_t shift = 8; shift <= 16 && ok; shift++)
        for (int delta = -1; delta <= 1 && ok; delta++)
            ok = blocks_alloc(t, &b, ((size_t)1 << shift) + (size_t)(long)delta) != SIZE_MAX;
    /* Again after some frees, so that reused and split chunks are looked at too. */
    for (size_t i = 0; i < b.count && ok; i += 2)
        ok = blocks_free(t, &b, i);
    for (size_t bytes = 3; bytes <= 3000 && ok; bytes += 37)
        ok = blocks_alloc(t, &b, bytes) != SIZE_MAX;
    return blocks_finish(t, &b, ok);
}


/* A seeded mix of malloc, free and realloc; every verify_every operations (0: never) every live
 * block is verified. */
static bool mixed_run(struct grade_ctx *t, uint64_t seed, size_t ops, const struct blocks_mix *mix,
                      size_t verify_every)
{
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = seed;
    bool ok = true;
    for (size_t i = 0; i < ops && ok; i++) {
        ok = blocks_mix_step(t, &b, &rng, mix);
        if (ok && verify_every > 0 && i % verify_every == 0)
            ok = blocks_verify_all(t, &b);
    }
    return blocks_finish(t, &b, ok);
}

/* Many small blocks packed tightly: an off-by-one in a split shows as an overlap. */
bool api_no_overlap(struct grade_ctx *t)
{
    static const struct blocks_mix mix = { .free_below = 35, .realloc_below = 50, .max_live = 400,
                                           .large_one_in = 10, .small_bytes = 64, .large_bytes = 600 };
    return mixed_run(t, 0x6f7665726c6170ull, t->quick ? 800 : 3000, &mix, 0);
}

/* Blocks of every size, each filled with its own pattern and verified at every free and realloc,
 * and every live block verified every 100 operations. */
bool api_payload_intact(struct grade_ctx *t)
{
    static const struct blocks_mix mix = { .free_below = 35, .realloc_below = 50, .max_live = 150,
                                           .large_one_in = 10, .small_bytes = 2000, .large_bytes = 20000 };
    return mixed_run(t, 0x7061796c6f6164ull, t->quick ? 800 : 2500, &mix, 100);
}

/* malloc(0) is NULL or a pointer unique among the live blocks, which free accepts. */
bool api_malloc_zero(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 100) != SIZE_MAX && blocks_alloc(t, &b, 17) != SIZE_MAX;
    void *zero[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3 && ok; i++) {
        zero[i] = g_malloc(t, 0);
        if (zero[i] == NULL)
            continue;
        size_t other = blocks_overlapping(&b, zero[i], 1, SIZE_MAX);
        if (other != SIZE_MAX)
            ok = grade_fail(t, "expected malloc(0) to return NULL or a unique pointer, it returned %p, inside the "
                            "live block [%p, +%zu)", zero[i], (void *)b.items[other].mem, b.items[other].bytes);
        for (int k = 0; k < i && ok; k++)
            if (zero[k] == zero[i])
                ok = grade_fail(t, "expected malloc(0) to return NULL or a unique pointer, it returned %p twice",
                                zero[i]);
    }
    ok = ok && blocks_alloc(t, &b, 40) != SIZE_MAX && blocks_verify_all(t, &b);
    for (int i = 0; i < 3 && ok; i++)
        if (zero[i] != NULL)
            g_free(t, zero[i]);
    ok = ok && blocks_verify_all(t, &b) && api_expect_valid(t, "after malloc(0) and free of its result");
    return blocks_finish(t, &b, ok);
}

/* free(NULL) does nothing at all. */
bool api_free_null(struct grade_ctx *t)
{
    struct os_stats before = os_stats();
    g_free(t, NULL);
    struct os_stats after = os_stats();
    if (os_stats_calls(&after) != os_stats_calls(&before))
        return grade_fail(t, "expected free(NULL) on an empty heap to make no system call, it made %lu",
                          os_stats_calls(&after) - os_stats_calls(&before));
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 300) != SIZE_MAX && blocks_alloc(t, &b, 5000) != SIZE_MAX;
    if (ok) {
        before = os_stats();
        g_free(t, NULL);
        g_free(t, NULL);
        after = os_stats();
        if (os_stats_calls(&after) != os_stats_calls(&before))
            ok = grade_fail(t, "expected free(NULL) to make no system call, it made %lu",
                            os_stats_calls(&after) - os_stats_calls(&before));
    }
    ok = ok && api_expect_valid(t, "after free(NULL)");
    return blocks_finish(t, &b, ok && blocks_verify_all(t, &b) && blocks_alloc(t, &b, 64) != SIZE_MAX);
}

static bool all_zero(const unsigned char *mem, size_t bytes, size_t *bad)
{
    for (size_t i = 0; i < bytes; i++)
        if (mem[i] != 0) {
            *bad = i;
            return false;
        }
    return true;
}

/* calloc zeroes its block even where freed, dirty memory is reused. */
bool api_calloc_zeroes(struct grade_ctx *t)
{
    void *dirty[12];
    for (int i = 0; i < 12; i++) {
        dirty[i] = g_malloc(t, 600);
        if (dirty[i] == NULL)
            return grade_fail_alloc(t, "malloc(600)", 600);
        memset(dirty[i], 0xa5, 600);
    }
    for (int i = 0; i < 12; i += 2)
        g_free(t, dirty[i]);
    static const size_t shapes[][2] = { { 64, 8 }, { 1, 4000 }, { 100, 3 }, { 7, 1 }, { 300, 2 }, { 16, 16 } };
    void *zeroed[6];
    for (size_t s = 0; s < 6; s++) {
        zeroed[s] = g_calloc(t, shapes[s][0], shapes[s][1]);
        size_t bytes = shapes[s][0] * shapes[s][1], bad;
        char what[48];
        snprintf(what, sizeof what, "calloc(%zu, %zu)", shapes[s][0], shapes[s][1]);
        if (zeroed[s] == NULL)
            return grade_fail_alloc(t, what, bytes);
        if (!all_zero(zeroed[s], bytes, &bad))
            return grade_fail(t, "expected %s to return zeroed memory, byte %zu is 0x%02x", what, bad,
                              ((unsigned char *)zeroed[s])[bad]);
    }
    for (size_t s = 0; s < 6; s++)
        g_free(t, zeroed[s]);
    for (int i = 1; i < 12; i += 2)
        g_free(t, dirty[i]);
    return true;
}

/* A product that overflows size_t gives NULL and allocates nothing. */
bool api_calloc_overflow(struct grade_ctx *t)
{
    void *keep = g_malloc(t, 32);
    if (keep == NULL)
        return grade_fail_alloc(t, "malloc(32)", 32);
    static const size_t shapes[][2] = { { SIZE_MAX / 2 + 1, 2 }, { SIZE_MAX, SIZE_MAX },
                                        { (size_t)1 << 33, (size_t)1 << 33 }, { 3, SIZE_MAX / 3 + 1 } };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        struct os_stats before = os_stats();
        void *mem = g_calloc(t, shapes[s][0], shapes[s][1]);
        struct os_stats after = os_stats();
        if (mem != NULL)
            return grade_fail(t, "expected calloc(%zu, %zu), whose product overflows, to return NULL, it returned %p",
                              shapes[s][0], shapes[s][1], mem);
        if (after.break_moves != before.break_moves || after.mmap_calls != before.mmap_calls)
            return grade_fail(t, "expected calloc(%zu, %zu), whose product overflows, to allocate nothing, it moved "
                              "the break %lu time(s) and mapped %lu time(s)", shapes[s][0], shapes[s][1],
                              after.break_moves - before.break_moves, after.mmap_calls - before.mmap_calls);
    }
    g_free(t, keep);
    return true;
}
