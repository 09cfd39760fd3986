/* bench.c: heapkit bench: the lecture's summary table regenerated from measurement.
 *
 *   heapkit bench [--traces DIR] [--out DIR] [--runs R] [--quick]
 *
 * 1. The summary table: one row per stage and one for the C library, measured on the kit's trace
 *    suite (the .rep files of tests/traces): space (mean utilization), malloc and free ns/op (each op timed
 *    alone, fastest of R runs per trace), system calls per 1000 ops, throughput, and the verdict
 *    words of the slide, each with its evidence (bench_evidence.c), from the thresholds in
 *    docs/performance.md:
 *      space Good when the mean utilization is at least 50%;
 *      malloc (free) Good when its ns/op is at most 2 times the C library's malloc (free);
 *      malloc Bad whatever its time when the allocator makes more than 100 system calls per 1000 ops
 *      (a call through the simulated seam costs less than a real one, so time alone would hide it).
 * 1b. Stage 6 with 64-byte and with 256 KiB chunks, for the slide's "small bad, large good".
 * 2. The scaling experiment (bench_scaling.c): malloc and free cost with 1 000, 10 000 and 100 000
 *    free chunks for stages 3, 4, 5 and the C library, as a table and as build/bench/scaling.svg.
 * 3. The seven COS 217 workloads: peak footprint and time per allocator.
 * 4. The targets of the reference stages, each with its measured figure and PASS or MISS.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench.h"
#include "bench_evidence.h"
#include "commands.h"
#include "trace_measure.h"
#include "tracefile.h"
#include "workloads.h"

enum { MAX_TRACES = 64, ROWS_MAX = STAGE_LAST + 1 };

/* The verdict thresholds are bench_evidence.c's, which prints the table with its evidence. */

struct bench_args {
    const char *traces_dir;
    const char *out_dir;
    unsigned runs;
    bool quick;
};

/* One row of the summary table: an allocator's totals over the trace suite. */
struct row {
    struct replay_target target;
    char name[48];
    size_t traces_passed, traces_failed;
    char first_failure[320];
    size_t ops;
    double seconds;                          /* fastest whole-trace replays, summed */
    double kind_seconds[REPLAY_KINDS];
    size_t kind_count[REPLAY_KINDS];
    double utilization_sum;
    size_t utilization_count;
    unsigned long syscalls;
};

static double row_utilization(const struct row *r)
{
    return r->utilization_count == 0 ? 0 : r->utilization_sum / (double)r->utilization_count;
}

static double row_ns(const struct row *r, enum replay_kind k)
{
    return r->kind_count[k] == 0 ? 0 : r->kind_seconds[k] * 1e9 / (double)r->kind_count[k];
}

static int parse_args(int argc, char **argv, struct bench_args *a)
{
    *a = (struct bench_args){.traces_dir = "tests/traces", .out_dir = "build/bench", .runs = 5};
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--quick") == 0) {
            a->quick = true;
        } else if (strcmp(argv[i], "--traces") == 0 && value != NULL) {
            a->traces_dir = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && value != NULL) {
            a->out_dir = argv[++i];
        } else if (strcmp(argv[i], "--runs") == 0 && value != NULL && atoi(value) >= 1) {
            a->runs = (unsigned)atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: heapkit bench [--traces DIR] [--out DIR] [--runs R] [--quick]\n"
                            "  --quick: one run, scaling up to 10 000 free chunks, small workloads (for tests)\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    return -1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.rep of dir in name order; returns how many loaded (bad ones are reported). */
static size_t load_suite(const char *dir, struct trace *traces)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "heapkit bench: cannot open %s\n", dir);
        return 0;
    }
    char *names[MAX_TRACES];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_TRACES) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".rep") == 0) {
            names[n] = malloc(strlen(dir) + len + 2);
            sprintf(names[n], "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], compare_names);
    size_t loaded = 0;
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (trace_load(names[i], &traces[loaded], err, sizeof err) == 0)
            loaded++;
        else
            fprintf(stderr, "%s\n", err);
        free(names[i]);
    }
    return loaded;
}

