/* assignment_perf.c: the "perf" key of the assignment file (assignment_perf.h). */
#include "assignment_perf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

struct assignment_perf assignment_perf_defaults(void)
{
    return (struct assignment_perf){ .stages = 1u << 3 | 1u << 4 | 1u << 5, .kit_traces = true,
                                     .assignment_traces = true, .util_from = 0.55, .util_to = 0.80,
                                     .tput_from = 0.3, .tput_to = 1.0, .util_weight = 60, .tput_weight = 40,
                                     .points = 20, .runs = 3 };
}

void assignment_perf_release(struct assignment_perf *p)
{
    free(p->files);
    p->files = NULL;
    p->file_count = 0;
}

/* How far x lies from `from` to `to`, clamped to 0..1. */
static double between(double x, double from, double to)
{
    double f = (x - from) / (to - from);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

double assignment_perf_index(const struct assignment_perf *p, double u, double t)
{
    double weights = p->util_weight + p->tput_weight;
    if (weights <= 0)
        return 0;
    return 100 * (p->util_weight * between(u, p->util_from, p->util_to) +
                  p->tput_weight * between(t, p->tput_from, p->tput_to)) / weights;
}

/* ---- reading ----------------------------------------------------------------------------------- */

struct reading {
    const char *file;
    char *err;
    size_t err_size;
};

static int fail(struct reading *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct reading *r, const char *key, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->err_size, "%s: perf%s%s: %s", r->file, key[0] != '\0' ? "." : "", key, what);
    return 2;
}

static int check_keys(struct reading *r, const cJSON *obj, const char *where, const char *const *allowed)
{
    for (const cJSON *k = obj->child; k != NULL; k = k->next) {
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL; i++)
            known = known || strcmp(allowed[i], k->string) == 0;
        char key[160];
        snprintf(key, sizeof key, "%s%s%s", where, where[0] != '\0' ? "." : "", k->string);
        if (!known) {
            char list[256] = "";
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

static bool is_whole(const cJSON *v, double low, double high)
{
    return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble && v->valuedouble >= low &&
           v->valuedouble <= high;
}

static int read_whole(struct reading *r, const cJSON *v, const char *key, int low, int high, int *out)
{
    if (!is_whole(v, low, high))
        return fail(r, key, "expected a whole number from %d to %d", low, high);
    *out = (int)v->valuedouble;
    return 0;
}

static int read_stages(struct reading *r, const cJSON *v, unsigned *bits)
{
    if (!cJSON_IsArray(v))
        return fail(r, "stages", "expected a list of stage numbers 1-8, e.g. [3, 4, 5] ([] for none)");
    *bits = 0;
    for (const cJSON *s = v->child; s != NULL; s = s->next) {
        if (!is_whole(s, 1, 8))
            return fail(r, "stages", "every entry is a stage number 1-8");
        *bits |= 1u << (int)s->valuedouble;
    }
    return 0;
}

/* {"from": x, "to": y} with low <= x < y <= high. */
static int read_range(struct reading *r, const cJSON *v, const char *key, double high, double *from, double *to)
{
    static const char *const keys[] = { "from", "to", NULL };
    if (!cJSON_IsObject(v))
        return fail(r, key, "expected {\"from\": X, \"to\": Y}");
    int status = check_keys(r, v, key, keys);
    if (status != 0)
        return status;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "from"), *t = cJSON_GetObjectItemCaseSensitive(v, "to");
    double x = f != NULL ? f->valuedouble : *from, y = t != NULL ? t->valuedouble : *to;
    if ((f != NULL && !cJSON_IsNumber(f)) || (t != NULL && !cJSON_IsNumber(t)) || x < 0 || y > high || x >= y)
        return fail(r, key, "expected numbers with 0 <= from < to <= %g (from %g, to %g)", high, x, y);
    *from = x;
    *to = y;
    return 0;
}

static int read_weights(struct reading *r, const cJSON *v, struct assignment_perf *p)
{
    static const char *const keys[] = { "utilization", "throughput", NULL };
    if (!cJSON_IsObject(v))
        return fail(r, "weights", "expected {\"utilization\": 60, \"throughput\": 40}");
    int status = check_keys(r, v, "weights", keys);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(v, "utilization");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "throughput");
    if (status == 0 && u != NULL)
        status = read_whole(r, u, "weights.utilization", 0, 1000, &p->util_weight);
    if (status == 0 && t != NULL)
        status = read_whole(r, t, "weights.throughput", 0, 1000, &p->tput_weight);
    if (status == 0 && p->util_weight + p->tput_weight == 0)
        return fail(r, "weights", "the two weights are both 0");
    return status;
}

