/* tests/independent/bins_classes.c: a second Bins DMMgr (stage 5) from the lecture, independent of
 * stage5_bins/heapmgr.c and of bins_pow2.c.
 *
 * Policy: exact bins for chunks of fewer than 64 units; above that, four size classes per power of
 * two (an index from the two bits below the leading one), and a last bin for everything of 2^40
 * units or more. malloc: an exact bin holds only its size (the smallest that fits, best fit for
 * small chunks); a class bin is walked for the first chunk that fits (at most LOOK members), then
 * the next non-empty bin's head, which always fits; the search is bounded by the bins, not by the
 * chunks. A split hands out the front. free: boundary tags, merge, push at the front of the bin.
 * The heap grows by what a free last chunk lacks, rounded up to 2 KiB.
 * Cost: malloc O(bins + LOOK), free O(1).
 *
 * Its checker: memory first (tiling, footers, coalescing, each free chunk reachable locally: the
 * head of its own bin, or named by the free chunk its prev points at); then each bin, whose entries
 * must lie in the heap, be free, have that bin's size and a prev naming the entry before, and number
 * together no more than the free chunks in memory.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { SMALL = 64, CLASSES = 4, TOP_LOG = 40, NBINS = SMALL + (TOP_LOG - 6) * CLASSES + 1, LOOK = 8, ROUND = 2048 };

static chunk_t *heap_lo, *heap_hi;
static chunk_t *bins[NBINS];

static size_t which_bin(size_t units)
{
    if (units < SMALL)
        return units;
    int lead = 63 - __builtin_clzll(units);          /* 6 or more */
    if (lead >= TOP_LOG)
        return NBINS - 1;
    size_t within = (units >> (lead - 2)) & 3;
    return SMALL + (size_t)(lead - 6) * CLASSES + within;
}

static void link_in(chunk_t *c)
{
    size_t b = which_bin(chunk_units(c));
    chunk_set_prev_free(c, NULL);
    chunk_set_next_free(c, bins[b]);
    if (bins[b] != NULL)
        chunk_set_prev_free(bins[b], c);
    bins[b] = c;
}

static void link_out(chunk_t *c)
{
    chunk_t *p = chunk_prev_free(c), *n = chunk_next_free(c);
    if (p != NULL)
        chunk_set_next_free(p, n);
    else
        bins[which_bin(chunk_units(c))] = n;
    if (n != NULL)
        chunk_set_prev_free(n, p);
}

static void becomes_free(chunk_t *c)
{
    chunk_set_header(c, chunk_size(c), false);
    chunk_write_footer(c);
    chunk_t *after = chunk_next_in_mem(c);
    if (after != heap_hi && chunk_is_free(after)) {
        link_out(after);
        chunk_merge_with_next(c);
    }
    if (c != heap_lo) {
        chunk_t *before = chunk_prev_in_mem(c);
        if (chunk_is_free(before)) {
            link_out(before);
            chunk_merge_with_next(before);
            c = before;
        }
    }
    link_in(c);
}

static bool extend_heap(size_t need)
{
    size_t missing = need;
    if (heap_lo != NULL && heap_lo != heap_hi && chunk_is_free(chunk_prev_in_mem(heap_hi)))
        missing -= chunk_size(chunk_prev_in_mem(heap_hi));
    if (missing > PTRDIFF_MAX - 2 * ROUND)
        return false;
    size_t bytes = (missing + ROUND - 1) & ~(size_t)(ROUND - 1);
    char *expect = (char *)heap_hi;
    size_t pad = 0;
    if (heap_lo == NULL) {
        if ((expect = os_sbrk(0)) == (void *)-1)
            return false;
        pad = (size_t)((char *)chunk_align_up(expect) - expect);
    }
    char *old = os_sbrk((intptr_t)(pad + bytes));
    if (old == (void *)-1)
        return false;
    if (old != expect) {
        os_sbrk(-(intptr_t)(pad + bytes));
        return false;
    }
    if (heap_lo == NULL)
        heap_lo = heap_hi = chunk_at(old + pad);
    chunk_t *c = heap_hi;
    chunk_set_header(c, bytes, true);
    heap_hi = chunk_next_in_mem(c);
    becomes_free(c);
    return true;
}

static chunk_t *fit(size_t need)
{
    size_t b = which_bin(chunk_bytes_to_units(need));
    if (b < SMALL && bins[b] != NULL)
        return bins[b];
    if (b >= SMALL) {
        int looked = 0;
        for (chunk_t *c = bins[b]; c != NULL && looked < LOOK; c = chunk_next_free(c), looked++)
            if (chunk_size(c) >= need)
                return c;
    }
    for (size_t up = b + 1; up < NBINS; up++)
        if (bins[up] != NULL)
            return bins[up];                          /* a larger bin: every chunk there fits */
    return NULL;
}

