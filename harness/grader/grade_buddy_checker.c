/* grade_buddy_checker.c: checker.* for the buddy system: a healthy heap, one corruption written behind
 * the allocator's back through common/chunk.h, and heapmgr_check() must report it (grade_checker.h). */
#include <stdio.h>

#include "grade_beyond.h"
#include "grade_checker.h"

/* The healthy heap is the one the stages 3-5 checker tests corrupt (checker_detects): blocks of 80,
 * 300 and 2000 bytes (128, 512 and 4096-byte blocks here) in a row, every fourth one freed: free blocks
 * whose buddies are in use, lists of several blocks, and pairs of blocks in use side by side that are
 * buddies, that are not, and that differ in size. */
/* The first pair of blocks in use side by side for which fits(first, second) holds, or NULL. */
static chunk_t *used_pair(const struct heap_view *v, bool (*fits)(const chunk_t *, const chunk_t *))
{
    for (size_t i = 0; i + 1 < v->chunk_count; i++)
        if (chunk_is_in_use(v->chunks[i]) && chunk_is_in_use(v->chunks[i + 1]) && fits(v->chunks[i], v->chunks[i + 1]))
            return v->chunks[i];
    return NULL;
}

static bool sizes_differ(const chunk_t *a, const chunk_t *b) { return chunk_size(a) != chunk_size(b); }

static bool equal_not_buddies(const chunk_t *a, const chunk_t *b)
{
    return chunk_size(a) == chunk_size(b) && buddy_offset(a) % (2 * chunk_size(a)) != 0;
}

static bool split_free_block(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        if (chunk_size(c) < 2 * BUDDY_MIN_BYTES)
            continue;
        chunk_t *next = chunk_next_free(c);
        chunk_t *back = chunk_split(c, chunk_size(c) / 2, false, false);
        /* both halves stay listed, the back half right after the front */
        chunk_set_next_free(back, next);
        chunk_set_prev_free(back, c);
        chunk_set_next_free(c, back);
        if (next != NULL)
            chunk_set_prev_free(next, back);
        snprintf(what, cap, "the free block at offset 0x%zx was split into two free buddies of %zu bytes, both listed",
                 buddy_offset(c), chunk_size(c));
        return true;
    }
    return checker_no_target(t, v, "free block of 128 bytes or more");
}

static bool mark_listed_in_use(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    for (size_t i = 0; i < v->free_count; i++)
        if (chunk_next_free(v->free_chunks[i]) != NULL) {
            chunk_set_in_use(v->free_chunks[i], true);
            snprintf(what, cap, "the free block at offset 0x%zx, on a free list, was marked in use",
                     buddy_offset(v->free_chunks[i]));
            return true;
        }
    return checker_no_target(t, v, "free block with a successor on its list");
}

static bool merge_unequal_pair(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *c = used_pair(v, sizes_differ);
    if (c == NULL)
        return checker_no_target(t, v, "pair of blocks in use of different sizes side by side");
    size_t a = chunk_size(c), b = chunk_size(chunk_next_in_mem(c));
    chunk_merge_with_next(c);                    /* one block in use: the tiling stays whole */
    snprintf(what, cap, "the block at offset 0x%zx (%zu bytes) swallowed the next one (%zu bytes): %zu bytes, no "
             "power of two", buddy_offset(c), a, b, a + b);
    return true;
}

static bool merge_non_buddies(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *c = used_pair(v, equal_not_buddies);
    if (c == NULL)
        return checker_no_target(t, v, "pair of blocks in use of one size side by side that are not buddies");
    chunk_merge_with_next(c);                    /* one block in use: the tiling stays whole */
    snprintf(what, cap, "two blocks side by side that are not buddies were made one block of %zu bytes at offset 0x%zx, "
             "which is not a multiple of its size", chunk_size(c), buddy_offset(c));
    return true;
}

static bool stale_footer(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    if (v->free_count == 0)
        return checker_no_target(t, v, "free block");
    chunk_t *c = v->free_chunks[v->free_count - 1];
    chunk_footer(c)->size = chunk_size(c) / 2;
    snprintf(what, cap, "the footer of the free block at offset 0x%zx was made to say %zu bytes, its header %zu",
             buddy_offset(c), chunk_size(c) / 2, chunk_size(c));
    return true;
}

static bool break_prev_link(struct grade_ctx *t, struct heap_view *v, char *what, size_t cap)
{
    chunk_t *head;
    chunk_t *tail = checker_long_list_or_fail(t, v, &head);
    if (tail == NULL)
        return false;
    chunk_set_prev_free(tail, NULL);
    snprintf(what, cap, "the last block of the %zu-byte list (offset 0x%zx) had its prev link cleared",
             chunk_size(tail), buddy_offset(tail));
    return true;
}

bool buddy_detects_unmerged_buddies(struct grade_ctx *t) { return checker_detects(t, split_free_block); }
bool buddy_detects_listed_block_in_use(struct grade_ctx *t) { return checker_detects(t, mark_listed_in_use); }
bool buddy_detects_block_not_power_of_two(struct grade_ctx *t) { return checker_detects(t, merge_unequal_pair); }
bool buddy_detects_misaligned_block(struct grade_ctx *t) { return checker_detects(t, merge_non_buddies); }
bool buddy_detects_stale_footer(struct grade_ctx *t) { return checker_detects(t, stale_footer); }
bool buddy_detects_broken_prev_link(struct grade_ctx *t) { return checker_detects(t, break_prev_link); }
