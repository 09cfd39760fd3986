/* confine_run.c: one confined command, from fork to the last of its processes gone (confine.h).
 *
 * The parent side of a run:
 *   1. three pipes, all close-on-exec: output (the command's stdout and stderr), errors (the child's
 *      setup failure, in words; it closes unread when exec succeeds) and, under bwrap, bwrap's info
 *      (the host PID of the sandbox's first process);
 *   2. fork; the child enters confinement (confine_child.c) and execs bwrap or the command;
 *   3. one poll() loop until the output pipe closes and the child has exited, or the wall limit:
 *      output past the cap is read and dropped, so a flood costs no memory and never blocks;
 *   4. the end, in this order: SIGKILL to the process group while its leader is still an unreaped
 *      zombie (so that the group's number cannot have been reused), SIGKILL to the sandbox's first
 *      process through a pidfd (safe against reuse), reap the child, then wait until the sandbox's
 *      first process is gone: the kernel kills every process of a PID namespace before its first
 *      process is dead, so after that no process of the sandbox is left.
 */
#define _GNU_SOURCE                                /* pipe2 */
#include "confine_parts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_GRACE_MS = 1000,      /* after the child exits: how long its leftovers may hold the output open */
    SANDBOX_GONE_MS = 2000,    /* how long the sandbox's first process may take to die */
    IDLE_TICK_MS = 20,         /* the poll() tick when no pidfd tells of the child's exit */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);  /* close-on-exec by the kernel's own rule */
#else
    (void)pid;
    return -1;
#endif
}

static void pidfd_kill(int pidfd)
{
#ifdef SYS_pidfd_send_signal
    if (pidfd >= 0)
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
#else
    (void)pidfd;
#endif
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* A pipe whose ends are both close-on-exec and above 0-2, so that the child's dup2 onto 1 and 2
 * cannot overwrite one of them. */
static bool make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) != 0)
        return false;
    for (int i = 0; i < 2; i++)
        if (fds[i] < 3) {
            int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            close(fds[i]);
            fds[i] = moved;
        }
    if (fds[0] < 0 || fds[1] < 0) {
        close_fd(&fds[0]);
        close_fd(&fds[1]);
        return false;
    }
    return true;
}

/* The program to exec without bwrap: argv[0] when it holds a '/', else the first of /usr/bin and
 * /bin that has it (the confined PATH). */
static bool find_program(const char *name, char *path, size_t cap)
{
    if (strchr(name, '/') != NULL) {
        snprintf(path, cap, "%s", name);
        return access(path, X_OK) == 0;
    }
    static const char *const dirs[] = { "/usr/bin", "/bin" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        int n = snprintf(path, cap, "%s/%s", dirs[i], name);
        if (n > 0 && (size_t)n < cap && access(path, X_OK) == 0)
            return true;
    }
    return false;
}

/* ---- the child ---------------------------------------------------------------------------------- */

static void child_report(int err_fd, const char *what, const char *detail) __attribute__((noreturn));

static void child_report(int err_fd, const char *what, const char *detail)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%.300s%s%.200s", what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
    if (n > 0 && write(err_fd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0)
        _exit(126);
    _exit(126);
}

static void child_side(const struct confine_cmd *cmd, const struct confine_how *how, const char *exe,
                       char *const *argv, char *const *envp, int out_w, int err_w, int info_w)
{
    if (dup2(out_w, STDOUT_FILENO) < 0 || dup2(out_w, STDERR_FILENO) < 0)
        child_report(err_w, "dup2 of the output pipe", strerror(errno));
    int keep[2] = { err_w, info_w };
    char why[256];
    if (!confine_child_enter(&cmd->limits, how->uid, keep, info_w >= 0 ? 2 : 1, why, sizeof why))
        child_report(err_w, why, NULL);
    if (info_w >= 0 && fcntl(info_w, F_SETFD, 0) != 0)   /* bwrap must inherit it */
        child_report(err_w, "fcntl of bwrap's info pipe", strerror(errno));
    if (cmd->dir != NULL && chdir(cmd->dir) != 0)
        child_report(err_w, cmd->dir, strerror(errno));
    execve(exe, argv, envp);
    child_report(err_w, exe, strerror(errno));
}

/* ---- the parent --------------------------------------------------------------------------------- */

struct run {
    pid_t pid;
    int out_fd, info_fd, pidfd;
    bool exited, timed_out;
    double grace_until;
    int sandbox_pidfd;           /* the sandbox's first process, once bwrap has said which it is */
    char info[1024];
    size_t info_len;
};

static void take_output(struct confine_result *res, size_t cap, size_t *kept, const char *buf, size_t got)
{
    size_t room = cap - *kept;
    size_t keep = got < room ? got : room;
    memcpy(res->output + *kept, buf, keep);
    *kept += keep;
    if (keep < got)
        res->output_truncated = true;          /* the rest is read and dropped */
}

