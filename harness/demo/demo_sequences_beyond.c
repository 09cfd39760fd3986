/* demo_sequences_beyond.c: the sequences of the fit policies and of the two allocators beyond the six
 * (listed in demo_sequences.c's table through DEMO_SEQUENCES_BEYOND, demo_beyond.h). */
#include "demo_beyond.h"

/* The 20/30 example on stage 3's first 8192 bytes (chunks are handed out from the top down): p1 will
 * be a 30-unit hole (480 bytes), p3 a 20-unit hole (320) below it, each kept apart by a guard, and p5
 * fills the rest so that no big free chunk stands in the way. Then p6 (3 units): first, next and best
 * fit take the 20-unit hole, worst fit the 30 (leaving 27 units, a more usable remainder); p7 (15
 * units): first and best take what is left of the 20 (17 units, too little to split), worst the 27,
 * and next fit, which resumes past the chunk it took last, the 30. Run it once per policy:
 * make demo-fits. */
const struct trace_op demo_fit_20_30_ops[9] = {
    {TRACE_ALLOC, 1, 448, 0}, {TRACE_ALLOC, 2, 8, 0},    {TRACE_ALLOC, 3, 288, 0},
    {TRACE_ALLOC, 4, 8, 0},   {TRACE_ALLOC, 5, 7264, 0}, {TRACE_FREE, 1, 0, 0},
    {TRACE_FREE, 3, 0, 0},    {TRACE_ALLOC, 6, 16, 0},   {TRACE_ALLOC, 7, 200, 0},
};

/* The lesson's buddy example, as ids 0-3 = A-D: A = 70 kB, B = 35 kB, C = 80 kB, free A, D = 60 kB,
 * free B, free D, free C. With 32 bytes of tags, A and C take 128 kB blocks, B and D 64 kB; the last
 * two frees merge back up to the whole 1 MB arena. */
const struct trace_op demo_buddy_lesson_ops[8] = {
    {TRACE_ALLOC, 0, 70000, 0}, {TRACE_ALLOC, 1, 35000, 0}, {TRACE_ALLOC, 2, 80000, 0},
    {TRACE_FREE, 0, 0, 0},      {TRACE_ALLOC, 3, 60000, 0}, {TRACE_FREE, 1, 0, 0},
    {TRACE_FREE, 3, 0, 0},      {TRACE_FREE, 2, 0, 0},
};

/* Slab caches: three 1000-byte objects fill a 1024-byte slab (3 objects a page) and a fourth opens
 * a second slab; a 20-byte object goes to the 32-byte cache, a 2000-byte request is mapped on its
 * own. Freeing the fourth leaves the second slab empty (kept: one empty slab per cache); freeing the
 * first three empties the first one too, and that second empty slab goes back to the kernel. */
const struct trace_op demo_slab_caches_ops[10] = {
    {TRACE_ALLOC, 0, 1000, 0}, {TRACE_ALLOC, 1, 1000, 0}, {TRACE_ALLOC, 2, 1000, 0}, {TRACE_ALLOC, 3, 1000, 0},
    {TRACE_ALLOC, 4, 20, 0},   {TRACE_ALLOC, 5, 2000, 0}, {TRACE_FREE, 3, 0, 0},     {TRACE_FREE, 0, 0, 0},
    {TRACE_FREE, 1, 0, 0},     {TRACE_FREE, 2, 0, 0},
};
