/* grade_buddy.c: the buddy system's own properties (lecture.buddy_*), read by the grader from the
 * shared heap through common/chunk.h and its own heap walk (grade_heap.h), never from the allocator. */
#include <stdarg.h>
#include <stdio.h>

#include "grade_beyond.h"
#include "os.h"

bool beyond_violation(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return false;
}

static bool is_power_of_two(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

size_t buddy_offset(const void *c) { return chunk_offset(heap_first_chunk(os_heap_start()), c); }

size_t buddy_block_bytes_for(size_t req_bytes)
{
    size_t block_bytes = BUDDY_MIN_BYTES;
    while (block_bytes < chunk_bytes_for(req_bytes))
        block_bytes *= 2;
    return block_bytes;
}

/* ---- the audit ------------------------------------------------------------------------------------ */

bool buddy_audit_blocks(const struct heap_view *v, char *why, size_t cap)
{
    if (v->walk.tiling_broken)
        return beyond_violation(why, cap, "%s: block at offset 0x%zx", v->walk.tiling_problem, buddy_offset(v->walk.first_bad));
    size_t heap_bytes = chunk_offset(heap_first_chunk(os_heap_start()), os_heap_end());
    if (heap_bytes % BUDDY_ARENA_BYTES != 0)
        return beyond_violation(why, cap, "expected the heap to be whole arenas of %d bytes, it is %zu bytes",
                         BUDDY_ARENA_BYTES, heap_bytes);
    for (size_t i = 0; i < v->chunk_count; i++) {
        chunk_t *c = v->chunks[i];
        size_t bytes = chunk_size(c);
        if (chunk_footer_size(c) != bytes)
            return beyond_violation(why, cap, "the block at offset 0x%zx has %zu bytes in its header, %zu in its footer",
                             buddy_offset(c), bytes, chunk_footer_size(c));
        if (!is_power_of_two(bytes) || bytes < BUDDY_MIN_BYTES || bytes > BUDDY_ARENA_BYTES)
            return beyond_violation(why, cap, "expected every block to be a power of two from %d to %d bytes, the block at "
                             "offset 0x%zx has %zu", BUDDY_MIN_BYTES, BUDDY_ARENA_BYTES, buddy_offset(c), bytes);
        if (buddy_offset(c) % bytes != 0)
            return beyond_violation(why, cap, "expected every block aligned to its size, the block of %zu bytes is at "
                             "offset 0x%zx", bytes, buddy_offset(c));
    }
    return true;
}

/* The buddy of c, when it is a block of the walk with c's size, or NULL. */
static chunk_t *same_size_buddy(const struct heap_view *v, chunk_t *c)
{
    size_t bytes = chunk_size(c);
    if (bytes >= BUDDY_ARENA_BYTES)
        return NULL;                              /* whole arenas have no buddy */
    chunk_t *buddy = chunk_at((char *)heap_first_chunk(os_heap_start()) + (buddy_offset(c) ^ bytes));
    if (heap_view_chunk_index(v, buddy) == SIZE_MAX || chunk_size(buddy) != bytes)
        return NULL;                              /* split into smaller blocks */
    return buddy;
}

bool buddy_audit_merged(const struct heap_view *v, char *why, size_t cap)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i], *buddy = same_size_buddy(v, c);
        if (buddy != NULL && chunk_is_free(buddy))
            return beyond_violation(why, cap, "expected free buddies to be merged, the blocks at offsets 0x%zx and 0x%zx "
                             "(%zu bytes each) are both free", buddy_offset(c), buddy_offset(buddy), chunk_size(c));
    }
    return true;
}

