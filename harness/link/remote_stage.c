/* remote_stage.c: the grader's stages (stages.h): every contract call is a command to the test's
 * runner (runner_link.h), and every answer is checked before a test sees it.
 *
 * The check every answer must pass: a block lies wholly in memory the seam gave the runner, the
 * heap below the break or a live mapping, which is memory this process shares with the runner and
 * can read itself. A pointer anywhere else (the runner's own static arrays, its private memory, or
 * an address that means something only in this process) ends the test before anything touches it.
 */
#include "remote_stage.h"

#include <stdint.h>
#include <stdio.h>

#include "os_sim.h"
#include "runner_link.h"
#include "stages.h"

static const char *runners[STAGE_MAX + 1];

void remote_stage_set_runner(int n, const char *path)
{
    if (n >= STAGE_FIRST && n <= STAGE_MAX)
        runners[n] = path;
}

/* The answer's block [mem, mem + bytes) must be memory the seam handed out. */
void *remote_stage_checked_block(uint64_t answer, size_t bytes, const char *what)
{
    void *mem = (void *)(uintptr_t)answer;
    if (mem != NULL && !os_sim_gave(mem, bytes))
        runner_fail_now("%s returned %p, which is not memory the seam gave (the heap is [%p, %p), %zu mappings "
                        "live): a block must come from os_sbrk, os_brk or os_mmap", what, mem, os_heap_start(),
                        os_heap_end(), os_stats().mappings);
    return mem;
}

static void *remote_malloc(size_t req_bytes)
{
    char what[64];
    snprintf(what, sizeof what, "malloc(%zu)", req_bytes);
    return remote_stage_checked_block(runner_call(OP_MALLOC, req_bytes, 0, what), req_bytes, what);
}

static void remote_free(void *mem)
{
    char what[64];
    snprintf(what, sizeof what, "free(%p)", mem);
    runner_call(OP_FREE, (uintptr_t)mem, 0, what);
}

static void *remote_realloc(void *mem, size_t req_bytes)
{
    char what[80];
    snprintf(what, sizeof what, "realloc(%p, %zu)", mem, req_bytes);
    return remote_stage_checked_block(runner_call(OP_REALLOC, (uintptr_t)mem, req_bytes, what), req_bytes, what);
}

static void *remote_calloc(size_t n, size_t elem_bytes)
{
    char what[80];
    snprintf(what, sizeof what, "calloc(%zu, %zu)", n, elem_bytes);
    size_t bytes = elem_bytes != 0 && n > SIZE_MAX / elem_bytes ? 1 : n * elem_bytes;  /* overflow: the api test judges */
    return remote_stage_checked_block(runner_call(OP_CALLOC, n, elem_bytes, what), bytes, what);
}

static void remote_batch(const struct stage_call *calls, size_t count, void **answers)
{
    static const uint32_t ops_of[] = { [STAGE_CALL_MALLOC] = OP_MALLOC, [STAGE_CALL_FREE] = OP_FREE,
                                       [STAGE_CALL_REALLOC] = OP_REALLOC };
    struct protocol_batch_op ops[STAGE_BATCH_MAX] = { { 0 } };
    uint64_t results[STAGE_BATCH_MAX];
    if (count > STAGE_BATCH_MAX)
        runner_fail_now("the grader made a batch of %zu calls (at most %d)", count, STAGE_BATCH_MAX);
    for (size_t i = 0; i < count; i++)
        ops[i] = (struct protocol_batch_op){ .op = ops_of[calls[i].kind], .a = calls[i].kind == STAGE_CALL_MALLOC
                                                                                   ? calls[i].bytes
                                                                                   : (uintptr_t)calls[i].mem,
                                             .b = calls[i].bytes };
    runner_batch(ops, count, results, "a batch of the test's operations");
    /* Checked once the batch is over: the caller never frees, within a batch, a block the same batch
     * returned, so every block returned must still lie in memory the seam gave. */
    for (size_t i = 0; i < count; i++) {
        char what[80];
        if (calls[i].kind == STAGE_CALL_FREE) {
            answers[i] = NULL;
            continue;
        }
        if (calls[i].kind == STAGE_CALL_MALLOC)
            snprintf(what, sizeof what, "malloc(%zu) (call %zu of a batch of %zu)", calls[i].bytes, i + 1, count);
        else
            snprintf(what, sizeof what, "realloc(%p, %zu) (call %zu of a batch of %zu)", calls[i].mem,
                     calls[i].bytes, i + 1, count);
        answers[i] = remote_stage_checked_block(results[i], calls[i].bytes, what);
    }
}

static int remote_check(void)
{
    return (int)(int64_t)runner_call(OP_CHECK, 0, 0, "heapmgr_check()");
}

bool stage_bind(struct stage *s)
{
    if (s->number < STAGE_FIRST || s->number > STAGE_MAX || runners[s->number] == NULL)
        return false;
    s->malloc = remote_malloc;
    s->free = remote_free;
    s->realloc = remote_realloc;
    s->calloc = remote_calloc;
    s->check = remote_check;
    s->batch = remote_batch;
    s->runner = runners[s->number];
    return true;
}
