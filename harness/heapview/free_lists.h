/* free_lists.h: the free lists of a stage 3-5 heap, rebuilt from its free chunks alone.
 *
 * A stage keeps its list heads in static variables that no one outside it can see, so the lists are
 * found from the chunks in memory (common/chunk.h): a list head is a free chunk that no other free
 * chunk names as its next, and each list is followed from its head along the next links. Only a
 * pointer that lands exactly on a free chunk of the walk is ever followed, so a broken heap can make
 * the lists look wrong but can never make the reader touch memory outside the heap's chunks.
 *
 * Used by the grader's heap view (harness/grader/grade_heap.c), which audits the lists, and by the
 * demos (harness/demo/demo_lists.c), which draw them. Limitation, by construction: a lost free chunk
 * whose next is NULL looks like a list of one.
 */
#ifndef HEAPKIT_FREE_LISTS_H
#define HEAPKIT_FREE_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"

struct free_lists {
    chunk_t *const *chunks;    /* the free chunks, in address order (the caller's array) */
    size_t count;
    size_t *list_of;           /* per free chunk: the list it was reached on, or SIZE_MAX */
    size_t list_count;
    chunk_t **heads;           /* per list: its head, lists numbered in the heads' address order */
    size_t *length;            /* per list: the chunks reached on it */
    size_t *first;             /* per list: where its chunks start in order[] */
    size_t *order;             /* the indices of the listed chunks, list by list, each from its head */
};

/* Rebuilds the lists of the free chunks chunks[0 .. count) (address order, as heap_walk visits them).
 * Following a list stops at NULL, at a next that is no free chunk, or at a chunk already reached (a
 * cycle, or two lists joined). False only when out of memory; release fl either way. */
bool free_lists_build(struct free_lists *fl, chunk_t *const *chunks, size_t count);
void free_lists_release(struct free_lists *fl);

/* The index of c in items[0 .. n), sorted by address, or SIZE_MAX. */
size_t chunk_index_in(chunk_t *const *items, size_t n, const chunk_t *c);

/* The index of c among the free chunks, or SIZE_MAX. */
static inline size_t free_lists_index(const struct free_lists *fl, const chunk_t *c)
{
    return chunk_index_in(fl->chunks, fl->count, c);
}

/* The free chunk that free chunk i names as next, as an index, or SIZE_MAX (NULL, or a next
 * that is no free chunk of the heap). */
static inline size_t free_lists_next(const struct free_lists *fl, size_t i)
{
    chunk_t *next = chunk_next_free(fl->chunks[i]);
    return next == NULL ? SIZE_MAX : free_lists_index(fl, next);
}

/* The k-th chunk of list l (0 = its head), as an index among the free chunks. */
static inline size_t free_lists_entry(const struct free_lists *fl, size_t l, size_t k)
{
    return fl->order[fl->first[l] + k];
}

#endif
