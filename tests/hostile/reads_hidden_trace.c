/* TRICK: a constructor prints the first 16 KiB of a trace the tests replay
 *        (@KIT@/tests/traces/05-coalescing.rep: on an engine, a hidden test's data) on stdout.
 * STAGE: 2
 * BASE: stage2_pad
 * LIB: show
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails, and nothing is read. The
 *        traces are replayed by the trusted side, which sends the runner one operation at a time.
 */
/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_read_trace(void)
{
    hostile_show("@KIT@/tests/traces/05-coalescing.rep", 16 << 10);
}
/* TRICK END */
