/* demo_beyond.c: heap pictures of the two allocators beyond the six (demo_beyond.h).
 *
 * The buddy system is drawn as the lesson draws it: each 1 MB arena as 16 units of 64 kB, a block as
 * the units it covers, named by the pointer it holds (A = p1, B = p2, ...) or '.' when free, then the
 * free lists by order. The slab allocator is drawn cache by cache: each slab (one page) as its objects,
 * '#' in use and '.' free, and whether it is full, partial or empty. Both read memory the way the
 * grader does, through common/chunk.h and the seam's list of mappings, never the allocator's word.
 * The sequence runs in a child process of its own, so it starts from an empty heap.
 */
#include "demo_beyond.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chunk.h"
#include "heapwalk.h"
#include "os_sim.h"

enum { UNIT_BYTES = 64 << 10, ARENA_BYTES = 1 << 20, MAX_IDS = 64, MAX_BLOCK_LINES = 12 };
enum { SLAB_PAGE = 4096, SLAB_HEAD = 64 };
#define SLAB_MARK ((uint64_t)0x51ab51ab51ab5100u)

struct slab_head {                  /* beyond/slab/README.md's slab header, as the grader reads it */
    uint64_t mark;
    void *next, *prev;
    uint32_t cache, object_bytes, capacity, free_count;
    void *free_chain;
    uint64_t state, unused;
};

struct demo_beyond_run {
    const struct stage *stage;
    char *ptrs[MAX_IDS];
};

/* Pointers are named by letters, the lesson's way: A for the sequence's lowest id (p0, or p1 in the
 * lecture's sequences), B for the next. */
static int first_id;

static char name_of(int id) { return id - first_id < 26 ? (char)('A' + id - first_id) : '?'; }

/* The id whose block starts at chunk c, or -1. */
static int owner_of(const struct demo_beyond_run *r, const chunk_t *c)
{
    for (int id = 0; id < MAX_IDS; id++)
        if (r->ptrs[id] != NULL && chunk_from_mem(r->ptrs[id]) == c)
            return id;
    return -1;
}

/* ---- the buddy system ---------------------------------------------------------------------------- */

struct buddy_picture {
    const struct demo_beyond_run *run;
    char *base;
    char cells[16 * 64 + 1];        /* up to 64 arenas of 16 units */
    bool starts[16 * 64];           /* a block starts at this unit's first byte */
    size_t block_lines;
    size_t free_at[21][8], free_count[21];
};

static int draw_block(chunk_t *c, void *arg)
{
    struct buddy_picture *p = arg;
    size_t offset = chunk_offset(p->base, c), bytes = chunk_size(c);
    int owner = chunk_is_in_use(c) ? owner_of(p->run, c) : -1;
    char mark = chunk_is_free(c) ? '.' : owner >= 0 ? name_of(owner) : '#';
    if (offset % UNIT_BYTES == 0 && offset / UNIT_BYTES < sizeof p->starts)
        p->starts[offset / UNIT_BYTES] = true;
    for (size_t u = offset / UNIT_BYTES; u * UNIT_BYTES < offset + bytes && u < sizeof p->cells - 1; u++)
        if (p->cells[u] == ' ' || p->cells[u] == '.')
            p->cells[u] = mark;         /* a unit shared by small blocks shows the one in use */
    int order = 0;
    while (((size_t)1 << order) < bytes && order < 20)
        order++;
    if (chunk_is_free(c) && p->free_count[order] < 8)
        p->free_at[order][p->free_count[order]++] = offset;
    if (bytes < UNIT_BYTES && p->block_lines++ >= MAX_BLOCK_LINES)
        return 0;
    if (bytes < UNIT_BYTES || chunk_is_in_use(c)) {
        char who[8] = "";
        if (owner >= 0)
            snprintf(who, sizeof who, " (%c)", name_of(owner));
        char at[40];
        snprintf(at, sizeof at, offset % 1024 == 0 ? "%zu kB" : "%zu kB + %zu", offset >> 10, offset & 1023);
        printf("      %-6s %7zu bytes at %-14s%s\n", chunk_is_free(c) ? "free" : "in use", bytes, at, who);
    }
    return 0;
}

