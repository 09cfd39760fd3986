/* BUG: free picks the bin by the chunk's size before coalescing and links the merged chunk there, so a
 *      merged chunk sits on the list of a smaller size (and a later unlink of it as a head empties the
 *      wrong bin).
 * STAGE: 5
 * EXPECT: lecture.right_bin
 *
 * A member of the grader's zoo (tests/zoo/README.md): the reference stage5_bins/heapmgr.c
 * with exactly this one bug, marked "ZOO BUG" below. tests/suites/35-zoo asserts the grader catches it.
 */
/* stage5_bins/heapmgr.c: the lecture's "Bins" DMMgr.
 *
 * Policy: best fit. The free chunks are kept in an array of doubly linked lists, the bins: bin[i]
 * holds the free chunks of exactly i units (16-byte units, header and footer included) for
 * i < MAX_BIN, so a small malloc takes the head of its own bin or of the first non-empty bin above
 * it, which is the smallest free chunk that fits. Larger chunks go into size classes (each power of
 * two split into CLASSES_PER_DOUBLING ranges); there malloc takes the best fit among the first
 * LARGE_SCAN_LIMIT members of the class.
 * Adds over the doubly linked list (stage 4): malloc no longer walks one list of every free chunk.
 * The request's size picks the list to look in, and a bitmap of non-empty bins picks the next list
 * when that one is empty. free keeps stage 4's boundary tags and stays O(1).
 * Going beyond the slide ("more elaborate binning schemes are common"): the slide's last bin, which
 * holds every chunk of MAX_BIN units and more, becomes size classes, so a heap with many large free
 * chunks does not turn malloc back into a walk of one long list; and the bitmap replaces the walk
 * over empty bins. Both ideas are in Wilson et al.'s survey (1995) and in TLSF (Masmano et al.).
 * Per-chunk overhead: 32 bytes (16-byte header, 16-byte footer) plus rounding the payload up to
 * 16 bytes; a free chunk keeps its links in the header and footer, so the smallest chunk is 48 bytes.
 * Cost:   malloc  O(1): one bin, or a scan of at most LARGE_SCAN_LIMIT members, then one bitmap
 *                 search of at most BITMAP_WORDS words; a grow of the heap when nothing fits
 *         free    O(1): boundary-tag coalescing and an insert at the front of a bin
 *         realloc O(1) in place (shrink, or grow into the next chunk or the top of the heap),
 *                 else malloc + copy + free
 *
 * Algorithm (heapmgr_malloc):
 *   1. Round the request up to whole units and add header and footer: chunk_bytes.
 *   2. find_fit in bin_index(units): an exact bin's head fits exactly; in a class bin take the best
 *      fit among the first LARGE_SCAN_LIMIT members.
 *   3. Nothing there: the bitmap gives the first non-empty bin above; every chunk in it is larger
 *      than the request, so its head fits (the best fit when the bin is an exact one).
 *   4. Nothing anywhere: grow_heap moves the break by what is missing (at least 1/2^GROW_SHIFT of
 *      the heap, rounded up to MIN_GROW_BYTES) and coalesces the new memory with a free last chunk.
 *   5. split: use the front; a tail of at least CHUNK_MIN_BYTES goes into its bin.
 * Algorithm (heapmgr_free):
 *   1. Clear the status bit.
 *   2. coalesce with the next and the previous chunk in memory when they are free, taking them off
 *      their bins (found in O(1) through the header's size and the footer before the chunk).
 *   3. list_insert the result at the front of the bin of its new size.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md):
 *   B1 chunks tile the heap       B2 header and footer agree      B3 no two free chunks are adjacent
 *   B4 every bin member is a free chunk of the heap                B5 every free chunk is in its bin
 *   B6 next and prev agree         B7 no bin list has a cycle
 *   B8 every free chunk in memory is on exactly one bin            B9 the bitmap marks the non-empty bins
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

/* ---- constants a student may tune ------------------------------------------------------------------ */
enum {
    MAX_BIN_LOG2 = 6,          /* exact bins for chunks under 2^6 = 64 units (1024 bytes) */
    CLASS_SPLIT_LOG2 = 3,      /* above that, each power of two of units splits into 2^3 size classes */
    LARGE_SCAN_LIMIT = 16,     /* members of a class list that find_fit compares for the best fit */
    MIN_GROW_BYTES = 1024,     /* the heap grows by what is missing, rounded up to a multiple of this, */
    GROW_SHIFT = 5,            /* and by at least 1/2^5 of its size: few system calls, at most 1/32 idle */
};

