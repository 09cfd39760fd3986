/* demo_snapshot.h: what the demo's child process knows about its pointers, and the snapshot it takes
 * after each op. Private to the demo's model: demo_model.c runs the child and ships the snapshots,
 * demo_snapshot.c takes one (the heap, the mappings), demo_lists.c rebuilds the free lists from memory.
 */
#ifndef HEAPKIT_DEMO_SNAPSHOT_H
#define HEAPKIT_DEMO_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "chunk.h"
#include "demo_model.h"

/* ---- what the child knows about the sequence's pointers ----------------------------------------- */

struct demo_pointer {            /* one p<id> */
    void *mem;
    size_t req_bytes;
};

struct demo_handed {             /* stages 1-2 keep no sizes: the blocks we were given, for the picture */
    void *mem;
    size_t req_bytes;
    int owner;
    bool freed;
};

struct demo_child {
    const struct stage *stage;
    struct demo_pointer *ptrs;   /* indexed by id */
    unsigned ids;
    struct demo_handed *handed;
    size_t handed_count, handed_cap;
    char *map_base;              /* the first mapping seen: mapping offsets count from it */
};

/* ---- the snapshot ------------------------------------------------------------------------------ */

struct demo_snapshot {
    struct demo_step s;
    size_t block_cap, map_cap, list_cap, link_cap;
    chunk_t **free_chunks;       /* every free chunk, in address order (not capped) */
    size_t free_count, free_cap;
    const struct demo_child *ch;
    char *heap_start;
};

/* Fills sn->s from what can be seen from outside the stage now: the chunks through heap_walk (or, for
 * stages 1-2, the blocks handed out), the free lists, the mappings. The arrays of sn->s are the
 * caller's, DEMO_MAX_* entries each. */
void demo_take_snapshot(struct demo_snapshot *sn, struct demo_child *ch);

/* Rebuilds the free lists (or the non-empty bins) from sn->free_chunks into sn->s (demo_lists.c). */
void demo_rebuild_lists(struct demo_snapshot *sn);

#endif
