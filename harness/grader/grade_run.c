/* grade_run.c: one grading (grade_run.h): the runners, the plan, the tests, the report.
 *
 * 1. Find each stage's runner, the program that holds its allocator (harness/runner): the reference's
 *    build/<stage>/runner, or, for a submitted file, a runner built from it in confinement.
 * 2. Plan the tests: for each stage graded, every test of grade_test.h that applies to it, plus one
 *    workload test per COS 217 workload and per trace file of tests/traces/.
 * 3. Run every test in its own child process (sandbox.h), as many at a time as asked; the child starts
 *    a fresh runner for the test (runner_link.h) and decides the verdict itself.
 * 4. Once every runner is gone, turn the outcomes into a report (report.h).
 */
#include "grade_run.h"

#include <fnmatch.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade_dump.h"
#include "grade_fit.h"
#include "grade_perf.h"
#include "grade_source.h"
#include "grade_test.h"
#include "os_sim.h"
#include "op_log.h"
#include "remote_stage.h"
#include "runner_debug.h"
#include "runner_link.h"
#include "stages.h"
#include "tracefile.h"
#include "workloads.h"

/* The submission's budget is the runner's CPU limit (--timeout). The test's child does the grader's
 * share of the work on the same CPU (filling and checking payloads, serving the seam): it may use
 * GRADER_CPU_FACTOR times that, and the test as a whole WALL_FACTOR times it in wall-clock time. */
enum { OUTPUT_CAP = 4096, GRADER_CPU_FACTOR = 3, WALL_FACTOR = 5 };
static const size_t SEAM_RESERVE_BYTES = ((size_t)8 << 30) + ((size_t)8 << 20);

/* One test of one stage, as planned. */
struct item {
    int stage;
    const struct grade_test *test;
    char name[96];
    char group[16];
    char param[4096];            /* workload name or trace path; "" for the others */
    size_t memory_bytes;
    double timeout_s;
    bool quick;
    int points;                  /* the test's, or the assignment's for it */
    bool enabled, hidden;        /* by the assignment (a disabled item is only ever listed) */
    const char *fit;
    const char *dump_dir;        /* grade --dump, or NULL */
    const struct assignment *assignment;
    int score;                   /* perf.index: the points its index earned (grade_perf.c) */
};

struct grade_plan {
    struct item *items;
    size_t count, cap;
    bool keep_disabled;          /* a listing of every test: keep what the assignment turns off */
    struct report_perf perf[STAGE_MAX + 1];   /* each stage's perf group, when it has one */
};

/* ---- 2. the plan ---------------------------------------------------------------------------------- */

static bool selected(const char *name, const char *only)
{
    if (only == NULL)
        return true;
    char patterns[1024];
    snprintf(patterns, sizeof patterns, "%s", only);
    for (char *save = NULL, *p = strtok_r(patterns, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save))
        if (fnmatch(p, name, 0) == 0)
            return true;
    return false;
}

static void plan_add(struct grade_plan *p, const struct grade_options *o, int stage, const struct grade_test *test,
                     const char *name, const char *param)
{
    int points = test == &grade_perf_index_test ? grade_perf_settings(o->assignment)->points : test->points;
    struct assignment_choice choice = assignment_choose(o->assignment, name, points);
    /* perf.index is computed from the perf.<trace> tests: asking for it asks for them */
    bool wanted = selected(name, o->only) || (test == &grade_perf_trace_test && selected("perf.index", o->only));
    if ((test->stages & (1u << stage)) == 0 || !wanted || (!choice.enabled && !p->keep_disabled))
        return;
    if (p->count == p->cap) {
        p->cap = p->cap == 0 ? 128 : 2 * p->cap;
        p->items = realloc(p->items, p->cap * sizeof *p->items);
        if (p->items == NULL) {
            fprintf(stderr, "heapkit grade: out of memory\n");
            exit(2);                  /* the grader itself: nothing sensible is left to do */
        }
    }
    struct item *it = &p->items[p->count++];
    memset(it, 0, sizeof *it);
    it->stage = stage;
    it->test = test;
    snprintf(it->name, sizeof it->name, "%s", name);
    snprintf(it->group, sizeof it->group, "%.*s", (int)strcspn(name, "."), name);
    snprintf(it->param, sizeof it->param, "%s", param != NULL ? param : "");
    it->memory_bytes = o->memory_bytes;
    it->timeout_s = o->timeout_s;
    it->quick = o->quick;
    it->points = choice.points;
    it->enabled = choice.enabled;
    it->hidden = choice.hidden;
    it->fit = o->fit;
    it->dump_dir = o->dump_dir;
    it->assignment = o->assignment;
}

