/* grade_dump.c: grade --dump DIR: each failing test as a trace file and a step-through of the heap
 * (grade_dump.h).
 *
 * The child of a failing test writes its calls as DIR/stage<N>-<test>.rep (op_log_dump: the grader's
 * own log of what it sent). Once every runner is gone, the parent draws each such trace with the
 * demos' renderer, in a process of its own: `heapkit demo --stage N [--src FILE] --file T --html H`
 * (the stage's lab build, or the file's, built for the lab as make trace SRC= builds it), then adds
 * the grader's message and the test's output beside the pictures and opens the page at the last
 * step, the failing one, marked in red. The replay starts from an empty heap as the test did; what the
 * grader did besides the calls (payload checks, a seam told to fail, a corrupted heap) is not in the
 * trace, and the message says what it saw.
 */
#define _GNU_SOURCE
#include "grade_dump.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "op_log.h"
#include "submission.h"

void grade_dump_path(const char *dir, int stage, const char *test, const char *ext, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/stage%d-%s.%s", dir, stage, test, ext);
}

void grade_dump_child_begin(const char *dir, int stage, const char *test)
{
    if (dir == NULL) {
        op_log_set_dump(NULL, NULL);
        return;
    }
    char path[PATH_MAX], comment[300];
    grade_dump_path(dir, stage, test, "rep", path, sizeof path);
    snprintf(comment, sizeof comment, "test %s of stage %d", test, stage);
    op_log_set_dump(path, comment);
}

/* The operations in a trace file: its third header number (the file is ours). */
static long trace_ops(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[512];
    long numbers[3];
    int n = 0;
    while (n < 3 && fgets(line, sizeof line, f) != NULL)
        if (line[0] != '#')
            numbers[n++] = strtol(line, NULL, 10);
    fclose(f);
    return n == 3 ? numbers[2] : -1;
}

static void html_escaped(FILE *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p == '<')
            fputs("&lt;", out);
        else if (*p == '>')
            fputs("&gt;", out);
        else if (*p == '&')
            fputs("&amp;", out);
        else if (*p < 0x20 && *p != '\n' && *p != '\t')
            fputc('?', out);
        else
            fputc(*p, out);
    }
}

/* The demo's page with the failure added before </body>; false when the page is not as expected. */
static bool annotate(const char *html_path, const struct report_test *t, long steps)
{
    FILE *in = fopen(html_path, "r");
    if (in == NULL)
        return false;
    char *page = NULL;
    size_t page_bytes = 0;
    FILE *mem = open_memstream(&page, &page_bytes);
    char buf[65536];
    for (size_t got; (got = fread(buf, 1, sizeof buf, in)) > 0;)
        fwrite(buf, 1, got, mem);
    fclose(in);
    fclose(mem);
    char *body = page != NULL ? strstr(page, "<body") : NULL;
    body = body != NULL ? strchr(body, '>') : NULL;
    char *end = body != NULL ? strstr(body, "</body>") : NULL;
    FILE *out = end != NULL ? fopen(html_path, "w") : NULL;
    if (out == NULL) {
        free(page);
        return false;
    }
    /* the page opens at the last step unless the address names one: set before the page's script reads it */
    body++;
    fwrite(page, 1, (size_t)(body - page), out);
    fprintf(out, "\n<script>if (!/step=/.test(location.hash)) history.replaceState(null, '', '#step=%ld');</script>\n",
            steps);
    fwrite(body, 1, (size_t)(end - body), out);
    fputs("<style>#sequence li:last-child { outline: 2px solid #c00; color: #c00; }\n"
          "#heapkit-failure { border: 2px solid #c00; margin: 1em; padding: .5em 1em; font-family: monospace; }\n"
          "#heapkit-failure pre { white-space: pre-wrap; }</style>\n<div id=\"heapkit-failure\"><h2>", out);
    html_escaped(out, t->name);
    fputs(" failed at its last step (marked in red)</h2>\n<p>the grader:</p><pre>", out);
    html_escaped(out, t->message);
    fputs("</pre>\n", out);
    if (t->output != NULL && t->output[0] != '\0') {
        fputs("<p>the test's output (your checker's lines among it):</p><pre>", out);
        html_escaped(out, t->output);
        fputs("</pre>\n", out);
    }
    fputs("</div>\n", out);
    fputs(end, out);
    free(page);
    return fclose(out) == 0;
}

/* The program that draws: this one (its demo runs the reference in the lab), or the lab built once
 * with the submitted file as its stage (submission.h), as `heapkit demo --src` would build it. */
static bool drawing_program(const char *src, int stage, char *path, size_t cap)
{
    if (src == NULL) {
        ssize_t n = readlink("/proc/self/exe", path, cap - 1);
        if (n <= 0)
            return false;
        path[n] = '\0';
        return true;
    }
    char root[SUBMISSION_PATH_MAX], build[SUBMISSION_PATH_MAX], why[SUBMISSION_PATH_MAX * 2 + 200];
    struct submission sub = { 0 };
    if (!kit_locate(root, build, why, sizeof why) ||
        submission_build(root, build, src, stage, SUBMISSION_LAB, &sub) != SUBMISSION_BUILT) {
        if (sub.messages != NULL)
            submission_release(&sub);
        return false;
    }
    snprintf(path, cap, "%s", sub.binary);
    submission_release(&sub);
    setenv("HEAPKIT_ROOT", root, 1);         /* as submission_exec sets them for the lab it runs */
    setenv("HEAPKIT_BUILD", build, 1);
    setenv("HEAPKIT_SOURCE", src, 1);
    return true;
}

/* PROGRAM demo ... --html, quietly; true when it wrote the page. */
static bool draw(const char *program, const char *trace, const char *html, int stage)
{
    char stage_text[16];
    snprintf(stage_text, sizeof stage_text, "%d", stage);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(program, "heapkit", "demo", "--stage", stage_text, "--file", trace, "--html", html, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* the demo exits 1 when the replay itself failed (a crash in the last step): the page is written */
    return WIFEXITED(status) && WEXITSTATUS(status) <= 1 && access(html, R_OK) == 0;
}

void grade_dump_pictures(const char *dir, const char *src, struct report *r)
{
    char program[SUBMISSION_PATH_MAX + 32];
    int built_for = 0;               /* the stage the drawing program was found or built for */
    for (size_t i = 0; i < r->test_count; i++) {
        struct report_test *t = &r->tests[i];
        if (t->outcome == SANDBOX_PASS)
            continue;
        char trace[PATH_MAX], html[PATH_MAX];
        grade_dump_path(dir, t->stage, t->name, "rep", trace, sizeof trace);
        grade_dump_path(dir, t->stage, t->name, "html", html, sizeof html);
        long ops = trace_ops(trace);
        if (ops < 0)
            continue;                /* no trace: a test that made no call, or a failure to write */
        t->dump_trace = strdup(trace);
        if (ops == 0 || ops > GRADE_DUMP_HTML_MAX_OPS) {
            t->dump_note = ops == 0 ? "no allocator call to draw" : "too many operations to draw: replay the trace";
            continue;
        }
        unlink(html);
        if (built_for != t->stage && !drawing_program(src, t->stage, program, sizeof program)) {
            t->dump_note = "the step-through could not be drawn: the file does not build for the lab";
            continue;
        }
        built_for = t->stage;
        if (draw(program, trace, html, t->stage) && annotate(html, t, ops))
            t->dump_html = strdup(html);
        else
            t->dump_note = "the step-through could not be drawn (heapkit demo --file the trace says why)";
    }
}
