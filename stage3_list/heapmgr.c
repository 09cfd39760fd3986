/* stage3_list/heapmgr.c: the lecture's "List" DMMgr.
 *
 * Policy: first fit on one free list kept sorted by address; a chunk that is too big is split and
 * its tail end handed out; free walks the list to the chunk's place and coalesces it with its
 * neighbours in memory.
 * Adds over Pad: memory is reused. Every chunk carries its size, so free knows what comes back,
 * and free chunks wait on a list for the next malloc instead of being lost.
 * Per-chunk overhead: a 16-byte header (size | status bit, next free) and a 16-byte footer (size;
 * this stage writes it but never reads it, so that stage 4 differs from it only in algorithm).
 * Cost (n = chunks on the free list):
 *     malloc  O(n)  first fit walks the list; growing the heap walks it again to insert
 *     free    O(n)  walks the list to the insertion spot that keeps it sorted
 *
 * Algorithm (the lecture's slides, and the allocator of K&R 8.7):
 *   heapmgr_malloc
 *     1. Round the request up to a chunk: header + payload (whole 16-byte units) + footer.
 *     2. Walk the free list for the first chunk that is big enough (find_fit).
 *     3. None: grow the heap by at least MIN_GROW_BYTES and give the new chunk to the list as free
 *        does (which coalesces it with a free last chunk): the chunk that comes back fits.
 *     4. Too big: split it; the tail end becomes the used chunk and the front stays where it is on
 *        the list with a smaller size, so no link changes. Otherwise unlink the whole chunk.
 *   heapmgr_free
 *     1. Mark the chunk free.
 *     2. Walk the list to the first free chunk above it and link it in before that one.
 *     3. Coalesce: because the list is sorted, the chunks before and after it in memory, when
 *        free, are exactly its neighbours on the list.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md; a label means the same
 * invariant in stages 3, 4 and 5):
 *   I0 chunks tile the heap (I0 of common/chunk.h), and the break is where this stage left it
 *   I1 every chunk's header and footer give the same size
 *   I2 every chunk on the free list is a free chunk of the heap
 *   I3 adjacent free chunks are coalesced: no two free chunks are adjacent in memory
 *   I4 every free chunk in memory is on the free list
 *   I8 the free list is sorted by address (so it has no cycle and ends in NULL: stage 4's I6)
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
static chunk_t *free_list;     /* free chunks in increasing address order, NULL-terminated */

/* Links c into the free list at its place in address order; returns the chunk before it on the
 * list, or NULL when c is now the head. O(n): this walk is the cost of keeping the list sorted. */
static inline chunk_t *list_insert(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = NULL;
    chunk_t *next = free_list;
    while (next != NULL && next < c) {
        prev = next;
        next = chunk_next_free(next);
    }
    chunk_set_next_free(c, next);
    if (prev == NULL)
        free_list = c;                              /* c is the lowest free chunk: new head */
    else
        chunk_set_next_free(prev, c);
    return prev;
    /* END SOLUTION */
}

/* Unlinks c, whose predecessor on the list is prev (NULL when c is the head). A singly linked list
 * cannot find prev by itself: the caller has it from its own walk. */
static inline void list_remove(chunk_t *c, chunk_t *prev)
{
    /* BEGIN SOLUTION */
    if (prev == NULL)
        free_list = chunk_next_free(c);
    else
        chunk_set_next_free(prev, chunk_next_free(c));
    /* END SOLUTION */
}

/* The chunk before c on the list (NULL when c is the head): a walk, O(n). */
static chunk_t *list_prev(const chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = NULL;
    for (chunk_t *p = free_list; p != c; p = chunk_next_free(p))
        prev = p;
    return prev;
    /* END SOLUTION */
}

/* Merges the free chunk c, just linked in after prev, with its neighbours in memory when they are
 * free. The list is sorted, so those neighbours can only be c's neighbours on the list: one address
 * comparison each decides. The two tests together cover the four cases that stage 4 names
 * (neither, next, previous, both). Returns the chunk that now holds c. */
