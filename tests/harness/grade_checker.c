/* grade_checker.c: checker.*, the stage's own heapmgr_check graded in the open.
 *
 * Each test builds a healthy heap, expects heapmgr_check() == 0, corrupts exactly one thing behind
 * the stage's back through the shared layout (common/chunk.h) or the seam, and expects
 * heapmgr_check() > 0. This is how COS 217 graded checkers with its staff-built bad heaps, except
 * that here every corruption is written down (docs/grading.md). The checker's stderr is captured and
 * shown with the test's result.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_test.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

static bool expect_valid(struct grade_ctx *t, const char *when)
{
    grade_phase(t, "heapmgr_check on a healthy heap");
    int violations = g_check(t);
    grade_phase(t, "");
    if (violations != 0)
        return grade_fail(t, "expected heapmgr_check() == 0 %s, it returned %d", when, violations);
    return true;
}

static bool expect_detected(struct grade_ctx *t, const char *corruption)
{
    grade_phase(t, "heapmgr_check on a corrupted heap");
    int violations = g_check(t);
    grade_phase(t, "");
    if (violations <= 0)
        return grade_fail(t, "expected heapmgr_check() > 0 after %s, it returned %d", corruption, violations);
    return true;
}

/* heapmgr_check() is 0 on a fresh heap, throughout a seeded workload, and after everything is freed. */
static bool accepts_healthy_heap(struct grade_ctx *t)
{
    if (!expect_valid(t, "on a fresh heap"))
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
            ok = expect_valid(t, "on a healthy heap during a workload");
    }
    ok = ok && blocks_free_all(t, &b) && expect_valid(t, "after every block is freed");
    blocks_release(&b);
    return ok;
}

/* ---- stages 1 and 2: the break ------------------------------------------------------------------- */

static bool some_blocks(struct grade_ctx *t)
{
    for (int i = 0; i < 20; i++)
        if (g_malloc(t, 1000) == NULL)
            return grade_fail_alloc(t, "malloc", 1000);
    return expect_valid(t, "on a healthy heap (before any corruption)");
}

static bool detects_break_moved_down(struct grade_ctx *t)
{
    if (!some_blocks(t))
        return false;
    if (os_sbrk(-4096) == (void *)-1)
        return grade_fail(t, "the grader could not move the break down by 4096 bytes");
    return expect_detected(t, "the break moved down by 4096 bytes behind the stage's back");
}

static bool detects_unaligned_break(struct grade_ctx *t)
{
    if (!some_blocks(t))
        return false;
    if (os_sbrk(8) == (void *)-1)
        return grade_fail(t, "the grader could not move the break up by 8 bytes");
    return expect_detected(t, "the break moved up by 8 bytes (no longer 16-byte aligned) behind the stage's back");
}

/* ---- stages 3-5: the chunks and lists ------------------------------------------------------------ */

/* Blocks of three sizes, allocated in a row, every fourth one freed: free chunks of each size with
 * three chunks in use between them, plus whatever free chunk the stage keeps at the top. */
static bool healthy_list_heap(struct grade_ctx *t, struct heap_view *v)
{
    static const struct { size_t bytes, count; } groups[] = { { 80, 24 }, { 300, 12 }, { 2000, 6 } };
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t g = 0; g < 3 && ok; g++) {
        size_t first = b.count;
        for (size_t i = 0; i < groups[g].count && ok; i++)
            ok = blocks_alloc(t, &b, groups[g].bytes) != SIZE_MAX;
        for (size_t i = first + 1; i < b.count && ok; i += 4)
            g_free(t, b.items[i].mem);
    }
    blocks_release(&b);
    ok = ok && expect_valid(t, "on a healthy heap (before any corruption)");
    if (ok && !heap_view_build(v)) {
        heap_view_release(v);
        ok = grade_fail(t, "the grader ran out of memory walking the heap");
    }
    return ok;
}

