/* trace_child.c: one job per fork()ed child, its result back through a pipe (see trace_child.h).
 *
 * The pipe carries one tagged message: 'R' and the result bytes when the job ends, or 'C' and the op
 * number when a fatal signal arrives (written from the signal handler, which then lets the signal
 * kill the child as it would have).
 */
#include "trace_child.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay.h"

static int report_fd = -1;

static void write_all(int fd, const void *buf, size_t bytes)
{
    const char *p = buf;
    while (bytes > 0) {
        ssize_t n = write(fd, p, bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        bytes -= (size_t)n;
    }
}

/* In the child: sends the op being replayed, then dies of the same signal. */
static void on_fatal_signal(int sig)
{
    char message[1 + sizeof(size_t)];
    size_t op = replay_current_op;
    message[0] = 'C';
    memcpy(message + 1, &op, sizeof op);
    write_all(report_fd, message, sizeof message);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_fatal_signals(void)
{
    /* An alternate stack, so that a stack overflow in a stage still gets its op reported. */
    static char alt_stack[64 * 1024];
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
    sigaltstack(&ss, NULL);
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction sa = {.sa_handler = on_fatal_signal, .sa_flags = SA_ONSTACK | SA_RESETHAND};
        sigemptyset(&sa.sa_mask);
        sigaction(fatal[i], &sa, NULL);
    }
}

static size_t read_all(int fd, void *buf, size_t cap)
{
    char *p = buf;
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, p + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

bool child_run(void (*job)(void *arg, void *result), void *arg, void *result, size_t result_bytes,
               unsigned time_limit_s, struct child_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(outcome->why, sizeof outcome->why, "cannot make a pipe: %s", strerror(errno));
        return false;
    }
    fflush(NULL);                                   /* or the child would print our buffers again */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(outcome->why, sizeof outcome->why, "cannot fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        catch_fatal_signals();
        alarm(time_limit_s);
        /* The job fills an aligned buffer of its own: the result is a struct, and the tag byte in
         * front of it in the message would misalign it. */
        void *result_buf = calloc(1, result_bytes);
        if (result_buf == NULL)
            _exit(3);
        job(arg, result_buf);
        alarm(0);
        write_all(report_fd, "R", 1);
        write_all(report_fd, result_buf, result_bytes);
        fflush(NULL);
        _exit(0);
    }

    close(fds[1]);
    size_t cap = 1 + (result_bytes > sizeof(size_t) ? result_bytes : sizeof(size_t));
    char *message = calloc(1, cap);
    size_t got = message == NULL ? 0 : read_all(fds[0], message, cap);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;

    if (got == 1 + result_bytes && message[0] == 'R' && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        memcpy(result, message + 1, result_bytes);
        outcome->delivered = true;
        free(message);
        return true;
    }
    if (got >= 1 + sizeof(size_t) && message[0] == 'C') {
        outcome->op_known = true;
        memcpy(&outcome->op, message + 1, sizeof outcome->op);
    }
    free(message);
    if (WIFSIGNALED(status)) {
        outcome->signal = WTERMSIG(status);
        outcome->timed_out = outcome->signal == SIGALRM;
        if (outcome->timed_out)
            snprintf(outcome->why, sizeof outcome->why, "timed out after %u s", time_limit_s);
        else
            snprintf(outcome->why, sizeof outcome->why, "crashed with %s", strsignal(outcome->signal));
    } else if (WIFEXITED(status)) {
        snprintf(outcome->why, sizeof outcome->why, "the child exited with status %d before reporting",
                 WEXITSTATUS(status));
    } else {
        snprintf(outcome->why, sizeof outcome->why, "the child ended without reporting");
    }
    if (outcome->op_known) {
        size_t n = strlen(outcome->why);
        snprintf(outcome->why + n, sizeof outcome->why - n, " at op %zu", outcome->op);
    }
    return false;
}
