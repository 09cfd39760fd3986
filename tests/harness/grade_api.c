/* grade_api.c: api.*, the C allocation contract of common/heapmgr.h, the same for every stage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
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

/* ---- requests no heap can hold ------------------------------------------------------------------- */

/* Requests of 2^40 bytes and more, up to SIZE_MAX (where rounding up would overflow), through malloc,
 * realloc and calloc: each returns NULL, the heap and the mappings stay as they were, the block given
 * to realloc stays intact, and allocation goes on. */
static bool huge_requests(struct grade_ctx *t)
{
    static const size_t sizes[] = { SIZE_MAX, SIZE_MAX - 15, (size_t)PTRDIFF_MAX + 1, PTRDIFF_MAX,
                                    PTRDIFF_MAX - 64, PTRDIFF_MAX / 2, (size_t)1 << 40 };
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 100) != SIZE_MAX && blocks_alloc(t, &b, 5000) != SIZE_MAX;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && ok; s++) {
        for (int call = 0; call < 4 && ok; call++) {
            static const char *const names[] = { "malloc(%zu)", "realloc(p, %zu)", "calloc(1, %zu)",
                                                 "calloc(%zu, 1)" };
            char what[64];
            snprintf(what, sizeof what, names[call], sizes[s]);
            struct os_stats before = os_stats();
            void *mem = call == 0 ? g_malloc(t, sizes[s])
                      : call == 1 ? g_realloc(t, b.items[0].mem, sizes[s])
                      : call == 2 ? g_calloc(t, 1, sizes[s]) : g_calloc(t, sizes[s], 1);
            struct os_stats after = os_stats();
            if (mem != NULL)
                ok = grade_fail(t, "expected %s to return NULL (no heap can hold it), it returned %p", what, mem);
            else if (after.heap_bytes != before.heap_bytes || after.mapped_bytes != before.mapped_bytes)
                ok = grade_fail(t, "expected %s, which returned NULL, to leave the heap as it was: the heap went "
                                "from %zu to %zu bytes and the mappings from %zu to %zu bytes", what,
                                before.heap_bytes, after.heap_bytes, before.mapped_bytes, after.mapped_bytes);
            ok = ok && blocks_verify_all(t, &b);
        }
    }
    ok = ok && expect_valid(t, "after requests no heap can hold") && blocks_alloc(t, &b, 300) != SIZE_MAX;
    ok = ok && blocks_realloc(t, &b, 0, 7000) && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* ---- seam failures and another user of the break --------------------------------------------------- */

/* Bytes the grader took by moving the break itself, as a second allocator in the process would. */
struct foreign {
    char *mem[4];
    size_t bytes[4];
    size_t count;
};

static bool take_foreign(struct grade_ctx *t, struct foreign *f, size_t bytes)
{
    char *mem = os_sbrk((intptr_t)bytes);
    if (mem == (void *)-1)
        return grade_fail(t, "the grader could not move the break up by %zu bytes itself", bytes);
    f->mem[f->count] = mem;
    f->bytes[f->count] = bytes;
    grade_fill(mem, bytes, 0xf0 + f->count);
    f->count++;
    return true;
}

static bool foreign_intact(struct grade_ctx *t, const struct foreign *f)
{
    for (size_t i = 0; i < f->count; i++) {
        size_t bad = grade_verify(f->mem[i], f->bytes[i], 0xf0 + i);
        if (bad != SIZE_MAX)
            return grade_fail(t, "expected the %zu bytes the grader took by moving the break itself (at %p) to be "
                              "left alone, byte %zu was changed", f->bytes[i], (void *)f->mem[i], bad);
    }
    return true;
}

/* Adds mem, a block of bytes from `what`, to b after checking it: 16-byte aligned, clear of the
 * grader's own bytes and of every live block; then fills it. */
