/* grade.c: heapkit grade, the grader's front door.
 *
 *   heapkit grade [--stage N] [--src FILE] [--format F] [--out PATH] [--only GLOB[,GLOB]] [--jobs N]
 *                 [--timeout S] [--memory MIB] [--quick] [--list]
 *
 * 1. Find each stage's runner, the program that holds its allocator (harness/runner): the reference's
 *    build/<stage>/runner, or, with --src, a runner built from FILE in confinement (submission.h).
 *    This program never links or loads any stage's code.
 * 2. Plan the tests: for each stage graded, every test of grade_test.h that applies to it, plus one
 *    workload test per COS 217 workload and per trace file of tests/traces/.
 * 3. Run every test in its own child process (sandbox.h), as many at a time as there are cores; the
 *    child starts a fresh runner for the test (runner_link.h) and decides the verdict itself.
 * 4. Once every runner is gone, turn the outcomes into a report (report.h) and print it in the
 *    format asked for; with --out, to a temporary name renamed at the very end.
 * Exit status: 0 every test passed, 1 some failed, 2 usage error or a submission that does not build.
 */
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "grade_test.h"
#include "grade_source.h"
#include "os_sim.h"
#include "remote_stage.h"
#include "runner_link.h"
#include "report.h"
#include "stages.h"
#include "submission.h"
#include "tracefile.h"
#include "workloads.h"

enum { DEFAULT_MEMORY_MIB = 256, OUTPUT_CAP = 4096 };
static const double DEFAULT_TIMEOUT_S = 2.0;   /* CPU seconds; the wall-clock limit is WALL_FACTOR times it */
enum { WALL_FACTOR = 3 };
static const size_t SEAM_RESERVE_BYTES = ((size_t)8 << 30) + ((size_t)8 << 20);

struct options {
    int stage;                   /* 0 = all six */
    const char *src;
    enum report_format format;
    const char *out_path;
    const char *only;
    unsigned jobs;
    double timeout_s;
    size_t memory_bytes;
    bool quick, list;
};

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
};

struct plan {
    struct item *items;
    size_t count, cap;
};

static void usage(FILE *out)
{
    fputs("usage: heapkit grade [--stage N] [--src FILE] [--format text|json|tap|gradescope|autolab] [--out PATH]\n"
          "                     [--only GLOB[,GLOB...]] [--jobs N] [--timeout SECONDS] [--memory MIB] [--quick]\n"
          "                     [--list]\n"
          "  --stage N     grade stage N (1-6); without it, all six reference stages\n"
          "  --src FILE    grade FILE (a stage's heapmgr.c) as stage N, built in its own folder\n"
          "  --format F    text (default), json, tap, gradescope (results.json), autolab\n"
          "  --out PATH    write the report to PATH instead of stdout\n"
          "  --only GLOB   run only the tests whose names match (e.g. 'api.*,checker.*')\n"
          "  --jobs N      tests run at once (default: the number of cores)\n"
          "  --timeout S   CPU-time limit of each test (default 2; the wall-clock limit is 3 times it)\n"
          "  --memory MIB  memory limit of each test (default 256)\n"
          "  --quick       smaller workloads (the kit's determinism check)\n"
          "  --list        list the tests that would run, with their points, and stop\n"
          "Exit status: 0 every test passed, 1 some test failed, 2 usage error or a submission that does not build.\n"
          "Test names and the JSON schema: docs/grading.md\n", out);
}

static bool parse_number(const char *text, double lo, double hi, double *value)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || v < lo || v > hi)
        return false;
    *value = v;
    return true;
}

