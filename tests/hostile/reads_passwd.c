/* TRICK: a constructor prints /etc/passwd, whole, on stdout: a file of the machine the grader
 *        runs on, shown back in the grader's output.
 * STAGE: 2
 * BASE: stage2_pad
 * LIB: show
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails, and nothing is read.
 */
/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_read_passwd(void)
{
    hostile_show("/etc/passwd", 1 << 16);
}
/* TRICK END */
