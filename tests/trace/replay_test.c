/* replay_test.c: the checked replay catches what it claims to catch.
 *
 * Tiny broken allocators, written here and reached through a struct stage of their own, each with
 * one fault: payloads that overlap, one contained in another, a misaligned payload, a free that
 * scribbles on a live neighbour, a NULL for a nonzero request, and a crash. Each must be reported at
 * the right op with the right words; a correct allocator (the C library) must pass a random workload.
 * Prints PASS/FAIL lines for tests/suites/40-trace.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "suite.h"
#include "trace_child.h"
#include "tracefile.h"
#include "workloads.h"

static _Alignas(16) unsigned char arena[1 << 20];
static size_t arena_used;
static size_t calls;

enum fault { FAULT_NONE, FAULT_OVERLAP, FAULT_CONTAIN, FAULT_MISALIGN, FAULT_SCRIBBLE, FAULT_NULL, FAULT_CRASH };
static enum fault fault;

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* A bump allocator with the chosen fault. */
static void *broken_malloc(size_t req_bytes)
{
    size_t call = calls++;
    unsigned char *p = arena + arena_used;
    switch (fault) {
    case FAULT_OVERLAP:          /* moves on by half of each request: the next payload overlaps */
        arena_used += round16(req_bytes) / 2;
        return p;
    case FAULT_CONTAIN:          /* the second payload [16, 48) lies inside the first [0, 64) */
        if (call == 1)
            return arena + 16;
        break;
    case FAULT_MISALIGN:
        arena_used += round16(req_bytes) + 16;
        return p + 8;
    case FAULT_NULL:
        if (call == 2)
            return NULL;
        break;
    case FAULT_CRASH:
        if (call == 2)
            raise(SIGSEGV);
        break;
    case FAULT_SCRIBBLE:
    case FAULT_NONE:
        break;
    }
    arena_used += round16(req_bytes);
    return p;
}

static void broken_free(void *mem)
{
    if (fault == FAULT_SCRIBBLE && mem == arena)
        arena[64 + 3] ^= 0xff;                   /* damages byte 3 of the block after the first */
}

static void *broken_realloc(void *mem, size_t req_bytes)
{
    (void)mem;
    return broken_malloc(req_bytes);
}

static int broken_check(void) { return 0; }
static void *broken_calloc(size_t n, size_t each) { return broken_malloc(n * each); }

/* The batch hook as the grader's binding has it, made of the same calls; it counts its batches. */
static size_t batches;

static void broken_batch(const struct stage_call *calls, size_t count, void **answers)
{
    batches++;
    for (size_t i = 0; i < count; i++) {
        answers[i] = NULL;
        if (calls[i].kind == STAGE_CALL_MALLOC)
            answers[i] = broken_malloc(calls[i].bytes);
        else if (calls[i].kind == STAGE_CALL_FREE)
            broken_free(calls[i].mem);
        else
            answers[i] = broken_realloc(calls[i].mem, calls[i].bytes);
    }
}

static const struct stage broken = {
    .number = 9, .folder = "broken", .lecture_name = "a broken bump allocator", .walkable = false,
    .malloc = broken_malloc, .free = broken_free, .realloc = broken_realloc, .check = broken_check,
    .calloc = broken_calloc, .batch = broken_batch,
};

/* a 0 64; a 1 32; a 2 32; f 0; f 1; f 2 */
static struct trace four_ops(void)
{
    static struct trace_op ops[] = {
        {TRACE_ALLOC, 0, 64, 1}, {TRACE_ALLOC, 1, 32, 2}, {TRACE_ALLOC, 2, 32, 3},
        {TRACE_FREE, 0, 0, 4},   {TRACE_FREE, 1, 0, 5},   {TRACE_FREE, 2, 0, 6},
    };
    return (struct trace){.name = "six-ops", .ids = 3, .op_count = 6, .ops = ops};
}

/* a 0 64; a 1 32; a 2 32; f 0; a 3 16; f 3; f 1; f 2: in batches, the free of id 0 starts a second
 * batch (id 0 was allocated in the first) and the free of id 3 a third (id 3 was allocated in the
 * second), so id 1 outlives the batch whose free of id 0 damages it. */