/* Stages 1 and 2 never reuse memory: a trace fits them only when all it ever allocates does. */
static bool trace_fits(int stage, const char *path, size_t memory_bytes)
{
    if (stage != 1 && stage != 2)
        return true;
    struct trace t;
    char err[256];
    if (trace_load(path, &t, err, sizeof err) != 0)
        return true;                  /* let the test itself report the broken trace */
    size_t total = 0;
    for (size_t i = 0; i < t.op_count; i++)
        if (t.ops[i].kind != TRACE_FREE)
            total += (t.ops[i].bytes + 31) & ~(size_t)15;
    trace_free(&t);
    return total <= memory_bytes / 2;
}

/* The perf group: one perf.<trace> test per perf trace that fits the stage (grade_perf.h). */
struct perf_planning {
    struct grade_plan *p;
    const struct grade_options *o;
    int stage;
};

static void plan_perf_trace(const char *path, const char *name, void *arg)
{
    struct perf_planning *pp = arg;
    if (trace_fits(pp->stage, path, pp->o->memory_bytes))
        plan_add(pp->p, pp->o, pp->stage, &grade_perf_trace_test, name, path);
}

static void plan_stage(struct grade_plan *p, const struct grade_options *o, int stage, const char *root)
{
    for (size_t i = 0; i < grade_api_test_count; i++)
        plan_add(p, o, stage, &grade_api_tests[i], grade_api_tests[i].name, NULL);
    for (size_t i = 0; i < grade_lecture_test_count; i++)
        if (!grade_fit_replaces(o->fit, &grade_lecture_tests[i]))
            plan_add(p, o, stage, &grade_lecture_tests[i], grade_lecture_tests[i].name, NULL);
    const struct grade_test *fit_test = grade_fit_test(o->fit);
    if (fit_test != NULL)
        plan_add(p, o, stage, fit_test, fit_test->name, NULL);
    for (size_t i = 0; i < grade_beyond_test_count; i++)
        plan_add(p, o, stage, &grade_beyond_tests[i], grade_beyond_tests[i].name, NULL);
    char name[96];
    for (size_t i = 0; i < WORKLOAD_COUNT; i++) {
        snprintf(name, sizeof name, "workload.%s", workload_names[i]);
        plan_add(p, o, stage, &grade_workload_test, name, workload_names[i]);
    }
    if (root != NULL) {
        char pattern[SUBMISSION_PATH_MAX + 32];
        snprintf(pattern, sizeof pattern, "%s/tests/traces/*.rep", root);
        glob_t g;
        if (glob(pattern, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++) {
                const char *base = strrchr(g.gl_pathv[i], '/') + 1;
                snprintf(name, sizeof name, "workload.%.*s", (int)(strlen(base) - 4), base);
                if (trace_fits(stage, g.gl_pathv[i], o->memory_bytes))
                    plan_add(p, o, stage, &grade_workload_test, name, g.gl_pathv[i]);
            }
            globfree(&g);
        }
    }
    for (size_t i = 0; o->assignment != NULL && i < o->assignment->trace_count; i++) {
        const struct assignment_trace *tr = &o->assignment->traces[i];   /* the instructor's own */
        if ((tr->stages & (1u << stage)) && trace_fits(stage, tr->path, o->memory_bytes))
            plan_add(p, o, stage, &grade_workload_test, tr->test.name, tr->path);
    }
    for (size_t i = 0; i < grade_checker_test_count; i++)
        plan_add(p, o, stage, &grade_checker_tests[i], grade_checker_tests[i].name, NULL);
    for (size_t i = 0; i < grade_beyond_checker_test_count; i++)
        plan_add(p, o, stage, &grade_beyond_checker_tests[i], grade_beyond_checker_tests[i].name, NULL);
    for (size_t i = 0; i < grade_robust_test_count; i++)
        plan_add(p, o, stage, &grade_robust_tests[i], grade_robust_tests[i].name, NULL);
    if (grade_perf_enabled(o->assignment, stage)) {
        struct perf_planning pp = { p, o, stage };
        grade_perf_each_trace(root, o->assignment, plan_perf_trace, &pp);
        plan_add(p, o, stage, &grade_perf_index_test, grade_perf_index_test.name, NULL);
    }
}

