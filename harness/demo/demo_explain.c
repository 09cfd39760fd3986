/* demo_explain.c: one line per op saying what happened, in the lecture's words.
 *
 * Nothing here asks the stage what it did: every sentence is derived from the snapshots before and
 * after the op. The chunk a malloc returned is looked up in the free lists as they were before it: its
 * position there is how many chunks first fit searched (the other policies are named as the lab runs
 * them, HEAPKIT_FIT); whether it starts at the front or ends at the
 * end of that free chunk says which end a split returned. A free is explained by the free chunk that
 * holds the freed chunk afterwards: larger on the left means coalesced with the previous chunk, on the
 * right with the next one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "demo_model.h"
#include "replay.h"

/* A sentence built piece by piece. */
struct story {
    char *buf;
    size_t cap, used;
};

static void say(struct story *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct story *st, const char *fmt, ...)
{
    if (st->used >= st->cap)
        return;
    if (st->used > 0) {
        int n = snprintf(st->buf + st->used, st->cap - st->used, "; ");
        st->used += (size_t)n;
        if (st->used >= st->cap)
            return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(st->buf + st->used, st->cap - st->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        st->used += (size_t)n;
}

static const char *plural(size_t n) { return n == 1 ? "" : "s"; }

/* "an" before numbers spoken with a vowel first: 8, 80, 8000, 11, 18, 11000, 18432 ... */
static const char *a_or_an(size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    if (digits[0] == '8')
        return "an";
    bool eleven_or_eighteen = digits[0] == '1' && (digits[1] == '1' || digits[1] == '8');
    return eleven_or_eighteen && len % 3 == 2 ? "an" : "a";
}

/* The block of s's heap that holds offset, or NULL. */
static const struct demo_block *block_holding(const struct demo_step *s, size_t offset)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (offset >= s->blocks[i].offset && offset - s->blocks[i].offset < s->blocks[i].bytes)
            return &s->blocks[i];
    return NULL;
}

static const struct demo_block *block_of_owner(const struct demo_step *s, unsigned id)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (s->blocks[i].owner == (int)id && s->blocks[i].kind == BLOCK_USED)
            return &s->blocks[i];
    return NULL;
}

static const struct demo_block *map_of_owner(const struct demo_step *s, unsigned id)
{
    for (size_t i = 0; i < s->h.map_count; i++)
        if (s->maps[i].owner == (int)id && s->maps[i].kind == BLOCK_USED)
            return &s->maps[i];
    return NULL;
}

/* Finds the chunk at offset on s's lists: its list and its 1-based position. */
static bool on_list(const struct demo_step *s, size_t offset, const struct demo_list **list, size_t *pos)
{
    for (size_t l = 0; l < s->h.list_count; l++) {
        const struct demo_list *L = &s->lists[l];
        for (size_t k = 0; k < L->count; k++)
            if (s->links[L->first_link + k] == offset) {
                *list = L;
                *pos = k + 1;
                return true;
            }
    }
    return false;
}

static size_t listed_chunks(const struct demo_step *s)
{
    size_t n = 0;
    for (size_t l = 0; l < s->h.list_count; l++)
        n += s->lists[l].count;
    return n;
}

static bool same_block(const struct demo_block *a, const struct demo_block *b)
{
    return a->offset == b->offset && a->bytes == b->bytes && a->kind == b->kind;
}

static bool uses_bins(const struct demo_run *run) { return run->stage->number == 5; }

/* How many chunks on s's free lists hold at least bytes. */
static size_t listed_chunks_holding(const struct demo_step *s, size_t bytes)
{
    size_t n = 0;
    for (size_t l = 0; l < s->h.list_count; l++)
        for (size_t k = 0; k < s->lists[l].count; k++) {
            const struct demo_block *f = block_holding(s, s->links[s->lists[l].first_link + k]);
            n += f != NULL && f->bytes >= bytes;
        }
    return n;
}

/* The search of a list stage, in the words of the policy it ran with: the chunk taken was entry pos of
 * its list, and fitting of the listed chunks could hold the request. */
static void say_search(struct story *st, size_t pos, size_t fitting)
{
    const char *fit = replay_fit_policy();
    if (fitting == 1 && strcmp(fit, "first") != 0)
        say(st, "%s fit: took the only free chunk that fits", fit);
    else if (strcmp(fit, "best") == 0)
        say(st, "best fit: took the smallest of the %zu free chunk%s that fit", fitting, plural(fitting));
    else if (strcmp(fit, "worst") == 0)
        say(st, "worst fit: took the largest of the %zu free chunk%s that fit", fitting, plural(fitting));
    else if (strcmp(fit, "next") == 0)
        say(st, "next fit: took entry %zu of the list, the first that fits from where the last search ended",
            pos);
    else
        say(st, "first fit: searched %zu chunk%s", pos, plural(pos));
}

