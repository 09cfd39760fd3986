/* grade_lecture_fit.c: lecture.* tests of where malloc places a request in the list stages: stage 3
 * takes the first free chunk that fits and splits it returning its tail end, stage 5 takes the best
 * fit among small chunks. Read from memory through common/chunk.h (grade_heap.h). */
#include <stdint.h>
#include <stdlib.h>

#include "chunk.h"
#include "grade_fit.h"
#include "grade_heap.h"
#include "grade_lecture.h"
#include "os.h"

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

/* Allocates a small guard, then blocks of the given payload sizes, each followed by a guard, and
 * frees the blocks but not the guards: free chunks that cannot coalesce, whichever end of a free
 * chunk the stage carves a block from (the first guard keeps the last block off a free chunk). */
bool free_chunks_of(struct grade_ctx *t, struct grade_blocks *guards, const size_t *sizes, size_t n)
{
    struct grade_blocks holes = { .ignore_alignment = true };
    bool ok = blocks_alloc(t, guards, 32) != SIZE_MAX;
    for (size_t i = 0; i < n && ok; i++)
        ok = blocks_alloc(t, &holes, sizes[i]) != SIZE_MAX && blocks_alloc(t, guards, 32) != SIZE_MAX;
    return blocks_finish(t, &holes, ok);
}

/* Is some free chunk's size within slack bytes of need? Then whether it "fits" depends on rounding
 * details a correct stage may choose, and the request is not used. */
bool ambiguous(const struct heap_view *v, size_t need, size_t slack)
{
    for (size_t i = 0; i < v->free_count; i++) {
        size_t s = chunk_size(v->free_chunks[i]);
        if (s + slack >= need && s <= need + slack)
            return true;
    }
    return false;
}

chunk_t *first_fit_in(const struct heap_view *v, size_t need)
{
    for (size_t i = 0; i < v->free_count; i++)
        if (chunk_size(v->free_chunks[i]) >= need)
            return v->free_chunks[i];
    return NULL;
}

chunk_t *best_fit_in(const struct heap_view *v, size_t need)
{
    chunk_t *best = NULL;
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        if (chunk_size(c) >= need && (best == NULL || chunk_size(c) < chunk_size(best)))
            best = c;
    }
    return best;
}

bool lecture_first_fit(struct grade_ctx *t)
{
    static const size_t sizes[] = { 496, 1984, 1008, 2992 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 4);
    struct heap_view v;
    ok = ok && heap_view_build_or_fail(t, &v);
    if (!ok) {
        blocks_release(&guards);
        return false;
    }
    /* A request whose first fit is not its best fit, away from any ambiguous size. */
    size_t req = 0;
    chunk_t *first = NULL, *best = NULL;
    for (size_t r = 32; r <= 3000 && req == 0; r += 16) {
        size_t need = chunk_bytes_for(r);
        first = first_fit_in(&v, need);
        best = best_fit_in(&v, need);
        if (first != NULL && best != NULL && chunk_size(first) != chunk_size(best) && !ambiguous(&v, need, 64))
            req = r;
    }
    if (req == 0)
        ok = grade_fail(t, "the grader could not set up free chunks where first fit and best fit differ "
                        "(%zu free chunks)", v.free_count);
    if (ok) {
        uintptr_t first_at = (uintptr_t)first, first_end = first_at + chunk_size(first);
        char *mem = g_malloc(t, req);
        uintptr_t got = (uintptr_t)(mem == NULL ? NULL : chunk_from_mem(mem));
        if (mem == NULL)
            ok = grade_fail_alloc(t, "malloc", req);
        else if (got < first_at || got >= first_end)
            ok = grade_fail(t, "expected malloc(%zu) to take the first free chunk that fits (offset 0x%zx, %zu bytes), "
                            "it returned memory at offset 0x%zx (the best fit is offset 0x%zx, %zu bytes)", req,
                            off(first), (size_t)(first_end - first_at), off(mem), off(best), chunk_size(best));
        if (mem != NULL)
            g_free(t, mem);
    }
    heap_view_release(&v);
    return blocks_finish(t, &guards, ok);
}