/* ---- 3. running ----------------------------------------------------------------------------------- */

/* The body of every test's child process. */
static bool run_item(struct sandbox_page *page, void *arg)
{
    const struct item *it = arg;
    struct grade_ctx ctx = { .stage = stage_get(it->stage), .page = page, .memory_limit = it->memory_bytes,
                             .param = it->param, .quick = it->quick, .fit = it->fit, .name = it->name,
                             .timeout_s = it->timeout_s, .assignment = it->assignment };
    if (it->test == &grade_perf_trace_test)
        return it->test->run(&ctx);          /* it starts runners of its own, one per replay */
    struct runner_spec spec = { .path = ctx.stage->runner, .slot = page->slot, .slots = page->slots, .cpu_seconds = it->timeout_s,
                                .wall_seconds = WALL_FACTOR * it->timeout_s * 0.95, .memory_bytes = it->memory_bytes };
    runner_start(&spec, page);
    grade_dump_child_begin(it->dump_dir, it->stage, it->name);
    os_sim_set_limit(it->memory_bytes);
    bool passed = it->test->run(&ctx);
    if (!passed) {
        grade_chunk_map_append(it->stage, page);    /* the chunks around the offset the message names */
        op_log_dump();                              /* grade --dump: the calls as a trace */
    }
    runner_finish();
    return passed;
}

/* ---- 4. the report -------------------------------------------------------------------------------- */

static bool build_report(struct report *r, const struct grade_plan *p, const struct sandbox_job *jobs,
                         const int *stages, size_t stage_count, const char *source)
{
    r->stages = calloc(stage_count, sizeof *r->stages);
    r->tests = calloc(p->count + 1, sizeof *r->tests);
    if (r->stages == NULL || r->tests == NULL)
        return false;
    r->stage_count = stage_count;
    r->test_count = p->count;
    for (size_t s = 0; s < stage_count; s++) {
        const struct stage *st = stage_get(stages[s]);
        struct report_stage *rs = &r->stages[s];
        static char sources[STAGE_MAX + 1][SUBMISSION_PATH_MAX];
        snprintf(sources[stages[s]], SUBMISSION_PATH_MAX, "%s/heapmgr.c", st->folder);
        *rs = (struct report_stage){ .stage = stages[s], .folder = st->folder, .lecture_name = st->lecture_name,
                                     .source = source != NULL ? source : sources[stages[s]] };
        rs->first_test = SIZE_MAX;
        for (size_t i = 0; i < p->count; i++) {
            if (p->items[i].stage != stages[s])
                continue;
            const struct sandbox_job *job = &jobs[i];
            struct report_test *t = &r->tests[i];
            bool passed = job->outcome == SANDBOX_PASS;
            *t = (struct report_test){ .stage = stages[s], .name = p->items[i].name, .group = p->items[i].group,
                                       .score = p->items[i].test == &grade_perf_index_test ? p->items[i].score
                                                : passed ? p->items[i].points : 0,
                                       .max_score = p->items[i].points, .outcome = job->outcome,
                                       .message = job->message, .op = job->op, .seconds = job->seconds,
                                       .cpu_seconds = job->cpu_seconds,
                                       .output = job->output, .output_truncated = job->output_truncated };
            if (rs->first_test == SIZE_MAX)
                rs->first_test = i;
            rs->test_count++;
            rs->score += t->score;
            rs->max_score += t->max_score;
            if (passed)
                rs->passed++;
            else
                rs->failed++;
        }
        if (rs->first_test == SIZE_MAX)
            rs->first_test = 0;
        if (p->perf[stages[s]].traces != NULL)
            rs->perf = &p->perf[stages[s]];
        r->score += rs->score;
        r->max_score += rs->max_score;
        r->passed += rs->passed;
        r->failed += rs->failed;
    }
    return true;
}


