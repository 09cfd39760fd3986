/* BUG: list_insert links the new chunk to the head of the list instead of to its successor, so every
 *      insert past the head closes a cycle (head ... prev -> c -> head) and a search that finds no fit
 *      loops forever.
 * STAGE: 3
 * EXPECT: some:workload.*@timeout
 * TIMEOUT: 0.2 (it hangs in most tests: a short limit keeps its grading short)
 *
 * A member of the grader's zoo (tests/zoo/README.md): the reference stage3_list/heapmgr.c
 * with exactly this one bug, marked "ZOO BUG" below. tests/suites/35-zoo asserts the grader catches it.
 */
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
 *     3. None: grow the heap by at least MIN_GROW_BYTES, give the new chunk to the list as free
 *        does (which coalesces it with a free last chunk), and search again.
 *     4. Too big: split it; the tail end becomes the used chunk and the front stays where it is on
 *        the list with a smaller size, so no link changes. Otherwise unlink the whole chunk.
 *   heapmgr_free
 *     1. Mark the chunk free.
 *     2. Walk the list to the first free chunk above it and link it in before that one.
 *     3. Coalesce: because the list is sorted, the chunks before and after it in memory, when
 *        free, are exactly its neighbours on the list.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md):
 *   L1 chunks tile the heap (I0 of common/chunk.h), and the break is where this stage left it
 *   L2 every chunk's header and footer give the same size
 *   L3 the free list is sorted by address (so it has no cycle and ends in NULL)
 *   L4 every chunk on the free list is a free chunk of the heap
 *   L5 every free chunk in memory is on the free list
 *   L6 no two free chunks are adjacent in memory (free coalesces)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
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
static chunk_t *list_insert(chunk_t *c)
{
    chunk_t *prev = NULL;
    chunk_t *next = free_list;
    while (next != NULL && next < c) {
        prev = next;
        next = chunk_next_free(next);
    }
    chunk_set_next_free(c, free_list);              /* ZOO BUG: the head, not next */
    if (prev == NULL)
        free_list = c;                              /* c is the lowest free chunk: new head */
    else
        chunk_set_next_free(prev, c);
    return prev;
}

/* Unlinks c, whose predecessor on the list is prev (NULL when c is the head). A singly linked list
 * cannot find prev by itself: the caller has it from its own walk. */
static void list_remove(chunk_t *c, chunk_t *prev)
{
    if (prev == NULL)
        free_list = chunk_next_free(c);
    else
        chunk_set_next_free(prev, chunk_next_free(c));
}

/* The chunk before c on the list (NULL when c is the head): a walk, O(n). */
static chunk_t *list_prev(const chunk_t *c)
{
    chunk_t *prev = NULL;
    for (chunk_t *p = free_list; p != c; p = chunk_next_free(p))
        prev = p;
    return prev;
}

/* Merges the free chunk c, just linked in after prev, with its neighbours in memory when they are
 * free. The list is sorted, so those neighbours can only be c's neighbours on the list: one address
 * comparison each decides. The two tests together cover the four cases that stage 4 names
 * (neither, next, previous, both). Returns the chunk that now holds c. */
static chunk_t *coalesce(chunk_t *c, chunk_t *prev)
{
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
}

/* Gives the chunk c (marked in use) back to the free list: the body of heapmgr_free. */
static void free_chunk(chunk_t *c)
{
    chunk_set_in_use(c, false);
    chunk_t *prev = list_insert(c);
    coalesce(c, prev);
}

/* Moves the break up by max(chunk_bytes, MIN_GROW_BYTES) and frees the new memory as one chunk, as
 * K&R's morecore does: free_chunk puts it on the list and merges it with a free last chunk.
 * Returns false, with the heap unchanged, when the seam refuses. */
