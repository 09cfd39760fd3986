/* tests/independent/bins_pow2.c: a Bins DMMgr (stage 5) written from the lecture alone, not from
 * stage5_bins/heapmgr.c.
 *
 * Policy: an array of doubly linked lists. Chunks under EXACT_UNITS units each have the bin of their
 * exact size; larger ones share a bin per power of two of units. malloc looks at the request's own
 * bin and then at the bins above it, in order: an exact bin's chunks all fit exactly and are the
 * smallest that fit (best fit for small chunks), a power-of-two bin is scanned for the best of its
 * first SCAN members. A split hands out the front and files the tail in its bin. free merges with
 * free neighbours by the boundary tags and pushes the chunk at the front of its bin: O(1). The heap
 * grows by what a free last chunk lacks, at least 4 KiB.
 * Cost: malloc O(bins + SCAN), free O(1).
 *
 * Its checker: for every bin, each entry lies in the heap, is free, has that bin's size, and has
 * the entry before it as prev; the entries of all bins add up to the free chunks in memory (each
 * bin's walk stops there, so a cycle ends it).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { EXACT_UNITS = 128, POW2_BINS = 64, BINS = EXACT_UNITS + POW2_BINS, SCAN = 12, GROW_BYTES = 4096 };

static chunk_t *lo, *hi;
static chunk_t *bin[BINS];

static size_t bin_of(size_t units)
{
    if (units < EXACT_UNITS)
        return units;
    size_t b = EXACT_UNITS;
    for (size_t u = units >> 7; u > 1; u >>= 1)   /* 2^7 = EXACT_UNITS */
        b++;
    return b;
}

static void push(chunk_t *c)
{
    size_t b = bin_of(chunk_units(c));
    chunk_set_next_free(c, bin[b]);
    chunk_set_prev_free(c, NULL);
    if (bin[b] != NULL)
        chunk_set_prev_free(bin[b], c);
    bin[b] = c;
}

static void pull(chunk_t *c)
{
    chunk_t *prev = chunk_prev_free(c), *next = chunk_next_free(c);
    if (prev == NULL)
        bin[bin_of(chunk_units(c))] = next;
    else
        chunk_set_next_free(prev, next);
    if (next != NULL)
        chunk_set_prev_free(next, prev);
}

static void release(chunk_t *c)
{
    chunk_set_header(c, chunk_size(c), false);
    chunk_write_footer(c);
    chunk_t *next = chunk_next_in_mem(c);
    if (next != hi && chunk_is_free(next)) {
        pull(next);
        chunk_merge_with_next(c);
    }
    if (c != lo && chunk_is_free(chunk_prev_in_mem(c))) {
        chunk_t *prev = chunk_prev_in_mem(c);
        pull(prev);
        chunk_merge_with_next(prev);
        c = prev;
    }
    push(c);
}

static bool grow(size_t need)
{
    size_t bytes = need;
    if (lo != NULL && lo != hi && chunk_is_free(chunk_prev_in_mem(hi)))
        bytes -= chunk_size(chunk_prev_in_mem(hi));
    bytes = (bytes + GROW_BYTES - 1) / GROW_BYTES * GROW_BYTES;
    size_t gap = 0;
    char *want = (char *)hi;
    if (lo == NULL) {
        char *now = os_sbrk(0);
        if (now == (void *)-1)
            return false;
        gap = (size_t)((char *)chunk_align_up(now) - now);
        want = now;
    }
    if (bytes == 0 || bytes > PTRDIFF_MAX - gap)
        return false;
    char *old = os_sbrk((intptr_t)(bytes + gap));
    if (old == (void *)-1)
        return false;
    if (old != want) {
        os_sbrk(-(intptr_t)(bytes + gap));
        return false;
    }
    if (lo == NULL)
        lo = hi = chunk_at(old + gap);
    chunk_t *c = hi;
    chunk_set_header(c, bytes, true);
    hi = chunk_next_in_mem(c);
    release(c);
    return true;
}

