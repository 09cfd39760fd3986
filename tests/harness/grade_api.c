/* grade_api.c: api.*, the C allocation contract of common/heapmgr.h, the same for every stage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_heap.h"
#include "grade_test.h"
#include "os.h"

/* Every payload of many sizes, small and odd and up to 64 KiB, is 16-byte aligned. */
static bool alignment(struct grade_ctx *t)
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
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* A seeded mix of malloc, free and realloc on blocks of sizes drawn by pick_bytes. */
static bool mixed_run(struct grade_ctx *t, uint64_t seed, size_t ops, size_t max_live, size_t small_bytes,
                      size_t large_bytes, size_t verify_every)
{
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = seed;
    bool ok = true;
    for (size_t i = 0; i < ops && ok; i++) {
        size_t r = grade_random_below(&rng, 100);
        size_t bytes = grade_random_below(&rng, 10) == 0 ? 1 + grade_random_below(&rng, large_bytes)
                                                         : 1 + grade_random_below(&rng, small_bytes);
        if (b.count > 0 && (r < 35 || b.count >= max_live))
            ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
        else if (b.count > 0 && r < 50)
            ok = blocks_realloc(t, &b, grade_random_below(&rng, b.count), bytes);
        else
            ok = blocks_alloc(t, &b, bytes) != SIZE_MAX;
        if (ok && verify_every > 0 && i % verify_every == 0)
            ok = blocks_verify_all(t, &b);
    }
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* Many small blocks packed tightly: an off-by-one in a split shows as an overlap. */
static bool no_overlap(struct grade_ctx *t)
{
    size_t ops = t->quick ? 800 : 3000;
    return mixed_run(t, 0x6f7665726c6170ull, ops, 400, 64, 600, 0);
}

/* Blocks of every size, each filled with its own pattern and verified at every free and realloc,
 * and every live block verified every 100 operations. */
static bool payload_intact(struct grade_ctx *t)
{
    size_t ops = t->quick ? 800 : 2500;
    return mixed_run(t, 0x7061796c6f6164ull, ops, 150, 2000, 20000, 100);
}

/* malloc(0) is NULL or a pointer unique among the live blocks, which free accepts. */
static bool malloc_zero(struct grade_ctx *t)
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
    ok = ok && blocks_verify_all(t, &b);
    int violations = ok ? g_check(t) : 0;
    if (ok && violations != 0)
        ok = grade_fail(t, "expected heapmgr_check() == 0 after malloc(0) and free of its result, it returned %d",
                        violations);
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* free(NULL) does nothing at all. */
static bool free_null(struct grade_ctx *t)
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
    int violations = ok ? g_check(t) : 0;
    if (ok && violations != 0)
        ok = grade_fail(t, "expected heapmgr_check() == 0 after free(NULL), it returned %d", violations);
    ok = ok && blocks_verify_all(t, &b) && blocks_alloc(t, &b, 64) != SIZE_MAX && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* realloc(NULL, n) is malloc(n). */
static bool realloc_null(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 48) != SIZE_MAX;
    for (size_t bytes = 100; bytes <= 100000 && ok; bytes *= 10) {
        char *mem = g_realloc(t, NULL, bytes);
        if (mem == NULL) {
            char what[48];
            snprintf(what, sizeof what, "realloc(NULL, %zu)", bytes);
            ok = grade_fail_alloc(t, what, bytes);
            break;
        }
        size_t other = blocks_overlapping(&b, mem, bytes, SIZE_MAX);
        if (other != SIZE_MAX) {
            ok = grade_fail(t, "expected realloc(NULL, %zu) to return a new block, it returned %p, which overlaps "
                            "the live block %p", bytes, (void *)mem, (void *)b.items[other].mem);
            break;
        }
        grade_fill(mem, bytes, bytes);
        if (grade_verify(mem, bytes, bytes) != SIZE_MAX)
            ok = grade_fail(t, "expected the %zu bytes of realloc(NULL, %zu) to be writable", bytes, bytes);
        g_free(t, mem);
    }
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* Shrinking keeps the first new-size bytes; growing keeps all the old ones. Neighbours are live so
 * that some reallocs must move and some may stay. */
static bool realloc_resize(struct grade_ctx *t, const size_t *sizes, size_t n)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < 6 && ok; i++)
        ok = blocks_alloc(t, &b, sizes[0]) != SIZE_MAX && blocks_alloc(t, &b, 32) != SIZE_MAX;
    for (size_t s = 1; s < n && ok; s++)
        for (size_t i = 0; i < b.count && ok; i += 2)
            ok = blocks_realloc(t, &b, i, sizes[s]);
    ok = ok && blocks_verify_all(t, &b) && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

