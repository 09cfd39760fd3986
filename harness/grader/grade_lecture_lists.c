/* grade_lecture_lists.c: lecture.* tests of what the free lists hold in the list stages (3 List,
 * 4 Doubly linked list, 5 Bins): freed chunks are reused, stage 3 keeps one list in address order,
 * stages 4-5 keep next and prev consistent, stage 5 keeps each chunk in its size's bin. Read from
 * memory through common/chunk.h and the grader's own list reconstruction (grade_heap.h). */
#include <stdint.h>

#include "chunk.h"
#include "grade_fit.h"
#include "grade_heap.h"
#include "grade_lecture.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

/* Allocates n blocks of seeded sizes in [lo, hi] and frees a seeded half of them. */
static bool fragment(struct grade_ctx *t, struct grade_blocks *b, uint64_t seed, size_t n, size_t lo, size_t hi)
{
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++)
        if (blocks_alloc(t, b, lo + grade_random_below(&rng, hi - lo + 1)) == SIZE_MAX)
            return false;
    for (size_t i = 0; i < n / 2; i++)
        if (!blocks_free(t, b, grade_random_below(&rng, b->count)))
            return false;
    return true;
}

/* A free chunk that fits a request exactly serves it. Free chunks between guards, then every free
 * chunk but one filled (each time the largest, by a request 16 bytes short of it, which no stage
 * can split); the one left is asked for exactly: malloc takes it and the heap does not grow. */
static bool exact_fit_reused(struct grade_ctx *t)
{
    static const size_t sizes[] = { 1008, 1008, 1008, 2000 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, sizeof sizes / sizeof sizes[0]);
    grade_phase(t, "with one free chunk left, asked for exactly");
    for (int round = 0; round < 64 && ok; round++) {
        struct heap_view v;
        if (!heap_view_build_or_fail(t, &v)) {
            ok = false;
            break;
        }
        chunk_t *largest = NULL;
        for (size_t i = 0; i < v.free_count; i++)
            if (largest == NULL || chunk_size(v.free_chunks[i]) > chunk_size(largest))
                largest = v.free_chunks[i];
        size_t count = v.free_count, bytes = largest == NULL ? 0 : chunk_size(largest);
        heap_view_release(&v);
        if (count == 0)
            ok = grade_fail(t, "expected a free chunk left after freeing blocks between guards, there is none");
        if (count <= 1 || !ok)
            break;
        ok = blocks_alloc(t, &guards, bytes - CHUNK_OVERHEAD_BYTES - CHUNK_UNIT) != SIZE_MAX;
    }
    struct heap_view v;
    if (ok && heap_view_build_or_fail(t, &v)) {
        chunk_t *hole = v.free_count == 1 ? v.free_chunks[0] : NULL;
        heap_view_release(&v);
        size_t req = hole == NULL ? 0 : chunk_size(hole) - CHUNK_OVERHEAD_BYTES;
        size_t heap_before = os_stats().heap_bytes;
        size_t i = hole == NULL ? SIZE_MAX : blocks_alloc(t, &guards, req);
        if (hole == NULL)
            ok = grade_fail(t, "the grader could not leave exactly one free chunk");
        else if (i == SIZE_MAX)
            ok = false;
        else if (chunk_from_mem(guards.items[i].mem) != hole || os_stats().heap_bytes != heap_before)
            ok = grade_fail(t, "expected malloc(%zu) to take the one free chunk, which fits it exactly (offset 0x%zx, "
                            "%zu bytes); it returned offset 0x%zx and the heap went from %zu to %zu bytes", req,
                            off(hole), chunk_size(hole), off(guards.items[i].mem), heap_before, os_stats().heap_bytes);
    } else {
        ok = false;
    }
    grade_phase(t, "");
    return blocks_finish(t, &guards, ok);
}

/* Blocks of sizes[] between guards, the free chunk at the top taken (a request 16 bytes short of it,
 * which no stage splits), then the blocks freed: the heap's free chunks are those holes. */
static bool only_holes_free(struct grade_ctx *t, struct grade_blocks *guards, const size_t *sizes, size_t n)
{
    struct grade_blocks holes = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        ok = blocks_alloc(t, &holes, sizes[i]) != SIZE_MAX && blocks_alloc(t, guards, 32) != SIZE_MAX;
    ok = ok && heap_take_top(t, guards);
    return blocks_finish(t, &holes, ok);
}

/* Requests served from larger free chunks, of the exact-size bins and of the size classes alike:
 * with only holes of the sizes below free (and live blocks around them), each request of reqs[]
 * is served without growing the heap. A stage that files large chunks in the wrong class, or whose
 * search skips a bin or a class, grows the heap instead. */
