/* grade.c: heapkit grade, the grader's front door: the command line, and the report printed.
 *
 *   heapkit grade [--stage N] [--src FILE] [--format F] [--out PATH] [--only GLOB[,GLOB]] [--jobs N]
 *                 [--timeout S] [--memory MIB] [--quick] [--list] [--assignment FILE] [--first-failure]
 *
 * The grading itself is grade_run (grade_run.h): runners, plan, tests in child processes, report.
 * This program never links or loads any stage's code. With --out the report is written to a
 * temporary name and renamed at the very end, after every runner is gone.
 * Exit status: 0 every test passed, 1 some failed, 2 usage error or a submission that does not build.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "grade_assignment.h"
#include "grade_fit.h"
#include "grade_run.h"
#include "report.h"
#include "stages.h"

struct options {
    struct grade_options grading;
    enum report_format format;
    const char *out_path;
    bool list;
    const char *assignment_path;
    double cli_timeout_s;        /* given on the command line (0: not), over the assignment's */
    size_t cli_memory_bytes;
};

static void usage(FILE *out)
{
    fputs("usage: heapkit grade [--stage N] [--src FILE] [--format text|json|tap|gradescope|autolab] [--out PATH]\n"
          "                     [--only GLOB[,GLOB...]] [--jobs N] [--timeout SECONDS] [--memory MIB] [--quick]\n"
          "                     [--list] [--assignment FILE] [--fit first|next|best|worst] [--first-failure]\n"
          "  --stage N     grade stage N (1-6); without it, all six stages (the assignment's, with --assignment)\n"
          "  --src FILE    grade FILE (a stage's heapmgr.c) as stage N, built in its own folder\n"
          "  --format F    text (default), json, tap, gradescope (results.json), autolab\n"
          "  --out PATH    write the report to PATH instead of stdout\n"
          "  --only GLOB   run only the tests whose names match (e.g. 'api.*,checker.*')\n"
          "  --jobs N      tests run at once (default: the number of cores)\n"
          "  --timeout S   CPU-time limit of the submission in each test (default 2; wall clock: 5 times it)\n"
          "  --memory MIB  memory limit of each test (default 256)\n"
          "  --quick       smaller workloads (the kit's determinism check)\n"
          "  --first-failure  start no test once one has failed (the rest fail as not run): a yes/no\n"
          "                answer fast, as make mutants asks it\n"
          "  --list        list the tests that would run, with their points, and stop (--format json: every\n"
          "                test, with what the assignment makes of it)\n"
          "  --assignment FILE  grade as the instructor's assignment file says (docs/instructors.md);\n"
          "                without --stage, its stages\n"
          "  --fit POLICY  stages 3 and 4: grade this placement policy (its own lecture test); the references\n"
          "                are their runners built with it, build/<stage>/runner-fit-POLICY\n"
          "  --dump DIR    for every failing test: DIR/stageN-TEST.rep, its calls up to the failure as a trace,\n"
          "                and DIR/stageN-TEST.html, your heap drawn through them (heapkit demo), the failing\n"
          "                step marked, the messages beside it; the report names the files\n"
          "  --runner PATH the runner program of stage N, instead of its build or --src's (make debug's build)\n"
          "  --under CMD   run each test's runner as the last argument of CMD (\"gdb -x FILE --args\",\n"
          "                \"valgrind -q\"), NOT confined, on this terminal, one test at a time: make debug and\n"
          "                make memcheck (docs/students.md)\n"
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
    *o = (struct options){ .format = FORMAT_TEXT, .grading = grade_default_options() };
    struct grade_options *g = &o->grading;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        double number;
        bool takes_value = strcmp(arg, "--stage") == 0 || strcmp(arg, "--src") == 0 || strcmp(arg, "--format") == 0 ||
                           strcmp(arg, "--out") == 0 || strcmp(arg, "--only") == 0 || strcmp(arg, "--jobs") == 0 ||
                           strcmp(arg, "--timeout") == 0 || strcmp(arg, "--memory") == 0 ||
                           strcmp(arg, "--assignment") == 0 || strcmp(arg, "--fit") == 0 ||
                           strcmp(arg, "--runner") == 0 || strcmp(arg, "--under") == 0 || strcmp(arg, "--dump") == 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (takes_value && (value == NULL || value[0] == '\0')) {
            fprintf(stderr, "heapkit grade: %s needs a value\n", arg);
            return 2;
        }
        if (strcmp(arg, "--stage") == 0) {
            if (strcmp(value, "all") != 0 && (g->stage = stage_parse(value)) == 0) {
                fprintf(stderr, "heapkit grade: --stage %s: expected a stage number 1-6\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--src") == 0) {
            g->src = value;
        } else if (strcmp(arg, "--format") == 0) {
            if (!report_format_parse(value, &o->format)) {
                fprintf(stderr, "heapkit grade: --format %s: expected text, json, tap, gradescope or autolab\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--out") == 0) {
            o->out_path = value;
        } else if (strcmp(arg, "--only") == 0) {
            g->only = value;
        } else if (strcmp(arg, "--jobs") == 0) {
            if (!parse_number(value, 1, 64, &number)) {
                fprintf(stderr, "heapkit grade: --jobs %s: expected 1 to 64\n", value);
                return 2;
            }
            g->jobs = (unsigned)number;
        } else if (strcmp(arg, "--timeout") == 0) {
            if (!parse_number(value, 0.1, 3600, &o->cli_timeout_s)) {
                fprintf(stderr, "heapkit grade: --timeout %s: expected seconds, 0.1 to 3600\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--memory") == 0) {
            if (!parse_number(value, 16, 65536, &number)) {
                fprintf(stderr, "heapkit grade: --memory %s: expected MiB, 16 to 65536\n", value);
                return 2;
            }
            o->cli_memory_bytes = (size_t)number << 20;
        } else if (strcmp(arg, "--assignment") == 0) {
            o->assignment_path = value;
        } else if (strcmp(arg, "--fit") == 0) {
            if (!grade_fit_known(value)) {
                fprintf(stderr, "heapkit grade: --fit %s: expected first, next, best or worst\n", value);
                return 2;
            }
            g->fit = value;
        } else if (strcmp(arg, "--dump") == 0) {
            if (mkdir(value, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "heapkit grade: --dump %s: cannot make the folder: %s\n", value, strerror(errno));
                return 2;
            }
            g->dump_dir = value;
        } else if (strcmp(arg, "--runner") == 0) {
            g->runner = value;
        } else if (strcmp(arg, "--under") == 0) {
            g->under = value;
        } else if (strcmp(arg, "--quick") == 0) {
            g->quick = true;
        } else if (strcmp(arg, "--first-failure") == 0) {
            g->first_failure = true;
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
    g->show_warnings = o->format == FORMAT_TEXT && o->out_path == NULL;
    if ((g->runner != NULL || g->under != NULL) && g->stage == 0) {
        fprintf(stderr, "heapkit grade: --runner and --under need --stage N\n");
        return 2;
    }
    if (g->src != NULL && g->stage == 0) {
        fprintf(stderr, "heapkit grade: --src needs --stage N: which stage is %s?\n", g->src);
        return 2;
    }
    return 0;
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

/* The grading (or listing) once the options and the assignment are read; the exit status. */
static int graded_as_asked(const struct options *opts)
{
    struct options o = *opts;
    if (o.list)
        return o.format == FORMAT_JSON ? grade_list_json(&o.grading) : grade_list(&o.grading);
    struct report_file out_file;
    if (!report_file_open(&out_file, o.out_path))
        return 2;
    struct grade_result res;
    int status = grade_run(&o.grading, &res);
    if (res.messages != NULL && (status == 2 || o.grading.show_warnings))
        fputs(res.messages, stderr);                    /* the compiler's errors, or its warnings */
    if (status == 2) {
        if (!res.compile_error)                         /* a compile error: the messages said it */
            fprintf(stderr, "heapkit grade: %s\n", res.why);
        report_file_discard(&out_file);
    } else {
        print_report(out_file.stream, &res.report, o.format);
        grade_assignment_note(o.format == FORMAT_TEXT ? out_file.stream : stderr, &o.grading);
        if (!report_file_commit(&out_file))
            status = 2;
    }
    grade_result_release(&res);
    return status;
}

int cmd_grade(int argc, char **argv)
{
    if (batch_requested(argc, argv))
        return batch_grade(argc, argv);                 /* a class: batch.h */
    struct options o;
    int parsed = parse_options(argc, argv, &o);
    if (parsed != 0)
        return parsed == 1 ? 0 : 2;
    struct assignment assignment;
    char why[2048];
    if (o.assignment_path != NULL &&
        grade_assignment_open(o.assignment_path, &assignment, &o.grading, why, sizeof why) != 0) {
        fprintf(stderr, "heapkit grade: %s\n", why);       /* before anything is graded */
        return 2;
    }
    if (o.grading.under != NULL) {
        o.grading.timeout_s = 3600;                      /* a person at a debugger sets the pace */
        signal(SIGINT, SIG_IGN);                         /* Ctrl-C is the debugger's (runner_debug.h) */
    }
    if (o.cli_timeout_s > 0)
        o.grading.timeout_s = o.cli_timeout_s;
    if (o.cli_memory_bytes > 0)
        o.grading.memory_bytes = o.cli_memory_bytes;
    int status = graded_as_asked(&o);
    if (o.assignment_path != NULL)
        assignment_release(&assignment);
    return status;
}
