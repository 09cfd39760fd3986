/* grade_lecture.h: the lecture tests of the list stages (3-5), defined in grade_lecture_lists.c and
 * grade_lecture_cost.c and listed with the others in grade_lecture.c. */
#ifndef HEAPKIT_GRADE_LECTURE_H
#define HEAPKIT_GRADE_LECTURE_H

#include <stdbool.h>

#include "grade_test.h"

bool lecture_reuses_freed_chunks(struct grade_ctx *t);
bool lecture_address_ordered_list(struct grade_ctx *t);
bool lecture_first_fit(struct grade_ctx *t);
bool lecture_split_returns_tail(struct grade_ctx *t);
bool lecture_coalesce_both_sides(struct grade_ctx *t);
bool lecture_no_adjacent_free_chunks(struct grade_ctx *t);
bool lecture_status_bits_and_footers(struct grade_ctx *t);
bool lecture_lists_consistent(struct grade_ctx *t);
bool lecture_right_bin(struct grade_ctx *t);
bool lecture_best_fit_small(struct grade_ctx *t);

bool lecture_free_walks_the_list(struct grade_ctx *t);
bool lecture_free_is_constant_time(struct grade_ctx *t);
bool lecture_malloc_search_is_bounded(struct grade_ctx *t);

#endif
