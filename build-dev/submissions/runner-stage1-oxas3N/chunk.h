/* chunk.h: the chunk layout shared by stages 3-5 (stage 6 uses the header's size word alone).
 *
 *          +-------------------------------+
 * chunk -> | size in bytes      | status   |  header, 16 bytes: size (a multiple of 16) with
 *          | next free chunk (if free)     |  bit 0 = in use
 *          +-------------------------------+
 * mem   -> | payload ...                   |  16-byte aligned
 *          |                               |
 *          +-------------------------------+
 *          | size in bytes                 |  footer, 16 bytes: stages 4-5 rely on it to find the
 *          | prev free chunk (if free)     |  chunk before; stage 3 writes it too, so stages 3 and
 *          +-------------------------------+  4 differ only in algorithm
 *
 * The size counts the whole chunk: header, payload and footer. The footer keeps the size alone (no
 * status bit). Boundary tags at both ends are Knuth's idea (TAOCP vol. 1, 2.5): the footer of the chunk
 * before lies just below a chunk's header, so a free can find its neighbour in memory in O(1).
 *
 * I0 (the tiling invariant, checked by heap_walk): the chunks tile the heap exactly, from the first
 * 16-byte aligned address at or after os_heap_start() to os_heap_end().
 *
 * Every conversion between a chunk and raw memory happens in this file; stage code does no
 * char * arithmetic of its own.
 */
#ifndef HEAPKIT_CHUNK_H
#define HEAPKIT_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CHUNK_ALIGN = 16,          /* payload alignment: _Alignof(max_align_t) on x86-64 */
    CHUNK_UNIT = 16,           /* sizes are whole units of 16 bytes */
    CHUNK_HEADER_BYTES = 16,
    CHUNK_FOOTER_BYTES = 16,
    CHUNK_OVERHEAD_BYTES = CHUNK_HEADER_BYTES + CHUNK_FOOTER_BYTES,
    CHUNK_MIN_BYTES = CHUNK_OVERHEAD_BYTES + CHUNK_UNIT, /* the smallest chunk with a payload */
};

enum { CHUNK_IN_USE_BIT = 1 };

typedef struct chunk chunk_t;

struct chunk {                 /* the header */
    size_t size_status;        /* chunk bytes | CHUNK_IN_USE_BIT */
    chunk_t *next;             /* next free chunk, meaningful only while free */
};

typedef struct chunk_footer {
    size_t size;               /* chunk bytes, a copy of the header's size */
    chunk_t *prev;             /* previous free chunk, meaningful only while free (stages 4-5) */
} chunk_footer_t;

_Static_assert(sizeof(chunk_t) == CHUNK_HEADER_BYTES, "the header is two words");
_Static_assert(sizeof(chunk_footer_t) == CHUNK_FOOTER_BYTES, "the footer is two words");
_Static_assert(_Alignof(max_align_t) <= CHUNK_ALIGN, "a 16-byte payload suits every type");
_Static_assert(CHUNK_HEADER_BYTES % CHUNK_ALIGN == 0, "mem stays aligned when chunk is");
_Static_assert((CHUNK_UNIT & (CHUNK_UNIT - 1)) == 0, "the unit is a power of two");

/* ---- sizes ------------------------------------------------------------------------------------ */

static inline size_t chunk_round_up(size_t bytes)
{
    return (bytes + (CHUNK_UNIT - 1)) & ~(size_t)(CHUNK_UNIT - 1);
}

/* The chunk bytes that hold a payload of req_bytes (at least one unit), or 0 when that overflows. */
static inline size_t chunk_bytes_for(size_t req_bytes)
{
    if (req_bytes > PTRDIFF_MAX - CHUNK_MIN_BYTES)
        return 0;
    size_t payload_bytes = req_bytes == 0 ? CHUNK_UNIT : chunk_round_up(req_bytes);
    return payload_bytes + CHUNK_OVERHEAD_BYTES;
}

static inline size_t chunk_bytes_to_units(size_t chunk_bytes) { return chunk_bytes / CHUNK_UNIT; }
static inline size_t chunk_units_to_bytes(size_t units) { return units * CHUNK_UNIT; }

/* ---- the header -------------------------------------------------------------------------------- */

static inline size_t chunk_size(const chunk_t *c)
{
    return c->size_status & ~(size_t)(CHUNK_UNIT - 1);
}

static inline size_t chunk_units(const chunk_t *c) { return chunk_bytes_to_units(chunk_size(c)); }

static inline bool chunk_is_in_use(const chunk_t *c) { return (c->size_status & CHUNK_IN_USE_BIT) != 0; }
static inline bool chunk_is_free(const chunk_t *c) { return !chunk_is_in_use(c); }

static inline size_t chunk_payload_bytes(const chunk_t *c)
{
    return chunk_size(c) - CHUNK_OVERHEAD_BYTES;
}