/* The chunk malloc takes for need bytes, or NULL. */
static chunk_t *search(size_t need)
{
    for (size_t b = bin_of(chunk_bytes_to_units(need)); b < BINS; b++) {
        if (bin[b] == NULL)
            continue;
        if (b < EXACT_UNITS)
            return bin[b];                      /* every chunk here has this size */
        chunk_t *best = NULL;
        int looked = 0;
        for (chunk_t *c = bin[b]; c != NULL && looked < SCAN; c = chunk_next_free(c), looked++)
            if (chunk_size(c) >= need && (best == NULL || chunk_size(c) < chunk_size(best)))
                best = c;
        if (best != NULL)
            return best;
    }
    return NULL;
}

void *heapmgr_malloc(size_t req_bytes)
{
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    chunk_t *c = search(need);
    if (c == NULL) {
        if (!grow(need) || (c = search(need)) == NULL)
            return NULL;
    }
    pull(c);
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES) {
        chunk_t *rest = chunk_split(c, need, true, false);   /* the front is handed out */
        push(rest);
    } else {
        chunk_set_in_use(c, true);
    }
    return chunk_to_mem(c);
}

void heapmgr_free(void *mem)
{
    if (mem != NULL)
        release(chunk_from_mem(mem));
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
    if (chunk_size(c) < need)
        return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES)
        release(chunk_split(c, need, true, true));
    return mem;
}

/* ---- the checker --------------------------------------------------------------------------------- */

static int bad;

__attribute__((format(printf, 2, 3)))
static void complain(const void *at, const char *fmt, ...)
{
    fprintf(stderr, "heapmgr_check: chunk %p: ", at);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    bad++;
}

static bool within(const chunk_t *c)
{
    size_t room = (size_t)((const char *)hi - (const char *)c);
    return chunk_is_aligned(c) && c >= lo && c < hi && room >= CHUNK_MIN_BYTES && chunk_size(c) <= room;
}

int heapmgr_check(void)
{
    bad = 0;
    if (lo == NULL) {
        for (size_t b = 0; b < BINS; b++)
            if (bin[b] != NULL)
                complain(bin[b], "listed, but there is no heap");
        return bad;
    }
    if (os_heap_end() != (void *)hi) {
        complain(hi, "the heap ends here, the break does not");
        if (os_heap_end() < (void *)hi)
            return bad;
    }
    size_t in_memory = 0;
    bool tiled = true;
    for (chunk_t *c = lo, *before = NULL; c != hi; before = c, c = chunk_next_in_mem(c)) {
        if (chunk_size(c) < CHUNK_MIN_BYTES || chunk_size(c) % CHUNK_UNIT != 0 || !within(c)) {
            complain(c, "its size %zu breaks the tiling of the heap", chunk_size(c));
            tiled = false;
            break;
        }
        if (chunk_footer_size(c) != chunk_size(c))
            complain(c, "header %zu, footer %zu", chunk_size(c), chunk_footer_size(c));
        if (before != NULL && chunk_is_free(before) && chunk_is_free(c))
            complain(c, "two free chunks in a row");
        in_memory += chunk_is_free(c);
    }
    size_t listed = 0;
    for (size_t b = 0; b < BINS; b++) {
        for (chunk_t *e = bin[b], *prev = NULL; e != NULL; prev = e, e = chunk_next_free(e)) {
            if (!within(e)) {
                complain(e, "on bin %zu but not in the heap", b);
                break;
            }
            if (++listed > in_memory) {
                if (tiled)
                    complain(e, "more listed chunks than free chunks in memory (%zu)", in_memory);
                return bad;
            }
            if (chunk_is_in_use(e))
                complain(e, "on bin %zu but in use", b);
            else if (chunk_footer_size(e) != chunk_size(e))
                complain(e, "on bin %zu with a footer that disagrees", b);
            if (bin_of(chunk_units(e)) != b)
                complain(e, "%zu units, on bin %zu", chunk_units(e), b);
            if (chunk_prev_free(e) != prev)
                complain(e, "its prev is not the entry before it");
        }
    }
    if (tiled && listed != in_memory)
        complain(lo, "%zu free chunks in memory, %zu in the bins", in_memory, listed);
    return bad;
}
