/* TRICK: none that harms: a constructor writes one line to stderr, and every allocator call goes
 *        through a hook that counts calls. The control: the reference, graded through the suite's
 *        wrappers, must get full marks in every format, and the tricks' machinery changes nothing.
 * STAGE: 2
 * BASE: stage2_pad
 * WRAP: malloc free realloc check
 * EXPECT: baseline
 * STOPPED BY: nothing to stop: the output is the runner's, kept as test output.
 */
/* TRICK BEGIN */
#include <stdio.h>

static unsigned long hostile_calls;

__attribute__((constructor)) static void hostile_hello(void)
{
    fputs("control_harmless: a constructor ran\n", stderr);
}
#define HOSTILE_HOOK(call) ((void)(call), hostile_calls++)
/* TRICK END */