bool lecture_split_returns_tail(struct grade_ctx *t)
{
    static const size_t sizes[] = { 3008, 1504 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 2);
    for (size_t req = 48; req <= 400 && ok; req += 88) {
        struct heap_view v;
        if (!heap_view_build_or_fail(t, &v))
            break;
        size_t need = chunk_bytes_for(req);
        chunk_t *first = first_fit_in(&v, need);
        size_t first_bytes = first == NULL ? 0 : chunk_size(first);
        heap_view_release(&v);
        if (first == NULL || first_bytes < need + 4 * CHUNK_MIN_BYTES)
            continue;                       /* only a chunk well larger than the request must split */
        char *mem = g_malloc(t, req);
        if (mem == NULL) {
            ok = grade_fail_alloc(t, "malloc", req);
            break;
        }
        chunk_t *used = chunk_from_mem(mem);
        uintptr_t end = (uintptr_t)first + first_bytes;
        bool inside = (uintptr_t)used >= (uintptr_t)first && (uintptr_t)used < end;
        if ((uintptr_t)used + chunk_size(used) != end || !inside)
            ok = grade_fail(t, "expected malloc(%zu) to split the first fit (offset 0x%zx, %zu bytes) and return its "
                            "tail end (a chunk ending at offset 0x%zx), it returned a chunk at offset 0x%zx of %zu "
                            "bytes", req, off(first), first_bytes, off((void *)end), off(used), chunk_size(used));
        else if (!chunk_is_free(first) || chunk_size(first) != first_bytes - chunk_size(used))
            ok = grade_fail(t, "expected the front of the split chunk to stay free at offset 0x%zx with %zu bytes, "
                            "it is %s with %zu bytes", off(first), first_bytes - chunk_size(used),
                            chunk_is_free(first) ? "free" : "in use", chunk_size(first));
        g_free(t, mem);
    }
    return blocks_finish(t, &guards, ok);
}

bool lecture_best_fit_small(struct grade_ctx *t)
{
    static const size_t holes[] = { 160, 96, 224, 128, 64, 192 };
    static const size_t requests[] = { 80, 100, 120, 150, 200, 40, 170 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, holes, sizeof holes / sizeof holes[0]);
    for (size_t k = 0; k < sizeof requests / sizeof requests[0] && ok; k++) {
        struct heap_view v;
        if (!heap_view_build_or_fail(t, &v)) {
            ok = false;
            break;
        }
        size_t req = requests[k], need = chunk_bytes_for(req);
        chunk_t *best = best_fit_in(&v, need);
        size_t *sizes = malloc((v.free_count + 1) * sizeof *sizes);   /* before the malloc splits one */
        if (sizes == NULL) {
            heap_view_release(&v);
            ok = grade_fail(t, "the grader itself ran out of memory");
            break;
        }
        for (size_t i = 0; i < v.free_count; i++)
            sizes[i] = chunk_size(v.free_chunks[i]);
        size_t best_bytes = best == NULL ? 0 : chunk_size(best);
        char *mem = g_malloc(t, req);
        if (mem == NULL)
            ok = grade_fail_alloc(t, "malloc", req);
        bool in_best_size = false;
        for (size_t i = 0; i < v.free_count && ok; i++) {
            uintptr_t at = (uintptr_t)v.free_chunks[i], got = (uintptr_t)chunk_from_mem(mem);
            if (got >= at && got < at + sizes[i] && sizes[i] == best_bytes)
                in_best_size = true;
        }
        free(sizes);
        if (ok && best != NULL && !in_best_size)
            ok = grade_fail(t, "expected malloc(%zu) (a %zu-byte chunk) to take the best fit, a free chunk of %zu "
                            "bytes (e.g. offset 0x%zx), it returned memory at offset 0x%zx", req, need, best_bytes,
                            off(best), off(mem));
        heap_view_release(&v);
        if (mem != NULL)
            g_free(t, mem);
    }
    return blocks_finish(t, &guards, ok);
}
