/* batch.c: heapkit grade --batch: a folder of submissions to one CSV (see batch.h).
 *
 * Each student is graded by a child `heapkit grade --src FILE --format json` (this very program,
 * through /proc/self/exe) whose stdout and stderr go to files in a private temporary folder, so
 * nothing the submission does can reach the batch's own output. The parent starts at most `jobs`
 * children, waits for any to end, kills one that runs past its limit (its whole process group), and
 * reads the report of the docs/grading.md schema. The rows come out in the students' name order
 * whatever order they finished in.
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch_json.h"
#include "sandbox.h"
#include "stages.h"

enum { MAX_GROUPS = 8, MAX_REASONS = 4, REPORT_CAP = 64 << 20, WORK_PATH = 1024 };

/* The test groups in the order of docs/grading.md; others are added as reports name them. */
static const char *const known_groups[] = { "api", "lecture", "workload", "checker" };

enum student_status { ST_GRADED, ST_NO_SUBMISSION, ST_COMPILE_ERROR, ST_TIMEOUT, ST_GRADER_DIED, ST_BAD_REPORT };

static const char *const status_names[] = {
    [ST_GRADED] = "graded", [ST_NO_SUBMISSION] = "no submission", [ST_COMPILE_ERROR] = "compile error",
    [ST_TIMEOUT] = "timeout", [ST_GRADER_DIED] = "grader died", [ST_BAD_REPORT] = "unreadable report",
};

struct student {
    char *name;                      /* the file's name without .c, or the folder's name */
    char *file;                      /* the submission to grade; NULL when none was found */
    enum student_status status;
    char *reason;                    /* in words; "" for a full score */
    double group_points[MAX_GROUPS];
    double total, max_total;
    int passed, failed;

    pid_t pid;                       /* while grading */
    double started;
    char tmp_dir[WORK_PATH + 32];    /* its private folder: TMPDIR, report and stderr */
    char out_path[WORK_PATH + 64], err_path[WORK_PATH + 64];
};

struct batch {
    const char *dir;
    int stage;
    const char *csv_path;
    unsigned jobs;
    double student_timeout;
    const char *grader_timeout, *grader_memory;    /* passed through to each grading */
    char self[PATH_MAX];
    char work_dir[WORK_PATH];

    struct student *students;
    size_t count;
    const char *groups[MAX_GROUPS];
    double group_max[MAX_GROUPS];
    size_t group_count;
    double max_total;                /* of a complete report; 0 until one is read */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *copy_text(const char *text)
{
    char *copy = strdup(text != NULL ? text : "");
    if (copy == NULL) {
        fprintf(stderr, "heapkit grade --batch: out of memory\n");
        exit(2);
    }
    return copy;
}

static char *format_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format_text(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return copy_text(buf);
}

/* ---- options ------------------------------------------------------------------------------------ */

bool batch_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--batch") == 0 || strncmp(argv[i], "--batch=", 8) == 0)
            return true;
    return false;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heapkit grade --batch DIR --stage N [--csv out.csv] [--jobs J]\n"
            "                     [--student-timeout SECONDS] [--timeout SECONDS] [--memory MIB]\n\n"
            "Grades every submission in DIR as stage N: a folder per student (its heapmgr.c, also one or\n"
            "two folders down) or a file per student (NAME.c). One CSV row per student: points per test\n"
            "group, total, tests passed and failed, and the failure reasons; then a histogram of totals.\n"
            "  --csv FILE             where the CSV goes (default: standard output)\n"
            "  --jobs J               students graded at a time (default: the number of cores)\n"
            "  --student-timeout S    wall-clock limit for grading one student (default 600)\n"
            "  --timeout, --memory    passed on to each grading (per-test limits)\n");
}