/* ---- derived layout of the bin array ----------------------------------------------------------- */
enum {
    MAX_BIN = 1 << MAX_BIN_LOG2,
    CLASSES_PER_DOUBLING = 1 << CLASS_SPLIT_LOG2,
    UNITS_LOG2_LIMIT = 60,     /* every chunk has fewer than 2^60 units: its bytes fit in a ptrdiff_t */
    NUM_BINS = MAX_BIN + (UNITS_LOG2_LIMIT - MAX_BIN_LOG2) * CLASSES_PER_DOUBLING,
    BITMAP_WORDS = (NUM_BINS + 63) / 64,
};

_Static_assert(MAX_BIN_LOG2 >= CLASS_SPLIT_LOG2, "a class is at least one unit wide");
_Static_assert(MAX_BIN > CHUNK_MIN_BYTES / CHUNK_UNIT, "the smallest chunk has an exact bin");
_Static_assert((MIN_GROW_BYTES & (MIN_GROW_BYTES - 1)) == 0 && MIN_GROW_BYTES >= (int)CHUNK_MIN_BYTES,
               "the heap grows in whole chunks");
_Static_assert(PTRDIFF_MAX / CHUNK_UNIT < ((uint64_t)1 << UNITS_LOG2_LIMIT), "every size has a bin");
_Static_assert(sizeof(unsigned long long) == sizeof(uint64_t), "bitmap words are counted with ctzll");

/* ---- the stage's state: the heap's bounds, the bins, the bitmap --------------------------------- */
static chunk_t *heap_lo;       /* the first chunk: the first aligned address of the heap */
static chunk_t *heap_hi;       /* one past the last chunk: the break as this stage last set it */
static chunk_t *bins[NUM_BINS];        /* heads of the free lists; bins 0-2 stay empty (< CHUNK_MIN) */
static uint64_t bitmap[BITMAP_WORDS];  /* bit i set exactly when bins[i] is non-empty */

/* The bin of a free chunk of this many units: itself below MAX_BIN, else its size class. */
static inline size_t bin_index(size_t units)
{
    if (units < MAX_BIN)
        return units;                                       /* exact size */
    unsigned log2 = 63u - (unsigned)__builtin_clzll(units);
    size_t sub_class = (units >> (log2 - CLASS_SPLIT_LOG2)) & (CLASSES_PER_DOUBLING - 1);
    return MAX_BIN + (log2 - MAX_BIN_LOG2) * CLASSES_PER_DOUBLING + sub_class;
}

static void bitmap_set(size_t bin) { bitmap[bin / 64] |= (uint64_t)1 << (bin % 64); }
static void bitmap_clear(size_t bin) { bitmap[bin / 64] &= ~((uint64_t)1 << (bin % 64)); }
static bool bitmap_test(size_t bin) { return (bitmap[bin / 64] >> (bin % 64)) & 1; }

/* The first non-empty bin at or above from, or NUM_BINS: one word scan per 64 bins. */
static size_t next_nonempty_bin(size_t from)
{
    size_t word = from / 64;
    if (word >= BITMAP_WORDS)
        return NUM_BINS;
    uint64_t bits = bitmap[word] & (~(uint64_t)0 << (from % 64));   /* drop the bins below from */
    while (bits == 0) {
        if (++word == BITMAP_WORDS)
            return NUM_BINS;
        bits = bitmap[word];
    }
    return word * 64 + (size_t)__builtin_ctzll(bits);
}

/* ---- the bins: doubly linked lists, next in the header and prev in the footer ---------------------- */

/* Puts free chunk c at the front of the bin of its size. */
static inline void list_insert(chunk_t *c)
{
    size_t bin = bin_index(chunk_units(c));
    chunk_t *head = bins[bin];
    chunk_set_next_free(c, head);
    chunk_set_prev_free(c, NULL);
    if (head != NULL)
        chunk_set_prev_free(head, c);
    else
        bitmap_set(bin);                                    /* the bin was empty */
    bins[bin] = c;
}

