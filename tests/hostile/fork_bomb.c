/* TRICK: when asked for an impossible amount of memory (a request of half the address space or
 *        more: the api.huge_requests test), malloc starts a fork bomb: the process forks five times
 *        over, and the 31 copies sit waiting for signals forever. (A real bomb does not stop at 31;
 *        this one does, so that a grader that lets it run does not take the machine down.)
 * STAGE: 2
 * BASE: stage2_pad
 * RENAME: malloc
 * EXPECT: below-baseline
 * AFFECTS: api.huge_requests
 * STOPPED BY: the filter kills the runner at fork, so the one test that triggers the bomb fails
 *        and no copy is left; RLIMIT_NPROC caps the runner's processes anyway.
 */
/* TRICK BEGIN */
#include <stdint.h>
#include <unistd.h>

static void hostile_fork_bomb(void)
{
    pid_t me = getpid();
    for (int i = 0; i < 5; i++)
        if (fork() < 0)
            break;
    if (getpid() != me)
        for (;;)
            pause();
}
/* TRICK END */

void *heapmgr_malloc(size_t req_bytes)
{
/* TRICK BEGIN */
    if (req_bytes >= SIZE_MAX / 2)
        hostile_fork_bomb();
/* TRICK END */
    return hostile_base_malloc(req_bytes);
}