/* A bin named by what it holds, as seen in memory: "the bin of 5-unit chunks", or "the bin of
 * 70..75-unit chunks" when it holds a range of sizes (a size class). */
static void bin_name(const struct demo_list *L, char *buf, size_t cap)
{
    if (L->min_units == L->max_units)
        snprintf(buf, cap, "the bin of %zu-unit chunks", L->min_units);
    else
        snprintf(buf, cap, "the bin of %zu..%zu-unit chunks", L->min_units, L->max_units);
}

/* How a chunk c was carved out of the free region [lo, hi). */
static void say_placement(struct story *st, const struct demo_block *c, size_t lo, size_t hi, bool reused)
{
    size_t region = hi - lo, rest = region - c->bytes;
    if (c->offset == lo && c->bytes == region)
        say(st, reused ? "reused a freed chunk whole (no split)" : "used the new chunk whole (no split)");
    else if (c->offset > lo && c->offset + c->bytes == hi)
        say(st, "split the %s%zu-byte chunk and returned the tail end (%zu bytes stay free in front)",
            reused ? "free " : "", region, rest);
    else if (c->offset == lo)
        say(st, "split the %s%zu-byte chunk and used the front (the tail's %zu bytes stay free)",
            reused ? "free " : "", region, rest);
    else
        say(st, "placed the chunk inside %s %zu-byte free region", a_or_an(region), region);
}

/* malloc, or the new chunk of a moving realloc, on stages 3-5. */
static void explain_chunk_malloc(const struct demo_run *run, const struct demo_step *b, const struct demo_step *a,
                                 struct story *st)
{
    const struct demo_block *c = block_holding(a, a->h.result_offset);
    if (c == NULL || a->h.result_offset != c->offset + CHUNK_HEADER_BYTES) {
        say(st, "returned offset %zu, which is not the payload of any chunk", a->h.result_offset);
        return;
    }
    size_t need_units = c->bytes / CHUNK_UNIT;
    const struct demo_block *f = c->offset < b->h.heap_bytes ? block_holding(b, c->offset) : NULL;
    if (f != NULL && (f->kind != BLOCK_FREE || c->offset + c->bytes > f->offset + f->bytes))
        f = NULL;                                /* not carved from a free chunk that was there */
    const struct demo_list *L = NULL;
    size_t pos = 0;
    bool listed = f != NULL && on_list(b, f->offset, &L, &pos);

    /* 1. the search */
    size_t free_chunks = listed_chunks(b);
    if (uses_bins(run)) {
        char bin[64];
        if (listed && L->min_units <= need_units && L->max_units >= need_units && L->min_units == L->max_units) {
            bin_name(L, bin, sizeof bin);
            say(st, "bin hit: took %s of %s", pos == 1 ? "the head" : "a chunk", bin);
        } else if (listed) {
            bin_name(L, bin, sizeof bin);
            say(st, "bin miss: no %zu-unit chunk free; took %s of %s, the smallest that fits", need_units,
                pos == 1 ? "the head" : "a chunk", bin);
        } else if (free_chunks == 0) {
            say(st, "bin miss: every bin is empty");
        } else {
            say(st, "bin miss: no bin holds a chunk of %zu units or more", need_units);
        }
    } else if (listed) {
        say_search(st, pos, listed_chunks_holding(b, c->bytes));
    } else if (f != NULL) {
        say(st, "took a free chunk that is on no list");
    } else if (free_chunks == 0) {
        say(st, "the free list is empty");
    } else {
        say(st, "searched all %zu free chunk%s: none fits", free_chunks, plural(free_chunks));
    }

