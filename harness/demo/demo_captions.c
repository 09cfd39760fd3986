/* demo_captions.c: lecture mode's caption under each picture, in the slide's own words.
 *
 * The slides caption their pictures with a few fixed phrases: "extend the heap", "external
 * fragmentation occurred", "coalesced two free chunks", "reused previously freed chunk". Each is
 * decided here from the snapshots before and after the op, as the "what happened" line is
 * (demo_explain.c), never from the stage's own account:
 *   malloc  carved out of a chunk that was free before: "reused previously freed chunk"
 *           the break moved: "extend the heap", after "external fragmentation occurred" when free
 *           chunks were there but none was big enough (with their total when it would have been
 *           enough, had it been contiguous); "coalesced two free chunks" when the new memory merged
 *           with a free last chunk
 *           the payload is bigger than the request: "internal fragmentation" and the bytes unused
 *   free    the free chunk that holds it afterwards spans two or three chunks of before: coalesced
 * Sizes are in the run's unit: the slide's units when the sequence has them, else bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "demo_model.h"

struct caption {
    char *buf;
    size_t cap, used;
    size_t unit_bytes;
};

static void put(struct caption *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct caption *c, const char *fmt, ...)
{
    if (c->used >= c->cap)
        return;
    if (c->used > 0)
        c->used += (size_t)snprintf(c->buf + c->used, c->cap - c->used, "; ");
    if (c->used >= c->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->buf + c->used, c->cap - c->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        c->used += (size_t)n;
}

/* "240 bytes" or, in slide units, "15 units". */
static const char *amount(const struct caption *c, size_t bytes, char *buf, size_t cap)
{
    if (c->unit_bytes > 1)
        snprintf(buf, cap, "%zu unit%s", bytes / c->unit_bytes, bytes / c->unit_bytes == 1 ? "" : "s");
    else
        snprintf(buf, cap, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
    return buf;
}

static const struct demo_block *holding(const struct demo_step *s, size_t offset)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (offset >= s->blocks[i].offset && offset - s->blocks[i].offset < s->blocks[i].bytes)
            return &s->blocks[i];
    return NULL;
}

static const struct demo_block *owned_by(const struct demo_step *s, unsigned id)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (s->blocks[i].owner == (int)id && s->blocks[i].kind == BLOCK_USED)
            return &s->blocks[i];
    return NULL;
}

static const char *const COUNT_WORDS[] = {"no", "one", "two", "three"};

/* malloc on a chunk heap (stages 3-5). */
static void caption_chunk_malloc(const struct demo_step *b, const struct demo_step *a, struct caption *c)
{
    char n1[32];
    const struct demo_block *got = holding(a, a->h.result_offset);
    if (got == NULL)
        return;
    const struct demo_block *was = got->offset < b->h.heap_bytes ? holding(b, got->offset) : NULL;
    if (was != NULL && was->kind == BLOCK_FREE && got->offset + got->bytes <= was->offset + was->bytes) {
        put(c, "reused previously freed chunk");
        if (was->bytes == got->bytes)
            put(c, "the whole chunk");
        else
            put(c, "split it: %s stay free", amount(c, was->bytes - got->bytes, n1, sizeof n1));
    } else if (a->h.heap_bytes > b->h.heap_bytes) {
        size_t free_count = 0, free_bytes = 0;
        for (size_t i = 0; i < b->h.block_count; i++)
            if (b->blocks[i].kind == BLOCK_FREE) {
                free_count++;
                free_bytes += b->blocks[i].bytes;
            }
        if (free_count > 0 && free_bytes >= got->bytes)
            put(c, "external fragmentation occurred: %s free, but not contiguous",
                amount(c, free_bytes, n1, sizeof n1));
        else if (free_count > 0)
            put(c, "external fragmentation occurred");
        put(c, "extend the heap");
        const struct demo_block *last = b->h.block_count ? &b->blocks[b->h.block_count - 1] : NULL;
        if (last != NULL && last->kind == BLOCK_FREE && got->offset <= last->offset &&
            last->offset + last->bytes == b->h.heap_bytes)
            put(c, "coalesced two free chunks (the new one and the last)");
    }
    size_t payload = got->bytes - CHUNK_OVERHEAD_BYTES;
    if (got->req_bytes > 0 && payload > got->req_bytes)
        put(c, "internal fragmentation: %zu of the payload's %zu bytes unused", payload - got->req_bytes, payload);
}

/* free on a chunk heap: how many chunks of before the free chunk that holds it now spans. */
static void caption_chunk_free(const struct demo_step *b, const struct demo_step *a, unsigned id, struct caption *c)
{
    const struct demo_block *was = owned_by(b, id);
    if (was == NULL)
        return;
    const struct demo_block *now = holding(a, was->offset);
    if (now == NULL || now->kind != BLOCK_FREE)
        return;
    size_t pieces = 1 + (now->offset < was->offset) + (now->offset + now->bytes > was->offset + was->bytes);
    if (pieces == 1)
        put(c, "freed chunk: no free neighbour, nothing to coalesce");
    else
        put(c, "coalesced %s free chunks", COUNT_WORDS[pieces]);
}

