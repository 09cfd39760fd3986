/* bench_svg.c: the scaling experiment as an SVG picture, written by hand (no plotting library).
 *
 * Two panels side by side, free on the left and malloc on the right; both axes logarithmic: the
 * number of free chunks (1 000 .. 100 000) across, nanoseconds per op up. A straight line rising
 * one decade per decade is O(n); a flat one is O(1). The O(1) lines still rise towards 100 000, and
 * the plot says why on itself: the heap outgrows the caches (its size at each k, and the machine's
 * last-level cache from sysfs), so each op's chunk at a random address costs cache and TLB misses,
 * while the chunks an op looks at stay a handful.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "chunk.h"

enum { PANEL_W = 420, PANEL_H = 320, MARGIN_L = 70, MARGIN_T = 70, MARGIN_B = 60, GAP = 60, LEGEND_H = 30,
       NOTE_H = 90 };

enum { SCALING_BLOCK_BYTES = 64 };   /* bench_scaling.c's blocks: 2k + 1 of them, every other one freed */

static const char *const colours[SCALING_TARGETS_MAX] = {
    "#d62728", "#1f77b4", "#2ca02c", "#7f7f7f", "#9467bd", "#ff7f0e", "#8c564b", "#17becf",
};

struct axes {
    double x0, y0;               /* the panel's top-left corner of the plot area */
    double lx_lo, lx_hi;         /* log10 range across */
    double ly_lo, ly_hi;         /* log10 range up */
};

static double px(const struct axes *a, double value)
{
    return a->x0 + (log10(value) - a->lx_lo) / (a->lx_hi - a->lx_lo) * PANEL_W;
}

static double py(const struct axes *a, double value)
{
    return a->y0 + PANEL_H - (log10(value) - a->ly_lo) / (a->ly_hi - a->ly_lo) * PANEL_H;
}

static double point_value(const struct scaling_point *p, bool free_panel)
{
    return free_panel ? p->free_ns : p->malloc_ns;
}

static void draw_panel(FILE *f, const struct axes *a, const char *title, bool free_panel,
                       const struct scaling_series *series, size_t series_count, size_t sizes)
{
    fprintf(f, "<rect x='%.1f' y='%.1f' width='%d' height='%d' fill='none' stroke='#333'/>\n", a->x0, a->y0,
            PANEL_W, PANEL_H);
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='15'>%s</text>\n", a->x0 + PANEL_W / 2.0,
            a->y0 - 12, title);
    /* Decades up the side, with grid lines. */
    for (int d = (int)ceil(a->ly_lo); d <= (int)floor(a->ly_hi); d++) {
        double y = py(a, pow(10, d));
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>\n", a->x0, y, a->x0 + PANEL_W, y);
        fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='end' font-size='12'>%g ns</text>\n", a->x0 - 6, y + 4,
                pow(10, d));
    }
    for (size_t s = 0; s < sizes; s++) {
        double x = px(a, (double)scaling_free_chunks[s]);
        fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>\n", x, a->y0, x, a->y0 + PANEL_H);
        fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='12'>%zu</text>\n", x,
                a->y0 + PANEL_H + 18, scaling_free_chunks[s]);
    }
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='12'>free chunks in the heap</text>\n",
            a->x0 + PANEL_W / 2.0, a->y0 + PANEL_H + 40);
    for (size_t i = 0; i < series_count; i++) {
        const char *colour = colours[i % SCALING_TARGETS_MAX];
        fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2' points='", colour);
        for (size_t s = 0; s < sizes; s++) {
            const struct scaling_point *p = &series[i].at[s];
            if (p->ok && point_value(p, free_panel) > 0)
                fprintf(f, "%.1f,%.1f ", px(a, (double)scaling_free_chunks[s]), py(a, point_value(p, free_panel)));
        }
        fprintf(f, "'/>\n");
        for (size_t s = 0; s < sizes; s++) {
            const struct scaling_point *p = &series[i].at[s];
            if (p->ok && point_value(p, free_panel) > 0)
                fprintf(f, "<circle cx='%.1f' cy='%.1f' r='4' fill='%s'><title>%s, %zu free chunks: %.1f ns</title>"
                           "</circle>\n",
                        px(a, (double)scaling_free_chunks[s]), py(a, point_value(p, free_panel)), colour,
                        series[i].name, scaling_free_chunks[s], point_value(p, free_panel));
        }
    }
}

/* Of this machine's caches (sysfs, cpu0), the largest one smaller than bytes, and its level; 0 when
 * none is (or sysfs cannot be read). */
