/* blocks.h: the live blocks a foundation test holds, kept sorted by address so that overlap
 * (including one block inside another) is found with a binary search. */
#ifndef HEAPKIT_TEST_BLOCKS_H
#define HEAPKIT_TEST_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct block {
    unsigned char *mem;
    size_t req_bytes;
    uint32_t seed;            /* the fill pattern's seed */
};

struct block_set {
    struct block *items;      /* sorted by mem */
    size_t count, cap;
};

/* Adds b; returns false (and adds nothing) when b overlaps a live block, setting *clash to it. */
bool blocks_add(struct block_set *set, struct block b, struct block *clash);

/* Removes and returns the block at index i (0 <= i < count). */
struct block blocks_take(struct block_set *set, size_t i);

void blocks_fill(const struct block *b);

/* The offset of the first byte that does not match b's pattern within its first n bytes, or SIZE_MAX. */
size_t blocks_first_bad_byte(const struct block *b, size_t n);

#endif
