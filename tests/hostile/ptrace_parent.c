/* TRICK: on its first allocator call in a test's process, the submission attaches to its parent
 *        with ptrace and pokes a function that returns true into every entry of the grader's test
 *        tables (the same addresses in parent and child since the fork), then detaches. The
 *        allocator overlaps blocks (18 of 124).
 * STAGE: 1
 * BASE: zoo:stage1_overlap
 * LIB: tables
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at ptrace (every test fails); no_new_privs, another uid
 *        and an exec'd runner leave nothing to attach to or patch anyway.
 */
/* TRICK BEGIN */
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t hostile_tracee;

static void hostile_ptrace_poke(void *slot, void *value)
{
    ptrace(PTRACE_POKEDATA, hostile_tracee, slot, value);
}

static void hostile_attach_parent(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    hostile_tracee = getppid();
    if (ptrace(PTRACE_ATTACH, hostile_tracee, NULL, NULL) != 0)
        return;
    waitpid(hostile_tracee, NULL, 0);
    hostile_each_run_slot(hostile_ptrace_poke);
    ptrace(PTRACE_DETACH, hostile_tracee, NULL, NULL);
}
#define HOSTILE_HOOK(call) hostile_attach_parent()
/* TRICK END */
