/* grade_api.c: the table of api.*, the C allocation contract of common/heapmgr.h, the same for every
 * stage (the tests are in grade_api_*.c, see grade_api.h). */
#include "grade_api.h"

#include <stdio.h>

#include "grade_heap.h"

/* The heap must be valid. On stages 3-5 the grader's own walk decides, so that a checker that is
 * wrong costs the checker tests (checker.*), not every api test that asks it: when the walk finds
 * the heap valid but heapmgr_check objects, the test goes on and says so in its output. */
bool api_expect_valid(struct grade_ctx *t, const char *when)
{
    int violations = g_check(t);
    if (violations == 0)
        return true;
    if (!t->stage->walkable)
        return grade_fail(t, "expected heapmgr_check() == 0 %s, it returned %d", when, violations);
    char why[400];
    if (!heap_audit(t->stage->number, why, sizeof why))
        return grade_fail(t, "expected a valid heap %s; the grader's own heap walk: %s (and heapmgr_check() returned "
                          "%d)", when, why, violations);
    fprintf(stderr, "grader: heapmgr_check() returned %d %s, but the grader's own heap walk finds this heap valid: "
            "your checker may be wrong (the checker tests count it, this test does not)\n", violations, when);
    return true;
}

bool api_allocation_goes_on(struct grade_ctx *t, struct grade_blocks *b, size_t bytes, bool ok)
{
    ok = ok && blocks_alloc(t, b, bytes) != SIZE_MAX && blocks_free_all(t, b) && api_expect_valid(t, "at the end");
    blocks_release(b);
    return ok;
}

const struct grade_test grade_api_tests[] = {
    { "api.alignment", ST_ALL, 3, api_alignment },
    { "api.no_overlap", ST_ALL, 3, api_no_overlap },
    { "api.payload_intact", ST_ALL, 3, api_payload_intact },
    { "api.malloc_zero", ST_ALL, 3, api_malloc_zero },
    { "api.free_null", ST_ALL, 3, api_free_null },
    { "api.realloc_null", ST_ALL, 3, api_realloc_null },
    { "api.realloc_shrink", ST_ALL, 3, api_realloc_shrink },
    { "api.realloc_grow", ST_ALL, 3, api_realloc_grow },
    { "api.realloc_zero", ST_ALL, 3, api_realloc_zero },
    { "api.calloc_zeroes", ST_ALL, 3, api_calloc_zeroes },
    { "api.calloc_overflow", ST_ALL, 3, api_calloc_overflow },
    { "api.out_of_memory", ST_ALL, 3, api_out_of_memory },
    { "api.large_requests", ST_ALL, 3, api_large_requests },
    { "api.huge_requests", ST_ALL, 3, api_huge_requests },
    { "api.free_when_a_call_fails", ST_ALL, 3, api_free_when_a_call_fails },
    { "api.realloc_when_a_call_fails", ST_ALL, 3, api_realloc_when_a_call_fails },
};
const size_t grade_api_test_count = sizeof grade_api_tests / sizeof grade_api_tests[0];
