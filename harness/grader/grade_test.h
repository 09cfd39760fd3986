/* grade_test.h: what a grader test is, and the helpers test bodies share.
 *
 * A test is a function run in its own child process (sandbox.h) against one stage, reached only
 * through stage_get(n). Every allocator call goes through the g_* wrappers below, which count
 * operations in the page shared with the parent, so a failure or a crash names the operation.
 * A test returns true when the property holds; otherwise it returns grade_fail(t, ...), which
 * records what was expected and what happened.
 */
#ifndef HEAPKIT_GRADE_TEST_H
#define HEAPKIT_GRADE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assignment.h"
#include "replay_live.h"
#include "sandbox.h"
#include "stages.h"

struct grade_ctx {
    const struct stage *stage;
    struct sandbox_page *page;       /* op counter, phase and message, shared with the parent */
    size_t memory_limit;             /* bytes the seam may hand out (os_sim_set_limit) */
    const char *param;               /* test parameter: a workload's name or a trace's path */
    bool quick;                      /* smaller sizes (the determinism check) */
    const char *fit;                 /* stages 3-4: the placement policy graded, NULL: the lecture's (grade_fit.h) */
    const char *name;                /* the test's name as planned ("perf.01-program-mix") */
    double timeout_s;                /* the runner's CPU seconds (a test that starts runners of its own) */
    const struct assignment *assignment;   /* the instructor's settings, or NULL */
};

struct grade_test {
    const char *name;                /* stable: "api.alignment" (docs/grading.md) */
    unsigned stages;                 /* bit n set: the test applies to stage n */
    int points;
    bool (*run)(struct grade_ctx *t);
};

/* Stage bits for grade_test.stages. */
enum {
    ST1 = 1 << 1, ST2 = 1 << 2, ST3 = 1 << 3, ST4 = 1 << 4, ST5 = 1 << 5, ST6 = 1 << 6,
    ST_BUDDY = 1 << 7, ST_SLAB = 1 << 8,   /* beyond the six (grade_buddy.c, grade_slab.c) */
    ST_ALL = ST1 | ST2 | ST3 | ST4 | ST5 | ST6 | ST_BUDDY | ST_SLAB,   /* every allocator the grader knows */
    ST_LISTS = ST3 | ST4 | ST5,      /* the walkable stages, with free lists in the shared layout */
};

/* The static tests of each group, each listed in its group's table: grade_api.c (tests in
 * grade_api_*.c), grade_lecture.c (grade_lecture_*.c), grade_checker.c, grade_workload.c,
 * grade_robust.c. */
extern const struct grade_test grade_api_tests[];
extern const size_t grade_api_test_count;
extern const struct grade_test grade_lecture_tests[];
extern const size_t grade_lecture_test_count;
extern const struct grade_test grade_checker_tests[];
extern const size_t grade_checker_test_count;
extern const struct grade_test grade_workload_test;     /* run once per workload and per trace */
extern const struct grade_test grade_robust_tests[];    /* grade_robust.c: beyond the lecture's contract */
extern const size_t grade_robust_test_count;
/* The allocators beyond the six (grade_beyond.c, tests in grade_buddy*.c and grade_slab*.c): their
 * lecture.* properties, planned after the lecture tests, and their checker.* tests, after the checker's. */
extern const struct grade_test grade_beyond_tests[];
extern const size_t grade_beyond_test_count;
extern const struct grade_test grade_beyond_checker_tests[];
extern const size_t grade_beyond_checker_test_count;

/* ---- failing ---------------------------------------------------------------------------------- */

/* Records "<what>, at operation N" as the failure and returns false; in a phase (grade_phase),
 * "<phase>, operation N: <what>". */
