/* grade_api_seam.c: api.* tests of the seam failing under the stage: system calls that fail in the
 * middle of malloc, free and realloc, and another user of the heap moving the break between mallocs. */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "grade_api.h"
#include "os_sim.h"
#include "replay_pattern.h"

/* Bytes the grader took by moving the break itself, as a second allocator in the process would. */
struct foreign {
    char *mem[4];
    size_t bytes[4];
    size_t count;
};

static bool take_foreign(struct grade_ctx *t, struct foreign *f, size_t bytes)
{
    char *mem = os_sbrk((intptr_t)bytes);
    if (mem == (void *)-1)
        return grade_fail(t, "the grader could not move the break up by %zu bytes itself", bytes);
    f->mem[f->count] = mem;
    f->bytes[f->count] = bytes;
    replay_pattern_fill(mem, bytes, 0xf0 + f->count);
    f->count++;
    return true;
}

static bool foreign_intact(struct grade_ctx *t, const struct foreign *f)
{
    for (size_t i = 0; i < f->count; i++) {
        size_t bad = replay_pattern_find_damage(f->mem[i], f->bytes[i], 0xf0 + i);
        if (bad != SIZE_MAX)
            return grade_fail(t, "expected the %zu bytes the grader took by moving the break itself (at %p) to be "
                              "left alone, byte %zu was changed", f->bytes[i], (void *)f->mem[i], bad);
    }
    return true;
}

/* Adds mem, a block of bytes from `what`, to b after checking it: 16-byte aligned, clear of the
 * grader's own bytes and of every live block; then fills it. */
static bool adopt(struct grade_ctx *t, struct grade_blocks *b, const struct foreign *f, char *mem, size_t bytes,
                  const char *what)
{
    if ((uintptr_t)mem % CHUNK_ALIGN != 0)
        return grade_fail(t, "expected %s to return a 16-byte aligned pointer, it returned %p", what, (void *)mem);
    for (size_t i = 0; i < f->count; i++)
        if (mem < f->mem[i] + f->bytes[i] && f->mem[i] < mem + bytes)
            return grade_fail(t, "expected %s to return a block clear of the %zu bytes at %p that another user "
                              "of the heap took by moving the break, it returned [%p, +%zu)", what, f->bytes[i],
                              (void *)f->mem[i], (void *)mem, bytes);
    size_t other = blocks_overlapping(b, mem, bytes, SIZE_MAX);
    if (other != SIZE_MAX)
        return grade_fail(t, "expected %s to return a new block, it returned [%p, +%zu), which overlaps the live "
                          "block [%p, +%zu)", what, (void *)mem, bytes, (void *)b->items[other].mem,
                          b->items[other].bytes);
    return blocks_keep(t, b, mem, bytes, ++b->next_seed * 0x9e3779b97f4a7c15ull);
}

/* One malloc with the nth system call from now failing (0: none): NULL, or a block adopt accepts. */
static bool malloc_failing(struct grade_ctx *t, struct grade_blocks *b, const struct foreign *f, size_t bytes,
                           unsigned long nth)
{
    char what[80];
    if (nth > 0)
        snprintf(what, sizeof what, "malloc(%zu) with system call %lu failing", bytes, nth);
    else
        snprintf(what, sizeof what, "malloc(%zu)", bytes);
    os_sim_fail_nth(nth);
    char *mem = g_malloc(t, bytes);
    os_sim_fail_nth(0);
    return mem == NULL || adopt(t, b, f, mem, bytes, what);
}

/* Stages 1, 2 and 6 document a break moved up by someone else as no violation; stages 3-5 report
 * it (checker.detects_break_moved_up). */
static bool foreign_break_is_valid(const struct grade_ctx *t) { return !t->stage->walkable; }

/* The other user's bytes and every live block are intact; where a foreign break is valid, the
 * stage's own checker agrees. */
static bool all_intact(struct grade_ctx *t, const struct grade_blocks *b, const struct foreign *f)
{
    if (!foreign_intact(t, f) || !blocks_verify_all(t, b))
        return false;
    return !foreign_break_is_valid(t) ||
           api_expect_valid(t, "after another user moved the break up (the stage's README allows it)");
}

/* The end of a test of a misbehaving seam: the phase is over, every block is freed. */
static bool end_of_test(struct grade_ctx *t, struct grade_blocks *b, bool ok)
{
    grade_phase(t, "");
    return blocks_finish(t, b, ok);
}

/* Another user of the heap moves the break between mallocs (a program calling sbrk itself under
 * LD_PRELOAD). Each malloc returns NULL (stages 3-5 by their READMEs) or a block clear of that
 * user's bytes; their bytes and every earlier block stay intact; with a failing system call, or a
 * size limit, in the middle of such a grow, malloc returns NULL or a usable block too. Stages 3-5:
 * once the grader gives its bytes back, the heap is as before: heapmgr_check() == 0 and growing works. */
