/* stage6_mmap/heapmgr.c: the lecture's "VM" DMMgr.
 *
 * Policy: every chunk is its own virtual-memory mapping; malloc maps fresh pages, free unmaps them.
 * Adds over Bins: memory really goes back to the operating system. Stages 1-5 live in one heap that
 * only the top can shrink; here each free returns whole pages at once, and there is no heap, no free
 * list and no bin at all: the kernel's page tables are the data structure.
 * Per-chunk overhead: a 16-byte header holding the mapped length, and the rounding of header plus
 * request up to whole pages (up to a page minus one byte; a 1-byte request costs a 4096-byte page).
 * Cost: malloc O(1) but one system call every time, plus the kernel's work to map and zero pages
 * (time bad for small chunks); free O(1) but one system call every time.
 *
 *   mapping (whole pages, from os_mmap)
 *   +----------------+------------------------------------------+~~~~~~~~~~~~~~~~+
 *   | mapped length  |  payload (req_bytes)                     | rest of the    |
 *   | | in use       |                                          | last page      |
 *   +----------------+------------------------------------------+~~~~~~~~~~~~~~~~+
 *   ^ chunk: the     ^ mem = chunk_to_mem(chunk): what malloc returns, 16-byte aligned
 *     header (16 bytes, common/chunk.h; its next word is unused)
 *
 * Algorithm (heapmgr_malloc):
 *   1. Add the 16-byte header to the request and round up to whole pages: map_bytes.
 *   2. grow_heap: os_mmap map_bytes of fresh, zeroed, private memory; on failure return NULL.
 *   3. Write map_bytes (and the in-use bit) into the header at the mapping's start.
 *   4. Return the payload just after the header.
 * heapmgr_free reads map_bytes back from the header and makes exactly one os_munmap of it.
 *
 * malloc(0) returns NULL, as the contract allows: a unique pointer would cost a whole page and two
 * system calls for nothing.
 *
 * Invariants (checked by heapmgr_check, listed in README.md). The stage keeps no list, only two
 * counters, and compares them with what the seam says it has mapped. That is exact because this
 * stage is the only user of os_mmap in the process:
 *   V1 the live mappings are this stage's: the seam's count of mappings equals the stage's count.
 *   V2 the mapped bytes are this stage's: the seam's mapped bytes equal the bytes the stage holds.
 *   V3 each mapping begins with its own header: in use, holding the mapping's exact length
 *      (walks every mapping; the simulated seam alone can list them, so under the kernel seam
 *      only V1 and V2 are checked).
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os_sim.h"

/* What the stage believes it holds; heapmgr_check compares these with the seam's own counts. */
static struct {
    size_t mappings;           /* chunks handed out and not yet freed */
    size_t mapped_bytes;       /* their mapped lengths added together */
} held;

static size_t page_bytes(void)
{
    static size_t bytes;       /* asked once: the page size cannot change while a process runs */
    if (bytes == 0)
        bytes = (size_t)sysconf(_SC_PAGESIZE);
    return bytes;
}

/* The mapped length for a payload of req_bytes: header plus payload, rounded up to whole pages;
 * 0 when that would overflow. */
static size_t map_bytes_for(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    size_t page = page_bytes();
    if (req_bytes > PTRDIFF_MAX - CHUNK_HEADER_BYTES - page)
        return 0;
    size_t chunk_bytes = CHUNK_HEADER_BYTES + req_bytes;
    return (chunk_bytes + page - 1) / page * page;
    /* END SOLUTION */
}

/* The stage's one way to get memory: a fresh mapping of map_bytes, or NULL. */
static chunk_t *grow_heap(size_t map_bytes)
{
    /* BEGIN SOLUTION */
    void *mapping = os_mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    held.mappings++;
    held.mapped_bytes += map_bytes;
    return chunk_at(mapping);
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes == 0)
        return NULL;                                /* allowed by the contract: no page wasted */
    size_t map_bytes = map_bytes_for(req_bytes);
    if (map_bytes == 0)
        return NULL;                                /* too large to map */
    chunk_t *c = grow_heap(map_bytes);
    if (c == NULL)
        return NULL;
    chunk_set_header(c, map_bytes, true);          /* the size word holds the whole mapping */
    chunk_set_next_free(c, NULL);                  /* unused: there is no free list */
    return chunk_to_mem(c);
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return;
    chunk_t *c = chunk_from_mem(mem);
    size_t map_bytes = chunk_size(c);
    /* Exactly the length that was mapped: the whole chunk goes back to the operating system. */
    if (os_munmap(c, map_bytes) != 0)
        return;                                     /* refused: the mapping stays live, and counted */
    held.mappings--;
    held.mapped_bytes -= map_bytes;
    /* END SOLUTION */
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0) {
        heapmgr_free(mem);
        return NULL;
    }
    chunk_t *c = chunk_from_mem(mem);
    size_t usable_bytes = chunk_size(c) - CHUNK_HEADER_BYTES;
    if (req_bytes <= usable_bytes)
        return mem;                                 /* still fits in the pages it has: no call at all */
    return heapmgr_realloc_by_moving(mem, usable_bytes, req_bytes);
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------------- */

struct v3_walk {
    int violations;
};

/* V3 for one mapping: its first 16 bytes must be a header in use holding its own length. */
static int check_mapping(void *start, size_t length, void *arg)
{
    /* BEGIN SOLUTION */
    struct v3_walk *walk = arg;
    const chunk_t *c = chunk_at(start);
    if (chunk_size(c) != length || !chunk_is_in_use(c)) {
        fprintf(stderr,
                "heapmgr_check: V3 each mapping begins with its own header: mapping at %p of %zu bytes, "
                "header says %zu bytes, %s\n",
                start, length, chunk_size(c), chunk_is_in_use(c) ? "in use" : "not in use");
        walk->violations++;
    }
    return 0;                                       /* go on: report every bad mapping */
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    struct os_stats seam = os_stats();
    if (seam.mappings != held.mappings) {
        fprintf(stderr, "heapmgr_check: V1 the live mappings are this stage's: the seam has %zu, the stage %zu\n",
                seam.mappings, held.mappings);
        violations++;
    }
    if (seam.mapped_bytes != held.mapped_bytes) {
        fprintf(stderr,
                "heapmgr_check: V2 the mapped bytes are this stage's: the seam has %zu bytes, the stage %zu\n",
                seam.mapped_bytes, held.mapped_bytes);
        violations++;
    }
    struct v3_walk walk = { 0 };
    os_sim_each_mapping(check_mapping, &walk);     /* visits nothing under the kernel seam */
    return violations + walk.violations;
    /* END SOLUTION */
}