/* Takes free chunk c off its bin; call it while c still has the size it was inserted with. */
static inline void list_remove(chunk_t *c)
{
    chunk_t *prev = chunk_prev_free(c), *next = chunk_next_free(c);
    if (next != NULL)
        chunk_set_prev_free(next, prev);
    if (prev != NULL) {
        chunk_set_next_free(prev, next);                    /* in the middle or at the end */
        return;
    }
    size_t bin = bin_index(chunk_units(c));                 /* c was the head */
    bins[bin] = next;
    if (next == NULL)
        bitmap_clear(bin);                                  /* the bin is empty now */
}

/* ---- growing the heap ----------------------------------------------------------------------------- */

/* The free chunk that ends at the break, or NULL when the heap is empty or its last chunk in use. */
static chunk_t *last_free_chunk(void)
{
    if (heap_lo == heap_hi)
        return NULL;
    chunk_t *last = chunk_prev_in_mem(heap_hi);
    return chunk_is_free(last) ? last : NULL;
}

/* Moves the break up by grow_bytes and makes the new memory one free chunk (on no list); NULL, with
 * nothing changed, when the seam refuses. The first call steps once over an unaligned first break. */
static chunk_t *extend_break(size_t grow_bytes)
{
    if (heap_hi == NULL) {
        void *first_break = os_sbrk(0);
        if (first_break == (void *)-1)
            return NULL;
        void *aligned = chunk_align_up(first_break);
        if (aligned != first_break && os_brk(aligned) == -1)
            return NULL;
        heap_lo = heap_hi = chunk_at(aligned);
    }
    void *old_break = os_sbrk((intptr_t)grow_bytes);
    if (old_break == (void *)-1)
        return NULL;
    if (old_break != (void *)heap_hi) {
        os_sbrk(-(intptr_t)grow_bytes);                     /* someone else moved the break: no tiling */
        return NULL;
    }
    chunk_t *fresh = heap_hi;
    chunk_set_header(fresh, grow_bytes, false);
    chunk_write_footer(fresh);
    heap_hi = chunk_next_in_mem(fresh);
    return fresh;
}

/* Returns a free chunk of at least chunk_bytes at the top of the heap, on no list: the free last
 * chunk (if any) extended by what is missing, or by 1/2^GROW_SHIFT of the heap when that is more,
 * rounded up to MIN_GROW_BYTES. NULL when the seam refuses. */
static chunk_t *grow_heap(size_t chunk_bytes)
{
    chunk_t *last = last_free_chunk();
    size_t have_bytes = last != NULL ? chunk_size(last) : 0;
    if (have_bytes >= chunk_bytes) {
        list_remove(last);                                  /* a bounded class scan passed it by */
        return last;
    }
    size_t missing_bytes = chunk_bytes - have_bytes;
    size_t share_bytes = heap_lo == heap_hi ? 0 : chunk_offset(heap_lo, heap_hi) >> GROW_SHIFT;
    if (missing_bytes < share_bytes)
        missing_bytes = share_bytes;                        /* a big heap grows in bigger steps */
    if (missing_bytes > PTRDIFF_MAX - MIN_GROW_BYTES)
        return NULL;                                        /* more than any heap can hold */
    size_t grow_bytes = (missing_bytes + MIN_GROW_BYTES - 1) & ~(size_t)(MIN_GROW_BYTES - 1);
    chunk_t *fresh = extend_break(grow_bytes);
    if (fresh == NULL)
        return NULL;
    if (last == NULL)
        return fresh;
    list_remove(last);                                      /* coalesce with the free last chunk */
    chunk_merge_with_next(last);
    return last;
}

/* ---- placing a request ------------------------------------------------------------------------------ */

/* The best fit among the first LARGE_SCAN_LIMIT members of class bin (an exact fit ends the scan). */
static chunk_t *best_in_class(size_t bin, size_t chunk_bytes)
{
    chunk_t *best = NULL;
    size_t best_bytes = SIZE_MAX;
    int looked = 0;
    for (chunk_t *c = bins[bin]; c != NULL && looked < LARGE_SCAN_LIMIT; c = chunk_next_free(c)) {
        size_t bytes = chunk_size(c);
        looked++;
        if (bytes < chunk_bytes || bytes >= best_bytes)
            continue;                                       /* too small, or no better */
        best = c;
        best_bytes = bytes;
        if (bytes == chunk_bytes)
            break;                                          /* exactly */
    }
    return best;
}

