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

enum fault { FAULT_OVERLAP, FAULT_CONTAIN, FAULT_MISALIGN, FAULT_SCRIBBLE, FAULT_NULL, FAULT_CRASH };
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

static const struct stage broken = {
    .number = 9, .folder = "broken", .lecture_name = "a broken bump allocator", .walkable = false,
    .malloc = broken_malloc, .free = broken_free, .realloc = broken_realloc, .check = broken_check,
    .calloc = broken_calloc,
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

static void expect_failure(const char *name, enum fault f, size_t want_op, const char *want_words)
{
    fault = f;
    calls = arena_used = 0;
    memset(arena, 0, sizeof arena);
    struct trace t = four_ops();
    struct replay_check_result r;
    replay_checked((struct replay_target){&broken}, &t, (struct replay_check_options){1, false}, &r);
    suite_verdict(!r.ok && r.failed_op == want_op && strstr(r.why, want_words) != NULL, name,
            "expected a failure at op %zu saying '%s'; got ok=%d at op %zu: %s", want_op, want_words, r.ok,
            r.failed_op, r.why);
}

static void crash_job(void *arg, void *result)
{
    (void)arg;
    fault = FAULT_CRASH;
    calls = arena_used = 0;
    struct trace t = four_ops();
    replay_checked((struct replay_target){&broken}, &t, (struct replay_check_options){0, false}, result);
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
        replay_checked((struct replay_target){NULL}, &w, (struct replay_check_options){0, false}, &r);
        suite_verdict(r.ok && w.op_count == 10000, "the C library passes a random workload (no false alarm)",
                "expected ok over 10000 ops; got ok=%d ops=%zu: %s", r.ok, w.op_count, r.why);
        trace_free(&w);
    }
    return suite_exit_status();
}
