/* grade_heap.c: the grader's independent heap walk, its lists (free_lists.h) and their audit (grade_heap.h). */
#include "grade_heap.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_test.h"
#include "os.h"

struct collect {
    chunk_t **items;
    size_t count, cap;
    bool out_of_memory;
};

static int collect_chunk(chunk_t *c, void *arg)
{
    struct collect *col = arg;
    if (col->count == col->cap) {
        size_t cap = col->cap == 0 ? 256 : 2 * col->cap;
        chunk_t **items = realloc(col->items, cap * sizeof *items);
        if (items == NULL) {
            col->out_of_memory = true;
            return 1;
        }
        col->items = items;
        col->cap = cap;
    }
    col->items[col->count++] = c;
    return 0;
}

size_t heap_view_free_index(const struct heap_view *v, const chunk_t *c)
{
    return chunk_index_in(v->free_chunks, v->free_count, c);
}

size_t heap_view_chunk_index(const struct heap_view *v, const chunk_t *c)
{
    return chunk_index_in(v->chunks, v->chunk_count, c);
}

bool heap_view_build(struct heap_view *v)
{
    memset(v, 0, sizeof *v);
    struct collect col = { 0 };
    v->walk_problems = heap_walk_seam(collect_chunk, &col, &v->walk);
    if (col.out_of_memory)
        return false;
    v->chunks = col.items;
    v->chunk_count = col.count;
    size_t n = v->walk.free_chunks;
    v->free_chunks = malloc((n + 1) * sizeof *v->free_chunks);
    if (v->free_chunks == NULL)
        return false;
    for (size_t i = 0; i < v->chunk_count; i++)
        if (chunk_is_free(v->chunks[i]) && v->free_count < n)
            v->free_chunks[v->free_count++] = v->chunks[i];
    bool built = free_lists_build(&v->lists, v->free_chunks, v->free_count);
    v->list_of = v->lists.list_of;
    v->heads = v->lists.heads;
    v->head_count = v->lists.list_count;
    v->list_length = v->lists.length;
    return built;
}

void heap_view_release(struct heap_view *v)
{
    free(v->chunks);
    free(v->free_chunks);
    free_lists_release(&v->lists);
    memset(v, 0, sizeof *v);
}

bool heap_view_build_or_fail(struct grade_ctx *t, struct heap_view *v)
{
    if (heap_view_build(v))
        return true;
    heap_view_release(v);
    return grade_fail(t, "the grader ran out of memory walking the heap");
}

bool heap_take_top(struct grade_ctx *t, struct grade_blocks *b)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    chunk_t *last = v.chunk_count > 0 ? v.chunks[v.chunk_count - 1] : NULL;
    size_t top_bytes = last != NULL && chunk_is_free(last) ? chunk_size(last) : 0;
    heap_view_release(&v);
    return top_bytes == 0 || blocks_alloc(t, b, top_bytes - CHUNK_OVERHEAD_BYTES - CHUNK_UNIT) != SIZE_MAX;
}

/* ---- the audit ----------------------------------------------------------------------------------- */

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

static bool violation(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool violation(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return false;
}

bool heap_view_audit_physical(const struct heap_view *v, char *why, size_t cap)
{
    if (v->walk.tiling_broken)
        return violation(why, cap, "%s: chunk at offset 0x%zx (size %zu, heap %zu bytes)", v->walk.tiling_problem,
                         off(v->walk.first_bad), chunk_size(v->walk.first_bad),
                         off(os_heap_end()));
    for (size_t i = 0; i < v->chunk_count; i++) {
        chunk_t *c = v->chunks[i];
        if (chunk_footer_size(c) != chunk_size(c))
            return violation(why, cap, "header and footer disagree: chunk at offset 0x%zx has size %zu in its "
                             "header, %zu in its footer", off(c), chunk_size(c), chunk_footer_size(c));
        if (i > 0 && chunk_is_free(c) && chunk_is_free(v->chunks[i - 1]))
            return violation(why, cap, "two adjacent free chunks (free must coalesce): offsets 0x%zx (%zu bytes) "
                             "and 0x%zx (%zu bytes)", off(v->chunks[i - 1]), chunk_size(v->chunks[i - 1]),
                             off(c), chunk_size(c));
    }
    return true;
}

static bool audit_links(const struct heap_view *v, int stage_number, char *why, size_t cap)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i], *next = chunk_next_free(c);
        if (next != NULL && heap_view_free_index(v, next) == SIZE_MAX) {
            size_t used = heap_view_chunk_index(v, next);
            if (used != SIZE_MAX)
                return violation(why, cap, "a free list leads to a chunk in use: the free chunk at offset 0x%zx "
                                 "has next = the chunk at offset 0x%zx, which is marked in use", off(c), off(next));
            return violation(why, cap, "a free list leaves the heap's chunks: the free chunk at offset 0x%zx has "
                             "next = %p, which is not a chunk of the heap", off(c), (void *)next);
        }
    }
    for (size_t i = 0; i < v->free_count; i++)
        if (v->list_of[i] == SIZE_MAX)
            return violation(why, cap, "free chunk at offset 0x%zx (%zu bytes) is on no list reachable from a head "
                             "(a cycle, or two lists joined)", off(v->free_chunks[i]), chunk_size(v->free_chunks[i]));
    /* A chunk reached twice: following a list stops at it, so the list that reaches it last ends early. */
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *next = chunk_next_free(v->free_chunks[i]);
        size_t j = next == NULL ? SIZE_MAX : heap_view_free_index(v, next);
        if (j != SIZE_MAX && v->list_of[j] != v->list_of[i])
            return violation(why, cap, "two free lists join: the chunk at offset 0x%zx is named as next by the "
                             "chunk at offset 0x%zx of another list", off(next), off(v->free_chunks[i]));
        if (j != SIZE_MAX && stage_number == 3 && (uintptr_t)next <= (uintptr_t)v->free_chunks[i])
            return violation(why, cap, "the free list is not sorted by address: offset 0x%zx is followed by "
                             "offset 0x%zx", off(v->free_chunks[i]), off(next));
    }
    size_t *named_by = malloc((v->free_count + 1) * sizeof *named_by);
    if (named_by == NULL)
        return violation(why, cap, "the grader ran out of memory walking the heap");
    for (size_t i = 0; i < v->free_count; i++)
        named_by[i] = SIZE_MAX;
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *next = chunk_next_free(v->free_chunks[i]);
        size_t j = next == NULL ? SIZE_MAX : heap_view_free_index(v, next);
        if (j == SIZE_MAX)
            continue;
        if (named_by[j] != SIZE_MAX) {
            size_t k = named_by[j];
            free(named_by);
            return violation(why, cap, "a cycle in a free list, or two lists joined: the chunks at offsets 0x%zx "
                             "and 0x%zx both have next = offset 0x%zx", off(v->free_chunks[k]),
                             off(v->free_chunks[i]), off(next));
        }
        named_by[j] = i;
    }
    free(named_by);
    if ((stage_number == 3 || stage_number == 4) && v->head_count > 1)
        return violation(why, cap, "the free chunks form %zu separate lists (heads at offsets 0x%zx and 0x%zx), "
                         "the stage keeps one: a free chunk is on no list", v->head_count, off(v->heads[0]),
                         off(v->heads[1]));
    return true;
}

