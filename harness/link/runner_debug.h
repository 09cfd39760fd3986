/* runner_debug.h: a runner started under a debugger or valgrind, in the foreground (make debug,
 * make memcheck; grade --under).
 *
 * Under a wrapper the runner is exec'd as the last argument of the wrapper's command ("gdb -q -x
 * FILE --args" or "valgrind -q"), on the terminal, and NOT confined: no other uid, no limits, no
 * system-call filter, since gdb needs ptrace and valgrind needs system calls the filter refuses. It
 * is for a student's own file on the student's own machine; a grading never sets it.
 */
#ifndef HEAPKIT_RUNNER_DEBUG_H
#define HEAPKIT_RUNNER_DEBUG_H

#include <stdbool.h>

/* The wrapper command, words separated by blanks, or NULL for none (the normal, confined runner). */
void runner_debug_set_wrapper(const char *command);
bool runner_debug_active(void);

/* In the runner's child, instead of confinement and exec: the wrapper with the runner's path as its
 * last argument. Exits 127 when it cannot be run. */
void runner_debug_exec(const char *runner_path) __attribute__((noreturn));

#endif
