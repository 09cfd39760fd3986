/* stage1_minimal/heapmgr.c: the lecture's "Minimal" DMMgr.
 *
 * Policy: every malloc moves the break up by the request; free does nothing.
 * Adds over nothing: it is the simplest allocator that works. The heap is one word of state, the
 * current break, and the kernel keeps even that.
 * Per-chunk overhead: none but the rounding of each request up to 16 bytes (so the next payload
 * stays aligned); but nothing freed is ever reused, so space is bad.
 * Cost: malloc O(1) but one system call every time (time bad); free O(1), does nothing.
 *
 * Algorithm (heapmgr_malloc), as the slide has it (`if (!p) p = sbrk(0); ...`):
 *   1. Round the request up to a multiple of 16 bytes.
 *   2. The first time only, read the break (os_sbrk(0)) and keep it: it is where the next payload
 *      starts. From then on this stage knows the break itself.
 *   3. Move the break up by the rounded request, one system call, and return the old break. The
 *      slide moves it with brk(p + n); this stage uses os_sbrk(n), the same one call, because the old
 *      break it returns shows whether someone else moved the break since (a program calling sbrk
 *      itself, under LD_PRELOAD): then the payload starts at their break instead, and the kept one
 *      would have handed their memory out again.
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

/* The break as this stage left it, read once from the kernel at the first malloc and kept; it is
 * also the highest break this stage has set (M2). NULL before the first malloc. */
static char *current_break;

/* Moves the break up by req_bytes rounded to 16 and returns the old break, or NULL with the break
 * where it was. One system call: the break was read once, at the first malloc. */
static void *grow_heap(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes > PTRDIFF_MAX - 2 * CHUNK_UNIT)
        return NULL;                                /* rounding up would overflow */
    size_t grow_bytes = chunk_round_up(req_bytes);
    char *kept_break = current_break;
    if (kept_break == NULL) {
        /* the first malloc: ask the kernel where the break is, once (the slide's p = sbrk(0)) */
        kept_break = os_sbrk(0);
        if (kept_break == (void *)-1)
            return NULL;
    }
    /* The first break of a real process need not be aligned: step over the gap once. */
    size_t gap_bytes = (size_t)((char *)chunk_align_up(kept_break) - kept_break);
    char *old_break = os_sbrk((intptr_t)(gap_bytes + grow_bytes));
    if (old_break == (void *)-1)
        return NULL;    /* the break stays where it was; a failed first grow keeps nothing, so the
                         * checker does not claim a break this stage never moved (M1) */
    char *payload = (char *)chunk_align_up(kept_break);
    if (old_break != kept_break) {
        /* Someone else moved the break since (a program calling sbrk itself, under LD_PRELOAD): our
         * new bytes start at their break, which may need a gap of its own before an aligned payload. */
        payload = chunk_align_up(old_break);
        size_t needed_bytes = (size_t)(payload - old_break) + grow_bytes;
        if (needed_bytes > gap_bytes + grow_bytes &&
            os_sbrk((intptr_t)(needed_bytes - gap_bytes - grow_bytes)) == (void *)-1) {
            os_sbrk(-(intptr_t)(gap_bytes + grow_bytes));   /* give the first grow back */
            current_break = old_break;
            return NULL;
        }
    }
    current_break = payload + grow_bytes;
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
    /* No sizes are kept: the old block holds at most everything between it and the break, which
     * this stage knows without asking (a pointer it handed out means the break was read). */
    if (current_break == NULL || (char *)mem >= current_break)
        return NULL;                                /* not a block of this heap: it stays as it was */
    return heapmgr_realloc_by_moving(mem, (size_t)(current_break - (char *)mem), req_bytes);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    if (current_break == NULL)
        return 0;                                   /* nothing allocated yet */
    /* os_heap_end reads the break without a counted seam call, so checking never disturbs the
     * counters or an armed fault injection. */
    char *now = os_heap_end();
    if (!chunk_is_aligned(now)) {
        fprintf(stderr, "heapmgr_check: M1 the break is 16-byte aligned: break at %p\n", (void *)now);
        violations++;
    }
    if (now < current_break) {
        fprintf(stderr, "heapmgr_check: M2 the heap never shrinks: break %p below %p\n", (void *)now,
                (void *)current_break);
        violations++;
    }
    return violations;
    /* END SOLUTION */
}