/* The value of option argv[*i] ("--opt VALUE" or "--opt=VALUE"); NULL when argv[*i] is not name. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static bool parse_options(struct batch *b, int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b->jobs = cores > 0 ? (unsigned)cores : 1;
    b->student_timeout = 600;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if ((v = option_value(argc, argv, &i, "--batch", &missing)) != NULL) {
            b->dir = v;
        } else if ((v = option_value(argc, argv, &i, "--stage", &missing)) != NULL) {
            b->stage = stage_parse(v);
            if (b->stage == 0) {
                fprintf(stderr, "heapkit grade --batch: --stage %s names no stage (1-6)\n", v);
                return false;
            }
        } else if ((v = option_value(argc, argv, &i, "--csv", &missing)) != NULL) {
            b->csv_path = v;
        } else if ((v = option_value(argc, argv, &i, "--jobs", &missing)) != NULL) {
            long jobs = strtol(v, NULL, 10);
            if (jobs < 1 || jobs > 64) {
                fprintf(stderr, "heapkit grade --batch: --jobs %s: expected 1 to 64\n", v);
                return false;
            }
            b->jobs = (unsigned)jobs;
        } else if ((v = option_value(argc, argv, &i, "--student-timeout", &missing)) != NULL) {
            b->student_timeout = strtod(v, NULL);
            if (!(b->student_timeout > 0)) {
                fprintf(stderr, "heapkit grade --batch: --student-timeout %s: expected seconds > 0\n", v);
                return false;
            }
        } else if ((v = option_value(argc, argv, &i, "--timeout", &missing)) != NULL) {
            b->grader_timeout = v;
        } else if ((v = option_value(argc, argv, &i, "--memory", &missing)) != NULL) {
            b->grader_memory = v;
        } else {
            if (missing)
                fprintf(stderr, "heapkit grade --batch: %s needs a value\n", argv[i]);
            else
                fprintf(stderr, "heapkit grade --batch: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return false;
        }
        if (missing) {
            fprintf(stderr, "heapkit grade --batch: %s needs a value\n", argv[i]);
            return false;
        }
    }
    if (b->dir == NULL || b->stage == 0) {
        fprintf(stderr, "heapkit grade --batch: %s\n", b->dir == NULL ? "--batch DIR is required"
                                                                      : "--stage N is required");
        usage(stderr);
        return false;
    }
    return true;
}

/* ---- finding the submissions --------------------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *text, const char *tail)
{
    size_t n = strlen(text), m = strlen(tail);
    return n >= m && strcmp(text + n - m, tail) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The visible entries of dir, sorted; NULL when it cannot be read. */
