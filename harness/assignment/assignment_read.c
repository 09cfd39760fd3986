/* assignment_read.c: the assignment file into struct assignment (assignment.h), with libcjson.
 *
 * 1. Read the whole file (at most 1 MiB) and parse it; a syntax error names its line and column.
 * 2. The top level is an object of known keys, each given once: an unknown key is a typo, never
 *    ignored (a misspelt "enabled" would silently count a test the instructor turned off).
 * 3. Each key is read by its own function below, which names the key in every message.
 */
#include "assignment.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

enum { FILE_MAX_BYTES = 1 << 20, FORMAT_VERSION = 1 };

/* Where messages go: "FILE: KEY: what is wrong". */
struct reading {
    const char *file;
    char *err;
    size_t err_size;
    struct assignment *a;
};

static int fail(struct reading *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct reading *r, const char *key, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->err_size, "%s: %s: %s", r->file, key, what);
    return 2;
}

/* ---- keys and values ---------------------------------------------------------------------------- */

/* Every key of obj is one of allowed[] (NULL-terminated) and none is given twice. */
static int check_keys(struct reading *r, const cJSON *obj, const char *where, const char *const *allowed)
{
    char key[256];
    for (const cJSON *k = obj->child; k != NULL; k = k->next) {
        snprintf(key, sizeof key, "%s%s%s", where, where[0] != '\0' ? "." : "", k->string);
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL; i++)
            known = known || strcmp(allowed[i], k->string) == 0;
        if (!known) {
            char list[512] = "";
            for (size_t i = 0; allowed[i] != NULL; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i > 0 ? ", " : "", allowed[i]);
            return fail(r, key, "unknown key (expected one of: %s)", list);
        }
        for (const cJSON *j = obj->child; j != k; j = j->next)
            if (strcmp(j->string, k->string) == 0)
                return fail(r, key, "given twice");
    }
    return 0;
}

/* No two members of obj share a name (cJSON keeps both; the file would mean two things). */
static int check_unique(struct reading *r, const cJSON *obj, const char *where)
{
    for (const cJSON *k = obj->child; k != NULL; k = k->next)
        for (const cJSON *j = obj->child; j != k; j = j->next)
            if (strcmp(j->string, k->string) == 0)
                return fail(r, where, "\"%s\" is given twice", k->string);
    return 0;
}

static const char *type_name(const cJSON *v)
{
    return cJSON_IsObject(v) ? "an object" : cJSON_IsArray(v) ? "a list" : cJSON_IsString(v) ? "a string"
         : cJSON_IsBool(v) ? "true or false" : cJSON_IsNull(v) ? "null" : "a number";
}

static bool is_whole(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble);
}

/* A whole number lo..hi. */
static int read_whole(struct reading *r, const cJSON *v, const char *key, int lo, int hi, const char *what, int *out)
{
    if (!is_whole(v) || v->valuedouble < lo || v->valuedouble > hi) {
        char *text = cJSON_PrintUnformatted(v);
        int status = fail(r, key, "%s: expected %s", text != NULL ? text : type_name(v), what);
        free(text);
        return status;
    }
    *out = (int)v->valuedouble;
    return 0;
}

static int read_flag(struct reading *r, const cJSON *v, const char *key, enum assignment_flag *out)
{
    if (!cJSON_IsBool(v))
        return fail(r, key, "expected true or false, not %s", type_name(v));
    *out = cJSON_IsTrue(v) ? ASSIGNMENT_ON : ASSIGNMENT_OFF;
    return 0;
}

static int read_text(struct reading *r, const cJSON *v, const char *key, char *out, size_t size)
{
    if (!cJSON_IsString(v))
        return fail(r, key, "expected a string, not %s", type_name(v));
    if (strlen(v->valuestring) >= size)
        return fail(r, key, "longer than %zu characters", size - 1);
    snprintf(out, size, "%s", v->valuestring);
    return 0;
}

/* A list of stage numbers 1-6, none twice, into bits. */
static int read_stage_list(struct reading *r, const cJSON *v, const char *key, unsigned *bits)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return fail(r, key, "expected a list of stage numbers 1-6, e.g. [4, 5]");
    *bits = 0;
    int i = 0;
    char item[64];
    for (const cJSON *s = v->child; s != NULL; s = s->next, i++) {
        int n;
        snprintf(item, sizeof item, "%s[%d]", key, i);
        if (!is_whole(s) || s->valuedouble < 1 || s->valuedouble > 6) {
            char *text = cJSON_PrintUnformatted(s);
            int status = fail(r, item, "%s is no stage (stages are 1-6)", text != NULL ? text : "it");
            free(text);
            return status;
        }
        n = (int)s->valuedouble;
        if (*bits & (1u << n))
            return fail(r, item, "stage %d is listed twice", n);
        *bits |= 1u << n;
    }
    return 0;
}

