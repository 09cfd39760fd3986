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
 */
#include "block.h"

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

/* ---- under the lock --------------------------------------------------------------------------- */

static void *alloc_locked(size_t align_bytes, size_t req_bytes)
{
    if (align_bytes > BLOCK_MAX_ALIGN || req_bytes > PTRDIFF_MAX - align_bytes)
        return NULL;
    void *stage_ptr = heapmgr_malloc(req_bytes + align_bytes);
    if (stage_ptr == NULL)
        return NULL;
    void *mem = mem_in(stage_ptr, align_bytes);
    write_tag(mem, stage_ptr, req_bytes);
    return mem;
}

static void free_locked(void *mem, struct block_tag *tag)
{
    tag->magic = TAG_FREED;
    heapmgr_free(stage_ptr_of(mem, tag));
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
        stats_note_alloc(req_bytes);
    else
        stats_note_failure(req_bytes);
    preload_unlock();
    return mem;
}

void block_free(void *mem)
{
    preload_lock();
    struct block_tag *tag = live_tag_of(mem, "free");
    stats_note_free((size_t)tag->req_bytes);
    free_locked(mem, tag);
    preload_unlock();
}

void *block_resize(void *mem, size_t req_bytes)
{
    preload_lock();
    struct block_tag *tag = live_tag_of(mem, "realloc");
    size_t old_bytes = (size_t)tag->req_bytes;
    void *moved = tag->offset_bytes == BLOCK_TAG_BYTES ? resize_by_stage(mem, tag, req_bytes)
                                                       : resize_by_moving(mem, tag, req_bytes);
    if (moved != NULL)
        stats_note_resize(old_bytes, req_bytes);
    else
        stats_note_failure(req_bytes);
    preload_unlock();
    return moved;
}

size_t block_usable_bytes(void *mem)
{
    preload_lock();
    size_t usable_bytes = (size_t)live_tag_of(mem, "malloc_usable_size")->req_bytes;
    preload_unlock();
    return usable_bytes;
}
