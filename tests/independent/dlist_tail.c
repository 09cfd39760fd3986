/* tests/independent/dlist_tail.c: a Doubly linked list DMMgr (stage 4) written from the lecture
 * alone, not from stage4_dlist/heapmgr.c.
 *
 * Policy: one unordered doubly linked free list (next in the header, prev in the footer); malloc
 * takes the first chunk on the list that fits and, where the lecture leaves the choice open, hands
 * out the TAIL end of a chunk it splits (the front stays on the list, so no relinking); free marks
 * the chunk free, merges it with a free neighbour on either side by the boundary tags (Knuth) and
 * pushes the result at the front of the list: O(1). The heap grows by what is missing beyond a free
 * last chunk, at least 8 KiB.
 * Cost: malloc O(free chunks), free O(1).
 *
 * Its checker counts: every free chunk in memory, and the list entries (at most one more than that,
 * so a cycle ends the walk); the two numbers must agree, and each entry must be a free chunk lying in
 * the heap whose prev names the entry before it. An entry is never followed before it is known to
 * lie in the heap.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { GROW_BYTES = 8192 };

static chunk_t *lo, *hi;       /* the heap's first chunk and its end (our break) */
static chunk_t *head;          /* the free list; head's prev is NULL */

static void push(chunk_t *c)
{
    chunk_set_next_free(c, head);
    chunk_set_prev_free(c, NULL);
    if (head != NULL)
        chunk_set_prev_free(head, c);
    head = c;
}

static void unlink_chunk(chunk_t *c)
{
    chunk_t *prev = chunk_prev_free(c), *next = chunk_next_free(c);
    if (prev == NULL)
        head = next;
    else
        chunk_set_next_free(prev, next);
    if (next != NULL)
        chunk_set_prev_free(next, prev);
}

/* Marks c free, merges it with free neighbours, lists the result. */
static void release(chunk_t *c)
{
    chunk_set_header(c, chunk_size(c), false);
    chunk_write_footer(c);
    chunk_t *next = chunk_next_in_mem(c);
    if (next != hi && chunk_is_free(next)) {
        unlink_chunk(next);
        chunk_merge_with_next(c);
    }
    if (c != lo) {
        chunk_t *prev = chunk_prev_in_mem(c);
        if (chunk_is_free(prev)) {
            unlink_chunk(prev);
            chunk_merge_with_next(prev);
            c = prev;
        }
    }
    push(c);
}

static bool grow(size_t need)
{
    size_t bytes = need;
    if (lo != NULL && lo != hi && chunk_is_free(chunk_prev_in_mem(hi)))
        bytes -= chunk_size(chunk_prev_in_mem(hi));      /* the free last chunk is extended */
    if (bytes < GROW_BYTES)
        bytes = GROW_BYTES;
    char *want = lo == NULL ? NULL : (char *)hi;
    size_t gap = 0;
    if (lo == NULL) {
        char *now = os_sbrk(0);
        if (now == (void *)-1)
            return false;
        gap = (size_t)((char *)chunk_align_up(now) - now);
        want = now;
    }
    if (bytes > PTRDIFF_MAX - gap)
        return false;
    char *old = os_sbrk((intptr_t)(bytes + gap));
    if (old == (void *)-1)
        return false;
    if (old != want) {
        os_sbrk(-(intptr_t)(bytes + gap));      /* another user's break: leave it be */
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

void *heapmgr_malloc(size_t req_bytes)
{
    size_t need = chunk_bytes_for(req_bytes);
    if (need == 0)
        return NULL;
    chunk_t *c = head;
    while (c != NULL && chunk_size(c) < need)
        c = chunk_next_free(c);
    if (c == NULL) {
        if (!grow(need))
            return NULL;
        for (c = head; chunk_size(c) < need; c = chunk_next_free(c))
            ;
    }
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES) {
        chunk_t *prev = chunk_prev_free(c);     /* the front's footer moves: carry its prev along */
        chunk_t *tail = chunk_split(c, chunk_size(c) - need, false, true);   /* the tail end */
        chunk_set_prev_free(c, prev);
        return chunk_to_mem(tail);
    }
    unlink_chunk(c);
    chunk_set_in_use(c, true);
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
    chunk_t *next = chunk_next_in_mem(c);
    if (chunk_size(c) < need && next != hi && chunk_is_free(next) && chunk_size(c) + chunk_size(next) >= need) {
        unlink_chunk(next);                     /* grow into the free chunk after it */
        chunk_merge_with_next(c);
    }
    if (chunk_size(c) < need)
        return heapmgr_realloc_by_moving(mem, chunk_payload_bytes(c), req_bytes);
    if (chunk_size(c) - need >= CHUNK_MIN_BYTES)
        release(chunk_split(c, need, true, true));   /* the rest goes back */
    return mem;
}

/* ---- the checker --------------------------------------------------------------------------------- */

static int found;

__attribute__((format(printf, 2, 3)))
static void report(const void *at, const char *fmt, ...)
{
    fprintf(stderr, "heapmgr_check: %p: ", at);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    found++;
}

static bool inside(const chunk_t *c)
{
    return chunk_is_aligned(c) && c >= lo && c < hi && (size_t)((const char *)hi - (const char *)c) >= CHUNK_MIN_BYTES &&
           chunk_size(c) <= (size_t)((const char *)hi - (const char *)c);
}

int heapmgr_check(void)
{
    found = 0;
    if (lo == NULL)
        return head == NULL ? 0 : (report(head, "a list but no heap"), found);
    if (os_heap_end() != (void *)hi) {
        report(hi, "the heap's end is not the break");
        if (os_heap_end() < (void *)hi)
            return found;
    }
    size_t free_chunks = 0;
    bool tiled = true;
    for (chunk_t *c = lo, *before = NULL; c != hi; before = c, c = chunk_next_in_mem(c)) {
        size_t bytes = chunk_size(c);
        if (bytes < CHUNK_MIN_BYTES || bytes % CHUNK_UNIT != 0 || !inside(c)) {
            report(c, "a chunk of %zu bytes does not fit the heap", bytes);
            tiled = false;
            break;
        }
        if (chunk_footer_size(c) != bytes)
            report(c, "footer %zu, header %zu", chunk_footer_size(c), bytes);
        if (before != NULL && chunk_is_free(before) && chunk_is_free(c))
            report(c, "free, and so is the chunk before it");
        free_chunks += chunk_is_free(c);
    }
    size_t entries = 0;
    for (chunk_t *e = head, *prev = NULL; e != NULL; prev = e, e = chunk_next_free(e)) {
        if (!inside(e)) {
            report(e, "a list entry outside the heap");
            return found;
        }
        if (++entries > free_chunks) {
            if (tiled)
                report(e, "more list entries than free chunks (%zu): a cycle, or an entry that is no chunk",
                       free_chunks);
            return found;
        }
        if (chunk_is_in_use(e))
            report(e, "a list entry marked in use");
        else if (chunk_footer_size(e) != chunk_size(e))
            report(e, "a list entry whose footer disagrees");
        if (chunk_prev_free(e) != prev)
            report(e, "prev %p, but the entry before it is %p", (void *)chunk_prev_free(e), (void *)prev);
    }
    if (tiled && entries != free_chunks)
        report(lo, "%zu free chunks in memory, %zu on the list", free_chunks, entries);
    return found;
}
