/* grade_perf.c: the perf group (grade_perf.h): each perf.<trace> test, and perf.index from them.
 *
 * One perf.<trace> test, in its own child process:
 *   1. load the trace; its ops become protocol operations naming blocks by id (OP_REPLAY), and its
 *      peak live payload is summed from the requests themselves;
 *   2. `runs` times, the submission and the C library in turn (the order alternating, so that
 *      neither always runs first): fork a process that starts a fresh runner, confined like every
 *      test's, replays the whole trace in batches and times the runner by the kernel's count of its
 *      CPU time from the first batch to the last answer (runner_cpu_seconds: the runner cannot lie
 *      about it, and work it did between batches counts too);
 *   3. on the submission's side, every answer of a batch is checked once the batch is over: aligned,
 *      inside memory the seam gave, overlapping no live block, NULL only for a zero request. Its
 *      peak footprint is the seam's own count (peak heap + peak mapped bytes);
 *   4. the fastest replay of each side counts: U = peak live / peak footprint, T = C library seconds /
 *      submission seconds, written as the job's result (struct report_perf_trace).
 * The C library's runner (build/libc/runner) runs its own malloc on memory from the kernel; it is ours,
 * so its answers are not checked.
 */
#include "grade_perf.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os_sim.h"
#include "replay_live.h"
#include "runner_link.h"
#include "tracefile.h"

enum { PERF_BATCH = PROTOCOL_BATCH_MAX, PERF_WALL_FACTOR = 5 };

static const char *libc_runner;

void grade_perf_set_libc_runner(const char *path) { libc_runner = path; }

const struct assignment_perf *grade_perf_settings(const struct assignment *a)
{
    static struct assignment_perf defaults;
    static bool ready;
    if (a != NULL)
        return &a->perf_settings;
    if (!ready) {
        defaults = assignment_perf_defaults();
        ready = true;
    }
    return &defaults;
}

bool grade_perf_enabled(const struct assignment *a, int stage)
{
    const char *env = getenv("HEAPKIT_PERF");
    if (env != NULL && strcmp(env, "off") == 0)
        return false;
    return (grade_perf_settings(a)->stages & (1u << stage)) != 0;
}

/* ---- the traces ------------------------------------------------------------------------------------ */

