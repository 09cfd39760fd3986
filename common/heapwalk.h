/* heapwalk.h: a generic walk over a heap of chunks in the shared layout (common/chunk.h).
 *
 * The walk knows only the layout, not any stage's lists, so the grader can verify stages 3-5
 * independently of the student's own checker and the demos can draw any of them. Like TLSF's pool
 * walker it visits each chunk in address order and counts what it finds instead of aborting.
 */
#ifndef HEAPKIT_HEAPWALK_H
#define HEAPKIT_HEAPWALK_H

#include <stdbool.h>
#include <stddef.h>

#include "chunk.h"

/* Called for each chunk in address order; return nonzero to stop the walk early. */
typedef int (*heap_visitor)(chunk_t *c, void *arg);

struct heap_walk_report {
    size_t chunks, free_chunks, used_chunks;
    size_t free_bytes, used_bytes;             /* chunk bytes, headers and footers included */
    size_t largest_free_bytes;
    size_t adjacent_free_pairs;                /* two free chunks side by side: uncoalesced */
    size_t footer_mismatches;                  /* footer size differs from header size */
    bool tiling_broken;                        /* a chunk of impossible size or running past the end */
    chunk_t *first_bad;                        /* the chunk where the tiling broke, or NULL */
    const char *tiling_problem;                /* what was wrong with first_bad: "I0 chunks tile ...: what" */
    const char *tiling_what;                   /* the same without the invariant's name (a checker's own words) */
};

/* The first chunk of the heap [start, end): the first 16-byte aligned address at or after start. */
chunk_t *heap_first_chunk(void *start);

/* Walks [start, end) chunk by chunk. Returns the number of problems found: a broken tiling (which
 * ends the walk), plus each footer mismatch and each pair of adjacent free chunks. visit may be NULL;
 * report may be NULL. The walk never reads outside [start, end). */
size_t heap_walk(void *start, void *end, heap_visitor visit, void *arg, struct heap_walk_report *report);

/* heap_walk over [os_heap_start(), os_heap_end()). */
size_t heap_walk_seam(heap_visitor visit, void *arg, struct heap_walk_report *report);

#endif
