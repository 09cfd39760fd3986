/* grade_beyond.c: the tables of the tests of the two allocators beyond the six (grade_test.h): their
 * own properties, planned with the lecture group, and their checker tests, planned after the checker's.
 * The tests are in grade_buddy.c, grade_buddy_checker.c, grade_slab.c and grade_slab_checker.c. */
#include "grade_beyond.h"

const struct grade_test grade_beyond_tests[] = {
    { "lecture.buddy_blocks_are_aligned_powers_of_two", ST_BUDDY, 5, buddy_blocks_are_aligned_powers_of_two },
    { "lecture.buddy_free_buddies_merged", ST_BUDDY, 5, buddy_free_buddies_merged },
    { "lecture.buddy_free_lists_hold_one_order", ST_BUDDY, 5, buddy_free_lists_hold_one_order },
    { "lecture.buddy_lesson_example", ST_BUDDY, 5, buddy_lesson_example },
    { "lecture.slab_cache_objects_one_size", ST_SLAB, 5, slab_cache_objects_one_size },
    { "lecture.slab_free_counts_match_objects", ST_SLAB, 5, slab_free_counts_match_objects },
    { "lecture.slab_empty_slabs_returned", ST_SLAB, 5, slab_empty_slabs_returned },
};
const size_t grade_beyond_test_count = sizeof grade_beyond_tests / sizeof grade_beyond_tests[0];

const struct grade_test grade_beyond_checker_tests[] = {
    { "checker.detects_unmerged_buddies", ST_BUDDY, 3, buddy_detects_unmerged_buddies },
    { "checker.detects_listed_block_in_use", ST_BUDDY, 3, buddy_detects_listed_block_in_use },
    { "checker.detects_block_not_power_of_two", ST_BUDDY, 3, buddy_detects_block_not_power_of_two },
    { "checker.detects_misaligned_block", ST_BUDDY, 3, buddy_detects_misaligned_block },
    { "checker.detects_stale_footer", ST_BUDDY, 3, buddy_detects_stale_footer },
    { "checker.detects_broken_prev_link", ST_BUDDY, 3, buddy_detects_broken_prev_link },
    { "checker.detects_free_count_off_by_one", ST_SLAB, 3, slab_detects_free_count_off_by_one },
    { "checker.detects_chain_into_other_slab", ST_SLAB, 3, slab_detects_chain_into_other_slab },
    { "checker.detects_wrong_object_size", ST_SLAB, 3, slab_detects_wrong_object_size },
    { "checker.detects_wrong_cache", ST_SLAB, 3, slab_detects_wrong_cache },
    { "checker.detects_lost_free_objects", ST_SLAB, 3, slab_detects_lost_free_objects },
    { "checker.detects_unmapped_slab", ST_SLAB, 3, slab_detects_unmapped_slab },
};
const size_t grade_beyond_checker_test_count = sizeof grade_beyond_checker_tests / sizeof grade_beyond_checker_tests[0];