static bool realloc_shrink(struct grade_ctx *t)
{
    static const size_t sizes[] = { 5000, 3000, 1000, 257, 64, 17, 1 };
    return realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
}

static bool realloc_grow(struct grade_ctx *t)
{
    static const size_t sizes[] = { 1, 24, 100, 1000, 4097, 20000, 70000 };
    return realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
}

/* realloc(p, 0) gives p back and returns NULL or a unique pointer that free accepts. */
static bool realloc_zero(struct grade_ctx *t)
{
    struct os_stats start = os_stats();
    char *mem = g_malloc(t, 200);
    if (mem == NULL)
        return grade_fail_alloc(t, "malloc(200)", 200);
    grade_fill(mem, 200, 7);
    char *result = g_realloc(t, mem, 0);
    if (result != NULL) {
        if (result >= mem && result < mem + 200 && result != mem)
            return grade_fail(t, "expected realloc(p, 0) to return NULL or a unique pointer, it returned %p, "
                              "inside p = %p", (void *)result, (void *)mem);
        g_free(t, result);
    }
    struct os_stats now = os_stats();
    if (t->stage->number == 6 && now.mappings != start.mappings)
        return grade_fail(t, "expected realloc(p, 0) to unmap p's mapping, %zu mappings are still live",
                          now.mappings - start.mappings);
    if (t->stage->walkable) {
        struct heap_walk_report report;
        heap_walk_seam(NULL, NULL, &report);
        if (report.used_chunks != 0)
            return grade_fail(t, "expected realloc(p, 0) to free p (the only block), the heap still has %zu "
                              "chunk(s) in use", report.used_chunks);
    }
    int violations = g_check(t);
    if (violations != 0)
        return grade_fail(t, "expected heapmgr_check() == 0 after realloc(p, 0), it returned %d", violations);
    char *again = g_malloc(t, 64);
    if (again == NULL)
        return grade_fail_alloc(t, "malloc(64) after realloc(p, 0)", 64);
    g_free(t, again);
    return true;
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
static bool calloc_zeroes(struct grade_ctx *t)
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
static bool calloc_overflow(struct grade_ctx *t)
{
    void *keep = g_malloc(t, 32);
    if (keep == NULL)
        return grade_fail_alloc(t, "malloc(32)", 32);
    static const size_t shapes[][2] = { { SIZE_MAX / 2 + 1, 2 }, { SIZE_MAX, SIZE_MAX }, { (size_t)1 << 33, (size_t)1 << 33 },
                                        { 3, SIZE_MAX / 3 + 1 } };
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

static bool expect_valid(struct grade_ctx *t, const char *when)
{
    int violations = g_check(t);
    if (violations != 0)
        return grade_fail(t, "expected heapmgr_check() == 0 %s, it returned %d", when, violations);
    return true;
}

/* Under a size limit 1 MiB above what is in use: a request far beyond it gets NULL, then small
 * requests until the limit is reached, then a realloc that would need more; the heap stays whole. */
static bool refused_by_limit(struct grade_ctx *t, struct grade_blocks *b)
{
    grade_phase(t, "under a size limit");
    struct os_stats s = os_stats();
    os_sim_set_limit(s.heap_bytes + s.mapped_bytes + ((size_t)1 << 20));
    void *huge = g_malloc(t, (size_t)4 << 20);
    if (huge != NULL)
        return grade_fail(t, "expected malloc(4 MiB) to return NULL when the seam allows only 1 MiB more, it "
                          "returned %p", huge);
    if (!expect_valid(t, "after a malloc the seam refused") || !blocks_verify_all(t, b))
        return false;
    size_t filled = 0;
    for (; filled < 20000; filled++) {
        void *mem = g_malloc(t, 1000);
        if (mem == NULL)
            break;
        if (b->count == b->cap) {
            size_t cap = b->cap * 2 + 64;
            struct grade_block *items = realloc(b->items, cap * sizeof *items);
            if (items == NULL)
                return grade_fail(t, "the grader itself ran out of memory");
            b->items = items;
            b->cap = cap;
        }
        grade_fill(mem, 1000, 0x1000 + filled);
        b->items[b->count++] = (struct grade_block){ mem, 1000, 0x1000 + filled };
    }
    if (filled == 20000)
        return grade_fail(t, "expected malloc(1000) to return NULL once the seam's 1 MiB limit is reached, "
                          "20000 calls succeeded");
    if (!expect_valid(t, "after mallocs the seam refused") || !blocks_verify_all(t, b))
        return false;
    void *moved = g_realloc(t, b->items[0].mem, (size_t)8 << 20);
    if (moved != NULL)
        return grade_fail(t, "expected realloc(p, 8 MiB) to return NULL under the size limit, it returned %p", moved);
    return blocks_verify_all(t, b) && expect_valid(t, "after a realloc the seam refused");
}

/* The nth system call from now fails: malloc returns NULL, or memory that is really there. */
static bool refused_by_failure(struct grade_ctx *t, struct grade_blocks *b, unsigned long nth)
{
    grade_phase(t, "with a failing system call");
    if (!blocks_free_all(t, b))
        return false;
    os_sim_fail_nth(nth);
    char *mem = g_malloc(t, 300000);
    os_sim_fail_nth(0);
    if (mem != NULL) {
        grade_fill(mem, 300000, nth);       /* served anyway: writing it must not fault */
        if (grade_verify(mem, 300000, nth) != SIZE_MAX)
            return grade_fail(t, "expected malloc(300000) to return NULL or usable memory when system call %lu "
                              "fails", nth);
        g_free(t, mem);
    }
    return expect_valid(t, "after a failed system call") && blocks_alloc(t, b, 100) != SIZE_MAX;
}

/* When the seam refuses memory, the stage returns NULL and stays whole. */
static bool out_of_memory(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (int i = 0; i < 8 && ok; i++)
        ok = blocks_alloc(t, &b, 200 + 300 * (size_t)i) != SIZE_MAX;
    ok = ok && refused_by_limit(t, &b);
    os_sim_set_limit(t->memory_limit);
    for (unsigned long nth = 1; nth <= 3 && ok; nth++)
        ok = refused_by_failure(t, &b, nth);
    os_sim_fail_nth(0);
    grade_phase(t, "");
    /* Allocation works again. */
    ok = ok && blocks_alloc(t, &b, 50000) != SIZE_MAX && blocks_free_all(t, &b) && expect_valid(t, "at the end");
    blocks_release(&b);
    return ok;
}

/* Several MiB at once, written in full. */
static bool large_requests(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    static const size_t sizes[] = { ((size_t)3 << 20) + 5, (size_t)8 << 20, ((size_t)5 << 20) - 3 };
    bool ok = true;
    for (size_t i = 0; i < 3 && ok; i++)
        ok = blocks_alloc(t, &b, sizes[i]) != SIZE_MAX && blocks_alloc(t, &b, 100) != SIZE_MAX;
    ok = ok && blocks_realloc(t, &b, 0, (size_t)12 << 20) && blocks_verify_all(t, &b);
    ok = ok && blocks_free_all(t, &b) && expect_valid(t, "after large blocks are freed");
    blocks_release(&b);
    return ok;
}

const struct grade_test grade_api_tests[] = {
    { "api.alignment", ST_ALL, 3, alignment },
    { "api.no_overlap", ST_ALL, 3, no_overlap },
    { "api.payload_intact", ST_ALL, 3, payload_intact },
    { "api.malloc_zero", ST_ALL, 3, malloc_zero },
    { "api.free_null", ST_ALL, 3, free_null },
    { "api.realloc_null", ST_ALL, 3, realloc_null },
    { "api.realloc_shrink", ST_ALL, 3, realloc_shrink },
    { "api.realloc_grow", ST_ALL, 3, realloc_grow },
    { "api.realloc_zero", ST_ALL, 3, realloc_zero },
    { "api.calloc_zeroes", ST_ALL, 3, calloc_zeroes },
    { "api.calloc_overflow", ST_ALL, 3, calloc_overflow },
    { "api.out_of_memory", ST_ALL, 3, out_of_memory },
    { "api.large_requests", ST_ALL, 3, large_requests },
};
const size_t grade_api_test_count = sizeof grade_api_tests / sizeof grade_api_tests[0];