/* Returns 0 when parsed, 2 on a usage error (already reported), 1 when --help was asked. */
static int parse_options(int argc, char **argv, struct options *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (struct options){ .format = FORMAT_TEXT, .jobs = cores > 0 ? (unsigned)cores : 1,
                           .timeout_s = DEFAULT_TIMEOUT_S, .memory_bytes = (size_t)DEFAULT_MEMORY_MIB << 20 };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        double number;
        bool takes_value = strcmp(arg, "--stage") == 0 || strcmp(arg, "--src") == 0 || strcmp(arg, "--format") == 0 ||
                           strcmp(arg, "--out") == 0 || strcmp(arg, "--only") == 0 || strcmp(arg, "--jobs") == 0 ||
                           strcmp(arg, "--timeout") == 0 || strcmp(arg, "--memory") == 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (takes_value && (value == NULL || value[0] == '\0')) {
            fprintf(stderr, "heapkit grade: %s needs a value\n", arg);
            return 2;
        }
        if (strcmp(arg, "--stage") == 0) {
            if (strcmp(value, "all") != 0 && (o->stage = stage_parse(value)) == 0) {
                fprintf(stderr, "heapkit grade: --stage %s: expected a stage number 1-6\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--src") == 0) {
            o->src = value;
        } else if (strcmp(arg, "--format") == 0) {
            if (!report_format_parse(value, &o->format)) {
                fprintf(stderr, "heapkit grade: --format %s: expected text, json, tap, gradescope or autolab\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--out") == 0) {
            o->out_path = value;
        } else if (strcmp(arg, "--only") == 0) {
            o->only = value;
        } else if (strcmp(arg, "--jobs") == 0) {
            if (!parse_number(value, 1, 64, &number)) {
                fprintf(stderr, "heapkit grade: --jobs %s: expected 1 to 64\n", value);
                return 2;
            }
            o->jobs = (unsigned)number;
        } else if (strcmp(arg, "--timeout") == 0) {
            if (!parse_number(value, 0.1, 3600, &o->timeout_s)) {
                fprintf(stderr, "heapkit grade: --timeout %s: expected seconds, 0.1 to 3600\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--memory") == 0) {
            if (!parse_number(value, 16, 65536, &number)) {
                fprintf(stderr, "heapkit grade: --memory %s: expected MiB, 16 to 65536\n", value);
                return 2;
            }
            o->memory_bytes = (size_t)number << 20;
        } else if (strcmp(arg, "--quick") == 0) {
            o->quick = true;
        } else if (strcmp(arg, "--list") == 0) {
            o->list = true;
        } else {
            fprintf(stderr, "heapkit grade: unknown option '%s'\n", arg);
            usage(stderr);
            return 2;
        }
        if (takes_value)
            i++;
    }
    if (o->src != NULL && o->stage == 0) {
        fprintf(stderr, "heapkit grade: --src needs --stage N: which stage is %s?\n", o->src);
        return 2;
    }
    return 0;
}

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

static void plan_add(struct plan *p, const struct options *o, int stage, const struct grade_test *test,
                     const char *name, const char *param)
{
    if ((test->stages & (1u << stage)) == 0 || !selected(name, o->only))
        return;
    if (p->count == p->cap) {
        p->cap = p->cap == 0 ? 128 : 2 * p->cap;
        p->items = realloc(p->items, p->cap * sizeof *p->items);
        if (p->items == NULL) {
            fprintf(stderr, "heapkit grade: out of memory\n");
            exit(2);
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

static void plan_stage(struct plan *p, const struct options *o, int stage, const char *root)
{
    for (size_t i = 0; i < grade_api_test_count; i++)
        plan_add(p, o, stage, &grade_api_tests[i], grade_api_tests[i].name, NULL);
    for (size_t i = 0; i < grade_lecture_test_count; i++)
        plan_add(p, o, stage, &grade_lecture_tests[i], grade_lecture_tests[i].name, NULL);
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
    for (size_t i = 0; i < grade_checker_test_count; i++)
        plan_add(p, o, stage, &grade_checker_tests[i], grade_checker_tests[i].name, NULL);
}

/* ---- 3. running ----------------------------------------------------------------------------------- */

/* The body of every test's child process. */
static bool run_item(struct sandbox_page *page, void *arg)
{
    const struct item *it = arg;
    struct grade_ctx ctx = { .stage = stage_get(it->stage), .page = page, .memory_limit = it->memory_bytes,
                             .param = it->param, .quick = it->quick };
    struct runner_spec spec = { .path = ctx.stage->runner, .slot = page->slot, .cpu_seconds = it->timeout_s,
                                .wall_seconds = WALL_FACTOR * it->timeout_s * 0.95, .memory_bytes = it->memory_bytes };
    runner_start(&spec, page);
    os_sim_set_limit(it->memory_bytes);
    bool passed = it->test->run(&ctx);
    runner_stop();
    return passed;
}

/* ---- 4. the report -------------------------------------------------------------------------------- */

static void build_report(struct report *r, const struct plan *p, const struct sandbox_job *jobs,
                         const int *stages, size_t stage_count)
{
    const char *source = getenv("HEAPKIT_SOURCE");
    r->stages = calloc(stage_count, sizeof *r->stages);
    r->tests = calloc(p->count + 1, sizeof *r->tests);
    if (r->stages == NULL || r->tests == NULL) {
        fprintf(stderr, "heapkit grade: out of memory\n");
        exit(2);
    }
    r->stage_count = stage_count;
    r->test_count = p->count;
    for (size_t s = 0; s < stage_count; s++) {
        const struct stage *st = stage_get(stages[s]);
        struct report_stage *rs = &r->stages[s];
        static char sources[STAGE_LAST + 1][SUBMISSION_PATH_MAX];
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
                                       .score = passed ? p->items[i].test->points : 0,
                                       .max_score = p->items[i].test->points, .outcome = job->outcome,
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
        r->score += rs->score;
        r->max_score += rs->max_score;
        r->passed += rs->passed;
        r->failed += rs->failed;
    }
}

/* What confined the submission, for every report. */
static const char *grade_protections(void)
{
    return runner_protections();
}

static void print_report(FILE *out, const struct report *r, enum report_format format)
{
    const char *term = getenv("TERM");
    bool colour = isatty(fileno(out)) && getenv("NO_COLOR") == NULL && (term == NULL || strcmp(term, "dumb") != 0);
    switch (format) {
    case FORMAT_TEXT: report_text(out, r, colour); break;
    case FORMAT_JSON: report_json(out, r); break;
    case FORMAT_TAP: report_tap(out, r); break;
    case FORMAT_GRADESCOPE: report_gradescope(out, r); break;
    case FORMAT_AUTOLAB: report_autolab(out, r); break;
    }
}

int cmd_grade(int argc, char **argv)
{
    if (batch_requested(argc, argv))
        return batch_grade(argc, argv);                 /* a class: batch.h */
    struct options o;
    int parsed = parse_options(argc, argv, &o);
    if (parsed != 0)
        return parsed == 1 ? 0 : 2;
    char root[SUBMISSION_PATH_MAX], build[SUBMISSION_PATH_MAX], why[SUBMISSION_PATH_MAX * 2 + 200];
    bool located = kit_locate(root, build, why, sizeof why);
    if (!located) {
        fprintf(stderr, "heapkit grade: %s\n", why);
        return 2;
    }
    static char runners[STAGE_LAST + 1][SUBMISSION_PATH_MAX + 32];
    struct submission sub = { .messages = NULL };
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
        if (o.stage == 0 || o.stage == n) {
            snprintf(runners[n], sizeof runners[n], "%s/%s/runner", build, stage_folder(n));
            remote_stage_set_runner(n, runners[n]);
        }
    if (o.src != NULL) {
        int status = grade_build_runner(root, build, o.src, o.stage, &sub,
                                        o.format == FORMAT_TEXT && o.out_path == NULL);
        if (status != 0)
            return status;
        remote_stage_set_runner(o.stage, sub.binary);
        setenv("HEAPKIT_SOURCE", o.src, 0);
    }

    int stages[STAGE_LAST];
    size_t stage_count = 0;
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
        if ((o.stage == 0 || o.stage == n) && stage_get(n) != NULL)
            stages[stage_count++] = n;
    if (stage_count == 0) {
        fprintf(stderr, "heapkit grade: stage %d has no runner\n", o.stage);
        return 2;
    }

    struct plan plan = { 0 };
    for (size_t s = 0; s < stage_count; s++)
        plan_stage(&plan, &o, stages[s], root);
    if (o.list) {
        for (size_t i = 0; i < plan.count; i++)
            printf("%d %s %d\n", plan.items[i].stage, plan.items[i].name, plan.items[i].test->points);
        free(plan.items);
        return 0;
    }
    if (plan.count == 0) {
        fprintf(stderr, "heapkit grade: no test matches --only %s\n", o.only);
        return 2;
    }
    struct report_file out_file;
    if (!report_file_open(&out_file, o.out_path))
        return 2;
    FILE *out = out_file.stream;

    struct sandbox_job *jobs = calloc(plan.count, sizeof *jobs);
    if (jobs == NULL)
        return 2;
    for (size_t i = 0; i < plan.count; i++)
        jobs[i] = (struct sandbox_job){ .body = run_item, .arg = &plan.items[i],
                                        .limits = { .cpu_seconds = o.timeout_s, .wall_seconds = WALL_FACTOR * o.timeout_s,
                                                    .memory_bytes = o.memory_bytes,
                                                    .reserve_bytes = SEAM_RESERVE_BYTES, .output_cap = OUTPUT_CAP } };
    double start = grade_now();
    sandbox_run_all(jobs, plan.count, o.jobs);

    struct report r = { 0 };
    build_report(&r, &plan, jobs, stages, stage_count);
    r.seconds = grade_now() - start;
    r.protections = grade_protections();
    print_report(out, &r, o.format);
    if (!report_file_commit(&out_file))
        return 2;

    int status = r.failed == 0 ? 0 : 1;
    for (size_t i = 0; i < plan.count; i++)
        sandbox_job_release(&jobs[i]);
    free(jobs);
    free(r.stages);
    free(r.tests);
    free(plan.items);
    submission_release(&sub);
    return status;
}