static bool grow_heap(size_t chunk_bytes)
{
    size_t grow_bytes = chunk_bytes > MIN_GROW_BYTES ? chunk_bytes : MIN_GROW_BYTES;
    if (heap_start == NULL) {
        /* The first grow: the heap begins at the first 16-byte aligned address at or after the
         * break. The simulated break is page aligned; a real one need not be. */
        void *first_break = os_sbrk(0);
        if (first_break == (void *)-1)
            return false;
        heap_break = first_break;
        heap_start = heap_end = chunk_at(chunk_align_up(first_break));
    }
    /* Before the first successful grow the break may still lie below heap_end: move it over that
     * pad too. Afterwards the pad is 0. */
    size_t pad_bytes = chunk_offset(heap_break, heap_end);
    if (grow_bytes > PTRDIFF_MAX - pad_bytes)
        return false;                               /* too big to ask for */
    intptr_t increment = (intptr_t)(pad_bytes + grow_bytes);
    void *old_break = os_sbrk(increment);
    if (old_break == (void *)-1)
        return false;                               /* out of memory: nothing changed */
    if (old_break != heap_break) {
        /* Someone else moved the break since our last grow (a program calling sbrk itself, under
         * LD_PRELOAD). Our new memory would not start at heap_end, and a chunk spanning their bytes
         * would break L1. Chosen answer: give the bytes back and fail this malloc; the heap stays
         * as it was. An empty heap may start afresh at the new break on the next grow. */
        os_sbrk(-increment);
        if (heap_end == heap_start)
            heap_start = NULL;
        return false;
    }
    chunk_t *c = heap_end;
    chunk_set_header(c, grow_bytes, true);
    chunk_write_footer(c);
    heap_end = chunk_next_in_mem(c);
    heap_break = heap_end;
    free_chunk(c);
    return true;
}

/* First fit: the first chunk on the list with at least chunk_bytes, or NULL. Its predecessor on
 * the list goes to *prev_out, for an unlink without a second walk. */
static chunk_t *find_fit(size_t chunk_bytes, chunk_t **prev_out)
{
    chunk_t *prev = NULL;
    for (chunk_t *c = free_list; c != NULL; c = chunk_next_free(c)) {
        if (chunk_size(c) >= chunk_bytes) {
            *prev_out = prev;
            return c;
        }
        prev = c;
    }
    return NULL;
}

/* Cuts chunk_bytes off the tail end of the free chunk c and returns that tail, in use. The front
 * keeps c's address, so it stays on the list exactly where it was (K&R: "allocate tail end"). */
static chunk_t *split(chunk_t *c, size_t chunk_bytes)
{
    return chunk_split(c, chunk_size(c) - chunk_bytes, false, true);
}

/* Turns the free chunk c (prev before it on the list) into a used chunk of at least chunk_bytes. */
static chunk_t *place(chunk_t *c, chunk_t *prev, size_t chunk_bytes)
{
    if (chunk_size(c) - chunk_bytes >= CHUNK_MIN_BYTES)
        return split(c, chunk_bytes);               /* too big: hand out the tail end */
    /* exactly, or a remainder too small to be a chunk of its own: the whole chunk goes */
    list_remove(c, prev);
    chunk_set_in_use(c, true);
    return c;
}

void *heapmgr_malloc(size_t req_bytes)
{
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                /* the request overflows any chunk */
    chunk_t *prev = NULL;
    chunk_t *c = find_fit(chunk_bytes, &prev);
    if (c == NULL) {
        if (!grow_heap(chunk_bytes))
            return NULL;
        /* search again: the grown chunk is last on the list and is the only one that fits */
        c = find_fit(chunk_bytes, &prev);
    }
    return chunk_to_mem(place(c, prev, chunk_bytes));
}

void heapmgr_free(void *mem)
{
    if (mem == NULL)
        return;
    free_chunk(chunk_from_mem(mem));
}

/* Cuts the used chunk c down to chunk_bytes when the rest is big enough to be a chunk; the rest is
 * freed, which coalesces it with a free chunk after it. */
static void shrink(chunk_t *c, size_t chunk_bytes)
{
    if (chunk_size(c) - chunk_bytes < CHUNK_MIN_BYTES)
        return;                                     /* too little to be worth a chunk: keep it */
    chunk_t *tail = chunk_split(c, chunk_bytes, true, true);
    free_chunk(tail);
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
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
}

/* ---- the checker ------------------------------------------------------------------------------ */

