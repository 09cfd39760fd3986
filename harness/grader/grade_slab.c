/* grade_slab.c: the slab allocator's own properties (lecture.slab_*), read by the grader from the
 * live mappings its own simulation lists (os_sim.h) and the slab headers in them (grade_beyond.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_beyond.h"
#include "os_sim.h"

static char *objects_of(struct slab_head *h) { return (char *)h + SLAB_HEAD_BYTES; }

/* ---- the census ----------------------------------------------------------------------------------- */

struct census_walk {
    struct slab_census *census;
    char *why;
    size_t cap;
    bool ok;
};

/* S1: the header names a cache, its object size and the capacity that size gives. */
static bool header_is_sound(const struct slab_head *h, char *why, size_t cap)
{
    if (h->cache >= SLAB_CACHES || h->object_bytes != (uint32_t)SLAB_MIN_OBJECT << h->cache)
        return beyond_violation(why, cap, "expected the slab at %p to hold objects of its cache's size (16 << cache), its "
                         "header says cache %u, %u-byte objects", (const void *)h, (unsigned)h->cache,
                         (unsigned)h->object_bytes);
    if (h->capacity != (SLAB_PAGE_BYTES - SLAB_HEAD_BYTES) / h->object_bytes || h->free_count > h->capacity)
        return beyond_violation(why, cap, "expected the slab at %p of %u-byte objects to hold %u, its header says %u "
                         "objects, %u of them free", (const void *)h, (unsigned)h->object_bytes,
                         (unsigned)((SLAB_PAGE_BYTES - SLAB_HEAD_BYTES) / h->object_bytes), (unsigned)h->capacity,
                         (unsigned)h->free_count);
    return true;
}

/* S2: the free chain, followed only to objects of this slab, each reached once; its length. */
static bool chain_is_sound(struct slab_head *h, size_t *length, char *why, size_t cap)
{
    unsigned char reached[(SLAB_PAGE_BYTES - SLAB_HEAD_BYTES) / SLAB_MIN_OBJECT] = { 0 };
    size_t n = 0;
    for (char *object = h->free_chain; object != NULL; object = *(char **)object) {
        size_t offset = (size_t)(object - objects_of(h));
        if (object < objects_of(h) || offset % h->object_bytes != 0 || offset / h->object_bytes >= h->capacity)
            return beyond_violation(why, cap, "expected the free chain of the slab at %p to hold its own objects, it leads "
                             "to %p", (void *)h, (void *)object);
        if (reached[offset / h->object_bytes]++)
            return beyond_violation(why, cap, "expected each free object once on the chain of the slab at %p, object %zu "
                             "comes back (a cycle)", (void *)h, offset / h->object_bytes);
        n++;
    }
    if (n != h->free_count)
        return beyond_violation(why, cap, "expected the free count of the slab at %p to match its free objects: the header "
                         "says %u, the chain holds %zu", (void *)h, (unsigned)h->free_count, n);
    *length = n;
    return true;
}

static int visit_mapping(void *start, size_t length, void *arg)
{
    struct census_walk *w = arg;
    struct slab_census *c = w->census;
    uint64_t first_word = *(uint64_t *)start;
    if (first_word != SLAB_MARK_WORD) {
        /* a big block: a chunk header in use that holds its mapping's length */
        const chunk_t *big = start;
        if (chunk_size(big) != length || chunk_is_free(big)) {
            w->ok = beyond_violation(w->why, w->cap, "expected each mapping to be a slab or a big block with its own "
                              "length, the mapping at %p of %zu bytes starts with %#llx", start, length,
                              (unsigned long long)first_word);
            return 1;
        }
        c->big_blocks++;
        return 0;
    }
    struct slab_head *h = start;
    size_t chain = 0;
    if (length != SLAB_PAGE_BYTES) {
        w->ok = beyond_violation(w->why, w->cap, "expected every slab to be one page, the slab at %p is a mapping of %zu "
                          "bytes", start, length);
        return 1;
    }
    if (!header_is_sound(h, w->why, w->cap) || !chain_is_sound(h, &chain, w->why, w->cap)) {
        w->ok = false;
        return 1;
    }
    if (c->count == c->cap) {
        size_t cap = c->cap == 0 ? 64 : 2 * c->cap;
        struct slab_seen *slabs = realloc(c->slabs, cap * sizeof *slabs);
        if (slabs == NULL) {
            w->ok = beyond_violation(w->why, w->cap, "the grader ran out of memory");
            return 1;
        }
        c->slabs = slabs;
        c->cap = cap;
    }
    c->slabs[c->count++] = (struct slab_seen){ .head = h, .chain_length = chain };
    if (h->free_count == h->capacity)
        c->empty[h->cache]++;
    return 0;
}

