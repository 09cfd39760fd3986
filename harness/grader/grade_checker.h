/* grade_checker.h: what the checker.* tests (grade_checker.c) share, defined in
 * grade_checker_heaps.c: healthy heaps to corrupt, targets in them, and the two verdicts asked of
 * the stage's own heapmgr_check. */
#ifndef HEAPKIT_GRADE_CHECKER_H
#define HEAPKIT_GRADE_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_test.h"

/* heapmgr_check() == 0 <when> (on a healthy heap), and heapmgr_check() > 0 after <corruption>;
 * otherwise a failure saying which. */
bool checker_expect_valid(struct grade_ctx *t, const char *when);
bool checker_expect_detected(struct grade_ctx *t, const char *corruption);

/* Moves the break by delta bytes behind the stage's back (the grader calling os_sbrk itself). */
bool checker_move_break(struct grade_ctx *t, intptr_t delta);

/* ---- stages 3-5: chunks and lists -------------------------------------------------------------- */

/* Corrupts exactly one thing in the healthy heap v and says what in what[0..what_cap); or, when v
 * holds nothing to corrupt, returns checker_no_target(...). */
typedef bool corruption_fn(struct grade_ctx *t, struct heap_view *v, char *what, size_t what_cap);

/* Builds a healthy heap of free and used chunks of three sizes, expects heapmgr_check() == 0,
 * applies corrupt and expects heapmgr_check() > 0. */
bool checker_detects(struct grade_ctx *t, corruption_fn *corrupt);

/* Records that the healthy heap held no <what> to corrupt, and returns false. */
bool checker_no_target(struct grade_ctx *t, const struct heap_view *v, const char *what);

/* The last chunk of a free list of at least two chunks, of min_units..max_units units; its list's
 * head in *head. NULL when there is none. */
chunk_t *checker_tail_of_long_list(const struct heap_view *v, chunk_t **head, size_t min_units, size_t max_units);

/* checker_tail_of_long_list of any size, or NULL after recording (checker_no_target) that the
 * healthy heap has no free list of two or more chunks. */
chunk_t *checker_long_list_or_fail(struct grade_ctx *t, const struct heap_view *v, chunk_t **head);

/* Stages 4 and 5 keep prev links (in the footer); stage 3 does not. */
bool checker_stage_keeps_prev(const struct grade_ctx *t);

/* Links c into a list right after `after`, keeping next and, where the stage has them, prev
 * consistent. */
void checker_link_after(const struct grade_ctx *t, chunk_t *after, chunk_t *c);

/* Links a checker must survive, and the last chunk in use past the break (grade_checker_links.c) */
bool checker_detects_cycle_past_head(struct grade_ctx *t);
bool checker_detects_link_to_unmapped(struct grade_ctx *t);
bool checker_detects_forged_chunk_at_end(struct grade_ctx *t);
bool checker_detects_used_chunk_past_break(struct grade_ctx *t);

/* robust.detects_break_moved_up and _down (listed in grade_robust.c) */
bool checker_detects_break_moved_up(struct grade_ctx *t);
bool checker_detects_break_moved_down(struct grade_ctx *t);

/* ---- stage 6: mappings --------------------------------------------------------------------------- */

struct checker_mapping {
    const void *inside;
    void *start;
    size_t length;
};

/* Ten live blocks and a healthy check; the mapping that holds one of them in *found. */
bool checker_healthy_mappings(struct grade_ctx *t, struct checker_mapping *found);

#endif
