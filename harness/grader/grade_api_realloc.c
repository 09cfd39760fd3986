/* grade_api_realloc.c: api.* tests of realloc: realloc(NULL, n) is malloc(n), shrinking and growing
 * keep the payload's bytes, and realloc(p, 0) frees p. */
#include <stdint.h>
#include <stdio.h>

#include "grade_api.h"
#include "grade_heap.h"
#include "heapwalk.h"
#include "os.h"
#include "replay_pattern.h"

/* realloc(NULL, n) is malloc(n). */
bool api_realloc_null(struct grade_ctx *t)
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
        replay_pattern_fill(mem, bytes, bytes);
        if (replay_pattern_find_damage(mem, bytes, bytes) != SIZE_MAX)
            ok = grade_fail(t, "expected the %zu bytes of realloc(NULL, %zu) to be writable", bytes, bytes);
        g_free(t, mem);
    }
    return blocks_finish(t, &b, ok);
}

/* Stages 3-5: the heap holds exactly one chunk in use per live block (a realloc that loses the
 * tail it cut off, or the block it moved from, leaks a chunk). */
static bool one_chunk_per_block(struct grade_ctx *t, const struct grade_blocks *b, size_t to_bytes)
{
    if (!t->stage->walkable)
        return true;
    struct heap_walk_report report;
    heap_walk_seam(NULL, NULL, &report);
    if (report.used_chunks != b->count)
        return grade_fail(t, "expected one chunk in use per live block after reallocs to %zu bytes: %zu blocks are "
                          "live, the heap has %zu chunks in use", to_bytes, b->count, report.used_chunks);
    return true;
}

/* Shrinking keeps the first new-size bytes; growing keeps all the old ones. Neighbours are live so
 * that some reallocs must move and some may stay. */
static bool realloc_resize(struct grade_ctx *t, const size_t *sizes, size_t n)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < 6 && ok; i++)
        ok = blocks_alloc(t, &b, sizes[0]) != SIZE_MAX && blocks_alloc(t, &b, 32) != SIZE_MAX;
    for (size_t s = 1; s < n && ok; s++) {
        for (size_t i = 0; i < b.count && ok; i += 2)
            ok = blocks_realloc(t, &b, i, sizes[s]);
        ok = ok && one_chunk_per_block(t, &b, sizes[s]);
    }
    return blocks_finish(t, &b, ok && blocks_verify_all(t, &b));
}

/* Stages 3-5, on a fresh heap (no free chunk but the top, which is taken): what a realloc does not
 * keep stays usable. A block of 64 KiB shrunk to 100 bytes
 * gives its tail back; a block of 100 bytes grown to 300 into the free 64 KiB after it takes only
 * what it needs. Either way a malloc of 60000 bytes is then served without growing the heap. */
static bool realloc_leaves_the_rest(struct grade_ctx *t, bool shrink)
{
    if (!t->stage->walkable)
        return true;
    grade_phase(t, shrink ? "after realloc shrank a block of 65536 bytes to 100"
                          : "after realloc grew a block of 100 bytes to 300, with 65536 free bytes after it");
    struct grade_blocks b = { .ignore_alignment = true };
    size_t first = blocks_alloc(t, &b, shrink ? 65536 : 100);
    bool ok = first != SIZE_MAX;
    if (ok && !shrink) {
        /* 100, 65536, 100 bytes in a row, the middle one freed: the block of 100 bytes whose chunk
         * ends where the free one starts (the first, or the last when the stage carves from the
         * tail end of its free chunk) is the one realloc can grow in place. */
        ok = blocks_alloc(t, &b, 65536) != SIZE_MAX && blocks_alloc(t, &b, 100) != SIZE_MAX;
        if (ok && chunk_next_in_mem(chunk_from_mem(b.items[2].mem)) == chunk_from_mem(b.items[1].mem))
            first = 2;
        char *grown = ok ? b.items[first].mem : NULL;
        ok = ok && heap_take_top(t, &b);         /* no other free chunk could serve the malloc below */
        ok = ok && blocks_free(t, &b, 1);        /* the last block moves into slot 1 */
        for (size_t i = 0; ok && i < b.count; i++)
            if (b.items[i].mem == grown)
                first = i;
    } else {
        ok = ok && blocks_alloc(t, &b, 32) != SIZE_MAX && heap_take_top(t, &b);
    }
    size_t heap_before = os_stats().heap_bytes;
    ok = ok && blocks_realloc(t, &b, first, shrink ? 100 : 300) && blocks_alloc(t, &b, 60000) != SIZE_MAX;
    if (ok && os_stats().heap_bytes > heap_before)
        ok = grade_fail(t, "expected malloc(60000) to be served from the memory the realloc did not need, the heap "
                        "grew from %zu to %zu bytes", heap_before, os_stats().heap_bytes);
    grade_phase(t, "");
    return blocks_finish(t, &b, ok);
}

/* Stages 3-5, on a heap of over 1 MiB with no free chunk: a block of 100 bytes at the heap's end
 * grown to 40000 bytes, so the heap grows. Whatever the stage's grow step, the chunk the block ends
 * in holds at most 4 KiB it does not need: the rest of the grow is split off (the lecture's split),
 * not kept in the block. */
enum { REALLOC_KEPT_MAX = 4096 };
static bool realloc_grow_splits(struct grade_ctx *t)
{
    if (!t->stage->walkable)
        return true;
    grade_phase(t, "after realloc grew the last block of a 1 MiB heap from 100 to 40000 bytes");
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, (size_t)1 << 20) != SIZE_MAX && heap_take_top(t, &b);
    size_t last = ok ? blocks_alloc(t, &b, 100) : SIZE_MAX;
    ok = ok && last != SIZE_MAX && blocks_realloc(t, &b, last, 40000);
    if (ok) {
        size_t have = chunk_size(chunk_from_mem(b.items[last].mem)), need = chunk_bytes_for(40000);
        if (have > need + REALLOC_KEPT_MAX)
            ok = grade_fail(t, "expected the block's chunk to hold %zu bytes (and at most %d more), it holds %zu: "
                            "what the grow brought beyond the request was not split off", need, REALLOC_KEPT_MAX,
                            have);
    }
    grade_phase(t, "");
    return blocks_finish(t, &b, ok);
}

bool api_realloc_shrink(struct grade_ctx *t)
{
    static const size_t sizes[] = { 5000, 3000, 1000, 257, 64, 17, 1 };
    return realloc_leaves_the_rest(t, true) && realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
}

bool api_realloc_grow(struct grade_ctx *t)
{
    static const size_t sizes[] = { 1, 24, 100, 1000, 4097, 20000, 70000 };
    return realloc_leaves_the_rest(t, false) && realloc_grow_splits(t) &&
           realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
}

/* realloc(p, 0) gives p back and returns NULL or a unique pointer that free accepts. */
bool api_realloc_zero(struct grade_ctx *t)
{
    struct os_stats start = os_stats();
    char *mem = g_malloc(t, 200);
    if (mem == NULL)
        return grade_fail_alloc(t, "malloc(200)", 200);
    replay_pattern_fill(mem, 200, 7);
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
    if (!api_expect_valid(t, "after realloc(p, 0)"))
        return false;
    char *again = g_malloc(t, 64);
    if (again == NULL)
        return grade_fail_alloc(t, "malloc(64) after realloc(p, 0)", 64);
    g_free(t, again);
    return true;
}