bool slab_census_build(struct slab_census *c, char *why, size_t cap)
{
    memset(c, 0, sizeof *c);
    struct census_walk w = { .census = c, .why = why, .cap = cap, .ok = true };
    os_sim_each_mapping(visit_mapping, &w);
    return w.ok;
}

void slab_census_release(struct slab_census *c)
{
    free(c->slabs);
    memset(c, 0, sizeof *c);
}

struct slab_seen *slab_census_find(const struct slab_census *c, const void *mem)
{
    for (size_t i = 0; i < c->count; i++)
        if ((const char *)mem >= (char *)c->slabs[i].head && (const char *)mem < (char *)c->slabs[i].head + SLAB_PAGE_BYTES)
            return &c->slabs[i];
    return NULL;
}

/* ---- the tests ------------------------------------------------------------------------------------ */

/* The census for a test; false after recording the failure. */
static bool census_or_fail(struct grade_ctx *t, struct slab_census *c, const char *when)
{
    char why[500];
    if (slab_census_build(c, why, sizeof why))
        return true;
    slab_census_release(c);
    return grade_fail(t, "%s: %s", when, why);
}

static size_t class_bytes(size_t req_bytes)
{
    size_t bytes = SLAB_MIN_OBJECT;
    while (bytes < req_bytes)
        bytes *= 2;
    return bytes;
}

/* Every live block of at most SLAB_MAX_OBJECT bytes is an object of the cache of its size class, on an
 * object boundary of its slab. */
static bool objects_in_their_class(struct grade_ctx *t, const struct grade_blocks *b, const struct slab_census *c)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct grade_block *blk = &b->items[i];
        if (blk->bytes > SLAB_MAX_OBJECT)
            continue;                             /* a big block, mapped on its own */
        struct slab_seen *s = slab_census_find(c, blk->mem);
        if (s == NULL)
            return grade_fail(t, "expected malloc(%zu) to return an object of a slab, %p lies in none", blk->bytes,
                              (void *)blk->mem);
        size_t offset = (size_t)(blk->mem - objects_of(s->head));
        if (s->head->object_bytes != class_bytes(blk->bytes) || blk->mem < objects_of(s->head) ||
            offset % s->head->object_bytes != 0)
            return grade_fail(t, "expected malloc(%zu) to return an object of the %zu-byte cache, it returned %p in a "
                              "slab of %u-byte objects, %zu bytes past its first object", blk->bytes,
                              class_bytes(blk->bytes), (void *)blk->mem, (unsigned)s->head->object_bytes, offset);
    }
    return true;
}

/* Every object of every slab is either free (on its chain, as many as the free count: the census)
 * or exactly one live block. */
static bool objects_accounted(struct grade_ctx *t, const struct grade_blocks *b, const struct slab_census *c)
{
    size_t *live = calloc(c->count + 1, sizeof *live);
    if (live == NULL)
        return grade_fail(t, "the grader ran out of memory");
    for (size_t i = 0; i < b->count; i++) {
        struct slab_seen *s = b->items[i].bytes <= SLAB_MAX_OBJECT ? slab_census_find(c, b->items[i].mem) : NULL;
        if (s != NULL)
            live[s - c->slabs]++;
    }
    bool ok = true;
    for (size_t i = 0; i < c->count && ok; i++) {
        const struct slab_head *h = c->slabs[i].head;
        if (live[i] + h->free_count != h->capacity)
            ok = grade_fail(t, "expected every object of the slab at %p to be free or in use: %u objects, %u free, "
                            "%zu in use", (const void *)h, (unsigned)h->capacity, (unsigned)h->free_count, live[i]);
    }
    free(live);
    return ok;
}