/* A test or group name: lower-case letters, digits, '_' and '-', with exactly one '.' for a test. */
static bool good_name(const char *name, bool test)
{
    size_t dots = 0, n = strlen(name);
    if (n == 0 || n >= ASSIGNMENT_NAME_MAX || name[0] == '.' || name[n - 1] == '.')
        return false;
    for (const char *c = name; *c != '\0'; c++) {
        if (*c == '.')
            dots++;
        else if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                   *c == '_' || *c == '-'))
            return false;
    }
    return dots == (test ? 1u : 0u);
}

/* {"enabled": bool, "hidden": bool, "points": whole >= 0}, each optional. */
static int read_setting(struct reading *r, const cJSON *v, const char *key, struct assignment_setting *s)
{
    static const char *const keys[] = { "enabled", "hidden", "points", NULL };
    char sub[256];
    s->enabled = s->hidden = ASSIGNMENT_UNSET;
    s->points = -1;
    if (!cJSON_IsObject(v))
        return fail(r, key, "expected an object such as {\"enabled\": false} or {\"points\": 5}, not %s",
                    type_name(v));
    int status = check_keys(r, v, key, keys);
    for (const cJSON *k = v->child; status == 0 && k != NULL; k = k->next) {
        snprintf(sub, sizeof sub, "%s.%s", key, k->string);
        if (strcmp(k->string, "enabled") == 0)
            status = read_flag(r, k, sub, &s->enabled);
        else if (strcmp(k->string, "hidden") == 0)
            status = read_flag(r, k, sub, &s->hidden);
        else
            status = read_whole(r, k, sub, 0, 1000000, "whole points, 0 or more", &s->points);
    }
    return status;
}

/* ---- the top-level keys ------------------------------------------------------------------------- */

static int read_limits(struct reading *r, const cJSON *v)
{
    static const char *const keys[] = { "timeout_s", "memory_mib", NULL };
    if (!cJSON_IsObject(v))
        return fail(r, "limits", "expected an object such as {\"timeout_s\": 2, \"memory_mib\": 256}");
    int status = check_keys(r, v, "limits", keys);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "timeout_s");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "memory_mib");
    if (status == 0 && t != NULL) {
        if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0.1 && t->valuedouble <= 3600))
            return fail(r, "limits.timeout_s", "expected seconds of CPU time per test, 0.1 to 3600");
        r->a->timeout_s = t->valuedouble;
    }
    int mib;
    if (status == 0 && m != NULL && (status = read_whole(r, m, "limits.memory_mib", 16, 65536, "MiB per test, 16 to 65536", &mib)) == 0)
        r->a->memory_bytes = (size_t)mib << 20;
    return status;
}

/* "groups" or "tests": an object of name -> setting. */
static int read_settings(struct reading *r, const cJSON *v, const char *where, bool tests,
                         struct assignment_setting **out, size_t *count)
{
    if (!cJSON_IsObject(v))
        return fail(r, where, "expected an object of %s names, e.g. {\"%s\": {\"enabled\": false}}",
                    tests ? "test" : "group", tests ? "api.alignment" : "lecture");
    int status = check_unique(r, v, where);
    size_t n = (size_t)cJSON_GetArraySize(v);
    *out = calloc(n + 1, sizeof **out);
    if (*out == NULL)
        return fail(r, where, "out of memory");
    char key[256];
    for (const cJSON *k = v->child; status == 0 && k != NULL; k = k->next) {
        snprintf(key, sizeof key, "%s[\"%s\"]", where, k->string);
        if (!good_name(k->string, tests))
            return fail(r, key, tests ? "not a test name (group.property, as `heapkit grade --list` prints them)"
                                      : "not a group name (the part of a test's name before the dot)");
        struct assignment_setting *s = &(*out)[(*count)++];
        status = read_setting(r, k, key, s);
        snprintf(s->name, sizeof s->name, "%s", k->string);
    }
    return status;
}

/* The folder of the assignment file, so that a trace named relative to it is found from anywhere. */
static void resolve(const char *file, const char *name, char *out, size_t size)
{
    const char *slash = strrchr(file, '/');
    if (name[0] == '/' || slash == NULL)
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%.*s/%s", (int)(slash - file), file, name);
}

