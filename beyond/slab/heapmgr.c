/* beyond/slab/heapmgr.c: a slab allocator (kmalloc style), beyond the lecture's six DMMgrs.
 *
 * Policy: a request is rounded up to the next of seven object sizes, 16, 32, ... 1024 bytes; each size
 * has its own cache, and a cache is made of slabs: one page each, a small header followed by objects
 * of that one size. A slab is full (no free object), partial, or empty (every object free); malloc
 * takes an object from a partial slab, else an empty one, else a fresh page from the page allocator
 * (os_mmap); free puts the object back on its slab's free chain, and a slab that becomes empty beyond
 * the first EMPTY_SLABS_KEPT of its cache goes back to the page allocator (os_munmap) at once.
 * Requests above 1024 bytes are mapped on their own, as in stage 6.
 * (Bonwick, "The Slab Allocator", USENIX 1994; Linux's kmalloc caches follow the same plan.)
 * Adds over Bins: objects carry no header at all: the slab a payload belongs to is the page it lies
 * in (address rounded down to the page), and the page's header knows the size. Pages really go back
 * to the operating system while the rest of the heap is busy, which no brk heap can do.
 * Per-object overhead: none in the object; the rounding up to a power of two (up to half of the
 * object), the 64-byte slab header and the tail of the page that no whole object fits in.
 * Cost:
 *     malloc  O(1)  the head of a list, the head of its slab's free chain; a system call per new slab
 *     free    O(1)  round down to the page, push on the chain, maybe move the slab to another list
 *
 * Algorithm:
 *   heapmgr_malloc
 *     1. Above MAX_OBJECT_BYTES: map the request on its own (big_malloc).
 *     2. cache_index: the cache of the smallest object size that holds the request.
 *     3. The cache's first partial slab, else its first empty slab, else grow_cache: a fresh page,
 *        cut into objects, all on its free chain.
 *     4. Pop the chain's first object; move the slab to the list its free count now says.
 *   heapmgr_free
 *     1. The page the payload lies in. Its header is no slab's: a big block, unmapped whole.
 *     2. Push the object on its slab's chain; move the slab to the list its free count says.
 *     3. The cache now holds more than EMPTY_SLABS_KEPT empty slabs: unmap this one.
 *
 * Invariants (checked by heapmgr_check, listed with their cost in README.md):
 *   S1 every slab on a cache's lists is a one-page slab of that cache: its header's mark, cache and
 *      object size say so
 *   S2 a slab's free count matches its objects: its free chain holds exactly free_count objects, each
 *      inside the slab on an object boundary, with no cycle
 *   S3 each slab is on the list its free count says: full (0), partial, or empty (every object)
 *   S4 the links agree: a head's prev is NULL, and a->next->prev == a
 *   S5 no cache keeps more than EMPTY_SLABS_KEPT empty slabs
 *   S6 the live mappings are this allocator's: its slabs and its big blocks
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"
#include "os_sim.h"

/* ---- tunables (a student may change these) ------------------------------------------------- */

enum {
    SLAB_BYTES = 4096,             /* one page: a slab is found by rounding an address down to it */
    MIN_OBJECT_BYTES = 16,
    MAX_OBJECT_BYTES = 1024,       /* at least three objects a slab */
    CACHE_COUNT = 7,               /* 16, 32, 64, 128, 256, 512, 1024 */
    EMPTY_SLABS_KEPT = 1,          /* empty slabs a cache keeps for the next malloc; more go back */
};
static const uint64_t SLAB_MARK = 0x51ab51ab51ab5100u;  /* even: a big block's first word is odd */

/* ---- the slab header -------------------------------------------------------------------------- */

enum slab_state { SLAB_FULL, SLAB_PARTIAL, SLAB_EMPTY, SLAB_STATES };

typedef struct slab slab_t;
struct slab {                      /* at the start of the page; the objects follow */
    uint64_t mark;                 /* SLAB_MARK */
    slab_t *next, *prev;           /* on its cache's list of its state */
    uint32_t cache;                /* index into caches */
    uint32_t object_bytes;         /* the cache's object size, kept here so free needs no lookup */
    uint32_t capacity;             /* objects in the slab */
    uint32_t free_count;           /* objects on the free chain */
    void *free_chain;              /* the first free object; each free object's first word names the next */
    uint64_t state;                /* enum slab_state: the list it is on */
    uint64_t unused;
};
enum { SLAB_HEADER_BYTES = 64 };

