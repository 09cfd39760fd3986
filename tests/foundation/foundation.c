/* foundation.c: the foundation's promises, checked on one stage linked through its libheapmgr.a.
 *
 *   test-foundation stress     20 000 random malloc/free/realloc (1..20 000 bytes): alignment, no
 *                              overlap, intact payloads, heapmgr_check() == 0 after every operation
 *   test-foundation counters   the stage's system-call signature through the seam's counters
 *   test-foundation faults     a limited heap and failing seam calls give NULL and a valid heap
 *   test-foundation segv       a write one byte past the simulated break dies with SIGSEGV
 *
 * Prints "PASS <name>" or "FAIL <name>: <what was expected, what happened>" lines (tests/run-suites).
 * STAGE_NUMBER and STAGE_NAME come from the build (mk/foundation.mk).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heapmgr.h"
#include "heapwalk.h"
#include "held.h"
#include "os_sim.h"
#include "suite.h"

enum { STRESS_OPS = 20000, MAX_REQ_BYTES = 20000 };

static bool stage_walkable(void) { return STAGE_NUMBER >= 3 && STAGE_NUMBER <= 5; }

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* ---- stress ------------------------------------------------------------------------------------ */

/* Checks the heap after operation op; returns false with why filled in on the first problem. */
static bool heap_is_valid(size_t op, char *why, size_t why_cap)
{
    int violations = heapmgr_check();
    if (violations != 0) {
        snprintf(why, why_cap, "after operation %zu heapmgr_check() returned %d, expected 0", op, violations);
        return false;
    }
    struct heap_walk_report walk;
    if (stage_walkable() && heap_walk_seam(NULL, NULL, &walk) != 0) {
        snprintf(why, why_cap, "after operation %zu the generic heap walk found problems (%s, %zu adjacent free pairs, %zu footer mismatches)",
                 op, walk.tiling_broken ? walk.tiling_problem : "tiling intact", walk.adjacent_free_pairs, walk.footer_mismatches);
        return false;
    }
    return true;
}

/* One random operation on the held blocks; returns false with why filled in on the first problem. */
static bool random_op(struct held *h, size_t op, char *why, size_t why_cap)
{
    uint32_t choice = rng() % 10;
    if (h->set.count > 0 && choice < 4) {                                /* free */
        struct live_block b = held_take(h, rng() % h->set.count);
        size_t bad = held_damage(&b, b.bytes);
        if (bad != SIZE_MAX) {
            snprintf(why, why_cap, "operation %zu free(%zu-byte block): byte %zu was overwritten before the free", op, b.bytes, bad);
            return false;
        }
        heapmgr_free(b.mem);
        return true;
    }
    size_t req_bytes = 1 + rng() % MAX_REQ_BYTES;
    void *mem;
    if (h->set.count > 0 && choice < 6) {                                /* realloc */
        struct live_block old = held_take(h, rng() % h->set.count);
        size_t keep = old.bytes < req_bytes ? old.bytes : req_bytes;
        mem = heapmgr_realloc(old.mem, req_bytes);
        if (mem == NULL) {
            snprintf(why, why_cap, "operation %zu realloc(%zu bytes) returned NULL on an unlimited heap", op, req_bytes);
            return false;
        }
        struct live_block moved = old;
        moved.mem = mem;
        size_t bad = held_damage(&moved, keep);
        if (bad != SIZE_MAX) {
            snprintf(why, why_cap, "operation %zu realloc %zu -> %zu bytes: byte %zu not kept", op, old.bytes, req_bytes, bad);
            return false;
        }
    } else {                                                             /* malloc */
        mem = heapmgr_malloc(req_bytes);
        if (mem == NULL) {
            snprintf(why, why_cap, "operation %zu malloc(%zu) returned NULL on an unlimited heap", op, req_bytes);
            return false;
        }
    }
    if (!chunk_is_aligned(mem)) {
        snprintf(why, why_cap, "operation %zu returned %p, not 16-byte aligned", op, mem);
        return false;
    }
    const struct live_block *clash;
    if (!held_add(h, mem, req_bytes, &clash)) {
        snprintf(why, why_cap, "operation %zu returned [%p, +%zu) overlapping the live block [%p, +%zu)", op,
                 mem, req_bytes, clash->mem, clash->bytes);
        return false;
    }
    return true;
}

static void test_stress(void)
{
    struct held h;
    held_init(&h, STRESS_OPS);
    char why[256] = "";
    bool ok = true;
    for (size_t op = 1; ok && op <= STRESS_OPS; op++)
        ok = random_op(&h, op, why, sizeof why) && heap_is_valid(op, why, sizeof why);
    suite_verdict(ok, "stress_20000_random_ops", "%s", why);
    held_release(&h);
}