/* Writes the header's size and status; the footer is written separately by chunk_write_footer. */
static inline void chunk_set_header(chunk_t *c, size_t chunk_bytes, bool in_use)
{
    c->size_status = chunk_bytes | (in_use ? CHUNK_IN_USE_BIT : 0);
}

static inline void chunk_set_in_use(chunk_t *c, bool in_use)
{
    chunk_set_header(c, chunk_size(c), in_use);
}

static inline chunk_t *chunk_next_free(const chunk_t *c) { return c->next; }
static inline void chunk_set_next_free(chunk_t *c, chunk_t *next) { c->next = next; }

/* ---- the footer -------------------------------------------------------------------------------- */

static inline chunk_footer_t *chunk_footer(const chunk_t *c)
{
    return (chunk_footer_t *)((uintptr_t)c + chunk_size(c) - CHUNK_FOOTER_BYTES);
}

static inline size_t chunk_footer_size(const chunk_t *c) { return chunk_footer(c)->size; }

/* Copies the header's size into the footer: do it after every chunk_set_header that changes a size. */
static inline void chunk_write_footer(chunk_t *c) { chunk_footer(c)->size = chunk_size(c); }

static inline chunk_t *chunk_prev_free(const chunk_t *c) { return chunk_footer(c)->prev; }
static inline void chunk_set_prev_free(chunk_t *c, chunk_t *prev) { chunk_footer(c)->prev = prev; }

/* ---- chunks and payloads ----------------------------------------------------------------------- */

static inline void *chunk_to_mem(chunk_t *c) { return (void *)((uintptr_t)c + CHUNK_HEADER_BYTES); }

static inline chunk_t *chunk_from_mem(void *mem)
{
    return (chunk_t *)((uintptr_t)mem - CHUNK_HEADER_BYTES);
}

/* The chunk that starts at raw heap memory (the old break after a grow, the aligned heap start). */
static inline chunk_t *chunk_at(void *addr) { return (chunk_t *)addr; }

/* ---- neighbours in memory ---------------------------------------------------------------------- */

/* The chunk right after c; equals the heap end when c is the last chunk. */
static inline chunk_t *chunk_next_in_mem(const chunk_t *c)
{
    return (chunk_t *)((uintptr_t)c + chunk_size(c));
}

/* The footer of the chunk right before c. Valid only when c is not the first chunk of the heap. */
static inline const chunk_footer_t *chunk_footer_before(const chunk_t *c)
{
    return (const chunk_footer_t *)((uintptr_t)c - CHUNK_FOOTER_BYTES);
}

/* The chunk right before c, found through its footer. Valid only when c is not the first chunk. */
static inline chunk_t *chunk_prev_in_mem(const chunk_t *c)
{
    return (chunk_t *)((uintptr_t)c - chunk_footer_before(c)->size);
}

/* Splits c in two at front_bytes: c keeps the front, the returned chunk the rest. Both get headers
 * and footers with the given status bits; the free-list links of both are left to the caller. */
static inline chunk_t *chunk_split(chunk_t *c, size_t front_bytes, bool front_in_use, bool back_in_use)
{
    size_t back_bytes = chunk_size(c) - front_bytes;
    chunk_t *back = (chunk_t *)((uintptr_t)c + front_bytes);
    chunk_set_header(c, front_bytes, front_in_use);
    chunk_write_footer(c);
    chunk_set_header(back, back_bytes, back_in_use);
    chunk_write_footer(back);
    return back;
}

/* Merges c with the chunk right after it in memory (which the caller has taken off any list);
 * c keeps its status. */
static inline void chunk_merge_with_next(chunk_t *c)
{
    size_t merged_bytes = chunk_size(c) + chunk_size(chunk_next_in_mem(c));
    chunk_set_header(c, merged_bytes, chunk_is_in_use(c));
    chunk_write_footer(c);
}

/* ---- the heap ---------------------------------------------------------------------------------- */

static inline void *chunk_align_up(void *addr)
{
    return (void *)(((uintptr_t)addr + (CHUNK_ALIGN - 1)) & ~(uintptr_t)(CHUNK_ALIGN - 1));
}

static inline bool chunk_is_aligned(const void *addr) { return ((uintptr_t)addr % CHUNK_ALIGN) == 0; }

/* True when the whole chunk c (header to footer) lies in [start, end). */
static inline bool chunk_lies_within(const chunk_t *c, const void *start, const void *end)
{
    uintptr_t lo = (uintptr_t)start, hi = (uintptr_t)end, at = (uintptr_t)c;
    return at >= lo && at < hi && hi - at >= CHUNK_OVERHEAD_BYTES && chunk_size(c) <= hi - at;
}

/* Byte offset of p from the heap start: how demos and reports show addresses, the same on every run. */
static inline size_t chunk_offset(const void *heap_start, const void *p)
{
    return (size_t)((uintptr_t)p - (uintptr_t)heap_start);
}

#endif
