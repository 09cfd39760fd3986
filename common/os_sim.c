/* os_sim.c: the simulated backend of the seam.
 *
 * One private reservation, made at the first call and never moved:
 *
 *   heap region (4 GiB)                         mapping region (4 GiB)
 *   +-----------------+~~~~~~~~~~~~~~~~~~~~~~~  +------+----+-----------+~~~~~~~~~~~~~
 *   | read/write      |  PROT_NONE ...          | map1 |    | map2      |  PROT_NONE ...
 *   +-----------------+~~~~~~~~~~~~~~~~~~~~~~~  +------+----+-----------+~~~~~~~~~~~~~
 *   ^ heap start      ^ page holding the break
 *
 * Only the pages below the break (rounded up to a page) are readable and writable, so a write past
 * that page faults with SIGSEGV as on a real heap; pages given back are dropped with MADV_DONTNEED.
 * Mappings are whole pages of the mapping region, found next-fit in a page bitmap; a second table
 * records the length of each mapping at its first page, so os_munmap can insist on an exact
 * (address, length) pair: a wrong one is counted in bad_munmaps and refused with EINVAL.
 * The reservation is PROT_NONE and MAP_NORESERVE: it costs address space, not memory.
 *
 * Shared mode (os_sim_share) backs both regions with memory files mapped at OS_SIM_SHARED_ADDR, so
 * that the grader's runner maps the very same bytes: the heap file grows and shrinks with the break's
 * page (ftruncate), the mapping file grows past the end of the highest mapping made, and pages unmapped
 * from the mapping region are punched out of its file.
 */
#define _GNU_SOURCE               /* memfd_create, fallocate, MAP_FIXED_NOREPLACE: shared mode */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os_count.h"
#include "os_sim.h"

#define SIM_HEAP_BYTES ((size_t)4 << 30)
#define SIM_MAP_BYTES ((size_t)4 << 30)
#define MAP_FILE_STEP ((size_t)64 << 20)

static struct {
    char *heap_start;          /* page aligned; NULL before the first call */
    char *brk;                 /* the simulated break */
    char *writable_end;        /* end of the read/write pages of the heap */
    char *map_start;           /* the mapping region, right after the heap region */
    size_t page_bytes;
    size_t map_pages;
    uint64_t *page_used;       /* one bit per page of the mapping region */
    uint32_t *mapping_pages;   /* at a mapping's first page: its length in pages; 0 elsewhere */
    size_t next_fit;           /* the page where the next search for free pages starts */
    size_t max_bytes;          /* heap + mapped bytes allowed; 0 = no limit */
    unsigned long fail_countdown; /* the call that many calls from now fails; 0 = none */
    bool broken;               /* the reservation itself failed: every call fails */
    int heap_fd, map_fd;       /* shared mode: the regions' memory files; -1 otherwise */
    size_t map_file_size;      /* shared mode: the mapping file ends at the highest mapping's end */
} sim = { .heap_fd = -1, .map_fd = -1 };

static void *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static bool sim_ready(void);

/* Shared mode: both regions as memory files at the fixed address; the heap file starts empty. */
static void *reserve_shared(void)
{
    char *heap = (char *)OS_SIM_SHARED_ADDR, *maps = heap + SIM_HEAP_BYTES;
    int flags = MAP_SHARED | MAP_FIXED_NOREPLACE | MAP_NORESERVE;
    void *h = mmap(heap, SIM_HEAP_BYTES, PROT_NONE, flags, sim.heap_fd, 0);
    void *m = mmap(maps, SIM_MAP_BYTES, PROT_NONE, flags, sim.map_fd, 0);
    if (h != heap || m != maps)
        return NULL;
    return heap;
}

bool os_sim_share(int *heap_fd, int *map_fd)
{
    if (sim.heap_start != NULL || sim.heap_fd >= 0) {
        errno = EBUSY;                    /* too late: the private reservation is made */
        return false;
    }
    sim.heap_fd = memfd_create("heapkit-heap", MFD_CLOEXEC);
    sim.map_fd = memfd_create("heapkit-mappings", MFD_CLOEXEC);
    if (sim.heap_fd < 0 || sim.map_fd < 0 || !sim_ready())
        return false;
    *heap_fd = sim.heap_fd;
    *map_fd = sim.map_fd;
    return true;
}

