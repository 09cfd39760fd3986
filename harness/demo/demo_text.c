/* demo_text.c: the heap pictures in the terminal.
 *
 * A heap is drawn as one row of boxes, each a chunk (or block, or mapping), roughly to scale: every box
 * is wide enough for its label, and the columns left over are shared out in proportion to the bytes.
 * Under the row, each box's offset from the heap start. In plain text the fill says what a box is:
 *
 *   |h== p1 48 ==f|h.... free 96 ....f|xx p2 freed xx|~~ pad 8144 ~~|
 *    h, f: header and footer   = in use   . free   x freed, never reused   ~ pad
 */
#include "demo_text.h"

#include <stdlib.h>
#include <string.h>

#include "chunk.h"

enum { LABEL_BYTES = 48, MAX_WIDTH = 400 };

static const char *const RESET = "\033[0m";

/* The unit sizes and offsets are drawn in: 1 (bytes), or lecture mode's slide unit. Set by
 * demo_text_print for the run it draws, so that every label of one picture uses the same unit. */
static size_t shown_unit = 1;

static size_t shown(size_t bytes) { return bytes / shown_unit; }

struct look {
    char fill;
    const char *colour;          /* ANSI for the box's inside */
};

static struct look look_of(const struct demo_block *b)
{
    switch (b->kind) {
    case BLOCK_USED: return (struct look){'=', "\033[30;42m"};
    case BLOCK_FREE: return (struct look){'.', "\033[36m"};
    case BLOCK_FREED: return (struct look){'x', "\033[30;43m"};
    case BLOCK_PAD: return (struct look){'~', "\033[2m"};
    case BLOCK_HOLE: return (struct look){' ', "\033[2m"};
    default: return (struct look){'?', "\033[1;37;41m"};
    }
}

static void label_of(const struct demo_block *b, char *buf, size_t cap)
{
    switch (b->kind) {
    case BLOCK_USED:
        if (b->owner >= 0)
            snprintf(buf, cap, "p%d %zu", b->owner, shown(b->bytes));
        else
            snprintf(buf, cap, "used %zu", shown(b->bytes));
        break;
    case BLOCK_FREE: snprintf(buf, cap, "free %zu", shown(b->bytes)); break;
    case BLOCK_FREED:
        if (b->owner >= 0)
            snprintf(buf, cap, "p%d freed %zu", b->owner, shown(b->bytes));
        else
            snprintf(buf, cap, "freed %zu", shown(b->bytes));
        break;
    case BLOCK_PAD: snprintf(buf, cap, "pad %zu", shown(b->bytes)); break;
    case BLOCK_HOLE: snprintf(buf, cap, "unmapped %zu", shown(b->bytes)); break;
    default: snprintf(buf, cap, "broken %zu", shown(b->bytes)); break;
    }
}

static int tag_columns(const struct demo_block *b)
{
    return ((b->tags & BLOCK_HEADER) != 0) + ((b->tags & BLOCK_FOOTER) != 0);
}

/* The smallest box for b: its left border, h and f, the label with a space either side. */
static int min_columns(const struct demo_block *b)
{
    char label[LABEL_BYTES];
    label_of(b, label, sizeof label);
    return 1 + tag_columns(b) + (int)strlen(label) + 2;
}

/* Shares `width` columns among n boxes: each gets its minimum, the rest goes by bytes (largest
 * remainder, so the widths add up exactly). */
static void share_columns(const struct demo_block *b, size_t n, int width, int *cols)
{
    int total_min = 0;
    size_t total_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        cols[i] = min_columns(&b[i]);
        total_min += cols[i];
        total_bytes += b[i].bytes;
    }
    int extra = width - total_min;
    if (extra <= 0 || total_bytes == 0)
        return;
    int given = 0;
    double *rest = malloc(n * sizeof *rest);
    if (rest == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        double share = (double)extra * (double)b[i].bytes / (double)total_bytes;
        cols[i] += (int)share;
        given += (int)share;
        rest[i] = share - (int)share;
    }
    while (given < extra) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rest[i] > rest[best])
                best = i;
        cols[best]++;
        rest[best] = -1;
        given++;
    }
    free(rest);
}

