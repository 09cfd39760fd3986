/* grade_lecture_policy.c: the placement policies other than first fit, each graded by its own test
 * (grade_fit.h): lecture.best_fit, lecture.worst_fit, lecture.next_fit, for stages 3 and 4. Each sets
 * up free chunks that cannot coalesce, reads them from memory (grade_heap.h), works out where the
 * policy must place a request, and checks that malloc put it there. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grade_fit.h"
#include "os.h"

static const char *const FIT_NAMES[] = { "first", "next", "best", "worst" };

bool grade_fit_known(const char *fit)
{
    for (size_t i = 0; i < sizeof FIT_NAMES / sizeof FIT_NAMES[0]; i++)
        if (fit != NULL && strcmp(fit, FIT_NAMES[i]) == 0)
            return true;
    return false;
}

bool grade_fit_applies(const char *fit, int n) { return fit != NULL && (n == 3 || n == 4); }

bool grade_fit_replaces(const char *fit, const struct grade_test *t)
{
    /* first fit and stage 3's split of the first fit assume the lecture's policy */
    return fit != NULL && strcmp(fit, "first") != 0 &&
           (strcmp(t->name, "lecture.first_fit") == 0 || strcmp(t->name, "lecture.split_returns_tail") == 0);
}

static size_t off(const void *p) { return chunk_offset(os_heap_start(), p); }

static chunk_t *worst_fit_in(const struct heap_view *v, size_t need)
{
    chunk_t *worst = NULL;
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        if (chunk_size(c) >= need && (worst == NULL || chunk_size(c) > chunk_size(worst)))
            worst = c;
    }
    return worst;
}

/* The first free chunk that fits at or above address from, else the lowest that fits (next fit). */
static chunk_t *next_fit_in(const struct heap_view *v, size_t need, uintptr_t from)
{
    for (size_t i = 0; i < v->free_count; i++)
        if (chunk_size(v->free_chunks[i]) >= need && (uintptr_t)v->free_chunks[i] >= from)
            return v->free_chunks[i];
    return first_fit_in(v, need);
}

/* Does the used chunk at mem lie inside the free chunk c as it was? */
static bool placed_in(const char *mem, const chunk_t *c, size_t c_bytes)
{
    uintptr_t at = (uintptr_t)chunk_from_mem((void *)mem);
    return at >= (uintptr_t)c && at < (uintptr_t)c + c_bytes;
}

/* Takes the free chunk at the top of the heap, when there is one, with a block of exactly its size kept
 * among the guards: then only the holes the test made are free. */
static bool fill_top(struct grade_ctx *t, struct grade_blocks *guards)
{
    struct heap_view v;
    if (!heap_view_build_or_fail(t, &v))
        return false;
    chunk_t *top = v.chunk_count > 0 ? v.chunks[v.chunk_count - 1] : NULL;
    size_t top_bytes = top != NULL && chunk_is_free(top) ? chunk_size(top) : 0;
    heap_view_release(&v);
    return top_bytes == 0 || blocks_alloc(t, guards, top_bytes - CHUNK_OVERHEAD_BYTES) != SIZE_MAX;
}

typedef chunk_t *chooser(const struct heap_view *v, size_t need);

/* Best and worst fit: free chunks of four sizes, a request whose choice under the policy differs from
 * first fit, and malloc must place it in the chosen chunk. */
static bool placed_by(struct grade_ctx *t, chooser *choose, const char *policy)
{
    static const size_t sizes[] = { 496, 1984, 1008, 2992 };
    struct grade_blocks guards = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 4) && fill_top(t, &guards);
    struct heap_view v;
    ok = ok && heap_view_build_or_fail(t, &v);
    if (!ok) {
        blocks_release(&guards);
        return false;
    }
    size_t req = 0;
    chunk_t *want = NULL, *first = NULL;
    for (size_t r = 32; r <= 3000 && req == 0; r += 16) {
        size_t need = chunk_bytes_for(r);
        want = choose(&v, need);
        first = first_fit_in(&v, need);
        if (want != NULL && first != NULL && chunk_size(want) != chunk_size(first) && !ambiguous(&v, need, 64))
            req = r;
    }
    if (req == 0)
        ok = grade_fail(t, "the grader could not set up free chunks where %s fit and first fit differ (%zu free "
                        "chunks)", policy, v.free_count);
    if (ok) {
        size_t want_bytes = chunk_size(want);
        char *mem = g_malloc(t, req);
        if (mem == NULL)
            ok = grade_fail_alloc(t, "malloc", req);
        else if (!placed_in(mem, want, want_bytes))
            ok = grade_fail(t, "expected malloc(%zu) to take the %s free chunk that fits (offset 0x%zx, %zu bytes), it "
                            "returned memory at offset 0x%zx (the first fit is offset 0x%zx, %zu bytes)", req, policy,
                            off(want), want_bytes, off(mem), off(first), chunk_size(first));
        if (mem != NULL)
            g_free(t, mem);
    }
    heap_view_release(&v);
    return blocks_finish(t, &guards, ok);
}