static char **list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        names[n++] = copy_text(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

static void free_list(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Looks for the submission inside a student's folder, depth levels down at most: first
 * <stage folder>/heapmgr.c, then heapmgr.c, at each level. Returns the path or NULL. */
static char *find_in_folder(const char *dir, const char *stage_folder, int depth)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/heapmgr.c", dir, stage_folder);
    if (is_file(path))
        return copy_text(path);
    snprintf(path, sizeof path, "%s/heapmgr.c", dir);
    if (is_file(path))
        return copy_text(path);
    if (depth == 0)
        return NULL;
    size_t count = 0;
    char **names = list_dir(dir, &count);
    char *found = NULL;
    for (size_t i = 0; names != NULL && i < count && found == NULL; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (is_dir(path))
            found = find_in_folder(path, stage_folder, depth - 1);
    }
    free_list(names, count);
    return found;
}

/* A folder without heapmgr.c but with exactly one .c file at its top: that file. */
static char *single_c_file(const char *dir, char **why)
{
    size_t count = 0;
    char **names = list_dir(dir, &count);
    char *found = NULL;
    size_t c_files = 0;
    for (size_t i = 0; names != NULL && i < count; i++) {
        if (!ends_with(names[i], ".c"))
            continue;
        c_files++;
        if (found == NULL)
            found = format_text("%s/%s", dir, names[i]);
    }
    free_list(names, count);
    if (c_files == 1)
        return found;
    free(found);
    *why = c_files == 0 ? copy_text("no heapmgr.c (and no other .c file) in the folder")
                        : format_text("no heapmgr.c, and %zu other .c files: which one is the allocator?",
                                      c_files);
    return NULL;
}

static bool find_submissions(struct batch *b)
{
    size_t count = 0;
    char **names = list_dir(b->dir, &count);
    if (names == NULL) {
        fprintf(stderr, "heapkit grade --batch: cannot read the folder %s: %s\n", b->dir, strerror(errno));
        return false;
    }
    b->students = calloc(count ? count : 1, sizeof *b->students);
    const char *stage_folder = stage_get(b->stage) ? stage_get(b->stage)->folder : "";
    for (size_t i = 0; i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", b->dir, names[i]);
        struct student *s = &b->students[b->count];
        s->reason = NULL;
        if (is_dir(path)) {
            s->name = copy_text(names[i]);
            s->file = find_in_folder(path, stage_folder, 2);
            if (s->file == NULL)
                s->file = single_c_file(path, &s->reason);
        } else if (is_file(path) && ends_with(names[i], ".c")) {
            s->name = copy_text(names[i]);
            s->name[strlen(s->name) - 2] = '\0';
            s->file = copy_text(path);
        } else {
            fprintf(stderr, "heapkit grade --batch: skipping %s (neither a folder nor a .c file)\n", path);
            continue;
        }
        if (s->file == NULL) {
            s->status = ST_NO_SUBMISSION;
            if (s->reason == NULL)
                s->reason = copy_text("no submission found");
        }
        b->count++;
    }
    free_list(names, count);
    return true;
}

/* ---- grading, jobs at a time ---------------------------------------------------------------------- */

static void start_grading(struct batch *b, struct student *s, size_t index)
{
    snprintf(s->tmp_dir, sizeof s->tmp_dir, "%s/%zu", b->work_dir, index);
    snprintf(s->out_path, sizeof s->out_path, "%s/report.json", s->tmp_dir);
    snprintf(s->err_path, sizeof s->err_path, "%s/stderr.txt", s->tmp_dir);
    mkdir(s->tmp_dir, 0700);
    char stage_text[8];
    snprintf(stage_text, sizeof stage_text, "%d", b->stage);
    const char *args[16];
    int n = 0;
    args[n++] = b->self;
    args[n++] = "grade";
    args[n++] = "--stage";
    args[n++] = stage_text;
    args[n++] = "--src";
    args[n++] = s->file;
    args[n++] = "--format";
    args[n++] = "json";
    args[n++] = "--jobs";
    args[n++] = "1";
    if (b->grader_timeout != NULL) {
        args[n++] = "--timeout";
        args[n++] = b->grader_timeout;
    }
    if (b->grader_memory != NULL) {
        args[n++] = "--memory";
        args[n++] = b->grader_memory;
    }
    args[n] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);                              /* the whole grading can be killed at once */
        int out = open(s->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(s->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0)
            _exit(126);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        setenv("TMPDIR", s->tmp_dir, 1);            /* each grading builds in its own folder */
        execv(b->self, (char *const *)args);
        fprintf(stderr, "cannot run %s: %s\n", b->self, strerror(errno));
        _exit(127);
    }
    if (pid < 0) {
        s->status = ST_GRADER_DIED;
        s->reason = format_text("could not start the grader: %s", strerror(errno));
        s->pid = 0;
        return;
    }
    setpgid(pid, pid);
    s->pid = pid;
    s->started = now_seconds();
}

/* The whole of a file (at most REPORT_CAP bytes), NUL-terminated; NULL when unreadable. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap || cap >= REPORT_CAP)
            break;
        cap *= 2;
        char *grown = realloc(buf, cap + 1);
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* The first line of the compiler's messages that names an error (or the first line at all), with
 * the folder part of file names dropped; at most 200 characters. */
static char *first_error_line(const char *messages)
{
    const char *line = messages, *pick = NULL;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (pick == NULL && len > 0)
            pick = line;
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf - 1 ? len : sizeof buf - 1), line);
        if (strstr(buf, "error") != NULL) {
            pick = line;
            break;
        }
        line = end ? end + 1 : NULL;
    }
    if (pick == NULL)
        return copy_text("(no message)");
    const char *end = strchr(pick, '\n');
    size_t len = end ? (size_t)(end - pick) : strlen(pick);
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf - 1 ? len : sizeof buf - 1), pick);
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
    if (strlen(start) > 200)
        strcpy(start + 197, "...");
    return copy_text(start);
}

