/* grade_checker_heaps.c: the healthy heaps the checker.* tests corrupt, the targets found in them,
 * and the verdicts asked of the stage's heapmgr_check (grade_checker.h). */
#include "grade_checker.h"

#include "os_sim.h"
#include "runner_link.h"

bool checker_expect_valid(struct grade_ctx *t, const char *when)
{
    grade_phase(t, "heapmgr_check on a healthy heap");
    int violations = g_check(t);
    grade_phase(t, "");
    if (violations != 0)
        return grade_fail(t, "expected heapmgr_check() == 0 %s, it returned %d", when, violations);
    return true;
}

bool checker_expect_detected(struct grade_ctx *t, const char *corruption)
{
    grade_phase(t, "heapmgr_check on a corrupted heap");
    runner_set_context(corruption);  /* a checker that crashes or hangs is told what it met */
    int violations = g_check(t);
    runner_set_context(NULL);
    grade_phase(t, "");
    if (violations <= 0)
        return grade_fail(t, "expected heapmgr_check() > 0 after %s, it returned %d", corruption, violations);
    return true;
}

bool checker_move_break(struct grade_ctx *t, intptr_t delta)
{
    if (os_sbrk(delta) == (void *)-1)
        return grade_fail(t, "the grader could not move the break %s by %zu bytes", delta < 0 ? "down" : "up",
                          (size_t)(delta < 0 ? -delta : delta));
    return true;
}

/* ---- stages 3-5: chunks and lists -------------------------------------------------------------- */

/* Blocks of three sizes, allocated in a row, every fourth one freed: free chunks of each size with
 * three chunks in use between them, plus whatever free chunk the stage keeps at the top. */
static bool healthy_list_heap(struct grade_ctx *t, struct heap_view *v)
{
    static const struct { size_t bytes, count; } groups[] = { { 80, 24 }, { 300, 12 }, { 2000, 6 } };
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t g = 0; g < 3 && ok; g++) {
        size_t first = b.count;
        for (size_t i = 0; i < groups[g].count && ok; i++)
            ok = blocks_alloc(t, &b, groups[g].bytes) != SIZE_MAX;
        for (size_t i = first + 1; i < b.count && ok; i += 4)
            g_free(t, b.items[i].mem);
    }
    blocks_release(&b);
    ok = ok && checker_expect_valid(t, "on a healthy heap (before any corruption)");
    return ok && heap_view_build_or_fail(t, v);
}

bool checker_detects(struct grade_ctx *t, corruption_fn *corrupt)
{
    struct heap_view v;
    if (!healthy_list_heap(t, &v))
        return false;
    char what[260];
    bool corrupted = corrupt(t, &v, what, sizeof what);
    heap_view_release(&v);
    return corrupted && checker_expect_detected(t, what);
}

bool checker_no_target(struct grade_ctx *t, const struct heap_view *v, const char *what)
{
    return grade_fail(t, "the grader found no %s to corrupt: the healthy heap does not have the stage's shape "
                      "(%zu chunks, %zu free, %zu lists)", what, v->chunk_count, v->free_count, v->head_count);
}

chunk_t *checker_tail_of_long_list(const struct heap_view *v, chunk_t **head, size_t min_units, size_t max_units)
{
    for (size_t i = 0; i < v->free_count; i++) {
        chunk_t *c = v->free_chunks[i];
        size_t list = v->list_of[i];
        if (chunk_next_free(c) == NULL && list != SIZE_MAX && v->list_length[list] >= 2 &&
            chunk_units(c) >= min_units && chunk_units(c) <= max_units) {
            *head = v->heads[list];
            return c;
        }
    }
    return NULL;
}

chunk_t *checker_long_list_or_fail(struct grade_ctx *t, const struct heap_view *v, chunk_t **head)
{
    chunk_t *tail = checker_tail_of_long_list(v, head, 0, SIZE_MAX);
    if (tail == NULL)
        checker_no_target(t, v, "free list of two or more chunks");
    return tail;
}

bool checker_stage_keeps_prev(const struct grade_ctx *t) { return t->stage->number >= 4; }

void checker_link_after(const struct grade_ctx *t, chunk_t *after, chunk_t *c)
{
    chunk_t *next = chunk_next_free(after);
    chunk_set_next_free(c, next);
    chunk_set_next_free(after, c);
    if (checker_stage_keeps_prev(t)) {
        chunk_set_prev_free(c, after);
        if (next != NULL)
            chunk_set_prev_free(next, c);
    }
}

/* ---- stage 6: mappings --------------------------------------------------------------------------- */

static int match_mapping(void *start, size_t length, void *arg)
{
    struct checker_mapping *f = arg;
    if ((uintptr_t)f->inside >= (uintptr_t)start && (uintptr_t)f->inside < (uintptr_t)start + length) {
        f->start = start;
        f->length = length;
        return 1;
    }
    return 0;
}

bool checker_healthy_mappings(struct grade_ctx *t, struct checker_mapping *found)
{
    void *mem[10];
    for (int i = 0; i < 10; i++)
        if ((mem[i] = g_malloc(t, 1000 + 3000 * (size_t)i)) == NULL)
            return grade_fail_alloc(t, "malloc", 1000 + 3000 * (size_t)i);
    if (!checker_expect_valid(t, "on a healthy heap (before any corruption)"))
        return false;
    *found = (struct checker_mapping){ .inside = mem[5] };
    os_sim_each_mapping(match_mapping, found);
    if (found->start == NULL)
        return grade_fail(t, "expected the block at %p to lie in a mapping made through os_mmap, none holds it",
                          mem[5]);
    return true;
}
