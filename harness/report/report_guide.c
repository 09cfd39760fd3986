/* report_guide.c: the parts of a one-stage text report that tell a student where to start
 * (report_guide.h).
 *
 * Everything here only arranges what the report already holds: the tests' messages, operation
 * numbers and captured output. The output is the submission's and may say anything; it changes how
 * failures are grouped on the screen, never a score.
 */
#include "report_guide.h"

#include "report_crash.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SHAPE_BYTES = 240, CAUSES_MAX = 16, CAUSES_SHOWN = 5, NAMES_SHOWN = 4 };

/* A line's shape: numbers (decimal or 0x hex) replaced by '#', so that "chunk at offset 0x2000" and
 * "chunk at offset 0x4000" read alike. Stops at the end of the line. */
static void shape_of(const char *line, char *shape, size_t cap)
{
    size_t n = 0;
    for (const char *p = line; *p != '\0' && *p != '\n' && n + 1 < cap;) {
        if (isdigit((unsigned char)*p)) {
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
            while (isxdigit((unsigned char)*p))
                p++;
            shape[n++] = '#';
        } else {
            shape[n++] = *p++;
        }
    }
    shape[n] = '\0';
}

/* The first hexadecimal number of a line ("0x2000"), or "" when it has none. */
static void first_hex(const char *line, char *hex, size_t cap)
{
    hex[0] = '\0';
    for (const char *p = line; *p != '\0' && *p != '\n'; p++)
        if (p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2])) {
            size_t n = 0;
            while (n + 1 < cap && (n < 2 || isxdigit((unsigned char)p[n])))
                n++;
            snprintf(hex, cap, "%.*s", (int)n, p);
            return;
        }
}

static const char *line_end(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl != NULL ? nl : p + strlen(p);
}

static void print_line(FILE *out, const char *prefix, const char *p, const char *end)
{
    fputs(prefix, out);
    for (; p < end; p++)
        fputc((unsigned char)*p < 0x20 && *p != '\t' ? '?' : *p, out);
}

void report_print_folded(FILE *out, const char *text, const char *prefix, size_t max_lines)
{
    size_t shown = 0;
    const char *p = text;
    while (*p != '\0' && shown < max_lines) {
        const char *end = line_end(p);
        char shape[SHAPE_BYTES], next_shape[SHAPE_BYTES];
        shape_of(p, shape, sizeof shape);
        /* Count the lines right after this one that have its shape. */
        size_t same = 1;
        const char *q = *end == '\n' ? end + 1 : end;
        while (*q != '\0') {
            shape_of(q, next_shape, sizeof next_shape);
            if (strcmp(shape, next_shape) != 0)
                break;
            same++;
            const char *qe = line_end(q);
            q = *qe == '\n' ? qe + 1 : qe;
        }
        print_line(out, prefix, p, end);
        if (same > 1) {
            char hex[32];
            first_hex(p, hex, sizeof hex);
            if (hex[0] != '\0')
                fprintf(out, " (x%zu, first at offset %s)", same, hex);
            else
                fprintf(out, " (x%zu)", same);
        }
        fputc('\n', out);
        shown++;
        p = same > 1 ? q : (*end == '\n' ? end + 1 : end);
    }
    if (*p != '\0')
        fprintf(out, "%s...\n", prefix);
}

/* ---- one first cause for each failure ------------------------------------------------------------ */

struct cause {
    char shape[SHAPE_BYTES];
    const struct report_test *first;   /* the test whose words show the cause */
    const char *label;                 /* who says it: "the grader's heap walk: ", ... */
    const char *words;                 /* the line that says it, in first's message or output */
    size_t count;
    const struct report_test *tests[NAMES_SHOWN];
};

/* What a failed test says first went wrong, the same words for the same heap problem in every test:
 * what the grader's own heap walk found, else the first line of the stage's own checker in the
 * output, else the message (without a replay's "op N (line L): " in front). */