static size_t cache_outgrown(double bytes, int *level)
{
    size_t best = 0;
    for (int index = 0; index < 8; index++) {
        char path[96], text[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t size = 0;
        if (fgets(text, sizeof text, f) != NULL) {
            char *unit;
            size_t n = strtoul(text, &unit, 10);
            size = *unit == 'K' ? n << 10 : *unit == 'M' ? n << 20 : n;
        }
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
        int lv = 0;
        if ((f = fopen(path, "r")) != NULL) {
            if (fscanf(f, "%d", &lv) != 1)
                lv = 0;
            fclose(f);
        }
        if ((double)size < bytes && size > best) {
            best = size;
            *level = lv;
        }
    }
    return best;
}

/* The heap of the experiment at k free chunks: 2k + 1 chunks of 64-byte blocks. */
static double heap_mib(size_t k)
{
    return (double)(2 * k + 1) * (double)chunk_bytes_for(SCALING_BLOCK_BYTES) / (double)(1 << 20);
}

/* On the plot: why the O(1) lines rise at large k (the cache), with this machine's numbers, and a
 * mark over the free panel's last decade. */
static void draw_cache_note(FILE *f, const struct axes *left, double y, size_t sizes)
{
    size_t k_lo = scaling_free_chunks[0], k_hi = scaling_free_chunks[sizes - 1];
    int level = 0;
    size_t cache = cache_outgrown(heap_mib(k_hi) * (1 << 20), &level);
    char cache_text[96] = "past the caches that hold the small heap";
    if (cache >= (1 << 20))
        snprintf(cache_text, sizeof cache_text, "more than this machine's %.0f MiB level-%d cache", (double)cache / (1 << 20),
                 level);
    else if (cache > 0)
        snprintf(cache_text, sizeof cache_text, "more than this machine's %zu KiB level-%d cache", cache >> 10, level);
    double x_mid = px(left, sqrt((double)scaling_free_chunks[sizes > 1 ? sizes - 2 : 0] * (double)k_hi));
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='12' fill='#555'>cache misses here</text>\n",
            x_mid, left->y0 + 16);
    fprintf(f, "<text x='%d' y='%.1f' font-size='13' font-weight='bold'>Why the O(1) lines (stages 4 and 5, the C "
               "library) still rise:</text>\n", MARGIN_L, y + 14);
    fprintf(f, "<text x='%d' y='%.1f' font-size='13'>not a longer walk: an op looks at a chunk and its two neighbours "
               "at any k. At k = %zu the heap is %.1f MiB and stays in the caches;</text>\n", MARGIN_L, y + 32, k_lo,
            heap_mib(k_lo));
    fprintf(f, "<text x='%d' y='%.1f' font-size='13'>at k = %zu it is %.1f MiB, %s,</text>\n", MARGIN_L, y + 50,
            k_hi, heap_mib(k_hi), cache_text);
    fprintf(f, "<text x='%d' y='%.1f' font-size='13'>so each op's chunk, at a random address, costs cache and TLB "
               "misses: memory's latency, not the algorithm's.</text>\n", MARGIN_L, y + 68);
}

int scaling_write_svg(const char *path, const struct scaling_series *series, size_t series_count, size_t sizes)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    /* One vertical range for both panels, whole decades around every measured value. */
    double lo = 1e300, hi = 0;
    for (size_t i = 0; i < series_count; i++)
        for (size_t s = 0; s < sizes; s++) {
            const struct scaling_point *p = &series[i].at[s];
            if (!p->ok)
                continue;
            for (int panel = 0; panel < 2; panel++) {
                double v = point_value(p, panel == 0);
                if (v > 0 && v < lo)
                    lo = v;
                if (v > hi)
                    hi = v;
            }
        }
    if (hi <= 0) {
        lo = 1;
        hi = 10;
    }
    struct axes left = {MARGIN_L, MARGIN_T, log10((double)scaling_free_chunks[0]) - 0.15,
                        log10((double)scaling_free_chunks[sizes - 1]) + 0.15, floor(log10(lo)),
                        ceil(log10(hi)) == floor(log10(lo)) ? floor(log10(lo)) + 1 : ceil(log10(hi))};
    struct axes right = left;
    right.x0 = MARGIN_L + PANEL_W + GAP + MARGIN_L;
    int width = 2 * (MARGIN_L + PANEL_W) + GAP + 20;
    int height = MARGIN_T + PANEL_H + MARGIN_B + LEGEND_H + NOTE_H + 10;

    fprintf(f, "<?xml version='1.0' encoding='UTF-8'?>\n");
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>\n", width,
            height);
    fprintf(f, "<rect width='100%%' height='100%%' fill='white'/>\n");
    fprintf(f, "<text x='%d' y='22' text-anchor='middle' font-size='16' font-weight='bold'>"
               "Cost per op against free chunks (log-log): a rising line is O(n), a flat one O(1)</text>\n",
            width / 2);
    draw_panel(f, &left, "free: a used chunk between two free ones", true, series, series_count, sizes);
    draw_panel(f, &right, "malloc: a request no free chunk fits", false, series, series_count, sizes);
    double legend_y = MARGIN_T + PANEL_H + MARGIN_B + 10;
    for (size_t i = 0; i < series_count; i++) {
        double x = MARGIN_L + 200.0 * (double)i;
        fprintf(f, "<rect x='%.1f' y='%.1f' width='14' height='14' fill='%s'/>\n", x, legend_y,
                colours[i % SCALING_TARGETS_MAX]);
        fprintf(f, "<text x='%.1f' y='%.1f' font-size='13'>%s</text>\n", x + 20, legend_y + 12, series[i].name);
    }
    draw_cache_note(f, &left, legend_y + LEGEND_H, sizes);
    fprintf(f, "</svg>\n");
    return fclose(f) == 0 ? 0 : -1;
}
