/* runner_link.c: starting a runner, talking to it, serving its seam, and ending it (runner_link.h).
 *
 * Every test's child keeps one runner. The trust rests on four things done here:
 *   1. the runner is exec'd fresh and confined (confine.h, runner_filter.h) before any of its code runs;
 *   2. its seam calls are served by the simulation in this process, which alone moves the break;
 *   3. a message that is not exactly of the protocol, or an answer out of turn, ends the test;
 *   4. between its answer and the next command the runner must be idle: it may not run while the
 *      grader checks the heap (the kernel's count of its CPU time says whether it did).
 */
#define _GNU_SOURCE                  /* sched_setaffinity, pipe2, memfd_create */
#include "runner_link.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "op_log.h"
#include "os_sim.h"
#include "runner_crash_report.h"
#include "runner_debug.h"
#include "runner_filter.h"

enum { RUNNER_SLACK_BYTES = 64u << 20, RUNNER_FILES = 16, HIGH_FD = 100, DEATH_WAIT_MS = 200,
       SAMPLE_ONE_IN = 8 };           /* the checks between calls, on a random one call in this many */
static const double QUIET_CPU_SECONDS = 0.05;   /* CPU a runner may use after answering (it needs ~2 us) */

static struct {
    pid_t pid;                       /* 0: no runner */
    int command_fd, answer_fd;
    clockid_t cpu_clock;
    bool have_cpu_clock;
    uint64_t seq;
    double deadline;                 /* monotonic seconds */
    double cpu_at_answer;            /* the runner's CPU time when it last answered; < 0: not sampled */
    uint64_t sample_state;           /* this process's own randomness: the runner cannot predict it */
    struct runner_spec spec;
    struct sandbox_page *page;
    char protections[512];
    volatile struct protocol_progress *progress;  /* shared with the runner: its place in a batch */
    const struct protocol_batch_op *batch;     /* the batch being run, for naming the call it died in */
    size_t batch_count;
    char crash[1024];                /* the runner's fault and backtrace, in words (runner_crash_report.h) */
    char context[300];               /* what the grader had done to the heap (runner_set_context) */
} rl = { .cpu_at_answer = -1 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double runner_cpu_seconds(void)
{
    struct timespec ts;
    if (!rl.have_cpu_clock || clock_gettime(rl.cpu_clock, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void describe_protections(void);

const char *runner_protections(void)
{
    if (rl.protections[0] == '\0')
        describe_protections();
    return rl.protections;
}

/* ---- ending the test ------------------------------------------------------------------------------ */

void runner_stop(void)
{
    if (rl.pid <= 0)
        return;
    kill(rl.pid, SIGKILL);
    kill(-rl.pid, SIGKILL);
    while (waitpid(rl.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    rl.pid = 0;
    close(rl.command_fd);
    close(rl.answer_fd);
}

/* Where the runner is in the batch it was given: the operation's number from 1, or 0 outside a
 * batch. The runner writes it; a lie only changes which call its own crash message names. */
static size_t batch_place(void)
{
    if (rl.batch == NULL || rl.progress == NULL)
        return 0;
    uint64_t place = rl.progress->batch_op;
    return place <= rl.batch_count ? (size_t)place : 0;
}

static const char *describe_batch_op(const struct protocol_batch_op *o, char *buf, size_t cap)
{
    if (o->op == OP_MALLOC)
        snprintf(buf, cap, "malloc(%llu)", (unsigned long long)o->a);
    else if (o->op == OP_FREE)
        snprintf(buf, cap, "free(%#llx)", (unsigned long long)o->a);
    else
        snprintf(buf, cap, "realloc(%#llx, %llu)", (unsigned long long)o->a, (unsigned long long)o->b);
    return buf;
}

/* Ends the test: "<what> at operation N, in <call>" (the call the runner was in, when known) or
 * "<what>, at operation N". */
/* Under the first line of a message that ends the test: where the block of the call came from, the
 * runner's backtrace, and what the grader had done to the heap. */
static void runner_explain_failure(const struct op_entry *pending, char *msg, size_t cap)
{
    size_t used = strlen(msg);
    char origin[200] = "";
    if (pending != NULL)
        op_log_origin(pending->id, origin, sizeof origin);
    if (origin[0] != '\0' && used < cap)
        used += (size_t)snprintf(msg + used, cap - used, "\n%s", origin);
    if (rl.context[0] != '\0' && used < cap)
        used += (size_t)snprintf(msg + used, cap - used, "\nbefore this call the grader corrupted the heap: %s", rl.context);
    size_t crash_len = strlen(rl.crash);
    if (crash_len > 0 && rl.crash[crash_len - 1] == '\n')
        crash_len--;                 /* the message ends without a newline */
    if (crash_len > 0 && used < cap)
        snprintf(msg + used, cap - used, "\n%.*s", (int)crash_len, rl.crash);
}

void runner_set_context(const char *what)
{
    snprintf(rl.context, sizeof rl.context, "%s", what != NULL ? what : "");
}

static void finish(enum sandbox_outcome outcome, const char *call, const char *fmt, va_list ap)
{
    char what[1200];
    vsnprintf(what, sizeof what, fmt, ap);
    runner_stop();
    size_t op = sandbox_current_op(rl.page);
    char batch_call[160];
    size_t in_batch = batch_place();
    const struct op_entry *pending = op_log_pending();
    if (pending != NULL) {                    /* the call the grader sent and got no answer to */
        op = pending->op;
        op_log_describe(pending, batch_call, sizeof batch_call);
        call = batch_call;
    } else if (in_batch > 0) {                /* the counter names the batch's first op */
        op += in_batch - 1;
        call = describe_batch_op(&rl.batch[in_batch - 1], batch_call, sizeof batch_call);
    }
    char *msg = rl.page->message;
    size_t cap = sizeof rl.page->message;
    if (op > 0 && call != NULL)
        snprintf(msg, cap, "%s at operation %zu, in %s", what, op, call);
    else if (call != NULL)
        snprintf(msg, cap, "%s, in %s", what, call);
    else if (op > 0)
        snprintf(msg, cap, "%s, at operation %zu", what, op);
    else
        snprintf(msg, cap, "%s", what);
    runner_explain_failure(pending, msg, cap);
    if (op > 0)
        rl.page->op = op;            /* the report's operation is the one the message names */
    op_log_dump();                   /* grade --dump: the calls up to here, as a trace */
    sandbox_finish_outcome(rl.page, outcome);
}

static void finish_with(enum sandbox_outcome outcome, const char *call, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
static void finish_with(enum sandbox_outcome outcome, const char *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finish(outcome, call, fmt, ap);
    va_end(ap);
    abort();                         /* finish does not return */
}

void runner_fail_now(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finish(SANDBOX_FAIL, NULL, fmt, ap);
    va_end(ap);
    abort();
}

/* The runner is gone or going: wait for it (killing it if it lingers) and say how it ended. */
static void runner_died(const char *what) __attribute__((noreturn));
static void runner_died(const char *what)
{
    int status = 0;
    struct rusage usage = { 0 };
    pid_t pid = rl.pid;
    bool killed = false;
    for (int waited = 0; wait4(pid, &status, WNOHANG, &usage) == 0; waited++) {
        if (waited == DEATH_WAIT_MS) {
            kill(pid, SIGKILL);
            killed = true;
            wait4(pid, &status, 0, &usage);
            break;
        }
        usleep(1000);
    }
    rl.pid = 0;
    close(rl.command_fd);
    close(rl.answer_fd);
    char sigbuf[64];
    if (WIFEXITED(status) && WEXITSTATUS(status) >= 126 && rl.cpu_at_answer < 0)
        finish_with(SANDBOX_CRASH, NULL, "the runner %s could not be started (status %d; its output says why)",
                    rl.spec.path, WEXITSTATUS(status));
    if (killed)
        finish_with(SANDBOX_FAIL, what, "the runner closed its answer pipe and went on running (it was killed): "
                    "a submission may not close or write the grader's pipes");
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (rl.progress != NULL)
            runner_crash_describe(rl.progress, rl.spec.path, rl.crash, sizeof rl.crash);
        /* Nothing here sends SIGKILL to a runner that is still owed an answer: it is the kernel's, at
         * the CPU limit (hard = soft), and the rusage may count a little less than the limit's clock. */
        if (sig == SIGKILL || sig == SIGXCPU)
            finish_with(SANDBOX_TIMEOUT, what, "timed out after %.0f s of CPU time", ceil(rl.spec.cpu_seconds));
        if (sig == SIGSYS)
            finish_with(SANDBOX_CRASH, what, "killed by %s (a system call an allocator has no need of: the "
                        "runner may use memory calls, its pipes, clocks and signals to itself; open, socket, fork, "
                        "ptrace, kill, timers and sleeping are refused)", sandbox_signal_text(sig, sigbuf, sizeof sigbuf));
        finish_with(SANDBOX_CRASH, what, "killed by %s", sandbox_signal_text(sig, sigbuf, sizeof sigbuf));
    }
    finish_with(SANDBOX_EXIT, what, "the runner exited with status %d before the test finished (did the allocator "
                "call exit?)", WEXITSTATUS(status));
}

/* ---- the pipes ------------------------------------------------------------------------------------ */

static void send_all(const void *buf, size_t bytes, const char *what)
{
    const char *at = buf;
    while (bytes > 0) {
        ssize_t put = write(rl.command_fd, at, bytes);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            runner_died(what);
        at += put;
        bytes -= (size_t)put;
    }
}

/* Blocking reads: the test's deadline is an interval timer whose signal interrupts them (EINTR). */
static void receive_all(void *buf, size_t bytes, const char *what)
{
    char *at = buf;
    while (bytes > 0) {
        if (now_seconds() >= rl.deadline) {
            runner_stop();
            finish_with(SANDBOX_TIMEOUT, what, "timed out after %.0f s", rl.spec.wall_seconds);
        }
        ssize_t got = read(rl.answer_fd, at, bytes);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            runner_died(what);
        at += got;
        bytes -= (size_t)got;
    }
}

static void on_deadline(int sig) { (void)sig; }

/* SIGALRM at the deadline, and then every 50 ms, so that no blocking read outlasts it. */
static void arm_deadline(double seconds)
{
    struct sigaction sa = { .sa_handler = on_deadline };     /* no SA_RESTART: reads return EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval when = { .it_interval = { 0, 50000 },
                              .it_value = { (time_t)seconds, (suseconds_t)((seconds - floor(seconds)) * 1e6) + 1 } };
    setitimer(ITIMER_REAL, &when, NULL);
}

static struct protocol_view current_view(void)
{
    return (struct protocol_view){ .heap_start = (uintptr_t)os_heap_start(), .brk = (uintptr_t)os_heap_end(),
                                   .writable_end = (uintptr_t)os_sim_writable_end(), .stats = os_stats() };
}

/* ---- the seam, served here -------------------------------------------------------------------------- */

static int collect_mapping(void *start, size_t length, void *arg)
{
    struct protocol_mapping *list = arg;
    size_t n = (size_t)list[PROTOCOL_MAPPINGS_MAX].start;
    if (n == PROTOCOL_MAPPINGS_MAX)
        return 1;                    /* the list is full: cut short */
    list[n] = (struct protocol_mapping){ (uintptr_t)start, length };
    list[PROTOCOL_MAPPINGS_MAX].start = n + 1;
    return 0;
}

static void serve_seam(const struct protocol_message *m, const char *what)
{
    struct protocol_seam_reply r = { .magic = PROTOCOL_MAGIC };
    static struct protocol_mapping list[PROTOCOL_MAPPINGS_MAX + 1];   /* the last entry counts */
    errno = 0;
    switch (m->call) {
    case SEAM_BRK: {
        int result = os_brk((void *)(uintptr_t)m->a);
        r.value = (uint64_t)(int64_t)result;
        r.error = result == 0 ? 0 : (uint32_t)errno;
        break;
    }
    case SEAM_SBRK: {
        void *old = os_sbrk((intptr_t)m->a);
        r.value = (uintptr_t)old;
        r.error = old != (void *)-1 ? 0 : (uint32_t)errno;
        break;
    }
    case SEAM_MMAP: {
        /* Only readable and writable memory: the grader maps the same pages and never runs them. */
        int prot = (int)m->b & (PROT_READ | PROT_WRITE);
        void *mem = os_mmap(NULL, (size_t)m->a, prot, (int)m->c, -1, 0);
        r.value = (uintptr_t)mem;
        r.error = mem != MAP_FAILED ? 0 : (uint32_t)errno;
        break;
    }
    case SEAM_MUNMAP: {
        int result = os_munmap((void *)(uintptr_t)m->a, (size_t)m->b);
        r.value = (uint64_t)(int64_t)result;
        r.error = result == 0 ? 0 : (uint32_t)errno;
        break;
    }
    case SEAM_MAPPING_LENGTH:
        r.value = os_sim_mapping_length((void *)(uintptr_t)m->a);
        break;
    case SEAM_MAPPINGS:
        list[PROTOCOL_MAPPINGS_MAX].start = 0;
        os_sim_each_mapping(collect_mapping, list);
        r.value = list[PROTOCOL_MAPPINGS_MAX].start;
        break;
    default:
        runner_fail_now("the runner sent a seam call the protocol does not have (%u) in %s: a submission may "
                        "not write to the grader's pipes", m->call, what);
    }
    r.view = current_view();
    send_all(&r, sizeof r, what);
    if (m->call == SEAM_MAPPINGS)
        send_all(list, (size_t)r.value * sizeof list[0], what);
}

/* ---- calls ------------------------------------------------------------------------------------------ */

/* Is this call one of the sampled ones? Each check costs a system call, and on a virtual machine a
 * system call costs microseconds, as much as the call itself: so the checks below run on a random
 * one call in SAMPLE_ONE_IN (and at the end of the test). A runner that misbehaves does so for
 * every call it wants to cheat on, and is caught within a few calls. */
static bool sampled(void)
{
    uint64_t z = (rl.sample_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return ((z ^ (z >> 31)) % SAMPLE_ONE_IN) == 0;
}

/* The runner must have stayed idle since its last answer: it may run only while the grader waits. */
static void check_idle(const char *what)
{
    if (rl.cpu_at_answer < 0)
        return;
    double used = runner_cpu_seconds() - rl.cpu_at_answer;
    if (used > QUIET_CPU_SECONDS)
        runner_fail_now("the runner kept running after it answered (%.0f ms of CPU time before %s): a submission "
                        "may run only inside the allocator calls the grader makes", used * 1000, what);
}

/* The mapping region's file may hold no more memory than the seam mapped: more means the runner
 * wrote where nothing is mapped (pages it set writable itself). */
static void check_mapping_file(const char *when, const char *what)
{
    size_t file_bytes = os_sim_map_file_bytes(), mapped = os_stats().mapped_bytes;
    if (file_bytes > mapped)
        runner_fail_now("%s %s the mapping region holds %zu bytes of memory but the seam mapped only %zu: the "
                        "allocator wrote to memory it never got from os_mmap", when, what, file_bytes, mapped);
}

/* After an answer (sampled): nothing may have been written where the seam mapped nothing, and the
 * runner's CPU time is noted for check_idle. */
static void check_answer(const char *what, bool always)
{
    rl.cpu_at_answer = -1;
    if (!always && !sampled())
        return;
    rl.cpu_at_answer = runner_cpu_seconds();
    check_mapping_file("after", what);
}

void runner_finish(void)
{
    if (rl.pid <= 0)
        return;
    check_mapping_file("at", "the end of the test");
    runner_stop();
}

/* Waits for the answer to command seq, serving seam calls meanwhile; returns its value. */
static uint64_t await_answer(const char *what)
{
    for (;;) {
        struct protocol_message m;
        receive_all(&m, sizeof m, what);
        if (m.magic != PROTOCOL_MAGIC)
            runner_fail_now("the runner wrote something that is not a protocol message in %s: a submission may "
                            "not write to the grader's pipes", what);
        if (m.kind == MSG_SEAM) {
            serve_seam(&m, what);
            continue;
        }
        if (m.kind != MSG_ANSWER || m.seq != rl.seq)
            runner_fail_now("the runner answered out of turn in %s (message %u, sequence %llu, expected %llu): a "
                            "submission may not write to the grader's pipes", what, m.kind,
                            (unsigned long long)m.seq, (unsigned long long)rl.seq);
        return m.value;
    }
}

static void send_command(uint32_t op, uint64_t a, uint64_t b, const char *what)
{
    check_idle(what);
    struct protocol_command c = { .magic = PROTOCOL_MAGIC, .op = op, .seq = ++rl.seq, .a = a, .b = b,
                                  .view = current_view() };
    send_all(&c, sizeof c, what);
}

uint64_t runner_call(uint32_t op, uint64_t a, uint64_t b, const char *what)
{
    size_t logged = op_log_begin(op, a, b, 0);
    if (rl.progress != NULL)
        rl.progress->test_op = sandbox_current_op(rl.page);     /* for runner_at_operation */
    send_command(op, a, b, what);
    uint64_t value = await_answer(what);
    op_log_end(logged, value);
    check_answer(what, false);
    return value;
}

/* A batch (OP_BATCH) or a perf replay's (OP_REPLAY, whose ops name ids: no call of it is named). */
static void exchange_batches(uint32_t op, const struct protocol_batch_op *ops, size_t count, uint64_t *results,
                             const char *what)
{
    for (size_t done = 0; done < count;) {
        size_t n = count - done < PROTOCOL_BATCH_MAX ? count - done : PROTOCOL_BATCH_MAX;
        rl.batch = op == OP_BATCH ? ops + done : NULL;
        rl.batch_count = n;
        size_t logged = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            size_t at = op_log_begin(ops[done + i].op, ops[done + i].a, ops[done + i].b, done + i);
            logged = i == 0 ? at : logged;
        }
        if (rl.progress != NULL)
            rl.progress->test_op = sandbox_current_op(rl.page) + done;
        send_command(op, n, 0, what);
        send_all(ops + done, n * sizeof ops[0], what);
        if (await_answer(what) != n)
            runner_fail_now("the runner answered a batch of %zu operations with another count", n);
        receive_all(results + done, n * sizeof results[0], what);
        for (size_t i = 0; logged != SIZE_MAX && i < n; i++)
            op_log_end(logged + i, results[done + i]);
        rl.batch = NULL;
        check_answer(what, true);
        done += n;
    }
}

void runner_batch(const struct protocol_batch_op *ops, size_t count, uint64_t *results, const char *what)
{
    exchange_batches(OP_BATCH, ops, count, results, what);
}

void runner_replay_ready(uint64_t ids, const char *what)
{
    send_command(OP_REPLAY, 0, ids, what);
    if (await_answer(what) != 0)
        runner_fail_now("the runner answered the start of a replay with a count");
    check_answer(what, true);
}

void runner_replay_batches(const struct protocol_batch_op *ops, size_t count, uint64_t *results, const char *what)
{
    exchange_batches(OP_REPLAY, ops, count, results, what);
}

/* ---- starting ---------------------------------------------------------------------------------------- */

/* In the forked child: the descriptors at their protocol numbers, confinement, filter, exec. The
 * program is exec'd from the descriptor the grader opened before dropping privileges, so the
 * unprivileged uid needs no way through the folders that hold it (a checkout under /root, a 0700
 * submission folder): only execute permission on the file itself. */
enum { KEPT = 6 };

static void exec_runner(const int fds[KEPT])
{
    static const int wanted[KEPT] = { PROTOCOL_COMMAND_FD, PROTOCOL_ANSWER_FD, PROTOCOL_HEAP_FD, PROTOCOL_MAP_FD,
                                      PROTOCOL_PROGRAM_FD, PROTOCOL_PROGRESS_FD };
    int high[KEPT];
    for (int i = 0; i < KEPT; i++)
        high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, HIGH_FD);     /* out of the way of the targets */
    for (int i = 0; i < KEPT; i++)
        if (high[i] < 0 || dup2(high[i], wanted[i]) != wanted[i])
            _exit(126);
    fcntl(PROTOCOL_PROGRAM_FD, F_SETFD, FD_CLOEXEC);          /* gone once the runner runs */
    if (runner_debug_active())                                /* make debug, make memcheck: unconfined */
        runner_debug_exec(rl.spec.path);
    char why[256] = "";
    struct confine_limits lim = {
        .cpu_seconds = rl.spec.cpu_seconds, .wall_seconds = rl.spec.wall_seconds,
        .memory_bytes = 0 /* below, last */, .file_bytes = 0,
        .processes = 0, .files = RUNNER_FILES,
    };
    if (!confine_child_enter(&lim, confine_uid_for_slot(rl.spec.slot), wanted, KEPT, why, sizeof why)) {
        fprintf(stderr, "heapkit: the runner could not be confined: %s\n", why);
        _exit(126);
    }
    if (runner_filter_available() && !runner_filter_load(why, sizeof why)) {
        fprintf(stderr, "heapkit: the runner's system-call filter could not be loaded: %s\n", why);
        _exit(126);
    }
    /* The address-space limit comes last, once nothing of ours needs memory any more: the two shared
     * regions, plus a little for the runner's own C library. Hard = soft, so it cannot be raised. */
    rlim_t as_bytes = ((rlim_t)2 << OS_SIM_REGION_SHIFT) + RUNNER_SLACK_BYTES;
    struct rlimit as = { as_bytes, as_bytes }, data = { RUNNER_SLACK_BYTES, RUNNER_SLACK_BYTES };
    if (setrlimit(RLIMIT_AS, &as) != 0 || setrlimit(RLIMIT_DATA, &data) != 0)
        _exit(126);
    char *argv[] = { "heapkit-runner", NULL }, *envp[] = { NULL };
    syscall(SYS_execveat, PROTOCOL_PROGRAM_FD, "", argv, envp, AT_EMPTY_PATH);
    fprintf(stderr, "heapkit: the runner %s could not be executed as uid %u: %s\n", rl.spec.path,
            (unsigned)geteuid(), strerror(errno));
    _exit(127);
}

static void describe_protections(void)
{
    snprintf(rl.protections, sizeof rl.protections, "%s; every answer checked against shared memory; CPU-time "
             "check between calls", confine_protections_text(false));
}

/* The page the runner writes its place in a batch to, mapped here too; returns its descriptor. */
static int open_progress_page(void)
{
    int fd = memfd_create("heapkit-progress", MFD_CLOEXEC);
    void *page = MAP_FAILED;
    if (fd >= 0 && ftruncate(fd, (off_t)sizeof *rl.progress) == 0)
        page = mmap(NULL, sizeof *rl.progress, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (page == MAP_FAILED)
        finish_with(SANDBOX_CRASH, NULL, "the test could not be started: the runner's progress page: %s",
                    strerror(errno));
    rl.progress = page;
    return fd;
}

void runner_start(const struct runner_spec *spec, struct sandbox_page *page)
{
    rl.spec = *spec;
    rl.page = page;
    op_log_start(page);
    rl.deadline = now_seconds() + spec->wall_seconds;
    arm_deadline(spec->wall_seconds);
    describe_protections();

    /* The runner and this process take turns: on one CPU each turn costs microseconds, across two
     * it costs tens of them. A grading that fills every CPU gives each slot its own; one that runs
     * fewer tests at once (next to other gradings) keeps the CPU the scheduler chose for it. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int here = sched_getcpu();
    int cpu = cpus > 0 && spec->slots >= (unsigned long)cpus ? (int)(spec->slot % (unsigned long)cpus)
                                                              : (here >= 0 ? here : 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);

    int heap_fd, map_fd, command[2], answer[2];
    if (!os_sim_share(&heap_fd, &map_fd) || pipe2(command, O_CLOEXEC) != 0 || pipe2(answer, O_CLOEXEC) != 0)
        finish_with(SANDBOX_CRASH, NULL, "the test could not be started: the shared heap or the runner's pipes: %s",
                    strerror(errno));
    int program_fd = open(spec->path, O_RDONLY | O_CLOEXEC);
    if (program_fd < 0)
        finish_with(SANDBOX_CRASH, NULL, "the test could not be started: the runner %s: %s", spec->path, strerror(errno));
    int progress_fd = open_progress_page();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        finish_with(SANDBOX_CRASH, NULL, "the test could not be started: fork: %s", strerror(errno));
    if (pid == 0) {
        int fds[KEPT] = { command[0], answer[1], heap_fd, map_fd, program_fd, progress_fd };
        exec_runner(fds);
    }
    close(program_fd);
    close(progress_fd);
    close(command[0]);
    close(answer[1]);
    signal(SIGPIPE, SIG_IGN);        /* a dead runner shows as a failed write, handled as its death */
    rl.pid = pid;
    rl.command_fd = command[1];
    rl.answer_fd = answer[0];
    rl.have_cpu_clock = clock_getcpuclockid(pid, &rl.cpu_clock) == 0;
    rl.cpu_at_answer = -1;
    struct timespec seed;
    clock_gettime(CLOCK_MONOTONIC, &seed);
    rl.sample_state = (uint64_t)seed.tv_nsec * 0x2545f4914f6cdd1dull ^ (uint64_t)getpid();
}
