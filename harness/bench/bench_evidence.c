/* bench_evidence.c: the summary table shows its evidence, and stage 6 is measured at two sizes.
 *
 * A student who sees "Bad" beside a time close to another row's "Good" deserves the number and the
 * rule: so each verdict comes with what decided it, for example
 *     malloc Bad: 115.7 ns, 1.44x libc <= 2x, but 1090.3 system calls / 1000 ops > 100
 * and a number within 20% of its threshold is marked "close" (such a verdict can flip between runs
 * on a busy machine; docs/performance.md says how they moved). The thresholds are the ones
 * docs/performance.md gives: space Good at a mean utilization of at least 50%; malloc and free Good
 * at most 2x the C library's time for the same op in the same run; malloc Bad above 100 system calls
 * per 1000 ops whatever its time.
 *
 * The slide's verdict on the VM stage is "time: small chunks bad, large chunks good": a system call's
 * cost is fixed, so what matters is how many bytes each call brings. bench_vm_chunk_sizes measures a
 * cycle of malloc, one write over the whole payload (as a program uses its memory), and free, with
 * 64-byte and with 256 KiB chunks, each allocator in a child of its own, and judges the time by the
 * system calls per MiB handed out: Good at most SYSCALLS_GOOD_PER_MIB.
 */
#include "bench_evidence.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os.h"
#include "stages.h"

static const double SPACE_GOOD_UTILIZATION = 0.50;
static const double TIME_GOOD_FACTOR = 2.0;
static const double SYSCALLS_GOOD_PER_1000 = 100.0;
static const double SYSCALLS_GOOD_PER_MIB = 100.0;
static const double CLOSE_FRACTION = 0.20;

/* Within 20% of the threshold, on either side. */
static bool is_close(double value, double threshold)
{
    return threshold > 0 && fabs(value - threshold) <= CLOSE_FRACTION * threshold;
}

static const char *close_mark(double value, double threshold) { return is_close(value, threshold) ? "~" : ""; }

/* "Good: 7.7 ns, 0.29x libc <= 2x" (one op's time against the C library's). */
static void time_evidence(char *buf, size_t cap, const char *op, double ns, double libc_ns, bool is_libc)
{
    if (is_libc) {
        snprintf(buf, cap, "%s Good: %.1f ns, the yardstick", op, ns);
        return;
    }
    double ratio = libc_ns > 0 ? ns / libc_ns : INFINITY;
    bool good = ratio <= TIME_GOOD_FACTOR;
    snprintf(buf, cap, "%s %s: %.1f ns, %.2fx libc %s %.0fx%s", op, good ? "Good" : "Bad", ns, ratio,
             good ? "<=" : ">", TIME_GOOD_FACTOR, is_close(ratio, TIME_GOOD_FACTOR) ? " (close)" : "");
}

