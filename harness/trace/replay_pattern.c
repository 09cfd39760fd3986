/* replay_pattern.c: payload patterns for the checked replay.
 *
 * Every payload is filled with a pattern derived from its id and the op that filled it, word by word,
 * and checked at its free and its realloc (the min(old, new) bytes a realloc must preserve). The tag
 * is never zero, so fresh zeroed memory never passes for a pattern.
 */
#include "replay_pattern.h"

#include <string.h>

uint64_t replay_pattern_tag(unsigned id, size_t op)
{
    uint64_t x = ((uint64_t)id << 32) ^ (uint64_t)op ^ 0x5bd1e9955bd1e995ull;
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return x | 1;                   /* never all zero, so fresh zeroed memory never matches */
}

static uint64_t pattern_word(uint64_t tag, size_t word)
{
    return tag ^ ((uint64_t)(word + 1) * 0xff51afd7ed558ccdull);
}

void replay_pattern_fill(void *mem, size_t bytes, uint64_t tag)
{
    unsigned char *p = mem;
    size_t words = bytes / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t w = pattern_word(tag, i);
        memcpy(p + 8 * i, &w, 8);
    }
    uint64_t w = pattern_word(tag, words);
    memcpy(p + 8 * words, &w, bytes % 8);
}

size_t replay_pattern_find_damage(const void *mem, size_t bytes, uint64_t tag)
{
    const unsigned char *p = mem;
    size_t words = bytes / 8;
    for (size_t i = 0; i <= words; i++) {
        uint64_t want = pattern_word(tag, i);
        size_t n = i < words ? 8 : bytes % 8;
        if (n == 0 || memcmp(p + 8 * i, &want, n) == 0)
            continue;
        const unsigned char *want_bytes = (const unsigned char *)&want;
        for (size_t k = 0; k < n; k++)
            if (p[8 * i + k] != want_bytes[k])
                return 8 * i + k;
    }
    return SIZE_MAX;
}