static size_t group_index(struct batch *b, const char *group)
{
    for (size_t i = 0; i < b->group_count; i++)
        if (strcmp(b->groups[i], group) == 0)
            return i;
    if (b->group_count == MAX_GROUPS)
        return MAX_GROUPS - 1;                      /* more groups than columns: the last one sums them */
    b->groups[b->group_count] = copy_text(group);
    return b->group_count++;
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
    char msg[160];
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

/* Reads the report of a grading that ended with exit status 0 or 1. */
static void read_report(struct batch *b, struct student *s)
{
    size_t len = 0;
    char *text = read_file(s->out_path, &len);
    if (text == NULL) {
        s->status = ST_BAD_REPORT;
        s->reason = copy_text("the grader wrote no report");
        return;
    }
    /* The report is the grader's one JSON object, printed last; a submission's constructor could
     * print a look-alike before it (or a destructor after it). Take the last object that opens with
     * "heapkit_grade" and is the whole rest of the output; failing that, the last one that parses. */
    char error[160] = "no object starts with \"heapkit_grade\"";
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
            root = pass == 0 ? bjson_parse(text + at, len - at, error, sizeof error)
                             : bjson_parse_prefix(text + at, len - at, error, sizeof error);
        }
    }
    free(text);
    if (root == NULL) {
        s->status = ST_BAD_REPORT;
        s->reason = format_text("the grader's report could not be read (%s)", error);
        return;
    }
    const struct bjson *tests = bjson_get(root, "tests");
    char reason[2048] = "";
    for (const struct bjson *t = tests ? tests->child : NULL; t != NULL; t = t->next) {
        size_t g = group_index(b, bjson_string(t, "group", "other"));
        double score = bjson_number(t, "score", 0);
        s->group_points[g] += score;
        if (strcmp(bjson_string(t, "status", "fail"), "pass") == 0) {
            s->passed++;
        } else {
            add_failure(reason, sizeof reason, s->failed, t);
            s->failed++;
        }
    }
    s->total = bjson_number(root, "score", 0);
    s->max_total = bjson_number(root, "max_score", 0);
    const struct bjson *complete = bjson_get(root, "complete");
    bool is_complete = complete != NULL && complete->type == BJSON_BOOL && complete->boolean;
    if (is_complete && b->max_total == 0 && s->max_total > 0) {
        /* The first complete report fixes the maximum of every group. */
        b->max_total = s->max_total;
        for (const struct bjson *t = tests ? tests->child : NULL; t != NULL; t = t->next)
            b->group_max[group_index(b, bjson_string(t, "group", "other"))] += bjson_number(t, "max_score", 0);
    }
    s->status = ST_GRADED;
    if (!is_complete)
        s->reason = format_text("the report is incomplete; %s", reason);
    else if (s->failed > 0)
        s->reason = format_text("%d failed: %s", s->failed, reason);
    else
        s->reason = copy_text("");
    bjson_free(root);
}

static void finish_grading(struct batch *b, struct student *s, int wait_status, bool timed_out)
{
    s->pid = 0;
    if (timed_out) {
        s->status = ST_TIMEOUT;
        s->reason = format_text("grading did not finish within %.0f s and was stopped", b->student_timeout);
        return;
    }
    if (WIFSIGNALED(wait_status)) {
        char name[96];
        s->status = ST_GRADER_DIED;
        s->reason = format_text("the grader was killed by %s",
                                sandbox_signal_text(WTERMSIG(wait_status), name, sizeof name));
        return;
    }
    int code = WEXITSTATUS(wait_status);
    if (code == 0 || code == 1) {
        read_report(b, s);
        return;
    }
    size_t len = 0;
    char *messages = read_file(s->err_path, &len);
    if (code == 2 && messages != NULL && strstr(messages, "error") != NULL) {
        s->status = ST_COMPILE_ERROR;
        char *first = first_error_line(messages);
        s->reason = format_text("does not compile: %s", first);
        free(first);
    } else {
        s->status = ST_GRADER_DIED;
        char *first = first_error_line(messages ? messages : "");
        s->reason = format_text("the grader ended with status %d: %s", code, first);
        free(first);
    }
    free(messages);
}

static void print_progress(const struct batch *b, const struct student *s, size_t done)
{
    if (s->status == ST_GRADED)
        fprintf(stderr, "[%*zu/%zu] %-24s %6.1f / %.1f   %d passed, %d failed\n", b->count >= 10 ? 2 : 1,
                done, b->count, s->name, s->total, s->max_total, s->passed, s->failed);
    else
        fprintf(stderr, "[%*zu/%zu] %-24s %s: %s\n", b->count >= 10 ? 2 : 1, done, b->count, s->name,
                status_names[s->status], s->reason);
}

static void remove_tree(const char *dir)
{
    size_t count = 0;
    char **names = list_dir(dir, &count);
    for (size_t i = 0; names != NULL && i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (is_dir(path))
            remove_tree(path);
        else
            unlink(path);
    }
    free_list(names, count);
    rmdir(dir);
}