void bench_summary_print(const struct summary_row *rows, size_t count, size_t trace_count)
{
    const struct summary_row *libc = &rows[count - 1];
    printf("\n1. The lecture's summary table, measured on the kit's trace suite (%zu traces)\n", trace_count);
    printf("   %-28s %-13s %-16s %-16s %10s %8s\n", "DMMgr", "space", "malloc", "free", "sys/1k ops", "Mops/s");
    for (size_t i = 0; i < count; i++) {
        const struct summary_row *r = &rows[i];
        bool is_libc = i == count - 1;
        if (!r->measured) {
            printf("   %-28s failed: %s\n", r->name, r->failure);
            continue;
        }
        bool space_good = r->utilization >= SPACE_GOOD_UTILIZATION;
        bool calls_bad = r->syscalls_per_1000 > SYSCALLS_GOOD_PER_1000;
        double malloc_ratio = libc->malloc_ns > 0 ? r->malloc_ns / libc->malloc_ns : INFINITY;
        double free_ratio = libc->free_ns > 0 ? r->free_ns / libc->free_ns : INFINITY;
        bool malloc_good = !calls_bad && (is_libc || malloc_ratio <= TIME_GOOD_FACTOR);
        bool free_good = is_libc || free_ratio <= TIME_GOOD_FACTOR;
        /* the mark of the number that decided the verdict: the call count when it ruled */
        const char *malloc_close = calls_bad ? close_mark(r->syscalls_per_1000, SYSCALLS_GOOD_PER_1000)
                                             : is_libc ? "" : close_mark(malloc_ratio, TIME_GOOD_FACTOR);
        char space_cell[16], malloc_cell[16], free_cell[16];
        snprintf(space_cell, sizeof space_cell, "%s%s", space_good ? "Good" : "Bad",
                 close_mark(r->utilization, SPACE_GOOD_UTILIZATION));
        snprintf(malloc_cell, sizeof malloc_cell, "%s%s", malloc_good ? "Good" : "Bad", malloc_close);
        snprintf(free_cell, sizeof free_cell, "%s%s", free_good ? "Good" : "Bad",
                 is_libc ? "" : close_mark(free_ratio, TIME_GOOD_FACTOR));
        printf("   %-28s %5.1f%% %-5s %8.1f ns %-5s %8.1f ns %-5s %10.1f %8.2f\n", r->name, 100 * r->utilization,
               space_cell, r->malloc_ns, malloc_cell, r->free_ns, free_cell, r->syscalls_per_1000, r->mops);

        /* the evidence, one line per row */
        char space_why[96], malloc_why[200], free_why[96];
        snprintf(space_why, sizeof space_why, "space %s: %.1f%% %s %.0f%%%s", space_good ? "Good" : "Bad",
                 100 * r->utilization, space_good ? ">=" : "<", 100 * SPACE_GOOD_UTILIZATION,
                 is_close(r->utilization, SPACE_GOOD_UTILIZATION) ? " (close)" : "");
        time_evidence(malloc_why, sizeof malloc_why, "malloc", r->malloc_ns, libc->malloc_ns, is_libc);
        if (calls_bad)                           /* the call count rules, whatever the time */
            snprintf(malloc_why, sizeof malloc_why, "malloc Bad: %.1f ns, %.2fx libc, but %.1f system calls / 1000 ops "
                     "> %.0f%s", r->malloc_ns, malloc_ratio, r->syscalls_per_1000, SYSCALLS_GOOD_PER_1000,
                     is_close(r->syscalls_per_1000, SYSCALLS_GOOD_PER_1000) ? " (close)" : "");
        time_evidence(free_why, sizeof free_why, "free", r->free_ns, libc->free_ns, is_libc);
        printf("   %-28s   %s; %s; %s\n", "", space_why, malloc_why, free_why);
        if (r->traces_failed > 0)
            printf("   %-28s   (%zu trace%s failed and are left out; first: %s)\n", "", r->traces_failed,
                   r->traces_failed == 1 ? "" : "s", r->failure);
    }
    printf("   space: mean of peak live payload / peak footprint; Good >= %.0f%%. malloc, free: mean ns per op,\n"
           "   each op timed alone; Good <= %.0fx the C library's, and malloc Bad above %.0f system calls per\n"
           "   1000 ops. ~ (close): the deciding number lies within %.0f%% of its threshold, so the word may\n"
           "   change between runs. Mops/s: total ops / total time, ops not timed one by one.\n"
           "   See docs/performance.md.\n",
           100 * SPACE_GOOD_UTILIZATION, TIME_GOOD_FACTOR, SYSCALLS_GOOD_PER_1000, 100 * CLOSE_FRACTION);
}

/* ---- stage 6 at two chunk sizes ------------------------------------------------------------------ */

struct cycle_result {
    bool ok;
    double ns_per_cycle;         /* malloc + one write over the payload + free, fastest run */
    double calls_per_cycle;      /* system calls through the seam (0 for the C library: not counted) */
};

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* In a child: `cycles` rounds of malloc(bytes), memset, free on stage s (NULL: the C library). */
static struct cycle_result run_cycles(const struct stage *s, size_t bytes, unsigned cycles)
{
    struct cycle_result r = {.ok = true};
    struct os_stats before = os_stats();
    double start = now_seconds();
    for (unsigned i = 0; i < cycles; i++) {
        unsigned char *p = s != NULL ? s->malloc(bytes) : malloc(bytes);
        if (p == NULL) {
            r.ok = false;
            return r;
        }
        memset(p, (int)(i & 0xff), bytes);
        __asm__ volatile("" : : "r"(p) : "memory");   /* the write is used: the compiler keeps it */
        if (s != NULL)
            s->free(p);
        else
            free(p);
    }
    r.ns_per_cycle = (now_seconds() - start) * 1e9 / cycles;
    struct os_stats after = os_stats();
    r.calls_per_cycle = (double)(os_stats_calls(&after) - os_stats_calls(&before)) / cycles;
    return r;
}

/* The fastest of runs children, each from a fresh process (a stage's state and the seam are per
 * process); the result comes back through a pipe. */
