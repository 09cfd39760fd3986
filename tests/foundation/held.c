/* held.c: the live blocks a foundation test holds (held.h). */
#include "held.h"

#include <stdint.h>
#include <stdlib.h>

#include "replay_pattern.h"

void held_init(struct held *h, unsigned ids)
{
    if (!live_init(&h->set, ids))
        abort();
    h->next_id = 0;
    h->ids = ids;
}

void held_release(struct held *h)
{
    live_release(&h->set);
}

bool held_add(struct held *h, void *mem, size_t bytes, const struct live_block **clash)
{
    if (h->next_id == h->ids)
        abort();                                /* a test holds at most the ids it asked for */
    unsigned id = h->next_id++;
    struct live_block *b = &h->set.blocks[id];
    *b = (struct live_block){.mem = mem, .bytes = bytes, .tag = replay_pattern_tag(id, 0), .live = true};
    unsigned other = live_find_overlap(&h->set, live_block_start(b), live_block_end(b));
    if (other != LIVE_NO_NODE) {
        *clash = &h->set.blocks[other];
        b->mem = NULL;
        return false;
    }
    live_insert(&h->set, id);
    replay_pattern_fill(mem, bytes, b->tag);
    return true;
}

struct live_block held_take(struct held *h, unsigned k)
{
    unsigned id = live_at(&h->set, k);
    struct live_block b = h->set.blocks[id];
    live_remove(&h->set, id);
    return b;
}

size_t held_damage(const struct live_block *b, size_t n)
{
    return replay_pattern_find_damage(b->mem, n, b->tag);
}
