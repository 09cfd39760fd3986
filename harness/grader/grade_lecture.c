/* grade_lecture.c: lecture.* for the stages without lists (1 Minimal, 2 Pad, 6 VM), measured through
 * the seam's counters, stage 5's large requests served from the top of the heap, and the table of
 * every lecture test (the other tests of stages 3-5 are in grade_lecture_lists.c and
 * grade_lecture_cost.c). */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_lecture.h"
#include "grade_test.h"
#include "os.h"

enum { PAD_MIN_ALLOC = 8192 };       /* stage 2's MIN_ALLOC, as in DESIGN.md */

/* A seeded request size: mostly small, sometimes a few KiB. */
static size_t some_bytes(uint64_t *rng)
{
    return grade_random_below(rng, 8) == 0 ? 1 + grade_random_below(rng, 6000) : 1 + grade_random_below(rng, 200);
}

/* Stage 1: "malloc: one brk per call". */
static bool one_brk_per_malloc(struct grade_ctx *t)
{
    uint64_t rng = 0x6d696e696d616cull;
    for (int i = 0; i < 300; i++) {
        size_t bytes = some_bytes(&rng);
        unsigned long before = os_stats().break_moves;
        void *mem = g_malloc(t, bytes);
        if (mem == NULL)
            return grade_fail_alloc(t, "malloc", bytes);
        unsigned long moves = os_stats().break_moves - before;
        if (moves != 1)
            return grade_fail(t, "expected malloc(%zu) to move the break exactly once, it moved it %lu time(s)",
                              bytes, moves);
        g_free(t, mem);
    }
    return true;
}

/* Stage 1: the heap grows by the request and nothing more (rounded to 16 for alignment). */
static bool heap_grows_by_request(struct grade_ctx *t)
{
    uint64_t rng = 0x67726f7773ull;
    for (int i = 0; i < 300; i++) {
        size_t bytes = some_bytes(&rng);
        size_t before = os_stats().heap_bytes;
        void *mem = g_malloc(t, bytes);
        if (mem == NULL)
            return grade_fail_alloc(t, "malloc", bytes);
        size_t grown = os_stats().heap_bytes - before, least = chunk_round_up(bytes);
        if (grown < least || grown > least + CHUNK_ALIGN - 1)
            return grade_fail(t, "expected malloc(%zu) to grow the heap by %zu bytes (the request rounded up to 16, "
                              "plus at most 15 bytes of alignment), it grew it by %zu", bytes, least, grown);
    }
    return true;
}

/* Stage 2: the break moves at most once per MIN_ALLOC bytes of heap. */
/* The lecture's grow: new break = max(pPad + n, pBrk + MIN_ALLOC). So the break moves only when the
 * pad is too small, and the pad left above a block is under MIN_ALLOC bytes. */
bool lecture_pad_as_grown(struct grade_ctx *t, const char *mem, size_t bytes)
{
    const char *end = mem + ((bytes + 15) & ~(size_t)15), *brk = os_heap_end();
    if (end > brk)
        return grade_fail(t, "expected malloc(%zu) at %p to end below the break %p", bytes, (const void *)mem,
                          (const void *)brk);
    size_t pad = (size_t)(brk - end);
    if (pad >= PAD_MIN_ALLOC)
        return grade_fail(t, "expected the pad left above malloc(%zu) to be under %d bytes (the lecture: new break = "
                          "max(pPad + n, pBrk + MIN_ALLOC)), it is %zu bytes", bytes, PAD_MIN_ALLOC, pad);
    return true;
}