static void put_repeat(FILE *out, char c, int n)
{
    for (int i = 0; i < n; i++)
        fputc(c, out);
}

static void draw_box(FILE *out, const struct demo_block *b, int cols, bool colour)
{
    struct look lk = look_of(b);
    char label[LABEL_BYTES];
    label_of(b, label, sizeof label);
    int inside = cols - 1 - tag_columns(b);
    int label_len = (int)strlen(label);
    int left = (inside - label_len) / 2, right = inside - label_len - left;
    fputc('|', out);
    if (b->tags & BLOCK_HEADER)
        fputs(colour ? "\033[1;33mh\033[0m" : "h", out);
    if (colour)
        fputs(lk.colour, out);
    put_repeat(out, lk.fill, left - 1);
    fputc(' ', out);
    fputs(label, out);
    fputc(' ', out);
    put_repeat(out, lk.fill, right - 1);
    if (colour)
        fputs(RESET, out);
    if (b->tags & BLOCK_FOOTER)
        fputs(colour ? "\033[1;33mf\033[0m" : "f", out);
}

/* The offsets under a row: each box's start under its left border, the row's end under the last
 * border; a number that would run into the next one is left out (the end always shows). */
static void draw_offsets(FILE *out, const struct demo_block *b, size_t n, const int *cols, const char *indent)
{
    char line[MAX_WIDTH + 64];
    int at = 0, total = 0;
    for (size_t i = 0; i < n; i++)
        total += cols[i];
    char end_label[32];
    snprintf(end_label, sizeof end_label, "%zu", shown(b[n - 1].offset + b[n - 1].bytes));
    int end_at = total;
    int len = total + (int)strlen(end_label) + 1;
    if (len > (int)sizeof line - 1)
        len = (int)sizeof line - 1;
    memset(line, ' ', (size_t)len);
    line[len] = '\0';
    int free_from = 0;
    for (size_t i = 0; i < n; i++) {
        char num[32];
        int w = snprintf(num, sizeof num, "%zu", shown(b[i].offset));
        if (at >= free_from && at + w < end_at && at + w < len) {
            memcpy(line + at, num, (size_t)w);
            free_from = at + w + 1;
        }
        at += cols[i];
    }
    if (end_at + (int)strlen(end_label) <= len)
        memcpy(line + end_at, end_label, strlen(end_label));
    /* trim trailing spaces */
    int last = len - 1;
    while (last >= 0 && line[last] == ' ')
        line[last--] = '\0';
    fprintf(out, "%s%s\n", indent, line);
}

/* Draws blocks as rows of boxes no wider than width; rows wrap when the labels do not fit. */
static void draw_blocks(FILE *out, const struct demo_block *b, size_t n, int width, bool colour, const char *indent)
{
    if (n == 0)
        return;
    int *cols = malloc(n * sizeof *cols);
    if (cols == NULL)
        return;
    size_t first = 0;
    while (first < n) {
        size_t last = first;
        int used = min_columns(&b[first]);
        while (last + 1 < n && used + min_columns(&b[last + 1]) < width) {
            last++;
            used += min_columns(&b[last]);
        }
        size_t count = last - first + 1;
        share_columns(b + first, count, width - 1, cols + first);
        fputs(indent, out);
        for (size_t i = first; i <= last; i++)
            draw_box(out, &b[i], cols[i], colour);
        fputs("|\n", out);
        draw_offsets(out, b + first, count, cols + first, indent);
        first = last + 1;
    }
    free(cols);
}