static struct cycle_result measure_cycles(const struct stage *s, size_t bytes, unsigned cycles, unsigned runs)
{
    struct cycle_result best = {.ok = false};
    for (unsigned run = 0; run < runs; run++) {
        int fds[2];
        if (pipe(fds) != 0)
            break;
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            close(fds[0]);
            run_cycles(s, bytes, cycles / 10 + 1);     /* warm up: the first mappings, the heap's first grow */
            struct cycle_result r = run_cycles(s, bytes, cycles);
            ssize_t n = write(fds[1], &r, sizeof r);
            _exit(n == (ssize_t)sizeof r ? 0 : 1);
        }
        close(fds[1]);
        struct cycle_result r;
        bool got = child > 0 && read(fds[0], &r, sizeof r) == (ssize_t)sizeof r;
        close(fds[0]);
        int status;
        if (child > 0)
            waitpid(child, &status, 0);
        if (got && r.ok && (!best.ok || r.ns_per_cycle < best.ns_per_cycle))
            best = r;
    }
    return best;
}

void bench_vm_chunk_sizes(unsigned runs, bool quick)
{
    static const size_t sizes[] = {64, 256 << 10};
    const struct stage *vm = stage_get(6), *bins = stage_get(5);
    if (vm == NULL)
        return;
    printf("\n1b. The VM stage at two chunk sizes: malloc, one write over the payload, free (fastest of %u)\n", runs);
    printf("   %-10s %-28s %12s %12s %14s  %s\n", "chunk", "DMMgr", "ns/cycle", "ns/KiB", "calls/MiB", "time");
    double vm_per_kib[2] = {0, 0};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t bytes = sizes[z];
        unsigned cycles = bytes <= 4096 ? (quick ? 500 : 5000) : (quick ? 20 : 200);
        const struct stage *targets[] = {vm, bins, NULL};
        struct cycle_result libc = measure_cycles(NULL, bytes, cycles, runs);
        for (size_t t = 0; t < 3; t++) {
            const struct stage *s = targets[t];
            if (t == 1 && s == NULL)
                continue;
            struct cycle_result r = t == 2 ? libc : measure_cycles(s, bytes, cycles, runs);
            char label[16], name[48];
            snprintf(label, sizeof label, bytes >= 1024 ? "%zu KiB" : "%zu B", bytes >= 1024 ? bytes >> 10 : bytes);
            if (s != NULL)
                snprintf(name, sizeof name, "stage %d (%s)", s->number, s->lecture_name);
            else
                snprintf(name, sizeof name, "C library");
            if (!r.ok) {
                printf("   %-10s %-28s failed\n", label, name);
                continue;
            }
            double kib = (double)bytes / 1024.0, per_mib = r.calls_per_cycle * (double)(1 << 20) / (double)bytes;
            char verdict[160] = "";
            if (s == vm) {
                vm_per_kib[z] = r.ns_per_cycle / kib;
                bool good = per_mib <= SYSCALLS_GOOD_PER_MIB;
                snprintf(verdict, sizeof verdict, "%s: %.1f calls per MiB %s %.0f%s; %.2fx libc's time", good ? "Good" : "Bad",
                         per_mib, good ? "<=" : ">", SYSCALLS_GOOD_PER_MIB,
                         is_close(per_mib, SYSCALLS_GOOD_PER_MIB) ? " (close)" : "",
                         libc.ok && libc.ns_per_cycle > 0 ? r.ns_per_cycle / libc.ns_per_cycle : 0.0);
            }
            if (s == NULL)
                printf("   %-10s %-28s %12.1f %12.1f %14s  %s\n", label, name, r.ns_per_cycle, r.ns_per_cycle / kib,
                       "not counted", "");
            else
                printf("   %-10s %-28s %12.1f %12.1f %14.1f  %s\n", label, name, r.ns_per_cycle,
                       r.ns_per_cycle / kib, per_mib, verdict);
        }
    }
    printf("   The slide: \"time: small chunks bad, large chunks good; space: depends on the OS\". A system call\n"
           "   costs the same whatever it maps, so the rule is the calls per MiB handed out: Good <= %.0f. Page\n"
           "   faults on fresh pages come on top, and the C library reuses its memory, so the VM stage stays\n"
           "   slower per cycle at both sizes; per KiB its cost fell from %.1f to %.1f ns (%.0fx less).\n",
           SYSCALLS_GOOD_PER_MIB, vm_per_kib[0], vm_per_kib[1], vm_per_kib[1] > 0 ? vm_per_kib[0] / vm_per_kib[1] : 0.0);
}
