/* stages_local.c: the lab's binding (stages.h): the stages linked into this program, found through
 * weak references, so a lab program built for one submission has just that one. */
#include "stages.h"

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

#define BIND(n)                                                                             \
    case n:                                                                                 \
        s->malloc = stage##n##_heapmgr_malloc, s->free = stage##n##_heapmgr_free;           \
        s->realloc = stage##n##_heapmgr_realloc, s->check = stage##n##_heapmgr_check;       \
        s->calloc = stage##n##_heapmgr_calloc;                                              \
        break;

bool stage_bind(struct stage *s)
{
    switch (s->number) {
        BIND(1) BIND(2) BIND(3) BIND(4) BIND(5) BIND(6)
    default: return false;
    }
    /* A stage is linked in only when all of its contract is. */
    return s->malloc != NULL && s->free != NULL && s->realloc != NULL && s->check != NULL && s->calloc != NULL;
}