/* A free chunk of at least chunk_bytes, still on its bin, or NULL when no bin holds one. */
static inline chunk_t *find_fit(size_t chunk_bytes)
{
    size_t bin = bin_index(chunk_bytes_to_units(chunk_bytes));
    if (bin < MAX_BIN) {
        if (bins[bin] != NULL)
            return bins[bin];                               /* exactly the size asked for */
    } else {
        chunk_t *best = best_in_class(bin, chunk_bytes);
        if (best != NULL)
            return best;
    }
    size_t above = next_nonempty_bin(bin + 1);              /* every chunk there is bigger */
    return above < NUM_BINS ? bins[above] : NULL;
}

/* Marks free chunk c (on no list) in use with chunk_bytes at its front; a tail that can be a chunk
 * goes into its bin. The tail has no free neighbour: c came from a bin (its next chunk is in use,
 * B3) or from the top of the heap. */
static inline void split(chunk_t *c, size_t chunk_bytes)
{
    if (chunk_size(c) - chunk_bytes < CHUNK_MIN_BYTES) {
        chunk_set_in_use(c, true);                          /* use it whole: the rest is too small */
        return;
    }
    list_insert(chunk_split(c, chunk_bytes, true, false));  /* allocate the front, free the tail */
}

/* Merges free chunk c (on no list) with its free neighbours in memory, taking them off their bins;
 * returns the merged chunk. The four cases of boundary-tag coalescing (Knuth, TAOCP 2.5):
 * neither neighbour free, only the next, only the previous, both. */
static inline chunk_t *coalesce(chunk_t *c)
{
    chunk_t *next = chunk_next_in_mem(c);
    if (next != heap_hi && chunk_is_free(next)) {           /* the next chunk is free: absorb it */
        list_remove(next);
        chunk_merge_with_next(c);
    }
    if (c != heap_lo) {
        chunk_t *prev = chunk_prev_in_mem(c);               /* found through the footer before c */
        if (chunk_is_free(prev)) {                          /* the previous chunk absorbs c */
            list_remove(prev);
            chunk_merge_with_next(prev);
            c = prev;
        }
    }
    return c;
}

/* ---- the contract ------------------------------------------------------------------------------------ */

void *heapmgr_malloc(size_t req_bytes)
{
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                        /* no heap can hold it */
    chunk_t *c = find_fit(chunk_bytes);
    if (c != NULL)
        list_remove(c);
    else if ((c = grow_heap(chunk_bytes)) == NULL)
        return NULL;                                        /* the seam refused: heap unchanged */
    split(c, chunk_bytes);
    return chunk_to_mem(c);
}

void heapmgr_free(void *mem)
{
    if (mem == NULL)
        return;
    chunk_t *c = chunk_from_mem(mem);
    chunk_set_in_use(c, false);
    size_t bin = bin_index(chunk_units(c));         /* ZOO BUG: the bin of the size before coalescing */
    chunk_t *merged = coalesce(c);
    chunk_set_next_free(merged, bins[bin]);
    chunk_set_prev_free(merged, NULL);
    if (bins[bin] != NULL)
        chunk_set_prev_free(bins[bin], merged);
    else
        bitmap_set(bin);
    bins[bin] = merged;
}

/* Cuts chunk c (in use) down to chunk_bytes when the rest can be a chunk, and frees the rest. */
static void shrink_in_place(chunk_t *c, size_t chunk_bytes)
{
    if (chunk_size(c) - chunk_bytes < CHUNK_MIN_BYTES)
        return;                                             /* keep the few spare bytes */
    chunk_t *tail = chunk_split(c, chunk_bytes, true, false);
    list_insert(coalesce(tail));                            /* the next chunk may be free */
}

/* Grows chunk c (in use) to at least chunk_bytes without moving it: into a free next chunk, or by
 * moving the break when c is the last chunk or only a free chunk lies between c and the break. */
