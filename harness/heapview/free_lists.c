/* free_lists.c: rebuilding free lists from free chunks (free_lists.h).
 *
 *   1. Count, for each free chunk, the free chunks that name it as next (its in-degree).
 *   2. Each free chunk nobody names is a head: number the lists in the heads' address order.
 *   3. Follow each list from its head, claiming every chunk not yet reached, until NULL, a next
 *      that is no free chunk, or a chunk some list already reached.
 * A chunk that no head reaches stays on no list: in a sound heap every free chunk is on one.
 */
#include "free_lists.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t chunk_index_in(chunk_t *const *items, size_t n, const chunk_t *c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)items[mid] < (uintptr_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && items[lo] == c ? lo : SIZE_MAX;
}

/* Step 3 for the list headed by free chunk head. */
static void follow(struct free_lists *fl, size_t head, size_t *listed)
{
    size_t list = fl->list_count++;
    fl->heads[list] = fl->chunks[head];
    fl->first[list] = *listed;
    fl->length[list] = 0;
    for (size_t at = head; at != SIZE_MAX && fl->list_of[at] == SIZE_MAX;
         at = free_lists_next(fl, at)) {
        fl->list_of[at] = list;
        fl->length[list]++;
        fl->order[(*listed)++] = at;
    }
}

bool free_lists_build(struct free_lists *fl, chunk_t *const *chunks, size_t count)
{
    memset(fl, 0, sizeof *fl);
    fl->chunks = chunks;
    fl->count = count;
    fl->list_of = malloc((count + 1) * sizeof *fl->list_of);
    fl->heads = malloc((count + 1) * sizeof *fl->heads);
    fl->length = malloc((count + 1) * sizeof *fl->length);
    fl->first = malloc((count + 1) * sizeof *fl->first);
    fl->order = malloc((count + 1) * sizeof *fl->order);
    size_t *in_degree = calloc(count + 1, sizeof *in_degree);
    if (fl->list_of == NULL || fl->heads == NULL || fl->length == NULL || fl->first == NULL ||
        fl->order == NULL || in_degree == NULL) {
        free(in_degree);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        fl->list_of[i] = SIZE_MAX;
        size_t j = free_lists_next(fl, i);
        if (j != SIZE_MAX)
            in_degree[j]++;
    }
    size_t listed = 0;
    for (size_t i = 0; i < count; i++)
        if (in_degree[i] == 0)
            follow(fl, i, &listed);
    free(in_degree);
    return true;
}

void free_lists_release(struct free_lists *fl)
{
    free(fl->list_of);
    free(fl->heads);
    free(fl->length);
    free(fl->first);
    free(fl->order);
    memset(fl, 0, sizeof *fl);
}
