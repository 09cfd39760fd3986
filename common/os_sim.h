/* os_sim.h: the simulated backend's controls, for the grader, the demos and the benchmarks.
 *
 * Stage code calls only os.h; the one exception is a checker that lists the live mappings
 * (os_sim_each_mapping), which visits nothing under the kernel backend. The kernel backend
 * implements every function here as a no-op that returns false (or 0).
 */
#ifndef HEAPKIT_OS_SIM_H
#define HEAPKIT_OS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os.h"

bool os_sim_set_limit(size_t max_bytes);    /* heap + mapped bytes allowed; 0 = no limit */
bool os_sim_fail_nth(unsigned long n);      /* the nth os_* call from now fails (1 = the next); 0 = never */

/* The length of the live mapping that starts exactly at addr, or 0 (simulated backend only). */
size_t os_sim_mapping_length(const void *addr);

/* Calls visit(start, length, arg) for each live mapping in address order (simulated backend only);
 * stops early when visit returns nonzero. */
void os_sim_each_mapping(int (*visit)(void *start, size_t length, void *arg), void *arg);

/* True when p points into the simulated heap or mapping region (false under the kernel backend). */
bool os_sim_owns(const void *p);

/* Is [mem, mem + bytes) memory the simulation handed out: below the break, or in live mappings? */
bool os_sim_gave(const void *mem, size_t bytes);

/* ---- shared memory, for a second process ----------------------------------------------------------
 * In shared mode the two regions are memory files (memfd) mapped MAP_SHARED at fixed addresses, so a
 * second process that maps the same files at the same addresses sees the same bytes: the grader's
 * runner holds the allocator, the grader keeps this simulation and reads the heap itself. The heap
 * file is always exactly as long as the heap's read/write pages, so the second process cannot touch a
 * byte past the break's page whatever protection it sets; pages unmapped from the mapping region are
 * punched out of its file. */
enum {
    OS_SIM_REGION_SHIFT = 32,                       /* each region is 4 GiB */
};
#define OS_SIM_SHARED_ADDR ((uintptr_t)0x200000000000u)   /* the heap region; the mapping region follows */

/* Switches to shared mode; must come before any other os_* call in this process. Returns the two
 * files' descriptors (close-on-exec), or false with errno set. */
bool os_sim_share(int *heap_fd, int *map_fd);

/* The break's page end: heap bytes that are readable and writable (a multiple of the page size). */
void *os_sim_writable_end(void);

/* Bytes of the mapping region's file that hold memory (in shared mode), to compare with the mapped
 * bytes the simulation handed out: more means someone wrote where nothing is mapped. */
size_t os_sim_map_file_bytes(void);

#endif