static bool grow_in_place(chunk_t *c, size_t chunk_bytes)
{
    chunk_t *next = chunk_next_in_mem(c);
    bool next_is_free = next != heap_hi && chunk_is_free(next);
    if (next_is_free && chunk_size(c) + chunk_size(next) >= chunk_bytes)
        list_remove(next);                                  /* the free neighbour is enough */
    else if (next == heap_hi || (next_is_free && chunk_next_in_mem(next) == heap_hi)) {
        if (grow_heap(chunk_bytes - chunk_size(c)) == NULL) /* returns the chunk right after c */
            return false;
    } else
        return false;                                       /* an allocated chunk is in the way */
    chunk_merge_with_next(c);
    shrink_in_place(c, chunk_bytes);
    return true;
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
        return NULL;                                        /* no heap can hold it: mem untouched */
    chunk_t *c = chunk_from_mem(mem);
    if (chunk_size(c) >= chunk_bytes) {
        shrink_in_place(c, chunk_bytes);
        return mem;
    }
    if (grow_in_place(c, chunk_bytes))
        return mem;
    return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
}

/* ---- the checker ------------------------------------------------------------------------------------ */

static const char B1[] = "B1 chunks tile the heap", B2[] = "B2 header and footer agree",
                  B3[] = "B3 no two free chunks are adjacent",
                  B4[] = "B4 every bin member is a free chunk of the heap",
                  B5[] = "B5 every free chunk is in its bin", B6[] = "B6 next and prev agree",
                  B7[] = "B7 no bin list has a cycle",
                  B8[] = "B8 every free chunk in memory is on exactly one bin",
                  B9[] = "B9 the bitmap marks the non-empty bins";

/* Prints one violation of invariant, at chunk c when there is one, and counts it. */
__attribute__((format(printf, 4, 5)))
static void complain(int *violations, const char *invariant, const chunk_t *c, const char *details, ...)
{
    fprintf(stderr, "heapmgr_check: %s: ", invariant);
    if (c != NULL)
        fprintf(stderr, "chunk at offset 0x%zx ", chunk_offset(os_heap_start(), c));
    va_list args;
    va_start(args, details);
    vfprintf(stderr, details, args);
    va_end(args);
    fputc('\n', stderr);
    ++*violations;
}

/* True when p may be read as a chunk: aligned, inside the heap, not running past the break. */
static bool lies_in_heap(const chunk_t *p)
{
    return p != NULL && chunk_is_aligned(p) && chunk_lies_within(p, heap_lo, heap_hi) &&
           chunk_size(p) >= CHUNK_MIN_BYTES;
}

/* True when c looks like a chunk the tiling reaches: its own tags and both neighbours' agree. */
static bool is_chunk_of_heap(const chunk_t *c)
{
    if (!lies_in_heap(c) || chunk_footer_size(c) != chunk_size(c))
        return false;
    if (c != heap_lo) {
        const chunk_t *prev = chunk_prev_in_mem(c);
        if (prev < heap_lo || !lies_in_heap(prev) || chunk_next_in_mem(prev) != c)
            return false;
    }
    const chunk_t *next = chunk_next_in_mem(c);
    return next == heap_hi || (lies_in_heap(next) && chunk_footer_size(next) == chunk_size(next));
}

/* B1-B3 and the links of each free chunk (B8), walking memory; returns the free chunks it saw. */
static size_t check_chunks(int *violations)
{
    size_t free_chunks = 0;
    bool prev_was_free = false;
    if (heap_hi != NULL && (void *)heap_hi != os_heap_end())
        complain(violations, B1, heap_hi, "is where this stage put the break, but the seam's break is at "
                 "offset 0x%zx", chunk_offset(os_heap_start(), os_heap_end()));
    for (chunk_t *c = heap_lo; c < heap_hi; c = chunk_next_in_mem(c)) {
        if (!lies_in_heap(c)) {
            complain(violations, B1, c, "has size %zu, which does not fit between it and the break",
                     chunk_size(c));
            break;                                          /* the walk cannot go on */
        }
        if (chunk_footer_size(c) != chunk_size(c))
            complain(violations, B2, c, "has size %zu in its header, %zu in its footer", chunk_size(c),
                     chunk_footer_size(c));
        if (chunk_is_free(c)) {
            free_chunks++;
            if (prev_was_free)
                complain(violations, B3, c, "is free, and so is the chunk before it");
            chunk_t *prev = chunk_prev_free(c);
            size_t bin = bin_index(chunk_units(c));
            if (prev == NULL && bins[bin] != c)
                complain(violations, B8, c, "(%zu bytes) has no prev but is not the head of bin %zu",
                         chunk_size(c), bin);
            else if (prev != NULL && (!lies_in_heap(prev) || chunk_next_free(prev) != c))
                complain(violations, B8, c, "(%zu bytes): its prev does not lead back to it", chunk_size(c));
        }
        prev_was_free = chunk_is_free(c);
    }
    return free_chunks;
}