static const char *cause_words(const struct report_test *t, const char **label)
{
    *label = "the grader's heap walk: ";
    static const char *const walk_words[] = { "the grader's own heap walk: ", "own heap walk after this op: ",
                                              "own heap walk at the end of the workload: " };
    for (size_t i = 0; i < sizeof walk_words / sizeof walk_words[0]; i++) {
        const char *at = strstr(t->message, walk_words[i]);
        if (at != NULL)
            return at + strlen(walk_words[i]);
    }
    *label = "your checker said: ";
    const char *checker = strstr(t->output, "heapmgr_check: ");
    if (checker != NULL && (checker == t->output || checker[-1] == '\n'))
        return checker + strlen("heapmgr_check: ");
    *label = "";
    const char *words = t->message;
    if (strncmp(words, "op ", 3) == 0 && strstr(words, ": ") != NULL)
        words = strstr(words, ": ") + 2;
    return words;
}

/* Where a crash happened: the first frame of the runner's backtrace in its message ("heapmgr_free at
 * heapmgr.c:308"), or NULL when the message has none (no crash, or addr2line was missing). */
static const char *crash_site(const char *words, size_t *length)
{
    const char *frame = strstr(words, "\n  #0 ");
    if (frame == NULL)
        return NULL;
    frame += strlen("\n  #0 ");
    *length = (size_t)(line_end(frame) - frame);
    return frame;
}

static void cause_shape(const char *words, char *shape, size_t cap)
{
    shape_of(words, shape, cap);
    char *at = strstr(shape, ", at operation #");
    if (at == NULL)
        at = strstr(shape, " at operation #");
    if (at == NULL)
        at = strstr(shape, " (and heapmgr_check() returned #)");
    if (at != NULL)
        *at = '\0';
    /* The offsets and sizes differ from test to test; the words before them name the problem. */
    char *numbers = strstr(shape, ": offsets");
    if (numbers != NULL)
        *numbers = '\0';
    /* Crashes with the same signal are one cause only when they happened at the same place. */
    size_t site_length;
    const char *site = crash_site(words, &site_length);
    size_t used = strlen(shape);
    if (site != NULL && used < cap)
        snprintf(shape + used, cap - used, " @ %.*s", (int)site_length, site);
}

static size_t gather_causes(const struct report *r, const struct report_stage *s, struct cause *causes)
{
    size_t n = 0;
    for (size_t i = s->first_test; i < s->first_test + s->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        if (t->outcome == SANDBOX_PASS)
            continue;
        const char *label;
        const char *words = cause_words(t, &label);
        char shape[SHAPE_BYTES];
        cause_shape(words, shape, sizeof shape);
        size_t c = 0;
        while (c < n && strcmp(causes[c].shape, shape) != 0)
            c++;
        if (c == n) {
            if (n == CAUSES_MAX)
                c = n - 1;             /* the rest share the last line: "and others" */
            else
                causes[n++] = (struct cause){ .first = t, .label = label, .words = words };
            snprintf(causes[c].shape, sizeof causes[c].shape, "%s", shape);
        }
        if (causes[c].count < NAMES_SHOWN)
            causes[c].tests[causes[c].count] = t;
        causes[c].count++;
    }
    return n;
}

/* The failing test that gets there in the fewest operations: the smallest reproducer. A failure
 * with no operation number (a test that could not start) comes last. */
static const struct report_test *shortest_failure(const struct report *r, const struct report_stage *s)
{
    const struct report_test *best = NULL;
    for (size_t i = s->first_test; i < s->first_test + s->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        if (t->outcome == SANDBOX_PASS)
            continue;
        size_t op = t->op == 0 ? SIZE_MAX : t->op;
        if (best == NULL || op < (best->op == 0 ? SIZE_MAX : best->op))
            best = t;
    }
    return best;
}

static int by_count(const void *a, const void *b)
{
    const struct cause *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

/* Where a cause's words end: before what only its own test adds (its operation, the checker's count). */
static const char *words_end(const char *words)
{
    const char *end = line_end(words);
    static const char *const tails[] = { " (and heapmgr_check", ", at operation " };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        const char *at = strstr(words, tails[i]);
        if (at != NULL && at < end)
            end = at;
    }
    return end;
}