static int read_trace(struct reading *r, const cJSON *v, struct assignment_trace *t)
{
    static const char *const keys[] = { "file", "stages", "points", "hidden", "enabled", NULL };
    char sub[64];
    if (!cJSON_IsObject(v))
        return fail(r, t->key, "expected an object such as {\"file\": \"traces/mine.rep\", \"hidden\": true}");
    int status = check_keys(r, v, t->key, keys);
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(v, "file");
    snprintf(sub, sizeof sub, "%s.file", t->key);
    if (status == 0 && (file == NULL || !cJSON_IsString(file) || file->valuestring[0] == '\0'))
        return fail(r, file == NULL ? t->key : sub, "expected \"file\": the path of a trace (relative to %s's folder)",
                    r->file);
    if (status != 0)
        return status;
    resolve(r->file, file->valuestring, t->path, sizeof t->path);
    struct stat st;
    if (stat(t->path, &st) != 0)
        return fail(r, sub, "%s: %s", t->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(r, sub, "%s is not a file", t->path);
    const char *base = strrchr(t->path, '/') != NULL ? strrchr(t->path, '/') + 1 : t->path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".rep") == 0)
        len -= 4;
    snprintf(t->test.name, sizeof t->test.name, "workload.%.*s", (int)len, base);
    if (!good_name(t->test.name, true))
        return fail(r, sub, "%s: a trace's file name (without .rep) must be letters, digits, '_' or '-' only", t->path);
    cJSON *copy = cJSON_Duplicate(v, true);        /* its settings are those of the test it makes */
    if (copy == NULL)
        return fail(r, t->key, "out of memory");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "file");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "stages");
    status = read_setting(r, copy, t->key, &t->test);
    cJSON_Delete(copy);
    snprintf(t->test.name, sizeof t->test.name, "workload.%.*s", (int)len, base);
    t->stages = r->a->stages;
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(v, "stages");
    snprintf(sub, sizeof sub, "%s.stages", t->key);
    if (status == 0 && stages != NULL && (status = read_stage_list(r, stages, sub, &t->stages)) == 0 &&
        (t->stages & ~r->a->stages) != 0)
        return fail(r, sub, "names a stage the assignment does not assign (\"stages\")");
    return status;
}

static int read_traces(struct reading *r, const cJSON *v)
{
    if (!cJSON_IsArray(v))
        return fail(r, "traces", "expected a list of traces, e.g. [{\"file\": \"traces/mine.rep\"}]");
    size_t n = (size_t)cJSON_GetArraySize(v);
    r->a->traces = calloc(n + 1, sizeof *r->a->traces);
    if (r->a->traces == NULL)
        return fail(r, "traces", "out of memory");
    int status = 0;
    for (const cJSON *t = v->child; status == 0 && t != NULL; t = t->next) {
        struct assignment_trace *tr = &r->a->traces[r->a->trace_count];
        snprintf(tr->key, sizeof tr->key, "traces[%zu]", r->a->trace_count++);
        status = read_trace(r, t, tr);
    }
    return status;
}

static int read_elsewhere(struct reading *r, const cJSON *v)
{
    static const char *const keys[] = { "stage", "tests", "points", NULL };
    if (!cJSON_IsArray(v))
        return fail(r, "graded_elsewhere", "expected a list such as [{\"stage\": 4, \"tests\": 2, \"points\": 6}]");
    size_t n = (size_t)cJSON_GetArraySize(v);
    r->a->elsewhere = calloc(n + 1, sizeof *r->a->elsewhere);
    if (r->a->elsewhere == NULL)
        return fail(r, "graded_elsewhere", "out of memory");
    char key[64], sub[96];
    int status = 0;
    for (const cJSON *e = v->child; status == 0 && e != NULL; e = e->next) {
        struct assignment_elsewhere *x = &r->a->elsewhere[r->a->elsewhere_count];
        snprintf(key, sizeof key, "graded_elsewhere[%zu]", r->a->elsewhere_count++);
        if (!cJSON_IsObject(e))
            return fail(r, key, "expected {\"stage\": N, \"tests\": N, \"points\": N}");
        if ((status = check_keys(r, e, key, keys)) != 0)
            return status;
        const char *names[] = { "stage", "tests", "points" };
        int *fields[] = { &x->stage, &x->tests, &x->points };
        for (size_t i = 0; status == 0 && i < 3; i++) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, names[i]);
            snprintf(sub, sizeof sub, "%s.%s", key, names[i]);
            if (f == NULL)
                return fail(r, key, "\"%s\" is missing", names[i]);
            status = read_whole(r, f, sub, i == 0 ? 1 : 0, i == 0 ? 6 : 1000000,
                                i == 0 ? "a stage number 1-6" : "a whole number, 0 or more", fields[i]);
        }
    }
    return status;
}

/* ---- the file ----------------------------------------------------------------------------------- */

