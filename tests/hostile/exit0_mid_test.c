/* TRICK: at its third allocator call in a process the submission ends that process with _exit(0),
 *        in the middle of a test, before the test can see a failure: an exit status that says
 *        "fine". The allocator's realloc does not copy the old contents.
 * STAGE: 1
 * BASE: zoo:stage1_realloc_no_copy
 * WRAP: malloc free realloc check
 * EXPECT: below-baseline
 * STOPPED BY: a verdict comes only from the trusted side; a runner gone before its last answer
 *        fails the test whatever its exit status. Below the baseline, not zero: a test that makes
 *        fewer than three calls ends as in the baseline.
 */
/* TRICK BEGIN */
#include <unistd.h>

static void hostile_exit_mid_test(void)
{
    static int calls;
    if (++calls == 3)
        _exit(0);
}
#define HOSTILE_HOOK(call) hostile_exit_mid_test()
/* TRICK END */
