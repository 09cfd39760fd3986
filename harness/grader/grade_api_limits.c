/* grade_api_limits.c: api.* tests of memory the seam refuses (a size limit, a failing system call)
 * and of requests from several MiB up to SIZE_MAX: NULL where no memory can be had, and a heap that
 * stays whole. */
#include <stdint.h>
#include <stdio.h>

#include "grade_api.h"
#include "os_sim.h"
#include "replay_pattern.h"

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
    if (!api_expect_valid(t, "after a malloc the seam refused") || !blocks_verify_all(t, b))
        return false;
    size_t filled = 0;
    for (; filled < 20000; filled++) {
        void *mem = g_malloc(t, 1000);
        if (mem == NULL)
            break;
        if (!blocks_keep(t, b, mem, 1000, 0x1000 + filled))
            return false;
    }
    if (filled == 20000)
        return grade_fail(t, "expected malloc(1000) to return NULL once the seam's 1 MiB limit is reached, "
                          "20000 calls succeeded");
    if (!api_expect_valid(t, "after mallocs the seam refused") || !blocks_verify_all(t, b))
        return false;
    void *moved = g_realloc(t, b->items[0].mem, (size_t)8 << 20);
    if (moved != NULL)
        return grade_fail(t, "expected realloc(p, 8 MiB) to return NULL under the size limit, it returned %p", moved);
    return blocks_verify_all(t, b) && api_expect_valid(t, "after a realloc the seam refused");
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
        replay_pattern_fill(mem, 300000, nth);       /* served anyway: writing it must not fault */
        if (replay_pattern_find_damage(mem, 300000, nth) != SIZE_MAX)
            return grade_fail(t, "expected malloc(300000) to return NULL or usable memory when system call %lu "
                              "fails", nth);
        g_free(t, mem);
    }
    return api_expect_valid(t, "after a failed system call") && blocks_alloc(t, b, 100) != SIZE_MAX;
}

/* When the seam refuses memory, the stage returns NULL and stays whole. */
bool api_out_of_memory(struct grade_ctx *t)
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
    return api_allocation_goes_on(t, &b, 50000, ok);
}

/* Several MiB at once, written in full. */
bool api_large_requests(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    static const size_t sizes[] = { ((size_t)3 << 20) + 5, (size_t)8 << 20, ((size_t)5 << 20) - 3 };
    bool ok = true;
    for (size_t i = 0; i < 3 && ok; i++)
        ok = blocks_alloc(t, &b, sizes[i]) != SIZE_MAX && blocks_alloc(t, &b, 100) != SIZE_MAX;
    ok = ok && blocks_realloc(t, &b, 0, (size_t)12 << 20) && blocks_verify_all(t, &b);
    ok = ok && blocks_free_all(t, &b) && api_expect_valid(t, "after large blocks are freed");
    blocks_release(&b);
    return ok;
}

/* Requests of 2^40 bytes and more, up to SIZE_MAX (where rounding up would overflow), through malloc,
 * realloc and calloc: each returns NULL, the heap and the mappings stay as they were, the block given
 * to realloc stays intact, and allocation goes on. */
bool api_huge_requests(struct grade_ctx *t)
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
    ok = ok && api_expect_valid(t, "after requests no heap can hold") && blocks_alloc(t, &b, 300) != SIZE_MAX;
    return blocks_finish(t, &b, ok && blocks_realloc(t, &b, 0, 7000));
}
