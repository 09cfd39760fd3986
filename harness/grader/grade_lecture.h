/* grade_lecture.h: the lecture tests of the list stages (3-5), defined in grade_lecture_lists.c,
 * grade_lecture_fit.c, grade_lecture_chunks.c and grade_lecture_cost.c, and listed with the others in
 * grade_lecture.c. */
#ifndef HEAPKIT_GRADE_LECTURE_H
#define HEAPKIT_GRADE_LECTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grade_test.h"

/* Stage 2 (grade_lecture.c): the pad left above mem, a block of bytes handed out by a malloc that
 * moved the break, is under MIN_ALLOC bytes, as the lecture's grow leaves it; else a failure. */
bool lecture_pad_as_grown(struct grade_ctx *t, const char *mem, size_t bytes);

/* What the free lists hold (grade_lecture_lists.c) */
bool lecture_reuses_freed_chunks(struct grade_ctx *t);
bool lecture_address_ordered_list(struct grade_ctx *t);
bool lecture_lists_consistent(struct grade_ctx *t);
bool lecture_right_bin(struct grade_ctx *t);

/* Where malloc places a request (grade_lecture_fit.c) */
bool lecture_first_fit(struct grade_ctx *t);
bool lecture_split_returns_tail(struct grade_ctx *t);
bool lecture_best_fit_small(struct grade_ctx *t);

/* What the chunks in memory show (grade_lecture_chunks.c) */
bool lecture_coalesce_both_sides(struct grade_ctx *t);
bool lecture_no_adjacent_free_chunks(struct grade_ctx *t);
bool lecture_status_bits_and_footers(struct grade_ctx *t);

/* A seeded mix of malloc, free and realloc of ops operations, then every block freed in a seeded
 * order; check(t, live blocks) must hold every `every` operations and at the end
 * (grade_lecture_chunks.c). */
bool lecture_workload(struct grade_ctx *t, uint64_t seed, size_t ops, size_t every,
                      bool (*check)(struct grade_ctx *t, const struct grade_blocks *b));

/* What lists cost (grade_lecture_cost.c) */
bool lecture_free_walks_the_list(struct grade_ctx *t);
bool lecture_free_is_constant_time(struct grade_ctx *t);
bool lecture_malloc_search_is_bounded(struct grade_ctx *t);

#endif
