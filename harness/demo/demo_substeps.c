/* demo_substeps.c: the List slides' sub-steps of one call, drawn between its pictures (DRAW_SUBSTEPS).
 *
 * The List slides take a free, and a malloc that finds nothing, apart into the steps the code does:
 *   free(p)       1. insert the chunk into the list at its place (the list is sorted by address)
 *                 2. look at the next chunk in memory: free, so coalesce (or in use: no merge)
 *                 3. look at the previous chunk in memory: the same
 *   malloc (grow) 1. nothing on the list fits: extend the heap by one new chunk
 *                 2. insert the new chunk at the end of the list
 *                 3. coalesce it with the last chunk, when that one is free
 *                 4. use it: split, or whole
 * The stage does each call in one go, so the pictures between are not snapshots: they are drawn from
 * the pictures before and after the call (the new chunk is where the break moved, the coalesced chunk
 * is the free chunk that holds the freed one afterwards), and the last sub-step is the real picture.
 * Stage 3 only: its sorted list makes each sub-step's list exactly what the code builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "demo_model.h"

/* A deep copy of from, with room for one more block, list and link. */
static bool copy_step(const struct demo_step *from, struct demo_step *to)
{
    *to = (struct demo_step){.h = from->h};
    to->blocks = calloc(from->h.block_count + 1, sizeof *to->blocks);
    to->maps = calloc(from->h.map_count + 1, sizeof *to->maps);
    to->lists = calloc(from->h.list_count + 1, sizeof *to->lists);
    to->links = calloc(from->h.link_count + 1, sizeof *to->links);
    if (!to->blocks || !to->maps || !to->lists || !to->links) {
        demo_step_free(to);
        return false;
    }
    memcpy(to->blocks, from->blocks, from->h.block_count * sizeof *to->blocks);
    memcpy(to->maps, from->maps, from->h.map_count * sizeof *to->maps);
    memcpy(to->lists, from->lists, from->h.list_count * sizeof *to->lists);
    memcpy(to->links, from->links, from->h.link_count * sizeof *to->links);
    return true;
}

static size_t index_at(const struct demo_step *s, size_t offset)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (s->blocks[i].offset == offset)
            return i;
    return SIZE_MAX;
}

/* The one list of stage 3, made when the list was empty; its sizes recomputed from the blocks. */
static struct demo_list *the_list(struct demo_step *s)
{
    if (s->h.list_count == 0) {
        s->lists[0] = (struct demo_list){.first_link = 0};
        s->h.list_count = 1;
    }
    return &s->lists[0];
}

static void resize_list(struct demo_step *s)
{
    struct demo_list *L = the_list(s);
    L->min_units = SIZE_MAX;
    L->max_units = 0;
    for (size_t k = 0; k < L->count; k++) {
        size_t i = index_at(s, s->links[L->first_link + k]);
        size_t units = i != SIZE_MAX ? s->blocks[i].bytes / CHUNK_UNIT : 0;
        L->min_units = units < L->min_units ? units : L->min_units;
        L->max_units = units > L->max_units ? units : L->max_units;
    }
    if (L->count == 0) {
        s->h.list_count = 0;                     /* drawn as "empty (head = NULL)" */
        s->h.link_count = 0;
    }
}

/* Links offset in at its place in address order (at the end when last is true). */
static void link_in(struct demo_step *s, size_t offset, bool last)
{
    struct demo_list *L = the_list(s);
    size_t k = L->count;
    while (!last && k > 0 && s->links[L->first_link + k - 1] > offset)
        k--;
    memmove(&s->links[L->first_link + k + 1], &s->links[L->first_link + k], (L->count - k) * sizeof *s->links);
    s->links[L->first_link + k] = offset;
    L->count++;
    s->h.link_count++;
    resize_list(s);
}

static void unlink_at(struct demo_step *s, size_t offset)
{
    struct demo_list *L = the_list(s);
    for (size_t k = 0; k < L->count; k++)
        if (s->links[L->first_link + k] == offset) {
            memmove(&s->links[L->first_link + k], &s->links[L->first_link + k + 1],
                    (L->count - k - 1) * sizeof *s->links);
            L->count--;
            s->h.link_count--;
            break;
        }
    resize_list(s);
}

/* Block i absorbs block i + 1, as chunk_merge_with_next does; the absorbed one leaves the list. */
static void merge_next(struct demo_step *s, size_t i)
{
    size_t gone = s->blocks[i + 1].offset;
    s->blocks[i].bytes += s->blocks[i + 1].bytes;
    s->blocks[i].owner = -1;
    memmove(&s->blocks[i + 1], &s->blocks[i + 2], (s->h.block_count - i - 2) * sizeof *s->blocks);
    s->h.block_count--;
    unlink_at(s, gone);
    resize_list(s);
}