static bool no_target(struct grade_ctx *t, struct heap_view *v, const char *what)
{
    grade_fail(t, "the grader found no %s to corrupt: the healthy heap does not have the stage's shape (%zu chunks, "
               "%zu free, %zu lists)", what, v->chunk_count, v->free_count, v->head_count);
    heap_view_release(v);
    return false;
}

/* The last chunk of a list of at least two chunks; its list's head in *head. */
static chunk_t *tail_of_long_list(const struct heap_view *v, chunk_t **head, size_t min_units, size_t max_units)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        size_t list = v->list_of[i];
        if (chunk_next_free(c) == NULL && list != SIZE_MAX && v->list_length[list] >= 2 &&
            chunk_units(c) >= min_units && chunk_units(c) <= max_units) {
            *head = v->heads[list];
            return c;
        }
    }
    return NULL;
}

static bool stage_keeps_prev(const struct grade_ctx *t) { return t->stage->number >= 4; }

static bool detects_wrong_status_bit(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    if (v.free_count == 0)
        return no_target(t, &v, "free chunk");
    /* A chunk with a successor on its list, so that a walk along the list meets it before the end. */
    chunk_t *c = v.free_chunks[0];
    for (size_t i = 0; i < v.free_count; i++)
        if (v.list_of[i] != SIZE_MAX && chunk_next_free(v.free_chunks[i]) != NULL) {
            c = v.free_chunks[i];
            break;
        }
    chunk_set_in_use(c, true);
    char what[160];
    snprintf(what, sizeof what, "the free chunk at offset 0x%zx, on a free list, was marked in use", off(c));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_footer_mismatch(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *c = NULL;
    for (size_t i = v.chunk_count / 2; i < v.chunk_count && c == NULL; i++)
        if (chunk_is_in_use(v.chunks[i]))
            c = v.chunks[i];
    if (c == NULL)
        return no_target(t, &v, "chunk in use");
    chunk_footer(c)->size = chunk_size(c) + CHUNK_UNIT;
    char what[160];
    snprintf(what, sizeof what, "the footer of the chunk in use at offset 0x%zx was given a size 16 bytes larger "
             "than its header's", off(c));
    heap_view_release(&v);
    return expect_detected(t, what);
}

/* Links c into a list right after `after`, keeping next and prev consistent. */
static void link_after(const struct grade_ctx *t, chunk_t *after, chunk_t *c)
{
    chunk_t *next = chunk_next_free(after);
    chunk_set_next_free(c, next);
    chunk_set_next_free(after, c);
    if (stage_keeps_prev(t)) {
        chunk_set_prev_free(c, after);
        if (next != NULL)
            chunk_set_prev_free(next, c);
    }
}

static bool detects_adjacent_free_chunks(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    /* A chunk in use right after a free chunk of its own size, with a chunk in use after it: freeing
     * it without coalescing (and listing it right after its free neighbour, where address order and
     * its bin both want it) breaks nothing but coalescing. */
    chunk_t *f = NULL, *u = NULL;
    for (size_t i = 0; i + 2 < v.chunk_count && u == NULL; i++) {
        chunk_t *a = v.chunks[i], *b = v.chunks[i + 1], *c = v.chunks[i + 2];
        if (chunk_is_free(a) && chunk_is_in_use(b) && chunk_is_in_use(c) && chunk_size(a) == chunk_size(b)) {
            f = a;
            u = b;
        }
    }
    if (u == NULL)
        return no_target(t, &v, "chunk in use next to a free chunk of its size");
    chunk_set_in_use(u, false);
    link_after(t, f, u);
    char what[200];
    snprintf(what, sizeof what, "the chunk at offset 0x%zx was made free and listed without coalescing with the "
             "free chunk before it (offset 0x%zx)", off(u), off(f));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_list_cycle(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *head = NULL, *tail = tail_of_long_list(&v, &head, 0, SIZE_MAX);
    if (tail == NULL)
        return no_target(t, &v, "free list of two or more chunks");
    chunk_set_next_free(tail, head);
    char what[200];
    snprintf(what, sizeof what, "the last chunk of a free list (offset 0x%zx) was made to point back to the list's "
             "first chunk (offset 0x%zx)", off(tail), off(head));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_next_prev_disagree(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *head = NULL, *tail = tail_of_long_list(&v, &head, 0, SIZE_MAX);
    if (tail == NULL)
        return no_target(t, &v, "free list of two or more chunks");
    /* The first chunk's prev must be NULL. Naming the list's last chunk instead leaves every next
     * link, and every other prev, as it was: only a check that prev agrees with next finds it. */
    chunk_set_prev_free(head, tail);
    char what[220];
    snprintf(what, sizeof what, "the prev of a free list's first chunk (offset 0x%zx) was set to the list's last "
             "chunk (offset 0x%zx), though no chunk's next names the first", off(head), off(tail));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_wrong_bin(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *head = NULL, *moved = tail_of_long_list(&v, &head, 0, SMALL_BIN_UNITS - 1);
    chunk_t *other = NULL;
    for (size_t h = 0; h < v.head_count && moved != NULL && other == NULL; h++)
        if (chunk_size(v.heads[h]) != chunk_size(moved) && chunk_units(v.heads[h]) < 4 * SMALL_BIN_UNITS)
            other = v.heads[h];
    if (moved == NULL || other == NULL)
        return no_target(t, &v, "pair of small-chunk bins");
    /* Unlink the last chunk of its bin, then link it into the other bin after that bin's head. */
    chunk_set_next_free(chunk_prev_free(moved), NULL);
    link_after(t, other, moved);
    char what[220];
    snprintf(what, sizeof what, "the free chunk at offset 0x%zx (%zu units) was moved to the bin of the chunk at "
             "offset 0x%zx (%zu units)", off(moved), chunk_units(moved), off(other), chunk_units(other));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_free_chunk_on_no_list(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *u = NULL;
    for (size_t i = 1; i + 1 < v.chunk_count && u == NULL; i++)
        if (chunk_is_in_use(v.chunks[i - 1]) && chunk_is_in_use(v.chunks[i]) && chunk_is_in_use(v.chunks[i + 1]))
            u = v.chunks[i];
    if (u == NULL)
        return no_target(t, &v, "chunk in use between chunks in use");
    chunk_set_in_use(u, false);
    chunk_set_next_free(u, NULL);
    chunk_set_prev_free(u, NULL);
    char what[200];
    snprintf(what, sizeof what, "the chunk in use at offset 0x%zx (between chunks in use) was marked free but put on "
             "no list", off(u));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_chunk_past_break(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    if (v.chunk_count == 0)
        return no_target(t, &v, "chunk");
    chunk_t *last = v.chunks[v.chunk_count - 1];
    chunk_set_header(last, chunk_size(last) + 4 * CHUNK_UNIT, chunk_is_in_use(last));
    char what[200];
    snprintf(what, sizeof what, "the last chunk of the heap (offset 0x%zx) was given a size 64 bytes larger, so it "
             "runs past the break", off(last));
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_break_moved_up(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    heap_view_release(&v);
    if (os_sbrk(64) == (void *)-1)
        return grade_fail(t, "the grader could not move the break up by 64 bytes");
    return expect_detected(t, "the break moved up by 64 bytes behind the stage's back (the chunks no longer reach "
                           "the break)");
}

/* The last chunk of a free list of two or more chunks; fails the test when there is none. */
static chunk_t *list_tail_or_fail(struct grade_ctx *t, struct heap_view *v)
{
    chunk_t *head = NULL, *tail = tail_of_long_list(v, &head, 0, SIZE_MAX);
    if (tail == NULL)
        no_target(t, v, "free list of two or more chunks");
    return tail;
}

/* A well-formed free chunk of the smallest size, in the grader's own memory: outside the heap. */
static _Alignas(CHUNK_ALIGN) unsigned char outside_chunk[CHUNK_MIN_BYTES];

static bool detects_link_outside_heap(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *tail = list_tail_or_fail(t, &v);
    if (tail == NULL)
        return false;
    chunk_t *fake = chunk_at(outside_chunk);
    chunk_set_header(fake, CHUNK_MIN_BYTES, false);
    chunk_write_footer(fake);
    chunk_set_next_free(fake, NULL);
    chunk_set_prev_free(fake, tail);
    chunk_set_next_free(tail, fake);
    char what[220];
    snprintf(what, sizeof what, "the last chunk of a free list (offset 0x%zx) was linked to a well-formed free chunk "
             "of %d bytes at %p, outside the heap", off(tail), (int)CHUNK_MIN_BYTES, (void *)fake);
    heap_view_release(&v);
    return expect_detected(t, what);
}

static bool detects_link_to_heap_end(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *tail = list_tail_or_fail(t, &v);
    if (tail == NULL)
        return false;
    chunk_t *end = chunk_at(os_heap_end());
    chunk_set_next_free(tail, end);
    char what[220];
    snprintf(what, sizeof what, "the last chunk of a free list (offset 0x%zx) was linked to the heap's end (offset "
             "0x%zx, the break: no chunk starts there)", off(tail), off(end));
    heap_view_release(&v);
    return expect_detected(t, what);
}

/* A forged free chunk of 48 bytes inside the payload of a chunk in use, linked into a list right
 * after its head: its own header, footer and links agree, only it does not start a chunk of the
 * heap (the 16 bytes below it, where a footer would be, are zero). Stage 3: it lies between the head
 * and the head's next in address order, so the list stays sorted. */
static bool detects_link_into_chunk(struct grade_ctx *t)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    chunk_t *head = NULL, *next = NULL, *host = NULL;
    for (size_t h = 0; h < v.head_count && host == NULL; h++) {
        if (v.list_length[h] < 2)
            continue;
        head = v.heads[h];
        next = chunk_next_free(head);
        chunk_t *lo = head < next ? head : next, *hi = head < next ? next : head;
        for (size_t i = 0; i < v.chunk_count && host == NULL; i++) {
            chunk_t *c = v.chunks[i];
            if (chunk_is_in_use(c) && c > lo && c < hi && chunk_size(c) >= 2 * CHUNK_HEADER_BYTES + CHUNK_MIN_BYTES +
                                                                        CHUNK_FOOTER_BYTES)
                host = c;
        }
    }
    if (host == NULL)
        return no_target(t, &v, "chunk in use between the first two chunks of a free list");
    chunk_t *forged = chunk_at((char *)host + 2 * CHUNK_HEADER_BYTES);
    memset((char *)forged - CHUNK_FOOTER_BYTES, 0, CHUNK_FOOTER_BYTES);
    chunk_set_header(forged, CHUNK_MIN_BYTES, false);
    chunk_write_footer(forged);
    chunk_set_next_free(forged, next);
    chunk_set_next_free(head, forged);
    if (stage_keeps_prev(t)) {
        chunk_set_prev_free(forged, head);
        chunk_set_prev_free(next, forged);
    }
    char what[260];
    snprintf(what, sizeof what, "a forged free chunk of %d bytes at offset 0x%zx, inside the chunk in use at offset "
             "0x%zx, was linked into a free list after its first chunk (offset 0x%zx)", (int)CHUNK_MIN_BYTES,
             off(forged), off(host), off(head));
    heap_view_release(&v);
    return expect_detected(t, what);
}

/* ---- stage 6: the mappings ----------------------------------------------------------------------- */

struct find_mapping {
    const void *inside;
    void *start;
    size_t length;
};

static int match_mapping(void *start, size_t length, void *arg)
{
    struct find_mapping *f = arg;
    if ((uintptr_t)f->inside >= (uintptr_t)start && (uintptr_t)f->inside < (uintptr_t)start + length) {
        f->start = start;
        f->length = length;
        return 1;
    }
    return 0;
}

/* Ten live blocks and a healthy check; the mapping that holds the fifth in *found. */
static bool healthy_mappings(struct grade_ctx *t, struct find_mapping *found, void **fifth)
{
    void *mem[10];
    for (int i = 0; i < 10; i++)
        if ((mem[i] = g_malloc(t, 1000 + 3000 * (size_t)i)) == NULL)
            return grade_fail_alloc(t, "malloc", 1000 + 3000 * (size_t)i);
    if (!expect_valid(t, "on a healthy heap (before any corruption)"))
        return false;
    *fifth = mem[5];
    *found = (struct find_mapping){ .inside = mem[5] };
    os_sim_each_mapping(match_mapping, found);
    if (found->start == NULL)
        return grade_fail(t, "expected the block at %p to lie in a mapping made through os_mmap, none holds it",
                          mem[5]);
    return true;
}

static bool detects_unmapped_chunk(struct grade_ctx *t)
{
    struct find_mapping m;
    void *mem;
    if (!healthy_mappings(t, &m, &mem))
        return false;
    if (os_munmap(m.start, m.length) != 0)
        return grade_fail(t, "the grader could not unmap the mapping at %p", m.start);
    return expect_detected(t, "a live block's mapping was unmapped behind the stage's back");
}

static bool detects_wrong_header_length(struct grade_ctx *t)
{
    struct find_mapping m;
    void *mem;
    if (!healthy_mappings(t, &m, &mem))
        return false;
    chunk_t *c = chunk_at(m.start);
    chunk_set_header(c, chunk_size(c) + 4096, chunk_is_in_use(c));
    return expect_detected(t, "a live block's header was made to say its mapping is 4096 bytes longer than it is");
}

const struct grade_test grade_checker_tests[] = {
    { "checker.accepts_healthy_heap", ST_ALL, 3, accepts_healthy_heap },
    { "checker.detects_break_moved_down", ST1 | ST2, 3, detects_break_moved_down },
    { "checker.detects_unaligned_break", ST1, 3, detects_unaligned_break },
    { "checker.detects_wrong_status_bit", ST_LISTS, 3, detects_wrong_status_bit },
    { "checker.detects_footer_mismatch", ST_LISTS, 3, detects_footer_mismatch },
    { "checker.detects_adjacent_free_chunks", ST_LISTS, 3, detects_adjacent_free_chunks },
    { "checker.detects_list_cycle", ST_LISTS, 3, detects_list_cycle },
    { "checker.detects_next_prev_disagree", ST4 | ST5, 3, detects_next_prev_disagree },
    { "checker.detects_wrong_bin", ST5, 3, detects_wrong_bin },
    { "checker.detects_free_chunk_on_no_list", ST_LISTS, 3, detects_free_chunk_on_no_list },
    { "checker.detects_chunk_past_break", ST_LISTS, 3, detects_chunk_past_break },
    { "checker.detects_break_moved_up", ST_LISTS, 3, detects_break_moved_up },
    { "checker.detects_link_outside_heap", ST_LISTS, 3, detects_link_outside_heap },
    { "checker.detects_link_to_heap_end", ST_LISTS, 3, detects_link_to_heap_end },
    { "checker.detects_link_into_chunk", ST_LISTS, 3, detects_link_into_chunk },
    { "checker.detects_unmapped_chunk", ST6, 3, detects_unmapped_chunk },
    { "checker.detects_wrong_header_length", ST6, 3, detects_wrong_header_length },
};
const size_t grade_checker_test_count = sizeof grade_checker_tests / sizeof grade_checker_tests[0];