/* Shared mode: the heap file ends where the read/write pages end, so nobody can touch more. */
static bool resize_heap_file(char *writable_end)
{
    return sim.heap_fd < 0 || ftruncate(sim.heap_fd, (off_t)(writable_end - sim.heap_start)) == 0;
}

/* Gives pages of the mapping region back: dropped from the file in shared mode. */
static void drop_map_pages(char *mem, size_t bytes)
{
    if (sim.map_fd >= 0)
        fallocate(sim.map_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(mem - sim.map_start), (off_t)bytes);
    else
        madvise(mem, bytes, MADV_DONTNEED);
}

/* Reserves both regions and the mapping tables once, at the first call. */
static bool sim_ready(void)
{
    if (sim.heap_start != NULL)
        return true;
    if (sim.broken)
        return false;
    sim.page_bytes = (size_t)sysconf(_SC_PAGESIZE);
    sim.map_pages = SIM_MAP_BYTES / sim.page_bytes;
    char *region = sim.heap_fd >= 0 ? reserve_shared() : reserve(SIM_HEAP_BYTES + SIM_MAP_BYTES);
    void *bitmap = mmap(NULL, sim.map_pages / 8, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    void *lengths = mmap(NULL, sim.map_pages * sizeof(uint32_t), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == NULL || bitmap == MAP_FAILED || lengths == MAP_FAILED) {
        sim.broken = true;
        return false;
    }
    sim.heap_start = sim.brk = sim.writable_end = region;
    sim.map_start = region + SIM_HEAP_BYTES;
    sim.page_used = bitmap;
    sim.mapping_pages = lengths;
    return true;
}

static size_t pages_for(size_t bytes) { return (bytes + sim.page_bytes - 1) / sim.page_bytes; }

/* Counts the call's failure and sets errno; returns -1, the failure value of brk and munmap. */
static int refuse(int error)
{
    os_counters.failed_calls++;
    errno = error;
    return -1;
}

/* Every call goes through here first: fault injection makes the chosen call fail with ENOMEM. */
static bool injected_failure(void)
{
    if (sim.fail_countdown == 0)
        return false;
    if (--sim.fail_countdown != 0)
        return false;
    os_counters.injected_failures++;
    return true;
}

/* Would growing the simulated footprint by extra_bytes exceed the limit? */
static bool over_limit(size_t extra_bytes)
{
    if (sim.max_bytes == 0)
        return false;
    size_t used = (size_t)(sim.brk - sim.heap_start) + os_counters.mapped_bytes;
    return extra_bytes > sim.max_bytes || used > sim.max_bytes - extra_bytes;
}

/* Moves the simulated break to new_brk (inside the heap region), changing page protection. */
static bool move_break(char *new_brk)
{
    bool outside = new_brk < sim.heap_start || new_brk > sim.heap_start + SIM_HEAP_BYTES;
    if (outside || (new_brk > sim.brk && over_limit((size_t)(new_brk - sim.brk)))) {
        refuse(ENOMEM);
        return false;
    }
    char *new_writable_end = sim.heap_start + pages_for((size_t)(new_brk - sim.heap_start)) * sim.page_bytes;
    if (new_writable_end > sim.writable_end) {
        if (!resize_heap_file(new_writable_end) ||
            mprotect(sim.writable_end, (size_t)(new_writable_end - sim.writable_end), PROT_READ | PROT_WRITE) != 0) {
            refuse(ENOMEM);
            return false;
        }
    } else if (new_writable_end < sim.writable_end) {
        /* Shrinking: give the pages back and make them fault again, as a real brk would. */
        size_t drop_bytes = (size_t)(sim.writable_end - new_writable_end);
        if (sim.heap_fd < 0)
            madvise(new_writable_end, drop_bytes, MADV_DONTNEED);
        mprotect(new_writable_end, drop_bytes, PROT_NONE);
        resize_heap_file(new_writable_end);
    }
    bool moved = new_brk != sim.brk;
    sim.writable_end = new_writable_end;
    sim.brk = new_brk;
    os_count_break((size_t)(sim.brk - sim.heap_start), moved);
    return true;
}

int os_brk(void *addr)
{
    os_counters.brk_calls++;
    if (!sim_ready() || injected_failure())
        return refuse(ENOMEM);
    return move_break(addr) ? 0 : -1;
}

void *os_sbrk(intptr_t increment)
{
    os_counters.sbrk_calls++;
    if (!sim_ready() || injected_failure()) {
        refuse(ENOMEM);
        return (void *)-1;
    }
    char *old_brk = sim.brk;
    /* Compare in sizes, not pointers: old_brk + increment could point anywhere. */
    size_t used = (size_t)(sim.brk - sim.heap_start);
    if (increment > 0 && (size_t)increment > SIM_HEAP_BYTES - used) {
        refuse(ENOMEM);
        return (void *)-1;
    }
    if (increment < 0 && (size_t)-increment > used) {
        refuse(ENOMEM);
        return (void *)-1;
    }
    return move_break(old_brk + increment) ? old_brk : (void *)-1;
}

static bool page_is_used(size_t page) { return (sim.page_used[page / 64] >> (page % 64)) & 1; }

static void mark_pages(size_t first, size_t count, bool used)
{
    for (size_t page = first; page < first + count; page++) {
        if (used)
            sim.page_used[page / 64] |= (uint64_t)1 << (page % 64);
        else
            sim.page_used[page / 64] &= ~((uint64_t)1 << (page % 64));
    }
}

/* Next fit over the page bitmap, skipping whole words of used pages: the first run of count free
 * pages at or after from, below limit. Returns limit when there is none. */
static size_t find_free_pages(size_t count, size_t from, size_t limit)
{
    size_t run_start = from, run_length = 0;
    for (size_t page = from; page < limit; page++) {
        if (page % 64 == 0 && run_length == 0 && sim.page_used[page / 64] == UINT64_MAX) {
            page += 63;                       /* a word of 64 used pages: skip it whole */
            continue;
        }
        if (page_is_used(page)) {
            run_length = 0;
            continue;
        }
        if (run_length++ == 0)
            run_start = page;
        if (run_length == count)
            return run_start;
    }
    return limit;
}

void *os_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    os_counters.mmap_calls++;
    if (!sim_ready() || injected_failure()) {
        refuse(ENOMEM);
        return MAP_FAILED;
    }
    /* The simulation serves what a heap needs: fresh anonymous private memory, placed by us. */
    (void)addr;
    bool anonymous = (flags & MAP_ANONYMOUS) != 0 && (flags & MAP_FIXED) == 0 && fd == -1 && offset == 0;
    if (length == 0 || !anonymous) {
        refuse(EINVAL);
        return MAP_FAILED;
    }
    size_t count = pages_for(length);
    if (count > sim.map_pages || over_limit(count * sim.page_bytes)) {
        refuse(ENOMEM);
        return MAP_FAILED;
    }
    size_t first = find_free_pages(count, sim.next_fit, sim.map_pages);
    if (first == sim.map_pages)               /* wrap around once */
        first = find_free_pages(count, 0, sim.map_pages);
    if (first == sim.map_pages) {
        refuse(ENOMEM);
        return MAP_FAILED;
    }
    char *mem = sim.map_start + first * sim.page_bytes;
    size_t end_offset = (first + count) * sim.page_bytes;
    if (sim.map_fd >= 0 && end_offset > sim.map_file_size) {
        /* Shared mode: the file grows to cover the mapping, in steps of MAP_FILE_STEP so that not every
         * mapping costs a system call; past its end nobody can touch a byte, and what lies between
         * mappings holds no memory unless someone wrote there (os_sim_map_file_bytes). */
        size_t grown = end_offset + MAP_FILE_STEP - 1;
        grown -= grown % MAP_FILE_STEP;
        if (grown > SIM_MAP_BYTES)
            grown = SIM_MAP_BYTES;
        if (ftruncate(sim.map_fd, (off_t)grown) != 0) {
            refuse(ENOMEM);
            return MAP_FAILED;
        }
        sim.map_file_size = grown;
    }
    if (mprotect(mem, count * sim.page_bytes, prot) != 0) {
        refuse(ENOMEM);
        return MAP_FAILED;
    }
    mark_pages(first, count, true);
    sim.mapping_pages[first] = (uint32_t)count;
    sim.next_fit = first + count;
    os_count_mapping(+1, count * sim.page_bytes);
    return mem;
}

