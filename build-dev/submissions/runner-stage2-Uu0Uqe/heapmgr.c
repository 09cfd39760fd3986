/* stage2_pad/heapmgr.c: the lecture's "Pad" DMMgr.
 *
 * Policy: malloc hands out the front of a pad of spare heap between pPad and pBrk, bumping pPad;
 * when the pad is too small the break moves up by at least MIN_ALLOC bytes at once; free does nothing.
 * Adds over Minimal: fewer system calls. Minimal moves the break on every malloc; Pad moves it about
 * once per MIN_ALLOC bytes requested, so small requests cost a pointer bump instead of a kernel call.
 * Per-chunk overhead: none but the rounding of each request up to 16 bytes; nothing freed is reused,
 * and at most MIN_ALLOC - 1 bytes of pad lie unused at the top of the heap.
 * Cost: malloc O(1), a system call only once per MIN_ALLOC bytes (time good); free O(1), does nothing
 * (space bad: the heap only grows).
 *
 *                 pPad                pBrk
 *                  |                   |
 *   +---+---+------+-------------------+
 *   | p1| p2| p3   |  pad (spare heap) |   heap: payloads handed out, then the pad up to the break
 *   +---+---+------+-------------------+
 *
 * Algorithm (heapmgr_malloc):
 *   1. Round the request up to a multiple of 16 bytes (a zero-byte request takes one unit, so every
 *      malloc returns a unique pointer).
 *   2. If the pad is too small, grow_heap: move the break up by max(what is missing, MIN_ALLOC) with
 *      one os_sbrk. If the break is not where this stage left it (the first call, or someone else
 *      moved it since), the old pad cannot continue: start a new pad at the break os_sbrk found.
 *   3. The payload is pPad; bump pPad past it and return it.
 *
 * Invariants (checked by heapmgr_check, listed in README.md):
 *   P1 the pad is not overdrawn: pPad <= pBrk.
 *   P2 the pad is still heap: pBrk <= the seam's break (equal unless someone else moved the break).
 *   P3 pPad is 16-byte aligned (so the next payload will be).
 *   P4 the pad lies inside the seam's heap: os_heap_start() <= pPad.
 *   P5 the bytes add up: every byte the stage grew the heap by is handed out, abandoned, or in the pad.
 */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

/* Tunable: the least the break moves at a time. Larger means fewer system calls and more idle pad. */
enum { MIN_ALLOC = 8192 };

_Static_assert(MIN_ALLOC % CHUNK_ALIGN == 0, "growing by MIN_ALLOC keeps the pad aligned");

/* The lecture's two pointers; both NULL before the first malloc. */
static char *pPad;             /* the first byte of the pad: where the next payload starts */
static char *pBrk;             /* the end of the pad: the break as this stage last moved it */

/* Bookkeeping for P5, in bytes since the first malloc. */
static struct {
    size_t grown_bytes;        /* all the break moves of this stage added together */
    size_t handed_out_bytes;   /* payloads given out, each rounded up to 16 */
    size_t abandoned_bytes;    /* pads left behind when the break moved under us, and alignment gaps */
} tally;

static size_t pad_bytes(void)
{
    /* BEGIN SOLUTION */
    return pPad == NULL ? 0 : (size_t)(pBrk - pPad);
    /* END SOLUTION */
}

/* A failed grow after a successful one: gives the first back so the state is as it was.
 * False when even that fails; the caller then keeps the memory as its pad instead. */
static bool give_back(size_t grow_bytes)
{
    /* BEGIN SOLUTION */
    return os_sbrk(-(intptr_t)grow_bytes) != (void *)-1;
    /* END SOLUTION */
}

/* Makes the pad hold at least chunk_bytes (a multiple of 16). Returns false, and changes nothing,
 * when the seam refuses memory. */