/* ---- the whole grading ------------------------------------------------------------------------------ */

struct grade_options grade_default_options(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return (struct grade_options){ .jobs = cores > 0 ? (unsigned)cores : 1, .timeout_s = GRADE_DEFAULT_TIMEOUT_S,
                                   .memory_bytes = (size_t)GRADE_DEFAULT_MEMORY_MIB << 20 };
}

static int refuse(struct grade_result *res, const char *fmt, const char *arg)
{
    snprintf(res->why, sizeof res->why, fmt, arg);
    res->status = 2;
    return 2;
}

/* Is stage n graded? The one asked for; else the assignment's stages; else all six. */
static bool graded(const struct grade_options *o, int n)
{
    if (o->stage != 0)
        return o->stage == n;
    return o->assignment == NULL || (o->assignment->stages & (1u << n)) != 0;
}

/* Steps 1 and 2: the runners and the plan; 0, or 2 with res->why. */
static int prepare(const struct grade_options *o, struct grade_result *res, int *stages, size_t *stage_count,
                   bool keep_disabled)
{
    static char root[SUBMISSION_PATH_MAX], build[SUBMISSION_PATH_MAX];
    static char runners[STAGE_MAX + 1][SUBMISSION_PATH_MAX + 32];
    char why[SUBMISSION_PATH_MAX * 2 + 200], built[SUBMISSION_PATH_MAX + 32];
    if (!kit_locate(root, build, why, sizeof why))
        return refuse(res, "%.1000s", why);
    static char libc_runner[SUBMISSION_PATH_MAX + 32];
    snprintf(libc_runner, sizeof libc_runner, "%s/libc/runner", build);
    grade_perf_set_libc_runner(libc_runner);
    /* "all" is the lecture's six; a stage beyond them is graded when named */
    int last = o->stage > STAGE_LAST ? o->stage : STAGE_LAST;
    for (int n = STAGE_FIRST; n <= last; n++) {
        remote_stage_set_runner(n, NULL);
        if (!graded(o, n))
            continue;
        if (n == o->stage && o->runner != NULL) {
            snprintf(built, sizeof built, "%s", o->runner);      /* make debug's build of the stage */
        } else if (n == o->stage && o->src != NULL) {
            if (grade_build_runner(root, build, o->src, o->stage, &res->sub, o->show_warnings, res->why,
                                   sizeof res->why, &res->compile_error) != 0) {
                res->messages = res->sub.messages;
                res->status = 2;
                return 2;
            }
            res->messages = res->sub.messages;
            snprintf(built, sizeof built, "%s", res->sub.binary);
        } else {
            if (grade_fit_applies(o->fit, n))    /* the reference built with the policy graded */
                snprintf(built, sizeof built, "%s/%s/runner-fit-%s", build, stage_folder(n), o->fit);
            else
                snprintf(built, sizeof built, "%s/%s/runner", build, stage_folder(n));
        }
        snprintf(runners[n], sizeof runners[n], "%s", built);
        remote_stage_set_runner(n, runners[n]);
    }
    *stage_count = 0;
    for (int n = STAGE_FIRST; n <= last; n++)
        if (graded(o, n) && stage_get(n) != NULL)
            stages[(*stage_count)++] = n;
    res->plan = calloc(1, sizeof *res->plan);
    if (res->plan == NULL)
        return refuse(res, "%s", "out of memory");
    res->plan->keep_disabled = keep_disabled;
    for (size_t s = 0; s < *stage_count; s++)
        plan_stage(res->plan, o, stages[s], root);
    if (res->plan->count == 0)
        return refuse(res, o->only != NULL ? "no test matches --only %s" : "%s counts no test of this stage",
                      o->only != NULL ? o->only : o->assignment != NULL ? o->assignment->path : "the grader");
    return 0;
}

