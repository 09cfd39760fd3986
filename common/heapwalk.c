/* heapwalk.c: the generic chunk walk of heapwalk.h. */
#include "heapwalk.h"

#include <stdint.h>

#include "os.h"

chunk_t *heap_first_chunk(void *start)
{
    return chunk_at(chunk_align_up(start));
}

/* The ways a chunk can break the tiling, each in two wordings: with the invariant's name (the
 * harness's messages) and without it (a stage's checker, which names its own invariant). */
#define TILING_INVARIANT "I0 chunks tile the heap: "
static const struct tiling_words {
    const char *problem, *what;
} TOO_LITTLE_ROOM = { TILING_INVARIANT "fewer bytes left than a header and a footer",
                      "fewer bytes left than a header and a footer" },
  TOO_SMALL = { TILING_INVARIANT "size smaller than a header and a footer", "size smaller than a header and a footer" },
  PAST_END = { TILING_INVARIANT "chunk runs past the break", "chunk runs past the break" };

/* Why c cannot be a chunk of [c, end), or NULL when its size makes sense. */
static const struct tiling_words *tiling_problem(const chunk_t *c, const void *end)
{
    uintptr_t room = (uintptr_t)end - (uintptr_t)c;
    if (room < CHUNK_OVERHEAD_BYTES)
        return &TOO_LITTLE_ROOM;
    size_t chunk_bytes = chunk_size(c);
    if (chunk_bytes < CHUNK_OVERHEAD_BYTES)
        return &TOO_SMALL;
    if (chunk_bytes > room)
        return &PAST_END;
    return NULL;
}

size_t heap_walk(void *start, void *end, heap_visitor visit, void *arg, struct heap_walk_report *report)
{
    struct heap_walk_report r = {0};
    size_t problems = 0;
    bool prev_free = false;
    chunk_t *c = heap_first_chunk(start);

    /* An empty heap (never grown, or smaller than its alignment pad) has no chunks at all. */
    while ((uintptr_t)c < (uintptr_t)end) {
        const struct tiling_words *why = tiling_problem(c, end);
        if (why != NULL) {
            r.tiling_broken = true;
            r.first_bad = c;
            r.tiling_problem = why->problem;
            r.tiling_what = why->what;
            problems++;
            break;
        }
        size_t chunk_bytes = chunk_size(c);
        r.chunks++;
        if (chunk_is_free(c)) {
            r.free_chunks++;
            r.free_bytes += chunk_bytes;
            if (chunk_bytes > r.largest_free_bytes)
                r.largest_free_bytes = chunk_bytes;
            if (prev_free) {
                r.adjacent_free_pairs++;
                problems++;
            }
        } else {
            r.used_chunks++;
            r.used_bytes += chunk_bytes;
        }
        if (chunk_footer_size(c) != chunk_bytes) {
            r.footer_mismatches++;
            problems++;
        }
        prev_free = chunk_is_free(c);
        if (visit != NULL && visit(c, arg) != 0)
            break;
        c = chunk_next_in_mem(c);
    }
    if (report != NULL)
        *report = r;
    return problems;
}

size_t heap_walk_seam(heap_visitor visit, void *arg, struct heap_walk_report *report)
{
    return heap_walk(os_heap_start(), os_heap_end(), visit, arg, report);
}