static bool grow_heap(size_t chunk_bytes)
{
    /* BEGIN SOLUTION */
    /* The lecture: new break = max(pPad + n, pBrk + MIN_ALLOC). */
    size_t missing_bytes = chunk_bytes - pad_bytes();
    size_t grow_bytes = missing_bytes > MIN_ALLOC ? missing_bytes : MIN_ALLOC;
    /* The slide finds the break once with sbrk(0) and then sets it with brk(pPad + n). We move it
     * with os_sbrk(increment) instead: the old break it returns tells us, at no extra call, whether
     * the break is still where we left it. brk to an absolute address would cut the heap back under
     * anyone who moved the break since. */
    char *old_break = os_sbrk((intptr_t)grow_bytes);
    if (old_break == (void *)-1)
        return false;
    tally.grown_bytes += grow_bytes;
    if (old_break == pBrk) {
        pBrk += grow_bytes;                        /* the usual case: the pad just gets longer */
        return true;
    }
    /* The first grow, or the break moved under us: the old pad ends where someone else's memory
     * begins. Leave it and start a new pad at the old break, aligned (a real process's first break
     * need not be). */
    char *new_pad = chunk_align_up(old_break);
    char *new_brk = old_break + grow_bytes;
    size_t new_pad_bytes = (size_t)(new_brk - new_pad);
    if (new_pad_bytes < chunk_bytes) {
        /* Rare: grow_bytes counted on the old pad's leftover, which is not below the new pad. Ask
         * for the shortfall; nothing can move the break between our two calls. */
        size_t shortfall_bytes = chunk_bytes - new_pad_bytes;
        if (os_sbrk((intptr_t)shortfall_bytes) == (void *)-1) {
            if (give_back(grow_bytes)) {
                tally.grown_bytes -= grow_bytes;   /* exactly as before the call */
                return false;
            }
            /* Could not give it back: keep it as the pad (too small for this request, but ours). */
            shortfall_bytes = 0;
        }
        tally.grown_bytes += shortfall_bytes;
        new_brk += shortfall_bytes;
    }
    tally.abandoned_bytes += pad_bytes() + (size_t)(new_pad - old_break);
    pPad = new_pad;
    pBrk = new_brk;
    return pad_bytes() >= chunk_bytes;
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes > PTRDIFF_MAX - MIN_ALLOC)
        return NULL;                               /* rounding and growing would overflow */
    size_t chunk_bytes = req_bytes == 0 ? CHUNK_UNIT : chunk_round_up(req_bytes);
    if (pPad == NULL || pad_bytes() < chunk_bytes) {
        if (!grow_heap(chunk_bytes))
            return NULL;
    }
    void *mem = pPad;
    pPad += chunk_bytes;                           /* bump */
    tally.handed_out_bytes += chunk_bytes;
    return mem;
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    (void)mem;                                     /* Pad never reuses memory */
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
    /* No sizes are kept, so copy everything that may belong to the old block. The contract allows
     * break - mem (pBrk - mem here), but pPad - mem is the tighter bound and the correct one: every
     * payload lies below pPad, and the bytes from pPad to pBrk were never handed out. It is also the
     * safe one: the new block is usually carved at pPad, so copying up to pBrk would make memcpy's
     * source overlap its own destination whenever req_bytes > pPad - mem.
     * (A block from a pad abandoned by grow_heap also lies below pPad; the copy then takes some bytes
     * that were never its own, all of them heap below the break.) */
    size_t old_bytes = (size_t)(pPad - (char *)mem);
    return heapmgr_realloc_by_moving(mem, old_bytes, req_bytes);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    if (pPad == NULL && pBrk == NULL)
        return 0;                                  /* nothing allocated yet */
    /* os_heap_end() reads the break without a counted system call (and cannot be made to fail). */
    char *seam_break = os_heap_end();
    if (pPad == NULL || pBrk == NULL || pPad > pBrk) {
        fprintf(stderr, "heapmgr_check: P1 the pad is not overdrawn: pPad %p above pBrk %p\n",
                (void *)pPad, (void *)pBrk);
        violations++;
    }
    if (pBrk > seam_break) {
        fprintf(stderr, "heapmgr_check: P2 the pad is still heap: pBrk %p above the break %p\n",
                (void *)pBrk, (void *)seam_break);
        violations++;
    }
    if (!chunk_is_aligned(pPad)) {
        fprintf(stderr, "heapmgr_check: P3 pPad is 16-byte aligned: pPad at %p\n", (void *)pPad);
        violations++;
    }
    if (pPad < (char *)os_heap_start()) {
        fprintf(stderr, "heapmgr_check: P4 the pad lies inside the heap: pPad %p below the heap start %p\n",
                (void *)pPad, os_heap_start());
        violations++;
    }
    size_t accounted_bytes = tally.handed_out_bytes + tally.abandoned_bytes + pad_bytes();
    if (pPad <= pBrk && accounted_bytes != tally.grown_bytes) {
        fprintf(stderr,
                "heapmgr_check: P5 the bytes add up: grew the heap by %zu bytes, but %zu handed out + "
                "%zu abandoned + %zu in the pad = %zu\n",
                tally.grown_bytes, tally.handed_out_bytes, tally.abandoned_bytes, pad_bytes(),
                accounted_bytes);
        violations++;
    }
    return violations;
    /* END SOLUTION */
}
