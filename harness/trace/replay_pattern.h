/* replay_pattern.h: the pattern the checked replay writes into every payload, and finding where it
 * was damaged (replay_pattern.c).
 */
#ifndef HEAPKIT_REPLAY_PATTERN_H
#define HEAPKIT_REPLAY_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The pattern's tag for trace id id filled at op op; never zero. */
uint64_t replay_pattern_tag(unsigned id, size_t op);

/* Writes the pattern of tag over [mem, mem + bytes). */
void replay_pattern_fill(void *mem, size_t bytes, uint64_t tag);

/* The offset of the first byte of [mem, mem + bytes) that differs from the pattern, or SIZE_MAX. */
size_t replay_pattern_find_damage(const void *mem, size_t bytes, uint64_t tag);

#endif