/* The folder of the assignment file, for trace files named relative to it. */
static void resolve(const char *file, const char *name, char *out, size_t cap)
{
    const char *slash = strrchr(file, '/');
    if (name[0] == '/' || slash == NULL)
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - file), file, name);
}

static int read_traces(struct reading *r, const cJSON *v, struct assignment_perf *p)
{
    if (!cJSON_IsArray(v))
        return fail(r, "traces", "expected a list such as [\"kit\", \"assignment\", \"traces/mine.rep\"]");
    p->kit_traces = p->assignment_traces = false;
    p->files = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *p->files);
    if (p->files == NULL)
        return fail(r, "traces", "out of memory");
    int i = 0;
    for (const cJSON *t = v->child; t != NULL; t = t->next, i++) {
        char key[32];
        snprintf(key, sizeof key, "traces[%d]", i);
        if (!cJSON_IsString(t) || t->valuestring[0] == '\0')
            return fail(r, key, "expected \"kit\", \"assignment\" or a trace file's path");
        if (strcmp(t->valuestring, "kit") == 0) {
            p->kit_traces = true;
            continue;
        }
        if (strcmp(t->valuestring, "assignment") == 0) {
            p->assignment_traces = true;
            continue;
        }
        char *path = p->files[p->file_count];
        resolve(r->file, t->valuestring, path, ASSIGNMENT_PERF_PATH_MAX);
        struct stat st;
        size_t n = strlen(path);
        if (n < 5 || strcmp(path + n - 4, ".rep") != 0)
            return fail(r, key, "%s: a trace file's name ends in .rep", t->valuestring);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            return fail(r, key, "%s: no such trace file", path);
        p->file_count++;
    }
    return 0;
}

int assignment_perf_read(const void *tree, const char *file, struct assignment_perf *p, char *err, size_t err_size)
{
    static const char *const keys[] = { "stages", "traces", "utilization", "throughput", "weights", "points",
                                         "runs", NULL };
    struct reading r = { file, err, err_size };
    const cJSON *root = tree;
    *p = assignment_perf_defaults();
    if (root == NULL)
        return 0;
    int status = check_keys(&r, root, "", keys), whole;
    const cJSON *v;
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "stages")) != NULL)
        status = read_stages(&r, v, &p->stages);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "traces")) != NULL)
        status = read_traces(&r, v, p);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "utilization")) != NULL)
        status = read_range(&r, v, "utilization", 1, &p->util_from, &p->util_to);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "throughput")) != NULL)
        status = read_range(&r, v, "throughput", 100, &p->tput_from, &p->tput_to);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "weights")) != NULL)
        status = read_weights(&r, v, p);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "points")) != NULL)
        status = read_whole(&r, v, "points", 0, 1000, &p->points);
    if (status == 0 && (v = cJSON_GetObjectItemCaseSensitive(root, "runs")) != NULL &&
        (status = read_whole(&r, v, "runs", 1, ASSIGNMENT_PERF_RUNS_MAX, &whole)) == 0)
        p->runs = (unsigned)whole;
    if (status != 0)
        assignment_perf_release(p);
    return status;
}