static inline chunk_t *coalesce(chunk_t *c, chunk_t *prev)
{
    /* BEGIN SOLUTION */
    chunk_t *next = chunk_next_free(c);
    if (next != NULL && chunk_next_in_mem(c) == next) {
        /* the next free chunk starts where c ends: c absorbs it and takes over its link */
        chunk_set_next_free(c, chunk_next_free(next));
        chunk_merge_with_next(c);
    }
    if (prev != NULL && chunk_next_in_mem(prev) == c) {
        /* c starts where the previous free chunk ends: that one absorbs c */
        chunk_set_next_free(prev, chunk_next_free(c));
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
    chunk_t *prev = list_insert(c);
    return coalesce(c, prev);
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
 * chunk_bytes, or NULL. Its predecessor on the list goes to *prev_out, for an unlink without a
 * second walk. */
static inline chunk_t *find_fit(size_t chunk_bytes, chunk_t **prev_out)
{
    /* BEGIN SOLUTION */
    enum fit_policy policy = fit_policy();
    chunk_t *prev = NULL, *chosen = NULL;
    for (chunk_t *c = free_list; c != NULL; c = chunk_next_free(c)) {
        if (chunk_size(c) >= chunk_bytes && fit_is_better(policy, c, chosen)) {
            *prev_out = prev;
            chosen = c;
            if (policy == FIT_FIRST)
                break;                              /* first fit: the walk ends here */
        }
        prev = c;
    }
    if (chosen != NULL)
        next_fit_rover = (uintptr_t)chosen + CHUNK_UNIT;
    return chosen;
    /* END SOLUTION */
}

/* Cuts chunk_bytes off the tail end of the free chunk c and returns that tail, in use. The front
 * keeps c's address, so it stays on the list exactly where it was (K&R: "allocate tail end"). */
static inline chunk_t *split(chunk_t *c, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    return chunk_split(c, chunk_size(c) - chunk_bytes, false, true);
    /* END SOLUTION */
}

/* Turns the free chunk c (prev before it on the list) into a used chunk of at least chunk_bytes. */
static inline chunk_t *place(chunk_t *c, chunk_t *prev, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    if (chunk_size(c) - chunk_bytes >= CHUNK_MIN_BYTES)
        return split(c, chunk_bytes);               /* too big: hand out the tail end */
    /* exactly, or a remainder too small to be a chunk of its own: the whole chunk goes */
    list_remove(c, prev);
    chunk_set_in_use(c, true);
    return c;
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                /* the request overflows any chunk */
    chunk_t *prev = NULL;
    chunk_t *c = find_fit(chunk_bytes, &prev);
    if (c == NULL) {
        if ((c = grow_heap(chunk_bytes)) == NULL)
            return NULL;                            /* the seam refused: the heap is unchanged */
        prev = list_prev(c);                        /* the grown chunk is last: a walk finds prev */
    }
    return chunk_to_mem(place(c, prev, chunk_bytes));
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
        list_remove(next, list_prev(next));
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
    bool list_sound;           /* the list lies in the heap and is sorted: the I4 merge walk is safe */
    chunk_t *listed;           /* during the memory walk: the next list entry not yet matched */
    bool prev_was_free;        /* during the memory walk: the chunk before was free */
};

/* One numbering in stages 3-5 (README.md): a label names the same invariant in every stage. */
static const char *const I0 = "I0 chunks tile the heap";
static const char *const I1 = "I1 header and footer sizes agree";
static const char *const I2 = "I2 every listed chunk is a free chunk of the heap";
static const char *const I3 = "I3 adjacent free chunks are coalesced";
static const char *const I4 = "I4 every free chunk is listed";
static const char *const I8 = "I8 the free list is sorted by address";

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

/* Per chunk in memory: I1, I3, and (when the list is sound) I2/I4 by walking the sorted list in
 * step with memory, as a merge does. */
static int check_chunk(chunk_t *c, void *arg)
{
    /* BEGIN SOLUTION */
    struct check *ck = arg;
    if (chunk_footer_size(c) != chunk_size(c))
        violation(ck, I1, c, "header says %zu bytes, footer says %zu", chunk_size(c), chunk_footer_size(c));
    if (ck->prev_was_free && chunk_is_free(c))
        violation(ck, I3, c, "is free and so is the chunk before it");
    ck->prev_was_free = chunk_is_free(c);
    if (ck->list_sound) {
        while (ck->listed != NULL && ck->listed < c) {
            violation(ck, I2, ck->listed, "is on the free list but is not the start of a chunk");
            ck->listed = chunk_next_free(ck->listed);
        }
        if (ck->listed == c)
            ck->listed = chunk_next_free(c);        /* listed, as it should be when free (I2) */
        else if (chunk_is_free(c))
            violation(ck, I4, c, "is free (%zu bytes) but not on the free list", chunk_size(c));
    }
    return 0;
    /* END SOLUTION */
}

/* I8 and I2 along the list. Every step must go up in memory, so the walk ends within the heap's
 * chunk count even on a corrupted list: a cycle shows up as a step backwards (I8). */
static void check_list(struct check *ck)
{
    /* BEGIN SOLUTION */
    ck->list_sound = true;
    chunk_t *prev = NULL;
    for (chunk_t *c = free_list; c != NULL; c = chunk_next_free(c)) {
        if (!in_heap(c)) {
            violation(ck, I2, c, "is on the free list but does not lie in the heap");
            ck->list_sound = false;
            return;                                 /* its link cannot be followed */
        }
        if (prev != NULL && c <= prev) {
            violation(ck, I8, c, "follows the chunk at offset 0x%zx on the list (a cycle if equal or lower)",
                      chunk_offset(os_heap_start(), prev));
            ck->list_sound = false;
            return;                                 /* a step back may loop forever: stop */
        }
        if (!chunk_is_free(c))
            violation(ck, I2, c, "is on the free list but its status bit says in use");
        prev = c;
    }
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
    check_list(&ck);
    ck.listed = free_list;
    struct heap_walk_report report;
    heap_walk(heap_start, heap_end, check_chunk, &ck, &report);
    if (report.tiling_broken) {
        violation(&ck, I0, report.first_bad, "has size %zu (%s)", chunk_size(report.first_bad),
                  report.tiling_what);
    } else if (ck.list_sound) {
        for (; ck.listed != NULL; ck.listed = chunk_next_free(ck.listed))
            violation(&ck, I2, ck.listed, "is on the free list but is not the start of a chunk");
    }
    return ck.violations;
    /* END SOLUTION */
}