static void picture_buddy(const struct demo_beyond_run *r)
{
    struct buddy_picture p = { .run = r, .base = (char *)heap_first_chunk(os_heap_start()) };
    memset(p.cells, ' ', sizeof p.cells - 1);
    char *end = os_heap_end();
    if (end <= p.base) {
        printf("      (no arena yet)\n");
        return;
    }
    struct heap_walk_report report;
    heap_walk(p.base, end, draw_block, &p, &report);
    size_t arenas = (size_t)(end - p.base) / ARENA_BYTES;
    for (size_t a = 0; a < arenas && a < 64; a++) {
        printf("   arena %zu  ", a);
        for (size_t u = 16 * a; u < 16 * (a + 1); u++)
            printf("%s%c", p.starts[u] ? "|" : "", p.cells[u]);
        printf("|   (one cell = 64 kB, '|' a block's start)\n");
    }
    if (report.tiling_broken)
        printf("   the walk stopped: %s\n", report.tiling_problem);
    printf("   free lists:");
    bool any = false;
    for (int k = 0; k <= 20; k++) {
        if (p.free_count[k] == 0)
            continue;
        any = true;
        printf("  %zu %s:", k >= 10 ? ((size_t)1 << k) >> 10 : (size_t)1 << k, k >= 10 ? "kB" : "B");
        for (size_t i = 0; i < p.free_count[k]; i++)
            printf(" @%zu kB", p.free_at[k][i] >> 10);
    }
    printf("%s\n", any ? "" : " all empty");
}

/* ---- the slab allocator -------------------------------------------------------------------------- */

static int draw_slab(void *start, size_t length, void *arg)
{
    (void)arg;
    const struct slab_head *h = start;
    if (length != SLAB_PAGE || h->mark != SLAB_MARK || h->capacity == 0 || h->capacity > 252) {
        printf("      big block: a mapping of %zu bytes\n", length);
        return 0;
    }
    char objects[253];
    memset(objects, '#', h->capacity);
    objects[h->capacity] = '\0';
    size_t seen = 0;
    for (char *o = h->free_chain; o != NULL && seen <= h->capacity; o = *(char **)o, seen++) {
        size_t i = (size_t)(o - ((char *)start + SLAB_HEAD)) / h->object_bytes;
        if ((char *)o < (char *)start || i >= h->capacity)
            break;                          /* a broken chain: the grader says more */
        objects[i] = '.';
    }
    const char *state = h->free_count == 0 ? "full" : h->free_count == h->capacity ? "empty" : "partial";
    printf("      %4u-byte cache  slab %-7s %3u of %3u free  |%.64s%s|\n", (unsigned)h->object_bytes, state,
           (unsigned)h->free_count, (unsigned)h->capacity, objects, h->capacity > 64 ? "..." : "");
    return 0;
}

static void picture_slab(void)
{
    struct os_stats s = os_stats();
    printf("   %zu pages mapped (%zu mappings)\n", s.mapped_bytes / SLAB_PAGE, s.mappings);
    os_sim_each_mapping(draw_slab, NULL);
}

/* ---- segregated metadata: the page-to-size table (DRAW_PAGE_TABLE) --------------------------------- */

/* The GNU-style hybrid of the slide keeps no header in a chunk: every page holds chunks of one size,
 * and a table from page to size answers free's question. The slab allocator keeps that table's entry
 * in the page itself (its slab header), so the table is drawn from the live pages; pages are numbered
 * from the first one the run mapped. */
static char *first_page;

static size_t page_number(const void *p) { return (size_t)((const char *)p - first_page) / SLAB_PAGE; }