/* The file's text, NUL-terminated; NULL after a message. */
static char *read_whole_file(struct reading *r)
{
    FILE *f = fopen(r->file, "r");
    if (f == NULL) {
        snprintf(r->err, r->err_size, "%s: cannot read the assignment file: %s", r->file, strerror(errno));
        return NULL;
    }
    char *text = malloc(FILE_MAX_BYTES + 1);
    size_t n = text != NULL ? fread(text, 1, FILE_MAX_BYTES + 1, f) : 0;
    bool bad = text == NULL || ferror(f) || n > FILE_MAX_BYTES;
    fclose(f);
    if (bad) {
        snprintf(r->err, r->err_size, "%s: %s", r->file,
                 text == NULL ? "out of memory" : n > FILE_MAX_BYTES ? "larger than 1 MiB: not an assignment file"
                                                                    : "read error");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* "FILE:LINE:COLUMN: not valid JSON: \"the line\"" for the place where cJSON stopped (it stops on
 * the character after the one it could not take, so a line may be named by its end). */
static int syntax_error(struct reading *r, const char *text, const char *at)
{
    if (at == NULL || at < text)
        at = text;
    const char *line_start = text;
    int line = 1;
    for (const char *c = text; c < at && *c != '\0'; c++)
        if (*c == '\n') {
            line++;
            line_start = c + 1;
        }
    if (*at == '\0' && at > text && at[-1] == '\n') {
        snprintf(r->err, r->err_size, "%s:%d: not valid JSON: the file ends before the value is complete",
                 r->file, line - 1);
        return 2;
    }
    size_t len = strcspn(line_start, "\n");
    snprintf(r->err, r->err_size, "%s:%d:%d: not valid JSON: \"%.*s\"", r->file, line, (int)(at - line_start) + 1,
             (int)(len < 80 ? len : 80), line_start);
    return 2;
}

static int read_top(struct reading *r, cJSON *root)
{
    static const char *const keys[] = { "heapkit_assignment", "title", "due", "stages", "limits", "groups",
                                         "tests", "traces", "graded_elsewhere", "perf", NULL };
    struct assignment *a = r->a;
    if (!cJSON_IsObject(root)) {
        snprintf(r->err, r->err_size, "%s: expected an object {\"heapkit_assignment\": 1, \"stages\": [...], ...}, not %s",
                 r->file, type_name(root));
        return 2;
    }
    int status = check_keys(r, root, "", keys), version;
    if (status != 0)
        return status;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "heapkit_assignment");
    if (v == NULL)
        return fail(r, "heapkit_assignment", "missing: an assignment file starts with \"heapkit_assignment\": 1");
    if ((status = read_whole(r, v, "heapkit_assignment", FORMAT_VERSION, FORMAT_VERSION, "1 (the format's version)",
                             &version)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "stages")) == NULL)
        return fail(r, "stages", "missing: which stages students write, e.g. \"stages\": [4, 5]");
    if ((status = read_stage_list(r, v, "stages", &a->stages)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "title")) != NULL &&
        (status = read_text(r, v, "title", a->title, sizeof a->title)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "due")) != NULL &&
        (status = read_text(r, v, "due", a->due, sizeof a->due)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "limits")) != NULL && (status = read_limits(r, v)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "groups")) != NULL &&
        (status = read_settings(r, v, "groups", false, &a->groups, &a->group_count)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "tests")) != NULL &&
        (status = read_settings(r, v, "tests", true, &a->tests, &a->test_count)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "traces")) != NULL && (status = read_traces(r, v)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "graded_elsewhere")) != NULL &&
        (status = read_elsewhere(r, v)) != 0)
        return status;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "perf")) != NULL) {
        if (!cJSON_IsObject(v))
            return fail(r, "perf", "expected an object of performance settings (docs/instructors.md)");
        a->perf = cJSON_DetachItemFromObjectCaseSensitive(root, "perf");
    }
    return assignment_perf_read(a->perf, r->file, &a->perf_settings, r->err, r->err_size);
}

int assignment_load(const char *path, struct assignment *a, char *err, size_t err_size)
{
    memset(a, 0, sizeof *a);
    struct reading r = { .file = path, .err = err, .err_size = err_size, .a = a };
    if (strlen(path) >= sizeof a->path) {
        snprintf(err, err_size, "%.200s...: the assignment file's path is too long", path);
        return 2;
    }
    snprintf(a->path, sizeof a->path, "%s", path);
    char *text = read_whole_file(&r);
    if (text == NULL)
        return 2;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    int status = root == NULL ? syntax_error(&r, text, cJSON_GetErrorPtr() != NULL ? cJSON_GetErrorPtr() : end)
                              : read_top(&r, root);
    cJSON_Delete(root);
    free(text);
    if (status != 0)
        assignment_release(a);
    return status;
}

void assignment_release(struct assignment *a)
{
    free(a->groups);
    free(a->tests);
    free(a->traces);
    free(a->elsewhere);
    cJSON_Delete(a->perf);
    assignment_perf_release(&a->perf_settings);
    memset(a, 0, sizeof *a);
}
