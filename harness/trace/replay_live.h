/* replay_live.h: a set of live blocks, a treap keyed by payload address (replay_live.c): the checked
 * replay's, the grader's test blocks (grade_test.h: struct grade_blocks) and the foundation tests'
 * (tests/foundation).
 *
 * The nodes live in a table indexed by id (a trace id, or a number the test hands out), allocated once
 * before the work starts, so that inserting and removing never call malloc. Besides finding the block
 * a new payload overlaps in O(log n), the set numbers its blocks 0 .. count-1 in no particular order,
 * so a test can pick one at random in O(1).
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
    unsigned rank;             /* its place in live_set.ranked while in the tree */
    bool live;
};

struct live_set {
    struct live_block *blocks; /* one per id */
    unsigned root;
    uint64_t random;           /* xorshift state for priorities */
    unsigned *ranked;          /* the ids in the tree, count of them, in no particular order */
    unsigned count;
};

static inline uintptr_t live_block_start(const struct live_block *b) { return (uintptr_t)b->mem; }

/* A payload covers at least one byte, so that two malloc(0) answers at one address also collide. */
static inline uintptr_t live_block_end(const struct live_block *b)
{
    return (uintptr_t)b->mem + (b->bytes == 0 ? 1 : b->bytes);
}

/* Makes an empty set with a node for each of ids trace ids; false when out of memory. */
bool live_init(struct live_set *set, unsigned ids);

/* A set of ids nodes gets more: ids .. ids + more - 1 (the tree and its blocks are kept). False
 * when out of memory; the set is then as it was. */
bool live_grow(struct live_set *set, unsigned ids, unsigned more);

void live_release(struct live_set *set);

/* Takes the block of id (its mem and bytes set) into the tree, or out of it. */
void live_insert(struct live_set *set, unsigned id);
void live_remove(struct live_set *set, unsigned id);

/* The live block that overlaps [start, end), or LIVE_NO_NODE. */
unsigned live_find_overlap(const struct live_set *set, uintptr_t start, uintptr_t end);

/* The id of the k-th block in the tree (0 <= k < set->count), for picking one at random. */
static inline unsigned live_at(const struct live_set *set, unsigned k) { return set->ranked[k]; }

#endif
