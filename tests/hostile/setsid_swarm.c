/* TRICK: a constructor leaves 30 processes behind, each in a session of its own (setsid) with its
 *        parent gone, sleeping for a minute: still alive after the grading.
 * STAGE: 2
 * BASE: stage2_pad
 * LIB: detach
 * EXPECT: zero
 * STOPPED BY: fork and setsid kill the runner (filter): every test fails; RLIMIT_NPROC would stop
 *        the swarm anyway, and every runner's processes are killed before the report is written.
 */
/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_swarm(void)
{
    for (int i = 0; i < 30; i++)
        if (hostile_detach()) {
            hostile_sleep_ms(60000);
            _exit(0);
        }
}
/* TRICK END */
