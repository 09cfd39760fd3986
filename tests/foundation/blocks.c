/* blocks.c: a sorted set of live blocks with fill patterns, for the foundation tests. */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

static unsigned char pattern_byte(uint32_t seed, size_t i)
{
    uint32_t x = seed ^ (uint32_t)(i * 2654435761u);
    x ^= x >> 13;
    return (unsigned char)(x * 0x5bd1e995u >> 24);
}

void blocks_fill(const struct block *b)
{
    for (size_t i = 0; i < b->req_bytes; i++)
        b->mem[i] = pattern_byte(b->seed, i);
}

size_t blocks_first_bad_byte(const struct block *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->mem[i] != pattern_byte(b->seed, i))
            return i;
    return SIZE_MAX;
}

/* The index of the first block whose start is above mem. */
static size_t upper_bound(const struct block_set *set, const unsigned char *mem)
{
    size_t lo = 0, hi = set->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)set->items[mid].mem <= (uintptr_t)mem)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool overlaps(const struct block *a, const struct block *b)
{
    /* An empty request still owns its address: count it as one byte. */
    uintptr_t a_end = (uintptr_t)a->mem + (a->req_bytes ? a->req_bytes : 1);
    uintptr_t b_end = (uintptr_t)b->mem + (b->req_bytes ? b->req_bytes : 1);
    return (uintptr_t)a->mem < b_end && (uintptr_t)b->mem < a_end;
}

bool blocks_add(struct block_set *set, struct block b, struct block *clash)
{
    size_t at = upper_bound(set, b.mem);
    /* Sorted, non-overlapping blocks: only the neighbours on either side can overlap b. */
    if (at > 0 && overlaps(&set->items[at - 1], &b)) {
        *clash = set->items[at - 1];
        return false;
    }
    if (at < set->count && overlaps(&set->items[at], &b)) {
        *clash = set->items[at];
        return false;
    }
    if (set->count == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 1024;
        set->items = realloc(set->items, set->cap * sizeof *set->items);
        if (set->items == NULL)
            abort();
    }
    memmove(&set->items[at + 1], &set->items[at], (set->count - at) * sizeof *set->items);
    set->items[at] = b;
    set->count++;
    return true;
}

struct block blocks_take(struct block_set *set, size_t i)
{
    struct block b = set->items[i];
    memmove(&set->items[i], &set->items[i + 1], (set->count - i - 1) * sizeof *set->items);
    set->count--;
    return b;
}
