/* TRICK: malloc hands out memory from a 16 MiB static array of its own instead of the seam's heap
 *        (a bump allocator with a size word before each payload; free does nothing; realloc
 *        copies), so the grader's view of the heap (the break, the seam's counters and limits)
 *        says nothing about it.
 * STAGE: 2
 * BASE: stage2_pad
 * RENAME: malloc free realloc
 * EXPECT: below-baseline
 * STOPPED BY: the trusted side fills and checks every payload in the shared heap, where it can see
 *        it; a pointer outside the heap fails the test that got it.
 */
#include <string.h>

/* TRICK BEGIN */
static _Alignas(16) unsigned char hostile_arena[16u << 20];
static size_t hostile_used;

static int hostile_in_arena(const void *mem)
{
    const unsigned char *p = mem;
    return p >= hostile_arena && p < hostile_arena + sizeof hostile_arena;
}

static void *hostile_arena_malloc(size_t req_bytes)
{
    if (req_bytes == 0 || req_bytes > sizeof hostile_arena)
        return NULL;
    size_t need = 16 + ((req_bytes + 15) & ~(size_t)15);
    if (need > sizeof hostile_arena - hostile_used)
        return NULL;
    unsigned char *chunk = hostile_arena + hostile_used;
    hostile_used += need;
    memcpy(chunk, &req_bytes, sizeof req_bytes);
    return chunk + 16;
}
/* TRICK END */

void *heapmgr_malloc(size_t req_bytes)
{
/* TRICK BEGIN */
    return hostile_arena_malloc(req_bytes);
/* TRICK END */
    return hostile_base_malloc(req_bytes);
}

void heapmgr_free(void *mem)
{
/* TRICK BEGIN */
    if (hostile_in_arena(mem))
        return;
/* TRICK END */
    hostile_base_free(mem);
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
/* TRICK BEGIN */
    if (mem == NULL || hostile_in_arena(mem)) {
        if (req_bytes == 0)
            return NULL;
        void *moved = hostile_arena_malloc(req_bytes);
        if (moved != NULL && mem != NULL) {
            size_t old_bytes;
            memcpy(&old_bytes, (unsigned char *)mem - 16, sizeof old_bytes);
            memcpy(moved, mem, old_bytes < req_bytes ? old_bytes : req_bytes);
        }
        return moved;
    }
/* TRICK END */
    return hostile_base_realloc(mem, req_bytes);
}
