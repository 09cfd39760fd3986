/* bench_beyond.c: make bench's tables of the fit policies and of the allocators beyond the six
 * (bench.h: bench_beyond).
 *
 * Both replay the trace suite once per allocator and trace, each replay in a child process of its
 * own (a fresh heap, and for stages 3-4 a fresh choice of policy: HEAPKIT_FIT is set before the fork
 * and read by the stage at its first malloc). The child reports back through a pipe:
 *   utilization    peak live payload bytes / peak footprint (heap plus mapped bytes), as the summary
 *                  table measures it;
 *   largest/free   at the op where the live bytes peak, the largest free chunk / all free bytes of the
 *                  heap (1 = one free chunk holds them all, no external fragmentation; chunk layout
 *                  stages only); the trace is replayed twice, the second time up to that op;
 *   internal       at the same op, the bytes the live blocks occupy beyond their requests / the bytes
 *                  they occupy (rounding, headers and footers: what a power-of-two allocator pays);
 *   malloc ns      each malloc timed alone (clock_gettime around the call), mean over the suite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "chunk.h"
#include "heapwalk.h"
#include "os_sim.h"
#include "stages.h"
#include "tracefile.h"

enum { SLAB_PAGE = 4096, QUICK_TRACES = 2 };
#define SLAB_MARK ((uint64_t)0x51ab51ab51ab5100u)

struct replay_figures {
    bool ok;
    size_t peak_live_bytes, peak_footprint_bytes, peak_op;
    size_t largest_free_bytes, free_bytes;      /* at peak_op */
    size_t block_bytes, req_bytes;              /* the live blocks at peak_op, and their requests */
    size_t mallocs;
    double malloc_seconds;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bytes the block at mem occupies: its chunk (heap stages, buddy), its mapping, or its slab object. */
static size_t occupied_bytes(const struct stage *s, void *mem)
{
    char *p = mem;
    if (p >= (char *)os_heap_start() && p < (char *)os_heap_end())
        return s->walkable || s->number == STAGE_BUDDY ? chunk_size(chunk_from_mem(mem)) : 0;
    char *page = (char *)((uintptr_t)p & ~(uintptr_t)(SLAB_PAGE - 1));
    if (s->number == STAGE_SLAB && *(uint64_t *)page == SLAB_MARK)
        return ((const uint32_t *)page)[7];      /* the slab header's object size (beyond/slab/README.md) */
    size_t length = os_sim_mapping_length(page);
    return length != 0 ? length : os_sim_mapping_length(chunk_from_mem(mem));
}

/* Replays t on s; stops after op stop_at (SIZE_MAX: the whole trace) and then measures the heap. */
static struct replay_figures replay(const struct stage *s, const struct trace *t, size_t stop_at)
{
    struct replay_figures f = { .ok = true };
    char **mem = calloc(t->ids + 1, sizeof *mem);
    size_t *bytes = calloc(t->ids + 1, sizeof *bytes);
    if (mem == NULL || bytes == NULL)
        return (struct replay_figures){ .ok = false };
    struct os_stats start = os_stats();
    size_t base = start.heap_bytes + start.mapped_bytes, live = 0;
    for (size_t i = 0; i < t->op_count && i <= stop_at && f.ok; i++) {
        const struct trace_op *op = &t->ops[i];
        if (op->kind == TRACE_FREE) {
            s->free(mem[op->id]);
            live -= bytes[op->id];
            mem[op->id] = NULL, bytes[op->id] = 0;
        } else {
            double t0 = now_seconds();
            void *p = op->kind == TRACE_ALLOC ? s->malloc(op->bytes) : s->realloc(mem[op->id], op->bytes);
            if (op->kind == TRACE_ALLOC)
                f.malloc_seconds += now_seconds() - t0, f.mallocs++;
            if (p == NULL && op->bytes != 0)
                f.ok = false;
            live += op->bytes - bytes[op->id];
            mem[op->id] = p, bytes[op->id] = op->bytes;
        }
        struct os_stats now = os_stats();
        size_t footprint = now.heap_bytes + now.mapped_bytes - base;
        if (footprint > f.peak_footprint_bytes)
            f.peak_footprint_bytes = footprint;
        if (live > f.peak_live_bytes)
            f.peak_live_bytes = live, f.peak_op = i;
    }
    if (stop_at != SIZE_MAX) {
        struct heap_walk_report w = { 0 };
        if (s->walkable || s->number == STAGE_BUDDY)
            heap_walk_seam(NULL, NULL, &w);
        f.largest_free_bytes = w.largest_free_bytes, f.free_bytes = w.free_bytes;
        for (unsigned id = 0; id < t->ids; id++)
            if (mem[id] != NULL)
                f.block_bytes += occupied_bytes(s, mem[id]), f.req_bytes += bytes[id];
    }
    free(mem);
    free(bytes);
    return f;
}

