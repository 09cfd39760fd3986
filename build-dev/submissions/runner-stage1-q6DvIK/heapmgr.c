/* stage1_minimal/heapmgr.c: the lecture's "Minimal" DMMgr.
 *
 * Policy: every malloc moves the break up by the request; free does nothing.
 * Adds over nothing: it is the simplest allocator that works. The heap is one word of state, the
 * current break, and the kernel keeps even that.
 * Per-chunk overhead: none but the rounding of each request up to 16 bytes (so the next payload
 * stays aligned); but nothing freed is ever reused, so space is bad.
 * Cost: malloc O(1) but one system call every time (time bad); free O(1), does nothing.
 *
 * Algorithm (heapmgr_malloc):
 *   1. Round the request up to a multiple of 16 bytes.
 *   2. Read the current break (os_sbrk(0)): that is where the new payload starts.
 *   3. Move the break up by the rounded request with os_brk; return the old break.
 *
 * Invariants (checked by heapmgr_check, listed in README.md):
 *   M1 the break is 16-byte aligned (so the next payload will be).
 *   M2 the heap never shrinks: the break is at or above its highest value seen by this stage.
 */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

/* The highest break this stage has set, for M2; NULL before the first malloc. */
static char *highest_break;

/* Moves the break up by req_bytes rounded to 16 and returns the old break, or NULL. */
static void *grow_heap(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes > PTRDIFF_MAX - CHUNK_UNIT)
        return NULL;                                /* rounding up would overflow */
    size_t grow_bytes = chunk_round_up(req_bytes);
    char *old_break = os_sbrk(0);
    if (old_break == (void *)-1)
        return NULL;
    /* The first break of a real process need not be aligned: step over the gap once. */
    char *payload = chunk_align_up(old_break);
    if (os_brk(payload + grow_bytes) == -1)
        return NULL;
    highest_break = payload + grow_bytes;
    return payload;
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes == 0)
        return NULL;                                /* allowed by the contract: no break move */
    return grow_heap(req_bytes);
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    (void)mem;                                      /* Minimal never reuses memory */
    /* END SOLUTION */
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0) {
        heapmgr_free(mem);
        return NULL;
    }
    /* No sizes are kept: the old block holds at most everything between it and the break. */
    char *now = os_sbrk(0);
    if (now == (void *)-1)
        return NULL;                                /* the seam failed: the old block stays valid */
    return heapmgr_realloc_by_moving(mem, (size_t)(now - (char *)mem), req_bytes);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    if (highest_break == NULL)
        return 0;                                   /* nothing allocated yet */
    /* os_heap_end reads the break without a counted seam call, so checking never disturbs the
     * counters or an armed fault injection. */
    char *now = os_heap_end();
    if (!chunk_is_aligned(now)) {
        fprintf(stderr, "heapmgr_check: M1 the break is 16-byte aligned: break at %p\n", (void *)now);
        violations++;
    }
    if (now < highest_break) {
        fprintf(stderr, "heapmgr_check: M2 the heap never shrinks: break %p below %p\n", (void *)now,
                (void *)highest_break);
        violations++;
    }
    return violations;
    /* END SOLUTION */
}
