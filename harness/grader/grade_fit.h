/* grade_fit.h: the placement policies of stages 3 and 4 as the grader grades them.
 *
 * Stages 3 and 4 place by first fit, the lecture's policy, and can be built or run with next, best or
 * worst fit instead (stage3_list/heapmgr.c, "the placement policy"). `heapkit grade --fit POLICY`
 * grades the reference built with that policy (build/<stage>/runner-fit-POLICY) or a submission as
 * is, and replaces the tests that assume first fit by the policy's own: lecture.next_fit,
 * lecture.best_fit or lecture.worst_fit (grade_lecture_policy.c). The helpers below are the placement
 * tests' shared set-up, defined in grade_lecture_fit.c.
 */
#ifndef HEAPKIT_GRADE_FIT_H
#define HEAPKIT_GRADE_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_test.h"

/* Is fit one of first, next, best, worst? */
bool grade_fit_known(const char *fit);

/* Does grading fit change stage n (3 or 4, a policy other than none)? Then its reference runner is
 * runner-fit-<fit>. */
bool grade_fit_applies(const char *fit, int n);

/* Is t a test that assumes first fit and is left out when fit is another policy? */
bool grade_fit_replaces(const char *fit, const struct grade_test *t);

/* The policy's own test (stages 3 and 4), or NULL for first fit or none. */
const struct grade_test *grade_fit_test(const char *fit);

/* grade_lecture_fit.c: blocks of the given payload sizes, each followed by a small guard, the blocks
 * freed and the guards kept (free chunks that cannot coalesce); whether a free chunk's size lies within
 * slack bytes of need; the first (lowest) and the best free chunk of the view that fits need. */
bool free_chunks_of(struct grade_ctx *t, struct grade_blocks *guards, const size_t *sizes, size_t n);
bool ambiguous(const struct heap_view *v, size_t need, size_t slack);
chunk_t *first_fit_in(const struct heap_view *v, size_t need);
chunk_t *best_fit_in(const struct heap_view *v, size_t need);

#endif
