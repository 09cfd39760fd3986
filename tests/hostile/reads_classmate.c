/* TRICK: a constructor prints a classmate's submission, the heapmgr.c in a folder beside its own
 *        (@CLASS@/classmate/heapmgr.c: the class folder of a batch grading), on stdout.
 * STAGE: 2
 * BASE: stage2_pad
 * LIB: show
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails, and nothing is read.
 */
/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_read_classmate(void)
{
    hostile_show("@CLASS@/classmate/heapmgr.c", 1 << 16);
}
/* TRICK END */
