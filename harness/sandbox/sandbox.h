/* sandbox.h: runs jobs in isolated child processes, several at a time: the grader's tests, and the
 * lab's replays and demo runs (each must start from a fresh process: a stage and the simulated seam
 * keep per-process state).
 *
 * Each job runs in its own fork()ed child with a CPU limit, a wall-clock limit (the parent sends
 * SIGTERM, then SIGKILL), an address-space and data limit, and its stdout and stderr captured through
 * a pipe and truncated to a cap (or, for the lab's tools, left on the caller's terminal). The child
 * reports through a page shared with the parent (struct sandbox_page), never through its output:
 * whatever the code under test prints is kept for the report and never parsed. A body that has more
 * to say than a verdict (a replay's measurements, a demo's snapshots) writes it as its result
 * (sandbox_result_write). A crash is reported with the signal's name and the operation number the
 * child had reached; the parent alone decides and writes the outcome.
 */
#ifndef HEAPKIT_SANDBOX_H
#define HEAPKIT_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sandbox_outcome {
    SANDBOX_PASS,       /* the body returned true */
    SANDBOX_FAIL,       /* the body returned false: page->message says why */
    SANDBOX_CRASH,      /* killed by a signal */
    SANDBOX_TIMEOUT,    /* ran past its CPU or wall-clock limit */
    SANDBOX_MEMORY,     /* ran into its memory limit */
    SANDBOX_EXIT,       /* the process ended before the body returned (exit() called, or similar) */
};

/* The page the child writes and the parent reads; the only channel from child to parent. */
struct sandbox_page {
    uint64_t seal;                   /* set when the body has returned: the verdict is real */
    int verdict;                     /* 1 pass, 0 fail */
    bool memory_limit_hit;           /* the body saw its memory limit refuse a request */
    volatile size_t op;              /* the operation the body is at (1 = the first); 0 = none yet */
    unsigned slot;                   /* which of the parallel slots runs this job (set by the parent) */
    unsigned slots;                  /* how many slots run side by side */
    bool has_outcome;                /* the body ended the test with `outcome` (its runner crashed, ...) */
    int outcome;                     /* enum sandbox_outcome, when has_outcome */
    char phase[128];                 /* what the body is doing, in a few words */
    char message[1536];              /* why the body failed */
    int result_fd;                   /* where sandbox_result_write puts the result, or -1 (set by the parent) */
};

struct sandbox_limits {
    double cpu_seconds;
    double wall_seconds;
    size_t memory_bytes;             /* what the code under test may use, beyond the harness itself */
    size_t reserve_bytes;            /* address space reserved but not used (the simulated seam's) */
    size_t output_cap;               /* bytes of output kept */
    double start_by;                 /* monotonic seconds: a job not started by then is not run (0: any time) */
    bool skip_after_failure;         /* not run once a job of the same run has ended other than passing
                                        (grade --first-failure: a mutant is killed by its first failure) */
};

/* The test body, run in the child. Returns the verdict; writes its reasons into page->message. */
typedef bool (*sandbox_body)(struct sandbox_page *page, void *arg);

struct sandbox_job {
    sandbox_body body;
    void *arg;
    struct sandbox_limits limits;
    size_t result_cap;               /* bytes of result the body may write (sandbox_result_write); 0 = none */
    bool share_terminal;             /* the lab's tools: the child keeps our stdin, stdout and stderr
                                        (nothing is captured) and our process group, so that Ctrl-C
                                        stops it with us; it dies with us too */

    /* Filled in by sandbox_run_all. */
    enum sandbox_outcome outcome;
    char message[2048];              /* what happened, in words ("" for a pass) */
    size_t op;                       /* operation reached when it failed or died; 0 = unknown */
    double seconds;                  /* wall-clock time of the child */
    double cpu_seconds;              /* CPU time of the child (user + system) */
    char *output;                    /* captured stdout and stderr (malloc'ed, NUL-terminated) */
    size_t output_bytes;             /* bytes kept in output */
    bool output_truncated;           /* the child printed more than output_cap */
    bool started;                    /* a child was forked (false: outcome crash, message says why) */
    int signal;                      /* the signal that ended the child, or 0 */
    int exit_status;                 /* its exit status when it exited, else -1 */
    char *result;                    /* what the body wrote with sandbox_result_write (malloc'ed), or NULL */
    size_t result_bytes;             /* bytes in result: a body that died may have written only part */
};

/* Told by sandbox_run_all, in the parent, each time one of its jobs ends (run, skipped or not
 * started): how many of the job_count have ended, and how many of those did not pass. */
typedef void (*sandbox_progress_fn)(size_t ended, size_t job_count, size_t not_passed, void *arg);

/* The progress function of the sandbox_run_all calls that follow; NULL (the default) tells nobody. */
void sandbox_set_progress(sandbox_progress_fn fn, void *arg);

/* Runs every job, at most parallel at a time, and fills in their results. Never fails: a job whose
 * child cannot even be started is reported as a crash with the reason. */
void sandbox_run_all(struct sandbox_job *jobs, size_t job_count, unsigned parallel);

/* In the child: when the process dies, copy *counter + base into page->op (for counters the body
 * does not keep in the page itself, e.g. the trace replay's). NULL stops following. */
void sandbox_follow_counter(volatile size_t *counter, size_t base);

/* In the child: seal the verdict now and end the process (for a body that must stop at once, e.g.
 * from inside a callback of code that would otherwise go on with a broken heap). */
void sandbox_finish_now(struct sandbox_page *page, bool passed) __attribute__((noreturn));

/* In the child: the same, with an outcome other than pass or fail (a runner that crashed or hung):
 * page->message says what happened. */
void sandbox_finish_outcome(struct sandbox_page *page, enum sandbox_outcome outcome) __attribute__((noreturn));

/* In the child: appends bytes to the job's result; false when they do not fit in result_cap (then
 * nothing is written) or the write fails. The parent reads the result once the child has ended. */
bool sandbox_result_write(struct sandbox_page *page, const void *bytes, size_t count);

/* In the child: the operation the body is at (page->op, or the followed counter). */
size_t sandbox_current_op(const struct sandbox_page *page);

/* The signal's name and meaning: "SIGSEGV (segmentation fault)". */
const char *sandbox_signal_text(int sig, char *buf, size_t cap);

void sandbox_job_release(struct sandbox_job *job);

const char *sandbox_outcome_name(enum sandbox_outcome outcome);

#endif