static int table_row(void *start, size_t length, void *arg)
{
    (void)arg;
    const struct slab_head *h = start;
    if (first_page == NULL || (char *)start < first_page)
        first_page = start;
    if (length == SLAB_PAGE && h->mark == SLAB_MARK)
        printf("      page %-3zu -> %4u-byte chunks\n", page_number(start), (unsigned)h->object_bytes);
    else
        printf("      page %-3zu -> one big chunk of %zu bytes (%zu pages)\n", page_number(start), length,
               length / SLAB_PAGE);
    return 0;
}

/* Which page p lies in, and the size the table gives for it. */
static void page_lookup(const char *verb, char name, const char *p)
{
    if (p == NULL || first_page == NULL)
        return;
    const struct slab_head *h = (const void *)((uintptr_t)p & ~(uintptr_t)(SLAB_PAGE - 1));
    if (h->mark == SLAB_MARK)
        printf("   %s: %c lies in page %zu; the table says %u-byte chunks: %c's size, with no header in %c\n", verb,
               name, page_number(p), (unsigned)h->object_bytes, name, name);
    else
        printf("   %s: %c starts a page of its own (page %zu): a big chunk, its size in that page\n", verb, name,
               page_number(p));
}

static void picture_page_table(void)
{
    printf("   page-to-size table:\n");
    os_sim_each_mapping(table_row, NULL);
}

/* ---- the run --------------------------------------------------------------------------------------- */

static void step(struct demo_beyond_run *r, const struct trace_op *op, unsigned draws)
{
    int id = (int)op->id;                           /* below MAX_IDS: demo_beyond checked */
    struct os_stats before = os_stats();
    if (op->kind == TRACE_FREE) {
        printf("free(%c)\n", name_of(id));
        if (draws & DRAW_PAGE_TABLE)
            page_lookup("free looks up the size", name_of(id), r->ptrs[id]);
        r->stage->free(r->ptrs[id]);
        r->ptrs[id] = NULL;
    } else {
        printf("%c = %s(%zu)\n", name_of(id), op->kind == TRACE_ALLOC ? "malloc" : "realloc", op->bytes);
        r->ptrs[id] = op->kind == TRACE_ALLOC ? r->stage->malloc(op->bytes) : r->stage->realloc(r->ptrs[id], op->bytes);
    }
    struct os_stats after = os_stats();
    printf("   system calls: %lu\n", os_stats_calls(&after) - os_stats_calls(&before));
    if (r->stage->number == STAGE_BUDDY)
        picture_buddy(r);
    else
        picture_slab();
    if (draws & DRAW_PAGE_TABLE) {
        picture_page_table();
        if (op->kind != TRACE_FREE)
            page_lookup("the pointer alone says its size", name_of(id), r->ptrs[id]);
    }
    printf("   heapmgr_check: %d\n\n", r->stage->check());
}

int demo_beyond(const struct stage *s, const struct demo_sequence *seq)
{
    for (size_t i = 0; i < seq->op_count; i++)
        if (seq->ops[i].id >= MAX_IDS) {
            fprintf(stderr, "heapkit demo: %s: op %zu names pointer p%u; the pictures of %s name at most %d "
                    "pointers (p0 .. p%d)\n", seq->name, i + 1, seq->ops[i].id, s->folder, MAX_IDS, MAX_IDS - 1);
            return 2;
        }
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        return 2;
    if (child == 0) {
        struct demo_beyond_run r = { .stage = s };
        first_id = MAX_IDS - 1;
        for (size_t i = 0; i < seq->op_count; i++)
            if ((int)seq->ops[i].id < first_id)
                first_id = (int)seq->ops[i].id;
        printf("%s on stage %d (%s, %s): %s\n", seq->name, s->number, s->lecture_name, s->folder, seq->title);
        printf("(pointer p%d is called A, p%d B, and so on)\n\n", first_id, first_id + 1);
        for (size_t i = 0; i < seq->op_count; i++)
            step(&r, &seq->ops[i], seq->draws);
        fflush(stdout);
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "heapkit demo: the run of %s on %s ended abnormally\n", seq->name, s->folder);
        return 1;
    }
    return 0;
}
