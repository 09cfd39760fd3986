/* aligned_api.c: the aligned members of the malloc family for LD_PRELOAD.
 *
 *   posix_memalign(&p, a, n)  a must be a power of two and a multiple of sizeof(void *): else EINVAL
 *                             with p untouched; ENOMEM (p untouched) when no memory; 0 otherwise
 *   aligned_alloc(a, n)       a must be a power of two: else NULL with errno = EINVAL (C17, DR 460)
 *   memalign(a, n)            the same rule as aligned_alloc
 *   valloc(n)                 page-aligned n bytes
 *   pvalloc(n)                page-aligned, n rounded up to whole pages (one page for 0)
 * Alignments below 16 give 16-byte alignment; above 2^31 they fail with ENOMEM (block.h). The blocks
 * are ordinary tagged blocks: free, realloc and malloc_usable_size treat them like any other.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "block.h"

/* The prototypes, declared here so the file does not depend on which headers declare them. */
PRELOAD_EXPORT void *memalign(size_t align_bytes, size_t req_bytes);
PRELOAD_EXPORT void *valloc(size_t req_bytes);
PRELOAD_EXPORT void *pvalloc(size_t req_bytes);

static bool is_power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

static size_t at_least_min_align(size_t align_bytes)
{
    return align_bytes < BLOCK_MIN_ALIGN ? BLOCK_MIN_ALIGN : align_bytes;
}

static size_t page_bytes(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

PRELOAD_EXPORT int posix_memalign(void **memptr, size_t align_bytes, size_t req_bytes)
{
    if (!is_power_of_two(align_bytes) || align_bytes % sizeof(void *) != 0)
        return EINVAL;                                   /* *memptr stays as it was */
    int saved_errno = errno;                             /* posix_memalign reports, never sets errno */
    void *mem = api_allocate(at_least_min_align(align_bytes), req_bytes);
    errno = saved_errno;
    if (mem == NULL)
        return ENOMEM;
    *memptr = mem;
    return 0;
}

PRELOAD_EXPORT void *aligned_alloc(size_t align_bytes, size_t req_bytes)
{
    if (!is_power_of_two(align_bytes)) {
        errno = EINVAL;
        return NULL;
    }
    return api_allocate(at_least_min_align(align_bytes), req_bytes);
}

PRELOAD_EXPORT void *memalign(size_t align_bytes, size_t req_bytes)
{
    return aligned_alloc(align_bytes, req_bytes);
}

PRELOAD_EXPORT void *valloc(size_t req_bytes)
{
    return api_allocate(page_bytes(), req_bytes);
}

PRELOAD_EXPORT void *pvalloc(size_t req_bytes)
{
    size_t page = page_bytes();
    if (req_bytes > PTRDIFF_MAX - page) {
        errno = ENOMEM;
        return NULL;
    }
    size_t whole_pages_bytes = req_bytes == 0 ? page : (req_bytes + page - 1) / page * page;
    return api_allocate(page, whole_pages_bytes);
}