static void add_named(const char *path, void (*add)(const char *, const char *, void *), void *arg)
{
    const char *slash = strrchr(path, '/'), *base = slash != NULL ? slash + 1 : path;
    char name[96];
    snprintf(name, sizeof name, "perf.%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)), base);
    add(path, name, arg);
}

static void add_folder(const char *folder, void (*add)(const char *, const char *, void *), void *arg)
{
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/*.rep", folder);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++)
        add_named(g.gl_pathv[i], add, arg);
    globfree(&g);
}

void grade_perf_each_trace(const char *root, const struct assignment *a,
                           void (*add)(const char *path, const char *name, void *arg), void *arg)
{
    const struct assignment_perf *s = grade_perf_settings(a);
    char folder[4200];
    if (s->kit_traces && root != NULL) {
        snprintf(folder, sizeof folder, "%s/tests/traces", root);
        add_folder(folder, add, arg);
        snprintf(folder, sizeof folder, "%s/tests/traces/perf", root);
        add_folder(folder, add, arg);
    }
    for (size_t i = 0; s->assignment_traces && a != NULL && i < a->trace_count; i++)
        add_named(a->traces[i].path, add, arg);
    for (size_t i = 0; i < s->file_count; i++)
        add_named(s->files[i], add, arg);
}

/* ---- one replay, in a process of its own ------------------------------------------------------------ */

struct replay_ops {
    struct protocol_batch_op *ops;
    size_t count;
    unsigned ids;
    size_t peak_live_bytes;
};

/* What a replay's process hands back, in a page shared with the test's child. */
struct shared_run {
    struct sandbox_page page;        /* the runner link's page: a failure's message and outcome */
    double seconds;
    size_t footprint_bytes;
};

/* The trace as OP_REPLAY operations, and its peak live payload. False when it cannot be. */
static bool make_ops(struct grade_ctx *t, const struct trace *tr, struct replay_ops *r)
{
    if (tr->ids > PROTOCOL_REPLAY_IDS_MAX)
        return grade_fail(t, "the trace has %u block ids; a perf replay takes at most %d", tr->ids,
                          PROTOCOL_REPLAY_IDS_MAX);
    r->ops = calloc(tr->op_count + 1, sizeof *r->ops);
    size_t *live = calloc((size_t)tr->ids + 1, sizeof *live);
    if (r->ops == NULL || live == NULL) {
        free(live);
        return grade_fail(t, "the grader itself ran out of memory");
    }
    static const uint32_t op_of[] = { [TRACE_ALLOC] = OP_MALLOC, [TRACE_FREE] = OP_FREE, [TRACE_REALLOC] = OP_REALLOC };
    size_t live_bytes = 0;
    for (size_t i = 0; i < tr->op_count; i++) {
        const struct trace_op *o = &tr->ops[i];
        size_t bytes = o->kind == TRACE_FREE ? 0 : o->bytes;
        r->ops[i] = (struct protocol_batch_op){ .op = op_of[(unsigned char)o->kind], .a = o->id, .b = bytes };
        live_bytes = live_bytes - live[o->id] + bytes;
        live[o->id] = bytes;
        if (live_bytes > r->peak_live_bytes)
            r->peak_live_bytes = live_bytes;
    }
    free(live);
    r->count = tr->op_count;
    r->ids = tr->ids;
    return true;
}

/* The answers of one batch, checked as the calls' would be, in order: the grader's own copy of the
 * live blocks follows every answer. Blocks still live at the end must lie in memory the seam gave. */
static void check_batch(const struct protocol_batch_op *ops, size_t n, const uint64_t *results, size_t first_op,
                        struct live_set *live)
{
    for (size_t i = 0; i < n; i++) {
        struct live_block *b = &live->blocks[ops[i].a];
        if (b->live)
            live_remove(live, (unsigned)ops[i].a);
        b->live = false;                     /* the set leaves the flag to its user */
        b->mem = NULL;
        if (ops[i].op == OP_FREE)
            continue;
        const char *call = ops[i].op == OP_MALLOC ? "malloc" : "realloc";
        void *mem = (void *)(uintptr_t)results[i];
        size_t bytes = (size_t)ops[i].b;
        if (mem == NULL) {
            if (bytes == 0)
                continue;
            runner_fail_now("%s(%zu) returned NULL at operation %zu of the perf replay", call, bytes, first_op + i + 1);
        }
        if (results[i] % 16 != 0)
            runner_fail_now("%s(%zu) returned %p at operation %zu of the perf replay: not 16-byte aligned", call, bytes,
                            mem, first_op + i + 1);
        b->mem = mem;
        b->bytes = bytes;
        unsigned other = live_find_overlap(live, live_block_start(b), live_block_end(b));
        if (other != LIVE_NO_NODE)
            runner_fail_now("%s(%zu) returned %p at operation %zu of the perf replay, overlapping the live block %p "
                            "of %zu bytes", call, bytes, mem, first_op + i + 1, live->blocks[other].mem,
                            live->blocks[other].bytes);
        live_insert(live, (unsigned)ops[i].a);
        b->live = true;
    }
    for (size_t i = 0; i < n; i++) {
        const struct live_block *b = &live->blocks[ops[i].a];
        if (b->live && !os_sim_gave(b->mem, b->bytes))
            runner_fail_now("the perf replay's block %p of %zu bytes (operation %zu's or later) is not memory the "
                            "seam gave: a block must come from os_sbrk, os_brk or os_mmap", b->mem, b->bytes,
                            first_op + n);
    }
}

/* The body of a replay's process: a fresh runner, the whole trace, the runner's CPU time. Ends the
 * process (a failure through the runner link, with its message in sh->page). */
static void replay_once(const struct grade_ctx *t, const char *runner, bool check, const struct replay_ops *r,
                        struct shared_run *sh)
{
    struct runner_spec spec = { .path = runner, .slot = t->page->slot, .slots = t->page->slots,
                                .cpu_seconds = t->timeout_s, .wall_seconds = PERF_WALL_FACTOR * t->timeout_s * 0.95,
                                .memory_bytes = t->memory_limit };
    runner_start(&spec, &sh->page);
    os_sim_set_limit(t->memory_limit);
    uint64_t *results = calloc(PERF_BATCH, sizeof *results);
    struct live_set live;
    if (results == NULL || !live_init(&live, r->ids))
        runner_fail_now("the grader itself ran out of memory");
    runner_replay_ready(r->ids, "the start of the perf replay");
    double before = runner_cpu_seconds();
    for (size_t from = 0; from < r->count; from += PERF_BATCH) {
        size_t n = r->count - from < PERF_BATCH ? r->count - from : PERF_BATCH;
        runner_replay_batches(r->ops + from, n, results, "the perf replay");
        if (check)
            check_batch(r->ops + from, n, results, from, &live);
    }
    sh->seconds = runner_cpu_seconds() - before;
    struct os_stats s = os_stats();
    sh->footprint_bytes = s.peak_heap_bytes + s.peak_mapped_bytes;
    runner_finish();
    sandbox_finish_now(&sh->page, true);
}

/* One replay on one side; false with why. */
static bool run_once(const struct grade_ctx *t, bool libc, const struct replay_ops *r, struct shared_run *out,
                     char *why, size_t cap)
{
    struct shared_run *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        snprintf(why, cap, "the grader could not share a page: %s", strerror(errno));
        return false;
    }
    memset(sh, 0, sizeof *sh);
    sh->page.slot = t->page->slot;
    sh->page.slots = t->page->slots;
    sh->page.result_fd = -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        replay_once(t, libc ? libc_runner : t->stage->runner, !libc, r, sh);
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool sealed = __atomic_load_n(&sh->page.seal, __ATOMIC_ACQUIRE) != 0;
    bool ok = pid > 0 && sealed && sh->page.verdict == 1 && !sh->page.has_outcome;
    if (pid < 0)
        snprintf(why, cap, "fork: %s", strerror(errno));
    else if (!sealed)
        snprintf(why, cap, "the replay's process ended (%s %d) before the replay did",
                 WIFSIGNALED(status) ? "signal" : "status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    else if (!ok)
        snprintf(why, cap, "%.1400s", sh->page.message);
    *out = *sh;
    munmap(sh, sizeof *sh);
    return ok;
}

static bool run_perf_trace(struct grade_ctx *t)
{
    struct trace tr;
    char err[300];
    if (trace_load(t->param, &tr, err, sizeof err) != 0)
        return grade_fail(t, "the grader could not load the trace: %s", err);
    struct replay_ops r = { 0 };
    bool made = make_ops(t, &tr, &r);
    trace_free(&tr);
    if (!made)
        return false;
    unsigned runs = grade_perf_settings(t->assignment)->runs;
    struct report_perf_trace m = { .measured = true, .ops = r.count, .peak_live_bytes = r.peak_live_bytes,
                                   .runs = runs };
    bool ok = libc_runner != NULL || grade_fail(t, "the grader has no runner of the C library");
    for (unsigned run = 0; ok && run < runs; run++)
        for (unsigned k = 0; ok && k < 2; k++) {
            bool libc = (run + k) % 2 == 1;          /* submission first on even runs, the C library on odd */
            struct shared_run got;
            char why[sizeof t->page->message - 64];
            if (!run_once(t, libc, &r, &got, why, sizeof why)) {
                ok = grade_fail(t, "%s replay %u of %u: %s", libc ? "the C library's" : "the submission's", run + 1,
                                runs, why);
                break;
            }
            double *best = libc ? &m.libc_seconds : &m.seconds;
            if (run == 0 || got.seconds < *best)
                *best = got.seconds;
            if (!libc && got.footprint_bytes > m.peak_footprint_bytes)
                m.peak_footprint_bytes = got.footprint_bytes;    /* the same each run for a deterministic allocator */
        }
    free(r.ops);
    if (!ok)
        return false;
    if (m.peak_footprint_bytes == 0 || m.seconds <= 0)
        return grade_fail(t, "the perf replay measured no footprint or no time (footprint %zu bytes, %.6f s)",
                          m.peak_footprint_bytes, m.seconds);
    m.utilization = (double)m.peak_live_bytes / (double)m.peak_footprint_bytes;
    m.throughput = m.libc_seconds / m.seconds;
    snprintf(m.name, sizeof m.name, "%s", t->name != NULL ? t->name : "");
    t->page->op = r.count;
    if (!sandbox_result_write(t->page, &m, sizeof m))
        return grade_fail(t, "the perf test could not hand its measurement to the grader");
    return true;
}

const struct grade_test grade_perf_trace_test = { "perf", ST_ALL, 0, run_perf_trace };

/* Never run as a process: grade_run.c fills its outcome in from grade_perf_summarize. */
static bool not_a_process(struct grade_ctx *t)
{
    return grade_fail(t, "perf.index is computed from the perf.<trace> tests, never run by itself");
}

const struct grade_test grade_perf_index_test = { "perf.index", ST_ALL, 20, not_a_process };

/* ---- perf.index ------------------------------------------------------------------------------------ */

void grade_perf_summarize(const struct assignment *a, int stage, const struct report_perf_trace *const *results,
                          const char *const *names, size_t count, const char *gated_why, struct report_perf *out)
{
    const struct assignment_perf *s = grade_perf_settings(a);
    *out = (struct report_perf){ .stage = stage, .trace_count = count, .util_from = s->util_from,
                                 .util_to = s->util_to, .tput_from = s->tput_from, .tput_to = s->tput_to,
                                 .util_weight = s->util_weight, .tput_weight = s->tput_weight };
    out->traces = calloc(count + 1, sizeof *out->traces);
    bool measured = out->traces != NULL && count > 0 && gated_why == NULL;
    double util_sum = 0, log_tput_sum = 0;
    for (size_t i = 0; out->traces != NULL && i < count; i++) {
        if (results[i] != NULL) {
            out->traces[i] = *results[i];
            util_sum += results[i]->utilization;
            log_tput_sum += log(results[i]->throughput);
        } else {
            if (measured)
                snprintf(out->why, sizeof out->why, "%s was not measured (its test says why)", names[i]);
            measured = false;
        }
        snprintf(out->traces[i].name, sizeof out->traces[i].name, "%s", names[i]);
    }
    if (gated_why != NULL)
        snprintf(out->why, sizeof out->why, "%s", gated_why);
    else if (count == 0)
        snprintf(out->why, sizeof out->why, "there are no perf traces");
    out->measured = measured && isfinite(log_tput_sum);
    if (!out->measured)
        return;
    /* Every trace weighs the same in both: U their mean, T the geometric mean of their ratios (a
     * sum of seconds would let the longest traces decide, and their noise with them). */
    out->utilization = util_sum / (double)count;
    out->throughput = exp(log_tput_sum / (double)count);
    out->index = assignment_perf_index(s, out->utilization, out->throughput);
}

void report_perf_release(struct report_perf *p)
{
    free(p->traces);
    p->traces = NULL;
}
