/* os_kernel.c: the kernel backend of the seam: the real system calls, counted.
 *
 * Used by libheapmgr-preload.so, where the C library's malloc is gone and the break is ours. The
 * heap start is the break the first call found; a program that later calls sbrk(0) itself does no harm.
 */
#include <errno.h>
#include <unistd.h>

#include "os_count.h"
#include "os_sim.h"

static void *heap_start_addr;      /* the break before our first move; NULL until the first call */

static void remember_heap_start(void)
{
    if (heap_start_addr == NULL)
        heap_start_addr = sbrk(0);
}

static size_t heap_bytes_now(void)
{
    return (size_t)((char *)sbrk(0) - (char *)heap_start_addr);
}

int os_brk(void *addr)
{
    remember_heap_start();
    os_counters.brk_calls++;
    void *old_break = sbrk(0);
    if (brk(addr) != 0) {
        os_counters.failed_calls++;
        return -1;
    }
    os_count_break(heap_bytes_now(), addr != old_break);
    return 0;
}

void *os_sbrk(intptr_t increment)
{
    remember_heap_start();
    os_counters.sbrk_calls++;
    void *old_break = sbrk(increment);
    if (old_break == (void *)-1) {
        os_counters.failed_calls++;
        return old_break;
    }
    os_count_break(heap_bytes_now(), increment != 0);
    return old_break;
}

void *os_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    os_counters.mmap_calls++;
    void *mem = mmap(addr, length, prot, flags, fd, offset);
    if (mem == MAP_FAILED) {
        os_counters.failed_calls++;
        return mem;
    }
    size_t page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    os_count_mapping(+1, (length + page_bytes - 1) / page_bytes * page_bytes);
    return mem;
}

int os_munmap(void *addr, size_t length)
{
    os_counters.munmap_calls++;
    if (munmap(addr, length) != 0) {
        os_counters.failed_calls++;
        return -1;
    }
    size_t page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    os_count_mapping(-1, (length + page_bytes - 1) / page_bytes * page_bytes);
    return 0;
}

void *os_heap_start(void)
{
    remember_heap_start();
    return heap_start_addr;
}

void *os_heap_end(void)
{
    return sbrk(0);
}

const char *os_backend_name(void) { return "kernel"; }

bool os_sim_set_limit(size_t max_bytes)
{
    (void)max_bytes;
    return false;
}

bool os_sim_fail_nth(unsigned long n)
{
    (void)n;
    return false;
}

size_t os_sim_mapping_length(const void *addr)
{
    (void)addr;
    return 0;
}

void os_sim_each_mapping(int (*visit)(void *start, size_t length, void *arg), void *arg)
{
    (void)visit;
    (void)arg;
}

bool os_sim_owns(const void *p)
{
    (void)p;
    return false;
}

bool os_sim_share(int *heap_fd, int *map_fd)
{
    (void)heap_fd;
    (void)map_fd;
    return false;
}

void *os_sim_writable_end(void) { return NULL; }

size_t os_sim_map_file_bytes(void) { return 0; }

bool os_sim_gave(const void *mem, size_t bytes)
{
    (void)mem;
    (void)bytes;
    return false;
}
