/* stage4_dlist/heapmgr.c: the lecture's "Doubly linked list" DMMgr.
 *
 * Policy: first fit on one unordered, doubly linked free list; a chunk that is too big is split,
 * its front handed out and its tail put on the list; free puts the chunk at the front of the list
 * and coalesces it with its neighbours in memory, found through the boundary tags.
 * Adds over List: free is O(1). The footer's size leads to the chunk before in memory and the
 * header's size to the chunk after (Knuth's boundary tags), and a prev link beside next lets any
 * chunk leave the list without a walk. So the list need not be sorted.
 * Per-chunk overhead: a 16-byte header (size | status bit, next free) and a 16-byte footer (size,
 * prev free): the same 32 bytes as stage 3, where the footer was written but never read.
 * Cost (n = chunks on the free list):
 *     malloc  O(n)  first fit still walks the list (stage 5's bins fix that)
 *     free    O(1)  no walk: mark, look at both neighbours, link in at the front
 *
 * Algorithm (the lecture's slides; CS:APP 9.9 names the four coalescing cases):
 *   heapmgr_malloc
 *     1. Round the request up to a chunk: header + payload (whole 16-byte units) + footer.
 *     2. Walk the free list for the first chunk that is big enough (find_fit).
 *     3. None: grow the heap by at least MIN_GROW_BYTES and give the new chunk to the list as free
 *        does (which coalesces it with a free last chunk): the chunk that comes back fits.
 *     4. Unlink the chunk. Too big: split it; the front becomes the used chunk and the tail goes
 *        on the list as a free chunk of its own.
 *   heapmgr_free
 *     1. Mark the chunk free.
 *     2. Coalesce: the chunk after it starts where its size says, the chunk before it ends where
 *        its footer says; each one that is free leaves the list (O(1), through prev) and merges.
 *     3. Link the merged chunk in at the front of the list.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md; a label means the same
 * invariant in stages 3, 4 and 5):
 *   I0 chunks tile the heap (I0 of common/chunk.h), and the break is where this stage left it
 *   I1 every chunk's header and footer give the same size
 *   I2 every chunk on the free list is a free chunk of the heap
 *   I3 adjacent free chunks are coalesced: no two free chunks are adjacent in memory
 *   I4 every free chunk in memory is on the free list
 *   I5 the links agree: the head's prev is NULL, and a->next->prev == a
 *   I6 the free list has no cycle (it ends in NULL)
 *   I7 the free list holds each free chunk exactly once: as many entries as free chunks in memory
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "grow_mode.h"
#include "heapmgr.h"
#include "heapwalk.h"
#include "os.h"

/* ---- tunables (a student may change these) ------------------------------------------------- */

/* The heap grows by at least this much at a time, so that most mallocs need no system call. */
enum { MIN_GROW_BYTES = 8192 };

_Static_assert((size_t)MIN_GROW_BYTES % CHUNK_UNIT == 0, "the heap grows by whole units");
_Static_assert((size_t)MIN_GROW_BYTES >= (size_t)CHUNK_MIN_BYTES, "a grow makes at least one chunk");

/* ---- the heap and the free list ----------------------------------------------------------- */

static chunk_t *heap_start;    /* the first chunk; NULL until the first grow */
static chunk_t *heap_end;      /* just past the last chunk */
static void *heap_break;       /* where this stage left the break: heap_end, or below it by the
                                  alignment pad before the first grow */
static chunk_t *free_list;     /* free chunks in no particular order, NULL-terminated; the
                                  head's prev is NULL */

/* Links c in at the front of the free list: O(1), the list keeps no order. */
static inline void list_insert(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_set_next_free(c, free_list);
    chunk_set_prev_free(c, NULL);
    if (free_list != NULL)
        chunk_set_prev_free(free_list, c);
    free_list = c;
    /* END SOLUTION */
}

/* Unlinks c: O(1), because its footer names the chunk before it on the list. */
static inline void list_remove(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = chunk_prev_free(c);
    chunk_t *next = chunk_next_free(c);
    if (prev == NULL)
        free_list = next;                           /* c was the head */
    else
        chunk_set_next_free(prev, next);
    if (next != NULL)
        chunk_set_prev_free(next, prev);
    /* END SOLUTION */
}

/* Merges the free chunk c, which is on no free list, with its neighbours in memory when they are
 * free, and returns the merged chunk (on no free list either). The neighbours are found through
 * the boundary tags, not a list: the header's size gives the chunk after, the footer just below
 * c gives the size of the chunk before. The first and last chunks of the heap have no neighbour
 * on one side. */