static bool few_brk_moves(struct grade_ctx *t)
{
    struct os_stats start = os_stats();
    /* First a pad that holds the next request exactly: that malloc moves no break; then a request
     * larger than the pad left, which must grow by MIN_ALLOC, not by the request plus the pad. */
    static const size_t scripted[] = { 4096, 4096, 2000, 7000 };
    for (size_t i = 0; i < sizeof scripted / sizeof scripted[0]; i++) {
        unsigned long before = os_stats().break_moves;
        char *mem = g_malloc(t, scripted[i]);
        if (mem == NULL)
            return grade_fail_alloc(t, "malloc", scripted[i]);
        unsigned long moves = os_stats().break_moves - before;
        if (i == 1 && moves != 0)
            return grade_fail(t, "expected malloc(4096) to move no break: the pad left by malloc(4096) from a "
                              "grow of %d bytes holds it exactly; the break moved %lu times", PAD_MIN_ALLOC, moves);
        if (!lecture_pad_as_grown(t, mem, scripted[i]))
            return false;
    }
    uint64_t rng = 0x706164ull;
    for (int i = 0; i < 3000; i++) {
        size_t bytes = grade_random_below(&rng, 50) == 0 ? 9000 + grade_random_below(&rng, 3000)
                                                         : 1 + grade_random_below(&rng, 120);
        char *mem = g_malloc(t, bytes);
        if (mem == NULL)
            return grade_fail_alloc(t, "malloc", bytes);
        if (!lecture_pad_as_grown(t, mem, bytes))
            return false;
        struct os_stats now = os_stats();
        unsigned long moves = now.break_moves - start.break_moves;
        size_t grown = now.heap_bytes - start.heap_bytes;
        if (moves > grown / PAD_MIN_ALLOC + 1)
            return grade_fail(t, "expected at most one break move per %d bytes of heap (%zu bytes grown: at most "
                              "%zu moves), the break moved %lu times", PAD_MIN_ALLOC, grown,
                              grown / PAD_MIN_ALLOC + 1, moves);
    }
    return true;
}

/* Stage 6 tests also use sizes at page boundaries, where a header forgotten in a length shows. */
static size_t some_mapping_bytes(uint64_t *rng, int i)
{
    static const size_t edges[] = { 4096, 4080, 4081, 4095, 8192, 8176, 12288 - 8, 1 };
    if (i % 4 == 1)
        return edges[(size_t)i / 4 % (sizeof edges / sizeof edges[0])];
    return some_bytes(rng) * (i % 3 == 0 ? 10 : 1);
}

/* Stage 6, realloc at a page edge: a block of 4000 bytes lies in one page with 4080 usable bytes
 * after its header. realloc to 4080 stays, with no system call; realloc to 4081 needs a second page:
 * one new mapping, the old one unmapped, the bytes kept (a block left in place would end past its
 * mapping). */
static bool realloc_at_the_page_edge(struct grade_ctx *t)
{
    enum { PAGE = 4096, USABLE = PAGE - (int)CHUNK_HEADER_BYTES };
    grade_phase(t, "realloc of a block of 4000 bytes at the edge of its page");
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 4000) != SIZE_MAX;
    struct os_stats before = os_stats();
    char *old = ok ? b.items[0].mem : NULL;
    ok = ok && blocks_realloc(t, &b, 0, USABLE);
    struct os_stats mid = os_stats();
    if (ok && (b.items[0].mem != old || mid.mmap_calls != before.mmap_calls || mid.munmap_calls != before.munmap_calls))
        ok = grade_fail(t, "expected realloc(p, %d), which the page of p still holds, to return p with no system call; "
                        "it returned %s and made %lu os_mmap and %lu os_munmap call(s)", USABLE,
                        b.items[0].mem == old ? "p" : "another block", mid.mmap_calls - before.mmap_calls,
                        mid.munmap_calls - before.munmap_calls);
    ok = ok && blocks_realloc(t, &b, 0, USABLE + 1);
    struct os_stats after = os_stats();
    if (ok && (after.mmap_calls - mid.mmap_calls != 1 || after.munmap_calls - mid.munmap_calls != 1 ||
               after.mapped_bytes != mid.mapped_bytes + PAGE))
        ok = grade_fail(t, "expected realloc(p, %d), one byte more than p's page holds, to map 2 pages and unmap p's "
                        "page; it made %lu os_mmap and %lu os_munmap call(s), and the mapped bytes went from %zu to "
                        "%zu", USABLE + 1, after.mmap_calls - mid.mmap_calls, after.munmap_calls - mid.munmap_calls,
                        mid.mapped_bytes, after.mapped_bytes);
    grade_phase(t, "");
    return blocks_finish(t, &b, ok);
}

