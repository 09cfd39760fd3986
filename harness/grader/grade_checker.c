/* grade_checker.c: checker.*, the stage's own heapmgr_check graded in the open.
 *
 * Each test builds a healthy heap, expects heapmgr_check() == 0, corrupts exactly one thing behind
 * the stage's back through the shared layout (common/chunk.h) or the seam, and expects
 * heapmgr_check() > 0. This is how COS 217 graded checkers with its staff-built bad heaps, except
 * that here every corruption is written down (docs/grading.md). The checker's stderr is captured and
 * shown with the test's result. This file holds the corruptions and the table; the healthy heaps and
 * the targets in them are in grade_checker_heaps.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grade_checker.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

/* heapmgr_check() is 0 on a fresh heap, throughout a seeded workload, and after everything is freed. */
static bool accepts_healthy_heap(struct grade_ctx *t)
{
    if (!checker_expect_valid(t, "on a fresh heap"))
        return false;
    struct grade_blocks b = { .ignore_alignment = true };
    uint64_t rng = 0x6865616c746879ull;
    bool ok = true;
    for (int i = 0; i < 600 && ok; i++) {
        size_t bytes = 1 + grade_random_below(&rng, grade_random_below(&rng, 6) == 0 ? 5000 : 250);
        if (b.count > 0 && grade_random_below(&rng, 100) < 40)
            ok = blocks_free(t, &b, grade_random_below(&rng, b.count));
        else if (b.count > 0 && grade_random_below(&rng, 100) < 15)
            ok = blocks_realloc(t, &b, grade_random_below(&rng, b.count), bytes);
        else
            ok = blocks_alloc(t, &b, bytes) != SIZE_MAX;
        if (ok && i % 25 == 0)
            ok = checker_expect_valid(t, "on a healthy heap during a workload");
    }
    ok = ok && blocks_free_all(t, &b) && checker_expect_valid(t, "after every block is freed");
    blocks_release(&b);
    return ok;
}

/* ---- stages 1 and 2: the break ------------------------------------------------------------------- */

static bool some_blocks(struct grade_ctx *t)
{
    for (int i = 0; i < 20; i++)
        if (g_malloc(t, 1000) == NULL)
            return grade_fail_alloc(t, "malloc", 1000);
    return checker_expect_valid(t, "on a healthy heap (before any corruption)");
}

static bool detects_break_moved_down(struct grade_ctx *t)
{
    return some_blocks(t) && checker_move_break(t, -4096) &&
           checker_expect_detected(t, "the break moved down by 4096 bytes behind the stage's back");
}

static bool detects_unaligned_break(struct grade_ctx *t)
{
    return some_blocks(t) && checker_move_break(t, 8) &&
           checker_expect_detected(t, "the break moved up by 8 bytes (no longer 16-byte aligned) behind the "
                                   "stage's back");
}

/* ---- stages 3-5: the chunks and lists (each a corruption_fn for checker_detects) ------------------ */

static bool mark_listed_chunk_in_use(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    if (v->free_count == 0)
        return checker_no_target(t, v, "free chunk");
    /* A chunk with a successor on its list, so that a walk along the list meets it before the end. */
    chunk_t *c = v->free_chunks[0];
    for (size_t i = 0; i < v->free_count; i++)
        if (v->list_of[i] != SIZE_MAX && chunk_next_free(v->free_chunks[i]) != NULL) {
            c = v->free_chunks[i];
            break;
        }
    chunk_set_in_use(c, true);
    snprintf(what, cap, "the free chunk at offset 0x%zx, on a free list, was marked in use", off(c));
    return true;
}

static bool enlarge_a_footer(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *c = NULL;
    for (size_t i = v->chunk_count / 2; i < v->chunk_count && c == NULL; i++)
        if (chunk_is_in_use(v->chunks[i]))
            c = v->chunks[i];
    if (c == NULL)
        return checker_no_target(t, v, "chunk in use");
    chunk_footer(c)->size = chunk_size(c) + CHUNK_UNIT;
    snprintf(what, cap, "the footer of the chunk in use at offset 0x%zx was given a size 16 bytes larger than its "
             "header's", off(c));
    return true;
}

