/* block.h: the preload library's own 16-byte tag in front of every block it hands out.
 *
 * The stages keep different amounts of bookkeeping (stages 1-2 keep no sizes at all; stage 6 keeps a
 * mapped length; stages 3-5 a chunk size rounded up), but malloc_usable_size, realloc of an aligned
 * block and free of an aligned block need the same two facts on every stage. So this layer asks the
 * stage for 16 bytes more than the program did (plus the alignment slack) and keeps the facts itself:
 *
 *   stage ptr -> +------------------------------+  returned by heapmgr_malloc (16-byte aligned)
 *                | slack (aligned blocks only)  |  offset_bytes - 16 bytes, 0 for ordinary blocks
 *                +------------------------------+
 *                | req_bytes                    |  tag, 16 bytes: what the program asked for
 *                | offset_bytes  | magic        |  offset back to the stage ptr; live / freed mark
 *   mem       -> +------------------------------+  returned to the program (16 or more aligned)
 *                | the program's req_bytes ...  |
 *                +------------------------------+
 *
 * The same code path serves all six stages; a stage sees only heapmgr_malloc/free/realloc calls.
 *
 * Stages 3-6 keep their chunk's size in the shared header (common/chunk.h), so there the layer is
 * built with HEAPKIT_PRELOAD_HEADER (mk/preload.mk: 1 for stages 3-5, header and footer around the
 * payload; 2 for stage 6, a header only) and tags only aligned blocks: an ordinary block is exactly
 * the stage's pointer, malloc_usable_size its chunk's payload bytes (at least what was asked), and
 * the program's memory costs what the stage's chunks cost, no more. A pointer the program never got,
 * or frees twice, is then the stage's to notice (its checker), not this layer's.
 */
#ifndef HEAPKIT_PRELOAD_BLOCK_H
#define HEAPKIT_PRELOAD_BLOCK_H

#include <stddef.h>
#include <stdint.h>

enum {
    BLOCK_TAG_BYTES = 16,
    BLOCK_MIN_ALIGN = 16,                  /* every pointer handed out is at least this aligned */
};

/* The largest alignment the tag can record (offset_bytes is 32 bits); larger ones fail with ENOMEM. */
#define BLOCK_MAX_ALIGN ((size_t)1 << 31)

/* A block of req_bytes whose address is a multiple of align_bytes (a power of two, at least 16), or
 * NULL when the stage refuses. Requests above PTRDIFF_MAX are the caller's to refuse. */
void *block_alloc(size_t align_bytes, size_t req_bytes);

/* Gives mem (from block_alloc or block_resize, not NULL) back to the stage. */
void block_free(void *mem);

/* Resizes mem (not NULL) to req_bytes (more than 0), keeping min(old, new) bytes of content; NULL
 * with mem untouched when the stage refuses. Ordinary blocks use the stage's own realloc; aligned ones
 * move to an ordinary block (C's realloc keeps no alignment beyond the fundamental one). */
void *block_resize(void *mem, size_t req_bytes);

/* The bytes the program may use at mem: exactly what it asked for (with tags), or the chunk's
 * payload bytes (ordinary blocks without tags). */
size_t block_usable_bytes(void *mem);

#endif
