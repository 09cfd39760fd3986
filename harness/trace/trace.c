/* trace.c: heapkit trace: replays trace files on a stage and on the C library, side by side.
 *
 *   heapkit trace --stage n [--runs R] [--check-every N] [--no-libc] [--time-limit S] FILE...
 *
 * Per trace: the op count; correctness from a checked replay (alignment, overlap, payload integrity,
 * the stage's checker and the heap walk every N ops); utilization = peak live payload / peak
 * footprint; throughput from the fastest of R timed replays without checks; system calls per 1000
 * ops. The C library runs the same trace in the same invocation, and the last line of each trace
 * gives the ratios stage / C library. Every replay runs in a fresh child process, so a crash is
 * reported at its op and the remaining traces still run.
 *
 * Exit status: 2 when a file could not be read or is not a valid trace (each reported as
 * FILE:LINE: what is wrong), else 1 when a replay failed its checks, else 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "submission.h"
#include "trace_measure.h"
#include "tracefile.h"

struct trace_args {
    int stage;
    unsigned runs;
    size_t check_every;
    bool with_libc;
    unsigned time_limit_s;
    const char *src;
    char **files;
    int file_count;
};

/* Totals over the traces that loaded and passed, for the closing summary. */
struct totals {
    size_t traces, ops;
    double seconds, utilization_sum;
    size_t utilization_count;
    unsigned long syscalls;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heapkit trace --stage n [options] FILE...\n"
            "  replays CS:APP-format traces on stage n and on the C library's malloc\n"
            "  --runs R          timed replays per trace; the fastest counts (default 5)\n"
            "  --check-every N   run heapmgr_check and the heap walk every N ops (default 1000; 0 = never)\n"
            "  --no-libc         skip the C library's rows\n"
            "  --time-limit S    seconds allowed per replay (default 60)\n"
            "exit status: 0 all correct, 1 a replay failed its checks, 2 usage or a bad trace file\n");
}

static bool parse_unsigned(const char *text, unsigned long *out)
{
    char *end;
    if (text == NULL || *text < '0' || *text > '9')
        return false;
    *out = strtoul(text, &end, 10);
    return *end == '\0';
}

static int parse_args(int argc, char **argv, struct trace_args *a)
{
    *a = (struct trace_args){.runs = 5, .check_every = 1000, .with_libc = true, .time_limit_s = 60};
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        } else if (strcmp(opt, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(opt, "--no-libc") == 0) {
            a->with_libc = false;
        } else if (strcmp(opt, "--stage") == 0) {
            a->stage = stage_parse(value);
            if (a->stage == 0) {
                fprintf(stderr, "heapkit trace: --stage wants 1 .. 6, not '%s'\n", value ? value : "");
                return 2;
            }
            i++;
        } else if (strcmp(opt, "--src") == 0 && value != NULL) {
            a->src = value;
            i++;
        } else if (strcmp(opt, "--runs") == 0 && parse_unsigned(value, &n) && n >= 1 && n <= 100) {
            a->runs = (unsigned)n;
            i++;
        } else if (strcmp(opt, "--check-every") == 0 && parse_unsigned(value, &n)) {
            a->check_every = n;
            i++;
        } else if (strcmp(opt, "--time-limit") == 0 && parse_unsigned(value, &n) && n >= 1) {
            a->time_limit_s = (unsigned)n;
            i++;
        } else {
            fprintf(stderr, "heapkit trace: bad option '%s'%s\n", opt, value ? "" : " (missing value)");
            usage(stderr);
            return 2;
        }
    }
    a->files = argv + i;
    a->file_count = argc - i;
    if (a->stage == 0 || a->file_count == 0) {
        usage(stderr);
        return 2;
    }
    return 0;
}

static const char *format_bytes(size_t bytes, char *buf, size_t cap)
{
    if (bytes < 10 * 1024)
        snprintf(buf, cap, "%zu B", bytes);
    else if (bytes < 10 * 1024 * 1024)
        snprintf(buf, cap, "%.1f KiB", bytes / 1024.0);
    else
        snprintf(buf, cap, "%.1f MiB", bytes / (1024.0 * 1024.0));
    return buf;
}

static void print_row(const char *who, const struct trace *t, const struct trace_measure *m)
{
    char live[32], footprint[32];
    if (!m->checked) {
        printf("  %-26s FAIL  %s\n", who, m->check_outcome.why);
        return;
    }
    if (!m->check.ok) {
        printf("  %-26s FAIL  %s\n", who, m->check.why);
        return;
    }
    double util = measure_utilization(m);
    char util_text[16] = "-";
    if (util >= 0)
        snprintf(util_text, sizeof util_text, "%.1f%%", 100 * util);
    printf("  %-26s ok   %7s %10s %10s", who, util_text, format_bytes(m->check.peak_live_bytes, live, sizeof live),
           format_bytes(m->check.peak_footprint_bytes, footprint, sizeof footprint));
    if (m->timed && m->best_seconds > 0)
        printf(" %9.2f %8.1f", t->op_count / m->best_seconds / 1e6, m->best_seconds * 1e9 / t->op_count);
    else
        printf(" %9s %8s", "-", "-");
    printf(" %9.1f\n", t->op_count == 0 ? 0.0 : 1000.0 * m->check.syscalls / t->op_count);
}

