/* sandbox.c: isolated child processes for test bodies (sandbox.h).
 *
 * The parent forks up to `parallel` children at once and waits on all of them in one poll() loop:
 * each child's output pipe and a pidfd that becomes readable when the child exits. A job's result
 * goes to a memory file (memfd) that the parent reads once the child has ended. Limits:
 *   CPU        RLIMIT_CPU (SIGXCPU at the soft limit, SIGKILL one second later)
 *   wall clock the parent sends SIGTERM to the child's process group, then SIGKILL 300 ms later
 *   memory     RLIMIT_AS = what the child maps already + the reservation + the limit + slack, and
 *              RLIMIT_DATA = data already in use + the limit + slack (the simulated seam reserves
 *              8 GiB of PROT_NONE address space, which counts toward RLIMIT_AS but not toward data)
 *   output     the parent keeps the first output_cap bytes and drains the rest
 * A fatal signal in the child first copies the followed operation counter into the shared page
 * (on an alternate stack, so a stack overflow is caught too), then dies with the default action.
 */
#define _GNU_SOURCE                  /* memfd_create */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { SLACK_BYTES = 128u << 20, KILL_GRACE_MS = 300, ALT_STACK_BYTES = 64 * 1024 };

static const uint64_t SANDBOX_SEAL = 0x6865617073656a6cull;

/* ---- the child ------------------------------------------------------------------------------- */

static struct sandbox_page *child_page;
static volatile size_t *followed_counter;
static size_t followed_base;
static size_t result_room;            /* what sandbox_result_write may still append */

void sandbox_follow_counter(volatile size_t *counter, size_t base)
{
    followed_counter = counter;
    followed_base = base;
}

static void on_fatal_signal(int sig)
{
    if (child_page != NULL && followed_counter != NULL)
        child_page->op = *followed_counter + followed_base;
    raise(sig);                       /* SA_RESETHAND: now with the default action */
}

static void catch_fatal_signals(void)
{
    static char alt_stack[ALT_STACK_BYTES];
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU, SIGTERM, SIGTRAP, SIGSYS };
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal[i], &sa, NULL);
    }
}

/* Field `field` (1-based) of /proc/self/statm, in bytes; 0 when unreadable. */
static size_t statm_bytes(int field)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    unsigned long v[7] = { 0 };
    int got = fscanf(f, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
    fclose(f);
    if (got < field)
        return 0;
    return (size_t)v[field - 1] * (size_t)sysconf(_SC_PAGESIZE);
}

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };
    setrlimit(resource, &rl);
}

static void apply_limits(const struct sandbox_limits *lim)
{
    if (lim->cpu_seconds > 0) {
        rlim_t cpu = (rlim_t)ceil(lim->cpu_seconds);
        set_limit(RLIMIT_CPU, cpu, cpu + 1);
    }
    if (lim->memory_bytes > 0) {
        size_t mapped_now = statm_bytes(1), data_now = statm_bytes(6);
        set_limit(RLIMIT_AS, mapped_now + lim->reserve_bytes + lim->memory_bytes + SLACK_BYTES, RLIM_INFINITY);
        set_limit(RLIMIT_DATA, data_now + lim->memory_bytes + SLACK_BYTES, RLIM_INFINITY);
    }
    set_limit(RLIMIT_CORE, 0, 0);                 /* a crash leaves no core file behind */
}

void sandbox_finish_now(struct sandbox_page *page, bool passed)
{
    page->verdict = passed ? 1 : 0;
    __atomic_store_n(&page->seal, SANDBOX_SEAL, __ATOMIC_RELEASE);
    fflush(NULL);
    _exit(0);
}

void sandbox_finish_outcome(struct sandbox_page *page, enum sandbox_outcome outcome)
{
    page->has_outcome = true;
    page->outcome = (int)outcome;
    sandbox_finish_now(page, outcome == SANDBOX_PASS);
}

bool sandbox_result_write(struct sandbox_page *page, const void *bytes, size_t count)
{
    if (page->result_fd < 0 || count > result_room)
        return false;
    const char *p = bytes;
    for (size_t left = count; left > 0;) {
        ssize_t n = write(page->result_fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= (size_t)n;
    }
    result_room -= count;
    return true;
}

size_t sandbox_current_op(const struct sandbox_page *page)
{
    return followed_counter != NULL ? *followed_counter + followed_base : page->op;
}

/* Our own process group, stdin from /dev/null, stdout and stderr into the pipe out_fd. */
static void detach_from_terminal(int out_fd)
{
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        close(null_fd);
    }
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    close(out_fd);
}

