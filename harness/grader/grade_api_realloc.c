/* grade_api_realloc.c: api.* tests of realloc: realloc(NULL, n) is malloc(n), shrinking and growing
 * keep the payload's bytes, and realloc(p, 0) frees p. */
#include <stdint.h>
#include <stdio.h>

#include "grade_api.h"
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
    return blocks_finish(t, &b, ok && blocks_verify_all(t, &b));
}

bool api_realloc_shrink(struct grade_ctx *t)
{
    static const size_t sizes[] = { 5000, 3000, 1000, 257, 64, 17, 1 };
    return realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
}

bool api_realloc_grow(struct grade_ctx *t)
{
    static const size_t sizes[] = { 1, 24, 100, 1000, 4097, 20000, 70000 };
    return realloc_resize(t, sizes, sizeof sizes / sizeof sizes[0]);
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
