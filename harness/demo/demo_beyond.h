/* demo_beyond.h: the demos of the allocators beyond the six (beyond/buddy, beyond/slab), and the
 * sequences made for them and for the fit policies of stages 3 and 4 (demo_sequences_beyond.c). */
#ifndef HEAPKIT_DEMO_BEYOND_H
#define HEAPKIT_DEMO_BEYOND_H

#include "demo_model.h"
#include "stages.h"

/* Replays seq on stage s (buddy or slab) in a child process and draws the heap after each op in the
 * terminal. 0 when the run ended normally, 1 when it did not, 2 when no child could be started. */
int demo_beyond(const struct stage *s, const struct demo_sequence *seq);

/* The sequences, listed in demo_sequences.c's table by DEMO_SEQUENCES_BEYOND. */
extern const struct trace_op demo_fit_20_30_ops[9];
extern const struct trace_op demo_buddy_lesson_ops[8];
extern const struct trace_op demo_slab_caches_ops[10];

#define DEMO_SEQUENCES_BEYOND                                                                                   \
    SEQUENCE("fit-20-30", "fit policies: a 20-unit and a 30-unit hole; best takes the 20, worst the 30", "3 4",  \
             demo_fit_20_30_ops, 7),                                                                            \
    SEQUENCE("buddy-lesson", "the buddy system's 1 MB in 64 kB units: splits down, merges back up", "7",         \
             demo_buddy_lesson_ops, 4),                                                                         \
    SEQUENCE("slab-caches", "slab caches: objects by size class, slabs full, partial, empty, given back", "8",   \
             demo_slab_caches_ops, 8)

#endif
