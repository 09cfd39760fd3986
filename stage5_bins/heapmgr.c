/* stage5_bins/heapmgr.c: the lecture's "Bins" DMMgr.
 *
 * Policy: best fit on an array of doubly linked free lists, the bins; a chunk that is too big is
 * split, its front handed out and its tail put in the bin of its size; free puts the chunk at the
 * front of its bin and coalesces it with its neighbours in memory, found through the boundary tags.
 * Adds over Doubly linked list: malloc no longer walks one list of every free chunk. bin[i] holds
 * the free chunks of exactly i units (16-byte units, header and footer included) for i < MAX_BIN,
 * so the request's size picks the list to look in, and a bitmap of non-empty bins picks the next
 * list when that one is empty: its head is the smallest free chunk that fits.
 * Going beyond the slide ("more elaborate binning schemes are common"): the slide's last bin, which
 * holds every chunk of MAX_BIN units and more, becomes size classes (each power of two split into
 * CLASSES_PER_DOUBLING ranges), where malloc takes the best fit among the first LARGE_SCAN_LIMIT
 * members; and the bitmap replaces the walk over empty bins. Both ideas are in Wilson et al.'s
 * survey (1995) and in TLSF (Masmano et al.).
 * Per-chunk overhead: a 16-byte header (size | status bit, next free) and a 16-byte footer (size,
 * prev free): the same 32 bytes as stages 3 and 4.
 * Cost:
 *     malloc  O(1)  one bin, or at most LARGE_SCAN_LIMIT members of a class, then at most
 *                   BITMAP_WORDS words of the bitmap
 *     free    O(1)  no walk: mark, look at both neighbours, link in at the front of a bin
 *     realloc O(1)  in place (shrink, or grow into the next chunk or the top of the heap), else
 *                   malloc + copy + free
 *
 * Algorithm (the lecture's slides; CS:APP 9.9 names the four coalescing cases):
 *   heapmgr_malloc
 *     1. Round the request up to a chunk: header + payload (whole 16-byte units) + footer.
 *     2. Look in the bin of its size (find_fit): an exact bin's head fits exactly; in a class take
 *        the best fit among its first LARGE_SCAN_LIMIT members. Nothing there: the bitmap gives
 *        the first non-empty bin above, and every chunk in it fits.
 *     3. None: a free last chunk (the one ending at the break) that fits is taken as it is, the
 *        break unmoved (it may sit in a class behind smaller members the scan never reached).
 *        Else grow the heap by what the free last chunk lacks (at least 1/2^GROW_SHIFT of the heap,
 *        rounded up to MIN_GROW_BYTES) and give the new chunk to the bins as free does (which
 *        coalesces it with a free last chunk): the chunk that comes back fits.
 *     4. Unlink the chunk. Too big: split it; the front becomes the used chunk and the tail goes
 *        into the bin of its size as a free chunk of its own.
 *   heapmgr_free
 *     1. Mark the chunk free.
 *     2. Coalesce: the chunk after it starts where its size says, the chunk before it ends where
 *        its footer says; each one that is free leaves its bin (O(1), through prev) and merges.
 *     3. Link the merged chunk in at the front of the bin of its new size.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md; a label means the same
 * invariant in stages 3, 4 and 5):
 *   I0 chunks tile the heap (I0 of common/chunk.h), and the break is where this stage left it
 *   I1 every chunk's header and footer give the same size
 *   I2 every chunk on a bin is a free chunk of the heap
 *   I3 adjacent free chunks are coalesced: no two free chunks are adjacent in memory
 *   I4 every free chunk in memory is on a bin
 *   I5 the links agree: each head's prev is NULL, and a->next->prev == a
 *   I6 no bin has a cycle (each ends in NULL)
 *   I7 each free chunk is listed exactly once: a bin holds as many entries as there are free chunks
 *      of its sizes in memory
 *   I9 every free chunk is in the bin of its size: bin_index of its units
 *   I10 the bitmap marks the non-empty bins
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "grow_mode.h"
#include "heapmgr.h"
#include "heapwalk.h"
#include "os.h"

/* ---- tunables (a student may change these) ------------------------------------------------- */

