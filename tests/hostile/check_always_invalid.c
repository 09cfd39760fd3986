/* TRICK: heapmgr_check always returns 1 ("one violation") without looking, hoping every checker
 *        test that corrupts the heap counts it as detected.
 * STAGE: 2
 * BASE: stage2_pad
 * RENAME: check
 * EXPECT: below-baseline
 * AFFECTS: checker.* workload.* api.malloc_zero api.free_null api.realloc_zero
 *        api.out_of_memory api.large_requests api.huge_requests robust.break_moved_by_another
 *        robust.seam_fails_on_first_malloc api.free_when_a_call_fails api.realloc_when_a_call_fails
 * STOPPED BY: the trusted side knows which heaps it left healthy: a checker that says "bad" about
 *        a healthy heap fails every test that asks it about one: every checker test (each asks
 *        about the healthy heap before it corrupts it), every workload, and the api tests listed,
 *        which ask the checker after their steps;
 *        every other test ends as in the baseline.
 */
int heapmgr_check(void)
{
/* TRICK BEGIN */
    return 1;
/* TRICK END */
    return hostile_base_check();
}
