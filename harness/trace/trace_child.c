/* trace_child.c: one replay per sandbox job, its result back as the job's result (trace_child.h).
 *
 * The sandbox follows replay_current_op, so a child killed by a signal (its own crash, or the wall
 * clock's SIGTERM) leaves the op it was replaying in the shared page. The words of each outcome are
 * the trace driver's own: "crashed with Segmentation fault at op 2", "timed out after 60 s at op 7".
 */
#include "trace_child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"
#include "sandbox.h"

struct replay_job {
    void (*job)(void *arg, void *result);
    void *arg;
    size_t result_bytes;
};

/* In the child: runs the job into an aligned buffer of its own (the result is a struct), then hands
 * its bytes to the sandbox. */
static bool run_replay_job(struct sandbox_page *page, void *arg)
{
    const struct replay_job *j = arg;
    sandbox_follow_counter(&replay_current_op, 1);   /* op + 1, so that 0 still means "not known" */
    void *result = calloc(1, j->result_bytes);
    if (result == NULL)
        _exit(3);
    j->job(j->arg, result);
    sandbox_follow_counter(NULL, 0);
    return sandbox_result_write(page, result, j->result_bytes);
}

/* Words for a job that delivered nothing, from how its child ended. */
static void describe(const struct sandbox_job *sj, unsigned time_limit_s, struct child_outcome *outcome)
{
    outcome->signal = sj->signal;
    if (!sj->started) {
        snprintf(outcome->why, sizeof outcome->why, "%.150s", sj->message);
        return;
    }
    if (sj->op > 0) {
        outcome->op_known = true;
        outcome->op = sj->op - 1;
    }
    if (sj->outcome == SANDBOX_TIMEOUT) {
        outcome->timed_out = true;
        snprintf(outcome->why, sizeof outcome->why, "timed out after %u s", time_limit_s);
    } else if (sj->signal != 0) {
        snprintf(outcome->why, sizeof outcome->why, "crashed with %s", strsignal(sj->signal));
    } else if (sj->outcome == SANDBOX_EXIT) {
        snprintf(outcome->why, sizeof outcome->why, "the child exited with status %d before reporting",
                 sj->exit_status);
    } else {
        snprintf(outcome->why, sizeof outcome->why, "the child ended without reporting");
    }
    if (outcome->op_known) {
        size_t n = strlen(outcome->why);
        snprintf(outcome->why + n, sizeof outcome->why - n, " at op %zu", outcome->op);
    }
}

bool child_run(void (*job)(void *arg, void *result), void *arg, void *result, size_t result_bytes,
               unsigned time_limit_s, struct child_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    struct replay_job j = {job, arg, result_bytes};
    struct sandbox_job sj = {
        .body = run_replay_job,
        .arg = &j,
        .limits = {.wall_seconds = time_limit_s},
        .result_cap = result_bytes,
        .share_terminal = true,
    };
    sandbox_run_all(&sj, 1, 1);
    if (sj.outcome == SANDBOX_PASS && sj.result_bytes == result_bytes) {
        memcpy(result, sj.result, result_bytes);
        outcome->delivered = true;
    } else {
        describe(&sj, time_limit_s, outcome);
    }
    sandbox_job_release(&sj);
    return outcome->delivered;
}