static inline chunk_t *coalesce(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = c == heap_start ? NULL : chunk_prev_in_mem(c);
    chunk_t *next = chunk_next_in_mem(c);
    bool prev_free = prev != NULL && chunk_is_free(prev);
    bool next_free = next != heap_end && chunk_is_free(next);

    if (!prev_free && !next_free) {
        /* case 1: both neighbours in use: nothing to merge */
    } else if (!prev_free && next_free) {
        /* case 2: only the next one is free: c absorbs it */
        list_remove(next);
        chunk_merge_with_next(c);
    } else if (prev_free && !next_free) {
        /* case 3: only the previous one is free: it absorbs c */
        list_remove(prev);
        chunk_merge_with_next(prev);
        c = prev;
    } else {
        /* case 4: both free: the previous one absorbs c and the next one, in that order */
        list_remove(prev);
        list_remove(next);
        chunk_merge_with_next(prev);
        chunk_merge_with_next(prev);
        c = prev;
    }
    return c;
    /* END SOLUTION */
}

/* Gives the chunk c (marked in use) back to the free list: the body of heapmgr_free. Returns the
 * chunk it is now part of, on the list. */
static inline chunk_t *free_chunk(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_set_in_use(c, false);
    /* merge first, then link in once: the merged chunk's footer (and with it the prev link)
     * lies at its new end */
    c = coalesce(c);
    list_insert(c);
    return c;
    /* END SOLUTION */
}

/* Moves the break up by max(chunk_bytes, MIN_GROW_BYTES) and frees the new memory as one chunk, as
 * K&R's morecore does: free_chunk puts it on the list and merges it with a free last chunk.
 * Returns that free chunk, which fits chunk_bytes (CS:APP's extend_heap returns it the same way);
 * NULL, with the heap unchanged, when the seam refuses. */
static chunk_t *grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    /* at least MIN_GROW_BYTES, or exactly the chunk when the lecture's pictures ask (grow_mode.h) */
    size_t min_grow_bytes = grow_min_bytes(MIN_GROW_BYTES);
    size_t grow_bytes = chunk_bytes > min_grow_bytes ? chunk_bytes : min_grow_bytes;
    if (heap_start == NULL) {
        /* The first grow: the heap begins at the first 16-byte aligned address at or after the
         * break. The simulated break is page aligned; a real one need not be. */
        void *first_break = os_sbrk(0);
        if (first_break == (void *)-1)
            return NULL;
        heap_break = first_break;
        heap_start = heap_end = chunk_at(chunk_align_up(first_break));
    }
    /* Before the first successful grow the break may still lie below heap_end: move it over that
     * pad too. Afterwards the pad is 0. */
    size_t pad_bytes = chunk_offset(heap_break, heap_end);
    if (grow_bytes > PTRDIFF_MAX - pad_bytes)
        return NULL;                                /* too big to ask for */
    intptr_t increment = (intptr_t)(pad_bytes + grow_bytes);
    void *old_break = os_sbrk(increment);
    if (old_break == (void *)-1)
        return NULL;                                /* out of memory: nothing changed */
    if (old_break != heap_break) {
        /* Someone else moved the break since our last grow (a program calling sbrk itself, under
         * LD_PRELOAD). Our new memory would not start at heap_end, and a chunk spanning their bytes
         * would break I0. Chosen answer: give the bytes back and fail this malloc; the heap stays
         * as it was. An empty heap may start afresh at the new break on the next grow. */
        os_sbrk(-increment);
        if (heap_end == heap_start)
            heap_start = heap_end = NULL;
        return NULL;
    }
    chunk_t *c = heap_end;
    chunk_set_header(c, grow_bytes, true);
    chunk_write_footer(c);
    heap_end = chunk_next_in_mem(c);
    heap_break = heap_end;
    return free_chunk(c);
    /* END SOLUTION */
}

/* ---- the placement policy ------------------------------------------------------------------ */

/* The lecture's policy for this stage is first fit. A lecturer may compare the others (Wilson et al.,
 * "Dynamic Storage Allocation: A Survey and Critical Review", 1995, section 3.4) without editing this
 * file: HEAPKIT_FIT=first|next|best|worst in the environment chooses at the first malloc (the lab's
 * demo, trace and bench: make demo FIT=best), and -DHEAPKIT_FIT_DEFAULT=FIT_BEST at build time
 * chooses when the environment says nothing (the grader's runner-fit-best, which has no environment).
 *   first  the first chunk on the list that fits
 *   next   the first that fits at or after the rover, wrapping round: the search resumes just past
 *          the chunk it took last (Knuth's roving pointer, TAOCP vol. 1, 2.5, exercise 6; kept as an
 *          address, so that no merge can leave it dangling)
 *   best   the smallest that fits (ties: the first on the list)
 *   worst  the largest (ties: the first on the list): its remainder stays big enough to be useful */
