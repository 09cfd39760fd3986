/* block.c: tagged blocks on top of a stage (see block.h for the layout).
 *
 * Algorithm (block_alloc):
 *   1. Ask the stage for req_bytes + align_bytes: room for the tag and, for an aligned block, for
 *      sliding the program's pointer up to the next multiple of the alignment.
 *   2. mem = the first multiple of align_bytes at least BLOCK_TAG_BYTES past the stage's pointer.
 *   3. Write the tag just below mem: the request, the offset back to the stage pointer, LIVE.
 * free and realloc read the tag back; a tag without the LIVE mark means the pointer never came from
 * this malloc or was freed already, and the process stops with a message, as the C library does.
 *
 * Every call into the stage happens under the one lock of lock.c; statistics are counted there too.
 *
 * Without tags (HEAPKIT_PRELOAD_HEADER set, stages 3-6: block.h): an ordinary block is the stage's
 * own pointer and its size comes from the stage's header; only aligned blocks are tagged, and each is
 * remembered in the set of aligned blocks (aligned_set below), which is how free, realloc and
 * malloc_usable_size tell the two kinds apart.
 */
#include "block.h"

#include <stdbool.h>
#include <string.h>

#include "fatal.h"
#include "heapmgr.h"
#include "lock.h"
#include "stats.h"

enum {
    TAG_LIVE = 0x4c495645,   /* "LIVE" */
    TAG_FREED = 0x46524545,  /* "FREE" */
};

struct block_tag {
    uint64_t req_bytes;      /* what the program asked for: malloc_usable_size */
    uint32_t offset_bytes;   /* from the stage's pointer up to mem: 16, or more for aligned blocks */
    uint32_t magic;          /* TAG_LIVE while the block is the program's */
};

_Static_assert(sizeof(struct block_tag) == BLOCK_TAG_BYTES, "the tag is two words");
_Static_assert(BLOCK_MIN_ALIGN % _Alignof(max_align_t) == 0, "every pointer suits every type");

/* The only pointer arithmetic of the layer: between mem, its tag and the stage's pointer. */
static struct block_tag *tag_of(void *mem)
{
    return (struct block_tag *)((uintptr_t)mem - BLOCK_TAG_BYTES);
}

static void *stage_ptr_of(void *mem, const struct block_tag *tag)
{
    return (void *)((uintptr_t)mem - tag->offset_bytes);
}

static void *mem_in(void *stage_ptr, size_t align_bytes)
{
    uintptr_t lowest = (uintptr_t)stage_ptr + BLOCK_TAG_BYTES;
    return (void *)((lowest + (align_bytes - 1)) & ~(uintptr_t)(align_bytes - 1));
}

static void write_tag(void *mem, void *stage_ptr, size_t req_bytes)
{
    struct block_tag *tag = tag_of(mem);
    tag->req_bytes = req_bytes;
    tag->offset_bytes = (uint32_t)((uintptr_t)mem - (uintptr_t)stage_ptr);
    tag->magic = TAG_LIVE;
}

/* The tag of a block the program hands back; stops the process when it is not a live block. */
static struct block_tag *live_tag_of(void *mem, const char *caller)
{
    if ((uintptr_t)mem % BLOCK_MIN_ALIGN != 0)
        preload_die(caller, "pointer not from this malloc (misaligned)");
    struct block_tag *tag = tag_of(mem);
    if (tag->magic == TAG_FREED)
        preload_die(caller, "block freed already (double free?)");
    if (tag->magic != TAG_LIVE)
        preload_die(caller, "pointer not from this malloc, or its tag was overwritten");
    return tag;
}

/* ---- blocks without tags (HEAPKIT_PRELOAD_HEADER) ------------------------------------------------ */

#ifdef HEAPKIT_PRELOAD_HEADER
#include "chunk.h"

/* The usable bytes of an ordinary block, from the stage's own header (common/chunk.h): a chunk of
 * stages 3-5 has a header and a footer around its payload, a mapping of stage 6 only a header. */
static size_t header_usable_bytes(void *mem)
{
    const chunk_t *c = chunk_from_mem(mem);
#if HEAPKIT_PRELOAD_HEADER == 2
    return chunk_size(c) - CHUNK_HEADER_BYTES;
#else
    return chunk_payload_bytes(c);
#endif
}

