/* report_text.c: the report for people (report.h). One stage: a line per test, and under each
 * failure what was expected, what happened, and the first lines of what the submission printed
 * (repeated lines folded); then points per group and where to start (report_guide.c).
 * All six: one table (stage, tests passed, points), then the failures. */
#include <string.h>

#include "report.h"
#include "report_crash.h"
#include "report_guide.h"

enum { OUTPUT_LINES_SHOWN = 12, MESSAGE_LINES_SHOWN = 16 };

struct palette {
    const char *pass, *fail, *dim, *bold, *reset;
};

static struct palette palette_for(bool colour)
{
    if (colour)
        return (struct palette){ "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m" };
    return (struct palette){ "", "", "", "", "" };
}

/* Prints text indented, a line at a time, at most max_lines lines; control bytes become '?'. */
static void print_indented(FILE *out, const char *text, const char *prefix, size_t max_lines)
{
    size_t lines = 0;
    const char *p = text;
    while (*p != '\0' && lines < max_lines) {
        fputs(prefix, out);
        for (; *p != '\0' && *p != '\n'; p++)
            fputc((unsigned char)*p < 0x20 && *p != '\t' ? '?' : *p, out);
        fputc('\n', out);
        lines++;
        if (*p == '\n')
            p++;
    }
    if (*p != '\0')
        fprintf(out, "%s...\n", prefix);
}

static void print_failure_detail(FILE *out, const struct report *r, const struct report_test *t,
                                 const struct palette *c)
{
    print_indented(out, t->message, "        ", MESSAGE_LINES_SHOWN);
    report_print_reproduce(out, r, t, "        ");
    report_print_dump(out, t, "        ");
    if (t->output[0] != '\0') {
        fprintf(out, "        %soutput%s:%s\n", c->dim, t->output_truncated ? " (truncated)" : "", c->reset);
        report_print_folded(out, t->output, "        | ", OUTPUT_LINES_SHOWN);
    }
}

static void print_test(FILE *out, const struct report *r, const struct report_test *t, const struct palette *c)
{
    bool passed = t->outcome == SANDBOX_PASS;
    fprintf(out, "  %s%s%s  %-40s %2d/%-2d", passed ? c->pass : c->fail, passed ? "PASS" : "FAIL", c->reset, t->name,
            t->score, t->max_score);
    if (!passed && t->outcome != SANDBOX_FAIL)
        fprintf(out, "  %s", sandbox_outcome_name(t->outcome));
    fputc('\n', out);
    if (!passed)
        print_failure_detail(out, r, t, c);
}

static void print_stage_summary(FILE *out, const struct report_stage *s, const struct palette *c)
{
    fprintf(out, "%sstage %d (%s): %zu of %zu tests passed, %d of %d points%s\n", c->bold, s->stage, s->lecture_name,
            s->passed, s->passed + s->failed, s->score, s->max_score, c->reset);
}

static void print_one_stage(FILE *out, const struct report *r, const struct report_stage *s, const struct palette *c)
{
    fprintf(out, "heapkit grade: stage %d (%s), %s\n", s->stage, s->lecture_name, s->source);
    const char *group = "";
    for (size_t i = s->first_test; i < s->first_test + s->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        if (strcmp(t->group, group) != 0) {
            group = t->group;
            fprintf(out, "%s%s%s\n", c->dim, group, c->reset);
        }
        print_test(out, r, t, c);
    }
    fputc('\n', out);
    report_print_groups(out, r, s);
    if (s->failed > 0) {
        fputc('\n', out);
        report_print_start_here(out, r, s, c->bold, c->reset);
    }
    print_stage_summary(out, s, c);
}

static void print_table(FILE *out, const struct report *r, const struct palette *c)
{
    fprintf(out, "heapkit grade: the %zu stages\n\n", r->stage_count);
    fprintf(out, "  %-5s  %-20s  %12s  %12s\n", "stage", "lecture name", "tests passed", "points");
    for (size_t i = 0; i < r->stage_count; i++) {
        const struct report_stage *s = &r->stages[i];
        char tests[32], points[32];
        snprintf(tests, sizeof tests, "%zu/%zu", s->passed, s->passed + s->failed);
        snprintf(points, sizeof points, "%d/%d", s->score, s->max_score);
        fprintf(out, "  %s%-5d%s  %-20s  %12s  %12s\n", s->failed == 0 ? c->pass : c->fail, s->stage, c->reset,
                s->lecture_name, tests, points);
    }
    char tests[32], points[32];
    snprintf(tests, sizeof tests, "%zu/%zu", r->passed, r->passed + r->failed);
    snprintf(points, sizeof points, "%d/%d", r->score, r->max_score);
    fprintf(out, "  %-5s  %-20s  %12s  %12s\n", "all", "", tests, points);
    if (r->failed == 0)
        return;
    fputs("\nfailed tests:\n", out);
    for (size_t i = 0; i < r->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        if (t->outcome == SANDBOX_PASS)
            continue;
        fprintf(out, "  %sFAIL%s  stage %d %s\n", c->fail, c->reset, t->stage, t->name);
        print_failure_detail(out, r, t, c);
    }
}

void report_text(FILE *out, const struct report *r, bool colour)
{
    struct palette c = palette_for(colour);
    if (r->stage_count == 1)
        print_one_stage(out, r, &r->stages[0], &c);
    else
        print_table(out, r, &c);
    for (size_t i = 0; i < r->stage_count; i++)
        if (r->stages[i].perf != NULL)
            report_perf_text(out, r->stages[i].perf, r->stage_count == 1);
    if (r->protections != NULL && r->protections[0] != '\0')
        fprintf(out, "protections: %s\n", r->protections);
    fprintf(out, "%s%s: %zu of %zu tests passed, %d of %d points, in %.1f s%s\n", c.bold,
            r->failed == 0 ? "all tests passed" : "some tests failed", r->passed, r->passed + r->failed, r->score,
            r->max_score, r->seconds, c.reset);
}
