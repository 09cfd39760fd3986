/* trace_measure.c: the checked replay and the timed replays of one trace, each in its own child. */
#include "trace_measure.h"

#include <malloc.h>
#include <string.h>

struct job {
    struct replay_target target;
    const struct trace *t;
    const struct measure_options *opts;
};

/* The C library's heap in a fresh child is its parent's: give its free top back to the kernel, so
 * that the trace's footprint is measured from the smallest start we can get. */
static void start_clean(const struct job *j)
{
    if (j->target.stage == NULL)
        malloc_trim(0);
}

static void checked_job(void *arg, void *result)
{
    const struct job *j = arg;
    start_clean(j);
    struct replay_check_options opts = {.check_every = j->opts->check_every, .walk_heap = true};
    replay_checked(j->target, j->t, opts, result);
}

static void timed_job(void *arg, void *result)
{
    const struct job *j = arg;
    start_clean(j);
    double seconds = replay_timed(j->target, j->t);
    memcpy(result, &seconds, sizeof seconds);
}

static void by_kind_job(void *arg, void *result)
{
    const struct job *j = arg;
    start_clean(j);
    struct replay_times times;
    if (replay_timed_by_kind(j->target, j->t, &times) != 0)
        times.count[REPLAY_ALLOC] = (size_t)-1;      /* marks a failed replay */
    memcpy(result, &times, sizeof times);
}

double measure_utilization(const struct trace_measure *m)
{
    if (m->check.peak_footprint_bytes == 0)
        return -1;
    return (double)m->check.peak_live_bytes / (double)m->check.peak_footprint_bytes;
}

void measure_trace(struct replay_target target, const struct trace *t, const struct measure_options *opts,
                   struct trace_measure *out)
{
    memset(out, 0, sizeof *out);
    struct job j = {target, t, opts};
    out->checked = child_run(checked_job, &j, &out->check, sizeof out->check, opts->time_limit_s,
                             &out->check_outcome);
    if (!measure_correct(out))
        return;                      /* the timing of a wrong allocator means nothing */

    for (unsigned run = 0; run < opts->runs; run++) {
        struct child_outcome outcome;
        double seconds;
        if (!child_run(timed_job, &j, &seconds, sizeof seconds, opts->time_limit_s, &outcome) || seconds < 0)
            continue;
        if (!out->timed || seconds < out->best_seconds)
            out->best_seconds = seconds;
        out->timed = true;
    }
    if (!opts->by_kind)
        return;
    bool first = true;
    for (unsigned run = 0; run < opts->runs; run++) {
        struct child_outcome outcome;
        struct replay_times times;
        if (!child_run(by_kind_job, &j, &times, sizeof times, opts->time_limit_s, &outcome) ||
            times.count[REPLAY_ALLOC] == (size_t)-1)
            continue;
        for (int k = 0; k < REPLAY_KINDS; k++) {
            out->best_by_kind.count[k] = times.count[k];
            if (first || times.seconds[k] < out->best_by_kind.seconds[k])
                out->best_by_kind.seconds[k] = times.seconds[k];
        }
        first = false;
    }
}
