/* demo_snapshot.c: the picture of the heap after one op of a demo, taken in the child process.
 *
 * It reads only what can be seen from outside the stage: the chunks in memory through heap_walk
 * (stages 3-5), the blocks the sequence was handed (stages 1-2, which keep no chunks), and the
 * mappings through os_sim_each_mapping. Each block is tagged with the p<id> whose pointer is in it.
 * The free lists are rebuilt from the chunks by demo_lists.c.
 */
#include "demo_snapshot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapwalk.h"
#include "os_sim.h"

/* ---- whose block is it ------------------------------------------------------------------------- */

/* The id whose live pointer is mem, or -1. */
static int owner_of(const struct demo_child *ch, const void *mem)
{
    for (unsigned id = 0; id < ch->ids; id++)
        if (ch->ptrs[id].mem != NULL && ch->ptrs[id].mem == mem)
            return (int)id;
    return -1;
}

/* The id whose live pointer lies in [lo, hi), or -1. */
static int owner_within(const struct demo_child *ch, const char *lo, const char *hi)
{
    for (unsigned id = 0; id < ch->ids; id++) {
        const char *p = ch->ptrs[id].mem;
        if (p != NULL && p >= lo && p < hi)
            return (int)id;
    }
    return -1;
}

/* ---- the heap ---------------------------------------------------------------------------------- */

static void add_block(struct demo_snapshot *sn, struct demo_block b)
{
    if (sn->s.h.block_count == DEMO_MAX_BLOCKS) {
        sn->s.h.blocks_omitted++;
        return;
    }
    sn->s.blocks[sn->s.h.block_count++] = b;
}

static int visit_chunk(chunk_t *c, void *arg)
{
    struct demo_snapshot *sn = arg;
    bool is_free = chunk_is_free(c);
    struct demo_walk *w = &sn->s.h.walk;
    if (w->mismatch_offset == SIZE_MAX && chunk_footer(c)->size != chunk_size(c)) {
        w->mismatch_offset = chunk_offset(sn->heap_start, c);      /* named in the picture's warning */
        w->mismatch_header = chunk_size(c);
        w->mismatch_footer = chunk_footer(c)->size;
    }
    int owner = is_free ? -1 : owner_of(sn->ch, chunk_to_mem(c));
    add_block(sn, (struct demo_block){
        .offset = chunk_offset(sn->heap_start, c),
        .bytes = chunk_size(c),
        .req_bytes = owner >= 0 ? sn->ch->ptrs[owner].req_bytes : 0,
        .owner = owner,
        .kind = is_free ? BLOCK_FREE : BLOCK_USED,
        .tags = BLOCK_HEADER | BLOCK_FOOTER,
    });
    if (is_free) {
        if (sn->free_count == sn->free_cap) {
            sn->free_cap = sn->free_cap ? 2 * sn->free_cap : 64;
            sn->free_chunks = realloc(sn->free_chunks, sn->free_cap * sizeof *sn->free_chunks);
            if (sn->free_chunks == NULL)
                _exit(3);
        }
        sn->free_chunks[sn->free_count++] = c;
    }
    return 0;
}


static int compare_handed(const void *a, const void *b)
{
    const struct demo_handed *x = a, *y = b;
    return (uintptr_t)x->mem < (uintptr_t)y->mem ? -1 : (uintptr_t)x->mem > (uintptr_t)y->mem;
}

/* Stages 1-2 keep no chunks: the picture is the blocks they handed out, each reaching to the next,
 * and the pad between the last block's end and the break. */
