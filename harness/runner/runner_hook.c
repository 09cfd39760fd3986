/* runner_hook.c: the function a debugger stops on (runner_hook.h). Its own file and never inlined,
 * so the breakpoint exists whatever the optimiser does with the runner's loop. */
#include "runner_hook.h"

__attribute__((noinline, used)) void runner_at_operation(uint64_t number, uint32_t op, uint64_t a, uint64_t b)
{
    /* Nothing to do: the arguments are for the one reading them in gdb (`info args`). */
    __asm__ volatile("" : : "r"(number), "r"(op), "r"(a), "r"(b) : "memory");
}