int os_munmap(void *addr, size_t length)
{
    os_counters.munmap_calls++;
    if (!sim_ready() || injected_failure())
        return refuse(ENOMEM);
    size_t count = pages_for(length);
    size_t first = (size_t)((char *)addr - sim.map_start) / sim.page_bytes;
    bool exact = (char *)addr >= sim.map_start && (char *)addr < sim.map_start + SIM_MAP_BYTES &&
                 ((size_t)((char *)addr - sim.map_start) % sim.page_bytes) == 0 && length != 0 &&
                 sim.mapping_pages[first] == count;
    if (!exact) {
        /* A real munmap would quietly unmap part of a mapping, or nothing: here it is a bug to report. */
        os_counters.bad_munmaps++;
        return refuse(EINVAL);
    }
    drop_map_pages(addr, count * sim.page_bytes);
    mprotect(addr, count * sim.page_bytes, PROT_NONE);
    mark_pages(first, count, false);
    sim.mapping_pages[first] = 0;
    os_count_mapping(-1, count * sim.page_bytes);
    return 0;
}

void *os_heap_start(void)
{
    sim_ready();
    return sim.heap_start;
}

void *os_heap_end(void)
{
    sim_ready();
    return sim.brk;
}

const char *os_backend_name(void) { return "simulated"; }

