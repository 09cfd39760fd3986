/* beyond/buddy/heapmgr.c: the binary buddy system, beyond the lecture's six DMMgrs.
 *
 * Policy: every block is 2^k bytes (an "order" k) and lies at an offset from the heap's first chunk
 * that is a multiple of its own size. A request takes the smallest order that holds it; a bigger free
 * block is split in halves, again and again, until one half has that order (the other halves go on
 * their orders' free lists). A freed block merges with its buddy -- the other half of the block it
 * was split from, found by its address alone: offset XOR size -- whenever the buddy is free and whole,
 * and the merged block tries again one order up (Knowlton 1965; Knuth, TAOCP vol. 1, 2.5).
 * Adds over Bins: O(log n) split and merge with no search for neighbours at all, and a free list per
 * order that holds blocks of exactly one size; the price is internal fragmentation, up to half of a
 * block (a 33-byte payload takes a 128-byte block).
 * Per-block overhead: the chunk layout of common/chunk.h (16-byte header, 16-byte footer), plus the
 * rounding of header + payload + footer up to a power of two. Requests larger than half an arena
 * are mapped on their own, as in stage 6 (a 16-byte header holding the mapped length).
 * Cost (n = orders, log2(ARENA_BYTES / MIN_BLOCK_BYTES) + 1 = 15):
 *     malloc  O(n)  look up from the request's order for a non-empty list, split down
 *     free    O(n)  merge with the buddy, order after order, each merge O(1)
 *
 * Algorithm:
 *   heapmgr_malloc
 *     1. Round header + payload + footer up to a power of two, at least MIN_BLOCK_BYTES: the order.
 *        Larger than half an arena: map it on its own (big_malloc).
 *     2. find_fit: the first non-empty free list at that order or above.
 *     3. None: grow_heap by one arena, ARENA_BYTES, a free block of the top order.
 *     4. split: while the block is bigger than the order, halve it and put the back half (its
 *        buddy) on the free list one order down.
 *   heapmgr_free
 *     1. Outside the heap: a mapped block, unmapped whole.
 *     2. Mark the block free. coalesce: while its buddy is a free block of the same order, take the
 *        buddy off its list and merge (the merged block starts at the lower of the two).
 *     3. Put the block on its order's list.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md):
 *   B0 blocks tile the heap (I0 of common/chunk.h) in whole arenas, up to where this allocator left
 *      the break (another user may have moved it further up: their bytes are not ours to walk)
 *   B1 every block's header and footer give the same size
 *   B2 every block is a power of two, MIN_BLOCK_BYTES .. ARENA_BYTES, aligned to its size
 *   B3 no two free buddies are left unmerged
 *   B4 each free list holds only its order: free blocks of exactly 2^k bytes, inside the heap
 *   B5 the links agree: a head's prev is NULL, and a->next->prev == a; no list has a cycle
 *   B6 every free block is on its order's list exactly once
 *   B7 the live mappings are this allocator's big blocks
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "chunk.h"
#include "heapmgr.h"
#include "heapwalk.h"
#include "os.h"
#include "os_sim.h"

/* ---- tunables (a student may change these) ------------------------------------------------- */

/* The lesson's example manages 1 MB; the heap grows one such arena at a time, and the top order's
 * blocks (whole arenas) never merge with each other. */
enum { MIN_ORDER = 6, MAX_ORDER = 20 };
enum {
    MIN_BLOCK_BYTES = 1 << MIN_ORDER,          /* 64: the smallest power of two above CHUNK_MIN_BYTES */
    ARENA_BYTES = 1 << MAX_ORDER,              /* 1 MB */
    ORDER_COUNT = MAX_ORDER - MIN_ORDER + 1,
};

_Static_assert((size_t)MIN_BLOCK_BYTES >= (size_t)CHUNK_MIN_BYTES, "the smallest block holds a header, a unit and a footer");
_Static_assert((size_t)MIN_BLOCK_BYTES % CHUNK_UNIT == 0, "blocks are whole units");

/* ---- the heap and the free lists ------------------------------------------------------------- */

static chunk_t *heap_base;     /* the first block: offsets (and so buddies) count from here */
static chunk_t *heap_end;      /* just past the last arena */
static void *heap_break;       /* where this allocator left the break */
static chunk_t *free_list[ORDER_COUNT];   /* free_list[k - MIN_ORDER]: free blocks of 2^k bytes */
static size_t big_blocks;      /* mapped blocks handed out and not yet freed (B7) */

