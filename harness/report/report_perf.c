/* report_perf.c: a stage's perf group in each report format (report_perf.h). */
#include <math.h>
#include <string.h>

#include "json_write.h"
#include "report.h"

const struct report_perf *report_perf_of(const struct report *r, int stage)
{
    for (size_t i = 0; i < r->stage_count; i++)
        if (r->stages[i].stage == stage)
            return r->stages[i].perf;
    return NULL;
}

const struct report_perf *report_perf_first(const struct report *r)
{
    for (size_t i = 0; i < r->stage_count; i++)
        if (r->stages[i].perf != NULL)
            return r->stages[i].perf;
    return NULL;
}

void report_perf_text(FILE *out, const struct report_perf *p, bool traces)
{
    if (!p->measured) {
        fprintf(out, "perf, stage %d: no index, 0/%d points: %s\n", p->stage, p->max_score, p->why);
        return;
    }
    fprintf(out, "perf, stage %d: U %.1f%% (%.0f%%..%.0f%%), T %.2fx the C library (%.2gx..%.2gx), weights %d/%d: "
            "index %.0f, %d/%d points\n", p->stage, 100 * p->utilization, 100 * p->util_from, 100 * p->util_to,
            p->throughput, p->tput_from, p->tput_to, p->util_weight, p->tput_weight, p->index, p->score, p->max_score);
    for (size_t i = 0; traces && i < p->trace_count; i++) {
        const struct report_perf_trace *t = &p->traces[i];
        fprintf(out, "  %-32s U %5.1f%%  T %5.2fx  (%zu ops: %.2f ms, C library %.2f ms, fastest of %u)\n", t->name,
                100 * t->utilization, t->throughput, t->ops, 1000 * t->seconds, 1000 * t->libc_seconds, t->runs);
    }
}

void report_perf_tap(FILE *out, const struct report_perf *p)
{
    if (p->measured)
        fprintf(out, "# perf stage%d: utilization %.3f throughput %.3f index %.1f points %d/%d\n", p->stage,
                p->utilization, p->throughput, p->index, p->score, p->max_score);
    else
        fprintf(out, "# perf stage%d: not measured: %s\n", p->stage, p->why);
}

/* A number JSON can hold: null when not measured. */
static void number(FILE *out, bool measured, const char *format, double x)
{
    if (measured && isfinite(x))
        fprintf(out, format, x);
    else
        fputs("null", out);
}

void report_perf_json(FILE *out, const struct report_perf *p)
{
    fprintf(out, "{\"measured\": %s, \"why\": ", p->measured ? "true" : "false");
    json_write_string(out, p->measured ? "" : p->why);
    fputs(", \"utilization\": ", out);
    number(out, p->measured, "%.4f", p->utilization);
    fputs(", \"throughput_ratio\": ", out);
    number(out, p->measured, "%.4f", p->throughput);
    fputs(", \"index\": ", out);
    number(out, p->measured, "%.1f", p->index);
    fprintf(out, ", \"score\": %d, \"max_score\": %d, \"thresholds\": {\"utilization\": [%.3f, %.3f], "
            "\"throughput\": [%.3f, %.3f], \"weights\": [%d, %d]}, \"traces\": [", p->score, p->max_score,
            p->util_from, p->util_to, p->tput_from, p->tput_to, p->util_weight, p->tput_weight);
    for (size_t i = 0; i < p->trace_count; i++) {
        const struct report_perf_trace *t = &p->traces[i];
        fputs(i > 0 ? ", {\"name\": " : "{\"name\": ", out);
        json_write_string(out, t->name);
        fprintf(out, ", \"measured\": %s, \"ops\": %zu, \"peak_live_bytes\": %zu, \"peak_footprint_bytes\": %zu, "
                "\"seconds\": %.6f, \"libc_seconds\": %.6f, \"runs\": %u, \"utilization\": ", t->measured ? "true" : "false",
                t->ops, t->peak_live_bytes, t->peak_footprint_bytes, t->seconds, t->libc_seconds, t->runs);
        number(out, t->measured, "%.4f", t->utilization);
        fputs(", \"throughput_ratio\": ", out);
        number(out, t->measured, "%.4f", t->throughput);
        fputc('}', out);
    }
    fputs("]}", out);
}

/* Gradescope's leaderboard: one entry per figure ("stage 5 " before each name when several stages). */
void report_perf_leaderboard(FILE *out, const struct report *r)
{
    bool first = true, several = r->stage_count > 1;
    fputs("  \"leaderboard\": [", out);
    for (size_t i = 0; i < r->stage_count; i++) {
        const struct report_perf *p = r->stages[i].perf;
        if (p == NULL)
            continue;
        char prefix[32] = "";
        if (several)
            snprintf(prefix, sizeof prefix, "Stage %d ", p->stage);
        fprintf(out, "%s\n    {\"name\": \"%sPerf index\", \"value\": %.1f},\n", first ? "" : ",", prefix,
                p->measured ? p->index : 0);
        fprintf(out, "    {\"name\": \"%sUtilization %%\", \"value\": %.1f},\n", prefix,
                p->measured ? 100 * p->utilization : 0);
        fprintf(out, "    {\"name\": \"%sThroughput (x C library)\", \"value\": %.2f}", prefix,
                p->measured ? p->throughput : 0);
        first = false;
    }
    fputs(first ? "],\n" : "\n  ],\n", out);
}

void report_perf_scoreboard(FILE *out, const struct report_perf *p)
{
    if (p == NULL || !p->measured)
        fputs(", 0, 0, 0", out);
    else
        fprintf(out, ", %.1f, %.1f, %.2f", p->index, 100 * p->utilization, p->throughput);
}