_Static_assert(sizeof(slab_t) == SLAB_HEADER_BYTES, "the header fills one 64-byte line");
_Static_assert(SLAB_HEADER_BYTES % CHUNK_ALIGN == 0, "objects stay 16-byte aligned");
_Static_assert((MIN_OBJECT_BYTES << (CACHE_COUNT - 1)) == MAX_OBJECT_BYTES, "caches double up to the largest");
_Static_assert(SLAB_BYTES - SLAB_HEADER_BYTES >= 3 * MAX_OBJECT_BYTES, "a slab holds several objects");

struct cache {
    slab_t *lists[SLAB_STATES];    /* the slabs of each state, NULL-terminated, heads' prev NULL */
    size_t slabs[SLAB_STATES];     /* how many on each list */
};

static struct cache caches[CACHE_COUNT];
static size_t big_blocks;          /* mapped big blocks handed out and not yet freed (S6) */

static size_t cache_object_bytes(size_t cache) { return (size_t)MIN_OBJECT_BYTES << cache; }

/* The cache of the smallest object size that holds req_bytes (at most MAX_OBJECT_BYTES). */
static size_t cache_index(size_t req_bytes)
{
    size_t cache = 0;
    while (cache_object_bytes(cache) < req_bytes)
        cache++;
    return cache;
}

static slab_t *slab_of(const void *mem) { return (slab_t *)((uintptr_t)mem & ~(uintptr_t)(SLAB_BYTES - 1)); }

static char *slab_objects(slab_t *s) { return (char *)s + SLAB_HEADER_BYTES; }

static uint32_t slab_capacity(size_t object_bytes) { return (uint32_t)((SLAB_BYTES - SLAB_HEADER_BYTES) / object_bytes); }

static void *chain_next(void *object) { return *(void **)object; }
static void chain_set_next(void *object, void *next) { *(void **)object = next; }

/* The list a slab with this many free objects belongs on. */
static enum slab_state state_for(const slab_t *s)
{
    return s->free_count == 0 ? SLAB_FULL : s->free_count == s->capacity ? SLAB_EMPTY : SLAB_PARTIAL;
}

/* ---- the lists of a cache ---------------------------------------------------------------------- */

static void list_insert(struct cache *c, slab_t *s, enum slab_state state)
{
    /* BEGIN SOLUTION */
    s->next = c->lists[state];
    s->prev = NULL;
    if (s->next != NULL)
        s->next->prev = s;
    c->lists[state] = s;
    c->slabs[state]++;
    s->state = state;
    /* END SOLUTION */
}

static void list_remove(struct cache *c, slab_t *s)
{
    /* BEGIN SOLUTION */
    if (s->prev == NULL)
        c->lists[s->state] = s->next;                /* s was the head */
    else
        s->prev->next = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    c->slabs[s->state]--;
    /* END SOLUTION */
}

/* Moves s to the list its free count says, when it is not there already. */
static void list_settle(struct cache *c, slab_t *s)
{
    enum slab_state state = state_for(s);
    if (state == s->state)
        return;
    list_remove(c, s);
    list_insert(c, s, state);
}

/* ---- slabs from the page allocator --------------------------------------------------------------- */

/* A fresh page for cache, cut into objects all on its free chain, on the cache's empty list; NULL when
 * the seam refuses. */