static size_t order_bytes(int order) { return (size_t)1 << order; }

static chunk_t **list_of(int order) { return &free_list[order - MIN_ORDER]; }

/* The order of a block of block_bytes (a power of two). */
static int block_order(size_t block_bytes)
{
    int order = 0;
    while (order_bytes(order) < block_bytes)
        order++;
    return order;
}

/* The smallest order whose blocks hold chunk_bytes. */
static int order_for(size_t chunk_bytes)
{
    int order = block_order(chunk_bytes);
    return order < MIN_ORDER ? MIN_ORDER : order;
}

static size_t offset_of(const chunk_t *c) { return chunk_offset(heap_base, c); }

static bool in_heap(const void *p) { return heap_base != NULL && p >= (void *)heap_base && p < (void *)heap_end; }

/* The buddy of block c of block_bytes: the other half of the block twice its size, found by flipping
 * the one offset bit that block_bytes stands for. */
static chunk_t *buddy_of(const chunk_t *c, size_t block_bytes)
{
    /* BEGIN SOLUTION */
    return chunk_at((char *)heap_base + (offset_of(c) ^ block_bytes));
    /* END SOLUTION */
}

/* Links c in at the front of its order's list. */
static void list_insert(chunk_t *c, int order)
{
    /* BEGIN SOLUTION */
    chunk_t **head = list_of(order);
    chunk_set_next_free(c, *head);
    chunk_set_prev_free(c, NULL);
    if (*head != NULL)
        chunk_set_prev_free(*head, c);
    *head = c;
    /* END SOLUTION */
}

/* Unlinks c from its order's list: O(1) through the footer's prev. */
static void list_remove(chunk_t *c, int order)
{
    /* BEGIN SOLUTION */
    chunk_t *prev = chunk_prev_free(c);
    chunk_t *next = chunk_next_free(c);
    if (prev == NULL)
        *list_of(order) = next;                      /* c was the head */
    else
        chunk_set_next_free(prev, next);
    if (next != NULL)
        chunk_set_prev_free(next, prev);
    /* END SOLUTION */
}

/* One more arena at the break, as a free block of the top order on its list; false when the seam
 * refuses. The first grow also skips to the first 16-byte aligned address. */
static bool grow_heap(void)
{
    /* BEGIN SOLUTION */
    void *old_break = os_sbrk(0);
    if (old_break == (void *)-1)
        return false;
    /* Someone else moved the break since our last grow (a program calling sbrk itself): a new arena
     * there would not follow the last one, and its buddies' offsets would be wrong. Chosen answer, as
     * in stage 4: this malloc fails and the heap stays as it was. */
    if (heap_base != NULL && old_break != heap_break)
        return false;
    size_t pad_bytes = heap_base == NULL ? (size_t)((char *)chunk_align_up(old_break) - (char *)old_break) : 0;
    if (os_sbrk((intptr_t)(pad_bytes + ARENA_BYTES)) == (void *)-1)
        return false;
    chunk_t *arena = chunk_at((char *)old_break + pad_bytes);
    if (heap_base == NULL)
        heap_base = arena;
    heap_end = chunk_at((char *)arena + ARENA_BYTES);
    heap_break = heap_end;
    chunk_set_header(arena, ARENA_BYTES, false);
    chunk_write_footer(arena);
    list_insert(arena, MAX_ORDER);
    return true;
    /* END SOLUTION */
}

/* The order of the first non-empty list at order or above, or 0 when every one is empty. */
static int find_fit(int order)
{
    /* BEGIN SOLUTION */
    for (int k = order; k <= MAX_ORDER; k++)
        if (*list_of(k) != NULL)
            return k;
    return 0;
    /* END SOLUTION */
}

/* Takes the head of list found_order and halves it down to order: each back half, the front's buddy,
 * goes free on the list one order down. Returns the front, in use. */
static chunk_t *split(int found_order, int order)
{
    /* BEGIN SOLUTION */
    chunk_t *c = *list_of(found_order);
    list_remove(c, found_order);
    for (int k = found_order; k > order; k--) {
        chunk_t *back = chunk_split(c, order_bytes(k - 1), false, false);
        list_insert(back, k - 1);
    }
    chunk_set_in_use(c, true);
    return c;
    /* END SOLUTION */
}