static bool free_without_coalescing(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    /* A chunk in use right after a free chunk of its own size, with a chunk in use after it: freeing
     * it without coalescing (and listing it right after its free neighbour, where address order and
     * its bin both want it) breaks nothing but coalescing. */
    chunk_t *f = NULL, *u = NULL;
    for (size_t i = 0; i + 2 < v->chunk_count && u == NULL; i++) {
        chunk_t *a = v->chunks[i], *b = v->chunks[i + 1], *c = v->chunks[i + 2];
        if (chunk_is_free(a) && chunk_is_in_use(b) && chunk_is_in_use(c) && chunk_size(a) == chunk_size(b)) {
            f = a;
            u = b;
        }
    }
    if (u == NULL)
        return checker_no_target(t, v, "chunk in use next to a free chunk of its size");
    chunk_set_in_use(u, false);
    checker_link_after(t, f, u);
    snprintf(what, cap, "the chunk at offset 0x%zx was made free and listed without coalescing with the free chunk "
             "before it (offset 0x%zx)", off(u), off(f));
    return true;
}

static bool close_a_list_into_a_cycle(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_set_next_free(tail, head);
    snprintf(what, cap, "the last chunk of a free list (offset 0x%zx) was made to point back to the list's first "
             "chunk (offset 0x%zx)", off(tail), off(head));
    return true;
}

static bool give_a_head_a_prev(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    /* The first chunk's prev must be NULL. Naming the list's last chunk instead leaves every next
     * link, and every other prev, as it was: only a check that prev agrees with next finds it. */
    chunk_set_prev_free(head, tail);
    snprintf(what, cap, "the prev of a free list's first chunk (offset 0x%zx) was set to the list's last chunk "
             "(offset 0x%zx), though no chunk's next names the first", off(head), off(tail));
    return true;
}

static bool move_a_chunk_to_another_bin(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *moved = checker_tail_of_long_list(v, &head, 0, SMALL_BIN_UNITS - 1);
    chunk_t *other = NULL;
    for (size_t h = 0; h < v->head_count && moved != NULL && other == NULL; h++)
        if (chunk_size(v->heads[h]) != chunk_size(moved) && chunk_units(v->heads[h]) < 4 * SMALL_BIN_UNITS)
            other = v->heads[h];
    if (moved == NULL || other == NULL)
        return checker_no_target(t, v, "pair of small-chunk bins");
    /* Unlink the last chunk of its bin, then link it into the other bin after that bin's head. */
    chunk_set_next_free(chunk_prev_free(moved), NULL);
    checker_link_after(t, other, moved);
    snprintf(what, cap, "the free chunk at offset 0x%zx (%zu units) was moved to the bin of the chunk at offset "
             "0x%zx (%zu units)", off(moved), chunk_units(moved), off(other), chunk_units(other));
    return true;
}

static bool free_a_chunk_onto_no_list(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *u = NULL;
    for (size_t i = 1; i + 1 < v->chunk_count && u == NULL; i++)
        if (chunk_is_in_use(v->chunks[i - 1]) && chunk_is_in_use(v->chunks[i]) && chunk_is_in_use(v->chunks[i + 1]))
            u = v->chunks[i];
    if (u == NULL)
        return checker_no_target(t, v, "chunk in use between chunks in use");
    chunk_set_in_use(u, false);
    chunk_set_next_free(u, NULL);
    chunk_set_prev_free(u, NULL);
    snprintf(what, cap, "the chunk in use at offset 0x%zx (between chunks in use) was marked free but put on no list",
             off(u));
    return true;
}

static bool stretch_the_last_chunk(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    if (v->chunk_count == 0)
        return checker_no_target(t, v, "chunk");
    chunk_t *last = v->chunks[v->chunk_count - 1];
    chunk_set_header(last, chunk_size(last) + 4 * CHUNK_UNIT, chunk_is_in_use(last));
    snprintf(what, cap, "the last chunk of the heap (offset 0x%zx) was given a size 64 bytes larger, so it runs past "
             "the break", off(last));
    return true;
}

static bool move_the_break_up(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    (void)v;
    snprintf(what, cap, "the break moved up by 64 bytes behind the stage's back (the chunks no longer reach the "
             "break)");
    return checker_move_break(t, 64);
}

/* The break moved down into the heap's last chunk: a page when the last chunk is that large, else
 * what the chunk has past its first 32 bytes (so its header stays below the break). */