static void measure_row(struct row *r, const struct trace *traces, size_t trace_count, unsigned runs)
{
    struct measure_options opts = {.runs = runs, .check_every = 5000, .by_kind = true, .time_limit_s = 120};
    replay_target_name(r->target, r->name, sizeof r->name);
    for (size_t i = 0; i < trace_count; i++) {
        struct trace_measure m;
        measure_trace(r->target, &traces[i], &opts, &m);
        if (!measure_correct(&m) || !m.timed) {
            if (r->traces_failed++ == 0)
                snprintf(r->first_failure, sizeof r->first_failure, "%s: %s", traces[i].name,
                         !m.checked ? m.check_outcome.why : !m.check.ok ? m.check.why : "timed replays failed");
            continue;
        }
        r->traces_passed++;
        r->ops += traces[i].op_count;
        r->seconds += m.best_seconds;
        r->syscalls += m.check.syscalls;
        for (int k = 0; k < REPLAY_KINDS; k++) {
            r->kind_seconds[k] += m.best_by_kind.seconds[k];
            r->kind_count[k] += m.best_by_kind.count[k];
        }
        double util = measure_utilization(&m);
        if (util >= 0) {
            r->utilization_sum += util;
            r->utilization_count++;
        }
    }
}

static void print_summary_table(const struct row *rows, size_t row_count, size_t trace_count)
{
    struct summary_row lines[ROWS_MAX];
    for (size_t i = 0; i < row_count; i++) {
        const struct row *r = &rows[i];
        lines[i] = (struct summary_row){
            .name = r->name,
            .measured = r->traces_passed > 0,
            .failure = r->first_failure,
            .traces_failed = r->traces_failed,
            .utilization = row_utilization(r),
            .malloc_ns = row_ns(r, REPLAY_ALLOC),
            .free_ns = row_ns(r, REPLAY_FREE),
            .syscalls_per_1000 = r->ops > 0 ? 1000.0 * (double)r->syscalls / (double)r->ops : 0,
            .mops = r->seconds > 0 ? (double)r->ops / r->seconds / 1e6 : 0,
        };
    }
    bench_summary_print(lines, row_count, trace_count);
}

static void run_scaling(const struct bench_args *a, struct scaling_series *series, size_t *series_count,
                        size_t sizes)
{
    static const int stages[] = {3, 4, 5, 0};
    *series_count = 0;
    printf("\n2. Scaling: ns per op with k free chunks, each fenced by used ones (fastest of %u)\n", a->runs);
    printf("   %-29s", "");
    char label[32];                                    /* right-aligned over the numbers */
    for (size_t s = 0; s < sizes; s++) {
        snprintf(label, sizeof label, "free k=%zu", scaling_free_chunks[s]);
        printf(" %16s", label);
    }
    for (size_t s = 0; s < sizes; s++) {
        snprintf(label, sizeof label, "malloc k=%zu", scaling_free_chunks[s]);
        printf(" %16s", label);
    }
    printf("\n");
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        struct replay_target target = {stages[i] == 0 ? NULL : stage_get(stages[i])};
        if (stages[i] != 0 && target.stage == NULL)
            continue;
        struct scaling_series *ser = &series[(*series_count)++];
        scaling_measure(target, sizes, a->runs, ser);
        printf("   %-29s", ser->name);
        for (size_t s = 0; s < sizes; s++)
            ser->at[s].ok ? printf(" %13.1f ns", ser->at[s].free_ns) : printf(" %16s", "failed");
        for (size_t s = 0; s < sizes; s++)
            ser->at[s].ok ? printf(" %13.1f ns", ser->at[s].malloc_ns) : printf(" %16s", "failed");
        printf("\n");
    }
    char path[512];
    snprintf(path, sizeof path, "%s/scaling.svg", a->out_dir);
    if (scaling_write_svg(path, series, *series_count, sizes) == 0)
        printf("   plot: %s\n", path);
    else
        fprintf(stderr, "heapkit bench: cannot write %s\n", path);
}

static void run_workloads(const struct bench_args *a, const struct row *rows, size_t row_count)
{
    unsigned count = a->quick ? 500 : 4000;
    size_t max_bytes = 1024;
    printf("\n3. The COS 217 workloads (%u blocks, sizes up to %zu bytes): peak footprint KiB / ms\n", count,
           max_bytes);
    printf("   %-13s", "");
    for (size_t i = 0; i < row_count; i++) {
        char label[32] = "C library";                  /* lecture names are too wide for a column */
        if (rows[i].target.stage != NULL)
            snprintf(label, sizeof label, "stage %d", rows[i].target.stage->number);
        printf(" %15s", label);
    }
    printf("\n");
    struct measure_options opts = {.runs = a->runs, .check_every = 0, .time_limit_s = 60};
    for (int w = 0; w < WORKLOAD_COUNT; w++) {
        struct trace t;
        if (workload_make(workload_names[w], count, max_bytes, 217, &t) != 0)
            continue;
        printf("   %-13s", workload_names[w]);
        for (size_t i = 0; i < row_count; i++) {
            struct trace_measure m;
            measure_trace(rows[i].target, &t, &opts, &m);
            if (measure_correct(&m) && m.timed)
                printf(" %7.0f /%6.2f", m.check.peak_footprint_bytes / 1024.0, m.best_seconds * 1e3);
            else
                printf(" %15s", "failed");
        }
        printf("\n");
        trace_free(&t);
    }
}