enum {
    MAX_BIN_LOG2 = 6,          /* exact bins for chunks under 2^6 = 64 units (1024 bytes) */
    CLASS_SPLIT_LOG2 = 3,      /* above that, each power of two of units splits into 2^3 size classes */
    LARGE_SCAN_LIMIT = 16,     /* members of a class list that find_fit compares for the best fit */
    MIN_GROW_BYTES = 1024,     /* the heap grows by what is missing, rounded up to a multiple of this, */
    GROW_SHIFT = 5,            /* and by at least 1/2^5 of its size: few system calls, at most 1/32 idle */
};

/* The layout of the bin array, derived from the tunables. */
enum {
    MAX_BIN = 1 << MAX_BIN_LOG2,
    CLASSES_PER_DOUBLING = 1 << CLASS_SPLIT_LOG2,
    UNITS_LOG2_LIMIT = 60,     /* every chunk has fewer than 2^60 units: its bytes fit in a ptrdiff_t */
    NUM_BINS = MAX_BIN + (UNITS_LOG2_LIMIT - MAX_BIN_LOG2) * CLASSES_PER_DOUBLING,
    BITMAP_WORDS = (NUM_BINS + 63) / 64,
};

_Static_assert((size_t)MIN_GROW_BYTES % CHUNK_UNIT == 0, "the heap grows by whole units");
_Static_assert((size_t)MIN_GROW_BYTES >= (size_t)CHUNK_MIN_BYTES, "a grow makes at least one chunk");
_Static_assert((MIN_GROW_BYTES & (MIN_GROW_BYTES - 1)) == 0, "grows are rounded up with a mask");
_Static_assert(MAX_BIN_LOG2 >= CLASS_SPLIT_LOG2, "a class is at least one unit wide");
_Static_assert(MAX_BIN > CHUNK_MIN_BYTES / CHUNK_UNIT, "the smallest chunk has an exact bin");
_Static_assert(PTRDIFF_MAX / CHUNK_UNIT < ((uint64_t)1 << UNITS_LOG2_LIMIT), "every size has a bin");
_Static_assert(sizeof(unsigned long long) == sizeof(uint64_t), "bitmap words are counted with ctzll");

/* ---- the heap and the bins ---------------------------------------------------------------- */

static chunk_t *heap_start;    /* the first chunk; NULL until the first grow */
static chunk_t *heap_end;      /* just past the last chunk */
static void *heap_break;       /* where this stage left the break: heap_end, or below it by the
                                  alignment pad before the first grow */
static chunk_t *bins[NUM_BINS];        /* free lists in no particular order, NULL-terminated; each
                                          head's prev is NULL. Bins 0-2 stay empty (< CHUNK_MIN) */
static uint64_t bitmap[BITMAP_WORDS];  /* bit i set exactly when bins[i] is non-empty */

/* The bin of a free chunk of this many units: itself below MAX_BIN, else its size class. */
static inline size_t bin_index(size_t units)
{
    /* BEGIN SOLUTION */
    if (units < MAX_BIN)
        return units;                               /* exact size */
    unsigned log2 = 63u - (unsigned)__builtin_clzll(units);
    size_t sub_class = (units >> (log2 - CLASS_SPLIT_LOG2)) & (CLASSES_PER_DOUBLING - 1);
    return MAX_BIN + (log2 - MAX_BIN_LOG2) * CLASSES_PER_DOUBLING + sub_class;
    /* END SOLUTION */
}

static void bitmap_set(size_t bin) { bitmap[bin / 64] |= (uint64_t)1 << (bin % 64); }
static void bitmap_clear(size_t bin) { bitmap[bin / 64] &= ~((uint64_t)1 << (bin % 64)); }
static bool bitmap_test(size_t bin) { return (bitmap[bin / 64] >> (bin % 64)) & 1; }

