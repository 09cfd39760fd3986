/* tests/grader/hang.c: a stage 1 allocator that loops forever on a request of exactly 65537 bytes.
 *
 * Only api.alignment asks for 65537 bytes (2^16 + 1), so the grader's own test expects that test to
 * fail as "timed out after N s" and every other test to pass, in a complete report.
 */
#include <stdint.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

void *heapmgr_malloc(size_t req_bytes)
{
    if (req_bytes == 0 || req_bytes > PTRDIFF_MAX - CHUNK_UNIT)
        return NULL;
    while (req_bytes == 65537)                      /* the bug: this never ends */
        __asm__ volatile("" ::: "memory");
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
