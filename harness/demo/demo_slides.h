/* demo_slides.h: the sequences of the lecture's slides beyond the first six (demo_slides.c), listed in
 * demo_sequences.c's table by one line (DEMO_SEQUENCES_SLIDES). Each one's captions are pinned in
 * tests/demo/slides/NAME.captions. */
#ifndef HEAPKIT_DEMO_SLIDES_H
#define HEAPKIT_DEMO_SLIDES_H

#include "demo_model.h"

extern const struct trace_op demo_fragmentation_ops[8];
extern const struct trace_op demo_list_malloc_1_ops[5];
extern const struct trace_op demo_list_malloc_3_ops[6];
extern const struct trace_op demo_list_free_ops[7];
extern const struct trace_op demo_dlist_footer_ops[6];
extern const struct trace_op demo_size_check_ops[5];
extern const struct trace_op demo_segregated_ops[7];

#define SLIDE(n, t, st, o, i, d)                                                                              \
    {.name = n, .title = t, .stages = st, .op_count = sizeof o / sizeof o[0], .ops = o, .ids = i,             \
     .slide_unit_bytes = 1, .draws = d}

#define DEMO_SEQUENCES_SLIDES                                                                                 \
    SLIDE("fragmentation", "internal and external fragmentation: free bytes that are not contiguous", "3 4 5", \
          demo_fragmentation_ops, 7, 0),                                                                      \
    SLIDE("list-malloc-1", "List malloc, example 1: a free chunk that fits exactly is reused whole", "3",     \
          demo_list_malloc_1_ops, 5, 0),                                                                      \
    SLIDE("list-malloc-3", "List malloc, example 3: nothing fits: grow, insert at the end, coalesce, use", "3", \
          demo_list_malloc_3_ops, 5, DRAW_SUBSTEPS),                                                          \
    SLIDE("list-free", "List free: insert at its place, coalesce with the next, then the previous chunk", "3",  \
          demo_list_free_ops, 5, DRAW_SUBSTEPS),                                                              \
    SLIDE("dlist-footer", "doubly linked list: free finds the chunk before it through its footer", "4 5",     \
          demo_dlist_footer_ops, 4, DRAW_FOOTER_LOOKUP),                                                      \
    SLIDE("size-check", "error checking with the size field: a corrupted size caught by the checker", "3 4 5", \
          demo_size_check_ops, 4, 0),                                                                         \
    SLIDE("segregated-metadata", "segregated metadata: no header in a chunk, a page-to-size table", "8",       \
          demo_segregated_ops, 6, DRAW_PAGE_TABLE)

#endif
