/* alloc_extra.c: what every stage would otherwise write again, built once on the contract. */
#include <stdint.h>
#include <string.h>

#include "heapmgr.h"

void *heapmgr_calloc(size_t n, size_t elem_bytes)
{
    /* n * elem_bytes must not wrap around: a wrapped product would hand out a block that is too small. */
    if (elem_bytes != 0 && n > SIZE_MAX / elem_bytes)
        return NULL;
    size_t total_bytes = n * elem_bytes;
    void *mem = heapmgr_malloc(total_bytes);
    if (mem != NULL)
        memset(mem, 0, total_bytes);
    return mem;
}

void *heapmgr_realloc_by_moving(void *mem, size_t old_bytes, size_t req_bytes)
{
    void *moved = heapmgr_malloc(req_bytes);
    if (moved == NULL)
        return NULL;               /* C semantics: the old block stays valid */
    memcpy(moved, mem, old_bytes < req_bytes ? old_bytes : req_bytes);
    heapmgr_free(mem);
    return moved;
}
