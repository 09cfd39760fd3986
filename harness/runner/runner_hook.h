/* runner_hook.h: where a debugger or valgrind meets the runner (make debug, make memcheck).
 *
 * runner_at_operation is called just before every allocator call the runner makes, with the test's
 * operation number (the one the report names: "at operation 43"), so that
 *     (gdb) break runner_at_operation if number == 43
 * stops right before the call that failed; `finish` or `up` then `step` goes into the stage's code.
 * The runner_memcheck_* calls tell valgrind what the simulated seam and the grader know (runner_memcheck.c).
 */
#ifndef HEAPKIT_RUNNER_HOOK_H
#define HEAPKIT_RUNNER_HOOK_H

#include <stdint.h>

/* op is OP_MALLOC ... OP_CHECK (protocol.h), a and b its arguments as the grader sent them. */
void runner_at_operation(uint64_t number, uint32_t op, uint64_t a, uint64_t b);

/* Under valgrind (nothing otherwise): the break moved; an allocator call is about to be made or has
 * returned result. */
void runner_memcheck_break(uint64_t heap_start, uint64_t brk, uint64_t writable_end);
void runner_memcheck_before(uint32_t op, uint64_t a, uint64_t b);
void runner_memcheck_after(uint32_t op, uint64_t a, uint64_t b, uint64_t result);

#endif