bool api_break_moved_by_another(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    struct foreign f = { .count = 0 };
    bool ok = blocks_alloc(t, &b, 100) != SIZE_MAX && blocks_alloc(t, &b, 3000) != SIZE_MAX;
    grade_phase(t, "after another user of the heap moved the break");
    ok = ok && take_foreign(t, &f, 48);
    static const size_t sizes[] = { 300000, 40, 2000 };
    for (size_t i = 0; i < 3 && ok; i++)
        ok = malloc_failing(t, &b, &f, sizes[i], 0);
    ok = ok && all_intact(t, &b, &f);
    if (ok && !foreign_break_is_valid(t) && (char *)os_heap_end() == f.mem[0] + f.bytes[0]) {
        /* Stages 3-5 left the break to the other user, who now gives its bytes back: the heap is as
         * it was, so the checker is content again and the heap grows again. */
        grade_phase(t, "after the other user gave its bytes back");
        if (os_sbrk(-(intptr_t)f.bytes[0]) == (void *)-1)
            ok = grade_fail(t, "the grader could not move the break back down by %zu bytes", f.bytes[0]);
        f.count = 0;
        ok = ok && api_expect_valid(t, "once the break is back where the stage left it");
        char *mem = ok ? g_malloc(t, 300000) : NULL;
        if (ok && mem == NULL)
            ok = grade_fail_alloc(t, "malloc(300000) once the break is back where the stage left it", 300000);
        ok = ok && adopt(t, &b, &f, mem, 300000, "malloc(300000)");
        grade_phase(t, "after another user of the heap moved the break");
    }
    /* Again, with the second system call of the grow failing, then under a size limit that refuses
     * the last 4096 bytes of the request with the third call failing too. */
    ok = ok && take_foreign(t, &f, 32) && malloc_failing(t, &b, &f, 300000, 2);
    ok = ok && take_foreign(t, &f, 16);
    if (ok) {
        struct os_stats s = os_stats();
        os_sim_set_limit(s.heap_bytes + s.mapped_bytes + 300000 - 4096);
        ok = malloc_failing(t, &b, &f, 300000, 3);
        os_sim_set_limit(t->memory_limit);
    }
    ok = ok && malloc_failing(t, &b, &f, 300000, 0) && all_intact(t, &b, &f);
    return end_of_test(t, &b, ok);
}

/* On a fresh heap: the very first system call fails; another user leaves the break unaligned (24
 * bytes); the second call of the first grow fails; the break moves again. Every malloc returns NULL
 * or an aligned block clear of the other user's bytes, which stay intact. */
bool api_seam_fails_on_first_malloc(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    struct foreign f = { .count = 0 };
    bool ok = malloc_failing(t, &b, &f, 100, 1);
    /* The seam works again: the next malloc must give a block (so that a stub returning NULL to
     * every call does not pass a test about coping with failure). */
    char *mem = ok ? g_malloc(t, 100) : NULL;
    if (ok && mem == NULL)
        ok = grade_fail_alloc(t, "malloc(100) after the failed one, with the seam working again", 100);
    ok = ok && adopt(t, &b, &f, mem, 100, "malloc(100)");
    grade_phase(t, "after another user of the heap moved the break");
    ok = ok && take_foreign(t, &f, 24) && malloc_failing(t, &b, &f, 100, 2);
    ok = ok && take_foreign(t, &f, 16);
    for (int i = 0; i < 3 && ok; i++)
        ok = malloc_failing(t, &b, &f, 100 + 900 * (size_t)i, 0);
    ok = ok && all_intact(t, &b, &f);
    return end_of_test(t, &b, ok);
}

/* free with the next system call failing (stage 6: os_munmap refused): free must cope; every other
 * block stays intact, heapmgr_check() == 0, and allocation goes on. */
bool api_free_when_a_call_fails(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t i = 0; i < 10 && ok; i++)
        ok = blocks_alloc(t, &b, 100 + 2500 * i) != SIZE_MAX;
    grade_phase(t, "with a failing system call");
    for (int round = 0; round < 3 && ok; round++) {
        os_sim_fail_nth(1);
        ok = blocks_free(t, &b, (size_t)round * 2);
        os_sim_fail_nth(0);
        ok = ok && blocks_verify_all(t, &b) && api_expect_valid(t, "after a free whose system call failed");
    }
    grade_phase(t, "");
    return api_allocation_goes_on(t, &b, 6000, ok);
}

/* realloc growing the last block (which some stages grow in place by moving the break) with the
 * nth system call failing: NULL with the old block intact, or the new block holding the old bytes. */
bool api_realloc_when_a_call_fails(struct grade_ctx *t)
{
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, &b, 1000) != SIZE_MAX && blocks_alloc(t, &b, 2000) != SIZE_MAX;
    grade_phase(t, "with a failing system call");
    for (unsigned long nth = 1; nth <= 3 && ok; nth++) {
        struct grade_block *last = &b.items[b.count - 1];
        size_t bytes = last->bytes * 3;
        os_sim_fail_nth(nth);
        char *moved = g_realloc(t, last->mem, bytes);
        os_sim_fail_nth(0);
        if (moved == NULL) {
            ok = blocks_verify_all(t, &b);
        } else {
            size_t bad = replay_pattern_find_damage(moved, last->bytes, last->seed);
            if (bad != SIZE_MAX) {
                ok = grade_fail(t, "expected realloc(p, %zu) with system call %lu failing to keep the %zu old bytes, "
                                "byte %zu was changed", bytes, nth, last->bytes, bad);
            } else {
                blocks_forget(&b, b.count - 1);
                char what[80];
                snprintf(what, sizeof what, "realloc(p, %zu) with system call %lu failing", bytes, nth);
                ok = adopt(t, &b, &(struct foreign){ .count = 0 }, moved, bytes, what);
            }
        }
        ok = ok && blocks_verify_all(t, &b) && api_expect_valid(t, "after a realloc with a failing system call");
        ok = ok && blocks_alloc(t, &b, 500) != SIZE_MAX && blocks_alloc(t, &b, 1500 * nth) != SIZE_MAX;
    }
    return end_of_test(t, &b, ok);
}
