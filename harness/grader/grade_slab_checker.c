/* grade_slab_checker.c: checker.* for the slab allocator: a healthy set of slabs, one corruption of a
 * slab header, a free chain or a mapping written behind the allocator's back, and heapmgr_check() must
 * report it (grade_checker.h). */
#include <stdio.h>

#include "grade_beyond.h"
#include "grade_checker.h"
#include "os.h"

typedef bool slab_corruption(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap);

/* 300 objects of 24 bytes, 80 of 100, 12 of 700 and two big blocks, every fourth object freed: full,
 * partial slabs of three caches, and two mappings that are no slab. */
static bool healthy_slabs(struct grade_ctx *t, struct slab_census *c)
{
    static const struct { size_t bytes, count; } groups[] = { { 24, 300 }, { 100, 80 }, { 700, 12 }, { 5000, 2 } };
    struct grade_blocks b = { .ignore_alignment = true };
    bool ok = true;
    for (size_t g = 0; g < 4 && ok; g++) {
        size_t first = b.count;
        for (size_t i = 0; i < groups[g].count && ok; i++)
            ok = blocks_alloc(t, &b, groups[g].bytes) != SIZE_MAX;
        for (size_t i = first + 1; i < b.count && ok && groups[g].bytes <= SLAB_MAX_OBJECT; i += 4)
            g_free(t, b.items[i].mem);
    }
    blocks_release(&b);
    ok = ok && checker_expect_valid(t, "on healthy slabs (before any corruption)");
    char why[500];
    if (ok && !slab_census_build(c, why, sizeof why)) {
        slab_census_release(c);
        return grade_fail(t, "the grader's own census of the healthy slabs: %s", why);
    }
    return ok;
}

static bool detects(struct grade_ctx *t, slab_corruption *corrupt)
{
    struct slab_census c;
    if (!healthy_slabs(t, &c))
        return false;
    char what[300];
    bool corrupted = corrupt(t, &c, what, sizeof what);
    slab_census_release(&c);
    return corrupted && checker_expect_detected(t, what);
}

/* A slab with free objects and objects in use, or NULL after recording that there is none. */
static struct slab_head *partial_slab(struct grade_ctx *t, const struct slab_census *c)
{
    for (size_t i = 0; i < c->count; i++) {
        struct slab_head *h = c->slabs[i].head;
        if (h->free_count > 0 && h->free_count < h->capacity)
            return h;
    }
    grade_fail(t, "the grader found no partial slab to corrupt among %zu slabs", c->count);
    return NULL;
}

static bool free_count_off_by_one(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    h->free_count--;
    snprintf(what, cap, "the free count of the slab at %p was made one less (%u) than its free chain", (void *)h,
             (unsigned)h->free_count);
    return true;
}

static bool chain_into_other_slab(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    struct slab_head *other = c->slabs[0].head == h ? c->slabs[c->count - 1].head : c->slabs[0].head;
    if (other == h)
        return grade_fail(t, "the grader found only one slab, it needs two");
    *(char **)h->free_chain = (char *)other + SLAB_HEAD_BYTES;
    snprintf(what, cap, "the first free object of the slab at %p was made to lead into the slab at %p", (void *)h,
             (void *)other);
    return true;
}

static bool wrong_object_size(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    h->object_bytes *= 2;
    snprintf(what, cap, "the header of the slab at %p was made to say its objects are %u bytes, twice its cache's",
             (void *)h, (unsigned)h->object_bytes);
    return true;
}

static bool wrong_cache(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    h->cache = (h->cache + 1) % SLAB_CACHES;
    snprintf(what, cap, "the header of the slab at %p was made to name cache %u, another cache than its list's",
             (void *)h, (unsigned)h->cache);
    return true;
}

static bool lose_free_objects(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    h->free_chain = NULL;
    h->free_count = 0;
    snprintf(what, cap, "the partial slab at %p lost its free objects (free count 0, no chain): a full slab on the "
             "partial list", (void *)h);
    return true;
}

static bool unmap_slab(struct grade_ctx *t, struct slab_census *c, char *what, size_t cap)
{
    struct slab_head *h = partial_slab(t, c);
    if (h == NULL)
        return false;
    if (os_munmap(h, SLAB_PAGE_BYTES) != 0)
        return grade_fail(t, "the grader could not unmap the slab at %p", (void *)h);
    snprintf(what, cap, "the slab at %p was unmapped behind the allocator's back", (void *)h);
    return true;
}

bool slab_detects_free_count_off_by_one(struct grade_ctx *t) { return detects(t, free_count_off_by_one); }
bool slab_detects_chain_into_other_slab(struct grade_ctx *t) { return detects(t, chain_into_other_slab); }
bool slab_detects_wrong_object_size(struct grade_ctx *t) { return detects(t, wrong_object_size); }
bool slab_detects_wrong_cache(struct grade_ctx *t) { return detects(t, wrong_cache); }
bool slab_detects_lost_free_objects(struct grade_ctx *t) { return detects(t, lose_free_objects); }
bool slab_detects_unmapped_slab(struct grade_ctx *t) { return detects(t, unmap_slab); }