static void blocks_from_handed(struct demo_snapshot *sn, const struct demo_child *ch)
{
    char *heap_end = os_heap_end();
    struct demo_handed *sorted = malloc((ch->handed_count + 1) * sizeof *sorted);
    if (sorted == NULL)
        _exit(3);
    size_t n = 0;
    for (size_t i = 0; i < ch->handed_count; i++)
        if ((char *)ch->handed[i].mem >= sn->heap_start && (char *)ch->handed[i].mem < heap_end)
            sorted[n++] = ch->handed[i];
    qsort(sorted, n, sizeof *sorted, compare_handed);
    char *used_end = sn->heap_start;
    for (size_t i = 0; i < n; i++) {
        char *start = sorted[i].mem;
        /* A block reaches to the next one; the last one to its request rounded up to 16 bytes. */
        char *end = i + 1 < n ? (char *)sorted[i + 1].mem : start + chunk_round_up(sorted[i].req_bytes);
        if (end > heap_end)
            end = heap_end;
        if (start > used_end)
            add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, used_end),
                                              .bytes = (size_t)(start - used_end), .owner = -1,
                                              .kind = BLOCK_PAD});
        add_block(sn, (struct demo_block){
            .offset = chunk_offset(sn->heap_start, start),
            .bytes = (size_t)(end - start),
            .req_bytes = sorted[i].req_bytes,
            .owner = sorted[i].owner,
            .kind = sorted[i].freed ? BLOCK_FREED : BLOCK_USED,
        });
        used_end = end;
    }
    if (heap_end > used_end)
        add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, used_end),
                                          .bytes = (size_t)(heap_end - used_end), .owner = -1,
                                          .kind = BLOCK_PAD});
    free(sorted);
}

/* ---- the mappings ------------------------------------------------------------------------------ */

struct map_walk {
    struct demo_snapshot *sn;
    struct demo_child *ch;
    char *last_end;
};

static int visit_mapping(void *start, size_t length, void *arg)
{
    struct map_walk *w = arg;
    struct demo_step *s = &w->sn->s;
    if (w->ch->map_base == NULL)
        w->ch->map_base = start;
    if ((char *)start < w->ch->map_base)
        return 0;                                /* before the first mapping we ever saw: not drawn */
    char *lo = start, *hi = lo + length;
    if (w->last_end != NULL && lo > w->last_end && s->h.map_count < DEMO_MAX_MAPS)
        s->maps[s->h.map_count++] = (struct demo_block){
            .offset = (size_t)(w->last_end - w->ch->map_base), .bytes = (size_t)(lo - w->last_end),
            .owner = -1, .kind = BLOCK_HOLE};
    w->last_end = hi;
    if (s->h.map_count == DEMO_MAX_MAPS) {
        s->h.maps_omitted++;
        return 0;
    }
    int owner = owner_within(w->ch, lo, hi);
    s->maps[s->h.map_count++] = (struct demo_block){
        .offset = (size_t)(lo - w->ch->map_base),
        .bytes = length,
        .req_bytes = owner >= 0 ? w->ch->ptrs[owner].req_bytes : 0,
        .owner = owner,
        .kind = BLOCK_USED,
        .tags = BLOCK_HEADER,                    /* the mapped length lives in a header */
    };
    return 0;
}

/* ---- the whole picture ------------------------------------------------------------------------- */

void demo_take_snapshot(struct demo_snapshot *sn, struct demo_child *ch)
{
    struct demo_step *s = &sn->s;
    s->h.block_count = s->h.blocks_omitted = s->h.map_count = s->h.maps_omitted = 0;
    s->h.list_count = s->h.link_count = s->h.lists_omitted = s->h.unlisted_free = 0;
    memset(&s->h.walk, 0, sizeof s->h.walk);
    s->h.walk.mismatch_offset = SIZE_MAX;
    sn->free_count = 0;
    sn->ch = ch;
    sn->heap_start = os_heap_start();
    char *heap_end = os_heap_end();
    s->h.heap_bytes = (size_t)(heap_end - sn->heap_start);

    if (ch->stage->walkable) {
        struct heap_walk_report report;
        struct demo_walk *w = &s->h.walk;
        w->problems = heap_walk(sn->heap_start, heap_end, visit_chunk, sn, &report);
        w->footer_mismatches = report.footer_mismatches;
        w->adjacent_free_pairs = report.adjacent_free_pairs;
        if (report.tiling_broken) {
            add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, report.first_bad),
                                              .bytes = (size_t)(heap_end - (char *)report.first_bad),
                                              .owner = -1, .kind = BLOCK_BAD});
            w->tiling_broken = true;
            w->first_bad = chunk_offset(sn->heap_start, report.first_bad);
            snprintf(w->tiling_problem, sizeof w->tiling_problem, "%s", report.tiling_problem);
        }
        demo_rebuild_lists(sn);
    } else {
        blocks_from_handed(sn, ch);
    }
    struct map_walk w = {sn, ch, NULL};
    os_sim_each_mapping(visit_mapping, &w);
}