static void print_lists(FILE *out, const struct demo_run *run, const struct demo_step *s)
{
    bool bins = run->stage->number == 5, doubly = run->stage->number >= 4;
    const char *link = doubly ? " <-> " : " -> ";
    if (s->h.list_count == 0) {
        fprintf(out, "   %s\n", bins ? "bins: all empty" : "free list: empty (head = NULL)");
    } else if (!bins) {
        fprintf(out, "   free list%s:\n", run->stage->number == 3 ? " (sorted by address)" : "");
    } else {
        fprintf(out, "   bins (the non-empty ones, named by the chunk sizes they hold):\n");
    }
    for (size_t l = 0; l < s->h.list_count; l++) {
        const struct demo_list *L = &s->lists[l];
        if (bins) {
            char name[40];
            if (L->min_units == L->max_units)
                snprintf(name, sizeof name, "%zu units", L->min_units);
            else
                snprintf(name, sizeof name, "%zu..%zu units", L->min_units, L->max_units);
            fprintf(out, "     %-13s head", name);
        } else {
            fprintf(out, "     head");
        }
        for (size_t k = 0; k < L->count; k++) {
            size_t offset = s->links[L->first_link + k];
            const struct demo_block *b = demo_find_block(s, offset);
            fprintf(out, "%s[at %zu, %zu %s]", k == 0 ? " -> " : link, shown(offset), b ? shown(b->bytes) : 0,
                    shown_unit > 1 ? "u" : "B");
        }
        if (L->cut)
            fprintf(out, "%s...", link);
        if (L->bad_end) {
            if (L->bad_target == SIZE_MAX)
                fprintf(out, " -> ?? (points outside the heap)\n");
            else
                fprintf(out, " -> ?? (offset %zu: not a free chunk, or a cycle)\n", L->bad_target);
        } else {
            fprintf(out, " -> NULL\n");
        }
    }
    if (s->h.lists_omitted > 0)
        fprintf(out, "     ... and %zu more lists\n", s->h.lists_omitted);
    if (s->h.unlisted_free > 0)
        fprintf(out, "   !! %zu free chunk%s on no list\n", s->h.unlisted_free, s->h.unlisted_free == 1 ? "" : "s");
}

static void print_result(FILE *out, const struct demo_step *s)
{
    if (s->h.op.kind == TRACE_FREE)
        return;
    if (s->h.result_null)
        fprintf(out, "   -> NULL");
    else if (s->h.result_space == SPACE_HEAP)
        fprintf(out, "   -> p%u = heap start + %zu", s->h.op.id, shown(s->h.result_offset));
    else if (s->h.result_space == SPACE_MAP)
        fprintf(out, "   -> p%u = first mapping + %zu", s->h.op.id, s->h.result_offset);
    else
        fprintf(out, "   -> p%u outside the heap and the mappings", s->h.op.id);
}

/* The heap, the mappings and the lists of one picture. */
static void print_picture(FILE *out, const struct demo_run *run, const struct demo_step *s,
                          const struct demo_text_options *o)
{
    bool has_heap = s->h.block_count > 0;
    if (has_heap) {
        fprintf(out, "   heap: %zu %s from the heap start to the break\n", shown(s->h.heap_bytes),
                shown_unit > 1 ? "units" : "bytes");
        draw_blocks(out, s->blocks, s->h.block_count, o->width, o->colour, "   ");
        if (s->h.blocks_omitted > 0)
            fprintf(out, "   ... and %zu more chunks\n", s->h.blocks_omitted);
        if (run->stage->number == 2) {
            /* Pad's two pointers, as its slide marks them: the pad runs from pPad to pBrk */
            const struct demo_block *last = &s->blocks[s->h.block_count - 1];
            size_t pad_at = last->kind == BLOCK_PAD ? last->offset : s->h.heap_bytes;
            fprintf(out, "   pPad = heap start + %zu, pBrk = heap start + %zu (the break)\n", shown(pad_at),
                    shown(s->h.heap_bytes));
        }
    } else if (s->h.map_count == 0 && run->stage->number != 6) {
        fprintf(out, "   heap: empty\n");
    }
    if (s->h.map_count > 0) {
        fprintf(out, "   mappings: %zu live, %zu bytes (offsets from the first mapping)\n", s->h.after.mappings,
                s->h.after.mapped_bytes);
        draw_blocks(out, s->maps, s->h.map_count, o->width, o->colour, "   ");
        if (s->h.maps_omitted > 0)
            fprintf(out, "   ... and %zu more mappings\n", s->h.maps_omitted);
    } else if (run->stage->number == 6) {
        fprintf(out, "   mappings: none\n");
    }
    if (run->stage->walkable)
        print_lists(out, run, s);
}

