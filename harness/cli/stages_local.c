/* stages_local.c: the lab's binding (stages.h): the stages linked into this program, found through
 * weak references, so a lab program built for one submission has just that one. */
#include "stages.h"

/* A stage's prefix is its folder's name up to the first '_' (the Makefile's stage_prefix): stage4 for
 * stage4_dlist, buddy for beyond/buddy. */
#define DECLARE_STAGE(prefix)                                                               \
    extern void *prefix##_heapmgr_malloc(size_t) __attribute__((weak));                    \
    extern void prefix##_heapmgr_free(void *) __attribute__((weak));                       \
    extern void *prefix##_heapmgr_realloc(void *, size_t) __attribute__((weak));           \
    extern int prefix##_heapmgr_check(void) __attribute__((weak));                         \
    extern void *prefix##_heapmgr_calloc(size_t, size_t) __attribute__((weak));

DECLARE_STAGE(stage1)
DECLARE_STAGE(stage2)
DECLARE_STAGE(stage3)
DECLARE_STAGE(stage4)
DECLARE_STAGE(stage5)
DECLARE_STAGE(stage6)
DECLARE_STAGE(buddy)
DECLARE_STAGE(slab)

#define BIND(n, prefix)                                                                     \
    case n:                                                                                 \
        s->malloc = prefix##_heapmgr_malloc, s->free = prefix##_heapmgr_free;               \
        s->realloc = prefix##_heapmgr_realloc, s->check = prefix##_heapmgr_check;           \
        s->calloc = prefix##_heapmgr_calloc;                                                \
        break;

bool stage_bind(struct stage *s)
{
    switch (s->number) {
        BIND(1, stage1) BIND(2, stage2) BIND(3, stage3) BIND(4, stage4) BIND(5, stage5) BIND(6, stage6)
        BIND(STAGE_BUDDY, buddy) BIND(STAGE_SLAB, slab)
    default: return false;
    }
    /* A stage is linked in only when all of its contract is. */
    return s->malloc != NULL && s->free != NULL && s->realloc != NULL && s->check != NULL && s->calloc != NULL;
}