enum fit_policy { FIT_FIRST, FIT_NEXT, FIT_BEST, FIT_WORST };
#ifndef HEAPKIT_FIT_DEFAULT
#define HEAPKIT_FIT_DEFAULT FIT_FIRST
#endif

static inline enum fit_policy fit_policy(void)
{
    static int chosen = -1;    /* read once: a policy cannot change under a heap */
    if (chosen < 0) {
        static const char *const names[] = { "first", "next", "best", "worst" };
        const char *wanted = getenv("HEAPKIT_FIT");
        chosen = HEAPKIT_FIT_DEFAULT;
        for (int p = FIT_FIRST; wanted != NULL && p <= FIT_WORST; p++)
            if (strcmp(wanted, names[p]) == 0)
                chosen = p;
    }
    return (enum fit_policy)chosen;
}

static uintptr_t next_fit_rover;   /* next fit: just past the start of the chunk taken last */

/* Does candidate c (of those that fit) beat the one chosen so far under the policy? */
static inline bool fit_is_better(enum fit_policy policy, const chunk_t *c, const chunk_t *chosen)
{
    if (chosen == NULL)
        return true;
    switch (policy) {
    case FIT_BEST: return chunk_size(c) < chunk_size(chosen);
    case FIT_WORST: return chunk_size(c) > chunk_size(chosen);
    case FIT_NEXT:
        /* at or after the rover beats below it; within each side, the lower address */
        if (((uintptr_t)c >= next_fit_rover) != ((uintptr_t)chosen >= next_fit_rover))
            return (uintptr_t)c >= next_fit_rover;
        return (uintptr_t)c < (uintptr_t)chosen;
    case FIT_FIRST: break;
    }
    return false;
}

/* First fit (the policy above may choose another): the first chunk on the list with at least
 * chunk_bytes, or NULL. */
static inline chunk_t *find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    enum fit_policy policy = fit_policy();
    chunk_t *chosen = NULL;
    for (chunk_t *c = free_list; c != NULL; c = chunk_next_free(c)) {
        if (chunk_size(c) >= chunk_bytes && fit_is_better(policy, c, chosen)) {
            chosen = c;
            if (policy == FIT_FIRST)
                break;                              /* first fit: the walk ends here */
        }
    }
    if (chosen != NULL)
        next_fit_rover = (uintptr_t)chosen + CHUNK_UNIT;
    return chosen;
    /* END SOLUTION */
}

/* Cuts the used chunk c down to chunk_bytes at the front and puts the tail on the list. The tail
 * needs no coalescing: the chunk after c was not free (I3), or c would have absorbed it. */
static inline chunk_t *split(chunk_t *c, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    chunk_t *tail = chunk_split(c, chunk_bytes, true, false);
    list_insert(tail);
    return c;
    /* END SOLUTION */
}

/* Turns the free chunk c into a used chunk of at least chunk_bytes. */
static inline chunk_t *place(chunk_t *c, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    list_remove(c);
    chunk_set_in_use(c, true);
    if (chunk_size(c) - chunk_bytes >= CHUNK_MIN_BYTES)
        return split(c, chunk_bytes);               /* too big: use the front, list the tail */
    /* exactly, or a remainder too small to be a chunk of its own: the whole chunk goes */
    return c;
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                /* the request overflows any chunk */
    chunk_t *c = find_fit(chunk_bytes);
    if (c == NULL && (c = grow_heap(chunk_bytes)) == NULL)
        return NULL;                                /* the seam refused: the heap is unchanged */
    return chunk_to_mem(place(c, chunk_bytes));
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return;
    free_chunk(chunk_from_mem(mem));
    /* END SOLUTION */
}

/* Cuts the used chunk c down to chunk_bytes when the rest is big enough to be a chunk; the rest is
 * freed, which coalesces it with a free chunk after it. */
