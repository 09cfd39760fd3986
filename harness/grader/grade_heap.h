/* grade_heap.h: the grader's own view of a stage 3-5 heap, read from memory through common/chunk.h.
 *
 * The stages keep their list heads in static variables the grader cannot see, so the lists are
 * rebuilt from the free chunks alone (harness/heapview/free_lists.h: a head is a free chunk that no
 * other free chunk's next names; stages 4-5 must also give it a NULL prev, which the audit checks).
 * The rebuild never follows a pointer that is not the address of a free chunk found by the heap
 * walk, so a broken heap cannot crash the grader. Limitation, by construction: a lost free chunk
 * whose next is NULL looks like a list of one; it is caught when the stage keeps one list (3, 4), or
 * when its size already has a bin (5).
 */
#ifndef HEAPKIT_GRADE_HEAP_H
#define HEAPKIT_GRADE_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "chunk.h"
#include "free_lists.h"
#include "heapwalk.h"

struct heap_view {
    struct heap_walk_report walk;
    size_t walk_problems;
    chunk_t **chunks;               /* every chunk, in address order */
    size_t chunk_count;
    chunk_t **free_chunks;          /* the free chunks, in address order */
    size_t free_count;
    struct free_lists lists;        /* the lists rebuilt from free_chunks; the four fields below name its parts */
    size_t *list_of;                /* per free chunk: the index of its list, or SIZE_MAX */
    chunk_t **heads;                /* the list heads found */
    size_t head_count;
    size_t *list_length;            /* per head: chunks on that list */
};

/* Walks the seam's heap and reconstructs the lists. False only when the grader runs out of memory. */
bool heap_view_build(struct heap_view *v);
void heap_view_release(struct heap_view *v);

/* heap_view_build for a test: on failure releases v, records the grader's failure and returns false. */
struct grade_ctx;
bool heap_view_build_or_fail(struct grade_ctx *t, struct heap_view *v);

/* The index of c among the free chunks, or SIZE_MAX. */
size_t heap_view_free_index(const struct heap_view *v, const chunk_t *c);

/* The index of c among all chunks, or SIZE_MAX. */
size_t heap_view_chunk_index(const struct heap_view *v, const chunk_t *c);

/* Checks every physical and list invariant the stage's lecture design promises (see
 * docs/grading.md); writes the first violation into why and returns false when one is broken. */
bool heap_audit(int stage_number, char *why, size_t cap);

/* The same on a view already built, and its three parts: tiling, footers and coalescing; the lists
 * (links inside the heap, no cycle, one list in stages 3-4, address order in 3, next/prev agreement
 * in 4-5); the bins of stage 5 (one list per size, small lists of one size). */
bool heap_view_audit(const struct heap_view *v, int stage_number, char *why, size_t cap);
bool heap_view_audit_physical(const struct heap_view *v, char *why, size_t cap);
bool heap_view_audit_lists(const struct heap_view *v, int stage_number, char *why, size_t cap);
bool heap_view_audit_bins(const struct heap_view *v, char *why, size_t cap);

enum { SMALL_BIN_UNITS = 16 };      /* stage 5: chunks under this many units have exact bins */

/* When the heap ends in a free chunk, takes all of it into b (a request 16 bytes short of it, which
 * no stage splits), so that a test's free chunks are only those it made. False after a failure. */
struct grade_blocks;
bool heap_take_top(struct grade_ctx *t, struct grade_blocks *b);

#endif