struct check {
    int violations;
    bool list_sound;           /* the list lies in the heap and is sorted: the L5 merge walk is safe */
    chunk_t *listed;           /* during the memory walk: the next list entry not yet matched */
    bool prev_was_free;        /* during the memory walk: the chunk before was free */
};

static const char *const L1 = "L1 chunks tile the heap";
static const char *const L2 = "L2 header and footer sizes agree";
static const char *const L3 = "L3 the free list is sorted by address";
static const char *const L4 = "L4 every chunk on the free list is a free chunk of the heap";
static const char *const L5 = "L5 every free chunk is on the free list";
static const char *const L6 = "L6 no two free chunks are adjacent";

/* Prints one violation as "heapmgr_check: <invariant>: chunk at offset 0x... <details>" and counts it. */
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
    return chunk_is_aligned(c) && c >= heap_start && c < heap_end;
}

/* Per chunk in memory: L2, L6, and (when the list is sound) L4/L5 by walking the sorted list in
 * step with memory, as a merge does. */
static int check_chunk(chunk_t *c, void *arg)
{
    struct check *ck = arg;
    if (chunk_footer_size(c) != chunk_size(c))
        violation(ck, L2, c, "header says %zu bytes, footer says %zu", chunk_size(c), chunk_footer_size(c));
    if (ck->prev_was_free && chunk_is_free(c))
        violation(ck, L6, c, "is free and so is the chunk before it");
    ck->prev_was_free = chunk_is_free(c);
    if (ck->list_sound) {
        while (ck->listed != NULL && ck->listed < c) {
            violation(ck, L4, ck->listed, "is on the free list but is not the start of a chunk");
            ck->listed = chunk_next_free(ck->listed);
        }
        if (ck->listed == c)
            ck->listed = chunk_next_free(c);        /* listed, as it should be when free (L4) */
        else if (chunk_is_free(c))
            violation(ck, L5, c, "is free (%zu bytes) but not on the free list", chunk_size(c));
    }
    return 0;
}

/* L3 and L4 along the list. Every step must go up in memory, so the walk ends within the heap's
 * chunk count even on a corrupted list: a cycle shows up as a step backwards (L3). */
static void check_list(struct check *ck)
{
    ck->list_sound = true;
    chunk_t *prev = NULL;
    for (chunk_t *c = free_list; c != NULL; c = chunk_next_free(c)) {
        if (!in_heap(c)) {
            violation(ck, L4, c, "is on the free list but does not lie in the heap");
            ck->list_sound = false;
            return;                                 /* its link cannot be followed */
        }
        if (prev != NULL && c <= prev) {
            violation(ck, L3, c, "follows the chunk at offset 0x%zx on the list (a cycle if equal or lower)",
                      chunk_offset(os_heap_start(), prev));
            ck->list_sound = false;
            return;                                 /* a step back may loop forever: stop */
        }
        if (!chunk_is_free(c))
            violation(ck, L4, c, "is on the free list but its status bit says in use");
        prev = c;
    }
}

/* The heap walk words its problems as "I0 chunks tile the heap: <what>": keep just <what>. */
static const char *walk_problem(const char *problem)
{
    const char *what = strstr(problem, ": ");
    return what != NULL ? what + 2 : problem;
}

int heapmgr_check(void)
{
    struct check ck = {0};
    if (heap_start == NULL) {
        if (free_list != NULL)
            violation(&ck, L4, free_list, "is on the free list but the heap is empty");
        return ck.violations;
    }
    if (os_heap_end() != heap_break)
        violation(&ck, L1, heap_end, "is where the heap ends, but the break is at offset 0x%zx",
                  chunk_offset(os_heap_start(), os_heap_end()));
    check_list(&ck);
    ck.listed = free_list;
    struct heap_walk_report report;
    heap_walk(heap_start, heap_end, check_chunk, &ck, &report);
    if (report.tiling_broken) {
        violation(&ck, L1, report.first_bad, "has size %zu (%s)", chunk_size(report.first_bad),
                  walk_problem(report.tiling_problem));
    } else if (ck.list_sound) {
        for (; ck.listed != NULL; ck.listed = chunk_next_free(ck.listed))
            violation(&ck, L4, ck.listed, "is on the free list but is not the start of a chunk");
    }
    return ck.violations;
}