static void shrink(chunk_t *c, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    if (chunk_size(c) - chunk_bytes < CHUNK_MIN_BYTES)
        return;                                     /* too little to be worth a chunk: keep it */
    chunk_t *tail = chunk_split(c, chunk_bytes, true, true);
    free_chunk(tail);
    /* END SOLUTION */
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0) {
        heapmgr_free(mem);
        return NULL;
    }
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                /* C semantics: mem stays valid */
    chunk_t *c = chunk_from_mem(mem);
    if (chunk_size(c) >= chunk_bytes) {
        shrink(c, chunk_bytes);                     /* it fits already: shrink in place */
        return mem;
    }
    chunk_t *next = chunk_next_in_mem(c);
    if (next != heap_end && chunk_is_free(next) && chunk_size(c) + chunk_size(next) >= chunk_bytes) {
        /* grow in place into the free chunk after it: no copy */
        list_remove(next);
        chunk_merge_with_next(c);
        shrink(c, chunk_bytes);
        return mem;
    }
    return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------------ */

struct check {
    int violations;
    size_t free_in_memory;     /* free chunks met by the memory walk (I7) */
    bool prev_was_free;        /* during the memory walk: the chunk before was free */
};

/* One numbering in stages 3-5 (README.md): a label names the same invariant in every stage. */
static const char *const I0 = "I0 chunks tile the heap";
static const char *const I1 = "I1 header and footer sizes agree";
static const char *const I2 = "I2 every listed chunk is a free chunk of the heap";
static const char *const I3 = "I3 adjacent free chunks are coalesced";
static const char *const I4 = "I4 every free chunk is listed";
static const char *const I5 = "I5 next and prev links agree";
static const char *const I6 = "I6 no free list has a cycle";
static const char *const I7 = "I7 each free chunk is listed exactly once";

/* Prints one violation as "heapmgr_check: <invariant>: chunk at offset 0x... <details>" and counts it. */
__attribute__((format(printf, 4, 5)))
static void violation(struct check *ck, const char *invariant, const void *at, const char *details, ...)
{
    const void *start = os_heap_start();
    if (at >= start && at <= (const void *)heap_end)
        fprintf(stderr, "heapmgr_check: %s: chunk at offset 0x%zx ", invariant, chunk_offset(start, at));
    else
        fprintf(stderr, "heapmgr_check: %s: chunk at address %p (outside the heap) ", invariant, at);
    va_list ap;
    va_start(ap, details);
    vfprintf(stderr, details, ap);
    va_end(ap);
    fputc('\n', stderr);
    ck->violations++;
}

/* True when c is a 16-byte aligned address inside the heap, so its header can be read. */
static bool in_heap(const chunk_t *c)
{
    /* BEGIN SOLUTION */
    return chunk_is_aligned(c) && c >= heap_start && c < heap_end;
    /* END SOLUTION */
}

/* A link's value in words, for reports: "NULL", "offset 0x..." or an address outside the heap. */
static const char *link_text(const chunk_t *link, char *buf, size_t buf_bytes)
{
    if (link == NULL)
        snprintf(buf, buf_bytes, "NULL");
    else if (in_heap(link))
        snprintf(buf, buf_bytes, "offset 0x%zx", chunk_offset(os_heap_start(), link));
    else
        snprintf(buf, buf_bytes, "address %p (outside the heap)", (const void *)link);
    return buf;
}

/* Per chunk in memory: I1, I3, and I4 through the links. A free chunk is on the list when it is the
 * head or the free chunk its prev link names links forward to it. O(1) per chunk; I7 catches what
 * this local test cannot (two stray chunks linked only to each other). */
static int check_chunk(chunk_t *c, void *arg)
{
    /* BEGIN SOLUTION */
    struct check *ck = arg;
    if (chunk_footer_size(c) != chunk_size(c))
        violation(ck, I1, c, "header says %zu bytes, footer says %zu", chunk_size(c), chunk_footer_size(c));
    if (ck->prev_was_free && chunk_is_free(c))
        violation(ck, I3, c, "is free and so is the chunk before it");
    ck->prev_was_free = chunk_is_free(c);
    if (chunk_is_free(c)) {
        ck->free_in_memory++;
        chunk_t *prev = chunk_prev_free(c);
        bool linked = c == free_list ||
                      (prev != NULL && in_heap(prev) && chunk_is_free(prev) && chunk_next_free(prev) == c);
        if (!linked)
            violation(ck, I4, c, "is free (%zu bytes) but no chunk on the free list links to it", chunk_size(c));
    }
    return 0;
    /* END SOLUTION */
}

