/* grade_lecture_lists.c: lecture.* for the list stages (3 List, 4 Doubly linked list, 5 Bins), read
 * from memory through common/chunk.h and the grader's own list reconstruction (grade_heap.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_lecture.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

static bool view_or_fail(struct grade_ctx *t, struct heap_view *v)
{
    if (heap_view_build(v))
        return true;
    heap_view_release(v);
    return grade_fail(t, "the grader ran out of memory walking the heap");
}

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

bool lecture_reuses_freed_chunks(struct grade_ctx *t)
{
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
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

bool lecture_address_ordered_list(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    if (!fragment(t, &b, 0x6f72646572ull, 80, 16, 800)) {
        blocks_release(&b);
        return false;
    }
    struct heap_view v;
    bool ok = view_or_fail(t, &v);
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
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* Allocates blocks of the given payload sizes, each followed by a small guard, and frees the blocks
 * but not the guards: free chunks that cannot coalesce. */
static bool free_chunks_of(struct grade_ctx *t, struct grade_blocks *guards, const size_t *sizes, size_t n)
{
    struct grade_blocks holes = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        ok = blocks_alloc(t, &holes, sizes[i]) != SIZE_MAX && blocks_alloc(t, guards, 32) != SIZE_MAX;
    ok = ok && blocks_free_all(t, &holes);
    blocks_release(&holes);
    return ok;
}

/* Is some free chunk's size within slack bytes of need? Then whether it "fits" depends on rounding
 * details a correct stage may choose, and the request is not used. */
static bool ambiguous(const struct heap_view *v, size_t need, size_t slack)
{
    for (size_t i = 0; i < v->free_count; i++) {
        size_t s = chunk_size(v->free_chunks[i]);
        if (s + slack >= need && s <= need + slack)
            return true;
    }
    return false;
}

static chunk_t *first_fit_in(const struct heap_view *v, size_t need)
{
    for (size_t i = 0; i < v->free_count; i++)
        if (chunk_size(v->free_chunks[i]) >= need)
            return v->free_chunks[i];
    return NULL;
}

static chunk_t *best_fit_in(const struct heap_view *v, size_t need)
{
    chunk_t *best = NULL;
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        if (chunk_size(c) >= need && (best == NULL || chunk_size(c) < chunk_size(best)))
            best = c;
    }
    return best;
}

bool lecture_first_fit(struct grade_ctx *t)
{
    static const size_t sizes[] = { 496, 1984, 1008, 2992 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 4);
    struct heap_view v;
    ok = ok && view_or_fail(t, &v);
    if (!ok) {
        blocks_release(&guards);
        return false;
    }
    /* A request whose first fit is not its best fit, away from any ambiguous size. */
    size_t req = 0;
    chunk_t *first = NULL, *best = NULL;
    for (size_t r = 32; r <= 3000 && req == 0; r += 16) {
        size_t need = chunk_bytes_for(r);
        first = first_fit_in(&v, need);
        best = best_fit_in(&v, need);
        if (first != NULL && best != NULL && chunk_size(first) != chunk_size(best) && !ambiguous(&v, need, 64))
            req = r;
    }
    if (req == 0)
        ok = grade_fail(t, "the grader could not set up free chunks where first fit and best fit differ "
                        "(%zu free chunks)", v.free_count);
    if (ok) {
        uintptr_t first_at = (uintptr_t)first, first_end = first_at + chunk_size(first);
        char *mem = g_malloc(t, req);
        uintptr_t got = (uintptr_t)(mem == NULL ? NULL : chunk_from_mem(mem));
        if (mem == NULL)
            ok = grade_fail_alloc(t, "malloc", req);
        else if (got < first_at || got >= first_end)
            ok = grade_fail(t, "expected malloc(%zu) to take the first free chunk that fits (offset 0x%zx, %zu bytes), "
                            "it returned memory at offset 0x%zx (the best fit is offset 0x%zx, %zu bytes)", req,
                            off(first), (size_t)(first_end - first_at), off(mem), off(best), chunk_size(best));
        if (mem != NULL)
            g_free(t, mem);
    }
    heap_view_release(&v);
    ok = ok && blocks_free_all(t, &guards);
    blocks_release(&guards);
    return ok;
}