bool os_sim_set_limit(size_t max_bytes)
{
    sim.max_bytes = max_bytes;
    return true;
}

bool os_sim_fail_nth(unsigned long n)
{
    sim.fail_countdown = n;
    return true;
}

size_t os_sim_mapping_length(const void *addr)
{
    if (!sim_ready() || (const char *)addr < sim.map_start || (const char *)addr >= sim.map_start + SIM_MAP_BYTES)
        return 0;
    size_t offset = (size_t)((const char *)addr - sim.map_start);
    if (offset % sim.page_bytes != 0)
        return 0;
    return (size_t)sim.mapping_pages[offset / sim.page_bytes] * sim.page_bytes;
}

void os_sim_each_mapping(int (*visit)(void *start, size_t length, void *arg), void *arg)
{
    if (!sim_ready())
        return;
    for (size_t page = 0; page < sim.map_pages; page++) {
        if (page % 64 == 0 && sim.page_used[page / 64] == 0) {
            page += 63;                       /* 64 unused pages: nothing starts here */
            continue;
        }
        size_t count = sim.mapping_pages[page];
        if (count == 0)
            continue;
        if (visit(sim.map_start + page * sim.page_bytes, count * sim.page_bytes, arg) != 0)
            return;
        page += count - 1;
    }
}

bool os_sim_owns(const void *p)
{
    return sim_ready() && (const char *)p >= sim.heap_start &&
           (const char *)p < sim.heap_start + SIM_HEAP_BYTES + SIM_MAP_BYTES;
}

void *os_sim_writable_end(void)
{
    sim_ready();
    return sim.writable_end;
}

size_t os_sim_map_file_bytes(void)
{
    struct stat st;
    if (sim.map_fd < 0 || sim.map_file_size == 0 || fstat(sim.map_fd, &st) != 0)
        return 0;
    return (size_t)st.st_blocks * 512;
}

bool os_sim_gave(const void *mem, size_t bytes)
{
    if (!sim_ready())
        return false;
    const char *p = mem;
    if (p >= sim.heap_start && p <= sim.brk)
        return bytes <= (size_t)(sim.brk - p);
    if (p < sim.map_start || p >= sim.map_start + SIM_MAP_BYTES || bytes > (size_t)(sim.map_start + SIM_MAP_BYTES - p))
        return false;
    size_t first = (size_t)(p - sim.map_start) / sim.page_bytes;
    size_t last = (size_t)(p + (bytes > 0 ? bytes - 1 : 0) - sim.map_start) / sim.page_bytes;
    for (size_t page = first; page <= last; page++)
        if (!page_is_used(page))
            return false;
    return true;
}
