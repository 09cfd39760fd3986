/* demo_html.c: writes a demo as one HTML file.
 *
 * The snapshots go into the page as JSON in a <script type="application/json"> element; the page's
 * own script (demo_html_page.c) draws the step the slider points at. Every string from outside (file
 * names, statements, stories) is escaped for JSON, and '<', '>' and '&' as \u escapes, so no text can
 * close the script element; the script puts text into the page with textContent only.
 */
#include "demo_html.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"

/* Text for HTML element content or attribute values. */
static void html_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *kind_name(unsigned char kind)
{
    static const char *const names[] = {"used", "free", "freed", "pad", "hole", "bad"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : "bad";
}

/* Where each pointer's block was when it was last in use, so a free chunk can name the pointers that
 * were freed into it (the picture strikes their names through). */
struct last_seen {
    size_t offset, bytes;
    bool seen;
};

/* The ids whose last block lies inside the free block f and which hold no block now, as "was":[...]. */
static void json_was(FILE *out, const struct demo_block *f, const struct demo_step *s, const struct last_seen *seen,
                     unsigned ids)
{
    bool any = false;
    for (unsigned id = 0; id < ids; id++) {
        if (!seen[id].seen || seen[id].offset < f->offset || seen[id].offset + seen[id].bytes > f->offset + f->bytes)
            continue;
        bool live = false;
        for (size_t i = 0; i < s->h.block_count && !live; i++)
            live = s->blocks[i].owner == (int)id && s->blocks[i].kind == BLOCK_USED;
        if (live)
            continue;
        fprintf(out, "%s%u", any ? "," : ",\"was\":[", id);
        any = true;
    }
    if (any)
        fputc(']', out);
}

static void json_blocks(FILE *out, const struct demo_block *b, size_t n, const struct demo_step *s,
                        const struct last_seen *seen, unsigned ids)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s{\"o\":%zu,\"b\":%zu,\"k\":\"%s\",\"own\":%d,\"req\":%zu,\"h\":%d,\"f\":%d", i ? "," : "",
                b[i].offset, b[i].bytes, kind_name(b[i].kind), b[i].owner, b[i].req_bytes,
                (b[i].tags & BLOCK_HEADER) != 0, (b[i].tags & BLOCK_FOOTER) != 0);
        if (seen != NULL && b[i].kind == BLOCK_FREE)
            json_was(out, &b[i], s, seen, ids);
        fputc('}', out);
    }
    fputc(']', out);
}

static void json_lists(FILE *out, const struct demo_step *s);