/* Appends the sub-step picture f to step a, with its caption. */
static bool add_sub(struct demo_step *a, struct demo_step *f, const char *caption)
{
    struct demo_step *grown = realloc(a->subs, (a->sub_count + 1) * sizeof *grown);
    if (grown == NULL) {
        demo_step_free(f);
        return false;
    }
    a->subs = grown;
    snprintf(f->caption, sizeof f->caption, "%s", caption);
    f->story[0] = '\0';
    a->subs[a->sub_count++] = *f;
    return true;
}

static void free_substeps(const struct demo_step *b, struct demo_step *a)
{
    size_t i = SIZE_MAX;
    for (size_t k = 0; k < b->h.block_count; k++)
        if (b->blocks[k].owner == (int)a->h.op.id && b->blocks[k].kind == BLOCK_USED)
            i = k;
    if (i == SIZE_MAX)
        return;
    struct demo_step f1, f2, f3;
    if (!copy_step(b, &f1))
        return;
    f1.blocks[i].kind = BLOCK_FREE;
    f1.blocks[i].owner = -1;
    link_in(&f1, f1.blocks[i].offset, false);
    if (!add_sub(a, &f1, "1. insert the chunk into the list at its place (sorted by address)") || !copy_step(&f1, &f2))
        return;
    bool next_free = i + 1 < f2.h.block_count && f2.blocks[i + 1].kind == BLOCK_FREE;
    if (next_free)
        merge_next(&f2, i);
    if (!add_sub(a, &f2, next_free ? "2. the next chunk in memory is free: coalesce with it"
                                   : "2. the next chunk in memory is not free: no merge") ||
        !copy_step(a, &f3))
        return;
    bool prev_free = i > 0 && b->blocks[i - 1].kind == BLOCK_FREE;
    add_sub(a, &f3, prev_free ? "3. the previous chunk in memory is free: coalesce with it"
                              : "3. the previous chunk in memory is not free: no merge");
}

static void grow_substeps(const struct demo_step *b, struct demo_step *a)
{
    size_t grown_at = b->h.heap_bytes, grown = a->h.heap_bytes - b->h.heap_bytes;
    char text[DEMO_STORY_BYTES];
    struct demo_step g1, g2, g3, g4;
    if (!copy_step(b, &g1))
        return;
    g1.blocks[g1.h.block_count++] = (struct demo_block){.offset = grown_at, .bytes = grown, .owner = -1,
                                                         .kind = BLOCK_FREE, .tags = BLOCK_HEADER | BLOCK_FOOTER};
    g1.h.heap_bytes = a->h.heap_bytes;
    snprintf(text, sizeof text, "1. nothing fits: extend the heap by one new chunk of %zu bytes", grown);
    if (!add_sub(a, &g1, text) || !copy_step(&g1, &g2))
        return;
    link_in(&g2, grown_at, true);
    if (!add_sub(a, &g2, "2. insert the new chunk at the end of the list"))
        return;
    size_t last = g2.h.block_count - 2;          /* the chunk before the new one, if any */
    const struct demo_step *before_use = &a->subs[a->sub_count - 1];
    if (g2.h.block_count >= 2 && g2.blocks[last].kind == BLOCK_FREE) {
        if (!copy_step(&g2, &g3))
            return;
        merge_next(&g3, last);
        snprintf(text, sizeof text, "3. the last chunk is free: coalesce the new chunk with it (%zu bytes)",
                 g3.blocks[last].bytes);
        if (!add_sub(a, &g3, text))
            return;
        before_use = &a->subs[a->sub_count - 1];
    }
    /* Where the chunk handed out lies in the free chunk it came from says how it was used. */
    const struct demo_block *region = &before_use->blocks[before_use->h.block_count - 1];
    size_t got = index_at(a, a->h.result_offset - CHUNK_HEADER_BYTES);
    bool whole = got != SIZE_MAX && a->blocks[got].bytes == region->bytes;
    bool tail = got != SIZE_MAX && a->blocks[got].offset > region->offset;
    snprintf(text, sizeof text, "%zu. use it: %s", a->sub_count + 1,
             whole ? "the whole chunk" : tail ? "split it and hand out the tail end" : "split it and use the front");
    if (copy_step(a, &g4))
        add_sub(a, &g4, text);
}

void demo_substeps_run(struct demo_run *run)
{
    if (run->stage->number != 3)
        return;
    struct demo_step empty = {0};
    for (size_t i = 0; i < run->step_count; i++) {
        const struct demo_step *b = i == 0 ? &empty : &run->steps[i - 1];
        struct demo_step *a = &run->steps[i];
        if (a->h.op.kind == TRACE_FREE)
            free_substeps(b, a);
        else if (a->h.op.kind == TRACE_ALLOC && !a->h.result_null && a->h.heap_bytes > b->h.heap_bytes &&
                 b->h.list_count > 0)
            grow_substeps(b, a);                 /* example 3: a list was searched and nothing fit */
    }
}