static bool adopt(struct grade_ctx *t, struct grade_blocks *b, const struct foreign *f, char *mem, size_t bytes,
                  const char *what)
{
    if ((uintptr_t)mem % CHUNK_ALIGN != 0)
        return grade_fail(t, "expected %s to return a 16-byte aligned pointer, it returned %p", what, (void *)mem);
    for (size_t i = 0; i < f->count; i++)
        if (mem < f->mem[i] + f->bytes[i] && f->mem[i] < mem + bytes)
            return grade_fail(t, "expected %s to return a block clear of the %zu bytes at %p that another user "
                              "of the heap took by moving the break, it returned [%p, +%zu)", what, f->bytes[i],
                              (void *)f->mem[i], (void *)mem, bytes);
    size_t other = blocks_overlapping(b, mem, bytes, SIZE_MAX);
    if (other != SIZE_MAX)
        return grade_fail(t, "expected %s to return a new block, it returned [%p, +%zu), which overlaps the live "
                          "block [%p, +%zu)", what, (void *)mem, bytes, (void *)b->items[other].mem,
                          b->items[other].bytes);
    if (b->count == b->cap) {
        size_t cap = b->cap * 2 + 16;
        struct grade_block *items = realloc(b->items, cap * sizeof *items);
        if (items == NULL)
            return grade_fail(t, "the grader itself ran out of memory");
        b->items = items;
        b->cap = cap;
    }
    uint64_t seed = ++b->next_seed * 0x9e3779b97f4a7c15ull;
    grade_fill(mem, bytes, seed);
    b->items[b->count++] = (struct grade_block){ mem, bytes, seed };
    return true;
}

/* One malloc with the nth system call from now failing (0: none): NULL, or a block adopt accepts. */
static bool malloc_failing(struct grade_ctx *t, struct grade_blocks *b, const struct foreign *f, size_t bytes,
                           unsigned long nth)
{
    char what[80];
    if (nth > 0)
        snprintf(what, sizeof what, "malloc(%zu) with system call %lu failing", bytes, nth);
    else
        snprintf(what, sizeof what, "malloc(%zu)", bytes);
    os_sim_fail_nth(nth);
    char *mem = g_malloc(t, bytes);
    os_sim_fail_nth(0);
    return mem == NULL || adopt(t, b, f, mem, bytes, what);
}

/* Stages 1, 2 and 6 document a break moved up by someone else as no violation; stages 3-5 report
 * it (checker.detects_break_moved_up). */
static bool foreign_break_is_valid(const struct grade_ctx *t) { return !t->stage->walkable; }

/* Another user of the heap moves the break between mallocs (a program calling sbrk itself under
 * LD_PRELOAD). Each malloc returns NULL (stages 3-5 by their READMEs) or a block clear of that
 * user's bytes; their bytes and every earlier block stay intact; with a failing system call, or a
 * size limit, in the middle of such a grow, malloc returns NULL or a usable block too. Stages 3-5:
 * once the grader gives its bytes back, the heap is as before: heapmgr_check() == 0 and growing works. */