/* Stage 6: "malloc: one mmap per call", of the request and its header rounded up to whole pages. */
static bool one_mmap_per_malloc(struct grade_ctx *t)
{
    uint64_t rng = 0x6d6d6170ull;
    for (int i = 0; i < 200; i++) {
        size_t bytes = some_mapping_bytes(&rng, i);
        struct os_stats before = os_stats();
        void *mem = g_malloc(t, bytes);
        if (mem == NULL)
            return grade_fail_alloc(t, "malloc", bytes);
        struct os_stats after = os_stats();
        if (after.mmap_calls - before.mmap_calls != 1 || after.mappings != before.mappings + 1)
            return grade_fail(t, "expected malloc(%zu) to make one os_mmap and add one live mapping, it made %lu "
                              "os_mmap call(s) and the live mappings went from %zu to %zu", bytes,
                              after.mmap_calls - before.mmap_calls, before.mappings, after.mappings);
        size_t pages = (bytes + CHUNK_HEADER_BYTES + 4095) / 4096 * 4096;
        if (after.mapped_bytes - before.mapped_bytes > pages)
            return grade_fail(t, "expected malloc(%zu) to map its request and its %d-byte header rounded up to whole "
                              "pages, %zu bytes, it mapped %zu", bytes, (int)CHUNK_HEADER_BYTES, pages,
                              after.mapped_bytes - before.mapped_bytes);
    }
    return realloc_at_the_page_edge(t);
}

/* Stage 6: "free: one munmap per call", of exactly a live mapping. */
static bool one_munmap_per_free(struct grade_ctx *t)
{
    uint64_t rng = 0x6d756e6d6170ull;
    void *mem[150];
    for (int i = 0; i < 150; i++) {
        size_t bytes = some_mapping_bytes(&rng, i);
        if ((mem[i] = g_malloc(t, bytes)) == NULL)
            return grade_fail_alloc(t, "malloc", bytes);
    }
    for (int i = 0; i < 150; i++) {
        int k = (i * 7) % 150;               /* not in the order of allocation */
        struct os_stats before = os_stats();
        g_free(t, mem[k]);
        struct os_stats after = os_stats();
        if (after.munmap_calls - before.munmap_calls != 1)
            return grade_fail(t, "expected free to make exactly one os_munmap, it made %lu",
                              after.munmap_calls - before.munmap_calls);
        if (after.bad_munmaps != before.bad_munmaps)
            return grade_fail(t, "expected free's os_munmap to name a live mapping's exact address and length, the "
                              "seam refused it (wrong address or length)");
        if (after.mappings + 1 != before.mappings)
            return grade_fail(t, "expected free to remove one live mapping, the live mappings went from %zu to %zu",
                              before.mappings, after.mappings);
    }
    return true;
}

/* Stage 6: after everything is freed, nothing is mapped. */
static bool all_mapped_bytes_returned(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = 0x72657475726eull;
    bool ok = true;
    for (int i = 0; i < 120 && ok; i++)
        ok = blocks_alloc(t, &b, some_mapping_bytes(&rng, i)) != SIZE_MAX;
    for (size_t i = 0; i < b.count && ok; i += 3)
        ok = blocks_realloc(t, &b, i, some_bytes(&rng) * (i % 2 == 0 ? 30 : 1));
    ok = ok && blocks_free_all(t, &b);
    blocks_release(&b);
    if (!ok)
        return false;
    struct os_stats s = os_stats();
    if (s.mappings != 0 || s.mapped_bytes != 0)
        return grade_fail(t, "expected every mapping returned after every block is freed, %zu mapping(s) of %zu bytes "
                          "are still mapped", s.mappings, s.mapped_bytes);
    if (s.bad_munmaps != 0)
        return grade_fail(t, "expected every os_munmap to name a live mapping exactly, the seam refused %lu",
                          s.bad_munmaps);
    return true;
}

/* The free chunk at the top of the heap (at least 60000 bytes) is extended for a request 4000
 * bytes larger than it: the heap grows by what is missing and some slack, well under half the
 * request, not by the whole request on top of the free chunk. */
