/* stages.c: the table of stages linked into this program (weak references: absent ones are NULL). */
#include "stages.h"

#include <stdlib.h>
#include <string.h>

#define DECLARE_STAGE(n)                                                               \
    extern void *stage##n##_heapmgr_malloc(size_t) __attribute__((weak));             \
    extern void stage##n##_heapmgr_free(void *) __attribute__((weak));                \
    extern void *stage##n##_heapmgr_realloc(void *, size_t) __attribute__((weak));    \
    extern int stage##n##_heapmgr_check(void) __attribute__((weak));                  \
    extern void *stage##n##_heapmgr_calloc(size_t, size_t) __attribute__((weak));

DECLARE_STAGE(1)
DECLARE_STAGE(2)
DECLARE_STAGE(3)
DECLARE_STAGE(4)
DECLARE_STAGE(5)
DECLARE_STAGE(6)

#define STAGE_ENTRY(n, folder, name, walkable)                                          \
    { n, folder, name, walkable, stage##n##_heapmgr_malloc, stage##n##_heapmgr_free,   \
      stage##n##_heapmgr_realloc, stage##n##_heapmgr_check, stage##n##_heapmgr_calloc }

static const struct stage stages[] = {
    STAGE_ENTRY(1, "stage1_minimal", "Minimal", false),
    STAGE_ENTRY(2, "stage2_pad", "Pad", false),
    STAGE_ENTRY(3, "stage3_list", "List", true),
    STAGE_ENTRY(4, "stage4_dlist", "Doubly linked list", true),
    STAGE_ENTRY(5, "stage5_bins", "Bins", true),
    STAGE_ENTRY(6, "stage6_mmap", "VM", false),
};

const struct stage *stage_get(int n)
{
    if (n < STAGE_FIRST || n > STAGE_LAST)
        return NULL;
    const struct stage *s = &stages[n - STAGE_FIRST];
    /* A stage is linked in only when all of its contract is. */
    if (s->malloc == NULL || s->free == NULL || s->realloc == NULL || s->check == NULL || s->calloc == NULL)
        return NULL;
    return s;
}

int stage_parse(const char *text)
{
    if (text == NULL)
        return 0;
    if (strncmp(text, "stage", 5) == 0)
        text += 5;
    char *end;
    long n = strtol(text, &end, 10);
    if (end == text || (*end != '\0' && *end != '_') || n < STAGE_FIRST || n > STAGE_LAST)
        return 0;
    return (int)n;
}