bool lecture_split_returns_tail(struct grade_ctx *t)
{
    static const size_t sizes[] = { 3008, 1504 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 2);
    for (size_t req = 48; req <= 400 && ok; req += 88) {
        struct heap_view v;
        if (!view_or_fail(t, &v))
            break;
        size_t need = chunk_bytes_for(req);
        chunk_t *first = first_fit_in(&v, need);
        size_t first_bytes = first == NULL ? 0 : chunk_size(first);
        heap_view_release(&v);
        if (first == NULL || first_bytes < need + 4 * CHUNK_MIN_BYTES)
            continue;                       /* only a chunk well larger than the request must split */
        char *mem = g_malloc(t, req);
        if (mem == NULL) {
            ok = grade_fail_alloc(t, "malloc", req);
            break;
        }
        chunk_t *used = chunk_from_mem(mem);
        uintptr_t end = (uintptr_t)first + first_bytes;
        bool inside = (uintptr_t)used >= (uintptr_t)first && (uintptr_t)used < end;
        if ((uintptr_t)used + chunk_size(used) != end || !inside)
            ok = grade_fail(t, "expected malloc(%zu) to split the first fit (offset 0x%zx, %zu bytes) and return its "
                            "tail end (a chunk ending at offset 0x%zx), it returned a chunk at offset 0x%zx of %zu "
                            "bytes", req, off(first), first_bytes, off((void *)end), off(used), chunk_size(used));
        else if (!chunk_is_free(first) || chunk_size(first) != first_bytes - chunk_size(used))
            ok = grade_fail(t, "expected the front of the split chunk to stay free at offset 0x%zx with %zu bytes, "
                            "it is %s with %zu bytes", off(first), first_bytes - chunk_size(used),
                            chunk_is_free(first) ? "free" : "in use", chunk_size(first));
        g_free(t, mem);
    }
    ok = ok && blocks_free_all(t, &guards);
    blocks_release(&guards);
    return ok;
}

/* Is there one free chunk covering [lo, hi)? */
static bool covered_by_free_chunk(struct grade_ctx *t, uintptr_t lo, uintptr_t hi, bool *covered)
{
    struct heap_view v;
    if (!view_or_fail(t, &v))
        return false;
    *covered = false;
    for (size_t i = 0; i < v.free_count; i++) {
        uintptr_t c = (uintptr_t)v.free_chunks[i];
        if (c <= lo && c + chunk_size(v.free_chunks[i]) >= hi)
            *covered = true;
    }
    heap_view_release(&v);
    return true;
}

/* Three blocks adjacent in memory, in address order; false when the heap did not place them so. */
static bool adjacent_triple(struct grade_ctx *t, struct grade_blocks *b, char *abc[3])
{
    for (int attempt = 0; attempt < 8; attempt++) {
        size_t first = b->count;
        for (int k = 0; k < 3; k++)
            if (blocks_alloc(t, b, 200) == SIZE_MAX)
                return false;
        if (blocks_alloc(t, b, 64) == SIZE_MAX)      /* a guard after them */
            return false;
        char *p[3] = { b->items[first].mem, b->items[first + 1].mem, b->items[first + 2].mem };
        for (int i = 0; i < 3; i++)                  /* sort by address */
            for (int j = i + 1; j < 3; j++)
                if (p[j] < p[i]) {
                    char *x = p[i];
                    p[i] = p[j];
                    p[j] = x;
                }
        if (chunk_next_in_mem(chunk_from_mem(p[0])) == chunk_from_mem(p[1]) &&
            chunk_next_in_mem(chunk_from_mem(p[1])) == chunk_from_mem(p[2])) {
            for (int i = 0; i < 3; i++)
                abc[i] = p[i];
            return true;
        }
    }
    return grade_fail(t, "the grader could not get three blocks adjacent in memory from 8 tries of three mallocs "
                      "of 200 bytes");
}

static size_t index_of(const struct grade_blocks *b, const char *mem)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->items[i].mem == mem)
            return i;
    return SIZE_MAX;
}