static void grade_all(struct batch *b)
{
    size_t next = 0, running = 0, done = 0;
    for (size_t i = 0; i < b->count; i++)
        if (b->students[i].file == NULL)
            print_progress(b, &b->students[i], ++done);
    for (;;) {
        while (running < b->jobs && next < b->count) {
            struct student *s = &b->students[next];
            next++;
            if (s->file == NULL)
                continue;
            start_grading(b, s, next);
            if (s->pid > 0)
                running++;
            else
                print_progress(b, s, ++done);
        }
        if (running == 0)
            break;
        int wait_status;
        pid_t pid = waitpid(-1, &wait_status, WNOHANG);
        if (pid > 0) {
            for (size_t i = 0; i < b->count; i++) {
                struct student *s = &b->students[i];
                if (s->pid == pid) {
                    finish_grading(b, s, wait_status, false);
                    running--;
                    print_progress(b, s, ++done);
                    remove_tree(s->tmp_dir);
                }
            }
            continue;
        }
        /* None ended: stop the ones past their limit, then wait a little. */
        double t = now_seconds();
        for (size_t i = 0; i < b->count; i++) {
            struct student *s = &b->students[i];
            if (s->pid > 0 && t - s->started > b->student_timeout) {
                kill(-s->pid, SIGKILL);
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &wait_status, 0);
                finish_grading(b, s, wait_status, true);
                running--;
                print_progress(b, s, ++done);
                remove_tree(s->tmp_dir);
            }
        }
        struct timespec pause = { 0, 20 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

/* ---- the CSV and the histogram ----------------------------------------------------------------- */

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *text, bool last)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, out);
    } else {
        fputc('"', out);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    }
    fputc(last ? '\n' : ',', out);
}

static void csv_number(FILE *out, double value)
{
    char buf[32];
    if (value == floor(value))
        snprintf(buf, sizeof buf, "%.0f", value);
    else
        snprintf(buf, sizeof buf, "%.2f", value);
    csv_field(out, buf, false);
}

/* Puts the known groups first, in the order of docs/grading.md. */
static void order_groups(struct batch *b)
{
    size_t placed = 0;
    for (size_t k = 0; k < sizeof known_groups / sizeof known_groups[0]; k++) {
        for (size_t i = placed; i < b->group_count; i++) {
            if (strcmp(b->groups[i], known_groups[k]) != 0)
                continue;
            /* swap column i into place, in every row too */
            const char *name = b->groups[i];
            b->groups[i] = b->groups[placed];
            b->groups[placed] = name;
            double m = b->group_max[i];
            b->group_max[i] = b->group_max[placed];
            b->group_max[placed] = m;
            for (size_t r = 0; r < b->count; r++) {
                double v = b->students[r].group_points[i];
                b->students[r].group_points[i] = b->students[r].group_points[placed];
                b->students[r].group_points[placed] = v;
            }
            placed++;
            break;
        }
    }
}

