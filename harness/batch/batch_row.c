/* batch_row.c: a student's grading (grade_run.h), turned into the student's row (batch_class.h).
 *
 * The grading's own report gives the points per test group, the total, the tests passed and failed
 * and why; tests left unrun by the student's time limit make the row a timeout. A submission that
 * does not compile: the first error line says where. A grading that could not run: why, in words.
 * Nothing is parsed back: the report is the grader's own structure.
 */
#include "batch_class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_run.h"
#include "report.h"

enum {
    MAX_REASONS = 4,                                /* failed tests named in a row's reason */
    REASON_CAP = 2048,                              /* the reason's length, before its prefix */
    MESSAGE_CAP = 160,                              /* a failed test's message in the reason */
    ERROR_LINE_CAP = 200,                           /* the compiler's error line in the reason */
};

/* The first line of text (up to its line break) into buf, cut to cap - 1 characters. */
static void copy_line(char *buf, size_t cap, const char *line)
{
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    snprintf(buf, cap, "%.*s", (int)(len < cap - 1 ? len : cap - 1), line);
}

/* The first line of the compiler's messages that names an error (or the first line at all), with
 * the folder part of file names dropped; at most ERROR_LINE_CAP characters. */
static char *first_error_line(const char *messages)
{
    const char *line = messages, *pick = NULL;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        if (pick == NULL && end != line)
            pick = line;                            /* the first line that is not empty */
        char buf[512];
        copy_line(buf, sizeof buf, line);
        if (strstr(buf, "error") != NULL) {
            pick = line;
            break;
        }
        line = end ? end + 1 : NULL;
    }
    if (pick == NULL)
        return batch_copy_text("(no message)");
    char buf[1024];
    copy_line(buf, sizeof buf, pick);
    /* "/long/path/alice/heapmgr.c:12:5: error: ..." -> "heapmgr.c:12:5: error: ..." */
    char *colon = strstr(buf, ".c:");
    char *start = buf;
    if (colon != NULL) {
        for (char *p = colon; p > buf; p--)
            if (p[-1] == '/') {
                start = p;
                break;
            }
    }
    if (strlen(start) > ERROR_LINE_CAP)
        strcpy(start + ERROR_LINE_CAP - 3, "...");
    return batch_copy_text(start);
}

/* Appends "name (outcome): message" of a failed test to the reason, up to MAX_REASONS of them. */
static void add_failure(char *reason, size_t cap, int failed_so_far, const struct report_test *t)
{
    if (failed_so_far > MAX_REASONS)
        return;
    size_t used = strlen(reason);
    char msg[MESSAGE_CAP];
    snprintf(msg, sizeof msg, "%s", t->message);
    if (strlen(t->message) >= sizeof msg)
        strcpy(msg + sizeof msg - 4, "...");
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (failed_so_far == MAX_REASONS)
        snprintf(reason + used, cap - used, "%s...", used ? "; " : "");
    else if (t->outcome == SANDBOX_FAIL)
        snprintf(reason + used, cap - used, "%s%s: %s", used ? "; " : "", t->name, msg);
    else
        snprintf(reason + used, cap - used, "%s%s (%s): %s", used ? "; " : "", t->name,
                 sandbox_outcome_name(t->outcome), msg);
}

/* Was the test left unrun because the student's time ran out (sandbox.h's start_by)? */
static bool not_run(const struct report_test *t)
{
    return t->outcome == SANDBOX_TIMEOUT && strncmp(t->message, "not run:", 8) == 0;
}

/* The row of a grading that ran: points per group, passed and failed, the reasons. */
static void row_from_report(struct batch *b, struct student *s, const struct report *r)
{
    char reason[REASON_CAP] = "";
    size_t unrun = 0;
    bool first_complete = b->max_total == 0;
    for (size_t i = 0; i < r->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        size_t g = batch_group_index(b, t->group);
        s->group_points[g] += t->score;
        if (first_complete)
            b->group_max[g] += t->max_score;          /* the first report fixes every group's maximum */
        if (t->outcome == SANDBOX_PASS) {
            s->passed++;
            continue;
        }
        unrun += not_run(t);
        if (!not_run(t))
            add_failure(reason, sizeof reason, s->failed, t);
        s->failed++;
    }
    s->total = r->score;
    s->max_total = r->max_score;
    const struct report_perf *perf = r->stage_count > 0 ? r->stages[0].perf : NULL;
    if (perf != NULL) {
        b->has_perf = true;
        s->perf_measured = perf->measured;
        s->perf_index = perf->index;
        s->utilization = perf->utilization;
        s->throughput = perf->throughput;
    }
    if (first_complete)
        b->max_total = r->max_score;
    if (unrun > 0)
        batch_set_outcome(s, ST_TIMEOUT, batch_format_text("grading did not finish within %.0f s: %zu tests not run%s%s",
                                                           b->student_timeout, unrun, reason[0] ? "; " : "", reason));
    else
        batch_set_outcome(s, ST_GRADED, s->failed > 0 ? batch_format_text("%d failed: %s", s->failed, reason)
                                                      : batch_copy_text(""));
}

void batch_row_from_result(struct batch *b, struct student *s, const struct grade_result *res)
{
    if (res->status == 0 || res->status == 1) {
        row_from_report(b, s, &res->report);
        return;
    }
    if (res->compile_error) {
        char *first = first_error_line(res->messages != NULL ? res->messages : "");
        batch_set_outcome(s, ST_COMPILE_ERROR, batch_format_text("does not compile: %s", first));
        free(first);
        return;
    }
    batch_set_outcome(s, ST_GRADER_DIED, batch_format_text("could not be graded: %s", res->why));
}