static void print_step(FILE *out, const struct demo_run *run, size_t i, const struct demo_text_options *o)
{
    const struct demo_step *s = &run->steps[i];
    char statement[64], calls[160];
    demo_statement(&s->h.op, statement, sizeof statement);
    fprintf(out, "\n%s[%zu/%zu] %s%s", o->colour ? "\033[1m" : "", i + 1, run->seq->op_count, statement,
            o->colour ? RESET : "");
    print_result(out, s);
    fputc('\n', out);

    if (s->sub_count > 0) {
        fprintf(out, "   (the stage does this in one call; the sub-steps are drawn from the pictures before and after)\n");
        for (size_t k = 0; k < s->sub_count; k++) {
            fprintf(out, "   %s%s%s\n", o->colour ? "\033[1;34m" : "", s->subs[k].caption, o->colour ? RESET : "");
            print_picture(out, run, &s->subs[k], o);
        }
    } else {
        print_picture(out, run, s, o);
    }
    demo_syscalls_text(s, calls, sizeof calls);
    fprintf(out, "   system calls: %s\n", calls);
    fprintf(out, "   %swhat happened:%s %s\n", o->colour ? "\033[1;35m" : "", o->colour ? RESET : "", s->story);
    if (run->opts.lecture)
        fprintf(out, "   %sslide:%s %s\n", o->colour ? "\033[1;34m" : "", o->colour ? RESET : "", s->caption);
}

void demo_text_print_captions(FILE *out, const struct demo_run *run)
{
    fprintf(out, "stage %d (%s): %s\n", run->stage->number, run->stage->lecture_name, run->seq->name);
    for (size_t i = 0; i < run->step_count; i++) {
        char statement[64];
        demo_statement(&run->steps[i].h.op, statement, sizeof statement);
        for (size_t k = 0; k < run->steps[i].sub_count; k++)
            fprintf(out, "[%zu/%zu] %s, %s\n", i + 1, run->seq->op_count, statement, run->steps[i].subs[k].caption);
        fprintf(out, "[%zu/%zu] %s: %s\n", i + 1, run->seq->op_count, statement, run->steps[i].caption);
    }
    if (run->failure[0] != '\0')
        fprintf(out, "!! %s\n", run->failure);
}

void demo_text_print(FILE *out, const struct demo_run *run, const struct demo_text_options *opts)
{
    struct demo_text_options o = *opts;
    if (o.width < 40)
        o.width = 40;
    if (o.width > MAX_WIDTH)
        o.width = MAX_WIDTH;
    fprintf(out, "%sstage %d (%s): %s%s\n", o.colour ? "\033[1;4m" : "", run->stage->number, run->stage->lecture_name,
            run->seq->name, o.colour ? RESET : "");
    fprintf(out, "%s; %zu operations\n", run->seq->title, run->seq->op_count);
    shown_unit = run->opts.unit_bytes > 1 ? run->opts.unit_bytes : 1;
    char units[64] = "sizes in bytes";
    if (shown_unit > 1)
        snprintf(units, sizeof units, "sizes and offsets in %zu-byte units", shown_unit);
    if (run->opts.lecture)
        fprintf(out, "lecture mode: the heap grows by exactly what is missing; malloc(n) asks for n %s\n",
                shown_unit > 1 ? "units" : "bytes");
    if (run->stage->walkable)
        fprintf(out, "key: |h ... f| a chunk with header and footer;  = in use  . free;  %s\n", units);
    else if (run->stage->number == 6)
        fprintf(out, "key: |h ... | a mapping with its header;  %s\n", units);
    else
        fprintf(out, "key: = in use  x freed (never reused)  ~ pad up to the break;  %s\n", units);
    for (size_t i = 0; i < run->step_count; i++) {
        if (o.step && i > 0 && o.pause_from != NULL) {
            fprintf(stderr, "-- Enter for the next step --");
            fflush(stderr);
            int c;
            while ((c = fgetc(o.pause_from)) != EOF && c != '\n')
                continue;
        }
        print_step(out, run, i, &o);
        fflush(out);
    }
    if (run->failure[0] != '\0')
        fprintf(out, "\n!! %s\n", run->failure);
}
