/* grade_lecture_cost.c: the lecture's cost claims, shown by scaling instead of by a stopwatch.
 *
 * A cost that is O(1) stays the same when the free list grows 500-fold; a cost that is O(n) grows
 * with it. Each measurement times a batch of operations with a short list (SHORT_LIST free chunks)
 * and with a long one (LONG_LIST), alternating, ROUNDS times, and compares the medians: the ratio
 * must be below CONSTANT_RATIO for O(1) and above LINEAR_RATIO for O(n). The true ratios are about 1
 * and several hundred, so both margins are wide, and the medians of several rounds keep a passing
 * interrupt from deciding anything. The timed operations run back to back inside the runner and are
 * timed by its CPU time as the kernel counts it (g_free_batch, g_malloc_batch).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "grade_lecture.h"
#include "grade_test.h"

enum { SHORT_LIST = 8, LONG_LIST = 4000, BATCH = 512, ROUNDS = 7 };
static const double CONSTANT_RATIO = 4.0, LINEAR_RATIO = 8.0;

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(char *const *)a, y = (uintptr_t)*(char *const *)b;
    return (x > y) - (x < y);
}

/* Allocates n blocks of bytes each, sorted by address into mem[]. The setup is untimed but runs as
 * one batch too: thousands of single calls would cost more than every measurement together. */
static bool allocate_sorted(struct grade_ctx *t, char **mem, size_t n, size_t bytes)
{
    g_malloc_batch(t, bytes, mem, n);
    for (size_t i = 0; i < n; i++)
        if (mem[i] == NULL) {
            for (size_t k = 0; k < n; k++)
                if (mem[k] != NULL)
                    g_free(t, mem[k]);
            return grade_fail_alloc(t, "malloc", bytes);
        }
    qsort(mem, n, sizeof *mem, by_address);
    return true;
}

/* Frees the blocks at even positions from..to-1 (sorted by address), highest address first, back to
 * back in the runner; returns the runner's CPU seconds for them. */
static double free_even_descending(struct grade_ctx *t, char **mem, size_t from, size_t to)
{
    char **even = malloc((to - from) / 2 * sizeof *even + sizeof *even);
    if (even == NULL)
        return grade_fail(t, "the grader itself ran out of memory"), 0;
    size_t n = 0;
    for (size_t i = to; i > from; i--)
        if ((i - 1) % 2 == 0)
            even[n++] = mem[i - 1];
    double seconds = g_free_batch(t, even, n);
    free(even);
    return seconds;
}

/* Frees the blocks at odd positions (the guards), lowest first, as one batch: each merges with freed
 * neighbours. */
static void free_odd_ascending(struct grade_ctx *t, char **mem, size_t n)
{
    char **odd = malloc(n / 2 * sizeof *odd + sizeof *odd);
    if (odd == NULL) {
        grade_fail(t, "the grader itself ran out of memory");
        return;
    }
    size_t count = 0;
    for (size_t i = 1; i < n; i += 2)
        odd[count++] = mem[i];
    g_free_batch(t, odd, count);
    free(odd);
}

/* Seconds per free of BATCH blocks lying above `holes` free chunks, each kept apart by a guard, so
 * that an address-ordered free walks past all of them. Negative after a failure. */
static double free_cost(struct grade_ctx *t, size_t holes)
{
    size_t n = 2 * (holes + BATCH);
    char **mem = malloc(n * sizeof *mem);
    if (mem == NULL) {
        grade_fail(t, "the grader itself ran out of memory");
        return -1;
    }
    if (!allocate_sorted(t, mem, n, 64)) {
        free(mem);
        return -1;
    }
    free_even_descending(t, mem, 0, 2 * holes);                  /* the list in front */
    double seconds = free_even_descending(t, mem, 2 * holes, n);  /* timed: the batch */
    free_odd_ascending(t, mem, n);                               /* all of it merges back */
    free(mem);
    return seconds / BATCH;
}

/* Seconds per malloc of BATCH small blocks whose exact size has free chunks, while `others` free
 * chunks of a larger size wait elsewhere. Negative after a failure. */
