/* TRICK: a constructor prints a reference solution of the kit (@KIT@/stage6_mmap/heapmgr.c, the
 *        path where the kit sits on the engine) on stdout.
 * STAGE: 2
 * BASE: stage2_pad
 * LIB: show
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails, and nothing is read.
 */
/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_read_reference(void)
{
    hostile_show("@KIT@/stage6_mmap/heapmgr.c", 1 << 16);
}
/* TRICK END */
