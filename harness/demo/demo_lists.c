/* demo_lists.c: the free lists (stages 3-4) or the non-empty bins (stage 5) of a demo snapshot, as
 * harness/heapview/free_lists.h rebuilds them from the free chunks the heap walk met.
 *
 * Lists are drawn in order of their head's size (then address); a list whose last next pointer is
 * neither NULL nor a free chunk not yet drawn (a cycle, two lists joined, a pointer astray) is drawn
 * with a bad end.
 */
#include "demo_snapshot.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "free_lists.h"
#include "os.h"

static const struct free_lists *sort_lists;

/* Lists by their head's size in units, then by the head's address. */
static int by_head(const void *a, const void *b)
{
    const chunk_t *x = sort_lists->heads[*(const size_t *)a], *y = sort_lists->heads[*(const size_t *)b];
    if (chunk_units(x) != chunk_units(y))
        return chunk_units(x) < chunk_units(y) ? -1 : 1;
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

/* Copies list l of fl into the snapshot, as far as the caps allow. */
static void draw_list(struct demo_snapshot *sn, const struct free_lists *fl, size_t l)
{
    struct demo_list *list = &sn->s.lists[sn->s.h.list_count++];
    *list = (struct demo_list){.first_link = sn->s.h.link_count, .min_units = SIZE_MAX};
    size_t last = 0;
    for (size_t k = 0; k < fl->length[l]; k++) {
        last = free_lists_entry(fl, l, k);
        const chunk_t *c = fl->chunks[last];
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
    }
    /* A list ends well at NULL; following stopped anywhere else means it went astray. */
    chunk_t *next = chunk_next_free(fl->chunks[last]);
    if (next != NULL) {
        list->bad_end = true;
        bool inside = (char *)next >= sn->heap_start && (char *)next < (char *)os_heap_end();
        list->bad_target = inside ? chunk_offset(sn->heap_start, next) : SIZE_MAX;
    }
}

void demo_rebuild_lists(struct demo_snapshot *sn)
{
    if (sn->free_count == 0)
        return;
    struct free_lists fl;
    size_t *drawing_order = malloc(sn->free_count * sizeof *drawing_order);
    if (drawing_order == NULL || !free_lists_build(&fl, sn->free_chunks, sn->free_count))
        _exit(3);
    for (size_t l = 0; l < fl.list_count; l++)
        drawing_order[l] = l;
    sort_lists = &fl;
    qsort(drawing_order, fl.list_count, sizeof *drawing_order, by_head);
    for (size_t k = 0; k < fl.list_count; k++) {
        if (sn->s.h.list_count == DEMO_MAX_LISTS)
            sn->s.h.lists_omitted++;
        else
            draw_list(sn, &fl, drawing_order[k]);
    }
    for (size_t i = 0; i < fl.count; i++)
        if (fl.list_of[i] == SIZE_MAX)
            sn->s.h.unlisted_free++;
    free_lists_release(&fl);
    free(drawing_order);
}
