/* malloc_api.c: malloc, free, calloc, realloc and malloc_usable_size for LD_PRELOAD, with the C and
 * POSIX semantics programs rely on, on top of the tagged blocks of block.c.
 *
 *   malloc(0)          a unique pointer (a block of 0 usable bytes: the stage still sees 16)
 *   sizes > PTRDIFF_MAX and calloc products that overflow: NULL with errno = ENOMEM
 *   free               keeps errno (POSIX 2024): its caller may be reporting an earlier error
 *   realloc(p, 0)      frees p and returns NULL, as the C library on Linux does
 *   realloc failure    NULL, errno = ENOMEM, p untouched and still valid
 *   malloc_usable_size exactly the bytes asked for (0 for NULL)
 * Every pointer is 16-byte aligned: _Alignof(max_align_t) on x86-64.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "block.h"

/* Declared here: <malloc.h> is a GNU header and the rest of the family comes from <stdlib.h>. */
PRELOAD_EXPORT size_t malloc_usable_size(void *mem);

#ifndef HEAPKIT_STAGE_FOLDER
#define HEAPKIT_STAGE_FOLDER "unknown-stage"
#endif

void *api_allocate(size_t align_bytes, size_t req_bytes)
{
    if (req_bytes > PTRDIFF_MAX) {
        errno = ENOMEM;
        return NULL;
    }
    int saved_errno = errno;
    void *mem = block_alloc(align_bytes, req_bytes);
    errno = mem != NULL ? saved_errno : ENOMEM;   /* the seam may set errno even when it succeeds */
    return mem;
}

PRELOAD_EXPORT void *malloc(size_t req_bytes)
{
    return api_allocate(BLOCK_MIN_ALIGN, req_bytes);
}

PRELOAD_EXPORT void free(void *mem)
{
    if (mem == NULL)
        return;                                   /* free(NULL) does nothing */
    int saved_errno = errno;
    block_free(mem);
    errno = saved_errno;
}

PRELOAD_EXPORT void *calloc(size_t n, size_t elem_bytes)
{
    /* n * elem_bytes must not wrap around: a wrapped product would hand out a block that is too small. */
    if (elem_bytes != 0 && n > SIZE_MAX / elem_bytes) {
        errno = ENOMEM;
        return NULL;
    }
    size_t total_bytes = n * elem_bytes;
    void *mem = api_allocate(BLOCK_MIN_ALIGN, total_bytes);
    if (mem != NULL)
        memset(mem, 0, total_bytes);              /* reused chunks hold old data: zero every time */
    return mem;
}

PRELOAD_EXPORT void *realloc(void *mem, size_t req_bytes)
{
    if (mem == NULL)
        return api_allocate(BLOCK_MIN_ALIGN, req_bytes);   /* realloc(NULL, n) is malloc(n) */
    if (req_bytes == 0) {
        free(mem);                                /* the C library's choice on Linux: free, NULL */
        return NULL;
    }
    if (req_bytes > PTRDIFF_MAX) {
        errno = ENOMEM;
        return NULL;
    }
    int saved_errno = errno;
    void *moved = block_resize(mem, req_bytes);
    errno = moved != NULL ? saved_errno : ENOMEM;
    return moved;
}

PRELOAD_EXPORT size_t malloc_usable_size(void *mem)
{
    if (mem == NULL)
        return 0;
    return block_usable_bytes(mem);
}

PRELOAD_EXPORT const char *heapkit_preload_stage(void)
{
    return HEAPKIT_STAGE_FOLDER;
}
