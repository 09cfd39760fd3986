/* runner_memcheck.c: what valgrind's memcheck should know about the simulated seam (runner_hook.h).
 *
 * Memcheck sees the heap as one shared mapping whose pages turn writable as the break moves; it
 * cannot know that the bytes between the break and the end of its page belong to nobody, nor which
 * bytes of the heap are a program's blocks. The runner tells it, with memcheck's client requests:
 *   - the bytes from the break to the end of its page are not addressable (a read or a write past
 *     the break is reported at the line that makes it, not a page later or never);
 *   - the payload of every live block (the bytes the program asked for) is not addressable while the
 *     allocator runs: an allocator reads and writes its headers, footers and free chunks, never a
 *     block the program holds. free(p) and realloc(p) may touch p's own payload (realloc copies it;
 *     stages 1 and 2 copy up to the break, so realloc sees every payload).
 *   - under valgrind, a freed block's payload past its first 16 bytes (where a free chunk keeps its
 *     list links) is undefined once free returns: an allocator that decides anything on what the
 *     program left in a freed block is reported ("depends on uninitialised value") at its line,
 *     while copying those bytes or writing a header there is not.
 * Built with AddressSanitizer (make asan) the same marks are its poison (but for freed payloads:
 * poison would refuse the headers a split writes there). Without valgrind
 * (RUNNING_ON_VALGRIND is 0) or without its header, every function returns at once.
 */
#include "runner_hook.h"

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

/* Built with -fsanitize=address (make asan): the same marks as AddressSanitizer's poison. */
#if defined(__SANITIZE_ADDRESS__)
#define WATCH_MEMORY 1
#include <sanitizer/asan_interface.h>
static bool watching(void) { return true; }
static void mark_noaccess(uint64_t at, uint64_t bytes) { ASAN_POISON_MEMORY_REGION((void *)(uintptr_t)at, bytes); }
static void mark_defined(uint64_t at, uint64_t bytes) { ASAN_UNPOISON_MEMORY_REGION((void *)(uintptr_t)at, bytes); }
#elif defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#define WATCH_MEMORY 1
#include <valgrind/memcheck.h>
static bool watching(void) { return RUNNING_ON_VALGRIND != 0; }
static void mark_noaccess(uint64_t at, uint64_t bytes) { VALGRIND_MAKE_MEM_NOACCESS((void *)(uintptr_t)at, bytes); }
static void mark_defined(uint64_t at, uint64_t bytes) { VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)at, bytes); }
#define WATCH_FREED 1
static void mark_undefined(uint64_t at, uint64_t bytes)
{
    VALGRIND_MAKE_MEM_UNDEFINED((void *)(uintptr_t)at, bytes);
}
#endif
#endif

#ifdef WATCH_MEMORY

enum { TABLE_SLOTS = 1 << 17, PAGE_BYTES = 4096 };

struct live {
    uint64_t mem;                    /* 0 empty, UINT64_MAX a tombstone */
    uint64_t bytes;
};

static struct live table[TABLE_SLOTS];
static size_t table_used;
static uint64_t heap_first, last_brk;
static struct live being_freed;      /* the block of the free under way, { 0, 0 } when none */

enum { LINK_BYTES = 16 };            /* a free chunk's next and prev, at the start of its payload */

static size_t slot_of(uint64_t mem) { return (size_t)((mem >> 4) * 0x9e3779b97f4a7c15ull) & (TABLE_SLOTS - 1); }

static struct live *find(uint64_t mem)
{
    for (size_t h = slot_of(mem), n = 0; n < TABLE_SLOTS; h = (h + 1) & (TABLE_SLOTS - 1), n++) {
        if (table[h].mem == mem)
            return &table[h];
        if (table[h].mem == 0)
            return NULL;
    }
    return NULL;
}

static void remember(uint64_t mem, uint64_t bytes)
{
    if (mem == 0 || bytes == 0 || (table_used + 1) * 4 > TABLE_SLOTS * 3)
        return;                      /* nearly full: later blocks go unwatched */
    size_t h = slot_of(mem);
    while (table[h].mem != 0 && table[h].mem != UINT64_MAX && table[h].mem != mem)
        h = (h + 1) & (TABLE_SLOTS - 1);
    if (table[h].mem == 0)
        table_used++;
    table[h] = (struct live){ mem, bytes };
    mark_noaccess(mem, bytes);
}

static void set_all(bool accessible)
{
    for (size_t h = 0; h < TABLE_SLOTS; h++)
        if (table[h].mem != 0 && table[h].mem != UINT64_MAX) {
            if (accessible)
                mark_defined(table[h].mem, table[h].bytes);
            else
                mark_noaccess(table[h].mem, table[h].bytes);
        }
}

void runner_memcheck_break(uint64_t heap_start, uint64_t brk, uint64_t writable_end)
{
    if (!watching())
        return;
    if (last_brk == 0)
        last_brk = heap_start;
    heap_first = heap_start;
    if (brk > last_brk)              /* grown: the new bytes are the allocator's */
        mark_defined(last_brk, brk - last_brk);
    uint64_t page_end = (brk + PAGE_BYTES - 1) & ~(uint64_t)(PAGE_BYTES - 1);
    uint64_t end = writable_end > page_end ? writable_end : page_end;
    if (end > brk)                   /* past the break: nobody's, whatever the page protection */
        mark_noaccess(brk, end - brk);
    last_brk = brk;
}

void runner_memcheck_before(uint32_t op, uint64_t a, uint64_t b)
{
    (void)b;
    if (!watching())
        return;
    if (op == OP_REALLOC)
        set_all(true);
    if (op == OP_FREE || op == OP_REALLOC) {
        struct live *l = find(a);
        if (l != NULL) {
            mark_defined(l->mem, l->bytes);
            being_freed = op == OP_FREE ? *l : (struct live){ 0, 0 };
            l->mem = UINT64_MAX;     /* gone from the program's hands */
        }
    }
}

void runner_memcheck_after(uint32_t op, uint64_t a, uint64_t b, uint64_t result)
{
    if (!watching())
        return;
    if (op == OP_REALLOC)
        set_all(false);
#ifdef WATCH_FREED
    /* Only inside the heap below the break: a freed mapping (stage 6) is gone, and must stay so. */
    if (op == OP_FREE && being_freed.mem >= heap_first && being_freed.mem + being_freed.bytes <= last_brk &&
        being_freed.bytes > LINK_BYTES)
        mark_undefined(being_freed.mem + LINK_BYTES, being_freed.bytes - LINK_BYTES);
#endif
    being_freed = (struct live){ 0, 0 };
    if (op == OP_MALLOC)
        remember(result, a);
    else if (op == OP_CALLOC && (b == 0 || a <= UINT64_MAX / b))
        remember(result, a * b);
    else if (op == OP_REALLOC && result != 0)
        remember(result, b);
    else if (op == OP_REALLOC && b != 0 && a != 0)
        remember(a, 0);              /* failed: the old block's size is not known any more */
}

#else

void runner_memcheck_break(uint64_t heap_start, uint64_t brk, uint64_t writable_end)
{
    (void)heap_start, (void)brk, (void)writable_end;
}

void runner_memcheck_before(uint32_t op, uint64_t a, uint64_t b) { (void)op, (void)a, (void)b; }

void runner_memcheck_after(uint32_t op, uint64_t a, uint64_t b, uint64_t result)
{
    (void)op, (void)a, (void)b, (void)result;
}

#endif