/* The first non-empty bin at or above from, or NUM_BINS: one word scan per 64 bins. */
static size_t next_nonempty_bin(size_t from)
{
    /* BEGIN SOLUTION */
    size_t word = from / 64;
    if (word >= BITMAP_WORDS)
        return NUM_BINS;
    uint64_t bits = bitmap[word] & (~(uint64_t)0 << (from % 64));  /* drop the bins below from */
    while (bits == 0) {
        if (++word == BITMAP_WORDS)
            return NUM_BINS;
        bits = bitmap[word];
    }
    return word * 64 + (size_t)__builtin_ctzll(bits);
    /* END SOLUTION */
}

/* Links c in at the front of the bin of its size: O(1), a bin keeps no order. */
static inline void list_insert(chunk_t *c)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index(chunk_units(c));
    chunk_set_next_free(c, bins[bin]);
    chunk_set_prev_free(c, NULL);
    if (bins[bin] != NULL)
        chunk_set_prev_free(bins[bin], c);
    else
        bitmap_set(bin);                            /* the bin was empty */
    bins[bin] = c;
    /* END SOLUTION */
}

/* Unlinks c from its bin: O(1), because its footer names the chunk before it on the list. Call it
 * while c still has the size it was linked in with. */
static inline void list_remove(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = chunk_prev_free(c);
    chunk_t *next = chunk_next_free(c);
    if (prev == NULL) {
        size_t bin = bin_index(chunk_units(c));     /* c was the head */
        bins[bin] = next;
        if (next == NULL)
            bitmap_clear(bin);                      /* the bin is empty now */
    } else
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

/* Gives the chunk c (marked in use) back to the bins: the body of heapmgr_free. Returns the
 * chunk it is now part of, on its bin. */
static inline chunk_t *free_chunk(chunk_t *c)
{
    /* BEGIN SOLUTION */
    chunk_set_in_use(c, false);
    /* merge first, then link in once: the merged chunk's size picks the bin, and its footer (and
     * with it the prev link) lies at its new end */
    c = coalesce(c);
    list_insert(c);
    return c;
    /* END SOLUTION */
}

/* The free chunk that ends at the break, or NULL when the heap is empty or its last chunk in use. */
static chunk_t *last_free_chunk(void)
{
    /* BEGIN SOLUTION */
    if (heap_start == heap_end)
        return NULL;
    chunk_t *last = chunk_prev_in_mem(heap_end);
    return chunk_is_free(last) ? last : NULL;
    /* END SOLUTION */
}

/* Moves the break up by what a chunk of chunk_bytes still lacks beyond a free last chunk, by at
 * least 1/2^GROW_SHIFT of the heap, rounded up to MIN_GROW_BYTES, and frees the new memory as one
 * chunk, as K&R's morecore does: free_chunk puts it in its bin and merges it with a free last chunk.
 * Returns that free chunk, which fits chunk_bytes (CS:APP's extend_heap returns it the same way),
 * or the free last chunk alone when it fits already; NULL, with the heap unchanged, when the seam
 * refuses. */
static chunk_t *grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    chunk_t *last = last_free_chunk();
    size_t last_bytes = last != NULL ? chunk_size(last) : 0;
    if (last_bytes >= chunk_bytes)
        return last;                                /* it fits: a bounded class scan passed it by */
    size_t grow_bytes = chunk_bytes - last_bytes;
    if (grow_exact()) {
        /* the lecture's pictures (grow_mode.h): exactly what is missing, but a whole chunk */
        if (grow_bytes < CHUNK_MIN_BYTES)
            grow_bytes = CHUNK_MIN_BYTES;
    } else {
        size_t share_bytes = chunk_offset(heap_start, heap_end) >> GROW_SHIFT;
        if (grow_bytes < share_bytes)
            grow_bytes = share_bytes;               /* a big heap grows in bigger steps */
        grow_bytes = (grow_bytes + MIN_GROW_BYTES - 1) & ~(size_t)(MIN_GROW_BYTES - 1);
    }
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

/* The best fit among the first LARGE_SCAN_LIMIT members of class bin (an exact fit ends the scan). */
static chunk_t *best_in_class(size_t bin, size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    chunk_t *best = NULL;
    size_t best_bytes = SIZE_MAX;
    int looked = 0;
    for (chunk_t *c = bins[bin]; c != NULL && looked < LARGE_SCAN_LIMIT; c = chunk_next_free(c)) {
        size_t bytes = chunk_size(c);
        looked++;
        if (bytes < chunk_bytes || bytes >= best_bytes)
            continue;                               /* too small, or no better */
        best = c;
        best_bytes = bytes;
        if (bytes == chunk_bytes)
            break;                                  /* exactly */
    }
    return best;
    /* END SOLUTION */
}

/* Best fit: a chunk on the bins with at least chunk_bytes, or NULL. */
static inline chunk_t *find_fit(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    size_t bin = bin_index(chunk_bytes_to_units(chunk_bytes));
    if (bin < MAX_BIN) {
        if (bins[bin] != NULL)
            return bins[bin];                       /* exactly the size asked for */
    } else {
        chunk_t *best = best_in_class(bin, chunk_bytes);
        if (best != NULL)
            return best;
    }
    size_t above = next_nonempty_bin(bin + 1);      /* every chunk there is bigger */
    return above < NUM_BINS ? bins[above] : NULL;
    /* END SOLUTION */
}

/* Cuts the used chunk c down to chunk_bytes at the front and puts the tail in its bin. The tail
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
        return split(c, chunk_bytes);               /* too big: use the front, bin the tail */
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
    if (next == heap_end || (chunk_is_free(next) && chunk_next_in_mem(next) == heap_end)) {
        /* c is the last chunk, or only a free chunk lies between it and the break: grow the heap
         * under it; the free chunk that comes back starts right after c. No copy either. */
        chunk_t *top = grow_heap(chunk_bytes - chunk_size(c));
        if (top != NULL) {
            list_remove(top);
            chunk_merge_with_next(c);
            shrink(c, chunk_bytes);
            return mem;
        }
    }
    return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------------ */

struct check {
    int violations;
    size_t free_in_bin[NUM_BINS];      /* free chunks of each bin's sizes met by the memory walk (I7) */
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
static const char *const I9 = "I9 every free chunk is in the bin of its size";
static const char *const I10 = "I10 the bitmap marks the non-empty bins";

/* Prints one violation as "heapmgr_check: <invariant>: chunk at offset 0x... <details>" and counts it.
 * A violation of a bin rather than of a chunk (at is NULL) names the bin in its details alone. */
__attribute__((format(printf, 4, 5)))
static void violation(struct check *ck, const char *invariant, const void *at, const char *details, ...)
{
    const void *start = os_heap_start();
    if (at == NULL)
        fprintf(stderr, "heapmgr_check: %s: ", invariant);
    else if (at >= start && at <= (const void *)heap_end)
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

/* Per chunk in memory: I1, I3, and I4 through the links. A free chunk is on its bin when it is the
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
        size_t bin = bin_index(chunk_units(c));
        ck->free_in_bin[bin]++;
        chunk_t *prev = chunk_prev_free(c);
        bool linked = c == bins[bin] ||
                      (prev != NULL && in_heap(prev) && chunk_is_free(prev) && chunk_next_free(prev) == c);
        if (!linked)
            violation(ck, I4, c, "is free (%zu bytes) but is not the head of bin %zu and no chunk on a bin "
                      "links to it", chunk_size(c), bin);
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

/* I2, I5, I6, I7 and I9 along one bin. The walk stops after as many entries as there are free chunks
 * of the bin's sizes in memory, so it ends even on a cycle; each entry is checked once. */
static void check_list(struct check *ck, size_t bin, bool tiling_intact)
{
    /* BEGIN SOLUTION */
    char want[64], got[64];
    chunk_t *cycle = list_cycle(bins[bin]);
    if (cycle != NULL)
        violation(ck, I6, cycle, "is on a cycle of bin %zu", bin);
    size_t entries = 0;
    chunk_t *prev = NULL;
    chunk_t *c;
    for (c = bins[bin]; c != NULL; prev = c, c = chunk_next_free(c)) {
        if (!in_heap(c)) {
            violation(ck, I2, c, "is on bin %zu but does not lie in the heap", bin);
            return;                                 /* its links cannot be read */
        }
        if (!chunk_lies_within(c, heap_start, heap_end)) {
            violation(ck, I2, c, "is on bin %zu but its size (%zu bytes) runs past the heap end", bin,
                      chunk_size(c));
            return;                                 /* its footer, and the prev link, cannot be read */
        }
        if (bin_index(chunk_units(c)) != bin)       /* before the count: here such a chunk is surplus */
            violation(ck, I9, c, "(%zu units) is on bin %zu, not on bin %zu", chunk_units(c), bin,
                      bin_index(chunk_units(c)));
        if (entries == ck->free_in_bin[bin]) {
            if (cycle == NULL && tiling_intact)     /* else the count of free chunks is partial */
                violation(ck, I7, c, "is entry %zu on bin %zu, but memory holds only %zu free chunks of its "
                          "sizes", entries + 1, bin, ck->free_in_bin[bin]);
            return;                                 /* the rest was seen already, or is surplus */
        }
        entries++;
        if (!chunk_is_free(c))
            violation(ck, I2, c, "is on bin %zu but its status bit says in use", bin);
        else if (!starts_a_chunk(c))
            violation(ck, I2, c, "is on bin %zu but is not the start of a chunk", bin);
        if (chunk_prev_free(c) != prev)
            violation(ck, I5, c, "has prev link %s, but the entry before it on bin %zu is %s",
                      link_text(chunk_prev_free(c), got, sizeof got), bin,
                      link_text(prev, want, sizeof want));
    }
    if (tiling_intact && entries != ck->free_in_bin[bin])
        violation(ck, I7, NULL, "bin %zu holds %zu chunks, but memory holds %zu free chunks of its sizes",
                  bin, entries, ck->free_in_bin[bin]);
    /* END SOLUTION */
}

/* I10: bit i of the bitmap is set exactly when bin i is non-empty; bits past the last bin stay clear.
 * O(bins). */
static void check_bitmap(struct check *ck)
{
    /* BEGIN SOLUTION */
    for (size_t bin = 0; bin < NUM_BINS; bin++) {
        if (bins[bin] != NULL && !bitmap_test(bin))
            violation(ck, I10, bins[bin], "heads bin %zu, but the bin's bit is clear", bin);
        else if (bins[bin] == NULL && bitmap_test(bin))
            violation(ck, I10, NULL, "bin %zu is empty, but its bit is set", bin);
    }
    if (NUM_BINS % 64 != 0 && (bitmap[BITMAP_WORDS - 1] >> (NUM_BINS % 64)) != 0)
        violation(ck, I10, NULL, "bits are set past the last bin (%d)", NUM_BINS - 1);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    struct check ck = {0};
    if (heap_start == NULL) {
        for (size_t bin = 0; bin < NUM_BINS; bin++)
            if (bins[bin] != NULL)
                violation(&ck, I2, bins[bin], "is on bin %zu but the heap is empty", bin);
        check_bitmap(&ck);
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
    for (size_t bin = 0; bin < NUM_BINS; bin++)
        check_list(&ck, bin, !report.tiling_broken);
    check_bitmap(&ck);
    return ck.violations;
    /* END SOLUTION */
}