/* Merges the free block c (on no list) with its buddy while the buddy is free and of the same order;
 * returns the merged block (on no list) and its order in *order. */
static chunk_t *coalesce(chunk_t *c, int *order)
{
    /* BEGIN SOLUTION */
    while (*order < MAX_ORDER) {
        size_t block_bytes = order_bytes(*order);
        chunk_t *buddy = buddy_of(c, block_bytes);
        /* a buddy that is split (smaller) or in use stays: the merge waits for both halves */
        if (chunk_is_in_use(buddy) || chunk_size(buddy) != block_bytes)
            break;
        list_remove(buddy, *order);
        if (buddy < c)
            c = buddy;                               /* the merged block starts at the lower half */
        chunk_set_header(c, 2 * block_bytes, false);
        chunk_write_footer(c);
        (*order)++;
    }
    return c;
    /* END SOLUTION */
}

/* ---- big blocks: one mapping each, as in stage 6 ---------------------------------------------- */

static size_t page_bytes(void)
{
    static size_t bytes;       /* asked once: the page size cannot change while a process runs */
    if (bytes == 0)
        bytes = (size_t)sysconf(_SC_PAGESIZE);
    return bytes;
}

static void *big_malloc(size_t req_bytes)
{
    size_t page = page_bytes();
    if (req_bytes > PTRDIFF_MAX - CHUNK_HEADER_BYTES - page)
        return NULL;                                 /* too large to map */
    size_t map_bytes = (CHUNK_HEADER_BYTES + req_bytes + page - 1) / page * page;
    void *mapping = os_mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    chunk_t *c = chunk_at(mapping);
    chunk_set_header(c, map_bytes, true);
    big_blocks++;
    return chunk_to_mem(c);
}

static void big_free(chunk_t *c)
{
    if (os_munmap(c, chunk_size(c)) == 0)
        big_blocks--;                                /* refused: the mapping stays live, and counted */
}

/* ---- the contract ---------------------------------------------------------------------------- */

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    size_t chunk_bytes = chunk_bytes_for(req_bytes);
    if (chunk_bytes == 0)
        return NULL;                                 /* overflows */
    if (chunk_bytes > ARENA_BYTES / 2)
        return big_malloc(req_bytes);                /* would take a whole arena or more */
    int order = order_for(chunk_bytes);
    int found = find_fit(order);
    if (found == 0) {
        if (!grow_heap())
            return NULL;
        found = MAX_ORDER;
    }
    return chunk_to_mem(split(found, order));
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return;
    chunk_t *c = chunk_from_mem(mem);
    if (!in_heap(c)) {
        big_free(c);                                 /* not in an arena: a mapping of its own */
        return;
    }
    int order = block_order(chunk_size(c));
    chunk_set_in_use(c, false);
    c = coalesce(c, &order);
    list_insert(c, order);
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
    size_t usable_bytes = in_heap(c) ? chunk_payload_bytes(c) : chunk_size(c) - CHUNK_HEADER_BYTES;
    if (req_bytes <= usable_bytes)
        return mem;                                  /* the block's rounding already holds it */
    return heapmgr_realloc_by_moving(mem, usable_bytes, req_bytes);
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------------- */

