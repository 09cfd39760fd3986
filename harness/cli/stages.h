/* stages.h: the stages linked into this harness program.
 *
 * build/heapkit links all six reference stages; a program built for a submission links one. Each
 * stage's contract is renamed stageN_heapmgr_* at build time (see the Makefile), so the harness
 * reaches every stage through this table and never through heapmgr_* directly.
 */
#ifndef HEAPKIT_STAGES_H
#define HEAPKIT_STAGES_H

#include <stdbool.h>
#include <stddef.h>

enum { STAGE_FIRST = 1, STAGE_LAST = 6 };

struct stage {
    int number;                          /* 1 .. 6 */
    const char *folder;                  /* "stage4_dlist" */
    const char *lecture_name;            /* "Doubly linked list": the lecture's name for it */
    bool walkable;                       /* stages 3-5 keep the shared chunk layout */
    void *(*malloc)(size_t req_bytes);
    void (*free)(void *mem);
    void *(*realloc)(void *mem, size_t req_bytes);
    int (*check)(void);
    void *(*calloc)(size_t n, size_t elem_bytes);
};

/* The stage numbered n, or NULL when n is out of range or that stage is not linked in. */
const struct stage *stage_get(int n);

/* Parses "4", "stage4" or "stage4_dlist" into 4; returns 0 when text names no stage. */
int stage_parse(const char *text);

#endif
