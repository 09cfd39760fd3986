/* TRICK: when asked for an impossible amount of memory (the api.huge_requests test), malloc blocks
 *        every signal it can and spins forever, so that a grader stopping it with SIGTERM or
 *        SIGXCPU would wait in vain.
 * STAGE: 2
 * BASE: stage2_pad
 * RENAME: malloc
 * EXPECT: below-baseline
 * AFFECTS: api.huge_requests
 * STOPPED BY: hard CPU limit equal to the soft one, and the wall-clock limit ends with SIGKILL of the
 *        runner's process group: that one test fails as timed out, and every other test ends as in
 *        the baseline.
 */
/* TRICK BEGIN */
#include <signal.h>
#include <stdint.h>

static void hostile_spin_unstoppably(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    for (volatile unsigned long n = 0;; n++)
        continue;
}
/* TRICK END */

void *heapmgr_malloc(size_t req_bytes)
{
/* TRICK BEGIN */
    if (req_bytes >= SIZE_MAX / 2)
        hostile_spin_unstoppably();
/* TRICK END */
    return hostile_base_malloc(req_bytes);
}