bool lecture_coalesce_both_sides(struct grade_ctx *t)
{
    /* Two orders: the outer two first, then the middle (it merges on both sides); and the middle
     * first, then the left (merges with the chunk after it), then the right (with the one before). */
    static const int orders[2][3] = { { 0, 2, 1 }, { 1, 0, 2 } };
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 64) != SIZE_MAX;      /* a guard before them */
    for (int o = 0; o < 2 && ok; o++) {
        char *abc[3] = { NULL, NULL, NULL };
        if (!adjacent_triple(t, &b, abc)) {
            ok = false;
            break;
        }
        uintptr_t lo = (uintptr_t)chunk_from_mem(abc[0]);
        uintptr_t hi = (uintptr_t)chunk_next_in_mem(chunk_from_mem(abc[2]));
        for (int k = 0; k < 3 && ok; k++)
            ok = blocks_free(t, &b, index_of(&b, abc[orders[o][k]]));
        bool covered = false;
        ok = ok && covered_by_free_chunk(t, lo, hi, &covered);
        if (ok && !covered)
            ok = grade_fail(t, "expected freeing three adjacent blocks (offsets 0x%zx to 0x%zx, freed %s) to leave one "
                            "free chunk covering all three, the heap holds no such chunk", off((void *)lo),
                            off((void *)hi), o == 0 ? "left, right, then middle" : "middle, left, then right");
    }
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

/* The first two adjacent free chunks in memory, as a failure; true when there are none. */
static bool no_adjacent_free(struct grade_ctx *t, const char *after)
{
    struct heap_view v;
    if (!view_or_fail(t, &v))
        return false;
    bool ok = true;
    for (size_t i = 1; i < v.chunk_count && ok; i++)
        if (chunk_is_free(v.chunks[i]) && chunk_is_free(v.chunks[i - 1]))
            ok = grade_fail(t, "expected no two adjacent free chunks %s, the chunks at offsets 0x%zx (%zu bytes) and "
                            "0x%zx (%zu bytes) are both free", after, off(v.chunks[i - 1]),
                            chunk_size(v.chunks[i - 1]), off(v.chunks[i]), chunk_size(v.chunks[i]));
    heap_view_release(&v);
    return ok;
}

/* A seeded workload; after every operation (every `every` operations) check(t) must hold. */
static bool workload_with(struct grade_ctx *t, uint64_t seed, size_t ops, size_t every,
                          bool (*check)(struct grade_ctx *t, const struct grade_blocks *b))
{
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = seed;
    bool ok = true;
    for (size_t i = 0; i < ops && ok; i++) {
        size_t r = grade_random_below(&rng, 100);
        size_t bytes = 1 + grade_random_below(&rng, grade_random_below(&rng, 8) == 0 ? 4000 : 300);
        if (b.count > 0 && (r < 45 || b.count > 200))
            ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
        else if (b.count > 0 && r < 55)
            ok = blocks_realloc(t, &b, grade_random_below(&rng, b.count), bytes);
        else
            ok = blocks_alloc(t, &b, bytes) != SIZE_MAX;
        if (ok && i % every == 0)
            ok = check(t, &b);
    }
    while (ok && b.count > 0) {
        ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
        ok = ok && (b.count % every != 0 || check(t, &b));
    }
    ok = ok && check(t, &b);
    blocks_release(&b);
    return ok;
}

static bool check_no_adjacent(struct grade_ctx *t, const struct grade_blocks *b)
{
    (void)b;
    return no_adjacent_free(t, "after free");
}

bool lecture_no_adjacent_free_chunks(struct grade_ctx *t)
{
    return workload_with(t, 0x61646a616365ull, t->quick ? 600 : 1500, 1, check_no_adjacent);
}

static bool check_bits_and_footers(struct grade_ctx *t, const struct grade_blocks *b)
{
    struct heap_view v;
    if (!view_or_fail(t, &v))
        return false;
    bool ok = true;
    if (v.walk.tiling_broken)
        ok = grade_fail(t, "expected the chunks to tile the heap, %s at offset 0x%zx", v.walk.tiling_problem,
                        off(v.walk.first_bad));
    for (size_t i = 0; i < v.chunk_count && ok; i++)
        if (chunk_footer_size(v.chunks[i]) != chunk_size(v.chunks[i]))
            ok = grade_fail(t, "expected every footer to repeat its header's size, the chunk at offset 0x%zx has %zu "
                            "in its header and %zu in its footer", off(v.chunks[i]), chunk_size(v.chunks[i]),
                            chunk_footer_size(v.chunks[i]));
    for (size_t i = 0; i < b->count && ok; i++) {
        chunk_t *c = chunk_from_mem(b->items[i].mem);
        if (heap_view_chunk_index(&v, c) == SIZE_MAX)
            ok = grade_fail(t, "expected the block at offset 0x%zx to start a chunk of the heap, the heap walk finds "
                            "no chunk there", off(b->items[i].mem));
        else if (!chunk_is_in_use(c))
            ok = grade_fail(t, "expected the chunk of the live block at offset 0x%zx to be marked in use, its status "
                            "bit says free", off(b->items[i].mem));
    }
    for (size_t i = 0; i < v.free_count && ok; i++) {
        chunk_t *next = chunk_next_free(v.free_chunks[i]);
        size_t used = next == NULL ? SIZE_MAX : heap_view_chunk_index(&v, next);
        if (used != SIZE_MAX && chunk_is_in_use(next))
            ok = grade_fail(t, "expected every chunk on a free list to be marked free, the chunk at offset 0x%zx is "
                            "on a list (after offset 0x%zx) but marked in use", off(next), off(v.free_chunks[i]));
    }
    if (ok && v.walk.used_chunks != b->count)
        ok = grade_fail(t, "expected as many chunks in use as live blocks (%zu), the heap has %zu marked in use",
                        b->count, v.walk.used_chunks);
    heap_view_release(&v);
    return ok;
}