/* True when c is among the first steps members of bin's list: the list came back to it. */
static bool seen_before(size_t bin, const chunk_t *c, size_t steps)
{
    const chunk_t *m = bins[bin];
    for (size_t i = 0; i < steps && m != NULL; i++, m = chunk_next_free(m))
        if (m == c)
            return true;
    return false;
}

/* B4-B7, walking every bin; returns the members it counted. Each walk is bounded by the most chunks
 * the heap can hold, and stops at the first member whose links cannot be trusted. */
static size_t check_bins(int *violations)
{
    size_t members = 0;
    size_t most_chunks = heap_lo == heap_hi ? 0 : chunk_offset(heap_lo, heap_hi) / CHUNK_MIN_BYTES;
    for (size_t bin = 0; bin < NUM_BINS; bin++) {
        size_t steps = 0;
        for (chunk_t *c = bins[bin], *prev = NULL; c != NULL; prev = c, c = chunk_next_free(c), steps++) {
            if (steps > most_chunks) {
                complain(violations, B7, c, "is member %zu of bin %zu: more than the heap can hold",
                         steps, bin);
                break;
            }
            if (!is_chunk_of_heap(c)) {
                if (prev == NULL)
                    complain(violations, B4, NULL, "the head of bin %zu is %p, no chunk of the heap", bin,
                             (void *)c);
                else
                    complain(violations, B4, prev, "on bin %zu links to %p, no chunk of the heap", bin,
                             (void *)c);
                break;
            }
            members++;
            if (chunk_is_in_use(c)) {
                complain(violations, B4, c, "is in use but on bin %zu", bin);
                break;                                      /* its links are payload bytes */
            }
            if (bin_index(chunk_units(c)) != bin)
                complain(violations, B5, c, "(%zu units) is on bin %zu, not on bin %zu", chunk_units(c),
                         bin, bin_index(chunk_units(c)));
            if (chunk_prev_free(c) != prev) {               /* a list that comes back fails here */
                if (seen_before(bin, c, steps))
                    complain(violations, B7, c, "comes back in bin %zu after %zu members", bin, steps);
                else
                    complain(violations, B6, c, "on bin %zu: its prev is not the member before it", bin);
                break;
            }
        }
    }
    return members;
}

/* B9: bit i of the bitmap is set exactly when bin i is non-empty; bits past the last bin stay clear. */
static void check_bitmap(int *violations)
{
    for (size_t bin = 0; bin < NUM_BINS; bin++)
        if (bitmap_test(bin) != (bins[bin] != NULL))
            complain(violations, B9, bins[bin], "bin %zu is %s but its bit is %s", bin,
                     bins[bin] != NULL ? "non-empty" : "empty", bitmap_test(bin) ? "set" : "clear");
    if (NUM_BINS % 64 != 0 && (bitmap[BITMAP_WORDS - 1] >> (NUM_BINS % 64)) != 0)
        complain(violations, B9, NULL, "bits are set past the last bin (%d)", NUM_BINS - 1);
}

int heapmgr_check(void)
{
    int violations = 0;
    size_t free_in_memory = check_chunks(&violations);
    size_t on_bins = check_bins(&violations);
    if (on_bins != free_in_memory)
        complain(&violations, B8, NULL, "%zu free chunks in memory, %zu chunks on the bins", free_in_memory,
                 on_bins);
    check_bitmap(&violations);
    return violations;
}
