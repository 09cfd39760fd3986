/* grade_checker_links.c: checker.* corruptions of the list stages that a checker must survive as well
 * as report: a cycle the head is not on (a checker that waits to see the head again never ends), a
 * link into memory that is not mapped at all (a checker that follows it faults), a forged free chunk
 * at a list's end, and the heap's last chunk in use made to run past the break. Listed with the
 * others in grade_checker.c; each is a corruption_fn for checker_detects (grade_checker.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grade_checker.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

/* The last chunk of a list of two or more links to itself: a cycle that never comes back to the
 * head (a walk that waits to see the head again, or to reach NULL, never ends). */
static bool cycle_past_the_head(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_set_next_free(tail, tail);
    snprintf(what, cap, "the last chunk of a free list (offset 0x%zx) was made to point to itself: a cycle the "
             "list's first chunk (offset 0x%zx) is not on", off(tail), off(head));
    return true;
}

/* The second chunk of a list links to an aligned address 64 KiB past the break, where nothing is
 * mapped: reading there faults, in the runner as in a real process. (The third entry, then, is the
 * bad link: a walk that takes two links per step, as Floyd's cycle test does, reaches it with its
 * second link of a step.) */
static bool link_to_unmapped_memory(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_t *second = chunk_next_free(head);
    chunk_t *nowhere = chunk_at(chunk_align_up((char *)os_heap_end() + 65536));
    chunk_set_next_free(second, nowhere);
    snprintf(what, cap, "the second chunk of a free list (offset 0x%zx) was linked to %p, 64 KiB past the break, "
             "where no memory is mapped (a checker that reads there faults)", off(second), (void *)nowhere);
    return true;
}

/* A forged free chunk of 48 bytes inside the payload of a chunk in use, linked after a list's last
 * chunk: its header, footer and links agree, only it does not start a chunk of the heap. Stage 3:
 * the chunk in use lies above the last chunk, so the list stays in address order; stages 4-5 keep
 * no order, and any chunk in use large enough serves. */
static bool forge_a_chunk_at_the_list_end(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head = NULL, *tail = checker_long_list_or_fail(t, v, &head), *host = NULL;
    if (tail == NULL)
        return false;
    for (size_t i = 0; i < v->chunk_count && host == NULL; i++) {
        chunk_t *c = v->chunks[i];
        if (chunk_is_in_use(c) && (c > tail || t->stage->number != 3) &&
            chunk_size(c) >= 2 * CHUNK_HEADER_BYTES + CHUNK_MIN_BYTES + CHUNK_FOOTER_BYTES)
            host = c;
    }
    if (host == NULL)
        return checker_no_target(t, v, "chunk in use above a free list's last chunk");
    chunk_t *forged = chunk_at((char *)host + 2 * CHUNK_HEADER_BYTES);
    memset((char *)forged - CHUNK_FOOTER_BYTES, 0, CHUNK_FOOTER_BYTES);
    chunk_set_header(forged, CHUNK_MIN_BYTES, false);
    chunk_write_footer(forged);
    checker_link_after(t, tail, forged);
    snprintf(what, cap, "a forged free chunk of %d bytes at offset 0x%zx, inside the chunk in use at offset 0x%zx, "
             "was linked at the end of a free list, after offset 0x%zx", (int)CHUNK_MIN_BYTES, off(forged), off(host),
             off(tail));
    return true;
}

/* The heap's last chunk, in use, given a size 64 bytes larger: it runs past the break. When the
 * stage keeps a free chunk at the top, a malloc first takes all of it (a request 16 bytes short of
 * it, which no stage splits), so that the last chunk is in use. */
static bool stretch_the_last_chunk_in_use(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    if (v->chunk_count > 0 && chunk_is_free(v->chunks[v->chunk_count - 1])) {
        size_t top_bytes = chunk_size(v->chunks[v->chunk_count - 1]);
        if (g_malloc(t, top_bytes - CHUNK_OVERHEAD_BYTES - CHUNK_UNIT) == NULL)
            return grade_fail_alloc(t, "malloc (taking the free chunk at the top)", top_bytes);
        heap_view_release(v);
        if (!heap_view_build_or_fail(t, v) || !checker_expect_valid(t, "once the free chunk at the top is taken"))
            return false;
    }
    if (v->chunk_count == 0 || chunk_is_free(v->chunks[v->chunk_count - 1]))
        return checker_no_target(t, v, "last chunk in use");
    chunk_t *last = v->chunks[v->chunk_count - 1];
    chunk_set_header(last, chunk_size(last) + 4 * CHUNK_UNIT, true);
    snprintf(what, cap, "the heap's last chunk, in use (offset 0x%zx), was given a size 64 bytes larger, so it runs "
             "past the break", off(last));
    return true;
}

bool checker_detects_cycle_past_head(struct grade_ctx *t) { return checker_detects(t, cycle_past_the_head); }
bool checker_detects_link_to_unmapped(struct grade_ctx *t) { return checker_detects(t, link_to_unmapped_memory); }
bool checker_detects_forged_chunk_at_end(struct grade_ctx *t) { return checker_detects(t, forge_a_chunk_at_the_list_end); }
bool checker_detects_used_chunk_past_break(struct grade_ctx *t)
{
    return checker_detects(t, stretch_the_last_chunk_in_use);
}