bool buddy_audit_lists(const struct heap_view *v, char *why, size_t cap)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i], *next = chunk_next_free(c);
        if (next != NULL && heap_view_free_index(v, next) == SIZE_MAX)
            return beyond_violation(why, cap, "the free block at offset 0x%zx has next = %p, which is no free block",
                             buddy_offset(c), (void *)next);
        if (v->list_of[i] == SIZE_MAX)
            return beyond_violation(why, cap, "the free block at offset 0x%zx (%zu bytes) is on no list reachable from a "
                             "head (a cycle, or two lists joined)", buddy_offset(c), chunk_size(c));
    }
    for (size_t l = 0; l < v->head_count; l++) {
        size_t order_bytes = chunk_size(v->heads[l]);
        if (chunk_prev_free(v->heads[l]) != NULL)
            return beyond_violation(why, cap, "the head of a list, at offset 0x%zx, has a prev that is not NULL",
                             buddy_offset(v->heads[l]));
        for (size_t k = 0; k < v->list_length[l]; k++) {
            chunk_t *c = v->free_chunks[free_lists_entry(&v->lists, l, k)];
            if (chunk_size(c) != order_bytes)
                return beyond_violation(why, cap, "expected each free list to hold one order, the list headed at offset "
                                 "0x%zx (%zu bytes) holds the block at 0x%zx of %zu bytes",
                                 buddy_offset(v->heads[l]), order_bytes, buddy_offset(c), chunk_size(c));
            chunk_t *next = chunk_next_free(c);
            if (next != NULL && chunk_prev_free(next) != c)
                return beyond_violation(why, cap, "the links disagree: the block at offset 0x%zx names 0x%zx as next, whose "
                                 "prev is not it", buddy_offset(c), buddy_offset(next));
        }
        for (size_t m = 0; m < l; m++)
            if (chunk_size(v->heads[m]) == order_bytes)
                return beyond_violation(why, cap, "expected one free list per order, blocks of %zu bytes are on two lists "
                                 "(heads at offsets 0x%zx and 0x%zx)", order_bytes, buddy_offset(v->heads[m]),
                                 buddy_offset(v->heads[l]));
    }
    return true;
}

/* ---- the tests ------------------------------------------------------------------------------------ */

typedef bool buddy_part(const struct heap_view *v, char *why, size_t cap);

/* Builds the view and runs one part of the audit on it; false after recording the failure. */
static bool audit(struct grade_ctx *t, buddy_part *part, const char *when)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    char why[600];
    bool ok = part(&v, why, sizeof why);
    heap_view_release(&v);
    return ok || grade_fail(t, "%s: %s", when, why);
}

/* Every live block lies in a block of exactly its request's order: split down to the request. */
static bool blocks_have_their_order(struct grade_ctx *t, const struct grade_blocks *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct grade_block *blk = &b->items[i];
        if (blk->bytes > BUDDY_ARENA_BYTES / 2 - CHUNK_OVERHEAD_BYTES)
            continue;                             /* mapped on its own */
        chunk_t *c = chunk_from_mem(blk->mem);
        if (chunk_size(c) != buddy_block_bytes_for(blk->bytes) || chunk_is_free(c))
            return grade_fail(t, "expected malloc(%zu) to get a block in use of %zu bytes (split down to the request), "
                              "the block at offset 0x%zx has %zu bytes and is %s", blk->bytes,
                              buddy_block_bytes_for(blk->bytes), buddy_offset(c), chunk_size(c),
                              chunk_is_free(c) ? "free" : "in use");
    }
    return true;
}

/* A seeded mix of mallocs (a few of them mapped) and frees; part audited every 40 steps, and every
 * live block checked for its order. No reallocs: a block shrunk in place keeps its bigger order. */
static bool mix_audited(struct grade_ctx *t, buddy_part *part, const char *when)
{
    struct grade_blocks b = { 0 };
    uint64_t rng = 0x6275646479ull;
    const struct blocks_mix mix = { .free_below = 40, .realloc_below = 40, .max_live = 300, .large_one_in = 25,
                                    .small_bytes = 700, .large_bytes = 600000 };
    bool ok = true;
    int steps = t->quick ? 400 : 1200;
    for (int i = 0; i < steps && ok; i++) {
        ok = blocks_mix_step(t, &b, &rng, &mix);
        if (ok && i % 40 == 39)
            ok = audit(t, part, when) && blocks_have_their_order(t, &b);
    }
    ok = ok && blocks_free_all(t, &b) && audit(t, part, "after every block was freed");
    blocks_release(&b);
    return ok;
}

