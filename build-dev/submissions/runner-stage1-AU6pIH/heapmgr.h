/* heapmgr.h: the contract every heapkit stage implements.
 *
 * Each stage folder (stage1_minimal ... stage6_mmap) holds one heapmgr.c that defines these four
 * functions and nothing else with external linkage. The grader, the benchmarks, the demos and the
 * LD_PRELOAD library reach a stage only through them.
 */
#ifndef HEAPKIT_HEAPMGR_H
#define HEAPKIT_HEAPMGR_H

#include <stddef.h>

/* Returns a 16-byte aligned payload of at least req_bytes bytes, or NULL when the kernel seam
 * (common/os.h) refuses memory. heapmgr_malloc(0) may return NULL or a unique pointer. */
void *heapmgr_malloc(size_t req_bytes);

/* Gives back a payload returned by heapmgr_malloc or heapmgr_realloc. heapmgr_free(NULL) does nothing. */
void heapmgr_free(void *mem);

/* C semantics: realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and returns NULL; on failure p is
 * left untouched and NULL is returned. Stages 1-2 keep no sizes and may copy min(req_bytes, break - p). */
void *heapmgr_realloc(void *mem, size_t req_bytes);

/* The stage's heap checker: walks what the stage keeps, prints each violated invariant by name with
 * the chunk's address to stderr, and returns the number of violations (0 = valid). */
int heapmgr_check(void);

/* Built once in common/alloc_extra.c on top of the four above. */

/* calloc: n * elem_bytes zeroed bytes, or NULL (with no allocation) when the product overflows. */
void *heapmgr_calloc(size_t n, size_t elem_bytes);

/* The move step of realloc shared by the stages: allocates req_bytes, copies
 * min(old_bytes, req_bytes) payload bytes, frees mem. NULL (mem untouched) when malloc fails. */
void *heapmgr_realloc_by_moving(void *mem, size_t old_bytes, size_t req_bytes);

#endif