    /* 2. growing the heap, and the last free chunk that the new memory joins */
    size_t lo = 0, hi = 0;
    if (f != NULL) {
        lo = f->offset;
        hi = f->offset + f->bytes;
    } else if (a->h.heap_bytes > b->h.heap_bytes) {
        size_t grown = a->h.heap_bytes - b->h.heap_bytes;
        say(st, "grew the heap by %zu bytes", grown);
        lo = b->h.heap_bytes;
        hi = a->h.heap_bytes;
        const struct demo_block *last = b->h.block_count ? &b->blocks[b->h.block_count - 1] : NULL;
        if (last != NULL && last->kind == BLOCK_FREE && last->offset + last->bytes == b->h.heap_bytes) {
            const struct demo_block *now = demo_find_block(a, last->offset);
            if (now == NULL || !same_block(now, last)) {
                say(st, "coalesced the new memory with the last free chunk");
                lo = last->offset;
            }
        }
    }
    if (hi > lo)
        say_placement(st, c, lo, hi, f != NULL);
}

/* A free chunk right before or right after F in the picture s, or NULL. */
static const struct demo_block *free_neighbour(const struct demo_step *s, const struct demo_block *F)
{
    for (size_t i = 0; i < s->h.block_count; i++) {
        const struct demo_block *n = &s->blocks[i];
        if (n->kind == BLOCK_FREE && (n->offset + n->bytes == F->offset || F->offset + F->bytes == n->offset))
            return n;
    }
    return NULL;
}

/* free, or the old chunk of a moving realloc, on stages 3-5. */
static void explain_chunk_free(const struct demo_run *run, const struct demo_step *b, const struct demo_step *a,
                               unsigned id, struct story *st)
{
    const struct demo_block *c = block_of_owner(b, id);
    if (c == NULL) {
        say(st, "p%u is no chunk of the heap: nothing to free", id);
        return;
    }
    if (c->offset >= a->h.heap_bytes) {
        say(st, "gave the chunk back to the kernel (the heap shrank by %zu bytes)", b->h.heap_bytes - a->h.heap_bytes);
        return;
    }
    const struct demo_block *F = block_holding(a, c->offset);
    if (F == NULL || F->kind != BLOCK_FREE) {
        say(st, "the chunk at offset %zu is still marked in use", c->offset);
        return;
    }
    bool with_prev = F->offset < c->offset, with_next = F->offset + F->bytes > c->offset + c->bytes;
    if (with_prev && with_next)
        say(st, "coalesced with both neighbours into %s %zu-byte chunk", a_or_an(F->bytes), F->bytes);
    else if (with_prev)
        say(st, "coalesced with the previous chunk into %s %zu-byte chunk", a_or_an(F->bytes), F->bytes);
    else if (with_next)
        say(st, "coalesced with the next chunk into %s %zu-byte chunk", a_or_an(F->bytes), F->bytes);
    else if (free_neighbour(a, F) != NULL)      /* a free chunk beside it, and still two chunks */
        say(st, "marked free but NOT coalesced with the free chunk at offset %zu beside it", free_neighbour(a, F)->offset);
    else
        say(st, "marked free; no free neighbour to coalesce with");

    const struct demo_list *L = NULL;
    size_t pos = 0;
    if (!on_list(a, F->offset, &L, &pos)) {
        say(st, "but the free chunk is on no list");
    } else if (uses_bins(run)) {
        char bin[64];
        bin_name(L, bin, sizeof bin);
        say(st, "%s %s", pos == 1 ? "put at the front of" : "put into", bin);
    } else if (run->stage->number == 3) {
        say(st, "the list stays in address order (%zu of %zu)", pos, L->count);
    } else if (pos == 1) {
        say(st, "inserted at the front of the list");
    } else {
        say(st, "on the list at %zu of %zu", pos, L->count);
    }
    if (a->h.heap_bytes < b->h.heap_bytes)
        say(st, "gave %zu bytes back to the kernel", b->h.heap_bytes - a->h.heap_bytes);
}

/* The pad at the top of a stage 1-2 heap: between the last block handed out and the break. */
static size_t pad_bytes(const struct demo_step *s)
{
    const struct demo_block *last = s->h.block_count ? &s->blocks[s->h.block_count - 1] : NULL;
    return last != NULL && last->kind == BLOCK_PAD ? last->bytes : 0;
}

