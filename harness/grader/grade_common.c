/* grade_common.c: helpers shared by the grader's test bodies (grade_test.h). */
#include "grade_test.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "os_sim.h"
#include "remote_stage.h"
#include "runner_link.h"
#include "replay_pattern.h"

/* ---- failing -------------------------------------------------------------------------------------- */

bool grade_fail(struct grade_ctx *t, const char *fmt, ...)
{
    char what[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* The scenario first when the test is in one ("after another user of the heap moved the break
     * ..., operation 7: expected ..."), so a failure says what led to it. */
    const char *phase = t->page->phase;
    if (phase[0] != '\0' && t->page->op > 0)
        snprintf(t->page->message, sizeof t->page->message, "%s, operation %zu: %s", phase, t->page->op, what);
    else if (phase[0] != '\0')
        snprintf(t->page->message, sizeof t->page->message, "%s: %s", phase, what);
    else if (t->page->op > 0)
        snprintf(t->page->message, sizeof t->page->message, "%s, at operation %zu", what, t->page->op);
    else
        snprintf(t->page->message, sizeof t->page->message, "%s", what);
    return false;
}

bool grade_memory_limit_reached(const struct grade_ctx *t)
{
    struct os_stats s = os_stats();
    bool refused = s.failed_calls > s.injected_failures;
    return t->memory_limit > 0 && refused && (s.peak_heap_bytes + s.peak_mapped_bytes) >= t->memory_limit / 2;
}

bool grade_fail_alloc(struct grade_ctx *t, const char *what, size_t req_bytes)
{
    struct os_stats s = os_stats();
    size_t used = s.heap_bytes + s.mapped_bytes;
    if (grade_memory_limit_reached(t) || (t->memory_limit > 0 && used + req_bytes >= t->memory_limit)) {
        t->page->memory_limit_hit = true;
        return grade_fail(t, "%s returned NULL: the seam refused to grow past %zu bytes of heap and mappings",
                          what, used);
    }
    return grade_fail(t, "expected a block, %s returned NULL (heap %zu bytes, mapped %zu bytes, "
                      "%lu failed system calls)", what, s.heap_bytes, s.mapped_bytes, s.failed_calls);
}

void grade_phase(struct grade_ctx *t, const char *phase)
{
    snprintf(t->page->phase, sizeof t->page->phase, "%s", phase);
}

/* ---- counted allocator calls ---------------------------------------------------------------------- */

void *g_malloc(struct grade_ctx *t, size_t req_bytes)
{
    t->page->op++;
    return t->stage->malloc(req_bytes);
}

void g_free(struct grade_ctx *t, void *mem)
{
    t->page->op++;
    t->stage->free(mem);
}

void *g_realloc(struct grade_ctx *t, void *mem, size_t req_bytes)
{
    t->page->op++;
    return t->stage->realloc(mem, req_bytes);
}

/* n operations of one kind (args[i] the first argument, b the second) run back to back in the
 * runner; results into results[] (malloc'ed, n of them). Returns the runner's CPU seconds. */
static double timed_batch(struct grade_ctx *t, uint32_t op, const uint64_t *args, uint64_t b, size_t n,
                          uint64_t *results)
{
    struct protocol_batch_op *ops = calloc(n, sizeof *ops);
    if (ops == NULL)
        runner_fail_now("the grader itself ran out of memory");
    for (size_t i = 0; i < n; i++)
        ops[i] = (struct protocol_batch_op){ .op = op, .a = args != NULL ? args[i] : b, .b = b };
    double before = runner_cpu_seconds();
    runner_batch(ops, n, results, "a batch of timed operations");
    double seconds = runner_cpu_seconds() - before;
    t->page->op += n;
    free(ops);
    return seconds;
}

double g_free_batch(struct grade_ctx *t, char *const *mem, size_t n)
{
    uint64_t *args = calloc(n, sizeof *args), *results = calloc(n, sizeof *results);
    if (args == NULL || results == NULL)
        runner_fail_now("the grader itself ran out of memory");
    for (size_t i = 0; i < n; i++)
        args[i] = (uintptr_t)mem[i];
    double seconds = timed_batch(t, OP_FREE, args, 0, n, results);
    free(args);
    free(results);
    return seconds;
}

double g_malloc_batch(struct grade_ctx *t, size_t req_bytes, char **mem, size_t n)
{
    uint64_t *results = calloc(n, sizeof *results);
    if (results == NULL)
        runner_fail_now("the grader itself ran out of memory");
    double seconds = timed_batch(t, OP_MALLOC, NULL, req_bytes, n, results);
    char what[64];
    snprintf(what, sizeof what, "malloc(%zu)", req_bytes);
    for (size_t i = 0; i < n; i++)
        mem[i] = remote_stage_checked_block(results[i], req_bytes, what);
    free(results);
    return seconds;
}

void *g_calloc(struct grade_ctx *t, size_t n, size_t elem_bytes)
{
    t->page->op++;
    return t->stage->calloc(n, elem_bytes);
}

int g_check(struct grade_ctx *t)
{
    t->page->op++;
    return t->stage->check();
}

/* ---- randomness and patterns ---------------------------------------------------------------------- */

uint64_t grade_random(uint64_t *state)
{
    /* splitmix64 (Steele, Lea and Flood): small, fast, and the same on every machine. */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

size_t grade_random_below(uint64_t *state, size_t n)
{
    return n == 0 ? 0 : (size_t)(grade_random(state) % n);
}

/* ---- live blocks ----------------------------------------------------------------------------------- */

/* The live node of items[i] covers what items[i] does. */
static void index_block(struct grade_blocks *b, size_t i)
{
    struct live_block *node = &b->live.blocks[i];
    node->mem = b->items[i].mem;
    node->bytes = b->items[i].bytes;
    live_insert(&b->live, (unsigned)i);
}

size_t blocks_overlapping(const struct grade_blocks *b, const void *mem, size_t bytes, size_t skip)
{
    if (b->count == 0)
        return SIZE_MAX;
    uintptr_t lo = (uintptr_t)mem, hi = lo + (bytes == 0 ? 1 : bytes);
    unsigned found = live_find_overlap(&b->live, lo, hi);
    /* Live blocks are disjoint: past skip, the only other candidate is the block just below it. */
    if (found != LIVE_NO_NODE && found == skip)
        found = live_find_overlap(&b->live, lo, live_block_start(&b->live.blocks[skip]));
    return found == LIVE_NO_NODE ? SIZE_MAX : found;
}

static bool check_new_block(struct grade_ctx *t, const struct grade_blocks *b, const char *what, void *mem,
                            size_t bytes, size_t skip)
{
    if (!b->ignore_alignment && (uintptr_t)mem % 16 != 0)
        return grade_fail(t, "expected a 16-byte aligned payload, %s returned %p (%zu bytes past a multiple of 16)",
                          what, mem, (size_t)((uintptr_t)mem % 16));
    size_t other = blocks_overlapping(b, mem, bytes, skip);
    if (other != SIZE_MAX) {
        const struct grade_block *o = &b->items[other];
        bool inside = (uintptr_t)mem >= (uintptr_t)o->mem && (uintptr_t)mem + bytes <= (uintptr_t)o->mem + o->bytes;
        return grade_fail(t, "expected a block apart from every live block, %s returned [%p, +%zu) which %s "
                          "the live block [%p, +%zu)", what, mem, bytes, inside ? "lies inside" : "overlaps",
                          (void *)o->mem, o->bytes);
    }
    return true;
}

static bool reserve_one(struct grade_blocks *b)
{
    if (b->count < b->cap)
        return true;
    size_t cap = b->cap == 0 ? 64 : 2 * b->cap;
    if (cap > UINT_MAX - 1)
        return false;
    struct grade_block *items = realloc(b->items, cap * sizeof *items);
    if (items == NULL)
        return false;
    b->items = items;
    if (b->cap == 0 && !live_init(&b->live, 0))
        return false;
    if (!live_grow(&b->live, (unsigned)b->cap, (unsigned)(cap - b->cap)))
        return false;
    b->cap = cap;
    return true;
}

void blocks_forget(struct grade_blocks *b, size_t i)
{
    size_t last = --b->count;
    live_remove(&b->live, (unsigned)i);
    if (i == last)
        return;
    live_remove(&b->live, (unsigned)last);
    b->items[i] = b->items[last];
    index_block(b, i);
}

size_t blocks_alloc(struct grade_ctx *t, struct grade_blocks *b, size_t bytes)
{
    if (!reserve_one(b)) {
        grade_fail(t, "the grader itself ran out of memory");
        return SIZE_MAX;
    }
    char what[48];
    snprintf(what, sizeof what, "malloc(%zu)", bytes);
    char *mem = g_malloc(t, bytes);
    if (mem == NULL) {
        grade_fail_alloc(t, what, bytes);
        return SIZE_MAX;
    }
    if (!check_new_block(t, b, what, mem, bytes, SIZE_MAX))
        return SIZE_MAX;
    uint64_t seed = ++b->next_seed * 0x2545f4914f6cdd1dull;
    replay_pattern_fill(mem, bytes, seed);
    b->items[b->count] = (struct grade_block){ mem, bytes, seed };
    index_block(b, b->count);
    return b->count++;
}

static bool verify_block(struct grade_ctx *t, const struct grade_block *blk, const char *when)
{
    size_t bad = replay_pattern_find_damage(blk->mem, blk->bytes, blk->seed);
    if (bad != SIZE_MAX)
        return grade_fail(t, "expected the %zu bytes written to the block at %p to be intact %s, byte %zu was "
                          "changed", blk->bytes, (void *)blk->mem, when, bad);
    return true;
}

bool blocks_free(struct grade_ctx *t, struct grade_blocks *b, size_t i)
{
    if (!verify_block(t, &b->items[i], "when it is freed"))
        return false;
    g_free(t, b->items[i].mem);
    blocks_forget(b, i);
    return true;
}

bool blocks_realloc(struct grade_ctx *t, struct grade_blocks *b, size_t i, size_t bytes)
{
    struct grade_block *blk = &b->items[i];
    if (!verify_block(t, blk, "before realloc"))
        return false;
    char what[64];
    snprintf(what, sizeof what, "realloc(%p, %zu)", (void *)blk->mem, bytes);
    char *mem = g_realloc(t, blk->mem, bytes);
    if (mem == NULL)
        return grade_fail_alloc(t, what, bytes);
    if (!check_new_block(t, b, what, mem, bytes, i))
        return false;
    size_t kept = blk->bytes < bytes ? blk->bytes : bytes;
    size_t bad = replay_pattern_find_damage(mem, kept, blk->seed);
    if (bad != SIZE_MAX)
        return grade_fail(t, "expected %s to keep the first %zu bytes, byte %zu differs", what, kept, bad);
    uint64_t seed = ++b->next_seed * 0x2545f4914f6cdd1dull;
    replay_pattern_fill(mem, bytes, seed);
    live_remove(&b->live, (unsigned)i);
    *blk = (struct grade_block){ mem, bytes, seed };
    index_block(b, i);
    return true;
}

bool blocks_keep(struct grade_ctx *t, struct grade_blocks *b, char *mem, size_t bytes, uint64_t seed)
{
    if (!reserve_one(b))
        return grade_fail(t, "the grader itself ran out of memory");
    replay_pattern_fill(mem, bytes, seed);
    b->items[b->count] = (struct grade_block){ mem, bytes, seed };
    index_block(b, b->count++);
    return true;
}

bool blocks_mix_step(struct grade_ctx *t, struct grade_blocks *b, uint64_t *rng, const struct blocks_mix *m)
{
    size_t r = grade_random_below(rng, 100);
    bool large = grade_random_below(rng, m->large_one_in) == 0;
    size_t bytes = 1 + grade_random_below(rng, large ? m->large_bytes : m->small_bytes);
    if (b->count > 0 && (r < m->free_below || b->count >= m->max_live))
        return blocks_free(t, b, grade_random_below(rng, b->count));
    if (b->count > 0 && r < m->realloc_below)
        return blocks_realloc(t, b, grade_random_below(rng, b->count), bytes);
    return blocks_alloc(t, b, bytes) != SIZE_MAX;
}

bool blocks_verify_all(struct grade_ctx *t, const struct grade_blocks *b)
{
    for (size_t i = 0; i < b->count; i++)
        if (!verify_block(t, &b->items[i], "while other blocks are allocated and freed"))
            return false;
    return true;
}

bool blocks_free_all(struct grade_ctx *t, struct grade_blocks *b)
{
    while (b->count > 0)
        if (!blocks_free(t, b, b->count - 1))
            return false;
    return true;
}

void blocks_release(struct grade_blocks *b)
{
    free(b->items);
    live_release(&b->live);
    *b = (struct grade_blocks){ 0 };
}

bool blocks_finish(struct grade_ctx *t, struct grade_blocks *b, bool ok)
{
    ok = ok && blocks_free_all(t, b);
    blocks_release(b);
    return ok;
}

/* ---- cost measurement ------------------------------------------------------------------------------ */

double grade_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double grade_median(double *values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
