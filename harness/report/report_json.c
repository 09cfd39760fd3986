/* report_json.c: the machine-readable reports: heapkit's JSON, Gradescope's results.json, and Autolab's
 * last-line scores (report.h). Every string goes through json_write_string, so whatever a submission
 * printed is escaped and cannot break, or add to, the document. */
#include <stdlib.h>
#include <string.h>

#include "json_write.h"
#include "report.h"

bool report_format_parse(const char *name, enum report_format *format)
{
    static const struct { const char *name; enum report_format format; } known[] = {
        { "text", FORMAT_TEXT }, { "json", FORMAT_JSON }, { "tap", FORMAT_TAP },
        { "gradescope", FORMAT_GRADESCOPE }, { "autolab", FORMAT_AUTOLAB },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i].name) == 0) {
            *format = known[i].format;
            return true;
        }
    return false;
}

static void json_test(FILE *out, const struct report_test *t)
{
    fprintf(out, "    {\"stage\": %d, \"name\": ", t->stage);
    json_write_string(out, t->name);
    fputs(", \"group\": ", out);
    json_write_string(out, t->group);
    fprintf(out, ", \"status\": \"%s\", \"score\": %d, \"max_score\": %d, \"outcome\": \"%s\", \"message\": ",
            t->outcome == SANDBOX_PASS ? "pass" : "fail", t->score, t->max_score, sandbox_outcome_name(t->outcome));
    json_write_string(out, t->message);
    if (t->op > 0)
        fprintf(out, ", \"operation\": %zu", t->op);
    else
        fputs(", \"operation\": null", out);
    fprintf(out, ", \"seconds\": %.3f, \"cpu_seconds\": %.3f, \"output\": ", t->seconds, t->cpu_seconds);
    json_write_string(out, t->output);
    fprintf(out, ", \"output_truncated\": %s}", t->output_truncated ? "true" : "false");
}

void report_json(FILE *out, const struct report *r)
{
    fprintf(out, "{\n  \"heapkit_grade\": 1,\n  \"complete\": true,\n");
    fprintf(out, "  \"score\": %d, \"max_score\": %d, \"passed\": %zu, \"failed\": %zu, \"seconds\": %.2f,\n",
            r->score, r->max_score, r->passed, r->failed, r->seconds);
    fputs("  \"protections\": ", out);
    json_write_string(out, r->protections != NULL ? r->protections : "");
    fputs(",\n", out);
    fputs("  \"stages\": [\n", out);
    for (size_t i = 0; i < r->stage_count; i++) {
        const struct report_stage *s = &r->stages[i];
        fprintf(out, "    {\"stage\": %d, \"folder\": ", s->stage);
        json_write_string(out, s->folder);
        fputs(", \"lecture_name\": ", out);
        json_write_string(out, s->lecture_name);
        fputs(", \"source\": ", out);
        json_write_string(out, s->source);
        fprintf(out, ", \"score\": %d, \"max_score\": %d, \"passed\": %zu, \"failed\": %zu, \"perf\": ", s->score,
                s->max_score, s->passed, s->failed);
        if (s->perf != NULL)
            report_perf_json(out, s->perf);
        else
            fputs("null", out);
        fprintf(out, "}%s\n", i + 1 < r->stage_count ? "," : "");
    }
    fputs("  ],\n  \"tests\": [\n", out);
    for (size_t i = 0; i < r->test_count; i++) {
        json_test(out, &r->tests[i]);
        fputs(i + 1 < r->test_count ? ",\n" : "\n", out);
    }
    fputs("  ]\n}\n", out);
}

/* The output Gradescope shows for one test: what happened, then what the submission printed. */
static void gradescope_output(FILE *out, const struct report_test *t)
{
    size_t n = strlen(t->message) + strlen(t->output) + 64;
    char *text = malloc(n);
    if (text == NULL) {
        json_write_string(out, t->message);
        return;
    }
    snprintf(text, n, "%s%s%s%s", t->message, t->output[0] != '\0' ? "\n--- output ---\n" : "", t->output,
             t->output_truncated ? "\n(output truncated)" : "");
    json_write_string(out, text);
    free(text);
}

void report_gradescope(FILE *out, const struct report *r)
{
    fprintf(out, "{\n  \"score\": %d,\n  \"execution_time\": %d,\n  \"visibility\": \"visible\",\n"
            "  \"stdout_visibility\": \"visible\",\n  \"output\": ", r->score, (int)(r->seconds + 0.999));
    char summary[600];
    snprintf(summary, sizeof summary, "heapkit grade: %zu of %zu tests passed, %d of %d points\nprotections: %s",
             r->passed, r->passed + r->failed, r->score, r->max_score, r->protections != NULL ? r->protections : "");
    json_write_string(out, summary);
    fputs(",\n", out);
    if (report_perf_first(r) != NULL)
        report_perf_leaderboard(out, r);
    fputs("  \"tests\": [\n", out);
    for (size_t i = 0; i < r->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        char name[128], number[32];
        snprintf(name, sizeof name, "stage %d: %s", t->stage, t->name);
        snprintf(number, sizeof number, "%d.%zu", t->stage, i + 1);
        fputs("    {\"name\": ", out);
        json_write_string(out, name);
        fputs(", \"number\": ", out);
        json_write_string(out, number);
        fprintf(out, ", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": ", t->score, t->max_score,
                t->outcome == SANDBOX_PASS ? "passed" : "failed");
        gradescope_output(out, t);
        fprintf(out, ", \"visibility\": \"visible\"}%s\n", i + 1 < r->test_count ? "," : "");
    }
    fputs("  ]\n}\n", out);
}

/* Autolab: the text report for people, then one line of JSON, the last line of stdout. One stage:
 * a score per group (api, lecture, workload, checker, robust, and perf when graded); all six: a score
 * per stage. The scoreboard: score, tests passed, and with a perf group the first stage's index,
 * utilization (%) and throughput ratio. */
void report_autolab(FILE *out, const struct report *r)
{
    report_text(out, r, false);
    fputs("{\"scores\": {", out);
    if (r->stage_count == 1) {
        static const char *const groups[] = { "api", "lecture", "workload", "checker", "robust", "perf" };
        size_t group_count = report_perf_first(r) != NULL ? 6 : 5;
        for (size_t g = 0; g < group_count; g++) {
            int score = 0;
            for (size_t i = 0; i < r->test_count; i++)
                if (strcmp(r->tests[i].group, groups[g]) == 0)
                    score += r->tests[i].score;
            fprintf(out, "%s\"%s\": %d", g > 0 ? ", " : "", groups[g], score);
        }
    } else {
        for (size_t i = 0; i < r->stage_count; i++)
            fprintf(out, "%s\"stage%d\": %d", i > 0 ? ", " : "", r->stages[i].stage, r->stages[i].score);
    }
    fprintf(out, "}, \"scoreboard\": [%d, %zu", r->score, r->passed);
    if (report_perf_first(r) != NULL)
        report_perf_scoreboard(out, report_perf_first(r));
    fputs("]}\n", out);
}
