/* grade_beyond.h: the grader's view of the two allocators beyond the six (beyond/buddy, beyond/slab).
 *
 * The grader never trusts an allocator's word: it reads the shared memory itself, with the layouts
 * written down here (the grader's own copy of what beyond/buddy/README.md and beyond/slab/README.md
 * promise), and follows no pointer it has not first found to lie inside memory the seam handed out.
 *   buddy: the blocks keep common/chunk.h's layout; orders 2^6 .. 2^20 bytes, offsets counted from
 *          the heap's first chunk; the heap grows one 1 MB arena at a time.
 *   slab:  each slab is one live one-page mapping starting with the 64-byte header below; a big
 *          block is a mapping starting with a chunk header (size = the mapping's length | in use).
 */
#ifndef HEAPKIT_GRADE_BEYOND_H
#define HEAPKIT_GRADE_BEYOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"
#include "grade_heap.h"
#include "grade_test.h"

/* Writes the violation into why[0..cap) and returns false: the audits' way to fail. */
bool beyond_violation(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the buddy system ---------------------------------------------------------------------------- */

enum { BUDDY_MIN_ORDER = 6, BUDDY_MAX_ORDER = 20 };
enum { BUDDY_MIN_BYTES = 1 << BUDDY_MIN_ORDER, BUDDY_ARENA_BYTES = 1 << BUDDY_MAX_ORDER };

/* The block a request of req_bytes must get: header + payload + footer rounded up to a power of two,
 * at least BUDDY_MIN_BYTES. */
size_t buddy_block_bytes_for(size_t req_bytes);

/* The buddy heap's parts, each on a view already built: the blocks (B0-B2: tiling, footers, powers of
 * two aligned to their size, whole arenas), the merging (B3: no free block beside a free buddy of its
 * size), the lists (B4-B6: each list one size, one list per size, every free block listed, prev links
 * agree). Each writes the first violation into why and returns false. */
bool buddy_audit_blocks(const struct heap_view *v, char *why, size_t cap);
bool buddy_audit_merged(const struct heap_view *v, char *why, size_t cap);
bool buddy_audit_lists(const struct heap_view *v, char *why, size_t cap);

/* The offset of c from the heap's first chunk, where buddy offsets count from. */
size_t buddy_offset(const void *c);

/* The tests (grade_buddy.c, grade_buddy_checker.c), listed in grade_beyond.c. */
bool buddy_blocks_are_aligned_powers_of_two(struct grade_ctx *t);
bool buddy_free_buddies_merged(struct grade_ctx *t);
bool buddy_free_lists_hold_one_order(struct grade_ctx *t);
bool buddy_lesson_example(struct grade_ctx *t);
bool buddy_detects_unmerged_buddies(struct grade_ctx *t);
bool buddy_detects_listed_block_in_use(struct grade_ctx *t);
bool buddy_detects_block_not_power_of_two(struct grade_ctx *t);
bool buddy_detects_misaligned_block(struct grade_ctx *t);
bool buddy_detects_stale_footer(struct grade_ctx *t);
bool buddy_detects_broken_prev_link(struct grade_ctx *t);

/* ---- the slab allocator -------------------------------------------------------------------------- */

enum { SLAB_PAGE_BYTES = 4096, SLAB_HEAD_BYTES = 64, SLAB_CACHES = 7, SLAB_MIN_OBJECT = 16,
       SLAB_MAX_OBJECT = 1024, SLAB_EMPTY_KEPT = 1 };
#define SLAB_MARK_WORD ((uint64_t)0x51ab51ab51ab5100u)

struct slab_head {                  /* beyond/slab/heapmgr.c's slab_t, as the grader reads it */
    uint64_t mark;
    void *next, *prev;              /* never followed by the grader */
    uint32_t cache, object_bytes, capacity, free_count;
    void *free_chain;
    uint64_t state, unused;
};
_Static_assert(sizeof(struct slab_head) == SLAB_HEAD_BYTES, "the slab header is 64 bytes");

/* One slab as the grader found it among the live mappings. */
struct slab_seen {
    struct slab_head *head;
    size_t chain_length;            /* free objects reached along its chain (bounded by capacity) */
};

struct slab_census {
    struct slab_seen *slabs;
    size_t count, cap;
    size_t big_blocks;              /* mappings that are big blocks */
    size_t empty[SLAB_CACHES];      /* slabs with every object free, per cache */
};

/* Walks every live mapping (the grader's simulation lists them) and checks each is a well-formed slab
 * (S1: header, S2: free chain inside the slab on object boundaries, no object twice, as long as the
 * free count) or a big block with its own length. False with why on the first violation, or when
 * the grader runs out of memory. */
bool slab_census_build(struct slab_census *c, char *why, size_t cap);
void slab_census_release(struct slab_census *c);

/* The slab a payload lies in, from the census, or NULL. */
struct slab_seen *slab_census_find(const struct slab_census *c, const void *mem);

/* The tests (grade_slab.c, grade_slab_checker.c), listed in grade_beyond.c. */
bool slab_cache_objects_one_size(struct grade_ctx *t);
bool slab_free_counts_match_objects(struct grade_ctx *t);
bool slab_empty_slabs_returned(struct grade_ctx *t);
bool slab_detects_free_count_off_by_one(struct grade_ctx *t);
bool slab_detects_chain_into_other_slab(struct grade_ctx *t);
bool slab_detects_wrong_object_size(struct grade_ctx *t);
bool slab_detects_wrong_cache(struct grade_ctx *t);
bool slab_detects_lost_free_objects(struct grade_ctx *t);
bool slab_detects_unmapped_slab(struct grade_ctx *t);

#endif