static slab_t *grow_cache(size_t cache)
{
    /* BEGIN SOLUTION */
    void *page = os_mmap(NULL, SLAB_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return NULL;
    slab_t *s = page;
    size_t object_bytes = cache_object_bytes(cache);
    *s = (slab_t){ .mark = SLAB_MARK, .cache = (uint32_t)cache, .object_bytes = (uint32_t)object_bytes,
                   .capacity = slab_capacity(object_bytes) };
    /* chain the objects from the last to the first, so the first comes out first */
    for (uint32_t i = s->capacity; i-- > 0;) {
        void *object = slab_objects(s) + (size_t)i * object_bytes;
        chain_set_next(object, s->free_chain);
        s->free_chain = object;
    }
    s->free_count = s->capacity;
    list_insert(&caches[cache], s, SLAB_EMPTY);
    return s;
    /* END SOLUTION */
}

/* Gives the empty slab s back to the page allocator. */
static void shrink_cache(struct cache *c, slab_t *s)
{
    /* BEGIN SOLUTION */
    list_remove(c, s);
    if (os_munmap(s, SLAB_BYTES) != 0)
        list_insert(c, s, SLAB_EMPTY);               /* refused: keep it, still a valid empty slab */
    /* END SOLUTION */
}

/* ---- big blocks: one mapping each, as in stage 6 ---------------------------------------------- */

static void *big_malloc(size_t req_bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (req_bytes > PTRDIFF_MAX - CHUNK_HEADER_BYTES - page)
        return NULL;                                 /* too large to map */
    size_t map_bytes = (CHUNK_HEADER_BYTES + req_bytes + page - 1) / page * page;
    void *mapping = os_mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    chunk_t *c = chunk_at(mapping);
    chunk_set_header(c, map_bytes, true);            /* odd: never a slab's mark */
    big_blocks++;
    return chunk_to_mem(c);
}

static void big_free(chunk_t *c)
{
    if (os_munmap(c, chunk_size(c)) == 0)
        big_blocks--;                                /* refused: the mapping stays live, and counted */
}

/* A payload of a big block starts one header past its mapping's page; an object never does (the
 * slab header is longer), so the page's first word tells the two apart. */
static bool is_slab_object(const void *mem) { return slab_of(mem)->mark == SLAB_MARK; }

/* ---- the contract ---------------------------------------------------------------------------- */

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes > MAX_OBJECT_BYTES)
        return big_malloc(req_bytes);
    size_t cache = cache_index(req_bytes);           /* malloc(0): a unique 16-byte object */
    struct cache *c = &caches[cache];
    slab_t *s = c->lists[SLAB_PARTIAL] != NULL ? c->lists[SLAB_PARTIAL] : c->lists[SLAB_EMPTY];
    if (s == NULL && (s = grow_cache(cache)) == NULL)
        return NULL;
    void *object = s->free_chain;
    s->free_chain = chain_next(object);
    s->free_count--;
    list_settle(c, s);
    return object;
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return;
    if (!is_slab_object(mem)) {
        big_free(chunk_from_mem(mem));
        return;
    }
    slab_t *s = slab_of(mem);
    struct cache *c = &caches[s->cache];
    chain_set_next(mem, s->free_chain);
    s->free_chain = mem;
    s->free_count++;
    list_settle(c, s);
    if (s->state == SLAB_EMPTY && c->slabs[SLAB_EMPTY] > EMPTY_SLABS_KEPT)
        shrink_cache(c, s);                          /* one empty slab too many: back to the kernel */
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
    size_t usable_bytes = is_slab_object(mem) ? slab_of(mem)->object_bytes
                                              : chunk_size(chunk_from_mem(mem)) - CHUNK_HEADER_BYTES;
    if (req_bytes <= usable_bytes)
        return mem;                                  /* the object's size class already holds it */
    return heapmgr_realloc_by_moving(mem, usable_bytes, req_bytes);
    /* END SOLUTION */
}

/* ---- the checker ------------------------------------------------------------------------------- */