static struct trace three_batches(void)
{
    static struct trace_op ops[] = {
        {TRACE_ALLOC, 0, 64, 1}, {TRACE_ALLOC, 1, 32, 2}, {TRACE_ALLOC, 2, 32, 3}, {TRACE_FREE, 0, 0, 4},
        {TRACE_ALLOC, 3, 16, 5}, {TRACE_FREE, 3, 0, 6},  {TRACE_FREE, 1, 0, 7},  {TRACE_FREE, 2, 0, 8},
    };
    return (struct trace){.name = "three-batches", .ids = 4, .op_count = 8, .ops = ops};
}

static void replay_with_fault(enum fault f, struct trace t, struct replay_check_options opts,
                              struct replay_check_result *r)
{
    fault = f;
    calls = arena_used = batches = 0;
    memset(arena, 0, sizeof arena);
    replay_checked((struct replay_target){&broken}, &t, opts, r);
}

/* The fault is caught at want_op with want_words, one call at a time and in batches alike. */
static void expect_failure(const char *name, enum fault f, size_t want_op, const char *want_words)
{
    struct replay_check_result r;
    for (int batched = 0; batched <= 1; batched++) {
        struct trace t = batched ? three_batches() : four_ops();
        replay_with_fault(f, t, (struct replay_check_options){ .check_every = batched ? 0 : 1, .batch = batched },
                          &r);
        char label[160];
        snprintf(label, sizeof label, "%s%s", name, batched ? " (in batches)" : "");
        size_t want = batched && f == FAULT_SCRIBBLE ? 6 : want_op;
        suite_verdict(!r.ok && r.failed_op == want && strstr(r.why, want_words) != NULL, label,
                      "expected a failure at op %zu saying '%s'; got ok=%d at op %zu: %s", want, want_words, r.ok,
                      r.failed_op, r.why);
    }
}

/* A correct run in batches: the batches are cut where the trace says, and nothing is flagged. */
static void expect_batches(void)
{
    struct replay_check_result r;
    replay_with_fault(FAULT_NONE, three_batches(), (struct replay_check_options){ .batch = true }, &r);
    size_t batched = batches;
    bool batched_ok = r.ok;
    replay_with_fault(FAULT_NONE, three_batches(), (struct replay_check_options){ .batch = false }, &r);
    suite_verdict(batched_ok && batched == 3 && r.ok && batches == 0,
                  "a batched replay cuts its batches before an op on a block the batch touched, and one without "
                  "batches makes none", "expected 3 batches and no failure, then 0 batches; got %zu (ok=%d), %zu (ok=%d)",
                  batched, batched_ok, batches, r.ok);
}

static void crash_job(void *arg, void *result)
{
    (void)arg;
    fault = FAULT_CRASH;
    calls = arena_used = 0;
    struct trace t = four_ops();
    replay_checked((struct replay_target){&broken}, &t, (struct replay_check_options){ .check_every = 0 }, result);
}

int main(void)
{
    expect_failure("checked replay catches overlapping payloads", FAULT_OVERLAP, 1, "overlaps live block id 0");
    expect_failure("checked replay catches a payload contained in another", FAULT_CONTAIN, 1,
                   "overlaps live block id 0");
    expect_failure("checked replay catches a misaligned payload", FAULT_MISALIGN, 0, "not 16-byte aligned");
    expect_failure("checked replay catches damage to a live payload at its free", FAULT_SCRIBBLE, 4,
                   "payload of id 1 (32 bytes, allocated at op 1) was changed at byte 3");
    expect_failure("checked replay reports NULL for a nonzero request as out of memory", FAULT_NULL, 2,
                   "out of memory at op 2");
    expect_batches();

    struct replay_check_result r;
    struct child_outcome outcome;
    bool delivered = child_run(crash_job, NULL, &r, sizeof r, 10, &outcome);
    suite_verdict(!delivered && outcome.signal == SIGSEGV && outcome.op_known && outcome.op == 2,
            "a crash in a child is reported with its signal and op",
            "expected SIGSEGV at op 2; got delivered=%d signal=%d op_known=%d op=%zu (%s)", delivered,
            outcome.signal, outcome.op_known, outcome.op, outcome.why);

    struct trace w;
    if (workload_make("RandomRandom", 5000, 4096, 7, &w) != 0) {
        suite_verdict(false, "the C library passes a random workload", "workload_make failed");
    } else {
        replay_checked((struct replay_target){NULL}, &w, (struct replay_check_options){ .check_every = 0 }, &r);
        suite_verdict(r.ok && w.op_count == 10000, "the C library passes a random workload (no false alarm)",
                "expected ok over 10000 ops; got ok=%d ops=%zu: %s", r.ok, w.op_count, r.why);
        trace_free(&w);
    }
    return suite_exit_status();
}
