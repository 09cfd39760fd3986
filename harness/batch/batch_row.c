/* batch_row.c: how a student's grading ended, turned into the student's row (batch_class.h).
 *
 * Stopped past its limit: a timeout. Killed by a signal: the grader died. Exit status 0 or 1: the
 * grading ran, and its JSON report (the docs/grading.md schema) gives the points per test group,
 * the total, the tests passed and failed and why. Exit status 2 with "error" in its messages: the
 * submission does not compile, and the first error line says where. Anything else: the grader died.
 */
#include "batch_class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "batch_json.h"
#include "sandbox.h"

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
static void add_failure(char *reason, size_t cap, int failed_so_far, const struct bjson *test)
{
    if (failed_so_far > MAX_REASONS)
        return;
    size_t used = strlen(reason);
    const char *name = bjson_string(test, "name", "?");
    const char *outcome = bjson_string(test, "outcome", "fail");
    const char *message = bjson_string(test, "message", "");
    char msg[MESSAGE_CAP];
    snprintf(msg, sizeof msg, "%s", message);
    if (strlen(message) >= sizeof msg)
        strcpy(msg + sizeof msg - 4, "...");
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (failed_so_far == MAX_REASONS)
        snprintf(reason + used, cap - used, "%s...", used ? "; " : "");
    else if (strcmp(outcome, "fail") == 0)
        snprintf(reason + used, cap - used, "%s%s: %s", used ? "; " : "", name, msg);
    else
        snprintf(reason + used, cap - used, "%s%s (%s): %s", used ? "; " : "", name, outcome, msg);
}

/* The report in the grader's output text[0..len). It is the grader's one JSON object, printed
 * last; a submission's constructor could print a look-alike before it (or a destructor after it).
 * Takes the last object that opens with "heapkit_grade" and is the whole rest of the output;
 * failing that, the last one that parses. NULL, and error says why, when there is none. */
static struct bjson *find_report(const char *text, size_t len, char *error, size_t error_cap)
{
    snprintf(error, error_cap, "no object starts with \"heapkit_grade\"");
    struct bjson *root = NULL;
    for (int pass = 0; pass < 2 && root == NULL; pass++) {
        for (size_t at = len; at-- > 0 && root == NULL;) {
            if (text[at] != '{')
                continue;
            const char *q = text + at + 1;
            while (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t')
                q++;
            if (strncmp(q, "\"heapkit_grade\"", 15) != 0)
                continue;
            root = pass == 0 ? bjson_parse(text + at, len - at, error, error_cap)
                             : bjson_parse_prefix(text + at, len - at, error, error_cap);
        }
    }
    return root;
}

/* Adds each test of the report to its group's points and to passed or failed (with the reason). */
static void count_tests(struct batch *b, struct student *s, const struct bjson *tests, char *reason,
                        size_t reason_cap)
{
    for (const struct bjson *t = tests ? tests->child : NULL; t != NULL; t = t->next) {
        size_t g = batch_group_index(b, bjson_string(t, "group", "other"));
        s->group_points[g] += bjson_number(t, "score", 0);
        if (strcmp(bjson_string(t, "status", "fail"), "pass") == 0) {
            s->passed++;
        } else {
            add_failure(reason, reason_cap, s->failed, t);
            s->failed++;
        }
    }
}

/* The first complete report fixes the maximum of the total and of every group. */
static void fix_maxima(struct batch *b, const struct student *s, const struct bjson *tests)
{
    if (b->max_total != 0 || !(s->max_total > 0))
        return;
    b->max_total = s->max_total;
    for (const struct bjson *t = tests ? tests->child : NULL; t != NULL; t = t->next)
        b->group_max[batch_group_index(b, bjson_string(t, "group", "other"))] +=
            bjson_number(t, "max_score", 0);
}

/* Reads the report of a grading that ended with exit status 0 or 1. */
static void read_report(struct batch *b, struct student *s)
{
    size_t len = 0;
    char *text = batch_read_file(s->out_path, &len);
    if (text == NULL) {
        batch_set_outcome(s, ST_BAD_REPORT, batch_copy_text("the grader wrote no report"));
        return;
    }
    char error[160];
    struct bjson *root = find_report(text, len, error, sizeof error);
    free(text);
    if (root == NULL) {
        batch_set_outcome(s, ST_BAD_REPORT,
                          batch_format_text("the grader's report could not be read (%s)", error));
        return;
    }
    const struct bjson *tests = bjson_get(root, "tests");
    char reason[REASON_CAP] = "";
    count_tests(b, s, tests, reason, sizeof reason);
    s->total = bjson_number(root, "score", 0);
    s->max_total = bjson_number(root, "max_score", 0);
    const struct bjson *complete = bjson_get(root, "complete");
    bool is_complete = complete != NULL && complete->type == BJSON_BOOL && complete->boolean;
    if (!is_complete) {
        batch_set_outcome(s, ST_GRADED, batch_format_text("the report is incomplete; %s", reason));
    } else {
        fix_maxima(b, s, tests);
        batch_set_outcome(s, ST_GRADED, s->failed > 0 ? batch_format_text("%d failed: %s", s->failed, reason)
                                                      : batch_copy_text(""));
    }
    bjson_free(root);
}

void batch_row_from_grading(struct batch *b, struct student *s, int wait_status, bool timed_out)
{
    if (timed_out) {
        batch_set_outcome(s, ST_TIMEOUT,
                          batch_format_text("grading did not finish within %.0f s and was stopped",
                                            b->student_timeout));
        return;
    }
    if (WIFSIGNALED(wait_status)) {
        char name[96];
        const char *signal_name = sandbox_signal_text(WTERMSIG(wait_status), name, sizeof name);
        batch_set_outcome(s, ST_GRADER_DIED, batch_format_text("the grader was killed by %s", signal_name));
        return;
    }
    int code = WEXITSTATUS(wait_status);
    if (code == 0 || code == 1) {
        read_report(b, s);
        return;
    }
    size_t len = 0;
    char *messages = batch_read_file(s->err_path, &len);
    char *first = first_error_line(messages ? messages : "");
    if (code == 2 && messages != NULL && strstr(messages, "error") != NULL)
        batch_set_outcome(s, ST_COMPILE_ERROR, batch_format_text("does not compile: %s", first));
    else
        batch_set_outcome(s, ST_GRADER_DIED,
                          batch_format_text("the grader ended with status %d: %s", code, first));
    free(first);
    free(messages);
}