/* True when c looks like the start of a chunk from both sides: the footer just below it gives the
 * size of a chunk whose header agrees (or c is the first chunk), and its own size stays in the heap.
 * A local test, O(1): a pointer into the middle of a chunk almost never passes it. */
static bool starts_a_chunk(const chunk_t *c)
{
    /* BEGIN SOLUTION */
    if (!chunk_lies_within(c, heap_start, heap_end))
        return false;
    if (c == heap_start)
        return true;
    size_t before_bytes = chunk_footer_before(c)->size;
    if (before_bytes < CHUNK_MIN_BYTES || before_bytes % CHUNK_UNIT != 0 ||
        before_bytes > chunk_offset(heap_start, c))
        return false;
    return chunk_size(chunk_prev_in_mem(c)) == before_bytes;
    /* END SOLUTION */
}

/* I6 by Floyd's two pointers: the fast one moves two links per step, the slow one one; on a cycle
 * they meet. Returns a chunk on a cycle of the list that starts at head, or NULL. O(n), and it
 * stops at a link out of the heap. */
static chunk_t *list_cycle(chunk_t *head)
{
    /* BEGIN SOLUTION */
    chunk_t *slow = head;
    chunk_t *fast = head;
    while (fast != NULL && in_heap(fast)) {
        fast = chunk_next_free(fast);
        if (fast == NULL || !in_heap(fast))
            return NULL;
        fast = chunk_next_free(fast);
        slow = chunk_next_free(slow);
        if (fast == slow)
            return slow;
    }
    return NULL;
    /* END SOLUTION */
}

/* I2, I5, I6 and I7 along the list. The walk stops after as many entries as there are free chunks
 * in memory, so it ends even on a cycle; each entry is checked once. */
static void check_list(struct check *ck, bool tiling_intact)
{
    /* BEGIN SOLUTION */
    char want[64], got[64];
    chunk_t *cycle = list_cycle(free_list);
    if (cycle != NULL)
        violation(ck, I6, cycle, "is on a cycle of the free list");
    size_t entries = 0;
    chunk_t *prev = NULL;
    chunk_t *c;
    for (c = free_list; c != NULL; prev = c, c = chunk_next_free(c)) {
        if (!in_heap(c)) {
            violation(ck, I2, c, "is on the free list but does not lie in the heap");
            return;                                 /* its links cannot be read */
        }
        if (!chunk_lies_within(c, heap_start, heap_end)) {
            violation(ck, I2, c, "is on the free list but its size (%zu bytes) runs past the heap end",
                      chunk_size(c));
            return;                                 /* its footer, and the prev link, cannot be read */
        }
        if (entries == ck->free_in_memory) {
            if (cycle == NULL && tiling_intact)     /* else the count of free chunks is partial */
                violation(ck, I7, c, "is entry %zu on the free list, but memory holds only %zu free chunks",
                          entries + 1, ck->free_in_memory);
            return;                                 /* the rest was seen already, or is surplus */
        }
        entries++;
        if (!chunk_is_free(c))
            violation(ck, I2, c, "is on the free list but its status bit says in use");
        else if (!starts_a_chunk(c))
            violation(ck, I2, c, "is on the free list but is not the start of a chunk");
        if (chunk_prev_free(c) != prev)
            violation(ck, I5, c, "has prev link %s, but the entry before it on the list is %s",
                      link_text(chunk_prev_free(c), got, sizeof got), link_text(prev, want, sizeof want));
    }
    if (tiling_intact && entries != ck->free_in_memory)
        violation(ck, I7, heap_start, "starts a heap with %zu free chunks, but the free list holds %zu",
                  ck->free_in_memory, entries);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    struct check ck = {0};
    if (heap_start == NULL) {
        if (free_list != NULL)
            violation(&ck, I2, free_list, "is on the free list but the heap is empty");
        return ck.violations;
    }
    if (os_heap_end() != heap_break) {
        violation(&ck, I0, heap_end, "is where the heap ends, but the break is at offset 0x%zx",
                  chunk_offset(os_heap_start(), os_heap_end()));
        if (os_heap_end() < (void *)heap_end)
            return ck.violations;                   /* chunks past the break: reading them would fault */
    }
    struct heap_walk_report report;
    heap_walk(heap_start, heap_end, check_chunk, &ck, &report);
    if (report.tiling_broken)
        violation(&ck, I0, report.first_bad, "has size %zu (%s)", chunk_size(report.first_bad),
                  report.tiling_what);
    check_list(&ck, !report.tiling_broken);
    return ck.violations;
    /* END SOLUTION */
}
