/* demo_step.c: reading one recorded step of a demo: the statement of its op, a block by its offset,
 * what the heap walk found, and the system calls it made, in words.
 */
#include "demo_model.h"

#include <stdint.h>
#include <stdio.h>

void demo_statement(const struct trace_op *op, char *buf, size_t cap)
{
    switch (op->kind) {
    case TRACE_ALLOC:
        snprintf(buf, cap, "p%u = malloc(%zu)", op->id, op->bytes);
        break;
    case TRACE_FREE:
        snprintf(buf, cap, "free(p%u)", op->id);
        break;
    case TRACE_REALLOC:
        snprintf(buf, cap, "p%u = realloc(p%u, %zu)", op->id, op->id, op->bytes);
        break;
    case DEMO_OP_SMASH_SIZE:
        snprintf(buf, cap, "p%u's size field = %zu (a bug writes over the header)", op->id, op->bytes);
        break;
    case DEMO_OP_CHECK:
        snprintf(buf, cap, "heapmgr_check()");
        break;
    default:
        snprintf(buf, cap, "?");
    }
}

const struct demo_block *demo_find_block(const struct demo_step *s, size_t offset)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (s->blocks[i].offset == offset)
            return &s->blocks[i];
    return NULL;
}

void demo_walk_text(const struct demo_walk *w, char *buf, size_t cap)
{
    if (w->problems == 0)
        snprintf(buf, cap, "%s", "");
    else if (w->tiling_broken)
        snprintf(buf, cap, "%s at offset %zu", w->tiling_problem, w->first_bad);
    else if (w->footer_mismatches > 0 && w->mismatch_offset != SIZE_MAX)
        snprintf(buf, cap, "%zu footer(s) differ from their header, first the chunk at offset %zu (header %zu bytes, "
                 "footer %zu)", w->footer_mismatches, w->mismatch_offset, w->mismatch_header, w->mismatch_footer);
    else if (w->footer_mismatches > 0)
        snprintf(buf, cap, "%zu footer(s) differ from their header", w->footer_mismatches);
    else if (w->adjacent_free_pairs > 0)
        snprintf(buf, cap, "%zu pair(s) of adjacent free chunks", w->adjacent_free_pairs);
    else
        snprintf(buf, cap, "problems found");
}

void demo_syscalls_text(const struct demo_step *s, char *buf, size_t cap)
{
    const struct os_stats *a = &s->h.before, *b = &s->h.after;
    size_t used = 0;
    buf[0] = '\0';
    struct { const char *name; unsigned long n; } calls[] = {
        {"sbrk", b->sbrk_calls - a->sbrk_calls},
        {"brk", b->brk_calls - a->brk_calls},
        {"mmap", b->mmap_calls - a->mmap_calls},
        {"munmap", b->munmap_calls - a->munmap_calls},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (calls[i].n == 0 || used >= cap)
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%s %lu", used ? ", " : "", calls[i].name, calls[i].n);
    }
    if (used == 0) {
        snprintf(buf, cap, "none");
        return;
    }
    long heap_delta = (long)b->heap_bytes - (long)a->heap_bytes;
    long map_delta = (long)b->mapped_bytes - (long)a->mapped_bytes;
    if (heap_delta != 0 && used < cap)
        used += (size_t)snprintf(buf + used, cap - used, " (break %+ld)", heap_delta);
    if (map_delta != 0 && used < cap)
        used += (size_t)snprintf(buf + used, cap - used, " (mapped %+ld)", map_delta);
    unsigned long failed = b->failed_calls - a->failed_calls;
    if (failed != 0 && used < cap)
        snprintf(buf + used, cap - used, ", %lu failed", failed);
}
