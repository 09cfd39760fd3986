/* grade_lecture_chunks.c: lecture.* tests of what the chunks in memory show in the list stages:
 * freed neighbours coalesce on both sides, no two free chunks are ever adjacent, and (stages 4-5)
 * status bits and footers agree with the live blocks; plus the seeded workload those checks run
 * under (lecture_workload, grade_lecture.h). */
#include <stdint.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_lecture.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

/* Is there one free chunk covering [lo, hi)? */
static bool covered_by_free_chunk(struct grade_ctx *t, uintptr_t lo, uintptr_t hi, bool *covered)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
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
    return blocks_finish(t, &b, ok);
}

/* The first two adjacent free chunks in memory, as a failure; true when there are none. */
static bool no_adjacent_free(struct grade_ctx *t, const char *after)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
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

bool lecture_workload(struct grade_ctx *t, uint64_t seed, size_t ops, size_t every,
                      bool (*check)(struct grade_ctx *t, const struct grade_blocks *b))
{
    /* At most 201 live blocks: past 200, every operation frees. */
    static const struct blocks_mix mix = { .free_below = 45, .realloc_below = 55, .max_live = 201,
                                           .large_one_in = 8, .small_bytes = 300, .large_bytes = 4000 };
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = seed;
    bool ok = true;
    for (size_t i = 0; i < ops && ok; i++) {
        ok = blocks_mix_step(t, &b, &rng, &mix);
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
    return lecture_workload(t, 0x61646a616365ull, t->quick ? 600 : 1500, 1, check_no_adjacent);
}

static bool check_bits_and_footers(struct grade_ctx *t, const struct grade_blocks *b)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
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
    return lecture_workload(t, 0x62697473ull, t->quick ? 500 : 1200, 1, check_bits_and_footers);
}