bool buddy_blocks_are_aligned_powers_of_two(struct grade_ctx *t)
{
    return mix_audited(t, buddy_audit_blocks, "during a seeded mix of malloc and free");
}

/* Also: once every block is freed, each arena is one free block again. */
bool buddy_free_buddies_merged(struct grade_ctx *t)
{
    if (!mix_audited(t, buddy_audit_merged, "during a seeded mix of malloc and free"))
        return false;
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    bool ok = true;
    for (size_t i = 0; i < v.chunk_count && ok; i++)
        if (chunk_size(v.chunks[i]) != BUDDY_ARENA_BYTES || chunk_is_in_use(v.chunks[i]))
            ok = grade_fail(t, "expected every arena to merge back to one free block of %d bytes once all is freed, "
                            "the block at offset 0x%zx has %zu bytes and is %s", BUDDY_ARENA_BYTES,
                            buddy_offset(v.chunks[i]), chunk_size(v.chunks[i]),
                            chunk_is_free(v.chunks[i]) ? "free" : "in use");
    heap_view_release(&v);
    return ok;
}

bool buddy_free_lists_hold_one_order(struct grade_ctx *t)
{
    return mix_audited(t, buddy_audit_lists, "during a seeded mix of malloc and free");
}

/* The lesson's example on a fresh 1 MB arena: A = 70 kB, B = 35 kB, C = 80 kB, free A, D = 60 kB,
 * free B, free D, free C. Each block is the front half of the split (offsets below, in kB of the
 * arena) and the last three frees merge back up to the whole arena. */
bool buddy_lesson_example(struct grade_ctx *t)
{
    enum { KB = 1024 };
    static const struct { char op, name; size_t bytes; size_t offset_kb, block_kb; } steps[] = {
        { 'a', 'A', 70000, 0, 128 }, { 'a', 'B', 35000, 128, 64 }, { 'a', 'C', 80000, 256, 128 },
        { 'f', 'A', 0, 0, 0 },       { 'a', 'D', 60000, 192, 64 }, { 'f', 'B', 0, 0, 0 },
        { 'f', 'D', 0, 0, 0 },       { 'f', 'C', 0, 0, 0 },
    };
    char *mem[4] = { 0 };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int id = steps[i].name - 'A';
        if (steps[i].op == 'f') {
            g_free(t, mem[id]);
            mem[id] = NULL;
            continue;
        }
        if ((mem[id] = g_malloc(t, steps[i].bytes)) == NULL)
            return grade_fail_alloc(t, "malloc in the lesson's example", steps[i].bytes);
        chunk_t *c = chunk_from_mem(mem[id]);
        if (buddy_offset(c) != steps[i].offset_kb * KB || chunk_size(c) != steps[i].block_kb * KB)
            return grade_fail(t, "expected %c = malloc(%zu) at %zu kB in a block of %zu kB (the front half of each "
                              "split), got %zu bytes at offset %zu", steps[i].name, steps[i].bytes, steps[i].offset_kb,
                              steps[i].block_kb, chunk_size(c), buddy_offset(c));
    }
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    bool whole = v.chunk_count == 1 && chunk_size(v.chunks[0]) == BUDDY_ARENA_BYTES && chunk_is_free(v.chunks[0]);
    size_t count = v.chunk_count, first = count > 0 ? chunk_size(v.chunks[0]) : 0;
    heap_view_release(&v);
    return whole || grade_fail(t, "expected the four frees to merge back into one free arena of 1024 kB, the heap "
                               "holds %zu blocks, the first of %zu bytes", count, first);
}
