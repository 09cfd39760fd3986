/* stages.h: the six stages and the two beyond them, as the harness reaches them.
 *
 * The table (stages.c) names each stage; a binding fills in its functions, one per program:
 *   stages_local.c   build/heapkit-lab (trace, bench, demo): the stages linked in, their contract
 *                    renamed stageN_heapmgr_* at build time (see the Makefile); a lab program built
 *                    for a submission links that one stage.
 *   stages_remote.c  build/heapkit (the grader): no stage code at all; every call goes to the
 *                    stage's runner program (harness/grader/runner_link.h), its answer checked.
 * The harness reaches a stage only through this table, never through heapmgr_* directly.
 */
#ifndef HEAPKIT_STAGES_H
#define HEAPKIT_STAGES_H

#include <stdbool.h>
#include <stddef.h>

/* 1..6 are the lecture's six stages, what "all stages" means everywhere (make grade, the demos' side
 * by side, the bench table); 7 and 8 (beyond/buddy, beyond/slab) go beyond the lecture and are
 * reached only by name or number. */
enum { STAGE_FIRST = 1, STAGE_LAST = 6, STAGE_BUDDY = 7, STAGE_SLAB = 8, STAGE_MAX = 8 };

/* One allocator call of a batch: malloc(bytes), free(mem) or realloc(mem, bytes). */
enum stage_call_kind { STAGE_CALL_MALLOC, STAGE_CALL_FREE, STAGE_CALL_REALLOC };

struct stage_call {
    enum stage_call_kind kind;
    void *mem;
    size_t bytes;
};

/* The most calls one batch may hold. */
enum { STAGE_BATCH_MAX = 256 };

struct stage {
    int number;                          /* 1 .. 8 */
    const char *folder;                  /* "stage4_dlist", "beyond/buddy" */
    const char *name;                    /* what stage_parse also accepts: "buddy"; NULL for 1-6 */
    const char *lecture_name;            /* "Doubly linked list": the lecture's name for it */
    bool walkable;                       /* stages 3-5 keep the shared chunk layout */
    void *(*malloc)(size_t req_bytes);
    void (*free)(void *mem);
    void *(*realloc)(void *mem, size_t req_bytes);
    int (*check)(void);
    void *(*calloc)(size_t n, size_t elem_bytes);
    /* Optional: count calls (at most STAGE_BATCH_MAX) made back to back, answers[i] what call i
     * returned (NULL for a free), each block checked as a single call's would be. The grader's
     * binding has it (one exchange with the runner instead of one per call); NULL elsewhere. */
    void (*batch)(const struct stage_call *calls, size_t count, void **answers);
    const char *runner;                  /* the grader: the runner program holding this stage */
};

/* The binding: fills in s's functions (and runner); false when the stage is not available. */
bool stage_bind(struct stage *s);

/* The stage numbered n, or NULL when n is out of range or that stage is not linked in. */
const struct stage *stage_get(int n);

/* Stage n's folder ("stage4_dlist"), whether or not it is available here; NULL out of range. */
const char *stage_folder(int n);

/* Parses "4", "stage4" or "stage4_dlist" into 4, and "7", "buddy" or "beyond/buddy" into 7; returns 0
 * when text names no stage. */
int stage_parse(const char *text);

#endif