/* A workload test whose parameter is a trace file's path, not one of the COS 217 workloads' names. */
static bool reads_a_trace(const struct item *it)
{
    if (it->test != &grade_workload_test)
        return false;
    for (size_t i = 0; i < WORKLOAD_COUNT; i++)
        if (strcmp(it->param, workload_names[i]) == 0)
            return false;
    return true;
}

struct grade_listed *grade_listing(const struct grade_options *o, size_t *count, char *why, size_t why_size)
{
    struct grade_result res = { 0 };
    int stages[STAGE_MAX];
    size_t stage_count;
    struct grade_options listing = *o;
    listing.src = NULL;                      /* the tests of a stage do not depend on its file */
    struct grade_listed *list = NULL;
    bool whole = false;
    if (prepare(&listing, &res, stages, &stage_count, true) == 0 &&
        (list = calloc(res.plan->count + 1, sizeof *list)) != NULL) {
        whole = true;
        for (size_t i = 0; i < res.plan->count; i++) {
            const struct item *it = &res.plan->items[i];
            list[i] = (struct grade_listed){ .stage = it->stage, .name = strdup(it->name), .points = it->points,
                                             .trace = reads_a_trace(it) ? strdup(it->param) : NULL,
                                             .enabled = it->enabled, .hidden = it->hidden };
            whole = whole && list[i].name != NULL && (list[i].trace != NULL || !reads_a_trace(it));
        }
        *count = res.plan->count;
    }
    if (!whole) {
        snprintf(why, why_size, "%s", res.status == 2 ? res.why : "out of memory");
        grade_listing_release(list, list != NULL ? res.plan->count : 0);
        list = NULL;
    }
    grade_result_release(&res);
    return list;
}

void grade_listing_release(struct grade_listed *list, size_t count)
{
    for (size_t i = 0; list != NULL && i < count; i++) {
        free((char *)list[i].name);
        free((char *)list[i].trace);
    }
    free(list);
}

/* perf.index of stage n (when planned) from its perf.<trace> jobs, and the stage's perf group. */
static void summarize_stage(struct grade_result *res, const struct grade_options *o, int n, const char *gated)
{
    struct grade_plan *p = res->plan;
    size_t traces = 0, index = SIZE_MAX;
    for (size_t i = 0; i < p->count; i++)
        if (p->items[i].stage == n && p->items[i].test == &grade_perf_trace_test)
            traces++;
        else if (p->items[i].stage == n && p->items[i].test == &grade_perf_index_test)
            index = i;
    if (traces == 0 && index == SIZE_MAX)
        return;
    const struct report_perf_trace **results = calloc(traces + 1, sizeof *results);
    const char **names = calloc(traces + 1, sizeof *names);
    if (results == NULL || names == NULL) {
        free(results);
        free(names);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (p->items[i].stage != n || p->items[i].test != &grade_perf_trace_test)
            continue;
        const struct sandbox_job *job = &res->jobs[i];
        names[k] = p->items[i].name;
        results[k++] = job->outcome == SANDBOX_PASS && job->result_bytes == sizeof(struct report_perf_trace)
                       ? (const struct report_perf_trace *)job->result : NULL;
    }
    struct report_perf *perf = &p->perf[n];
    grade_perf_summarize(o->assignment, n, results, names, traces, gated, perf);
    free(results);
    free(names);
    if (index == SIZE_MAX)
        return;                              /* --only left perf.index out */
    struct item *it = &p->items[index];
    struct sandbox_job *job = &res->jobs[index];
    perf->max_score = it->points;
    if (perf->measured) {
        perf->score = (int)lround(perf->index * it->points / 100);
        it->score = perf->score;
        job->outcome = SANDBOX_PASS;
        job->message[0] = '\0';
    } else {
        job->outcome = SANDBOX_FAIL;
        snprintf(job->message, sizeof job->message, "%s", perf->why);
    }
}

