/* batch_histogram.c: the text histogram of the class's totals (batch_class.h), after the CSV: the
 * count, mean and median, then ten bins of equal width from 0 to the maximum score, the last one
 * closed, each with a bar scaled to the tallest bin. With a perf group, the same of the perf index
 * (0 to 100) of the students it was measured for. */
#include "batch_class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BINS = 10, BAR = 40 };                       /* bins, and the width of the tallest bar */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of sorted[0..count), count > 0. */
static double median_of(const double *sorted, size_t count)
{
    return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

/* How many of totals[0..count) fall into each bin of [0, max]; returns the tallest count (at least 1). */
static size_t fill_bins(const double *totals, size_t count, double max, size_t bins[BINS])
{
    size_t tallest = 1;
    for (size_t i = 0; i < count; i++) {
        size_t bin = max > 0 ? (size_t)(totals[i] / max * BINS) : 0;
        if (bin >= BINS)
            bin = BINS - 1;
        bins[bin]++;
    }
    for (size_t k = 0; k < BINS; k++)
        if (bins[k] > tallest)
            tallest = bins[k];
    return tallest;
}

static void print_bar(FILE *out, size_t k, double max, size_t in_bin, size_t tallest)
{
    double lo = max * (double)k / BINS, hi = max * (double)(k + 1) / BINS;
    size_t bar = (in_bin * BAR + tallest - 1) / tallest;
    char bars[BAR + 1];
    memset(bars, '#', bar);
    bars[bar] = '\0';
    fprintf(out, "  %3zu-%3zu%%  %6.1f - %6.1f%s | %-*s %zu\n", k * 100 / BINS, (k + 1) * 100 / BINS, lo, hi,
            k + 1 == BINS ? "]" : ")", BAR, bars, in_bin);
}

/* The perf index of the students whose perf group was measured (the others: correctness first). */
static void print_perf_histogram(const struct batch *b, FILE *out)
{
    double *index = malloc(b->count * sizeof *index), sum = 0;
    size_t n = 0;
    for (size_t i = 0; index != NULL && i < b->count; i++)
        if (b->students[i].perf_measured) {
            index[n++] = b->students[i].perf_index;
            sum += b->students[i].perf_index;
        }
    if (index == NULL || n == 0) {
        fprintf(out, "\nPerf index: measured for no student (only a correct allocator is timed)\n");
        free(index);
        return;
    }
    qsort(index, n, sizeof *index, compare_doubles);
    size_t bins[BINS] = { 0 };
    size_t tallest = fill_bins(index, n, 100, bins);
    fprintf(out, "\nPerf index of %zu student%s (of %zu; 0-100): mean %.1f, median %.1f\n", n, n == 1 ? "" : "s",
            b->count, sum / (double)n, median_of(index, n));
    for (size_t k = 0; k < BINS; k++)
        print_bar(out, k, 100, bins[k], tallest);
    free(index);
}

void batch_print_histogram(const struct batch *b, FILE *out)
{
    if (b->count == 0) {
        fprintf(out, "no submissions in %s\n", b->dir);
        return;
    }
    double max = b->max_total;        /* without a complete report, the highest total stands in */
    double *totals = malloc(b->count * sizeof *totals);
    if (totals == NULL)
        return;
    double sum = 0;
    for (size_t i = 0; i < b->count; i++) {
        totals[i] = b->students[i].total;
        sum += totals[i];
        if (b->max_total == 0 && totals[i] > max)
            max = totals[i];
    }
    qsort(totals, b->count, sizeof *totals, compare_doubles);
    size_t bins[BINS] = { 0 };
    size_t tallest = fill_bins(totals, b->count, max, bins);
    fprintf(out, "\nTotals of %zu student%s, stage %d (max %.0f): mean %.1f, median %.1f\n", b->count,
            b->count == 1 ? "" : "s", b->stage, max, sum / (double)b->count, median_of(totals, b->count));
    for (size_t k = 0; k < BINS; k++)
        print_bar(out, k, max, bins[k], tallest);
    free(totals);
    if (b->has_perf)
        print_perf_histogram(b, out);
}
