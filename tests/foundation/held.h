/* held.h: the live blocks a foundation test holds: the checked replay's live set
 * (harness/trace/replay_live.h), each block filled with the replay's payload pattern
 * (harness/trace/replay_pattern.h), so overlap (one block inside another included) is found in
 * O(log n) and any block can be picked at random in O(1). Every block gets an id of its own. */
#ifndef HEAPKIT_TEST_HELD_H
#define HEAPKIT_TEST_HELD_H

#include <stdbool.h>
#include <stddef.h>

#include "replay_live.h"

struct held {
    struct live_set set;         /* set.count blocks held now */
    unsigned next_id, ids;
};

/* An empty set for up to ids blocks over the test's life. */
void held_init(struct held *h, unsigned ids);
void held_release(struct held *h);

/* Takes [mem, +bytes) in as a live block and fills it with its pattern; false, with *clash the live
 * block it overlaps, when it overlaps one (then nothing is taken in). */
bool held_add(struct held *h, void *mem, size_t bytes, const struct live_block **clash);

/* Takes the k-th held block (0 <= k < set.count, in no particular order) out of the set. */
struct live_block held_take(struct held *h, unsigned k);

/* The offset of the first of b's first n bytes that lost its pattern, or SIZE_MAX. */
size_t held_damage(const struct live_block *b, size_t n);

#endif
