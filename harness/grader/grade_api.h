/* grade_api.h: the api.* tests, defined in grade_api_basic.c, grade_api_realloc.c, grade_api_limits.c
 * and grade_api_seam.c, and listed in grade_api.c. */
#ifndef HEAPKIT_GRADE_API_H
#define HEAPKIT_GRADE_API_H

#include <stdbool.h>

#include "grade_test.h"

/* malloc, free and calloc (grade_api_basic.c) */
bool api_alignment(struct grade_ctx *t);
bool api_no_overlap(struct grade_ctx *t);
bool api_payload_intact(struct grade_ctx *t);
bool api_malloc_zero(struct grade_ctx *t);
bool api_free_null(struct grade_ctx *t);
bool api_calloc_zeroes(struct grade_ctx *t);
bool api_calloc_overflow(struct grade_ctx *t);

/* realloc (grade_api_realloc.c) */
bool api_realloc_null(struct grade_ctx *t);
bool api_realloc_shrink(struct grade_ctx *t);
bool api_realloc_grow(struct grade_ctx *t);
bool api_realloc_zero(struct grade_ctx *t);

/* memory the seam refuses and requests no heap can hold (grade_api_limits.c) */
bool api_out_of_memory(struct grade_ctx *t);
bool api_large_requests(struct grade_ctx *t);
bool api_huge_requests(struct grade_ctx *t);

/* failing system calls and another user of the break (grade_api_seam.c) */
bool api_break_moved_by_another(struct grade_ctx *t);
bool api_seam_fails_on_first_malloc(struct grade_ctx *t);
bool api_free_when_a_call_fails(struct grade_ctx *t);
bool api_realloc_when_a_call_fails(struct grade_ctx *t);

/* heapmgr_check() == 0, or a failure "expected heapmgr_check() == 0 <when>, it returned N". */
bool api_expect_valid(struct grade_ctx *t, const char *when);

/* The end of a test that upset the stage: when ok, a malloc of bytes still works, every block
 * frees and heapmgr_check() == 0; b is released either way. */
bool api_allocation_goes_on(struct grade_ctx *t, struct grade_blocks *b, size_t bytes, bool ok);

#endif
