/* batch_csv.c: the batch grader's CSV (batch_class.h): a header, then one row per student in name
 * order: student, submission, status, points per test group, total, max, passed, failed, with a perf
 * group perf_index, utilization and throughput (empty when not measured), reason. */
#include "batch_class.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The test groups in the order of docs/grading.md; others follow as reports name them. */
static const char *const known_groups[] = { "api", "lecture", "workload", "checker", "robust" };
enum { KNOWN_GROUPS = sizeof known_groups / sizeof known_groups[0] };

static void swap_doubles(double *x, double *y)
{
    double t = *x;
    *x = *y;
    *y = t;
}

/* Swaps group columns i and j: their names, their maxima, and the points in every row. */
static void swap_columns(struct batch *b, size_t i, size_t j)
{
    const char *name = b->groups[i];
    b->groups[i] = b->groups[j];
    b->groups[j] = name;
    swap_doubles(&b->group_max[i], &b->group_max[j]);
    for (size_t r = 0; r < b->count; r++)
        swap_doubles(&b->students[r].group_points[i], &b->students[r].group_points[j]);
}

void batch_order_groups(struct batch *b)
{
    if (b->group_count == 0)
        for (size_t k = 0; k < KNOWN_GROUPS; k++)
            batch_group_index(b, known_groups[k]);      /* no report was read: the usual columns */
    size_t placed = 0;
    for (size_t k = 0; k < KNOWN_GROUPS; k++) {
        for (size_t i = placed; i < b->group_count; i++) {
            if (strcmp(b->groups[i], known_groups[k]) == 0) {
                swap_columns(b, i, placed);
                placed++;
                break;
            }
        }
    }
}

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

/* A number field: whole numbers without decimals, others with two. */
static void csv_number(FILE *out, double value)
{
    char buf[32];
    if (value == floor(value))
        snprintf(buf, sizeof buf, "%.0f", value);
    else
        snprintf(buf, sizeof buf, "%.2f", value);
    csv_field(out, buf, false);
}

static void write_header(const struct batch *b, FILE *out)
{
    static const char *const before_groups[] = { "student", "submission", "status" };
    static const char *const after_groups[] = { "total", "max", "passed", "failed" };
    for (size_t k = 0; k < sizeof before_groups / sizeof before_groups[0]; k++)
        csv_field(out, before_groups[k], false);
    for (size_t g = 0; g < b->group_count; g++)
        csv_field(out, b->groups[g], false);
    for (size_t k = 0; k < sizeof after_groups / sizeof after_groups[0]; k++)
        csv_field(out, after_groups[k], false);
    if (b->has_perf) {
        csv_field(out, "perf_index", false);
        csv_field(out, "utilization", false);
        csv_field(out, "throughput", false);
    }
    csv_field(out, "reason", true);
}

static void write_row(const struct batch *b, const struct student *s, FILE *out)
{
    csv_field(out, s->name, false);
    csv_field(out, s->file ? s->file : "", false);
    csv_field(out, batch_status_name(s->status), false);
    for (size_t g = 0; g < b->group_count; g++)
        csv_number(out, s->group_points[g]);
    csv_number(out, s->total);
    csv_number(out, s->max_total > 0 ? s->max_total : b->max_total);
    csv_number(out, s->passed);
    csv_number(out, s->failed);
    if (b->has_perf) {
        char figure[32];
        snprintf(figure, sizeof figure, "%.1f", s->perf_index);
        csv_field(out, s->perf_measured ? figure : "", false);
        snprintf(figure, sizeof figure, "%.4f", s->utilization);
        csv_field(out, s->perf_measured ? figure : "", false);
        snprintf(figure, sizeof figure, "%.4f", s->throughput);
        csv_field(out, s->perf_measured ? figure : "", false);
    }
    csv_field(out, s->reason ? s->reason : "", true);
}

void batch_write_csv(const struct batch *b, FILE *out)
{
    write_header(b, out);
    for (size_t i = 0; i < b->count; i++)
        write_row(b, &b->students[i], out);
}