static void write_csv(const struct batch *b, FILE *out)
{
    csv_field(out, "student", false);
    csv_field(out, "submission", false);
    csv_field(out, "status", false);
    for (size_t g = 0; g < b->group_count; g++)
        csv_field(out, b->groups[g], false);
    csv_field(out, "total", false);
    csv_field(out, "max", false);
    csv_field(out, "passed", false);
    csv_field(out, "failed", false);
    csv_field(out, "reason", true);
    for (size_t i = 0; i < b->count; i++) {
        const struct student *s = &b->students[i];
        csv_field(out, s->name, false);
        csv_field(out, s->file ? s->file : "", false);
        csv_field(out, status_names[s->status], false);
        for (size_t g = 0; g < b->group_count; g++)
            csv_number(out, s->group_points[g]);
        csv_number(out, s->total);
        csv_number(out, s->max_total > 0 ? s->max_total : b->max_total);
        csv_number(out, s->passed);
        csv_number(out, s->failed);
        csv_field(out, s->reason ? s->reason : "", true);
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ten bins of equal width from 0 to the maximum, the last one closed; a bar per bin. */
static void print_histogram(const struct batch *b, FILE *out)
{
    enum { BINS = 10, BAR = 40 };
    if (b->count == 0) {
        fprintf(out, "no submissions in %s\n", b->dir);
        return;
    }
    double max = b->max_total;
    double *totals = malloc(b->count * sizeof *totals);
    if (totals == NULL)
        return;
    double sum = 0;
    for (size_t i = 0; i < b->count; i++) {
        totals[i] = b->students[i].total;
        sum += totals[i];
        if (max == 0 && totals[i] > max)
            max = totals[i];
    }
    qsort(totals, b->count, sizeof *totals, compare_doubles);
    double median = b->count % 2 ? totals[b->count / 2]
                                 : (totals[b->count / 2 - 1] + totals[b->count / 2]) / 2;
    size_t counts[BINS] = { 0 }, tallest = 1;
    for (size_t i = 0; i < b->count; i++) {
        size_t bin = max > 0 ? (size_t)(totals[i] / max * BINS) : 0;
        if (bin >= BINS)
            bin = BINS - 1;
        counts[bin]++;
    }
    for (size_t k = 0; k < BINS; k++)
        if (counts[k] > tallest)
            tallest = counts[k];
    fprintf(out, "\nTotals of %zu student%s, stage %d (max %.0f): mean %.1f, median %.1f\n", b->count,
            b->count == 1 ? "" : "s", b->stage, max, sum / (double)b->count, median);
    for (size_t k = 0; k < BINS; k++) {
        double lo = max * (double)k / BINS, hi = max * (double)(k + 1) / BINS;
        size_t bar = (counts[k] * BAR + tallest - 1) / tallest;
        char bars[BAR + 1];
        memset(bars, '#', bar);
        bars[bar] = '\0';
        fprintf(out, "  %3zu-%3zu%%  %6.1f - %6.1f%s | %-*s %zu\n", k * 100 / BINS, (k + 1) * 100 / BINS, lo,
                hi, k + 1 == BINS ? "]" : ")", BAR, bars, counts[k]);
    }
    free(totals);
}

int batch_grade(int argc, char **argv)
{
    struct batch b = { 0 };
    if (!parse_options(&b, argc, argv))
        return 2;
    if (stage_get(b.stage) == NULL) {
        fprintf(stderr, "heapkit grade --batch: stage %d is not linked into this program\n", b.stage);
        return 2;
    }
    ssize_t n = readlink("/proc/self/exe", b.self, sizeof b.self - 1);
    if (n <= 0) {
        fprintf(stderr, "heapkit grade --batch: cannot find this program (/proc/self/exe): %s\n",
                strerror(errno));
        return 2;
    }
    b.self[n] = '\0';
    if (!find_submissions(&b))
        return 2;
    const char *tmp = getenv("TMPDIR");
    snprintf(b.work_dir, sizeof b.work_dir, "%s/heapkit-batch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(b.work_dir) == NULL) {
        fprintf(stderr, "heapkit grade --batch: cannot make a temporary folder: %s\n", strerror(errno));
        return 2;
    }
    FILE *csv = stdout;
    if (b.csv_path != NULL && strcmp(b.csv_path, "-") != 0) {
        csv = fopen(b.csv_path, "w");
        if (csv == NULL) {
            fprintf(stderr, "heapkit grade --batch: cannot write %s: %s\n", b.csv_path, strerror(errno));
            remove_tree(b.work_dir);
            return 2;
        }
    }
    fprintf(stderr, "Grading %zu submission%s in %s as stage %d, %u at a time\n", b.count,
            b.count == 1 ? "" : "s", b.dir, b.stage, b.jobs);
    double started = now_seconds();
    grade_all(&b);
    remove_tree(b.work_dir);
    if (b.group_count == 0)
        for (size_t k = 0; k < sizeof known_groups / sizeof known_groups[0]; k++)
            group_index(&b, known_groups[k]);        /* no report was read: the usual columns */
    order_groups(&b);
    write_csv(&b, csv);
    FILE *summary = csv == stdout ? stderr : stdout;
    if (csv != stdout) {
        fclose(csv);
        fprintf(summary, "Wrote %s: %zu rows in %.1f s\n", b.csv_path, b.count, now_seconds() - started);
    }
    print_histogram(&b, summary);
    for (size_t i = 0; i < b.count; i++) {
        free(b.students[i].name);
        free(b.students[i].file);
        free(b.students[i].reason);
    }
    free(b.students);
    for (size_t g = 0; g < b.group_count; g++)
        free((char *)b.groups[g]);
    return 0;
}