bool grade_fail(struct grade_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* As grade_fail, and marks the failure as the memory limit's doing when the seam refused memory. */
bool grade_fail_alloc(struct grade_ctx *t, const char *what, size_t req_bytes);

/* Did the seam refuse memory because the test's memory limit was reached? */
bool grade_memory_limit_reached(const struct grade_ctx *t);

void grade_phase(struct grade_ctx *t, const char *phase);

/* ---- counted allocator calls ------------------------------------------------------------------- */

void *g_malloc(struct grade_ctx *t, size_t req_bytes);
void g_free(struct grade_ctx *t, void *mem);
void *g_realloc(struct grade_ctx *t, void *mem, size_t req_bytes);
void *g_calloc(struct grade_ctx *t, size_t n, size_t elem_bytes);
int g_check(struct grade_ctx *t);

/* Measurements: operations run back to back inside the runner, timed by the runner's CPU time as the
 * kernel counts it (so neither the grader's own work nor the pipes count, and the runner cannot lie).
 * Each returns the seconds taken, and counts n operations. */
double g_free_batch(struct grade_ctx *t, char *const *mem, size_t n);
double g_malloc_batch(struct grade_ctx *t, size_t req_bytes, char **mem, size_t n);  /* mem[i] may be NULL */

/* ---- deterministic randomness -------------------------------------------------------------------- */

uint64_t grade_random(uint64_t *state);                 /* splitmix64 */
size_t grade_random_below(uint64_t *state, size_t n);   /* 0 .. n-1 */

/* Payloads are filled and checked with the checked replay's patterns (replay_pattern.h), a block's
 * seed as the pattern's tag. */

/* ---- a set of live blocks, checked for alignment, overlap and contents ------------------------- */

struct grade_block {
    char *mem;
    size_t bytes;
    uint64_t seed;
};

/* The blocks a test holds, items[0 .. count-1] in the order the test knows them by (freeing block i
 * moves the last into its place); live indexes them by address (node i is items[i]) for the overlap
 * search. */
struct grade_blocks {
    struct grade_block *items;
    size_t count, cap;
    struct live_set live;
    uint64_t next_seed;
    bool ignore_alignment;           /* tests of other properties leave alignment to api.alignment */
};

/* Allocates bytes through g_malloc, checks alignment and overlap with every live block, fills it.
 * Returns the index, or SIZE_MAX after recording a failure (NULL, misaligned, overlapping). */
size_t blocks_alloc(struct grade_ctx *t, struct grade_blocks *b, size_t bytes);

/* Verifies block i in full, frees it and forgets it (the last block moves into its place). */
bool blocks_free(struct grade_ctx *t, struct grade_blocks *b, size_t i);

/* Verifies block i, reallocs it to bytes, checks the kept prefix, alignment and overlap, refills. */
bool blocks_realloc(struct grade_ctx *t, struct grade_blocks *b, size_t i, size_t bytes);

/* Forgets block i without freeing it (the test took it over): the last block moves into its place. */
void blocks_forget(struct grade_blocks *b, size_t i);

bool blocks_verify_all(struct grade_ctx *t, const struct grade_blocks *b);
bool blocks_free_all(struct grade_ctx *t, struct grade_blocks *b);
void blocks_release(struct grade_blocks *b);

/* The end of a test's blocks: when ok, frees every block (verifying each); releases b either way.
 * Returns whether all went well. */
bool blocks_finish(struct grade_ctx *t, struct grade_blocks *b, bool ok);

/* Does [mem, mem+bytes) overlap a live block other than skip? Returns its index or SIZE_MAX. */
size_t blocks_overlapping(const struct grade_blocks *b, const void *mem, size_t bytes, size_t skip);

/* Keeps mem, a block of bytes the test got by some call other than blocks_alloc, as live block:
 * fills it with the pattern of seed. False after recording a failure when the grader is out of memory. */
bool blocks_keep(struct grade_ctx *t, struct grade_blocks *b, char *mem, size_t bytes, uint64_t seed);

/* ---- a seeded mix of malloc, free and realloc on a set of blocks ------------------------------- */

struct blocks_mix {
    size_t free_below;               /* r < free_below (r drawn from 0..99): free a random live block */
    size_t realloc_below;            /* else r < realloc_below: realloc a random live block */
    size_t max_live;                 /* with this many live blocks, free whatever r is */
    size_t large_one_in;             /* one request in this many is large */
    size_t small_bytes, large_bytes; /* requests of 1..small_bytes bytes, or 1..large_bytes when large */
};

/* One operation of the mix: draws r and a request size from rng, then frees, reallocs or mallocs
 * (blocks_free, blocks_realloc, blocks_alloc), with their checks. */
bool blocks_mix_step(struct grade_ctx *t, struct grade_blocks *b, uint64_t *rng, const struct blocks_mix *m);

/* ---- cost measurement --------------------------------------------------------------------------- */

double grade_now(void);
double grade_median(double *values, size_t n);

#endif
