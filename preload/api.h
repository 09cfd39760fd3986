/* api.h: what the two files of exported functions (malloc_api.c, aligned_api.c) share.
 *
 * The library is compiled with -fvisibility=hidden: only the functions marked PRELOAD_EXPORT are
 * seen by the program and the C library; the stage, the seam and this layer stay private, so the
 * stage's heapmgr_* and os_* names can never clash with a program's own.
 */
#ifndef HEAPKIT_PRELOAD_API_H
#define HEAPKIT_PRELOAD_API_H

#include <stddef.h>

#define PRELOAD_EXPORT __attribute__((visibility("default")))

/* The common path of every allocating call: refuses sizes above PTRDIFF_MAX, allocates a tagged
 * block of req_bytes aligned to align_bytes (a power of two, at least 16), sets errno to ENOMEM on
 * failure and leaves it untouched on success. */
void *api_allocate(size_t align_bytes, size_t req_bytes);

/* The folder of the stage this library was built from ("stage4_dlist"): lets a test check that it
 * runs on the library it meant to, and not on the C library's malloc. */
PRELOAD_EXPORT const char *heapkit_preload_stage(void);

#endif
