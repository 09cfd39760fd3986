/* workloads.h: the seven COS 217 style workloads, generated as traces.
 *
 *   LifoFixed    allocate count blocks of max_bytes, free them last-in first-out
 *   FifoFixed    ... free them first-in first-out
 *   LifoRandom   random sizes 1..max_bytes, freed LIFO
 *   FifoRandom   random sizes, freed FIFO
 *   RandomFixed  fixed size, allocations and frees interleaved at random
 *   RandomRandom random sizes, interleaved at random
 *   Worst        a pattern that defeats reuse (each freed block too small for the next request)
 */
#ifndef HEAPKIT_WORKLOADS_H
#define HEAPKIT_WORKLOADS_H

#include "tracefile.h"

enum { WORKLOAD_COUNT = 7 };

extern const char *const workload_names[WORKLOAD_COUNT];

/* Builds the named workload as a trace (out->name is the workload's name). Deterministic for a seed.
 * Returns 0, or -1 when name is unknown. */
int workload_make(const char *name, unsigned count, size_t max_bytes, unsigned seed, struct trace *out);

#endif