static bool break_moved_by_another(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    struct foreign f = { .count = 0 };
    bool ok = blocks_alloc(t, &b, 100) != SIZE_MAX && blocks_alloc(t, &b, 3000) != SIZE_MAX;
    grade_phase(t, "after another user of the heap moved the break");
    ok = ok && take_foreign(t, &f, 48);
    static const size_t sizes[] = { 300000, 40, 2000 };
    for (size_t i = 0; i < 3 && ok; i++)
        ok = malloc_failing(t, &b, &f, sizes[i], 0);
    ok = ok && foreign_intact(t, &f) && blocks_verify_all(t, &b);
    if (ok && foreign_break_is_valid(t)) {
        ok = expect_valid(t, "after another user moved the break up (the stage's README allows it)");
    } else if (ok && (char *)os_heap_end() == f.mem[0] + f.bytes[0]) {
        /* Stages 3-5 left the break to the other user, who now gives its bytes back: the heap is as
         * it was, so the checker is content again and the heap grows again. */
        grade_phase(t, "after the other user gave its bytes back");
        if (os_sbrk(-(intptr_t)f.bytes[0]) == (void *)-1)
            ok = grade_fail(t, "the grader could not move the break back down by %zu bytes", f.bytes[0]);
        f.count = 0;
        ok = ok && expect_valid(t, "once the break is back where the stage left it");
        char *mem = ok ? g_malloc(t, 300000) : NULL;
        if (ok && mem == NULL)
            ok = grade_fail_alloc(t, "malloc(300000) once the break is back where the stage left it", 300000);
        ok = ok && adopt(t, &b, &f, mem, 300000, "malloc(300000)");
        grade_phase(t, "after another user of the heap moved the break");
    }
    /* Again, with the second system call of the grow failing, then under a size limit that refuses
     * the last 4096 bytes of the request with the third call failing too. */
    ok = ok && take_foreign(t, &f, 32) && malloc_failing(t, &b, &f, 300000, 2);
    ok = ok && take_foreign(t, &f, 16);
    if (ok) {
        struct os_stats s = os_stats();
        os_sim_set_limit(s.heap_bytes + s.mapped_bytes + 300000 - 4096);
        ok = malloc_failing(t, &b, &f, 300000, 3);
        os_sim_set_limit(t->memory_limit);
    }
    ok = ok && malloc_failing(t, &b, &f, 300000, 0) && foreign_intact(t, &f) && blocks_verify_all(t, &b);
    if (ok && foreign_break_is_valid(t))
        ok = expect_valid(t, "after another user moved the break up (the stage's README allows it)");
    grade_phase(t, "");
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* On a fresh heap: the very first system call fails; another user leaves the break unaligned (24
 * bytes); the second call of the first grow fails; the break moves again. Every malloc returns NULL
 * or an aligned block clear of the other user's bytes, which stay intact. */
static bool seam_fails_on_first_malloc(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    struct foreign f = { .count = 0 };
    bool ok = malloc_failing(t, &b, &f, 100, 1);
    grade_phase(t, "after another user of the heap moved the break");
    ok = ok && take_foreign(t, &f, 24) && malloc_failing(t, &b, &f, 100, 2);
    ok = ok && take_foreign(t, &f, 16);
    for (int i = 0; i < 3 && ok; i++)
        ok = malloc_failing(t, &b, &f, 100 + 900 * (size_t)i, 0);
    ok = ok && foreign_intact(t, &f) && blocks_verify_all(t, &b);
    if (ok && foreign_break_is_valid(t))
        ok = expect_valid(t, "after another user moved the break up (the stage's README allows it)");
    grade_phase(t, "");
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* free with the next system call failing (stage 6: os_munmap refused): free must cope; every other
 * block stays intact, heapmgr_check() == 0, and allocation goes on. */
static bool free_when_a_call_fails(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < 10 && ok; i++)
        ok = blocks_alloc(t, &b, 100 + 2500 * i) != SIZE_MAX;
    grade_phase(t, "with a failing system call");
    for (int round = 0; round < 3 && ok; round++) {
        os_sim_fail_nth(1);
        ok = blocks_free(t, &b, (size_t)round * 2);
        os_sim_fail_nth(0);
        ok = ok && blocks_verify_all(t, &b) && expect_valid(t, "after a free whose system call failed");
    }
    grade_phase(t, "");
    ok = ok && blocks_alloc(t, &b, 6000) != SIZE_MAX && blocks_free_all(t, &b) && expect_valid(t, "at the end");
    blocks_release(&b);
    return ok;
}

/* realloc growing the last block (which some stages grow in place by moving the break) with the
 * nth system call failing: NULL with the old block intact, or the new block holding the old bytes. */
static bool realloc_when_a_call_fails(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 1000) != SIZE_MAX && blocks_alloc(t, &b, 2000) != SIZE_MAX;
    grade_phase(t, "with a failing system call");
    for (unsigned long nth = 1; nth <= 3 && ok; nth++) {
        struct grade_block *last = &b.items[b.count - 1];
        size_t bytes = last->bytes * 3;
        os_sim_fail_nth(nth);
        char *moved = g_realloc(t, last->mem, bytes);
        os_sim_fail_nth(0);
        if (moved == NULL) {
            ok = blocks_verify_all(t, &b);
        } else {
            size_t bad = grade_verify(moved, last->bytes, last->seed);
            if (bad != SIZE_MAX) {
                ok = grade_fail(t, "expected realloc(p, %zu) with system call %lu failing to keep the %zu old bytes, "
                                "byte %zu was changed", bytes, nth, last->bytes, bad);
            } else {
                b.count--;
                char what[80];
                snprintf(what, sizeof what, "realloc(p, %zu) with system call %lu failing", bytes, nth);
                ok = adopt(t, &b, &(struct foreign){ .count = 0 }, moved, bytes, what);
            }
        }
        ok = ok && blocks_verify_all(t, &b) && expect_valid(t, "after a realloc with a failing system call");
        ok = ok && blocks_alloc(t, &b, 500) != SIZE_MAX && blocks_alloc(t, &b, 1500 * nth) != SIZE_MAX;
    }
    grade_phase(t, "");
    ok = ok && blocks_free_all(t, &b);
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
    { "api.huge_requests", ST_ALL, 3, huge_requests },
    { "api.break_moved_by_another", ST_ALL, 3, break_moved_by_another },
    { "api.seam_fails_on_first_malloc", ST_ALL, 3, seam_fails_on_first_malloc },
    { "api.free_when_a_call_fails", ST_ALL, 3, free_when_a_call_fails },
    { "api.realloc_when_a_call_fails", ST_ALL, 3, realloc_when_a_call_fails },
};
const size_t grade_api_test_count = sizeof grade_api_tests / sizeof grade_api_tests[0];