static bool top_chunk_extended(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    size_t big = blocks_alloc(t, &b, 60000);
    bool ok = big != SIZE_MAX && blocks_free(t, &b, big);
    chunk_t *last = ok ? chunk_prev_in_mem(chunk_at(os_heap_end())) : NULL;
    if (ok && !chunk_is_free(last))
        ok = grade_fail(t, "expected the heap to end in a free chunk after its top block was freed, its last chunk "
                        "is in use");
    grade_phase(t, "with a free chunk of 60000 bytes or more at the top of the heap");
    size_t top_bytes = ok ? chunk_size(last) : 0, req = top_bytes + 4000;
    size_t heap_before = os_stats().heap_bytes;
    ok = ok && blocks_alloc(t, &b, req) != SIZE_MAX;
    size_t grown = os_stats().heap_bytes - heap_before;
    if (ok && grown >= req / 2)
        ok = grade_fail(t, "expected malloc(%zu) to extend the free chunk of %zu bytes at the top by what is missing "
                        "(\"grow_heap moves the break by what is missing\"), the heap grew by %zu bytes", req, top_bytes,
                        grown);
    grade_phase(t, "");
    return blocks_finish(t, &b, ok);
}

/* Stage 5: "grow_heap moves the break by what is missing (the free last chunk is extended)". When
 * the free chunk at the top of the heap holds a large request, nothing is missing: the request is
 * served without moving the break, even when the first members of its size class (20 free chunks of
 * 1024 bytes, listed in front of it) are all too small. Then free chunks of many large sizes serve
 * requests of many large sizes, with the grader's heap walk and the stage's checker content. */
static bool large_request_uses_top_chunk(struct grade_ctx *t)
{
    enum { SMALL_CLASS_BYTES = 1024, TOP_BYTES = 1120, COUNT = 20 };
    struct grade_blocks b = { .ignore_alignment = true }, guards = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < COUNT && ok; i++)
        ok = blocks_alloc(t, &b, SMALL_CLASS_BYTES - CHUNK_OVERHEAD_BYTES) != SIZE_MAX &&
             blocks_alloc(t, &guards, 16) != SIZE_MAX;
    /* A big block at the top, freed: the heap ends in one free chunk of at least 40000 bytes. */
    size_t big = ok ? blocks_alloc(t, &b, 40000) : SIZE_MAX;
    ok = big != SIZE_MAX && blocks_free(t, &b, big);
    struct heap_view v;
    if (ok && !heap_view_build(&v))
        return grade_fail(t, "the grader ran out of memory walking the heap");
    chunk_t *top = ok && v.chunk_count > 0 ? v.chunks[v.chunk_count - 1] : NULL;
    size_t top_bytes = top != NULL ? chunk_size(top) : 0;
    bool top_free = top != NULL && chunk_is_free(top);
    if (ok)
        heap_view_release(&v);
    if (ok && (!top_free || top_bytes < 40000))
        ok = grade_fail(t, "expected the heap to end in a free chunk of at least %d bytes after the block at its top "
                        "was freed, its last chunk is %s and %zu bytes long", 40000,
                        top_free ? "free" : "in use", top_bytes);
    /* Take all of it but a tail of TOP_BYTES (a split keeps the front). */
    ok = ok && blocks_alloc(t, &guards, top_bytes - TOP_BYTES - CHUNK_OVERHEAD_BYTES) != SIZE_MAX;
    if (ok) {
        chunk_t *last = chunk_prev_in_mem(chunk_at(os_heap_end()));
        if (!chunk_is_free(last) || chunk_size(last) != TOP_BYTES)
            ok = grade_fail(t, "expected malloc to take the front of the free last chunk and leave a free tail of %d "
                            "bytes at the top of the heap, the last chunk is %s and %zu bytes long", TOP_BYTES,
                            chunk_is_free(last) ? "free" : "in use", chunk_size(last));
    }
    ok = ok && blocks_free_all(t, &b);
    unsigned long moves = os_stats().break_moves;
    ok = ok && blocks_alloc(t, &b, TOP_BYTES - CHUNK_OVERHEAD_BYTES) != SIZE_MAX;
    if (ok && os_stats().break_moves != moves)
        ok = grade_fail(t, "expected malloc(%d), which the free chunk of %d bytes at the top of the heap holds exactly, "
                        "to be served without moving the break (%d free chunks of %d bytes are in its size class), "
                        "it moved the break %lu time(s)", TOP_BYTES - (int)CHUNK_OVERHEAD_BYTES, TOP_BYTES, COUNT,
                        SMALL_CLASS_BYTES, os_stats().break_moves - moves);
    /* Free chunks of many large sizes, between guards, and requests of many large sizes. */
    uint64_t rng = 0x6c61726765ull;
    for (size_t i = 0; i < 60 && ok; i++)
        ok = blocks_alloc(t, &b, 1000 + grade_random_below(&rng, 12000)) != SIZE_MAX &&
             blocks_alloc(t, &guards, 16) != SIZE_MAX;
    for (size_t i = 0; i < b.count && ok; i++)
        ok = blocks_free(t, &b, i);
    for (size_t i = 0; i < 120 && ok; i++) {
        if (b.count > 0 && grade_random_below(&rng, 3) == 0)
            ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
        else
            ok = blocks_alloc(t, &b, 1000 + grade_random_below(&rng, 12000)) != SIZE_MAX;
    }
    char why[700];
    if (ok && !heap_audit(t->stage->number, why, sizeof why))
        ok = grade_fail(t, "the grader's own heap walk after large requests among free chunks of many sizes: %s", why);
    int violations = ok ? g_check(t) : 0;
    if (ok && violations != 0)
        ok = grade_fail(t, "expected heapmgr_check() == 0 after large requests, it returned %d", violations);
    ok = ok && blocks_free_all(t, &b) && blocks_free_all(t, &guards);
    blocks_release(&b);
    blocks_release(&guards);
    return ok && top_chunk_extended(t);
}