static bool audit_prev(const struct heap_view *v, char *why, size_t cap)
{
    for (size_t h = 0; h < v->head_count; h++)
        if (chunk_prev_free(v->heads[h]) != NULL)
            return violation(why, cap, "next and prev disagree: the list head at offset 0x%zx has prev = %p, "
                             "expected NULL", off(v->heads[h]), (void *)chunk_prev_free(v->heads[h]));
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i], *next = chunk_next_free(c);
        if (next != NULL && chunk_prev_free(next) != c)
            return violation(why, cap, "next and prev disagree: offset 0x%zx has next = offset 0x%zx, whose prev "
                             "is %p", off(c), off(next), (void *)chunk_prev_free(next));
    }
    return true;
}

static const struct heap_view *sort_view;

static int by_size_then_address(const void *a, const void *b)
{
    chunk_t *x = sort_view->free_chunks[*(const size_t *)a], *y = sort_view->free_chunks[*(const size_t *)b];
    if (chunk_size(x) != chunk_size(y))
        return chunk_size(x) < chunk_size(y) ? -1 : 1;
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

bool heap_view_audit_bins(const struct heap_view *v, char *why, size_t cap)
{
    /* Chunks of one size share one list. */
    size_t *order = malloc((v->free_count + 1) * sizeof *order);
    if (order == NULL)
        return violation(why, cap, "the grader ran out of memory walking the heap");
    for (size_t i = 0; i < v->free_count; i++)
        order[i] = i;
    sort_view = v;
    qsort(order, v->free_count, sizeof *order, by_size_then_address);
    for (size_t k = 1; k < v->free_count; k++) {
        size_t i = order[k - 1], j = order[k];
        chunk_t *c = v->free_chunks[i], *d = v->free_chunks[j];
        if (chunk_size(c) == chunk_size(d) && v->list_of[i] != v->list_of[j]) {
            free(order);
            return violation(why, cap, "a free chunk is in the wrong bin: the chunks at offsets 0x%zx and 0x%zx "
                             "have the same size (%zu bytes) but are on different lists", off(c), off(d),
                             chunk_size(c));
        }
    }
    free(order);
    /* A list that holds a small chunk holds only chunks of that size: compare each with its head. */
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i], *head = v->heads[v->list_of[i]];
        bool small = chunk_units(c) < SMALL_BIN_UNITS || chunk_units(head) < SMALL_BIN_UNITS;
        if (small && chunk_size(c) != chunk_size(head))
            return violation(why, cap, "a free chunk is in the wrong bin: the chunk at offset 0x%zx (%zu units) is "
                             "on the list of the chunk at offset 0x%zx (%zu units), but a small chunk's bin holds "
                             "one size only", off(c), chunk_units(c), off(head), chunk_units(head));
    }
    return true;
}

bool heap_view_audit_lists(const struct heap_view *v, int stage_number, char *why, size_t cap)
{
    if (!audit_links(v, stage_number, why, cap))
        return false;
    return !(stage_number == 4 || stage_number == 5) || audit_prev(v, why, cap);
}

bool heap_view_audit(const struct heap_view *v, int stage_number, char *why, size_t cap)
{
    return heap_view_audit_physical(v, why, cap) && heap_view_audit_lists(v, stage_number, why, cap) &&
           (stage_number != 5 || heap_view_audit_bins(v, why, cap));
}

bool heap_audit(int stage_number, char *why, size_t cap)
{
    struct heap_view v;
    if (!heap_view_build(&v)) {
        heap_view_release(&v);
        return violation(why, cap, "the grader ran out of memory walking the heap");
    }
    bool ok = heap_view_audit(&v, stage_number, why, cap);
    heap_view_release(&v);
    return ok;
}