/* ---- the perf group: after the stage's correctness tests, and only when they pass -------------------- */

static bool is_perf(const struct item *it)
{
    return it->test == &grade_perf_trace_test || it->test == &grade_perf_index_test;
}

/* Why stage's perf group does not run: the first of its correctness tests (api.*, workload.*) that
 * failed, or NULL when they all passed. jobs[0 .. first_count-1] are the tests run so far. */
static const char *perf_gate(const struct grade_result *res, size_t first_count, int stage, char *why, size_t cap)
{
    size_t failed = 0;
    const char *first = NULL;
    for (size_t i = 0; i < first_count; i++) {
        const struct item *it = res->jobs[i].arg;
        bool correctness = strcmp(it->group, "api") == 0 || strcmp(it->group, "workload") == 0;
        if (it->stage == stage && correctness && res->jobs[i].outcome != SANDBOX_PASS && failed++ == 0)
            first = it->name;
    }
    if (failed == 0)
        return NULL;
    snprintf(why, cap, "not run: an allocator earns performance points only once it is correct, and %zu of stage "
             "%d's correctness tests (api.*, workload.*) failed, the first %s", failed, stage, first);
    return why;
}

/* On a terminal, one line on stderr while the tests run ("grading: 23 of 53 tests, 2 failed so
 * far"), rewritten in place and cleared once they have all ended. Never when stderr is a file or a
 * pipe (engines, the kit's tests), and never under a debugger, which has the terminal. */
