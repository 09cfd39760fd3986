/* bench_evidence.h: the summary table with its evidence, and stage 6 measured at two chunk sizes
 * (bench_evidence.c). */
#ifndef HEAPKIT_BENCH_EVIDENCE_H
#define HEAPKIT_BENCH_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

/* One allocator's totals over the trace suite, as the summary table needs them. */
struct summary_row {
    const char *name;
    bool measured;               /* false: every trace failed; failure says why */
    const char *failure;
    size_t traces_failed;
    double utilization;          /* mean of peak live payload / peak footprint */
    double malloc_ns, free_ns;   /* mean ns per op */
    double syscalls_per_1000;    /* system calls per 1000 ops */
    double mops;                 /* total ops / total time, in millions per second */
};

/* Prints the lecture's summary table: per row the numbers and the verdicts, and under it the
 * evidence of each verdict (the number, and the rule that decided it), "close" for a number within
 * 20% of its threshold. The last row is the C library's, the yardstick of the time rules. */
void bench_summary_print(const struct summary_row *rows, size_t count, size_t trace_count);

/* Stage 6 beside the C library (and Bins) with 64-byte and with 256 KiB chunks: a cycle of malloc,
 * writing the whole payload once, free; ns per cycle, ns per KiB, system calls per MiB handed out,
 * and the slide's verdict "time: small chunks bad, large chunks good" from a rule on them. */
void bench_vm_chunk_sizes(unsigned runs, bool quick);

#endif