static bool lecture_best_fit(struct grade_ctx *t) { return placed_by(t, best_fit_in, "best (smallest)"); }

static bool lecture_worst_fit(struct grade_ctx *t) { return placed_by(t, worst_fit_in, "worst (largest)"); }

/* Next fit: five free chunks of three sizes, nothing else free, one malloc that only the largest
 * holds (exactly), then mallocs of 300, 100 and 500 bytes in turn. Each must take the first chunk that
 * fits at or past the start of the previous one's chunk plus a unit (the search resumes just past the
 * chunk it took), wrapping round. At least once that must differ from first fit, from best fit and
 * from worst fit each, or the set-up failed. */
static bool lecture_next_fit(struct grade_ctx *t)
{
    enum { ROUNDS = 12, FIRST_REQ = 1990 };
    static const size_t sizes[] = { 1504, 1008, 2000, 1008, 1504 }, reqs[] = { 300, 100, 500 };
    struct grade_blocks guards = { .ignore_alignment = true }, taken = { .ignore_alignment = true };
    bool ok = free_chunks_of(t, &guards, sizes, 5) && fill_top(t, &guards);
    char *last = ok ? g_malloc(t, FIRST_REQ) : NULL;
    if (ok && last == NULL)
        ok = grade_fail_alloc(t, "malloc", FIRST_REQ);
    if (ok)
        ok = blocks_keep(t, &taken, last, FIRST_REQ, 1);
    bool not_first = false, not_best = false, not_worst = false;
    for (int round = 0; round < ROUNDS && ok; round++) {
        struct heap_view v;
        if (!heap_view_build_or_fail(t, &v)) {
            ok = false;
            break;
        }
        size_t req = reqs[round % 3], need = chunk_bytes_for(req);
        chunk_t *want = next_fit_in(&v, need, (uintptr_t)chunk_from_mem(last) + CHUNK_UNIT);
        size_t want_bytes = want == NULL ? 0 : chunk_size(want);
        if (want == NULL) {
            heap_view_release(&v);
            break;                                  /* the holes are used up */
        }
        not_first |= want != first_fit_in(&v, need);
        not_best |= want_bytes != chunk_size(best_fit_in(&v, need));
        not_worst |= want_bytes != chunk_size(worst_fit_in(&v, need));
        heap_view_release(&v);
        char *mem = g_malloc(t, req);
        if (mem == NULL) {
            ok = grade_fail_alloc(t, "malloc", req);
        } else if (!placed_in(mem, want, want_bytes)) {
            ok = grade_fail(t, "expected malloc(%zu) to take the first free chunk that fits past the last one taken "
                            "(offset 0x%zx), at offset 0x%zx (%zu bytes), it returned memory at offset 0x%zx",
                            req, off(chunk_from_mem(last)), off(want), want_bytes, off(mem));
        } else {
            ok = blocks_keep(t, &taken, mem, req, (uint64_t)round + 2);
            last = mem;
        }
    }
    if (ok && !(not_first && not_best && not_worst))
        ok = grade_fail(t, "the grader could not set up mallocs where next fit differs from first fit (%s), best "
                        "fit (%s) and worst fit (%s)", not_first ? "done" : "never", not_best ? "done" : "never",
                        not_worst ? "done" : "never");
    blocks_finish(t, &taken, ok);
    return blocks_finish(t, &guards, ok);
}

static const struct grade_test fit_tests[] = {
    { "lecture.next_fit", ST3 | ST4, 5, lecture_next_fit },
    { "lecture.best_fit", ST3 | ST4, 5, lecture_best_fit },
    { "lecture.worst_fit", ST3 | ST4, 5, lecture_worst_fit },
};

const struct grade_test *grade_fit_test(const char *fit)
{
    char name[32];
    snprintf(name, sizeof name, "lecture.%s_fit", fit != NULL ? fit : "");
    for (size_t i = 0; i < sizeof fit_tests / sizeof fit_tests[0]; i++)
        if (strcmp(fit_tests[i].name, name) == 0)
            return &fit_tests[i];
    return NULL;
}
