/* tests/grader/broken_syntax.c: a submission that does not compile (a missing semicolon and an
 * undeclared name). The grader's own test expects exit status 2 and the compiler's messages only. */
#include "heapmgr.h"

void *heapmgr_malloc(size_t req_bytes)
{
    return (void *)req_bytes
}

void heapmgr_free(void *mem) { (void)mem; }

void *heapmgr_realloc(void *mem, size_t req_bytes) { return undeclared_helper(mem, req_bytes); }

int heapmgr_check(void) { return 0; }
