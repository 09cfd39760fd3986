/* grow_mode.h: how much a heap stage asks the kernel for when nothing fits.
 *
 * By default a stage grows by its tuned minimum (MIN_GROW_BYTES), so that most mallocs need no
 * system call. The lecture's pictures draw a heap that grows by exactly what is missing, one chunk
 * at a time, so that fragmentation shows after a few small requests: HEAPKIT_GROW=exact in the
 * environment asks for that (the lab's demo --lecture sets it; make demo LECTURE=1). It is read once,
 * at the first grow, because a heap's growth rule cannot change under it. The grader's runner starts
 * with an empty environment, so grading always sees the tuned rule.
 */
#ifndef HEAPKIT_GROW_MODE_H
#define HEAPKIT_GROW_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* True when the environment says HEAPKIT_GROW=exact. */
static inline bool grow_exact(void)
{
    static int exact = -1;     /* read once: -1 not yet, 0 tuned, 1 exact */
    if (exact < 0) {
        const char *wanted = getenv("HEAPKIT_GROW");
        exact = wanted != NULL && strcmp(wanted, "exact") == 0;
    }
    return exact == 1;
}

/* The least a grow asks for: the stage's tuned minimum, or (growing exactly) no minimum at all. */
static inline size_t grow_min_bytes(size_t tuned_bytes)
{
    return grow_exact() ? 0 : tuned_bytes;
}

#endif