static bool move_the_break_down(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    if (v->chunk_count == 0)
        return checker_no_target(t, v, "chunk");
    chunk_t *last = v->chunks[v->chunk_count - 1];
    size_t down = chunk_size(last) > 4096 + 2 * CHUNK_UNIT ? 4096 : chunk_size(last) - 2 * CHUNK_UNIT;
    snprintf(what, cap, "the break moved down by %zu bytes behind the stage's back, into the heap's last chunk "
             "(offset 0x%zx, %zu bytes): the chunks now run past the break", down, off(last), chunk_size(last));
    return checker_move_break(t, -(intptr_t)down);
}

/* A well-formed free chunk of the smallest size, in the grader's own memory: outside the heap. */
static _Alignas(CHUNK_ALIGN) unsigned char outside_chunk[CHUNK_MIN_BYTES];

static bool link_outside_the_heap(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_t *fake = chunk_at(outside_chunk);
    chunk_set_header(fake, CHUNK_MIN_BYTES, false);
    chunk_write_footer(fake);
    chunk_set_next_free(fake, NULL);
    chunk_set_prev_free(fake, tail);
    chunk_set_next_free(tail, fake);
    snprintf(what, cap, "the last chunk of a free list (offset 0x%zx) was linked to a well-formed free chunk of %d "
             "bytes at %p, outside the heap", off(tail), (int)CHUNK_MIN_BYTES, (void *)fake);
    return true;
}

static bool link_to_the_heap_end(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_t *end = chunk_at(os_heap_end());
    chunk_set_next_free(tail, end);
    snprintf(what, cap, "the last chunk of a free list (offset 0x%zx) was linked to the heap's end (offset 0x%zx, "
             "the break: no chunk starts there)", off(tail), off(end));
    return true;
}

/* A forged free chunk of 48 bytes inside the payload of a chunk in use, linked into a list right
 * after its head: its own header, footer and links agree, only it does not start a chunk of the
 * heap (the 16 bytes below it, where a footer would be, are zero). Stage 3: it lies between the head
 * and the head's next in address order, so the list stays sorted. */
static bool link_into_a_chunk(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *next = NULL, *host = NULL;
    for (size_t h = 0; h < v->head_count && host == NULL; h++) {
        if (v->list_length[h] < 2)
            continue;
        head = v->heads[h];
        next = chunk_next_free(head);
        chunk_t *lo = head < next ? head : next, *hi = head < next ? next : head;
        for (size_t i = 0; i < v->chunk_count && host == NULL; i++) {
            chunk_t *c = v->chunks[i];
            if (chunk_is_in_use(c) && c > lo && c < hi &&
                chunk_size(c) >= 2 * CHUNK_HEADER_BYTES + CHUNK_MIN_BYTES + CHUNK_FOOTER_BYTES)
                host = c;
        }
    }
    if (host == NULL)
        return checker_no_target(t, v, "chunk in use between the first two chunks of a free list");
    chunk_t *forged = chunk_at((char *)host + 2 * CHUNK_HEADER_BYTES);
    memset((char *)forged - CHUNK_FOOTER_BYTES, 0, CHUNK_FOOTER_BYTES);
    chunk_set_header(forged, CHUNK_MIN_BYTES, false);
    chunk_write_footer(forged);
    chunk_set_next_free(forged, next);
    chunk_set_next_free(head, forged);
    if (checker_stage_keeps_prev(t)) {
        chunk_set_prev_free(forged, head);
        chunk_set_prev_free(next, forged);
    }
    snprintf(what, cap, "a forged free chunk of %d bytes at offset 0x%zx, inside the chunk in use at offset 0x%zx, "
             "was linked into a free list after its first chunk (offset 0x%zx)", (int)CHUNK_MIN_BYTES, off(forged),
             off(host), off(head));
    return true;
}

