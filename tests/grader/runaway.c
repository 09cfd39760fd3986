/* tests/grader/runaway.c: a stage 1 allocator that, from its 100th malloc on, grows the heap by 1 MiB
 * at a time until the kernel refuses, then returns NULL.
 *
 * The grader's own test expects the tests that make 100 mallocs to fail with "memory limit (N MiB)"
 * rather than to crash or to take the machine's memory.
 */
#include <stdint.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

static unsigned long mallocs;

void *heapmgr_malloc(size_t req_bytes)
{
    if (req_bytes == 0 || req_bytes > PTRDIFF_MAX - CHUNK_UNIT)
        return NULL;
    if (++mallocs >= 100) {
        while (os_sbrk(1 << 20) != (void *)-1)      /* the bug: runaway growth */
            continue;
        return NULL;
    }
    char *old_break = os_sbrk(0);
    if (old_break == (void *)-1)
        return NULL;
    char *mem = chunk_align_up(old_break);
    if (os_brk(mem + chunk_round_up(req_bytes)) == -1)
        return NULL;
    return mem;
}

void heapmgr_free(void *mem) { (void)mem; }

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0)
        return NULL;
    return heapmgr_realloc_by_moving(mem, (size_t)((char *)os_sbrk(0) - (char *)mem), req_bytes);
}

int heapmgr_check(void) { return 0; }
