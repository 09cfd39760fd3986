/* tests/independent/dlist_fifo.c: a second Doubly linked list DMMgr (stage 4) from the lecture,
 * independent of stage4_dlist/heapmgr.c and of dlist_tail.c.
 *
 * Policy: one doubly linked free list kept in the order chunks were freed (new free chunks go at
 * its tail, so the oldest is tried first); malloc is first fit and hands out the FRONT of a chunk
 * it splits, the rest taking the chunk's place on the list; free merges with free neighbours by the
 * boundary tags and appends: O(1). The heap grows by what is missing rounded up to 4 KiB, and a
 * realloc that the free chunk after it can hold grows in place.
 * Cost: malloc O(free chunks), free O(1).
 *
 * Its checker goes from memory to the list: every free chunk in memory is the head (and then has a
 * NULL prev) or is named by the free chunk its prev points at; the list, walked from the head (at
 * most as many steps as free chunks), must end at the tail pointer with exactly that many entries.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { STEP = 4096 };

static chunk_t *base, *top;            /* the heap [base, top) */
static chunk_t *oldest, *newest;       /* the free list's two ends */

static void append(chunk_t *c)
{
    chunk_set_next_free(c, NULL);
    chunk_set_prev_free(c, newest);
    if (newest == NULL)
        oldest = c;
    else
        chunk_set_next_free(newest, c);
    newest = c;
}

static void drop(chunk_t *c)
{
    chunk_t *p = chunk_prev_free(c), *n = chunk_next_free(c);
    if (p == NULL)
        oldest = n;
    else
        chunk_set_next_free(p, n);
    if (n == NULL)
        newest = p;
    else
        chunk_set_prev_free(n, p);
}

/* Puts rest on the list where c was (c is leaving it). */
static void replace(chunk_t *c, chunk_t *rest, chunk_t *p, chunk_t *n)
{
    chunk_set_prev_free(rest, p);
    chunk_set_next_free(rest, n);
    if (p == NULL)
        oldest = rest;
    else
        chunk_set_next_free(p, rest);
    if (n == NULL)
        newest = rest;
    else
        chunk_set_prev_free(n, rest);
    (void)c;
}

static void give(chunk_t *c)
{
    chunk_set_header(c, chunk_size(c), false);
    chunk_write_footer(c);
    if (c != base && chunk_is_free(chunk_prev_in_mem(c))) {
        chunk_t *p = chunk_prev_in_mem(c);
        drop(p);
        chunk_merge_with_next(p);
        c = p;
    }
    chunk_t *n = chunk_next_in_mem(c);
    if (n != top && chunk_is_free(n)) {
        drop(n);
        chunk_merge_with_next(c);
    }
    append(c);
}

static bool get_more(size_t need)
{
    size_t have = base != top && base != NULL && chunk_is_free(chunk_prev_in_mem(top)) ? chunk_size(chunk_prev_in_mem(top)) : 0;
    size_t bytes = (need - have + STEP - 1) / STEP * STEP;
    char *at = (char *)top;
    size_t pad = 0;
    if (base == NULL) {
        at = os_sbrk(0);
        if (at == (void *)-1)
            return false;
        pad = (size_t)((char *)chunk_align_up(at) - at);
    }
    if (need - have > PTRDIFF_MAX - STEP - pad)
        return false;
    char *old = os_sbrk((intptr_t)(pad + bytes));
    if (old == (void *)-1)
        return false;
    if (old != at) {
        os_sbrk(-(intptr_t)(pad + bytes));
        return false;
    }
    if (base == NULL)
        base = top = chunk_at(old + pad);
    chunk_t *c = top;
    chunk_set_header(c, bytes, true);
    top = chunk_next_in_mem(c);
    give(c);
    return true;
}