static bool detects_wrong_status_bit(struct grade_ctx *t) { return checker_detects(t, mark_listed_chunk_in_use); }
static bool detects_footer_mismatch(struct grade_ctx *t) { return checker_detects(t, enlarge_a_footer); }
static bool detects_adjacent_free_chunks(struct grade_ctx *t) { return checker_detects(t, free_without_coalescing); }
static bool detects_list_cycle(struct grade_ctx *t) { return checker_detects(t, close_a_list_into_a_cycle); }
static bool detects_next_prev_disagree(struct grade_ctx *t) { return checker_detects(t, give_a_head_a_prev); }
static bool detects_wrong_bin(struct grade_ctx *t) { return checker_detects(t, move_a_chunk_to_another_bin); }
static bool detects_free_chunk_on_no_list(struct grade_ctx *t) { return checker_detects(t, free_a_chunk_onto_no_list); }
static bool detects_chunk_past_break(struct grade_ctx *t) { return checker_detects(t, stretch_the_last_chunk); }
/* robust.* (grade_robust.c): another user of the break, which the lecture's checkers need not see. */
bool checker_detects_break_moved_up(struct grade_ctx *t) { return checker_detects(t, move_the_break_up); }
bool checker_detects_break_moved_down(struct grade_ctx *t) { return checker_detects(t, move_the_break_down); }
static bool detects_link_outside_heap(struct grade_ctx *t) { return checker_detects(t, link_outside_the_heap); }
static bool detects_link_to_heap_end(struct grade_ctx *t) { return checker_detects(t, link_to_the_heap_end); }
static bool detects_link_into_chunk(struct grade_ctx *t) { return checker_detects(t, link_into_a_chunk); }

/* ---- stage 6: the mappings ----------------------------------------------------------------------- */

static bool detects_unmapped_chunk(struct grade_ctx *t)
{
    struct checker_mapping m;
    if (!checker_healthy_mappings(t, &m))
        return false;
    if (os_munmap(m.start, m.length) != 0)
        return grade_fail(t, "the grader could not unmap the mapping at %p", m.start);
    return checker_expect_detected(t, "a live block's mapping was unmapped behind the stage's back");
}

static bool detects_wrong_header_length(struct grade_ctx *t)
{
    struct checker_mapping m;
    if (!checker_healthy_mappings(t, &m))
        return false;
    chunk_t *c = chunk_at(m.start);
    chunk_set_header(c, chunk_size(c) + 4096, chunk_is_in_use(c));
    return checker_expect_detected(t, "a live block's header was made to say its mapping is 4096 bytes longer than "
                                   "it is");
}

const struct grade_test grade_checker_tests[] = {
    { "checker.accepts_healthy_heap", ST_ALL, 3, accepts_healthy_heap },
    { "checker.detects_break_moved_down", ST1 | ST2 | ST_BUDDY, 3, detects_break_moved_down },
    { "checker.detects_unaligned_break", ST1, 3, detects_unaligned_break },
    { "checker.detects_wrong_status_bit", ST_LISTS, 3, detects_wrong_status_bit },
    { "checker.detects_footer_mismatch", ST_LISTS, 3, detects_footer_mismatch },
    { "checker.detects_adjacent_free_chunks", ST_LISTS, 3, detects_adjacent_free_chunks },
    { "checker.detects_list_cycle", ST_LISTS, 3, detects_list_cycle },
    { "checker.detects_next_prev_disagree", ST4 | ST5, 3, detects_next_prev_disagree },
    { "checker.detects_wrong_bin", ST5, 3, detects_wrong_bin },
    { "checker.detects_free_chunk_on_no_list", ST_LISTS, 3, detects_free_chunk_on_no_list },
    { "checker.detects_chunk_past_break", ST_LISTS, 3, detects_chunk_past_break },
    { "checker.detects_link_outside_heap", ST_LISTS, 3, detects_link_outside_heap },
    { "checker.detects_link_to_heap_end", ST_LISTS, 3, detects_link_to_heap_end },
    { "checker.detects_link_into_chunk", ST_LISTS, 3, detects_link_into_chunk },
    { "checker.detects_cycle_past_head", ST_LISTS, 3, checker_detects_cycle_past_head },
    { "checker.detects_link_to_unmapped", ST_LISTS, 3, checker_detects_link_to_unmapped },
    { "checker.detects_forged_chunk_at_end", ST_LISTS, 3, checker_detects_forged_chunk_at_end },
    { "checker.detects_used_chunk_past_break", ST_LISTS, 3, checker_detects_used_chunk_past_break },
    { "checker.detects_unmapped_chunk", ST6, 3, detects_unmapped_chunk },
    { "checker.detects_wrong_header_length", ST6, 3, detects_wrong_header_length },
};
const size_t grade_checker_test_count = sizeof grade_checker_tests / sizeof grade_checker_tests[0];