static void json_step(FILE *out, const struct demo_step *s, const struct last_seen *seen, unsigned ids,
                      size_t unit_bytes)
{
    char text[160];
    demo_statement(&s->h.op, text, sizeof text);
    fputs("{\"statement\":", out);
    json_write_string(out, text);
    if (s->h.op.kind == TRACE_FREE)
        text[0] = '\0';
    else if (s->h.result_null)
        snprintf(text, sizeof text, "NULL");
    else if (s->h.result_space == SPACE_HEAP)
        snprintf(text, sizeof text, "p%u = heap start + %zu", s->h.op.id, s->h.result_offset / unit_bytes);
    else if (s->h.result_space == SPACE_MAP)
        snprintf(text, sizeof text, "p%u = first mapping + %zu", s->h.op.id, s->h.result_offset);
    else
        snprintf(text, sizeof text, "p%u outside the heap", s->h.op.id);
    fputs(",\"result\":", out);
    json_write_string(out, text);
    fputs(",\"story\":", out);
    json_write_string(out, s->story);
    fputs(",\"caption\":", out);
    json_write_string(out, s->caption);
    demo_syscalls_text(s, text, sizeof text);
    fputs(",\"syscalls\":", out);
    json_write_string(out, text);
    fprintf(out, ",\"heapBytes\":%zu,\"mapped\":%zu,\"mappings\":%zu,\"omitted\":%zu,\"unlisted\":%zu,\"listsOmitted\":%zu",
            s->h.heap_bytes, s->h.after.mapped_bytes, s->h.after.mappings, s->h.blocks_omitted + s->h.maps_omitted,
            s->h.unlisted_free, s->h.lists_omitted);
    char walk[96];
    demo_walk_text(&s->h.walk, walk, sizeof walk);
    fputs(",\"problem\":", out);
    json_write_string(out, walk);
    fputs(",\"blocks\":", out);
    json_blocks(out, s->blocks, s->h.block_count, s, seen, ids);
    fputs(",\"maps\":", out);
    json_blocks(out, s->maps, s->h.map_count, s, NULL, ids);
    fputs(",\"lists\":", out);
    json_lists(out, s);
    if (s->sub_count > 0) {
        /* the List slides' sub-steps of this call (demo_substeps.c), the last one the real picture */
        fputs(",\"subs\":[", out);
        for (size_t k = 0; k < s->sub_count; k++) {
            const struct demo_step *sub = &s->subs[k];
            fprintf(out, "%s{\"caption\":", k ? "," : "");
            json_write_string(out, sub->caption);
            fprintf(out, ",\"heapBytes\":%zu,\"blocks\":", sub->h.heap_bytes);
            json_blocks(out, sub->blocks, sub->h.block_count, sub, seen, ids);
            fputs(",\"lists\":", out);
            json_lists(out, sub);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

/* The free lists or bins of s, each with its links (chunk offsets, head first). */
static void json_lists(FILE *out, const struct demo_step *s)
{
    fputc('[', out);
    for (size_t l = 0; l < s->h.list_count; l++) {
        const struct demo_list *L = &s->lists[l];
        fprintf(out, "%s{\"min\":%zu,\"max\":%zu,\"cut\":%s,\"bad\":%s,\"badTarget\":%ld,\"links\":[", l ? "," : "",
                L->min_units, L->max_units, L->cut ? "true" : "false", L->bad_end ? "true" : "false",
                L->bad_end && L->bad_target != SIZE_MAX ? (long)L->bad_target : -1L);
        for (size_t k = 0; k < L->count; k++)
            fprintf(out, "%s%zu", k ? "," : "", s->links[L->first_link + k]);
        fputs("]}", out);
    }
    fputc(']', out);
}

static void json_run(FILE *out, const struct demo_run *run)
{
    const struct stage *st = run->stage;
    fprintf(out, "{\"stage\":%d,\"name\":", st->number);
    json_write_string(out, st->lecture_name);
    fputs(",\"folder\":", out);
    json_write_string(out, st->folder);
    fprintf(out, ",\"chunks\":%s,\"lists\":\"%s\"", st->walkable ? "true" : "false",
            st->number == 5 ? "bins" : st->number == 4 ? "doubly" : st->number == 3 ? "sorted" : "none");
    fputs(",\"failure\":", out);
    json_write_string(out, run->failure);
    fprintf(out, ",\"unit\":%zu,\"lecture\":%s", run->opts.unit_bytes > 1 ? run->opts.unit_bytes : 1,
            run->opts.lecture ? "true" : "false");
    fputs(",\"steps\":[", out);
    unsigned ids = run->seq->ids;
    struct last_seen *seen = calloc(ids + 1, sizeof *seen);
    for (size_t i = 0; i < run->step_count; i++) {
        const struct demo_step *s = &run->steps[i];
        if (i > 0)
            fputs(",\n", out);
        json_step(out, s, seen, seen != NULL ? ids : 0, run->opts.unit_bytes > 1 ? run->opts.unit_bytes : 1);
        for (size_t k = 0; seen != NULL && k < s->h.block_count; k++)
            if (s->blocks[k].kind == BLOCK_USED && s->blocks[k].owner >= 0 && (unsigned)s->blocks[k].owner < ids)
                seen[s->blocks[k].owner] = (struct last_seen){s->blocks[k].offset, s->blocks[k].bytes, true};
    }
    free(seen);
    fputs("]}", out);
}

int demo_html_write(const char *path, const struct demo_run *runs, size_t run_count)
{
    struct demo_html_options none = {0};
    return demo_html_write_with(path, runs, run_count, &none);
}

int demo_html_write_with(const char *path, const struct demo_run *runs, size_t run_count,
                         const struct demo_html_options *opts)
{
    if (run_count == 0)
        return -1;
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -1;
    const struct demo_sequence *seq = runs[0].seq;
    char title[200];
    if (run_count == 1)
        snprintf(title, sizeof title, "heapkit demo: stage %d (%s), %s", runs[0].stage->number,
                 runs[0].stage->lecture_name, seq->name);
    else
        snprintf(title, sizeof title, "heapkit demo: %s on %zu stages", seq->name, run_count);

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", out);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
    html_text(out, title);
    fprintf(out, "</title>\n<style>\n%s%s</style>\n</head>\n<body data-steps=\"%zu\" data-step=\"0\"%s>\n",
            demo_html_css, demo_html_present_css, seq->op_count, opts->present ? " class=\"present\"" : "");
    fputs("<header>\n<h1>", out);
    html_text(out, title);
    fputs("</h1>\n<p class=\"subtitle\">", out);
    html_text(out, seq->title);
    fputs("</p>\n<div class=\"controls\">\n"
          "<button id=\"prev\" type=\"button\" title=\"previous step (left arrow)\">&#9664;</button>\n",
          out);
    fprintf(out, "<input id=\"slider\" type=\"range\" min=\"1\" max=\"%zu\" value=\"1\" aria-label=\"step\">\n",
            seq->op_count);
    fputs("<button id=\"next\" type=\"button\" title=\"next step (right arrow)\">&#9654;</button>\n"
          "<span id=\"where\"></span> <code id=\"statement\"></code>\n</div>\n"
          "<ol id=\"sequence\"></ol>\n</header>\n"
          "<main id=\"runs\" class=\"runs\"></main>\n"
          "<footer><span class=\"key used\">in use</span> <span class=\"key free\">free</span> "
          "<span class=\"key freed\">freed, never reused</span> <span class=\"key pad\">pad</span> "
          "<span class=\"key hole\">unmapped</span>; h = header, f = footer; widths roughly to scale; "
          "offsets from the heap start (mappings: from the first mapping). Arrow keys, PageDown/PageUp, "
          "Enter/Backspace step; P projector mode, V one stage or all side by side, [ and ] the stage, "
          "A animation on or off; #step=N in the address picks a step.</footer>\n"
          "<pre id=\"errors\" hidden></pre>\n"
          "<script id=\"demo-data\" type=\"application/json\">\n",
          out);
    fputs("{\"title\":", out);
    json_write_string(out, title);
    fputs(",\"sequence\":", out);
    json_write_string(out, seq->name);
    fputs(",\"statements\":[", out);
    for (size_t i = 0; i < seq->op_count; i++) {
        char text[64];
        demo_statement(&seq->ops[i], text, sizeof text);
        if (i > 0)
            fputc(',', out);
        json_write_string(out, text);
    }
    fprintf(out, "],\"steps\":%zu,\"runs\":[\n", seq->op_count);
    for (size_t i = 0; i < run_count; i++) {
        if (i > 0)
            fputs(",\n", out);
        json_run(out, &runs[i]);
    }
    fputs("]}\n</script>\n<script>\n", out);
    fputs(demo_html_js, out);
    fputs(demo_html_present_js, out);
    fputs("</script>\n</body>\n</html>\n", out);
    bool failed = ferror(out) != 0;
    return fclose(out) == 0 && !failed ? 0 : -1;
}
