/* tests/grader/crash.c: a stage 1 allocator that dies with SIGSEGV on its 40th malloc.
 *
 * The grader's own test (tests/suites/30-grader) grades it as stage 1 and expects every test that
 * makes 40 mallocs to fail as "killed by SIGSEGV (segmentation fault) at operation N", every other
 * test to pass, and every report format to stay complete.
 */
#include <stdint.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

enum { CRASH_AT_MALLOC = 40 };

static unsigned long mallocs;

void *heapmgr_malloc(size_t req_bytes)
{
    if (req_bytes == 0 || req_bytes > PTRDIFF_MAX - CHUNK_UNIT)
        return NULL;
    if (++mallocs == CRASH_AT_MALLOC) {
        volatile int *nowhere = NULL;
        *nowhere = 1;                               /* the bug: a write through NULL */
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
