/* demo_lists.c: the free lists (stages 3-4) or the non-empty bins (stage 5) of a demo snapshot, rebuilt
 * from memory.
 *
 * A stage keeps its list heads in static variables the demo cannot see, so the heads are found from the
 * free chunks the heap walk met: a doubly linked list's head has no prev, a singly linked list's head
 * is the free chunk no other one points to. Each list is then followed from its head; lists are drawn
 * in order of their head's size, and a list that leads astray is drawn with a bad end.
 */
#include "demo_snapshot.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

/* Index of c among the free chunks found by the walk, or -1: only pointers that land exactly on a
 * free chunk are ever followed, so a broken list cannot make the demo read wild memory. */
static long free_index(const struct demo_snapshot *sn, const chunk_t *c)
{
    size_t lo = 0, hi = sn->free_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)sn->free_chunks[mid] < (uintptr_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sn->free_count && sn->free_chunks[lo] == c ? (long)lo : -1;
}

/* Is free chunk i the head of a list? Stages 4-5 keep a prev pointer in the footer: a head's is NULL.
 * Stage 3's list is singly linked: a head is a free chunk no other free chunk's next points to. */
static bool is_head(const struct demo_snapshot *sn, size_t i, const bool *pointed_to, bool doubly)
{
    if (doubly) {
        const chunk_t *prev = chunk_prev_free(sn->free_chunks[i]);
        return prev == NULL || free_index(sn, prev) < 0;
    }
    return !pointed_to[i];
}

static size_t units_of(const chunk_t *c) { return chunk_units(c); }

static int compare_heads(const void *a, const void *b)
{
    const chunk_t *x = *(chunk_t *const *)a, *y = *(chunk_t *const *)b;
    if (units_of(x) != units_of(y))
        return units_of(x) < units_of(y) ? -1 : 1;
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

/* Rebuilds the free lists (or the non-empty bins) from memory: lists are NULL-terminated with next in
 * the header; their heads are static in the stage, so we find them from the chunks themselves. */
void demo_rebuild_lists(struct demo_snapshot *sn)
{
    size_t n = sn->free_count;
    if (n == 0)
        return;
    bool doubly = sn->ch->stage->number >= 4;
    bool *pointed_to = calloc(n, sizeof *pointed_to);
    bool *visited = calloc(n, sizeof *visited);
    chunk_t **heads = malloc(n * sizeof *heads);
    if (pointed_to == NULL || visited == NULL || heads == NULL)
        _exit(3);
    for (size_t i = 0; i < n; i++) {
        long j = free_index(sn, chunk_next_free(sn->free_chunks[i]));
        if (j >= 0 && (size_t)j != i)
            pointed_to[j] = true;
    }
    size_t head_count = 0;
    for (size_t i = 0; i < n; i++)
        if (is_head(sn, i, pointed_to, doubly))
            heads[head_count++] = sn->free_chunks[i];
    qsort(heads, head_count, sizeof *heads, compare_heads);

    for (size_t h = 0; h < head_count; h++) {
        if (sn->s.h.list_count == DEMO_MAX_LISTS) {
            sn->s.h.lists_omitted++;
            continue;
        }
        struct demo_list *list = &sn->s.lists[sn->s.h.list_count++];
        *list = (struct demo_list){.first_link = sn->s.h.link_count, .min_units = SIZE_MAX};
        chunk_t *c = heads[h];
        for (;;) {
            long i = free_index(sn, c);
            if (i < 0 || visited[i])
                break;               /* a cycle back into the list: reported as a bad end below */
            visited[i] = true;
            size_t units = chunk_units(c);
            if (units < list->min_units)
                list->min_units = units;
            if (units > list->max_units)
                list->max_units = units;
            if (sn->s.h.link_count < DEMO_MAX_LINKS) {
                sn->s.links[sn->s.h.link_count++] = chunk_offset(sn->heap_start, c);
                list->count++;
            } else {
                list->cut = true;
            }
            chunk_t *next = chunk_next_free(c);
            if (next == NULL)
                break;
            long j = free_index(sn, next);
            if (j < 0 || visited[j]) {
                list->bad_end = true;
                bool inside = (char *)next >= sn->heap_start && (char *)next < (char *)os_heap_end();
                list->bad_target = inside ? chunk_offset(sn->heap_start, next) : SIZE_MAX;
                break;
            }
            c = next;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!visited[i])
            sn->s.h.unlisted_free++;
    free(pointed_to);
    free(visited);
    free(heads);
}