bool lecture_status_bits_and_footers(struct grade_ctx *t)
{
    return workload_with(t, 0x62697473ull, t->quick ? 500 : 1200, 1, check_bits_and_footers);
}

static bool check_lists(struct grade_ctx *t, const struct grade_blocks *b)
{
    (void)b;
    struct heap_view v;
    if (!view_or_fail(t, &v))
        return false;
    char why[600];
    bool ok = heap_view_audit_lists(&v, t->stage->number, why, sizeof why);
    heap_view_release(&v);
    return ok || grade_fail(t, "expected consistent free lists: %s", why);
}

bool lecture_lists_consistent(struct grade_ctx *t)
{
    return workload_with(t, 0x6c69737473ull, t->quick ? 600 : 1500, 3, check_lists);
}

bool lecture_right_bin(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = fragment(t, &b, 0x62696e73ull, 300, 1, 400) && fragment(t, &b, 0x62696e32ull, 100, 500, 3000);
    struct heap_view v;
    ok = ok && view_or_fail(t, &v);
    if (ok) {
        char why[600];
        if (!heap_view_audit_bins(&v, why, sizeof why))
            ok = grade_fail(t, "expected every free chunk in its size's bin: %s", why);
        heap_view_release(&v);
    }
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    return ok;
}

bool lecture_best_fit_small(struct grade_ctx *t)
{
    static const size_t holes[] = { 160, 96, 224, 128, 64, 192 };
    static const size_t requests[] = { 80, 100, 120, 150, 200, 40, 170 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, holes, sizeof holes / sizeof holes[0]);
    for (size_t k = 0; k < sizeof requests / sizeof requests[0] && ok; k++) {
        struct heap_view v;
        if (!view_or_fail(t, &v)) {
            ok = false;
            break;
        }
        size_t req = requests[k], need = chunk_bytes_for(req);
        chunk_t *best = best_fit_in(&v, need);
        size_t *sizes = malloc((v.free_count + 1) * sizeof *sizes);   /* before the malloc splits one */
        if (sizes == NULL) {
            heap_view_release(&v);
            ok = grade_fail(t, "the grader itself ran out of memory");
            break;
        }
        for (size_t i = 0; i < v.free_count; i++)
            sizes[i] = chunk_size(v.free_chunks[i]);
        size_t best_bytes = best == NULL ? 0 : chunk_size(best);
        char *mem = g_malloc(t, req);
        if (mem == NULL)
            ok = grade_fail_alloc(t, "malloc", req);
        bool in_best_size = false;
        for (size_t i = 0; i < v.free_count && ok; i++) {
            uintptr_t at = (uintptr_t)v.free_chunks[i], got = (uintptr_t)chunk_from_mem(mem);
            if (got >= at && got < at + sizes[i] && sizes[i] == best_bytes)
                in_best_size = true;
        }
        free(sizes);
        if (ok && best != NULL && !in_best_size)
            ok = grade_fail(t, "expected malloc(%zu) (a %zu-byte chunk) to take the best fit, a free chunk of %zu "
                            "bytes (e.g. offset 0x%zx), it returned memory at offset 0x%zx", req, need, best_bytes,
                            off(best), off(mem));
        heap_view_release(&v);
        if (mem != NULL)
            g_free(t, mem);
    }
    ok = ok && blocks_free_all(t, &guards);
    blocks_release(&guards);
    return ok;
}
