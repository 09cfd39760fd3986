/* grade_robust.c: the table of robust.*, tests that ask more than the lecture's contract.
 *
 * The lecture's allocators assume they are the heap's only user and that the kernel says yes at
 * the first call. A real allocator cannot: under LD_PRELOAD the C library, a language runtime or a
 * second allocator may move the break between two mallocs, and the first break of a process need
 * not be aligned. These tests put the stage in those situations. A student who writes what the
 * slides show can fail them with a correct allocator, so they are a group of their own, which an
 * instructor turns off or weighs in the assignment file ("groups": {"robust": {"enabled": false}}).
 * The tests themselves are with their kin: the api scenarios in grade_api_seam.c, the checker
 * corruptions in grade_checker.c.
 */
#include "grade_api.h"
#include "grade_checker.h"

const struct grade_test grade_robust_tests[] = {
    { "robust.break_moved_by_another", ST_ALL, 3, api_break_moved_by_another },
    { "robust.seam_fails_on_first_malloc", ST_ALL, 3, api_seam_fails_on_first_malloc },
    { "robust.detects_break_moved_up", ST_LISTS, 3, checker_detects_break_moved_up },
    { "robust.detects_break_moved_down", ST_LISTS, 3, checker_detects_break_moved_down },
};
const size_t grade_robust_test_count = sizeof grade_robust_tests / sizeof grade_robust_tests[0];