/* The free chunk at the top of the heap when it holds need bytes (a bounded class walk may have
 * passed it by), else NULL. */
static chunk_t *top_fit(size_t need)
{
    if (heap_lo == NULL || heap_lo == heap_hi)
        return NULL;
    chunk_t *last = chunk_prev_in_mem(heap_hi);
    return chunk_is_free(last) && chunk_size(last) >= need ? last : NULL;
}

void *heapmgr_malloc(size_t req_bytes)
{
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    chunk_t *c = fit(need);
    if (c == NULL)
        c = top_fit(need);
    if (c == NULL && (!extend_heap(need) || (c = top_fit(need)) == NULL))
        return NULL;
    link_out(c);
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES)
        link_in(chunk_split(c, need, true, false));
    else
        chunk_set_in_use(c, true);
    return chunk_to_mem(c);
}

void heapmgr_free(void *mem)
{
    if (mem != NULL)
        becomes_free(chunk_from_mem(mem));
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0) {
        heapmgr_free(mem);
        return NULL;
    }
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    chunk_t *c = chunk_from_mem(mem);
    if (chunk_size(c) >= need) {
        if (chunk_size(c) - need >= CHUNK_MIN_BYTES)
            becomes_free(chunk_split(c, need, true, true));
        return mem;
    }
    return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
}

/* ---- the checker --------------------------------------------------------------------------------- */

static int wrong;

__attribute__((format(printf, 2, 3)))
static void note(const void *at, const char *fmt, ...)
{
    fprintf(stderr, "heapmgr_check: chunk at %p: ", at);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    wrong++;
}

static bool addressable(const chunk_t *c)
{
    return chunk_is_aligned(c) && c >= heap_lo && c < heap_hi &&
           (size_t)((const char *)heap_hi - (const char *)c) >= CHUNK_MIN_BYTES;
}

int heapmgr_check(void)
{
    wrong = 0;
    if (heap_lo == NULL) {
        for (size_t b = 0; b < NBINS; b++)
            if (bins[b] != NULL)
                note(bins[b], "binned without a heap");
        return wrong;
    }
    if (os_heap_end() != (void *)heap_hi) {
        note(heap_hi, "the heap should end at the break");
        if (os_heap_end() < (void *)heap_hi)
            return wrong;
    }
    size_t frees = 0;
    bool intact = true;
    for (chunk_t *c = heap_lo, *before = NULL; c != heap_hi; before = c, c = chunk_next_in_mem(c)) {
        size_t bytes = chunk_size(c);
        if (bytes < CHUNK_MIN_BYTES || bytes % CHUNK_UNIT != 0 || bytes > (size_t)((char *)heap_hi - (char *)c)) {
            note(c, "%zu bytes: the chunks no longer tile the heap", bytes);
            intact = false;
            break;
        }
        if (chunk_footer_size(c) != bytes)
            note(c, "footer %zu for a header of %zu", chunk_footer_size(c), bytes);
        if (chunk_is_in_use(c))
            continue;
        frees++;
        if (before != NULL && chunk_is_free(before))
            note(c, "free next to a free chunk");
        chunk_t *p = chunk_prev_free(c);
        bool reached = p == NULL ? bins[which_bin(chunk_units(c))] == c
                                 : addressable(p) && chunk_is_free(p) && chunk_next_free(p) == c;
        if (!reached)
            note(c, "free but on no bin");
    }
    size_t entries = 0;
    for (size_t b = 0; b < NBINS; b++) {
        chunk_t *prev = NULL;
        for (chunk_t *e = bins[b]; e != NULL; prev = e, e = chunk_next_free(e)) {
            if (!addressable(e) || chunk_size(e) > (size_t)((char *)heap_hi - (char *)e)) {
                note(e, "bin %zu links out of the heap", b);
                break;
            }
            if (++entries > frees) {
                if (intact)
                    note(e, "the bins hold more than the %zu free chunks", frees);
                return wrong;
            }
            if (chunk_is_in_use(e))
                note(e, "in use, on bin %zu", b);
            if (which_bin(chunk_units(e)) != b)
                note(e, "%zu units belong to bin %zu, not %zu", chunk_units(e), which_bin(chunk_units(e)), b);
            if (chunk_prev_free(e) != prev)
                note(e, "its prev disagrees with bin %zu's order", b);
        }
    }
    if (intact && entries != frees)
        note(heap_lo, "%zu free chunks, %zu on the bins", frees, entries);
    return wrong;
}
