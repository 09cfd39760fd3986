/* replay_live.c: the live blocks of a checked replay, a treap keyed by payload address.
 *
 * A treap is a binary search tree that stays balanced in expectation by giving each node a random
 * priority (Seidel and Aragon, 1996). The live blocks are disjoint, so the one block that could
 * overlap a new payload [p, p + n) is the one with the greatest start below p + n: one O(log n)
 * search per op finds overlap and containment alike.
 */
#include "replay_live.h"

#include <stdlib.h>

bool live_init(struct live_set *set, unsigned ids)
{
    set->blocks = calloc(ids == 0 ? 1 : ids, sizeof *set->blocks);
    set->ranked = calloc(ids == 0 ? 1 : ids, sizeof *set->ranked);
    set->count = 0;
    set->root = LIVE_NO_NODE;
    set->random = 0x9e3779b97f4a7c15ull;
    return set->blocks != NULL && set->ranked != NULL;
}

bool live_grow(struct live_set *set, unsigned ids, unsigned more)
{
    struct live_block *blocks = realloc(set->blocks, (size_t)(ids + more) * sizeof *blocks);
    if (blocks != NULL)
        set->blocks = blocks;
    unsigned *ranked = realloc(set->ranked, (size_t)(ids + more) * sizeof *ranked);
    if (ranked != NULL)
        set->ranked = ranked;
    if (blocks == NULL || ranked == NULL)
        return false;
    for (unsigned id = ids; id < ids + more; id++)
        blocks[id] = (struct live_block){ .left = LIVE_NO_NODE, .right = LIVE_NO_NODE };
    return true;
}

void live_release(struct live_set *set)
{
    free(set->blocks);
    free(set->ranked);
    set->blocks = NULL;
    set->ranked = NULL;
    set->count = 0;
}

static uint32_t next_priority(struct live_set *set)
{
    set->random ^= set->random << 13;
    set->random ^= set->random >> 7;
    set->random ^= set->random << 17;
    return (uint32_t)(set->random >> 32);
}

/* Splits tree t into nodes starting below key (*lo) and the rest (*hi). */
static void treap_split(struct live_block *b, unsigned t, uintptr_t key, unsigned *lo, unsigned *hi)
{
    if (t == LIVE_NO_NODE) {
        *lo = *hi = LIVE_NO_NODE;
    } else if (live_block_start(&b[t]) < key) {
        treap_split(b, b[t].right, key, &b[t].right, hi);
        *lo = t;
    } else {
        treap_split(b, b[t].left, key, lo, &b[t].left);
        *hi = t;
    }
}

/* Joins two trees where every node of lo starts below every node of hi. */
static unsigned treap_merge(struct live_block *b, unsigned lo, unsigned hi)
{
    if (lo == LIVE_NO_NODE)
        return hi;
    if (hi == LIVE_NO_NODE)
        return lo;
    if (b[lo].priority > b[hi].priority) {
        b[lo].right = treap_merge(b, b[lo].right, hi);
        return lo;
    }
    b[hi].left = treap_merge(b, lo, b[hi].left);
    return hi;
}

void live_insert(struct live_set *set, unsigned id)
{
    struct live_block *b = set->blocks;
    b[id].left = b[id].right = LIVE_NO_NODE;
    b[id].priority = next_priority(set);
    unsigned lo, hi;
    treap_split(b, set->root, live_block_start(&b[id]), &lo, &hi);
    set->root = treap_merge(b, treap_merge(b, lo, id), hi);
    b[id].rank = set->count;
    set->ranked[set->count++] = id;
}

void live_remove(struct live_set *set, unsigned id)
{
    struct live_block *b = set->blocks;
    unsigned lo, mid, hi;
    treap_split(b, set->root, live_block_start(&b[id]), &lo, &mid);
    treap_split(b, mid, live_block_start(&b[id]) + 1, &mid, &hi);
    set->root = treap_merge(b, lo, hi);         /* mid is the block itself */
    unsigned last = set->ranked[--set->count];  /* the last ranked block takes its place */
    set->ranked[b[id].rank] = last;
    b[last].rank = b[id].rank;
}

/* The live block that overlaps [start, end), or LIVE_NO_NODE: the block with the greatest start below
 * end is the only candidate, because live blocks are disjoint and sorted. */
unsigned live_find_overlap(const struct live_set *set, uintptr_t start, uintptr_t end)
{
    const struct live_block *b = set->blocks;
    unsigned candidate = LIVE_NO_NODE;
    for (unsigned t = set->root; t != LIVE_NO_NODE;) {
        if (live_block_start(&b[t]) < end) {
            candidate = t;
            t = b[t].right;
        } else {
            t = b[t].left;
        }
    }
    if (candidate != LIVE_NO_NODE && live_block_end(&b[candidate]) > start)
        return candidate;
    return LIVE_NO_NODE;
}