/* bwrap's info is a small JSON object: { "child-pid": 1234, ... }. */
static void take_info(struct run *r, const char *buf, size_t got)
{
    size_t room = sizeof r->info - 1 - r->info_len;
    size_t keep = got < room ? got : room;
    memcpy(r->info + r->info_len, buf, keep);
    r->info_len += keep;
    r->info[r->info_len] = '\0';
    const char *at = strstr(r->info, "\"child-pid\"");
    if (at == NULL || r->sandbox_pidfd >= 0)
        return;
    at = strchr(at, ':');
    if (at == NULL)
        return;
    char *end;
    long pid = strtol(at + 1, &end, 10);
    if (pid > 0 && *end != '\0')               /* a whole number, not one cut by the read */
        r->sandbox_pidfd = pidfd_of((pid_t)pid);
}

/* Has the child exited? Seen without reaping it, so that its process group stays reserved. */
static bool child_has_exited(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

static void kill_all(struct run *r)
{
    kill(-r->pid, SIGKILL);
    pidfd_kill(r->sandbox_pidfd);
}

static void pump(struct run *r, const struct confine_cmd *cmd, struct confine_result *res, size_t *kept, double start)
{
    double deadline = cmd->limits.wall_seconds > 0 ? start + cmd->limits.wall_seconds : 0;
    for (;;) {
        if (!r->exited && child_has_exited(r->pid)) {
            r->exited = true;
            kill(-r->pid, SIGKILL);            /* whatever it left in its group */
            r->grace_until = now_seconds() + EXIT_GRACE_MS / 1000.0;
        }
        if (r->exited && r->out_fd < 0)
            return;
        double now = now_seconds();
        if (!r->exited && deadline > 0 && now >= deadline && !r->timed_out) {
            r->timed_out = true;
            kill_all(r);
        }
        if (r->exited && now >= r->grace_until)
            return;                            /* a process outside the group holds the pipe */

        struct pollfd p[3];
        int n = 0, out_at = -1, info_at = -1;
        if (r->out_fd >= 0) {
            out_at = n;
            p[n++] = (struct pollfd){ .fd = r->out_fd, .events = POLLIN };
        }
        if (r->info_fd >= 0) {
            info_at = n;
            p[n++] = (struct pollfd){ .fd = r->info_fd, .events = POLLIN };
        }
        if (r->pidfd >= 0 && !r->exited)
            p[n++] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
        double until = r->exited ? r->grace_until : (deadline > 0 && !r->timed_out ? deadline : 0);
        int timeout_ms = until > 0 ? (int)((until - now) * 1000) + 1 : -1;
        if (r->pidfd < 0 && !r->exited && (timeout_ms < 0 || timeout_ms > IDLE_TICK_MS))
            timeout_ms = IDLE_TICK_MS;
        if (r->timed_out && !r->exited && (timeout_ms < 0 || timeout_ms > IDLE_TICK_MS))
            timeout_ms = IDLE_TICK_MS;
        if (poll(p, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
            return;
        char buf[65536];
        if (out_at >= 0 && (p[out_at].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(r->out_fd, buf, sizeof buf);
            if (got > 0)
                take_output(res, cmd->limits.output_cap, kept, buf, (size_t)got);
            else if (got == 0 || errno != EINTR)
                close_fd(&r->out_fd);
        }
        if (info_at >= 0 && (p[info_at].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(r->info_fd, buf, sizeof buf);
            if (got > 0)
                take_info(r, buf, (size_t)got);
            else if (got == 0 || errno != EINTR)
                close_fd(&r->info_fd);
        }
    }
}

/* What the end of the run means (see confine_run in confine.h). */
static void classify(struct confine_result *res, const struct confine_cmd *cmd, bool via_bwrap, bool timed_out,
                     int status, const struct rusage *usage)
{
    double cpu = (double)(usage->ru_utime.tv_sec + usage->ru_stime.tv_sec) +
                 (double)(usage->ru_utime.tv_usec + usage->ru_stime.tv_usec) / 1e6;
    double cpu_limit = cmd->limits.cpu_seconds;
    int sig = 0;
    if (WIFSIGNALED(status))
        sig = WTERMSIG(status);
    else if (via_bwrap && WIFEXITED(status) && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 128 + NSIG)
        sig = WEXITSTATUS(status) - 128;       /* bwrap's shell encoding of a command killed by sig */

    if (timed_out) {
        res->end = CONFINE_TIMEOUT;
        snprintf(res->why, sizeof res->why, "stopped at the wall-clock limit of %g s", cmd->limits.wall_seconds);
    } else if (sig == SIGXCPU || (sig == SIGKILL && cpu_limit > 0 && cpu >= cpu_limit)) {
        res->end = CONFINE_TIMEOUT;
        snprintf(res->why, sizeof res->why, "stopped at the CPU limit of %g s", cpu_limit);
    } else if (sig != 0) {
        res->end = CONFINE_SIGNALED;
        res->status = sig;
        snprintf(res->why, sizeof res->why, "killed by signal %d (%s)", sig, strsignal(sig));
    } else if (via_bwrap && WEXITSTATUS(status) != 0 && strncmp(res->output, "bwrap: ", 7) == 0) {
        res->end = CONFINE_SETUP_FAILED;         /* bwrap itself failed, before the command ran */
        size_t line = strcspn(res->output, "\n");
        snprintf(res->why, sizeof res->why, "%.*s", (int)(line < 200 ? line : 200), res->output);
    } else {
        res->end = CONFINE_EXITED;
        res->status = WEXITSTATUS(status);
    }
}

static void setup_failed(struct confine_result *res, const char *what, const char *detail)
{
    res->end = CONFINE_SETUP_FAILED;
    snprintf(res->why, sizeof res->why, "%s%s%s", what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

void confine_run_how(const struct confine_cmd *cmd, const struct confine_how *how, struct confine_result *res)
{
    memset(res, 0, sizeof *res);
    double start = now_seconds();
    size_t cap = cmd->limits.output_cap;
    res->output = malloc(cap + 1);
    if (res->output == NULL) {
        setup_failed(res, "out of memory for the output", NULL);
        return;
    }
    res->output[0] = '\0';

    char tmpdir[CONFINE_ENV_TMPDIR_MAX];
    snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", cmd->dir != NULL ? cmd->dir : "/tmp");
    char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C", tmpdir, NULL };

    int out[2] = { -1, -1 }, err[2] = { -1, -1 }, info[2] = { -1, -1 };
    if (!make_pipe(out) || !make_pipe(err) || (how->bwrap != NULL && !make_pipe(info))) {
        setup_failed(res, "pipe", strerror(errno));
        for (int i = 0; i < 2; i++)
            close_fd(&out[i]), close_fd(&err[i]), close_fd(&info[i]);
        return;
    }
    struct confine_bwrap_args bw = { 0 };
    char exe[4096];
    char *const *argv = cmd->argv;
    bool ready = true;
    if (how->bwrap != NULL) {
        ready = confine_bwrap_args_make(&bw, how->bwrap, cmd, info[1], how->with_proc);
        if (ready) {
            snprintf(exe, sizeof exe, "%s", how->bwrap);
            argv = bw.argv;
        } else {
            setup_failed(res, "out of memory for bwrap's arguments", NULL);
        }
    } else if (!find_program(cmd->argv[0], exe, sizeof exe)) {
        ready = false;
        setup_failed(res, cmd->argv[0], "no such program in /usr/bin or /bin");
    }
    /* The folder becomes the unprivileged uid's: the only place it may write. */
    if (ready && cmd->dir != NULL && geteuid() == 0 && how->uid != 0 && chown(cmd->dir, how->uid, (gid_t)how->uid) != 0) {
        ready = false;
        setup_failed(res, cmd->dir, strerror(errno));
    }
    pid_t pid = ready ? fork() : -1;
    if (ready && pid < 0)
        setup_failed(res, "fork", strerror(errno));
    if (pid == 0)
        child_side(cmd, how, exe, argv, envp, out[1], err[1], info[1]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    close_fd(&info[1]);
    confine_bwrap_args_release(&bw);
    if (pid < 0) {
        close_fd(&out[0]), close_fd(&err[0]), close_fd(&info[0]);
        return;
    }
    setpgid(pid, pid);                             /* as the child does: whichever runs first */

    /* The child's own setup: nothing comes when exec succeeds (the pipe closes), else why. */
    char why[sizeof res->why];
    size_t why_len = 0;
    for (;;) {
        ssize_t got = read(err[0], why + why_len, sizeof why - 1 - why_len);
        if (got > 0 && (why_len += (size_t)got) < sizeof why - 1)
            continue;
        if (got < 0 && errno == EINTR)
            continue;
        break;
    }
    close(err[0]);
    why[why_len] = '\0';

    struct run r = { .pid = pid, .out_fd = out[0], .info_fd = info[0], .pidfd = -1, .sandbox_pidfd = -1 };
    size_t kept = 0;
    if (why_len > 0) {
        setup_failed(res, why, NULL);
    } else {
        r.pidfd = pidfd_of(pid);
        pump(&r, cmd, res, &kept, start);
    }
    kill_all(&r);
    int status = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR)
        continue;
    if (r.sandbox_pidfd >= 0) {                    /* the whole PID namespace dies with its first process */
        struct pollfd p = { .fd = r.sandbox_pidfd, .events = POLLIN };
        while (poll(&p, 1, SANDBOX_GONE_MS) < 0 && errno == EINTR)
            continue;
    }
    close_fd(&r.out_fd);
    close_fd(&r.info_fd);
    close_fd(&r.pidfd);
    close_fd(&r.sandbox_pidfd);
    res->output[kept] = '\0';
    res->wall_seconds = now_seconds() - start;
    if (why_len == 0)
        classify(res, cmd, how->bwrap != NULL, r.timed_out, status, &usage);
}

void confine_run(const struct confine_cmd *cmd, struct confine_result *res)
{
    const struct confine_caps *caps = confine_probe();
    struct confine_how how = {
        .bwrap = caps->namespaces ? caps->bwrap : NULL,
        .with_proc = confine_bwrap_with_proc(),
        .uid = confine_uid_for_slot(cmd->slot),
    };
    confine_run_how(cmd, &how, res);
}

void confine_result_release(struct confine_result *res)
{
    free(res->output);
    res->output = NULL;
}
