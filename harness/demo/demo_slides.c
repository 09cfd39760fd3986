/* demo_slides.c: the lecture's slide sequences beyond the first six (demo_slides.h lists them).
 *
 * Sizes are bytes; lecture mode (--lecture) grows the heap by exactly what is missing, as the slides
 * draw it, so that each slide's heap holds only the chunks it shows. Chunk sizes below are header +
 * payload rounded up to 16 + footer: malloc(40) is an 80-byte chunk, malloc(100) a 144-byte one.
 */
#include "demo_slides.h"

/* Internal fragmentation: malloc(100) gets a 112-byte payload, 12 bytes of it unused. External: p2's
 * 100 bytes and p4's 50 are freed, 150 bytes the program gave back (144 + 96 = 240 chunk bytes), but
 * in two chunks apart: malloc(150), a 192-byte chunk, fits in neither, and the heap must grow. */
const struct trace_op demo_fragmentation_ops[8] = {
    {TRACE_ALLOC, 1, 100, 0}, {TRACE_ALLOC, 2, 100, 0}, {TRACE_ALLOC, 3, 40, 0}, {TRACE_ALLOC, 4, 50, 0},
    {TRACE_ALLOC, 5, 40, 0},  {TRACE_FREE, 2, 0, 0},    {TRACE_FREE, 4, 0, 0},  {TRACE_ALLOC, 6, 150, 0},
};

/* List malloc, example 1: p2's 80-byte chunk is freed between two in use; malloc(40) needs 80 bytes,
 * the first (and only) chunk on the list fits exactly and is unlinked whole. */
const struct trace_op demo_list_malloc_1_ops[5] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 40, 0}, {TRACE_FREE, 2, 0, 0},
    {TRACE_ALLOC, 4, 40, 0},
};

/* List malloc, example 3: the free chunks are p1's 80 bytes and p3's 144 at the end of the heap;
 * malloc(200) needs 240: nothing fits, the heap grows by 240, the new chunk goes at the end of the
 * list, coalesces with p3's into 384 bytes, and the tail end is handed out. */
const struct trace_op demo_list_malloc_3_ops[6] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 100, 0}, {TRACE_FREE, 1, 0, 0},
    {TRACE_FREE, 3, 0, 0},   {TRACE_ALLOC, 4, 200, 0},
};

/* List free: four chunks; free p1 (no free neighbour), p3 (none either), then p2, which the next and
 * then the previous chunk absorb in turn, and p4, which merges with the chunk before it. */
const struct trace_op demo_list_free_ops[7] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 40, 0}, {TRACE_ALLOC, 4, 40, 0},
    {TRACE_FREE, 1, 0, 0},   {TRACE_FREE, 3, 0, 0},   {TRACE_FREE, 2, 0, 0},
};

/* The doubly linked list's boundary tags: free(p2) reads the footer just below its header, which
 * says p1's chunk is 80 bytes and free, and its own size, which leads to p3's chunk, in use. */
const struct trace_op demo_dlist_footer_ops[6] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 40, 0},
    {TRACE_FREE, 1, 0, 0},   {TRACE_FREE, 2, 0, 0},   {TRACE_FREE, 3, 0, 0},
};

/* Error checking with the size field: a bug overwrites p2's size with 4096; the chunks no longer tile
 * the heap, and the stage's checker says so. */
const struct trace_op demo_size_check_ops[5] = {
    {TRACE_ALLOC, 1, 40, 0}, {TRACE_ALLOC, 2, 40, 0}, {TRACE_ALLOC, 3, 40, 0},
    {DEMO_OP_SMASH_SIZE, 2, 4096, 0}, {DEMO_OP_CHECK, 0, 0, 0},
};

/* Segregated metadata on the slab allocator: no chunk carries a header; the page a pointer lies in
 * says its size. Objects of 16, 100 (in the 128-byte cache), 20 (32) and 1000 bytes (1024), two in
 * one page; each free looks its size up by the page. */
const struct trace_op demo_segregated_ops[7] = {
    {TRACE_ALLOC, 0, 16, 0}, {TRACE_ALLOC, 1, 100, 0}, {TRACE_ALLOC, 2, 20, 0}, {TRACE_ALLOC, 3, 1000, 0},
    {TRACE_ALLOC, 4, 16, 0}, {TRACE_FREE, 1, 0, 0},    {TRACE_FREE, 0, 0, 0},
};
