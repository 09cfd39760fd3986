/* libc/heapmgr.c: the C library's malloc behind the contract, for build/libc/runner.
 *
 * The grade's perf tests (harness/grader/grade_perf.c) time a submission against the C library on the
 * same traces, in the same grading, through the same protocol and the same confinement: this file
 * makes the C library one more runner, so both sides pay the same cost for a batch on the pipes. Its
 * memory comes from the kernel (brk, mmap: the runner's filter allows both), not from the seam.
 */
#include <stdlib.h>

#include "heapmgr.h"

void *heapmgr_malloc(size_t req_bytes) { return malloc(req_bytes); }

void heapmgr_free(void *mem) { free(mem); }

void *heapmgr_realloc(void *mem, size_t req_bytes) { return realloc(mem, req_bytes); }

/* The C library checks its heap itself (it aborts on a corruption it finds): nothing to count. */
int heapmgr_check(void) { return 0; }