/* Prints one violation, "heapmgr_check: <invariant>: block at <address>: <what>", and counts it. */
__attribute__((format(printf, 3, 4)))
static int violation(const char *invariant, const void *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heapmgr_check: %s: block at %p: ", invariant, at);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static const char B2[] = "B2 every block is a power of two, MIN_BLOCK_BYTES .. ARENA_BYTES, aligned to its size";
static const char B3[] = "B3 no two free buddies are left unmerged";
static const char B4[] = "B4 each free list holds only its order";
static const char B5[] = "B5 the links agree and no list has a cycle";
static const char B6[] = "B6 every free block is on its order's list exactly once";

struct block_census {
    size_t free_blocks[ORDER_COUNT];   /* free blocks found in memory, per order */
    int violations;
};

/* B2 and B3 for one block of the walk. */
static int check_block(chunk_t *c, void *arg)
{
    /* BEGIN SOLUTION */
    struct block_census *census = arg;
    size_t block_bytes = chunk_size(c);
    int order = block_order(block_bytes);
    if (order_bytes(order) != block_bytes || order < MIN_ORDER || order > MAX_ORDER) {
        census->violations += violation(B2, c, "%zu bytes is no order's size", block_bytes);
        return 0;
    }
    if (offset_of(c) % block_bytes != 0)
        census->violations += violation(B2, c, "offset %zu is not a multiple of its %zu bytes", offset_of(c), block_bytes);
    if (chunk_is_in_use(c))
        return 0;
    census->free_blocks[order - MIN_ORDER]++;
    /* each free pair is seen twice; report it at the lower half only */
    chunk_t *buddy = buddy_of(c, block_bytes);
    if (order < MAX_ORDER && buddy > c && buddy < heap_end && chunk_is_free(buddy) && chunk_size(buddy) == block_bytes)
        census->violations += violation(B3, c, "its buddy at offset %zu is free too, both of %zu bytes",
                                        offset_of(buddy), block_bytes);
    return 0;
    /* END SOLUTION */
}

/* B4, B5 and B6 for the list of one order, against the census of the walk. */
static int check_list(int order, const struct block_census *census)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    size_t expected = census->free_blocks[order - MIN_ORDER], seen = 0;
    chunk_t *prev = NULL;
    for (chunk_t *c = *list_of(order); c != NULL; prev = c, c = chunk_next_free(c)) {
        /* never follow a link that leaves the heap or is not a free block of this order */
        if (!in_heap(c) || !chunk_is_aligned(c) || chunk_is_in_use(c) || chunk_size(c) != order_bytes(order))
            return violations + violation(B4, c, "on the list of %zu-byte blocks, but not a free block of that size",
                                          order_bytes(order));
        if (chunk_prev_free(c) != prev)
            return violations + violation(B5, c, "prev names offset %zu, the block before it on the list is at %zu",
                                          (size_t)((char *)chunk_prev_free(c) - (char *)heap_base),
                                          prev == NULL ? 0 : offset_of(prev));
        if (++seen > expected)
            return violations + violation(B6, c, "the %zu-byte list holds more entries than the %zu free blocks of that size",
                                          order_bytes(order), expected);
    }
    if (seen < expected)
        violations += violation(B6, *list_of(order), "the list holds %zu blocks, memory %zu free blocks of that size",
                                seen, expected);
    return violations;
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    struct os_stats seam = os_stats();
    if (seam.mappings != big_blocks) {
        fprintf(stderr, "heapmgr_check: B7 the live mappings are this allocator's big blocks: the seam has %zu, "
                "the allocator %zu\n", seam.mappings, big_blocks);
        violations++;
    }
    if (heap_base == NULL)
        return violations;                           /* nothing allocated in the heap yet */
    /* a break above ours is another user's bytes past our last arena: allowed (README.md) */
    if ((char *)os_heap_end() < (char *)heap_break || (offset_of(heap_end) % ARENA_BYTES) != 0) {
        fprintf(stderr, "heapmgr_check: B0 blocks tile the heap in whole arenas: the break is %p, below where the "
                "allocator left it, %p\n", os_heap_end(), heap_break);
        return violations + 1;                       /* the walk below would read past the heap */
    }
    struct block_census census = { 0 };
    struct heap_walk_report walk;
    heap_walk(heap_base, heap_end, check_block, &census, &walk);
    if (walk.tiling_broken) {
        fprintf(stderr, "heapmgr_check: B0 blocks tile the heap: block at %p: %s\n", (void *)walk.first_bad,
                walk.tiling_what);
        return violations + 1 + census.violations;   /* the lists cannot be counted against a broken walk */
    }
    if (walk.footer_mismatches != 0) {
        fprintf(stderr, "heapmgr_check: B1 every block's header and footer give the same size: %zu blocks differ\n",
                walk.footer_mismatches);
        violations += (int)walk.footer_mismatches;
    }
    /* adjacent free blocks are no fault here: only buddies must merge (B3) */
    violations += census.violations;
    for (int order = MIN_ORDER; order <= MAX_ORDER; order++)
        violations += check_list(order, &census);
    return violations;
    /* END SOLUTION */
}