static void run_child(struct sandbox_job *job, struct sandbox_page *page, int out_fd)
{
    if (job->share_terminal)
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* nothing else would stop it if we died first */
    else
        detach_from_terminal(out_fd);
    setvbuf(stderr, NULL, _IONBF, 0);
    child_page = page;
    result_room = job->result_cap;
    catch_fatal_signals();
    apply_limits(&job->limits);

    sandbox_finish_now(page, job->body(page, job->arg));
}

/* ---- the parent ------------------------------------------------------------------------------ */

struct slot {
    struct sandbox_job *job;
    struct sandbox_page *page;
    pid_t pid;
    int pidfd;                 /* -1 when the kernel has no pidfd_open: then poll with a short timeout */
    int out_fd;                /* -1 when the child shares our terminal */
    int result_fd;             /* -1 when the job has no result */
    bool own_group;            /* the child leads a process group of its own (not when it shares our terminal) */
    double started, deadline;
    bool term_sent, kill_sent, timed_out;
    double kill_at;
    size_t output_cap;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *sandbox_signal_text(int sig, char *buf, size_t cap)
{
    static const struct { int sig; const char *name, *meaning; } known[] = {
        { SIGSEGV, "SIGSEGV", "segmentation fault" }, { SIGBUS, "SIGBUS", "bus error" },
        { SIGFPE, "SIGFPE", "arithmetic exception" }, { SIGILL, "SIGILL", "illegal instruction" },
        { SIGABRT, "SIGABRT", "aborted" }, { SIGKILL, "SIGKILL", "killed" },
        { SIGTERM, "SIGTERM", "terminated" }, { SIGXCPU, "SIGXCPU", "CPU time limit" },
        { SIGTRAP, "SIGTRAP", "trace trap" }, { SIGSYS, "SIGSYS", "bad system call" },
        { SIGPIPE, "SIGPIPE", "broken pipe" }, { SIGXFSZ, "SIGXFSZ", "file size limit" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].sig == sig) {
            snprintf(buf, cap, "%s (%s)", known[i].name, known[i].meaning);
            return buf;
        }
    snprintf(buf, cap, "signal %d", sig);
    return buf;
}

const char *sandbox_outcome_name(enum sandbox_outcome outcome)
{
    switch (outcome) {
    case SANDBOX_PASS: return "pass";
    case SANDBOX_FAIL: return "fail";
    case SANDBOX_CRASH: return "crash";
    case SANDBOX_TIMEOUT: return "timeout";
    case SANDBOX_MEMORY: return "memory";
    case SANDBOX_EXIT: return "exit";
    }
    return "unknown";
}

static void start_failed(struct sandbox_job *job, const char *what)
{
    job->started = false;
    job->signal = 0;
    job->exit_status = -1;
    job->outcome = SANDBOX_CRASH;
    snprintf(job->message, sizeof job->message, "the test could not be started: %s: %s", what, strerror(errno));
    job->output = calloc(1, 1);
}

/* Undoes what slot_start made before a step failed. */
static void slot_abandon(struct slot *s, struct sandbox_job *job, const int *fds, const char *what)
{
    int saved = errno;
    if (fds != NULL && fds[0] >= 0) {
        close(fds[0]);
        close(fds[1]);
    }
    if (s->result_fd >= 0)
        close(s->result_fd);
    if (s->page != MAP_FAILED)
        munmap(s->page, sizeof *s->page);
    free(job->output);
    errno = saved;
    start_failed(job, what);
}

/* A job left out because an earlier one failed (skip_after_failure): a failure that names why. */
static void skip_job(struct sandbox_job *job)
{
    job->outcome = SANDBOX_FAIL;
    snprintf(job->message, sizeof job->message, "not run: an earlier test failed first (--first-failure)");
    job->output = calloc(1, 1);
    job->output_bytes = 0;
}

static bool slot_start(struct slot *s, struct sandbox_job *job, unsigned index, unsigned slot_count)
{
    memset(s, 0, sizeof *s);
    if (job->limits.start_by > 0 && now_seconds() > job->limits.start_by) {
        /* The grading as a whole is out of time (a batch's limit for one student). */
        job->outcome = SANDBOX_TIMEOUT;
        snprintf(job->message, sizeof job->message, "not run: the grading's time limit was reached first");
        job->output = calloc(1, 1);
        return false;
    }
    s->job = job;
    s->result_fd = -1;
    job->result = NULL;
    job->result_bytes = 0;
    job->output = malloc(job->limits.output_cap + 1);
    job->output_bytes = 0;
    job->output_truncated = false;
    s->output_cap = job->limits.output_cap;
    s->page = mmap(NULL, sizeof *s->page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s->page == MAP_FAILED || job->output == NULL) {
        slot_abandon(s, job, NULL, "mmap");
        return false;
    }
    s->page->slot = index;
    s->page->slots = slot_count;
    s->page->result_fd = -1;
    if (job->result_cap > 0) {
        s->result_fd = memfd_create("heapkit-result", MFD_CLOEXEC);
        if (s->result_fd < 0) {
            slot_abandon(s, job, NULL, "memfd_create");
            return false;
        }
        s->page->result_fd = s->result_fd;
    }
    int fds[2] = { -1, -1 };
    if (!job->share_terminal && pipe(fds) != 0) {
        slot_abandon(s, job, NULL, "pipe");
        return false;
    }
    fflush(NULL);                     /* nothing of ours may be printed twice by the child */
    s->started = now_seconds();
    pid_t pid = fork();
    if (pid < 0) {
        slot_abandon(s, job, fds, "fork");
        return false;
    }
    if (pid == 0) {
        if (fds[0] >= 0)
            close(fds[0]);
        run_child(job, s->page, fds[1]);
    }
    job->started = true;
    s->pid = pid;
    s->out_fd = fds[0];
    s->own_group = !job->share_terminal;
    if (s->own_group) {
        close(fds[1]);
        setpgid(pid, pid);            /* as the child does: whichever runs first */
        fcntl(fds[0], F_SETFL, O_NONBLOCK);
    }
#ifdef SYS_pidfd_open
    s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    s->pidfd = -1;
#endif
    s->deadline = job->limits.wall_seconds > 0 ? s->started + job->limits.wall_seconds : 0;
    return true;
}

/* Reads the job's result from its memory file, up to result_cap bytes, and closes the file. */
static void slot_collect_result(struct slot *s)
{
    struct sandbox_job *job = s->job;
    if (s->result_fd < 0)
        return;
    struct stat st;
    size_t want = fstat(s->result_fd, &st) == 0 && st.st_size >= 0 ? (size_t)st.st_size : 0;
    if (want > job->result_cap)
        want = job->result_cap;
    job->result = malloc(want + 1);
    size_t got = 0;
    while (job->result != NULL && got < want) {
        ssize_t n = pread(s->result_fd, job->result + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    job->result_bytes = job->result != NULL ? got : 0;
    close(s->result_fd);
    s->result_fd = -1;
}

/* Reads what the child has printed; keeps up to the cap and drops the rest. */
static void slot_drain(struct slot *s)
{
    char buf[8192];
    while (s->out_fd >= 0) {
        ssize_t got = read(s->out_fd, buf, sizeof buf);
        if (got <= 0)
            return;
        struct sandbox_job *job = s->job;
        size_t room = s->output_cap - job->output_bytes;
        size_t keep = (size_t)got < room ? (size_t)got : room;
        memcpy(job->output + job->output_bytes, buf, keep);
        job->output_bytes += keep;
        if (keep < (size_t)got)
            job->output_truncated = true;
    }
}

static void slot_finish(struct slot *s, int status, const struct rusage *usage)
{
    struct sandbox_job *job = s->job;
    struct sandbox_page *page = s->page;
    char sigbuf[64];
    slot_drain(s);
    if (s->out_fd >= 0)
        close(s->out_fd);
    if (s->pidfd >= 0)
        close(s->pidfd);
    slot_collect_result(s);
    job->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    job->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    job->output[job->output_bytes] = '\0';
    job->seconds = now_seconds() - s->started;
    job->cpu_seconds = (double)(usage->ru_utime.tv_sec + usage->ru_stime.tv_sec) +
                       (double)(usage->ru_utime.tv_usec + usage->ru_stime.tv_usec) / 1e6;
    job->op = page->op;
    page->message[sizeof page->message - 1] = '\0';

    size_t peak_bytes = (size_t)usage->ru_maxrss * 1024;
    size_t mib = job->limits.memory_bytes >> 20;
    bool near_memory_limit = job->limits.memory_bytes > 0 && peak_bytes >= job->limits.memory_bytes / 10 * 9;
    char at[64] = "";
    if (job->op > 0)
        snprintf(at, sizeof at, " at operation %zu", job->op);

    if (__atomic_load_n(&page->seal, __ATOMIC_ACQUIRE) == SANDBOX_SEAL) {
        if (page->has_outcome && page->outcome != SANDBOX_PASS) {
            job->outcome = (enum sandbox_outcome)page->outcome;
            snprintf(job->message, sizeof job->message, "%s", page->message);
        } else if (page->verdict == 1) {
            job->outcome = SANDBOX_PASS;
            job->message[0] = '\0';
        } else if (page->memory_limit_hit) {
            job->outcome = SANDBOX_MEMORY;
            snprintf(job->message, sizeof job->message, "memory limit (%zu MiB): %s", mib, page->message);
        } else {
            job->outcome = SANDBOX_FAIL;
            snprintf(job->message, sizeof job->message, "%s", page->message);
        }
    } else if (s->timed_out) {
        job->outcome = SANDBOX_TIMEOUT;
        snprintf(job->message, sizeof job->message, "timed out after %.0f s%s", job->limits.wall_seconds, at);
    } else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU ||
                                       (WTERMSIG(status) == SIGKILL && !near_memory_limit &&
                                        usage->ru_utime.tv_sec + usage->ru_stime.tv_sec >= (long)job->limits.cpu_seconds &&
                                        job->limits.cpu_seconds > 0))) {
        job->outcome = SANDBOX_TIMEOUT;
        snprintf(job->message, sizeof job->message, "timed out after %.0f s of CPU time%s",
                 ceil(job->limits.cpu_seconds), at);
    } else if (WIFSIGNALED(status) && (near_memory_limit || page->memory_limit_hit)) {
        job->outcome = SANDBOX_MEMORY;
        snprintf(job->message, sizeof job->message, "memory limit (%zu MiB): killed by %s%s", mib,
                 sandbox_signal_text(WTERMSIG(status), sigbuf, sizeof sigbuf), at);
    } else if (WIFSIGNALED(status)) {
        job->outcome = SANDBOX_CRASH;
        snprintf(job->message, sizeof job->message, "killed by %s%s%s%s",
                 sandbox_signal_text(WTERMSIG(status), sigbuf, sizeof sigbuf), at,
                 page->phase[0] != '\0' ? " while " : "", page->phase);
    } else {
        job->outcome = SANDBOX_EXIT;
        snprintf(job->message, sizeof job->message,
                 "the process exited with status %d before the test finished%s (did the allocator call exit?)",
                 WEXITSTATUS(status), at);
    }
    munmap(page, sizeof *page);
    s->job = NULL;
}

/* Sends the wall-clock signals when they are due. */
static void slot_enforce_deadline(struct slot *s, double now)
{
    if (s->deadline == 0)
        return;
    if (!s->term_sent && now >= s->deadline) {
        s->timed_out = true;
        s->term_sent = true;
        s->kill_at = now + KILL_GRACE_MS / 1000.0;
        if (s->own_group)
            kill(-s->pid, SIGTERM);
        kill(s->pid, SIGTERM);
    } else if (s->term_sent && !s->kill_sent && now >= s->kill_at) {
        s->kill_sent = true;
        if (s->own_group)
            kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
    }
}

static double slot_next_event(const struct slot *s)
{
    if (s->deadline == 0)
        return 0;
    return s->term_sent ? (s->kill_sent ? 0 : s->kill_at) : s->deadline;
}

/* Kills and reaps every child this process still has: runners whose test's child died before it
 * could end them were handed to us (PR_SET_CHILD_SUBREAPER), and none may outlive the grading. */
static void reap_orphans(void)
{
    char path[64], list[4096];
    snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
    for (int round = 0; round < 50; round++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t got = fd >= 0 ? read(fd, list, sizeof list - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (got <= 0)
            return;                          /* no children left (or no way to list them) */
        list[got] = '\0';
        for (char *at = list, *end; *at != '\0'; at = end) {
            long pid = strtol(at, &end, 10);
            if (end == at)
                break;
            if (pid > 0)
                kill((pid_t)pid, SIGKILL);
        }
        usleep(2000);
    }
}

static sandbox_progress_fn progress_fn;
static void *progress_arg;

void sandbox_set_progress(sandbox_progress_fn fn, void *arg)
{
    progress_fn = fn;
    progress_arg = arg;
}

/* One more job of job_count has ended: counted, and told to the progress function if there is one. */
static void job_ended(const struct sandbox_job *job, size_t *ended, size_t *not_passed, size_t job_count)
{
    (*ended)++;
    *not_passed += job->outcome != SANDBOX_PASS;
    if (progress_fn != NULL)
        progress_fn(*ended, job_count, *not_passed, progress_arg);
}

void sandbox_run_all(struct sandbox_job *jobs, size_t job_count, unsigned parallel)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (parallel == 0)
        parallel = 1;
    struct slot *slots = calloc(parallel, sizeof *slots);
    struct pollfd *fds = calloc(2 * (size_t)parallel, sizeof *fds);
    if (slots == NULL || fds == NULL) {
        fprintf(stderr, "heapkit: out of memory starting the tests\n");
        exit(2);
    }
    size_t next = 0, active = 0, ended = 0, not_passed = 0;
    bool no_pidfd = false, failure_seen = false;
    while (next < job_count || active > 0) {
        for (unsigned i = 0; i < parallel && next < job_count; i++) {
            if (slots[i].job != NULL)
                continue;
            if (failure_seen && jobs[next].limits.skip_after_failure) {
                skip_job(&jobs[next]);
                job_ended(&jobs[next], &ended, &not_passed, job_count);
            } else if (slot_start(&slots[i], &jobs[next], i, parallel)) {
                active++;
            } else {
                slots[i].job = NULL;        /* not started: a crash with the reason, and ended */
                job_ended(&jobs[next], &ended, &not_passed, job_count);
            }
            next++;
        }
        if (active == 0)
            continue;

        /* Wait for output, an exit, or the nearest deadline. */
        nfds_t n = 0;
        double now = now_seconds(), wake = now + 1.0;
        for (unsigned i = 0; i < parallel; i++) {
            struct slot *s = &slots[i];
            if (s->job == NULL)
                continue;
            if (s->out_fd >= 0)
                fds[n++] = (struct pollfd){ .fd = s->out_fd, .events = POLLIN };
            if (s->pidfd >= 0)
                fds[n++] = (struct pollfd){ .fd = s->pidfd, .events = POLLIN };
            else
                no_pidfd = true;
            double event = slot_next_event(s);
            if (event > 0 && event < wake)
                wake = event;
        }
        int timeout_ms = (int)ceil((wake - now) * 1000);
        if (timeout_ms < 0)
            timeout_ms = 0;
        if (no_pidfd && timeout_ms > 5)
            timeout_ms = 5;
        poll(fds, n, timeout_ms);

        now = now_seconds();
        for (unsigned i = 0; i < parallel; i++) {
            struct slot *s = &slots[i];
            if (s->job == NULL)
                continue;
            slot_drain(s);
            int status;
            struct rusage usage;
            pid_t done = wait4(s->pid, &status, WNOHANG, &usage);
            if (done == s->pid) {
                if (s->own_group)
                    kill(-s->pid, SIGKILL);   /* anything the child left behind in its group */
                struct sandbox_job *job = s->job;
                slot_finish(s, status, &usage);
                failure_seen = failure_seen || job->outcome != SANDBOX_PASS;
                active--;
                job_ended(job, &ended, &not_passed, job_count);
            } else {
                slot_enforce_deadline(s, now);
            }
        }
    }
    reap_orphans();
    free(slots);
    free(fds);
}

void sandbox_job_release(struct sandbox_job *job)
{
    free(job->output);
    job->output = NULL;
    free(job->result);
    job->result = NULL;
    job->result_bytes = 0;
}