static void show_progress(size_t ended, size_t count, size_t not_passed, void *what)
{
    fprintf(stderr, "\r\033[Kgrading: %zu of %zu %s", ended, count, (const char *)what);
    if (not_passed > 0)
        fprintf(stderr, ", %zu failed so far", not_passed);
    if (ended == count)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

static bool progress_wanted(const struct grade_options *o)
{
    return o->under == NULL && isatty(STDERR_FILENO);
}

/* The jobs from first_count on are the perf group's, in plan order; they run now (the gated ones get
 * their message instead), then each stage's perf.index is computed from its perf.<trace> results. The
 * jobs are then put back in plan order. */
static void run_perf_group(struct grade_result *res, const struct grade_options *o, size_t first_count)
{
    size_t count = res->plan->count;
    static char why[STAGE_MAX + 1][512];
    const char *gated[STAGE_MAX + 1] = { 0 };
    for (int n = 0; n <= STAGE_MAX; n++)
        gated[n] = perf_gate(res, first_count, n, why[n], sizeof why[n]);
    size_t runnable = first_count;
    for (size_t i = first_count; i < count; i++) {
        struct item *it = res->jobs[i].arg;
        if (it->test == &grade_perf_trace_test && gated[it->stage] == NULL) {
            struct sandbox_job job = res->jobs[runnable];     /* the runnable ones together, first */
            res->jobs[runnable++] = res->jobs[i];
            res->jobs[i] = job;
        }
    }
    for (size_t i = first_count; i < runnable; i++) {       /* 2 x runs replays, each with a fresh runner */
        res->jobs[i].limits.wall_seconds *= 2 * grade_perf_settings(o->assignment)->runs;
        res->jobs[i].result_cap = sizeof(struct report_perf_trace);
    }
    sandbox_run_all(res->jobs + first_count, runnable - first_count, o->jobs);
    for (size_t i = runnable; i < count; i++) {
        struct sandbox_job *job = &res->jobs[i];
        const struct item *it = job->arg;
        job->outcome = SANDBOX_FAIL;
        snprintf(job->message, sizeof job->message, "%s", it->test == &grade_perf_index_test && gated[it->stage] == NULL
                 ? "" : gated[it->stage]);
        job->output = calloc(1, 1);          /* no process, no output: as a job's, "" */
        if (job->output == NULL) {
            fprintf(stderr, "heapkit grade: out of memory\n");
            exit(2);                         /* the grader itself: nothing sensible is left to do */
        }
    }
    /* Back in plan order: job i is item i again. */
    struct sandbox_job *ordered = calloc(count, sizeof *ordered);
    if (ordered != NULL) {
        for (size_t i = 0; i < count; i++)
            ordered[(struct item *)res->jobs[i].arg - res->plan->items] = res->jobs[i];
        memcpy(res->jobs, ordered, count * sizeof *ordered);
        free(ordered);
    }
    for (int n = 0; n <= STAGE_MAX; n++)
        summarize_stage(res, o, n, gated[n]);
}

int grade_run(const struct grade_options *o, struct grade_result *res)
{
    memset(res, 0, sizeof *res);
    int stages[STAGE_MAX];
    size_t stage_count;
    if (prepare(o, res, stages, &stage_count, false) != 0)
        return res->status;

    size_t count = res->plan->count;
    res->jobs = calloc(count, sizeof *res->jobs);
    if (res->jobs == NULL)
        return refuse(res, "%s", "out of memory");
    double start = grade_now();
    for (size_t i = 0; i < count; i++)
        res->jobs[i] = (struct sandbox_job){
            .body = run_item, .arg = &res->plan->items[i],
            .limits = { .cpu_seconds = GRADER_CPU_FACTOR * o->timeout_s, .wall_seconds = WALL_FACTOR * o->timeout_s,
                        .memory_bytes = o->memory_bytes, .reserve_bytes = SEAM_RESERVE_BYTES,
                        .output_cap = OUTPUT_CAP, .start_by = o->give_up_after > 0 ? start + o->give_up_after : 0,
                        .skip_after_failure = o->first_failure },
            .share_terminal = o->under != NULL };
    runner_debug_set_wrapper(o->under);
    size_t first_count = 0;
    for (size_t i = 0; i < count; i++)      /* every test but the perf group's first: the perf tests wait */
        if (!is_perf(&res->plan->items[i]))
            res->jobs[first_count++].arg = &res->plan->items[i];
    for (size_t i = first_count, k = 0; k < count; k++)
        if (is_perf(&res->plan->items[k]))
            res->jobs[i++].arg = &res->plan->items[k];
    sandbox_set_progress(progress_wanted(o) ? show_progress : NULL, "tests");
    sandbox_run_all(res->jobs, first_count, o->under != NULL ? 1 : o->jobs);
    sandbox_set_progress(progress_wanted(o) ? show_progress : NULL, "perf replays");
    run_perf_group(res, o, first_count);
    sandbox_set_progress(NULL, NULL);

    if (!build_report(&res->report, res->plan, res->jobs, stages, stage_count, o->src))
        return refuse(res, "%s", "out of memory");
    if (o->dump_dir != NULL)
        grade_dump_pictures(o->dump_dir, o->src, &res->report);
    res->report.seconds = grade_now() - start;
    res->report.protections = o->under != NULL ? "none: each runner ran unconfined under a debugger (--under), as "
                                                 "make debug and make memcheck run it" : runner_protections();
    res->status = res->report.failed == 0 ? 0 : 1;
    return res->status;
}

void grade_result_release(struct grade_result *res)
{
    if (res->jobs != NULL && res->plan != NULL)
        for (size_t i = 0; i < res->plan->count; i++)
            sandbox_job_release(&res->jobs[i]);
    free(res->jobs);
    if (res->plan != NULL) {
        free(res->plan->items);
        for (int n = 0; n <= STAGE_MAX; n++)
            report_perf_release(&res->plan->perf[n]);
    }
    free(res->plan);
    free(res->report.stages);
    for (size_t i = 0; res->report.tests != NULL && i < res->report.test_count; i++) {
        free(res->report.tests[i].dump_trace);
        free(res->report.tests[i].dump_html);
    }
    free(res->report.tests);
    submission_release(&res->sub);
    memset(res, 0, sizeof *res);
}