const struct grade_test grade_lecture_tests[] = {
    { "lecture.one_brk_per_malloc", ST1, 5, one_brk_per_malloc },
    { "lecture.heap_grows_by_request", ST1, 5, heap_grows_by_request },
    { "lecture.few_brk_moves", ST2, 5, few_brk_moves },
    { "lecture.reuses_freed_chunks", ST_LISTS, 5, lecture_reuses_freed_chunks },
    { "lecture.address_ordered_list", ST3, 5, lecture_address_ordered_list },
    { "lecture.first_fit", ST3, 5, lecture_first_fit },
    { "lecture.split_returns_tail", ST3, 5, lecture_split_returns_tail },
    { "lecture.coalesce_both_sides", ST_LISTS, 5, lecture_coalesce_both_sides },
    { "lecture.no_adjacent_free_chunks", ST_LISTS, 5, lecture_no_adjacent_free_chunks },
    { "lecture.free_walks_the_list", ST3, 5, lecture_free_walks_the_list },
    { "lecture.status_bits_and_footers", ST4 | ST5, 5, lecture_status_bits_and_footers },
    { "lecture.lists_consistent", ST4 | ST5, 5, lecture_lists_consistent },
    { "lecture.free_is_constant_time", ST4 | ST5, 5, lecture_free_is_constant_time },
    { "lecture.right_bin", ST5, 5, lecture_right_bin },
    { "lecture.best_fit_small", ST5, 5, lecture_best_fit_small },
    { "lecture.malloc_search_is_bounded", ST5, 5, lecture_malloc_search_is_bounded },
    { "lecture.large_request_uses_top_chunk", ST5, 5, large_request_uses_top_chunk },
    { "lecture.one_mmap_per_malloc", ST6, 5, one_mmap_per_malloc },
    { "lecture.one_munmap_per_free", ST6, 5, one_munmap_per_free },
    { "lecture.all_mapped_bytes_returned", ST6, 5, all_mapped_bytes_returned },
};
const size_t grade_lecture_test_count = sizeof grade_lecture_tests / sizeof grade_lecture_tests[0];