static void add_totals(struct totals *tot, const struct trace *t, const struct trace_measure *m)
{
    if (!measure_correct(m) || !m->timed)
        return;
    tot->traces++;
    tot->ops += t->op_count;
    tot->seconds += m->best_seconds;
    tot->syscalls += m->check.syscalls;
    double util = measure_utilization(m);
    if (util >= 0) {
        tot->utilization_sum += util;
        tot->utilization_count++;
    }
}

static void print_ratio(const struct trace_measure *s, const struct trace_measure *c)
{
    double us = measure_utilization(s), uc = measure_utilization(c);
    printf("  %-26s      ", "stage / C library");
    if (us > 0 && uc > 0)
        printf(" %6.2fx", us / uc);
    else
        printf(" %7s", "-");
    if (s->timed && c->timed && s->best_seconds > 0)
        printf(" %21s %8.2fx (throughput)\n", "", c->best_seconds / s->best_seconds);
    else
        printf("\n");
}

static void print_total(const char *who, const struct totals *tot)
{
    if (tot->traces == 0 || tot->seconds <= 0) {
        printf("  %-26s no trace passed\n", who);
        return;
    }
    printf("  %-26s %zu traces, %zu ops in %.2f ms: %.2f Mops/s, %.1f ns/op; mean utilization %.1f%%; "
           "%.1f syscalls/1k ops\n",
           who, tot->traces, tot->ops, tot->seconds * 1e3, tot->ops / tot->seconds / 1e6,
           tot->seconds * 1e9 / tot->ops,
           tot->utilization_count ? 100 * tot->utilization_sum / tot->utilization_count : 0.0,
           1000.0 * tot->syscalls / tot->ops);
}

int cmd_trace(int argc, char **argv)
{
    struct trace_args a;
    int status = parse_args(argc, argv, &a);
    if (status != 0)
        return status;
    if (a.src != NULL)
        return submission_exec(argc, argv, a.src, a.stage, true);
    const struct stage *stage = stage_get(a.stage);
    if (stage == NULL) {
        fprintf(stderr, "heapkit trace: stage %d is not linked into this program\n", a.stage);
        return 2;
    }
    struct replay_target stage_target = {stage}, libc_target = {NULL};
    char stage_name[64];
    replay_target_name(stage_target, stage_name, sizeof stage_name);
    struct measure_options opts = {.runs = a.runs, .check_every = a.check_every, .time_limit_s = a.time_limit_s};

    printf("heapkit trace: %s%s; fastest of %u timed runs; checker every %zu ops\n", stage_name,
           a.with_libc ? " and the C library" : "", a.runs, a.check_every);
    printf("  %-26s %-4s %7s %10s %10s %9s %8s %9s\n", "allocator", "chk", "util", "peak live", "footprint",
           "Mops/s", "ns/op", "sys/1k");
    struct totals stage_total = {0}, libc_total = {0};
    int exit_status = 0;
    for (int f = 0; f < a.file_count; f++) {
        struct trace t;
        char err[512];
        if (trace_load(a.files[f], &t, err, sizeof err) != 0) {
            fflush(stdout);
            fprintf(stderr, "%s\n", err);
            printf("%s: not replayed (bad trace)\n", a.files[f]);
            exit_status = 2;
            continue;
        }
        printf("%s: %zu ops, %u ids\n", t.name, t.op_count, t.ids);
        struct trace_measure on_stage, on_libc;
        measure_trace(stage_target, &t, &opts, &on_stage);
        print_row(stage_name, &t, &on_stage);
        add_totals(&stage_total, &t, &on_stage);
        if (!measure_correct(&on_stage) && exit_status == 0)
            exit_status = 1;
        if (a.with_libc) {
            measure_trace(libc_target, &t, &opts, &on_libc);
            print_row("C library", &t, &on_libc);
            add_totals(&libc_total, &t, &on_libc);
            if (measure_correct(&on_stage) && measure_correct(&on_libc))
                print_ratio(&on_stage, &on_libc);
        }
        trace_free(&t);
    }
    printf("summary (traces that passed; throughput = total ops / total time):\n");
    print_total(stage_name, &stage_total);
    if (a.with_libc) {
        print_total("C library", &libc_total);
        if (stage_total.seconds > 0 && libc_total.seconds > 0 && stage_total.ops == libc_total.ops)
            printf("  %-26s throughput %.2fx\n", "stage / C library",
                   (stage_total.ops / stage_total.seconds) / (libc_total.ops / libc_total.seconds));
    }
    return exit_status;
}