/* ---- counters ---------------------------------------------------------------------------------- */

static void test_counters_minimal(void)
{
    struct os_stats before = os_stats();
    size_t mallocs = 0;
    for (size_t i = 0; i < 1000; i++, mallocs++)
        heapmgr_free(heapmgr_malloc(1 + i % 100));
    struct os_stats after = os_stats();
    unsigned long moves = after.break_moves - before.break_moves;
    suite_verdict(moves == mallocs, "one_break_move_per_malloc", "expected %zu break moves for %zu mallocs, saw %lu",
           mallocs, mallocs, moves);
}

static void test_counters_pad(void)
{
    struct os_stats before = os_stats();
    size_t total_bytes = 0;
    for (size_t i = 0; i < 5000; i++) {
        size_t req_bytes = 1 + (i * 37) % 200;
        total_bytes += chunk_round_up(req_bytes);   /* every payload is 16-byte aligned */
        heapmgr_free(heapmgr_malloc(req_bytes));
    }
    struct os_stats after = os_stats();
    unsigned long calls = os_stats_calls(&after) - os_stats_calls(&before);
    unsigned long allowed = (unsigned long)(total_bytes / 8192) + 1 + 1;   /* + the first os_sbrk(0) */
    suite_verdict(calls <= allowed, "at_most_one_call_per_8192_bytes",
           "requested %zu bytes (each rounded up to 16): expected at most %lu seam calls, saw %lu", total_bytes, allowed, calls);
}

/* Stages 3-5: after a warm-up, a steady malloc/free cycle must not grow the heap at all. */
static void test_counters_reuse(void)
{
    void *held[200];
    size_t grown_after_warmup = 0;
    for (int round = 0; round < 50; round++) {
        struct os_stats before = os_stats();
        for (size_t i = 0; i < 200; i++)
            held[i] = heapmgr_malloc(16 + (i * 97) % 3000);
        for (size_t i = 0; i < 200; i++)
            heapmgr_free(held[(i * 7) % 200]);
        struct os_stats after = os_stats();
        if (round >= 2)
            grown_after_warmup += after.heap_bytes - before.heap_bytes;
    }
    suite_verdict(grown_after_warmup == 0, "reuses_freed_memory",
           "expected the heap to stop growing after 2 rounds of the same malloc/free cycle; it grew %zu bytes more",
           grown_after_warmup);
}

static void test_counters_mmap(void)
{
    struct os_stats before = os_stats();
    void *held[300];
    for (size_t i = 0; i < 300; i++)
        held[i] = heapmgr_malloc(1 + i * 131);
    struct os_stats mid = os_stats();
    for (size_t i = 0; i < 300; i++)
        heapmgr_free(held[i]);
    struct os_stats after = os_stats();
    suite_verdict(mid.mmap_calls - before.mmap_calls == 300, "one_mmap_per_malloc", "expected 300 os_mmap calls, saw %lu",
           mid.mmap_calls - before.mmap_calls);
    suite_verdict(after.munmap_calls - mid.munmap_calls == 300 && after.bad_munmaps == 0, "one_munmap_per_free",
           "expected 300 exact os_munmap calls, saw %lu (%lu of a wrong address or length)",
           after.munmap_calls - mid.munmap_calls, after.bad_munmaps);
    suite_verdict(after.mapped_bytes == 0 && after.mappings == 0, "all_mapped_bytes_returned",
           "expected 0 mapped bytes once everything is freed, %zu bytes in %zu mappings remain", after.mapped_bytes,
           after.mappings);
    suite_verdict(after.heap_bytes == 0, "no_heap_at_all", "expected the break never to move, heap is %zu bytes", after.heap_bytes);
}

static void test_counters(void)
{
    switch (STAGE_NUMBER) {
    case 1: test_counters_minimal(); break;
    case 2: test_counters_pad(); break;
    case 6: test_counters_mmap(); break;
    default: test_counters_reuse(); break;
    }
}

/* ---- faults ------------------------------------------------------------------------------------ */

/* Frees every held block after checking its contents; false when one was damaged. */
static bool free_all_intact(struct held *h)
{
    bool intact = true;
    while (h->set.count > 0) {
        struct live_block b = held_take(h, h->set.count - 1);
        intact = intact && held_damage(&b, b.bytes) == SIZE_MAX;
        heapmgr_free(b.mem);
    }
    return intact;
}