/* Stages 1, 2 and 6: no chunks in the heap, only the break and the mappings. */
static void explain_plain_malloc(const struct demo_run *run, const struct demo_step *b, const struct demo_step *a,
                                 struct story *st)
{
    size_t mapped = a->h.after.mapped_bytes - a->h.before.mapped_bytes;
    if (a->h.result_space == SPACE_MAP) {
        const struct demo_block *m = map_of_owner(a, a->h.op.id);
        if (mapped > 0)
            say(st, "mapped %zu bytes for this chunk alone (header %d + payload %zu, rounded up to whole pages)",
                mapped, CHUNK_HEADER_BYTES, a->h.op.bytes);
        else if (m != NULL)
            say(st, "placed in the %zu-byte mapping at offset %zu", m->bytes, m->offset);
        return;
    }
    const struct demo_block *blk = block_holding(a, a->h.result_offset);
    size_t block_bytes = blk != NULL ? blk->bytes : chunk_round_up(a->h.op.bytes);
    if (a->h.heap_bytes > b->h.heap_bytes) {
        size_t grown = a->h.heap_bytes - b->h.heap_bytes;
        size_t old_pad = pad_bytes(b), new_pad = pad_bytes(a);
        if (old_pad == 0 && new_pad == 0 && grown == block_bytes)
            say(st, "moved the break up by %zu bytes for this block", grown);
        else if (old_pad == 0)
            say(st, "the pad is empty: grew the heap by %zu bytes", grown);
        else
            say(st, "the pad (%zu bytes) is too small for %zu: grew the heap by %zu bytes", old_pad, block_bytes,
                grown);
        if (new_pad > 0)
            say(st, "the rest, %zu bytes, is the new pad", new_pad);
        else if (old_pad > 0 || grown != block_bytes)
            say(st, "no pad left");
    } else if (run->stage->number == 2 || b->h.heap_bytes > 0) {
        say(st, "took %zu bytes from the pad: pPad moves up, no system call", block_bytes);
    }
}

static void explain_plain_free(const struct demo_step *b, const struct demo_step *a, unsigned id, struct story *st)
{
    size_t unmapped = a->h.before.mapped_bytes - a->h.after.mapped_bytes;
    if (a->h.after.munmap_calls > a->h.before.munmap_calls && unmapped > 0) {
        say(st, "unmapped %zu bytes: the memory goes back to the kernel at once", unmapped);
        return;
    }
    const struct demo_block *blk = block_of_owner(b, id);
    if (blk != NULL)
        say(st, "free does nothing: these %zu bytes are never reused", blk->bytes);
    else
        say(st, "free does nothing");
}

static bool is_chunk_heap(const struct demo_run *run) { return run->stage->walkable; }

static void explain_step(const struct demo_run *run, const struct demo_step *b, struct demo_step *a)
{
    struct story st = {a->story, sizeof a->story, 0};
    a->story[0] = '\0';
    const struct trace_op *op = &a->h.op;
    bool chunks = is_chunk_heap(run);
    if (demo_is_slide_op(op)) {
        demo_slide_story(a, a->story, sizeof a->story);   /* the lecture's extra ops: demo_captions.c */
        return;
    }

    if (op->kind == TRACE_FREE) {
        if (chunks && block_of_owner(b, op->id) != NULL)
            explain_chunk_free(run, b, a, op->id, &st);
        else
            explain_plain_free(b, a, op->id, &st);
    } else {
        if (a->h.result_null) {
            if (op->kind == TRACE_REALLOC && op->bytes == 0)
                say(&st, "realloc to 0 bytes freed p%u", op->id);
            else if (op->bytes == 0)
                say(&st, "malloc(0) returned NULL: no memory given");
            else
                say(&st, "returned NULL: the kernel seam refused memory");
            return;
        }
        if (op->kind == TRACE_REALLOC) {
            const struct demo_block *old = block_of_owner(b, op->id);
            if (old == NULL)
                old = map_of_owner(b, op->id);
            const struct demo_block *now = a->h.result_space == SPACE_MAP ? map_of_owner(a, op->id)
                                                                         : block_of_owner(a, op->id);
            if (old != NULL && now != NULL && old->offset == now->offset) {
                say(&st, "resized in place: the chunk is now %zu bytes (was %zu)", now->bytes, old->bytes);
                return;
            }
            say(&st, "moved p%u to a new place and copied its bytes", op->id);
        }
        if (chunks && a->h.result_space == SPACE_HEAP)
            explain_chunk_malloc(run, b, a, &st);
        else
            explain_plain_malloc(run, b, a, &st);
    }
    if (a->h.walk.problems > 0) {
        char walk[96];
        demo_walk_text(&a->h.walk, walk, sizeof walk);
        say(&st, "heap walk: %s", walk);
    }
}

void demo_explain_run(struct demo_run *run)
{
    struct demo_step empty = {0};
    for (size_t i = 0; i < run->step_count; i++)
        explain_step(run, i == 0 ? &empty : &run->steps[i - 1], &run->steps[i]);
}