static double malloc_cost(struct grade_ctx *t, size_t others)
{
    size_t n_other = 2 * others, n_small = 2 * BATCH;
    char **other = malloc(n_other * sizeof *other), **small = malloc(n_small * sizeof *small);
    char **taken = malloc(BATCH * sizeof *taken);
    if (other == NULL || small == NULL || taken == NULL) {
        free(other);
        free(small);
        free(taken);
        grade_fail(t, "the grader itself ran out of memory");
        return -1;
    }
    double seconds = -1;
    if (allocate_sorted(t, small, n_small, 64)) {
        if (allocate_sorted(t, other, n_other, 400)) {
            free_even_descending(t, small, 0, n_small);
            free_even_descending(t, other, 0, n_other);
            seconds = g_malloc_batch(t, 64, taken, BATCH) / BATCH;
            size_t got = 0;
            while (got < BATCH && taken[got] != NULL)
                got++;
            if (got < BATCH) {
                grade_fail_alloc(t, "malloc", 64);
                seconds = -1;
            }
            for (size_t i = 0; i < BATCH; i++)
                if (taken[i] != NULL)
                    g_free(t, taken[i]);
            free_odd_ascending(t, other, n_other);
        }
        free_odd_ascending(t, small, n_small);
    }
    free(other);
    free(small);
    free(taken);
    return seconds;
}

/* The ratio of the medians, long list over short list; negative after a failure. */
static double cost_ratio(struct grade_ctx *t, double (*cost)(struct grade_ctx *t, size_t list), double *short_s,
                         double *long_s)
{
    double shorts[ROUNDS], longs[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        shorts[r] = cost(t, SHORT_LIST);
        longs[r] = shorts[r] < 0 ? -1 : cost(t, LONG_LIST);
        if (longs[r] < 0)
            return -1;
    }
    *short_s = grade_median(shorts, ROUNDS);
    *long_s = grade_median(longs, ROUNDS);
    double ratio = *long_s / (*short_s > 1e-9 ? *short_s : 1e-9);
    /* The measurement, for the report's output (the grader's note, not the submission's). */
    fprintf(stderr, "grader: %.0f ns per operation with %d free chunks, %.0f ns with %d: ratio %.1f (medians of %d)\n",
            *short_s * 1e9, SHORT_LIST, *long_s * 1e9, LONG_LIST, ratio, ROUNDS);
    return ratio;
}

bool lecture_free_walks_the_list(struct grade_ctx *t)
{
    double short_s, long_s, ratio = cost_ratio(t, free_cost, &short_s, &long_s);
    if (ratio < 0)
        return false;
    if (ratio < LINEAR_RATIO)
        return grade_fail(t, "expected free to walk the address-ordered list (O(n)): at least %.0fx the time per free "
                          "with %d free chunks in front as with %d, it took %.1fx (%.0f ns vs %.0f ns, medians of %d)",
                          LINEAR_RATIO, LONG_LIST, SHORT_LIST, ratio, long_s * 1e9, short_s * 1e9, ROUNDS);
    return true;
}

bool lecture_free_is_constant_time(struct grade_ctx *t)
{
    double short_s, long_s, ratio = cost_ratio(t, free_cost, &short_s, &long_s);
    if (ratio < 0)
        return false;
    if (ratio >= CONSTANT_RATIO)
        return grade_fail(t, "expected free to take O(1) time: under %.0fx the time per free with %d free chunks as "
                          "with %d, it took %.1fx (%.0f ns vs %.0f ns, medians of %d)", CONSTANT_RATIO, LONG_LIST,
                          SHORT_LIST, ratio, long_s * 1e9, short_s * 1e9, ROUNDS);
    return true;
}

bool lecture_malloc_search_is_bounded(struct grade_ctx *t)
{
    double short_s, long_s, ratio = cost_ratio(t, malloc_cost, &short_s, &long_s);
    if (ratio < 0)
        return false;
    if (ratio >= CONSTANT_RATIO)
        return grade_fail(t, "expected a small malloc whose bin has chunks to cost the same however many other free "
                          "chunks there are: under %.0fx the time with %d as with %d, it took %.1fx (%.0f ns vs %.0f "
                          "ns, medians of %d)", CONSTANT_RATIO, LONG_LIST, SHORT_LIST, ratio, long_s * 1e9,
                          short_s * 1e9, ROUNDS);
    return true;
}