static void print_targets(const struct row *rows, size_t row_count, const struct scaling_series *series,
                          size_t series_count, size_t sizes)
{
    printf("\n4. Targets of the reference stages (ratios from this run)\n");
    const struct row *libc = &rows[row_count - 1], *s5 = NULL;
    for (size_t i = 0; i < row_count; i++)
        if (rows[i].target.stage != NULL && rows[i].target.stage->number == 5)
            s5 = &rows[i];
    if (s5 != NULL && s5->traces_passed > 0 && s5->ops == libc->ops) {
        double ratio = (libc->seconds / (double)libc->ops) / (s5->seconds / (double)s5->ops);
        printf("   %-4s stage 5 throughput / C library on the suite: %.2f (target >= 1.00)\n",
               ratio >= 1.0 ? "PASS" : "MISS", ratio);
        double util = row_utilization(s5);
        printf("   %-4s stage 5 mean utilization on the suite: %.1f%% (target >= 85%%)\n",
               util >= 0.85 ? "PASS" : "MISS", 100 * util);
    } else {
        printf("   MISS stage 5 did not pass the whole suite (or is not linked in)\n");
    }
    const struct scaling_series *s3 = NULL, *s4 = NULL;
    for (size_t i = 0; i < series_count; i++) {
        if (strncmp(series[i].name, "stage 3", 7) == 0)
            s3 = &series[i];
        if (strncmp(series[i].name, "stage 4", 7) == 0)
            s4 = &series[i];
    }
    if (sizes >= 2 && s3 != NULL && s4 != NULL && s3->at[1].ok && s4->at[1].ok && s4->at[1].free_ns > 0) {
        double ratio = s3->at[1].free_ns / s4->at[1].free_ns;
        printf("   %-4s stage 3 free / stage 4 free at 10 000 free chunks: %.1fx (target >= 10x)\n",
               ratio >= 10 ? "PASS" : "MISS", ratio);
    } else {
        printf("   MISS stage 3 / stage 4 free at 10 000 free chunks: not measured\n");
    }
}

static void print_machine(void)
{
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", localtime(&now));
    struct utsname u;
    uname(&u);
    char cpu[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[120];
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            snprintf(cpu, sizeof cpu, "%s", colon ? colon + 2 : line);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    if (f != NULL)
        fclose(f);
    printf("heapkit bench, %s; %s %s %s; %s\n", date, u.sysname, u.release, u.machine, cpu);
}

int cmd_bench(int argc, char **argv)
{
    struct bench_args a;
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    if (a.quick)
        a.runs = 1;
    mkdir(a.out_dir, 0777);
    print_machine();

    static struct trace traces[MAX_TRACES];
    size_t trace_count = load_suite(a.traces_dir, traces);
    if (trace_count == 0) {
        fprintf(stderr, "heapkit bench: no trace loaded from %s\n", a.traces_dir);
        return 2;
    }
    struct row rows[ROWS_MAX];
    size_t row_count = 0;
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
        if (stage_get(n) != NULL)
            rows[row_count++] = (struct row){.target = {stage_get(n)}};
    rows[row_count++] = (struct row){.target = {NULL}};
    for (size_t i = 0; i < row_count; i++) {
        measure_row(&rows[i], traces, trace_count, a.runs);
        fprintf(stderr, "  measured %s\n", rows[i].name);
    }
    print_summary_table(rows, row_count, trace_count);
    bench_vm_chunk_sizes(a.runs, a.quick);                  /* stage 6, small and large: bench_evidence.c */
    bench_beyond(traces, trace_count, a.quick);             /* fit policies, buddy and slab: bench_beyond.c */

    size_t sizes = a.quick ? 2 : SCALING_SIZES;
    struct scaling_series series[SCALING_TARGETS_MAX];
    size_t series_count;
    run_scaling(&a, series, &series_count, sizes);
    run_workloads(&a, rows, row_count);
    print_targets(rows, row_count, series, series_count, sizes);
    for (size_t i = 0; i < trace_count; i++)
        trace_free(&traces[i]);
    return 0;
}
