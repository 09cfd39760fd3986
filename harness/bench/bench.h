/* bench.h: the parts of heapkit bench (bench.c): the scaling experiment and its SVG plot. */
#ifndef HEAPKIT_BENCH_H
#define HEAPKIT_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "replay.h"

enum { SCALING_SIZES = 3, SCALING_TARGETS_MAX = 8 };

/* The numbers of free chunks the experiment sets up: 1 000, 10 000, 100 000. */
extern const size_t scaling_free_chunks[SCALING_SIZES];

/* The cost of one malloc and one free on a heap that holds k free chunks, each fenced by used
 * ones (bench_scaling.c). */
struct scaling_point {
    bool ok;
    double malloc_ns;            /* a request no free chunk fits: first fit must look at them all */
    double free_ns;              /* freeing a random used chunk between two free ones */
    size_t ops;                  /* mallocs and frees timed per measurement */
};

struct scaling_series {
    char name[48];               /* "stage 3 (List)" */
    struct scaling_point at[SCALING_SIZES];
};

/* Measures target at each size of scaling_free_chunks (up to sizes of them), best of runs fresh
 * children per size. */
void scaling_measure(struct replay_target target, size_t sizes, unsigned runs, struct scaling_series *out);

/* Writes the two log-log panels (free, malloc: ns/op against free chunks) as an SVG file.
 * Returns 0, or -1 when the file cannot be written. */
int scaling_write_svg(const char *path, const struct scaling_series *series, size_t series_count, size_t sizes);

/* bench_beyond.c: the fit policies of stages 3 and 4 and the allocators beyond the six on the trace
 * suite: utilization, largest free chunk over free bytes, internal fragmentation, malloc cost. */
struct trace;
void bench_beyond(const struct trace *traces, size_t count, bool quick);   /* quick: the first 2 traces */

#endif
