/* runner_filter.c: what the runner may ask of the kernel, as a libseccomp filter.
 *
 * An allocator behind the seam needs almost nothing from the kernel: the seam's calls are requests
 * to the grader over the runner's pipes, and the heap is already mapped. So the filter allows:
 *   memory     mmap, munmap, mprotect, mremap, madvise, brk (never with PROT_EXEC: no new code)
 *   pipes      read from the command pipe; write to the answer pipe and to stdout/stderr
 *   the rest   exit, clocks, signal handling, and signals to itself only
 * and the few calls the C library makes at startup, answered with an error instead of run (they only
 * read facts: the program's path, whether stdout is a terminal). Its own limits it may read and
 * lower (prlimit64 of itself): every hard limit equals its soft one, so none can be raised. Anything else -- open, socket,
 * ptrace, fork, kill of another process, setsid, timers, sleeping, any exec but the runner's own from
 * its descriptor -- kills the process with SIGSYS.
 * Sleeping and timers are refused so that a runner can only run while the grader waits for it.
 */
#define _GNU_SOURCE                  /* AT_EMPTY_PATH */
#include "runner_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "confine.h"
#include "protocol.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>

/* valgrind cannot load seccomp filters: under it (the kit's own memory checks of the grader) the
 * filter is off, and reports say so. */
bool runner_filter_available(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload == NULL || strstr(preload, "vgpreload") == NULL;
}

/* One argument comparison, every field named (libseccomp's SCMP_An macros leave one out). */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
    return (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
}

static bool allow(scmp_filter_ctx ctx, int nr, unsigned count, const struct scmp_arg_cmp *args)
{
    return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, count, args) == 0;
}

static bool deny_quietly(scmp_filter_ctx ctx, int nr, int error)
{
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)error), nr, 0) == 0;
}

bool runner_filter_load(char *why, size_t why_cap)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL) {
        snprintf(why, why_cap, "seccomp_init failed");
        return false;
    }
    scmp_datum_t self = (scmp_datum_t)getpid();
    const struct scmp_arg_cmp no_exec = arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    const struct scmp_arg_cmp read_fd = arg_cmp(0, SCMP_CMP_EQ, PROTOCOL_COMMAND_FD, 0);
    const struct scmp_arg_cmp out_fd = arg_cmp(0, SCMP_CMP_EQ, STDOUT_FILENO, 0);
    const struct scmp_arg_cmp err_fd = arg_cmp(0, SCMP_CMP_EQ, STDERR_FILENO, 0);
    const struct scmp_arg_cmp answer_fd = arg_cmp(0, SCMP_CMP_EQ, PROTOCOL_ANSWER_FD, 0);
    const struct scmp_arg_cmp to_self = arg_cmp(0, SCMP_CMP_EQ, self, 0);
    const struct scmp_arg_cmp of_self = arg_cmp(0, SCMP_CMP_EQ, 0, 0);
    const struct scmp_arg_cmp the_program[2] = { arg_cmp(0, SCMP_CMP_EQ, PROTOCOL_PROGRAM_FD, 0),
                                                 arg_cmp(4, SCMP_CMP_EQ, AT_EMPTY_PATH, 0) };

    bool ok = allow(ctx, SCMP_SYS(mmap), 1, &no_exec) && allow(ctx, SCMP_SYS(mprotect), 1, &no_exec) &&
              allow(ctx, SCMP_SYS(munmap), 0, NULL) && allow(ctx, SCMP_SYS(mremap), 0, NULL) &&
              allow(ctx, SCMP_SYS(madvise), 0, NULL) && allow(ctx, SCMP_SYS(brk), 0, NULL) &&
              allow(ctx, SCMP_SYS(read), 1, &read_fd) && allow(ctx, SCMP_SYS(write), 1, &answer_fd) &&
              allow(ctx, SCMP_SYS(write), 1, &out_fd) && allow(ctx, SCMP_SYS(write), 1, &err_fd) &&
              allow(ctx, SCMP_SYS(writev), 1, &out_fd) && allow(ctx, SCMP_SYS(writev), 1, &err_fd) &&
              allow(ctx, SCMP_SYS(close), 0, NULL) &&
              allow(ctx, SCMP_SYS(exit), 0, NULL) && allow(ctx, SCMP_SYS(exit_group), 0, NULL) &&
              allow(ctx, SCMP_SYS(rt_sigreturn), 0, NULL) && allow(ctx, SCMP_SYS(rt_sigaction), 0, NULL) &&
              allow(ctx, SCMP_SYS(rt_sigprocmask), 0, NULL) && allow(ctx, SCMP_SYS(sigaltstack), 0, NULL) &&
              allow(ctx, SCMP_SYS(getpid), 0, NULL) && allow(ctx, SCMP_SYS(gettid), 0, NULL) &&
              allow(ctx, SCMP_SYS(kill), 1, &to_self) && allow(ctx, SCMP_SYS(tgkill), 1, &to_self) &&
              allow(ctx, SCMP_SYS(clock_gettime), 0, NULL) && allow(ctx, SCMP_SYS(gettimeofday), 0, NULL) &&
              allow(ctx, SCMP_SYS(time), 0, NULL) && allow(ctx, SCMP_SYS(getrandom), 0, NULL) &&
              /* the C library's startup, in a static program */
              allow(ctx, SCMP_SYS(execveat), 2, the_program) && allow(ctx, SCMP_SYS(arch_prctl), 0, NULL) &&
              allow(ctx, SCMP_SYS(set_tid_address), 0, NULL) && allow(ctx, SCMP_SYS(set_robust_list), 0, NULL) &&
              allow(ctx, SCMP_SYS(rseq), 0, NULL) && allow(ctx, SCMP_SYS(prlimit64), 1, &of_self) &&
              deny_quietly(ctx, SCMP_SYS(readlink), ENOENT) && deny_quietly(ctx, SCMP_SYS(ioctl), ENOTTY) &&
              deny_quietly(ctx, SCMP_SYS(newfstatat), EACCES) && deny_quietly(ctx, SCMP_SYS(fstat), EACCES);
    if (!ok) {
        snprintf(why, why_cap, "a seccomp rule could not be added");
        seccomp_release(ctx);
        return false;
    }
    int loaded = seccomp_load(ctx);
    seccomp_release(ctx);
    if (loaded != 0) {
        snprintf(why, why_cap, "seccomp_load: %s", strerror(-loaded));
        return false;
    }
    return true;
}

#else

bool runner_filter_available(void) { return false; }

bool runner_filter_load(char *why, size_t why_cap)
{
    snprintf(why, why_cap, "built without libseccomp");
    return false;
}

#endif

/* confine.h's hook: the protections line says whether the runner's filter is in force. */
bool confine_seccomp_available(void)
{
    return runner_filter_available();
}
