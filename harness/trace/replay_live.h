/* replay_live.h: the checked replay's live blocks, a treap keyed by payload address (replay_live.c).
 *
 * The nodes live in a table indexed by trace id, allocated once before the replay starts, so that
 * inserting and removing never call malloc.
 */
#ifndef HEAPKIT_REPLAY_LIVE_H
#define HEAPKIT_REPLAY_LIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { LIVE_NO_NODE = UINT_MAX };

struct live_block {
    void *mem;                 /* the payload, or NULL (not live, or malloc(0) returned NULL) */
    size_t bytes;              /* the request */
    uint64_t tag;              /* the pattern written into the payload */
    size_t since_op;           /* the op that allocated it */
    unsigned left, right;      /* treap children, LIVE_NO_NODE for none */
    uint32_t priority;
    bool live;
};

struct live_set {
    struct live_block *blocks; /* one per id */
    unsigned root;
    uint64_t random;           /* xorshift state for priorities */
};

static inline uintptr_t live_block_start(const struct live_block *b) { return (uintptr_t)b->mem; }

/* A payload covers at least one byte, so that two malloc(0) answers at one address also collide. */
static inline uintptr_t live_block_end(const struct live_block *b)
{
    return (uintptr_t)b->mem + (b->bytes == 0 ? 1 : b->bytes);
}

/* Makes an empty set with a node for each of ids trace ids; false when out of memory. */
bool live_init(struct live_set *set, unsigned ids);

void live_release(struct live_set *set);

/* Takes the block of id (its mem and bytes set) into the tree, or out of it. */
void live_insert(struct live_set *set, unsigned id);
void live_remove(struct live_set *set, unsigned id);

/* The live block that overlaps [start, end), or LIVE_NO_NODE. */
unsigned live_find_overlap(const struct live_set *set, uintptr_t start, uintptr_t end);

#endif