static bool empty_slabs_few(struct grade_ctx *t, const struct slab_census *c, const char *when)
{
    for (size_t k = 0; k < SLAB_CACHES; k++)
        if (c->empty[k] > SLAB_EMPTY_KEPT)
            return grade_fail(t, "expected at most %d empty slab per cache %s (the rest given back), the %d-byte "
                              "cache keeps %zu", SLAB_EMPTY_KEPT, when, SLAB_MIN_OBJECT << k, c->empty[k]);
    return true;
}

typedef bool slab_part(struct grade_ctx *t, const struct grade_blocks *b, const struct slab_census *c);

static bool part_empty(struct grade_ctx *t, const struct grade_blocks *b, const struct slab_census *c)
{
    (void)b;
    return empty_slabs_few(t, c, "during a seeded mix of malloc and free");
}

/* A seeded mix of mallocs of 1..1024 bytes (a few bigger) and frees; part checked every 40 steps. */
static bool mix_checked(struct grade_ctx *t, slab_part *part)
{
    struct grade_blocks b = { 0 };
    uint64_t rng = 0x736c6162ull;
    const struct blocks_mix mix = { .free_below = 45, .realloc_below = 45, .max_live = 600, .large_one_in = 30,
                                    .small_bytes = SLAB_MAX_OBJECT, .large_bytes = 20000 };
    bool ok = true;
    int steps = t->quick ? 500 : 1500;
    for (int i = 0; i < steps && ok; i++) {
        ok = blocks_mix_step(t, &b, &rng, &mix);
        if (ok && i % 40 == 39) {
            struct slab_census c;
            ok = census_or_fail(t, &c, "during a seeded mix of malloc and free");
            if (ok) {
                ok = part(t, &b, &c);
                slab_census_release(&c);
            }
        }
    }
    return blocks_finish(t, &b, ok);
}

bool slab_cache_objects_one_size(struct grade_ctx *t) { return mix_checked(t, objects_in_their_class); }

bool slab_free_counts_match_objects(struct grade_ctx *t) { return mix_checked(t, objects_accounted); }

/* 4000 objects of 48 bytes (about 64 slabs of the 64-byte cache), freed from the first: as each slab
 * empties it goes back, so at no point does the cache keep more than SLAB_EMPTY_KEPT empty ones; at the
 * end every mapping left is one of those. Then the seeded mix, checked the same way. */
bool slab_empty_slabs_returned(struct grade_ctx *t)
{
    enum { OBJECTS = 4000, OBJECT_BYTES = 48 };
    static char *mem[OBJECTS];
    for (size_t i = 0; i < OBJECTS; i++)
        if ((mem[i] = g_malloc(t, OBJECT_BYTES)) == NULL)
            return grade_fail_alloc(t, "malloc", OBJECT_BYTES);
    size_t peak = os_stats().mappings;
    for (size_t i = 0; i < OBJECTS; i++) {
        g_free(t, mem[i]);
        if (i % 200 == 199 || i == OBJECTS - 1) {
            struct slab_census c;
            if (!census_or_fail(t, &c, "while the objects are freed"))
                return false;
            bool ok = empty_slabs_few(t, &c, "while its objects are freed");
            slab_census_release(&c);
            if (!ok)
                return false;
        }
    }
    size_t left = os_stats().mappings;
    if (left > SLAB_EMPTY_KEPT * SLAB_CACHES)
        return grade_fail(t, "expected at most %d mappings left once all %d objects were freed (from %zu at the "
                          "peak), %zu are live", SLAB_EMPTY_KEPT * SLAB_CACHES, OBJECTS, peak, left);
    return mix_checked(t, part_empty);
}