/* replay() in a child process; the figures come back through a pipe. */
static struct replay_figures replay_in_child(const struct stage *s, const struct trace *t, size_t stop_at)
{
    struct replay_figures f = { .ok = false };
    int fds[2];
    if (pipe(fds) != 0)
        return f;
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        struct replay_figures mine = replay(s, t, stop_at);
        _exit(write(fds[1], &mine, sizeof mine) == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(fds[1]);
    if (child > 0) {
        if (read(fds[0], &f, sizeof f) != (ssize_t)sizeof f)
            f.ok = false;
        waitpid(child, NULL, 0);
    }
    close(fds[0]);
    return f;
}

struct suite_figures {
    double utilization, largest_over_free, internal, malloc_ns;
    size_t traces, failed;
};

static struct suite_figures measure_suite(const struct stage *s, const struct trace *traces, size_t count)
{
    struct suite_figures sf = { 0 };
    size_t mallocs = 0, frag_traces = 0;
    double seconds = 0;
    for (size_t i = 0; i < count; i++) {
        struct replay_figures whole = replay_in_child(s, &traces[i], SIZE_MAX);
        struct replay_figures peak = whole.ok ? replay_in_child(s, &traces[i], whole.peak_op) : whole;
        if (!whole.ok || !peak.ok) {
            sf.failed++;
            continue;
        }
        sf.traces++;
        sf.utilization += whole.peak_footprint_bytes ? (double)whole.peak_live_bytes / whole.peak_footprint_bytes : 1;
        if (peak.free_bytes > 0)
            sf.largest_over_free += (double)peak.largest_free_bytes / peak.free_bytes, frag_traces++;
        sf.internal += peak.block_bytes ? (double)(peak.block_bytes - peak.req_bytes) / peak.block_bytes : 0;
        mallocs += whole.mallocs;
        seconds += whole.malloc_seconds;
    }
    if (sf.traces > 0)
        sf.utilization /= sf.traces, sf.internal /= sf.traces;
    sf.largest_over_free = frag_traces ? sf.largest_over_free / frag_traces : -1;
    sf.malloc_ns = mallocs ? seconds / mallocs * 1e9 : 0;
    return sf;
}

static void print_figures(const char *name, const struct suite_figures *sf)
{
    char ratio[16] = "-";
    if (sf->largest_over_free >= 0)
        snprintf(ratio, sizeof ratio, "%.2f", sf->largest_over_free);
    printf("| %-44s | %10.0f%% | %12s | %9.0f%% | %9.0f |%s\n", name, 100 * sf->utilization, ratio,
           100 * sf->internal, sf->malloc_ns, sf->failed ? " some traces failed" : "");
}

static void print_header(void)
{
    printf("| %-44s | %11s | %12s | %10s | %9s |\n", "allocator", "utilization", "largest/free", "internal",
           "malloc ns");
    printf("| --- | --- | --- | --- | --- |\n");
}

void bench_beyond(const struct trace *traces, size_t count, bool quick)
{
    if (quick && count > QUICK_TRACES)
        count = QUICK_TRACES;                  /* --quick: the tables' shape, on the first traces */
    static const char *const fits[] = { "first", "next", "best", "worst" };
    printf("\nFit policies of stages 3 and 4 on the trace suite (%zu traces; HEAPKIT_FIT, mean per trace; "
           "largest/free: the largest free chunk over all free bytes when the live bytes peak)\n\n", count);
    print_header();
    const char *was = getenv("HEAPKIT_FIT");
    for (int n = 3; n <= 4; n++)
        for (size_t p = 0; p < 4 && stage_get(n) != NULL; p++) {
            setenv("HEAPKIT_FIT", fits[p], 1);
            struct suite_figures sf = measure_suite(stage_get(n), traces, count);
            char name[48];
            snprintf(name, sizeof name, "%d %s, %s fit%s", n, stage_get(n)->lecture_name, fits[p],
                     p == 0 ? " (lecture)" : "");
            print_figures(name, &sf);
        }
    if (was != NULL)
        setenv("HEAPKIT_FIT", was, 1);
    else
        unsetenv("HEAPKIT_FIT");

    printf("\nBeyond the six: the buddy system and the slab allocator beside Bins (internal: bytes the live "
           "blocks occupy beyond their requests, when the live bytes peak)\n\n");
    print_header();
    static const int rows[] = { 5, STAGE_BUDDY, STAGE_SLAB };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct stage *s = stage_get(rows[i]);
        if (s == NULL)
            continue;
        struct suite_figures sf = measure_suite(s, traces, count);
        char name[48];
        snprintf(name, sizeof name, "%d %s", s->number, s->lecture_name);
        print_figures(name, &sf);
    }
}
