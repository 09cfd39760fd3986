/* demo_sequences.c: the sequences the lecture draws, as ops on pointers p1, p2, ...
 *
 * Each one is small enough to follow on a slide and built so that the property it names shows on
 * the stages it is meant for (the ids are the pointer names: id 2 is p2).
 */
#include "demo_sequences.h"
#include "demo_beyond.h"
#include "demo_slides.h"

#include "chunk.h"

#include <string.h>

/* The lecture's "desired behaviour" sequence, the same on every stage. */
static const struct trace_op default_ops[10] = {
    {TRACE_ALLOC, 1, 3, 0}, {TRACE_ALLOC, 2, 1, 0}, {TRACE_ALLOC, 3, 4, 0}, {TRACE_FREE, 2, 0, 0},
    {TRACE_ALLOC, 4, 6, 0}, {TRACE_FREE, 3, 0, 0},  {TRACE_ALLOC, 5, 2, 0}, {TRACE_FREE, 1, 0, 0},
    {TRACE_FREE, 4, 0, 0},  {TRACE_FREE, 5, 0, 0},
};

/* Stage 2's pad: small requests come out of the pad, a large one grows the heap by more than it needs. */
static const struct trace_op pad_ops[6] = {
    {TRACE_ALLOC, 1, 100, 0},  {TRACE_ALLOC, 2, 3000, 0}, {TRACE_ALLOC, 3, 5000, 0},
    {TRACE_ALLOC, 4, 20000, 0}, {TRACE_ALLOC, 5, 10, 0},  {TRACE_FREE, 2, 0, 0},
};

/* First fit: three freed chunks (240, 96 and 64 bytes) kept apart by chunks in use, then a request
 * of 144 chunk bytes that only the 240-byte one fits. p1 takes all but 48 bytes of the heap's first
 * 8192, so no big free chunk stands on the list in front of the freed ones: on stage 3 (address
 * order) the search passes the 48-byte rest, p6's and p4's chunks; on stage 4 (last freed first)
 * p6's and p4's. */
static const struct trace_op first_fit_ops[11] = {
    {TRACE_ALLOC, 1, 7568, 0}, {TRACE_ALLOC, 2, 200, 0}, {TRACE_ALLOC, 3, 8, 0},  {TRACE_ALLOC, 4, 64, 0},
    {TRACE_ALLOC, 5, 8, 0},    {TRACE_ALLOC, 6, 32, 0},  {TRACE_ALLOC, 7, 8, 0},  {TRACE_FREE, 2, 0, 0},
    {TRACE_FREE, 4, 0, 0},     {TRACE_FREE, 6, 0, 0},    {TRACE_ALLOC, 8, 100, 0},
};

/* Coalescing: free the chunks on both sides of p2 first, then p2 joins all three. */
static const struct trace_op coalesce_ops[8] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 40, 0}, {TRACE_ALLOC, 4, 40, 0},
    {TRACE_FREE, 1, 0, 0},   {TRACE_FREE, 3, 0, 0},   {TRACE_FREE, 2, 0, 0},  {TRACE_FREE, 4, 0, 0},
};

/* Bins: a freed 5-unit chunk serves the next 5-unit request (a hit); a 6-unit request finds its own
 * bin empty and takes the freed 9-unit chunk, the smallest that fits (a miss), splitting it. */
static const struct trace_op bins_ops[8] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 8, 0},  {TRACE_ALLOC, 3, 100, 0}, {TRACE_ALLOC, 4, 8, 0},
    {TRACE_FREE, 1, 0, 0},   {TRACE_FREE, 3, 0, 0},   {TRACE_ALLOC, 5, 40, 0},  {TRACE_ALLOC, 6, 60, 0},
};

/* A large chunk: stage 6 maps it alone and unmaps it at free; the heap stages grow the heap for it. */
static const struct trace_op mmap_ops[5] = {
    {TRACE_ALLOC, 1, 10, 0}, {TRACE_ALLOC, 2, 100000, 0}, {TRACE_ALLOC, 3, 10, 0},
    {TRACE_FREE, 2, 0, 0},   {TRACE_FREE, 1, 0, 0},
};

#define SEQUENCE(n, t, st, o, i) SEQUENCE_IN_UNITS(n, t, st, o, i, 1)
/* A sequence whose slide counts in units: in lecture mode each of its bytes stands for u bytes. */
#define SEQUENCE_IN_UNITS(n, t, st, o, i, u)                                                                 \
    {.name = n, .title = t, .stages = st, .op_count = sizeof o / sizeof o[0], .ops = o, .ids = i,             \
     .slide_unit_bytes = u}

const struct demo_sequence demo_sequences[] = {
    /* the slide draws its sizes in boxes: --lecture makes each a 16-byte unit (docs/lecture.md) */
    SEQUENCE_IN_UNITS("default", "the lecture's desired behaviour: malloc and free of small blocks", "1 2 3 4 5 6",
                      default_ops, 6, CHUNK_UNIT),
    SEQUENCE("pad", "Pad: small requests come out of the pad, the heap grows by at least 8192 bytes", "1 2",
             pad_ops, 6),
    SEQUENCE("first-fit", "first fit: search the free list, split the chunk that fits", "3 4", first_fit_ops, 9),
    SEQUENCE("coalesce", "free with coalescing on both sides", "3 4 5", coalesce_ops, 5),
    SEQUENCE("bins", "a bin hit and a bin miss", "5", bins_ops, 7),
    SEQUENCE("mmap", "mmap and munmap of a large chunk", "6 5", mmap_ops, 4),
    DEMO_SEQUENCES_SLIDES,                       /* the lecture's other slides: demo_slides.h */
    DEMO_SEQUENCES_BEYOND,                       /* the fit policies, buddy and slab: demo_beyond.h */
};

const size_t demo_sequence_count = sizeof demo_sequences / sizeof demo_sequences[0];

const struct demo_sequence *demo_sequence_find(const char *name)
{
    for (size_t i = 0; i < demo_sequence_count; i++)
        if (strcmp(demo_sequences[i].name, name) == 0)
            return &demo_sequences[i];
    return NULL;
}

struct demo_sequence demo_sequence_from_trace(const struct trace *t)
{
    return (struct demo_sequence){t->name, "a script in the trace format", "any", t->op_count, t->ops, t->ids, 1, 0};
}