/* DRAW_FOOTER_LOOKUP: how free finds the chunk before it in O(1), through that chunk's footer just
 * below the header (Knuth's boundary tags), and the chunk after it through its own size. */
static void caption_footer_lookup(const struct demo_step *b, unsigned id, struct caption *c)
{
    const struct demo_block *was = owned_by(b, id);
    if (was == NULL)
        return;
    const struct demo_block *prev = was->offset > 0 ? holding(b, was->offset - 1) : NULL;
    if (prev == NULL) {
        put(c, "footer lookup: p%u's chunk is the first, nothing lies below it", id);
    } else {
        put(c, "footer lookup: the footer just below p%u's header (offset %zu) says %zu bytes, so the chunk "
            "before starts at offset %zu: %s", id, was->offset - CHUNK_FOOTER_BYTES, prev->bytes, was->offset - prev->bytes,
            prev->kind == BLOCK_FREE ? "free, merge" : "in use, no merge");
    }
    size_t next_at = was->offset + was->bytes;
    const struct demo_block *next = next_at < b->h.heap_bytes ? holding(b, next_at) : NULL;
    if (next != NULL)
        put(c, "header lookup: p%u's size says %zu bytes, so the next chunk starts at offset %zu: %s", id,
            was->bytes, next_at, next->kind == BLOCK_FREE ? "free, merge" : "in use, no merge");
    else
        put(c, "header lookup: p%u's chunk is the last", id);
}

bool demo_is_slide_op(const struct trace_op *op)
{
    return op->kind == DEMO_OP_SMASH_SIZE || op->kind == DEMO_OP_CHECK;
}

void demo_slide_story(const struct demo_step *s, char *buf, size_t cap)
{
    if (s->h.op.kind == DEMO_OP_SMASH_SIZE) {
        char walk[96];
        demo_walk_text(&s->h.walk, walk, sizeof walk);
        snprintf(buf, cap, "p%u's header now claims %zu bytes; the heap walk: %s", s->h.op.id, s->h.op.bytes,
                 walk[0] != '\0' ? walk : "finds nothing wrong");
    } else if (s->h.check_violations == 0) {
        snprintf(buf, cap, "heapmgr_check found no violation");
    } else {
        snprintf(buf, cap, "heapmgr_check found %d violation%s; the first: %s", s->h.check_violations,
                 s->h.check_violations == 1 ? "" : "s", s->h.check_first);
    }
}

/* Stages 1, 2 and 6: the break or the mappings. */
static void caption_plain(const struct demo_run *run, const struct demo_step *b, const struct demo_step *a,
                          struct caption *c)
{
    bool is_free = a->h.op.kind == TRACE_FREE;
    if (a->h.after.munmap_calls > a->h.before.munmap_calls)
        put(c, "unmapped: the memory goes back to the kernel");
    else if (a->h.after.mmap_calls > a->h.before.mmap_calls)
        put(c, "mapped pages for this chunk alone");
    else if (is_free)
        put(c, "free does nothing: the memory is never reused");
    else if (a->h.heap_bytes > b->h.heap_bytes)
        put(c, "extend the heap");
    else if (!a->h.result_null && run->stage->number == 2)
        put(c, "taken from the pad: no system call");
}

static void caption_step(const struct demo_run *run, const struct demo_step *b, struct demo_step *a)
{
    struct caption c = {a->caption, sizeof a->caption, 0, run->opts.unit_bytes};
    a->caption[0] = '\0';
    if (a->h.op.kind != TRACE_FREE && !demo_is_slide_op(&a->h.op) && a->h.result_null) {
        put(&c, "malloc returned NULL");
        return;
    }
    if (a->h.op.kind == DEMO_OP_SMASH_SIZE) {
        put(&c, "error: p%u's size field corrupted", a->h.op.id);
    } else if (a->h.op.kind == DEMO_OP_CHECK) {
        if (a->h.check_violations > 0)
            put(&c, "the checker caught it with the size field: %s", a->h.check_first);
        else
            put(&c, "the checker finds the heap valid");
    } else if (!run->stage->walkable || a->h.result_space == SPACE_MAP) {
        caption_plain(run, b, a, &c);
    } else if (a->h.op.kind == TRACE_FREE) {
        caption_chunk_free(b, a, a->h.op.id, &c);
        if (run->seq->draws & DRAW_FOOTER_LOOKUP)
            caption_footer_lookup(b, a->h.op.id, &c);
    } else {
        caption_chunk_malloc(b, a, &c);
    }
}

void demo_caption_run(struct demo_run *run)
{
    struct demo_step empty = {0};
    for (size_t i = 0; i < run->step_count; i++)
        caption_step(run, i == 0 ? &empty : &run->steps[i - 1], &run->steps[i]);
}
