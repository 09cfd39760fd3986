/* runner_main.c: the runner, the one program that holds submission code.
 *
 * The grader execs it once per test, already confined (harness/confine: its own uid, no_new_privs,
 * limits, a system-call filter). It maps the heap the grader shares with it, then loops:
 *   1. read a command (protocol.h) and take the seam's view from it;
 *   2. make the allocator call it names, seam calls going to the grader as requests;
 *   3. write back what the call returned.
 * Nothing here decides anything: the grader checks every answer against what it sees itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heapmgr.h"
#include "os_sim.h"
#include "runner_crash.h"
#include "runner_hook.h"
#include "runner_io.h"
#include "runner_replay.h"

static volatile struct protocol_progress *progress;

/* The heap and the mapping region, at the addresses where the grader maps them too, and the page
 * that tells the grader where a batch is. */
static void map_shared_regions(void)
{
    size_t region_bytes = (size_t)1 << OS_SIM_REGION_SHIFT;
    char *heap = (char *)OS_SIM_SHARED_ADDR;
    int flags = MAP_SHARED | MAP_FIXED_NOREPLACE | MAP_NORESERVE;
    if (mmap(heap, region_bytes, PROT_NONE, flags, PROTOCOL_HEAP_FD, 0) != heap ||
        mmap(heap + region_bytes, region_bytes, PROT_NONE, flags, PROTOCOL_MAP_FD, 0) != heap + region_bytes) {
        fprintf(stderr, "heapkit runner: cannot map the shared heap\n");
        runner_lost();
    }
    close(PROTOCOL_HEAP_FD);
    close(PROTOCOL_MAP_FD);
    void *page = mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE, MAP_SHARED, PROTOCOL_PROGRESS_FD, 0);
    if (page == MAP_FAILED) {
        fprintf(stderr, "heapkit runner: cannot map the progress page\n");
        runner_lost();
    }
    progress = page;
    close(PROTOCOL_PROGRESS_FD);
    runner_crash_install(progress);
}

/* The call itself, between the hooks of make debug and make memcheck (runner_hook.h). */
static uint64_t call_allocator(uint32_t op, uint64_t a, uint64_t b);

static uint64_t run_one(uint64_t number, uint32_t op, uint64_t a, uint64_t b)
{
    runner_at_operation(number, op, a, b);
    runner_memcheck_before(op, a, b);
    uint64_t result = call_allocator(op, a, b);
    runner_memcheck_after(op, a, b, result);
    return result;
}

static uint64_t call_allocator(uint32_t op, uint64_t a, uint64_t b)
{
    switch (op) {
    case OP_MALLOC: return (uintptr_t)heapmgr_malloc((size_t)a);
    case OP_FREE: heapmgr_free((void *)(uintptr_t)a); return 0;
    case OP_REALLOC: return (uintptr_t)heapmgr_realloc((void *)(uintptr_t)a, (size_t)b);
    case OP_CALLOC: return (uintptr_t)heapmgr_calloc((size_t)a, (size_t)b);
    case OP_CHECK: {
        int violations = heapmgr_check();
        fflush(NULL);                          /* the checker's lines before the next test output */
        return (uint64_t)(int64_t)violations;
    }
    }
    runner_lost();
}

/* A batch: count operations back to back, then one answer followed by their results. */
static void run_batch(const struct protocol_command *c)
{
    static struct protocol_batch_op ops[PROTOCOL_BATCH_MAX];
    static uint64_t results[PROTOCOL_BATCH_MAX];
    if (c->a > PROTOCOL_BATCH_MAX || !runner_read(ops, (size_t)c->a * sizeof ops[0]))
        runner_lost();
    for (uint64_t i = 0; i < c->a; i++) {
        if (ops[i].op != OP_MALLOC && ops[i].op != OP_FREE && ops[i].op != OP_REALLOC)
            runner_lost();
        progress->batch_op = i + 1;
        results[i] = run_one(progress->test_op + i, ops[i].op, ops[i].a, ops[i].b);
    }
    progress->batch_op = 0;
    struct protocol_message m = { .magic = PROTOCOL_MAGIC, .kind = MSG_ANSWER, .seq = c->seq, .value = c->a };
    if (!runner_write(&m, sizeof m) || !runner_write(results, (size_t)c->a * sizeof results[0]))
        runner_lost();
}

int main(void)
{
    map_shared_regions();
    for (;;) {
        struct protocol_command c;
        if (!runner_read(&c, sizeof c) || c.magic != PROTOCOL_MAGIC)
            runner_lost();
        runner_seam_apply(&c.view);
        if (c.op == OP_QUIT)
            return 0;
        if (c.op == OP_BATCH) {
            run_batch(&c);
            continue;
        }
        if (c.op == OP_REPLAY) {
            runner_replay(&c);
            continue;
        }
        struct protocol_message m = { .magic = PROTOCOL_MAGIC, .kind = MSG_ANSWER, .seq = c.seq,
                                      .value = run_one(progress->test_op, c.op, c.a, c.b) };
        if (!runner_write(&m, sizeof m))
            runner_lost();
    }
}