/* Hands out the front need bytes of the free chunk c. */
static chunk_t *carve(chunk_t *c, size_t need)
{
    if (chunk_size(c) - need < CHUNK_MIN_BYTES) {
        drop(c);
        chunk_set_in_use(c, true);
        return c;
    }
    chunk_t *p = chunk_prev_free(c), *n = chunk_next_free(c);
    chunk_t *rest = chunk_split(c, need, true, false);
    replace(c, rest, p, n);
    return c;
}

void *heapmgr_malloc(size_t req_bytes)
{
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (chunk_t *c = oldest; c != NULL; c = chunk_next_free(c))
            if (chunk_size(c) >= need)
                return chunk_to_mem(carve(c, need));
        if (pass == 0 && !get_more(need))
            break;
    }
    return NULL;
}

void heapmgr_free(void *mem)
{
    if (mem != NULL)
        give(chunk_from_mem(mem));
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
    if (chunk_size(c) < need) {
        chunk_t *n = chunk_next_in_mem(c);
        if (n == top || chunk_is_free(n) == false || chunk_size(c) + chunk_size(n) < need)
            return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
        drop(n);
        chunk_merge_with_next(c);
    }
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES)
        give(chunk_split(c, need, true, true));
    return mem;
}

/* ---- the checker --------------------------------------------------------------------------------- */

static int count;

__attribute__((format(printf, 2, 3)))
static void flag(const void *at, const char *fmt, ...)
{
    fprintf(stderr, "heapmgr_check: %p: ", at);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    count++;
}

static bool a_chunk_address(const chunk_t *c)
{
    return chunk_is_aligned(c) && c >= base && c < top && (size_t)((const char *)top - (const char *)c) >= CHUNK_MIN_BYTES;
}

int heapmgr_check(void)
{
    count = 0;
    if (base == NULL)
        return oldest != NULL || newest != NULL ? (flag(oldest, "a list with no heap"), count) : 0;
    if (os_heap_end() != (void *)top) {
        flag(top, "the break is not where the heap ends");
        if (os_heap_end() < (void *)top)
            return count;
    }
    size_t frees = 0;
    bool sound = true;
    for (chunk_t *c = base, *b = NULL; c != top; b = c, c = chunk_next_in_mem(c)) {
        size_t bytes = chunk_size(c), room = (size_t)((char *)top - (char *)c);
        if (bytes < CHUNK_MIN_BYTES || bytes % CHUNK_UNIT != 0 || bytes > room) {
            flag(c, "a size of %zu breaks the tiling", bytes);
            sound = false;
            break;
        }
        if (chunk_footer_size(c) != bytes)
            flag(c, "header %zu, footer %zu", bytes, chunk_footer_size(c));
        if (chunk_is_in_use(c))
            continue;
        frees++;
        if (b != NULL && chunk_is_free(b))
            flag(c, "free right after a free chunk");
        chunk_t *p = chunk_prev_free(c);
        if (p == NULL ? oldest != c : !a_chunk_address(p) || chunk_is_in_use(p) || chunk_next_free(p) != c)
            flag(c, "free, but not linked from its prev (%p)", (void *)p);
    }
    size_t steps = 0;
    chunk_t *last = NULL;
    for (chunk_t *e = oldest; e != NULL; last = e, e = chunk_next_free(e)) {
        if (!a_chunk_address(e) || chunk_size(e) > (size_t)((char *)top - (char *)e)) {
            flag(e, "a link that leaves the heap");
            return count;
        }
        if (chunk_is_in_use(e))
            flag(e, "on the list, in use");
        if (chunk_prev_free(e) != last)
            flag(e, "prev %p, expected %p", (void *)chunk_prev_free(e), (void *)last);
        if (++steps > frees) {
            if (sound)
                flag(e, "the list has more than the %zu free chunks", frees);
            return count;
        }
    }
    if (last != newest)
        flag(newest, "the list ends at %p, not at its tail", (void *)last);
    if (sound && steps != frees)
        flag(base, "%zu free chunks, %zu listed", frees, steps);
    return count;
}
