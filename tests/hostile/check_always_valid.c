/* TRICK: heapmgr_check always returns 0 ("the heap is valid") without looking, so every test that
 *        asks the checker hears "no violation", including the checker tests that corrupted the heap.
 * STAGE: 2
 * BASE: stage2_pad
 * RENAME: check
 * EXPECT: below-baseline
 * AFFECTS: checker.detects_*
 * STOPPED BY: the checker tests make the corruption themselves and expect it reported, so the
 *        claim "valid" fails exactly them; every other test ends as in the baseline.
 */
int heapmgr_check(void)
{
/* TRICK BEGIN */
    return 0;
/* TRICK END */
    return hostile_base_check();
}
