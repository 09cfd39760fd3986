/* report.h: the grader's results, and the formats that print them.
 *
 * The parent process alone builds a report from the sandbox outcomes and prints it; nothing the code
 * under test printed is interpreted (it is shown, escaped, as each test's output).
 *   text        for people: one line per test, colour only on a terminal (report_text.c)
 *   json        the schema of docs/grading.md (report_json.c)
 *   tap         TAP version 14 (report_tap.c)
 *   gradescope  results.json for Gradescope's autograder (report_json.c)
 *   autolab     the text report, then Autolab's last-line {"scores": ..., "scoreboard": ...} (report_json.c)
 */
#ifndef HEAPKIT_REPORT_H
#define HEAPKIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report_perf.h"
#include "sandbox.h"

struct report_test {
    int stage;
    const char *name;                /* "api.alignment" */
    const char *group;               /* "api" */
    int score, max_score;
    enum sandbox_outcome outcome;
    const char *message;             /* "" when it passed */
    size_t op;                       /* 0 = none */
    double seconds, cpu_seconds;
    const char *output;              /* captured stdout and stderr */
    bool output_truncated;
    char *dump_trace, *dump_html;    /* grade --dump: the test's calls as a trace, its step-through (or NULL) */
    const char *dump_note;           /* grade --dump: why there is no step-through, or NULL */
};

struct report_stage {
    int stage;
    const char *folder, *lecture_name;
    const char *source;              /* the file graded */
    int score, max_score;
    size_t passed, failed;
    size_t first_test, test_count;   /* its tests in report.tests */
    const struct report_perf *perf;  /* its perf group (report_perf.h), or NULL when it has none */
};

struct report {
    struct report_stage *stages;
    size_t stage_count;
    struct report_test *tests;
    size_t test_count;
    int score, max_score;
    size_t passed, failed;
    double seconds;
    const char *protections;         /* what confined the submission, in words ("" or NULL: nothing said) */
};

enum report_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TAP, FORMAT_GRADESCOPE, FORMAT_AUTOLAB };

/* Parses "text", "json", ...; false when the name is unknown. */
bool report_format_parse(const char *name, enum report_format *format);

void report_text(FILE *out, const struct report *r, bool colour);
void report_json(FILE *out, const struct report *r);
void report_tap(FILE *out, const struct report *r);
void report_gradescope(FILE *out, const struct report *r);
void report_autolab(FILE *out, const struct report *r);

/* Where a report goes: stdout, or a file written under a temporary name in the same folder and
 * renamed over the path only once it is complete, so nobody ever reads half a report. */
struct report_file {
    FILE *stream;
    const char *path;                /* NULL: stdout */
    char temp[4096];
};

bool report_file_open(struct report_file *f, const char *path);   /* false: said why on stderr */
bool report_file_commit(struct report_file *f);                   /* flush, close, rename */
void report_file_discard(struct report_file *f);                  /* nothing written at the path */

#endif
