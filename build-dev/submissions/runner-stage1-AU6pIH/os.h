/* os.h: the kernel seam. Stage code never calls brk, sbrk, mmap or munmap; it calls these, which have
 * exactly the real calls' signatures and failure values, so stage code reads like the slides.
 *
 * Two backends implement this header (the build picks one per library):
 *   kernel    (os_kernel.c) the real system calls; used by libheapmgr-preload.so.
 *   simulated (os_sim.c)    a private region reserved once: 4 GiB for the heap, 4 GiB for mappings.
 *                           The break is enforced with page protection, so a write past the page that
 *                           holds the break faults with SIGSEGV as on a real heap. Deterministic and
 *                           safe beside the C library's own malloc; the default of libheapmgr.a.
 * Both count every call. The simulated backend's controls (a size limit, fault injection, the list of
 * mappings) are in os_sim.h: this header is the seam alone, what stage code may call.
 * Neither backend is thread-safe by itself: the preload library holds its lock around every call.
 */
#ifndef HEAPKIT_OS_H
#define HEAPKIT_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

int   os_brk(void *addr);                 /* 0, or -1 with errno = ENOMEM */
void *os_sbrk(intptr_t increment);        /* the old break, or (void *)-1 with errno = ENOMEM */
void *os_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset); /* MAP_FAILED */
int   os_munmap(void *addr, size_t length);                                         /* 0 or -1 */

/* Counters since the process started (a forked child starts from its parent's values). */
struct os_stats {
    unsigned long brk_calls;       /* os_brk calls, failed ones included */
    unsigned long sbrk_calls;      /* os_sbrk calls, os_sbrk(0) included */
    unsigned long break_moves;     /* os_brk and os_sbrk calls that changed the break */
    unsigned long mmap_calls;
    unsigned long munmap_calls;
    unsigned long failed_calls;    /* calls that returned failure, for any reason */
    unsigned long injected_failures; /* of those, the ones made to fail by os_sim_fail_nth */
    unsigned long bad_munmaps;     /* os_munmap of an address or length that is no mapping's */
    size_t heap_bytes;             /* break - heap start */
    size_t peak_heap_bytes;
    size_t mapped_bytes;           /* whole pages currently mapped through os_mmap */
    size_t peak_mapped_bytes;
    size_t mappings;               /* mappings currently live */
    size_t peak_mappings;
};

struct os_stats os_stats(void);

/* Total calls of all four kinds: the "system calls" column of the reports. */
static inline unsigned long os_stats_calls(const struct os_stats *s)
{
    return s->brk_calls + s->sbrk_calls + s->mmap_calls + s->munmap_calls;
}

/* The heap is [os_heap_start(), os_heap_end()): the break before the first move, and the break now. */
void *os_heap_start(void);
void *os_heap_end(void);

/* "simulated" or "kernel". */
const char *os_backend_name(void);

#endif
