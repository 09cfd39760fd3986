/* tests/independent/list_inplace.c: a second List DMMgr (stage 3) from the lecture, independent of
 * stage3_list/heapmgr.c and of list_kr.c.
 *
 * Policy: the free list is sorted by address and NULL-terminated; malloc is first fit and splits
 * off the tail end of a chunk; free finds the chunk's place by walking the list and merges with the
 * neighbours it touches. Differences from list_kr.c: the heap grows by what is missing rounded up to
 * whole pages (the free last chunk counts), realloc grows a block in place into a free chunk right
 * after it, and the checker works from memory: every free chunk in memory must be named by the
 * free chunk before it in memory (or be the head), and the list must be as long as there are free
 * chunks, each entry in the heap and above the one before.
 * Cost: malloc O(free chunks), free O(free chunks).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { PAGE = 4096 };

static chunk_t *first, *end;   /* the heap: [first, end) */
static chunk_t *list;          /* free chunks by address */

/* The free chunk before c on the list (the last one below c), or NULL. */
static chunk_t *below(const chunk_t *c)
{
    chunk_t *p = NULL;
    for (chunk_t *e = list; e != NULL && e < c; e = chunk_next_free(e))
        p = e;
    return p;
}

static void take_off(chunk_t *c, chunk_t *p)
{
    if (p == NULL)
        list = chunk_next_free(c);
    else
        chunk_set_next_free(p, chunk_next_free(c));
}

static void put_back(chunk_t *c)
{
    chunk_set_header(c, chunk_size(c), false);
    chunk_t *p = below(c);
    chunk_t *n = p == NULL ? list : chunk_next_free(p);
    chunk_set_next_free(c, n);
    if (p == NULL)
        list = c;
    else
        chunk_set_next_free(p, c);
    if (n != NULL && chunk_next_in_mem(c) == n) {       /* merge forward */
        chunk_set_next_free(c, chunk_next_free(n));
        chunk_merge_with_next(c);
    }
    chunk_write_footer(c);
    if (p != NULL && chunk_next_in_mem(p) == c) {       /* merge backward */
        chunk_set_next_free(p, chunk_next_free(c));
        chunk_merge_with_next(p);
    }
}

static bool extend(size_t need)
{
    chunk_t *top = first != NULL && first != end && chunk_is_free(chunk_prev_in_mem(end)) ? chunk_prev_in_mem(end)
                                                                                          : NULL;
    size_t missing = need - (top != NULL ? chunk_size(top) : 0);
    if (missing > PTRDIFF_MAX - 2 * PAGE)
        return false;
    size_t bytes = (missing + PAGE - 1) / PAGE * PAGE;
    char *expect = (char *)end, *old;
    size_t pad = 0;
    if (first == NULL) {
        if ((expect = os_sbrk(0)) == (void *)-1)
            return false;
        pad = (size_t)((char *)chunk_align_up(expect) - expect);
    }
    if ((old = os_sbrk((intptr_t)(pad + bytes))) == (void *)-1)
        return false;
    if (old != expect) {
        os_sbrk(-(intptr_t)(pad + bytes));
        return false;
    }
    if (first == NULL)
        first = end = chunk_at(old + pad);
    chunk_t *c = end;
    chunk_set_header(c, bytes, true);
    end = chunk_next_in_mem(c);
    put_back(c);
    return true;
}

void *heapmgr_malloc(size_t req_bytes)
{
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    chunk_t *p = NULL, *c = list;
    while (c != NULL && chunk_size(c) < need) {
        p = c;
        c = chunk_next_free(c);
    }
    if (c == NULL) {
        if (!extend(need))
            return NULL;
        for (p = NULL, c = list; chunk_size(c) < need; p = c, c = chunk_next_free(c))
            ;
    }
    if (chunk_size(c) >= need + CHUNK_MIN_BYTES)
        return chunk_to_mem(chunk_split(c, chunk_size(c) - need, false, true));   /* tail end */
    take_off(c, p);
    chunk_set_in_use(c, true);
    return chunk_to_mem(c);
}

void heapmgr_free(void *mem)
{
    if (mem != NULL)
        put_back(chunk_from_mem(mem));
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
    chunk_t *c = chunk_from_mem(mem), *n = chunk_next_in_mem(c);
    if (chunk_size(c) < need && n != end && chunk_is_free(n) && chunk_size(c) + chunk_size(n) >= need) {
        take_off(n, below(n));                  /* in place, into the free chunk after it */
        chunk_merge_with_next(c);
    }
    if (chunk_size(c) < need)
        return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
    if (chunk_size(c) >= need + CHUNK_MIN_BYTES)
        put_back(chunk_split(c, need, true, true));
    return mem;
}

/* ---- the checker --------------------------------------------------------------------------------- */

static int errors;

__attribute__((format(printf, 2, 3)))
static void error_at(const void *at, const char *fmt, ...)
{
    fprintf(stderr, "heapmgr_check: [%p] ", at);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

int heapmgr_check(void)
{
    errors = 0;
    if (first == NULL)
        return list != NULL ? (error_at(list, "free list with no heap"), errors) : 0;
    if ((void *)end != os_heap_end()) {
        error_at(end, "the break moved behind our back");
        if (os_heap_end() < (void *)end)
            return errors;
    }
    /* Memory: tiling, footers, coalescing, and each free chunk named by the free chunk before it. */
    size_t free_count = 0;
    chunk_t *prev_free = NULL;
    bool whole = true;
    for (chunk_t *c = first, *before = NULL; c != end; before = c, c = chunk_next_in_mem(c)) {
        size_t room = (size_t)((char *)end - (char *)c), bytes = chunk_size(c);
        if (bytes < CHUNK_MIN_BYTES || bytes % CHUNK_UNIT != 0 || bytes > room) {
            error_at(c, "size %zu does not tile the heap", bytes);
            whole = false;
            break;
        }
        if (chunk_footer_size(c) != bytes)
            error_at(c, "footer and header differ");
        if (chunk_is_in_use(c))
            continue;
        if (before != NULL && chunk_is_free(before))
            error_at(c, "not merged with the free chunk before it");
        if ((prev_free == NULL ? list : chunk_next_free(prev_free)) != c)
            error_at(c, "free, but the list does not reach it from the free chunk before it");
        prev_free = c;
        free_count++;
    }
    if (whole && prev_free != NULL && chunk_next_free(prev_free) != NULL)
        error_at(prev_free, "the last free chunk links on to %p", (void *)chunk_next_free(prev_free));
    if (whole && prev_free == NULL && list != NULL)
        error_at(list, "listed, but memory holds no free chunk");
    /* The list alone: inside the heap, increasing, no longer than the free chunks. */
    size_t n = 0;
    for (chunk_t *e = list, *last = NULL; e != NULL; last = e, e = chunk_next_free(e)) {
        if (!chunk_is_aligned(e) || e < first || e >= end || (last != NULL && e <= last)) {
            error_at(e, "a list link out of the heap or out of order");
            break;
        }
        if (chunk_is_in_use(e))
            error_at(e, "listed but in use");
        if (++n > free_count) {
            error_at(e, "the list is longer than the %zu free chunks", free_count);
            break;
        }
    }
    return errors;
}