static void print_causes(FILE *out, struct cause *causes, size_t n)
{
    qsort(causes, n, sizeof *causes, by_count);
    fputs("  failures by first cause, most first:\n", out);
    for (size_t c = 0; c < n && c < CAUSES_SHOWN; c++) {
        fprintf(out, "    x%-3zu %s", causes[c].count, causes[c].label);
        print_line(out, "", causes[c].words, words_end(causes[c].words));
        size_t site_length;
        const char *site = crash_site(causes[c].words, &site_length);
        if (site != NULL)
            fprintf(out, ", in %.*s", (int)site_length, site);
        fputs("\n          in ", out);
        size_t named = causes[c].count < NAMES_SHOWN ? causes[c].count : NAMES_SHOWN;
        for (size_t k = 0; k < named; k++)
            fprintf(out, "%s%s", k > 0 ? ", " : "", causes[c].tests[k]->name);
        if (causes[c].count > named)
            fprintf(out, " and %zu more", causes[c].count - named);
        fputc('\n', out);
    }
    if (n > CAUSES_SHOWN)
        fprintf(out, "    and %zu other causes, each in its test above\n", n - CAUSES_SHOWN);
}

void report_print_groups(FILE *out, const struct report *r, const struct report_stage *s)
{
    fprintf(out, "  %-10s %12s %10s\n", "group", "tests passed", "points");
    const char *seen[32];
    size_t seen_count = 0;
    for (size_t i = s->first_test; i < s->first_test + s->test_count; i++) {
        const char *group = r->tests[i].group;
        bool known = false;
        for (size_t k = 0; k < seen_count && !known; k++)
            known = strcmp(seen[k], group) == 0;
        if (known || seen_count == sizeof seen / sizeof seen[0])
            continue;
        seen[seen_count++] = group;
        size_t passed = 0, total = 0;
        int score = 0, max_score = 0;
        for (size_t j = i; j < s->first_test + s->test_count; j++) {
            const struct report_test *t = &r->tests[j];
            if (strcmp(t->group, group) != 0)
                continue;
            total++;
            passed += t->outcome == SANDBOX_PASS;
            score += t->score;
            max_score += t->max_score;
        }
        char tests[32], points[32];
        snprintf(tests, sizeof tests, "%zu/%zu", passed, total);
        snprintf(points, sizeof points, "%d/%d", score, max_score);
        fprintf(out, "  %-10s %12s %10s\n", group, tests, points);
    }
}

void report_print_start_here(FILE *out, const struct report *r, const struct report_stage *s, const char *bold,
                             const char *reset)
{
    const struct report_test *first = shortest_failure(r, s);
    if (first == NULL)
        return;
    if (s->passed == 0) {
        /* Nothing passes: most likely the stubs are as handed out. */
        fprintf(out, "%sNothing passes yet.%s If %s/heapmgr.c is still as it was handed out, write heapmgr_malloc "
                "first, following its numbered steps under \"Algorithm\" at the top of the file, then heapmgr_free, "
                "then heapmgr_check (its tests are graded too).\n", bold, reset, s->folder);
    }
    fprintf(out, "%sStart here:%s %s", bold, reset, first->name);
    if (first->op > 0)
        fprintf(out, " fails after %zu operation%s, the fewest of any failing test", first->op, first->op == 1 ? "" : "s");
    fputs(":\n", out);
    print_line(out, "    ", first->message, line_end(first->message));
    fputc('\n', out);
    struct cause causes[CAUSES_MAX];
    size_t n = gather_causes(r, s, causes);
    if (s->failed > 1)
        print_causes(out, causes, n);
    fprintf(out, "  run it alone: make grade STAGE=%d ONLY=%s", s->stage, first->name);
    char own[300];
    snprintf(own, sizeof own, "%s/heapmgr.c", s->folder);
    if (s->source != NULL && strcmp(s->source, own) != 0)    /* a submitted file, not the stage's own */
        fprintf(out, " SRC=%s", s->source);
    fputc('\n', out);
    char debug[600];
    report_rerun_args(r, first, "debug", debug, sizeof debug);
    fprintf(out, "  stop in it: %s (gdb at the failing operation; docs/students.md)\n", debug);
}