/* The aligned blocks: an open-addressing hash set of their addresses (linear probing, tombstones),
 * its table taken from the stage itself and doubled when it is half full. Programs make few aligned
 * allocations, so the set stays small; every ordinary free costs one probe into it. */
static struct {
    uintptr_t *slots;                  /* 0: empty; TOMBSTONE: an address removed */
    size_t cap, used, live;            /* used counts live addresses and tombstones */
} aligned_set;

#define TOMBSTONE ((uintptr_t)1)

static size_t slot_of(uintptr_t key, size_t cap)
{
    return (size_t)((key >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static bool aligned_set_has(const void *mem)
{
    for (size_t i = slot_of((uintptr_t)mem, aligned_set.cap), n = 0; aligned_set.cap != 0 && n < aligned_set.cap;
         i = (i + 1) & (aligned_set.cap - 1), n++) {
        if (aligned_set.slots[i] == (uintptr_t)mem)
            return true;
        if (aligned_set.slots[i] == 0)
            return false;
    }
    return false;
}

static void place_key(uintptr_t *slots, size_t cap, uintptr_t key)
{
    size_t i = slot_of(key, cap);
    while (slots[i] != 0 && slots[i] != TOMBSTONE)
        i = (i + 1) & (cap - 1);
    slots[i] = key;
}

/* Adds mem; false when the stage has no memory for a bigger table. */
static bool aligned_set_add(void *mem)
{
    if (2 * (aligned_set.used + 1) > aligned_set.cap) {
        size_t cap = aligned_set.cap == 0 ? 64 : 2 * aligned_set.cap;
        while (2 * (aligned_set.live + 1) > cap)
            cap *= 2;
        uintptr_t *slots = heapmgr_malloc(cap * sizeof *slots);
        if (slots == NULL)
            return false;
        memset(slots, 0, cap * sizeof *slots);
        for (size_t i = 0; i < aligned_set.cap; i++)
            if (aligned_set.slots[i] > TOMBSTONE)
                place_key(slots, cap, aligned_set.slots[i]);
        heapmgr_free(aligned_set.slots);
        aligned_set.slots = slots;
        aligned_set.cap = cap;
        aligned_set.used = aligned_set.live;
    }
    place_key(aligned_set.slots, aligned_set.cap, (uintptr_t)mem);
    aligned_set.used++;
    aligned_set.live++;
    return true;
}

static void aligned_set_remove(void *mem)
{
    for (size_t i = slot_of((uintptr_t)mem, aligned_set.cap); aligned_set.slots[i] != 0; i = (i + 1) & (aligned_set.cap - 1))
        if (aligned_set.slots[i] == (uintptr_t)mem) {
            aligned_set.slots[i] = TOMBSTONE;
            aligned_set.live--;
            return;
        }
}
#endif

/* ---- under the lock --------------------------------------------------------------------------- */

static void *alloc_locked(size_t align_bytes, size_t req_bytes)
{
    if (align_bytes > BLOCK_MAX_ALIGN || req_bytes > PTRDIFF_MAX - align_bytes)
        return NULL;
#ifdef HEAPKIT_PRELOAD_HEADER
    if (align_bytes == BLOCK_MIN_ALIGN)
        return heapmgr_malloc(req_bytes > 0 ? req_bytes : 1);  /* no tag; malloc(0): a unique pointer */
#endif
    void *stage_ptr = heapmgr_malloc(req_bytes + align_bytes);
    if (stage_ptr == NULL)
        return NULL;
    void *mem = mem_in(stage_ptr, align_bytes);
    write_tag(mem, stage_ptr, req_bytes);
#ifdef HEAPKIT_PRELOAD_HEADER
    if (!aligned_set_add(mem)) {
        heapmgr_free(stage_ptr);
        return NULL;
    }
#endif
    return mem;
}

static void free_locked(void *mem, struct block_tag *tag)
{
    tag->magic = TAG_FREED;
#ifdef HEAPKIT_PRELOAD_HEADER
    aligned_set_remove(mem);
#endif
    heapmgr_free(stage_ptr_of(mem, tag));
}

/* Is mem a tagged block? Always with tags; without them, only an aligned block is. */
static bool is_tagged(void *mem)
{
#ifdef HEAPKIT_PRELOAD_HEADER
    return aligned_set_has(mem);
#else
    (void)mem;
    return true;
#endif
}

/* The usable bytes of a block the program holds (its tag checked when it has one). */
static size_t usable_locked(void *mem, const char *caller)
{
#ifdef HEAPKIT_PRELOAD_HEADER
    if (!is_tagged(mem)) {
        if ((uintptr_t)mem % BLOCK_MIN_ALIGN != 0)
            preload_die(caller, "pointer not from this malloc (misaligned)");
        return header_usable_bytes(mem);
    }
#endif
    return (size_t)live_tag_of(mem, caller)->req_bytes;
}

/* An ordinary block: the stage resizes it, copying the tag along with the content. */
static void *resize_by_stage(void *mem, struct block_tag *tag, size_t req_bytes)
{
    if (req_bytes > PTRDIFF_MAX - BLOCK_TAG_BYTES)
        return NULL;
    void *stage_ptr = heapmgr_realloc(stage_ptr_of(mem, tag), req_bytes + BLOCK_TAG_BYTES);
    if (stage_ptr == NULL)
        return NULL;                                   /* the stage left the old block as it was */
    void *moved = mem_in(stage_ptr, BLOCK_MIN_ALIGN);
    write_tag(moved, stage_ptr, req_bytes);
    return moved;
}

/* An aligned block: a new ordinary block, the content copied, the old block freed. */
static void *resize_by_moving(void *mem, struct block_tag *tag, size_t req_bytes)
{
    size_t old_bytes = (size_t)tag->req_bytes;
    void *moved = alloc_locked(BLOCK_MIN_ALIGN, req_bytes);
    if (moved == NULL)
        return NULL;
    memcpy(moved, mem, old_bytes < req_bytes ? old_bytes : req_bytes);
    free_locked(mem, tag);
    return moved;
}

/* ---- the interface ------------------------------------------------------------------------------ */

void *block_alloc(size_t align_bytes, size_t req_bytes)
{
    preload_lock();
    void *mem = alloc_locked(align_bytes, req_bytes);
    if (mem != NULL)
        stats_note_alloc(usable_locked(mem, "malloc"));  /* as free will count it */
    else
        stats_note_failure(req_bytes);
    preload_unlock();
    return mem;
}

void block_free(void *mem)
{
    preload_lock();
    stats_note_free(usable_locked(mem, "free"));
    if (is_tagged(mem))
        free_locked(mem, live_tag_of(mem, "free"));
    else
        heapmgr_free(mem);                             /* an ordinary block: the stage's own pointer */
    preload_unlock();
}

void *block_resize(void *mem, size_t req_bytes)
{
    preload_lock();
    size_t old_bytes = usable_locked(mem, "realloc");
    void *moved;
    if (!is_tagged(mem)) {
        moved = heapmgr_realloc(mem, req_bytes);       /* an ordinary block: the stage resizes it */
    } else {
        struct block_tag *tag = live_tag_of(mem, "realloc");
        /* With tags everywhere, an ordinary block (its tag right below it) is the stage's to resize;
         * an aligned one moves. Without them every tagged block is an aligned one, even when its
         * alignment happened to need no slack: it moves, into an ordinary block. */
        bool ordinary = tag->offset_bytes == BLOCK_TAG_BYTES;
#ifdef HEAPKIT_PRELOAD_HEADER
        ordinary = false;
#endif
        moved = ordinary ? resize_by_stage(mem, tag, req_bytes) : resize_by_moving(mem, tag, req_bytes);
    }
    if (moved != NULL)
        stats_note_resize(old_bytes, usable_locked(moved, "realloc"));
    else
        stats_note_failure(req_bytes);
    preload_unlock();
    return moved;
}

size_t block_usable_bytes(void *mem)
{
    preload_lock();
    size_t usable_bytes = usable_locked(mem, "malloc_usable_size");
    preload_unlock();
    return usable_bytes;
}