static bool served_from_holes(struct grade_ctx *t, const char *phase, const size_t *sizes, size_t n,
                              const size_t *reqs, size_t r)
{
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = only_holes_free(t, &guards, sizes, n);
    grade_phase(t, phase);
    for (size_t i = 0; i < r && ok; i++) {
        size_t heap_before = os_stats().heap_bytes;
        ok = blocks_alloc(t, &guards, reqs[i]) != SIZE_MAX;
        if (ok && os_stats().heap_bytes != heap_before)
            ok = grade_fail(t, "expected malloc(%zu) to be served from a free chunk (the heap holds free chunks large "
                            "enough), the heap grew from %zu to %zu bytes", reqs[i], heap_before, os_stats().heap_bytes);
    }
    grade_phase(t, "");
    return blocks_finish(t, &guards, ok);
}

static bool large_chunks_reused(struct grade_ctx *t)
{
    static const size_t few[] = { 5000, 9000, 40000 }, small_reqs[] = { 100, 960, 2000, 4000 };
    static const size_t many[] = { 1100, 1500, 2100, 3000, 4500, 7000, 11000, 17000, 26000, 40000 };
    static const size_t large_reqs[] = { 40000, 26000, 17000, 11000, 7000, 4500, 3000, 2100, 1500, 1100 };
    return served_from_holes(t, "with free chunks of 5000, 9000 and 40000 bytes between blocks in use", few, 3,
                             small_reqs, 4) &&
           served_from_holes(t, "with free chunks of ten sizes from 1100 to 40000 bytes between blocks in use", many,
                             10, large_reqs, 10);
}

bool lecture_reuses_freed_chunks(struct grade_ctx *t)
{
    if (!exact_fit_reused(t) || !large_chunks_reused(t))
        return false;
    enum { N = 120 };
    size_t sizes[N];
    uint64_t rng = 0x7265757365ull;
    for (size_t i = 0; i < N; i++)
        sizes[i] = 1 + grade_random_below(&rng, 3000);
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < N && ok; i++)
        ok = blocks_alloc(t, &b, sizes[i]) != SIZE_MAX;
    size_t heap_before = os_stats().heap_bytes;
    while (ok && b.count > 0)
        ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
    for (size_t i = 0; i < N && ok; i++)
        ok = blocks_alloc(t, &b, sizes[i]) != SIZE_MAX;
    size_t heap_after = os_stats().heap_bytes;
    if (ok && heap_after > heap_before)
        ok = grade_fail(t, "expected the same %d requests, made again after every block was freed, to be served "
                        "from the freed chunks, the heap grew from %zu to %zu bytes", N, heap_before, heap_after);
    return blocks_finish(t, &b, ok);
}

bool lecture_address_ordered_list(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    if (!fragment(t, &b, 0x6f72646572ull, 80, 16, 800)) {
        blocks_release(&b);
        return false;
    }
    struct heap_view v;
    bool ok = heap_view_build_or_fail(t, &v);
    if (ok && v.free_count > 0 && v.head_count != 1)
        ok = grade_fail(t, "expected one free list holding all %zu free chunks, the free chunks form %zu separate "
                        "chains (heads at offsets 0x%zx ...)", v.free_count, v.head_count,
                        v.head_count > 0 ? off(v.heads[0]) : 0);
    if (ok && v.free_count > 0) {
        chunk_t *c = v.heads[0];
        size_t seen = 1;
        while (ok && chunk_next_free(c) != NULL) {
            chunk_t *next = chunk_next_free(c);
            if (heap_view_free_index(&v, next) == SIZE_MAX)
                ok = grade_fail(t, "expected the free list to hold free chunks only, offset 0x%zx's next is %p, "
                                "not a free chunk", off(c), (void *)next);
            else if ((uintptr_t)next <= (uintptr_t)c)
                ok = grade_fail(t, "expected the free list sorted by address, offset 0x%zx is followed by offset "
                                "0x%zx", off(c), off(next));
            else if (++seen > v.free_count)
                ok = grade_fail(t, "expected the free list to end in NULL, it runs on past its %zu chunks",
                                v.free_count);
            c = next;
        }
        if (ok && seen != v.free_count)
            ok = grade_fail(t, "expected the free list to hold all %zu free chunks, it holds %zu", v.free_count, seen);
    }
    heap_view_release(&v);
    return blocks_finish(t, &b, ok);
}

static bool check_lists(struct grade_ctx *t, const struct grade_blocks *b)
{
    (void)b;
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    char why[600];
    bool ok = heap_view_audit_lists(&v, t->stage->number, why, sizeof why);
    heap_view_release(&v);
    return ok || grade_fail(t, "expected consistent free lists: %s", why);
}

bool lecture_lists_consistent(struct grade_ctx *t)
{
    return lecture_workload(t, 0x6c69737473ull, t->quick ? 600 : 1500, 3, check_lists);
}

bool lecture_right_bin(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = fragment(t, &b, 0x62696e73ull, 300, 1, 400) && fragment(t, &b, 0x62696e32ull, 100, 500, 3000);
    struct heap_view v;
    ok = ok && heap_view_build_or_fail(t, &v);
    if (ok) {
        char why[600];
        if (!heap_view_audit_bins(&v, why, sizeof why))
            ok = grade_fail(t, "expected every free chunk in its size's bin: %s", why);
        heap_view_release(&v);
    }
    return blocks_finish(t, &b, ok);
}