/* Prints one violation, "heapmgr_check: <invariant>: slab at <address>: <what>", and counts it. */
__attribute__((format(printf, 3, 4)))
static int violation(const char *invariant, const void *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heapmgr_check: %s: slab at %p: ", invariant, at);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static const char S1[] = "S1 every slab on a cache's lists is a slab of that cache";
static const char S2[] = "S2 a slab's free count matches its objects";
static const char S3[] = "S3 each slab is on the list its free count says";
static const char S4[] = "S4 the links agree";
static const char S5[] = "S5 no cache keeps more than EMPTY_SLABS_KEPT empty slabs";
static const char S6[] = "S6 the live mappings are this allocator's";

/* Is s a page this allocator may read as a slab? Under the simulated seam, one of its live one-page
 * mappings; under the kernel seam (which lists no mappings) any page-aligned address. */
static bool is_mapped_slab(const slab_t *s)
{
    if (slab_of(s) != s)
        return false;
    return os_sim_owns(s) ? os_sim_mapping_length(s) == SLAB_BYTES : strcmp(os_backend_name(), "kernel") == 0;
}

static const char *const state_names[SLAB_STATES] = { "full", "partial", "empty" };

/* S2 for one slab whose header S1 has passed: walks at most capacity links. */
static int check_chain(slab_t *s)
{
    /* BEGIN SOLUTION */
    uint32_t seen = 0;
    for (char *object = s->free_chain; object != NULL; object = chain_next(object)) {
        size_t offset = (size_t)(object - slab_objects(s));
        if (slab_of(object) != s || object < slab_objects(s) || offset % s->object_bytes != 0 ||
            offset / s->object_bytes >= s->capacity)
            return violation(S2, s, "the free chain leads to %p, not an object of this slab", (void *)object);
        if (++seen > s->free_count)
            return violation(S2, s, "the free chain holds more than its free count of %u (or has a cycle)",
                             (unsigned)s->free_count);
    }
    if (seen != s->free_count)
        return violation(S2, s, "free count %u, but the free chain holds %u objects", (unsigned)s->free_count,
                         (unsigned)seen);
    return 0;
    /* END SOLUTION */
}

/* S1-S4 for one list of one cache; stops at the first slab whose header or link cannot be trusted.
 * Counts the slabs it walked into *slabs. */
static int check_list(size_t cache, enum slab_state state, size_t *slabs)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    const struct cache *c = &caches[cache];
    slab_t *prev = NULL;
    size_t seen = 0;
    for (slab_t *s = c->lists[state]; s != NULL; prev = s, s = s->next) {
        if (!is_mapped_slab(s) || s->mark != SLAB_MARK || s->cache != cache ||
            s->object_bytes != cache_object_bytes(cache) || s->capacity != slab_capacity(s->object_bytes))
            return violations + violation(S1, s, "on the %s list of the %zu-byte cache, but no slab of it",
                                          state_names[state], cache_object_bytes(cache));
        if (s->prev != prev)
            return violations + violation(S4, s, "prev names %p, the slab before it is %p", (void *)s->prev, (void *)prev);
        if (++seen > c->slabs[state])
            return violations + violation(S4, s, "the %s list holds more than its %zu slabs (or has a cycle)",
                                          state_names[state], c->slabs[state]);
        violations += check_chain(s);
        if (state_for(s) != state || s->state != state)
            violations += violation(S3, s, "on the %s list with %u of %u objects free", state_names[state],
                                    (unsigned)s->free_count, (unsigned)s->capacity);
    }
    if (seen != c->slabs[state])
        violations += violation(S4, c->lists[state], "the %s list holds %zu slabs, the cache counts %zu",
                                state_names[state], seen, c->slabs[state]);
    *slabs += seen;
    return violations;
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    size_t slabs = 0;
    for (size_t cache = 0; cache < CACHE_COUNT; cache++) {
        for (int state = 0; state < SLAB_STATES; state++)
            violations += check_list(cache, (enum slab_state)state, &slabs);
        if (caches[cache].slabs[SLAB_EMPTY] > EMPTY_SLABS_KEPT)
            violations += violation(S5, caches[cache].lists[SLAB_EMPTY], "the %zu-byte cache keeps %zu empty slabs",
                                    cache_object_bytes(cache), caches[cache].slabs[SLAB_EMPTY]);
    }
    struct os_stats seam = os_stats();
    if (seam.mappings != slabs + big_blocks) {
        fprintf(stderr, "heapmgr_check: %s: the seam has %zu mappings, the allocator %zu slabs and %zu big blocks\n",
                S6, seam.mappings, slabs, big_blocks);
        violations++;
    }
    return violations;
    /* END SOLUTION */
}