static void test_limit(void)
{
    enum { MALLOCS = 4000 };
    struct held h;
    held_init(&h, MALLOCS);
    os_sim_set_limit(2u << 20);                 /* 2 MiB of heap and mappings in all */
    size_t nulls = 0, op = 0;
    int bad_checks = 0;
    for (; op < MALLOCS && nulls < 50; op++) {
        void *mem = heapmgr_malloc(1 + rng() % 8000);
        bad_checks += heapmgr_check() != 0;
        if (mem == NULL) {
            nulls++;
            continue;
        }
        const struct live_block *clash;
        if (!held_add(&h, mem, 1 + rng() % 16, &clash))   /* fill only a little: the size is what counts */
            break;
    }
    bool intact = free_all_intact(&h);
    held_release(&h);
    bad_checks += heapmgr_check() != 0;
    os_sim_set_limit(0);
    suite_verdict(nulls > 0 && bad_checks == 0 && intact, "limited_heap_gives_null",
           "with a 2 MiB limit: expected malloc to return NULL and heapmgr_check() to stay 0 with blocks intact; "
           "saw %zu NULLs in %zu mallocs, %d failed checks, blocks %s", nulls, op, bad_checks, intact ? "intact" : "damaged");
}

static void test_fail_nth(void)
{
    enum { MALLOCS = 3000 };
    struct held h;
    held_init(&h, MALLOCS);
    size_t nulls = 0;
    int bad_checks = 0;
    char why[256] = "";
    bool ok = true;
    for (size_t op = 1; ok && op <= MALLOCS; op++) {
        os_sim_fail_nth(1 + op % 3);            /* one of the next three seam calls fails */
        size_t req_bytes = 1 + rng() % 12000;
        void *mem = heapmgr_malloc(req_bytes);
        os_sim_fail_nth(0);
        bad_checks += heapmgr_check() != 0;
        if (mem == NULL) {
            nulls++;
        } else {
            const struct live_block *clash;
            ok = held_add(&h, mem, req_bytes, &clash);
            if (!ok)
                snprintf(why, sizeof why, "operation %zu returned a block overlapping a live one after an injected failure", op);
        }
        if (ok && h.set.count > 0 && rng() % 2)
            heapmgr_free(held_take(&h, rng() % h.set.count).mem);
    }
    bool intact = free_all_intact(&h);
    held_release(&h);
    bad_checks += heapmgr_check() != 0;
    if (ok && (nulls == 0 || bad_checks != 0 || !intact))
        snprintf(why, sizeof why, "expected some NULLs, heapmgr_check() == 0 throughout and intact blocks; saw %zu NULLs, %d failed checks, blocks %s",
                 nulls, bad_checks, intact ? "intact" : "damaged");
    suite_verdict(ok && nulls > 0 && bad_checks == 0 && intact, "failed_seam_call_gives_null", "%s", why);
}

/* ---- segv -------------------------------------------------------------------------------------- */

/* Runs body in a child; returns the signal that ended it, or 0 when it exited normally. */
static int signal_of(void (*body)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void write_past_the_break(void)
{
    /* The simulated heap starts on a page boundary: a 4096-byte heap ends exactly at a page end. */
    char *old_break = os_sbrk(4096);
    old_break[4095] = 1;                        /* the last byte below the break: fine */
    volatile char *past = old_break + 4096;
    *past = 1;                                  /* one byte past the break: must fault */
}

static void write_past_a_stage_block(void)
{
    /* The first block of a fresh heap, sized so the stage's break lands on a page end. */
    void *mem = heapmgr_malloc(4096);
    volatile char *past = (char *)os_heap_end();
    if (mem == NULL || (uintptr_t)past % 4096 != 0)
        _exit(3);                               /* the break is not on a page end: nothing to show */
    *past = 1;
}

static void test_segv(void)
{
    int sig = signal_of(write_past_the_break);
    suite_verdict(sig == SIGSEGV, "write_past_break_faults", "expected SIGSEGV writing one byte past a page-end break, got %s",
           sig ? strsignal(sig) : "no signal");
    if (STAGE_NUMBER == 1) {
        sig = signal_of(write_past_a_stage_block);
        suite_verdict(sig == SIGSEGV, "write_past_malloc_block_faults",
               "expected SIGSEGV writing one byte past the break after malloc(4096), got %s", sig ? strsignal(sig) : "no signal");
    }
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    suite_name_prefix(STAGE_NAME "/");
    if (strcmp(what, "stress") == 0)
        test_stress();
    else if (strcmp(what, "counters") == 0)
        test_counters();
    else if (strcmp(what, "faults") == 0) {
        test_limit();
        test_fail_nth();
    } else if (strcmp(what, "segv") == 0)
        test_segv();
    else {
        fprintf(stderr, "usage: %s stress|counters|faults|segv\n", argv[0]);
        return 2;
    }
    return suite_exit_status();
}
