/* replay.c: replaying a trace on a stage or on the C library, checked (replay_checked) or timed
 * (replay_timed, replay_timed_by_kind).
 *
 * The checked replay keeps every live block in a treap (a binary search tree that stays balanced in
 * expectation by giving each node a random priority; Seidel and Aragon, 1996) keyed by payload
 * address. The blocks are disjoint, so the one block that could overlap a new payload [p, p + n) is
 * the one with the greatest start below p + n: one O(log n) search per op finds overlap and
 * containment alike. The tree's nodes live in a table indexed by trace id, allocated before the
 * replay starts, so the checks never call malloc: the C library's footprint measured during the
 * checked replay is the trace's own.
 *
 * Every payload is filled with a pattern derived from its id and the op that filled it and checked
 * at its free and its realloc (the min(old, new) bytes a realloc must preserve).
 */
#include "replay.h"

#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapwalk.h"
#include "os.h"

volatile size_t replay_current_op;

enum { NO_NODE = UINT_MAX, PAYLOAD_ALIGN = 16 };

/* ---- the allocator under test ------------------------------------------------------------------ */

struct allocator {
    void *(*malloc)(size_t req_bytes);
    void (*free)(void *mem);
    void *(*realloc)(void *mem, size_t req_bytes);
};

static struct allocator allocator_of(struct replay_target target)
{
    if (target.stage != NULL)
        return (struct allocator){target.stage->malloc, target.stage->free, target.stage->realloc};
    return (struct allocator){malloc, free, realloc};
}

const char *replay_target_name(struct replay_target target, char *buf, size_t cap)
{
    if (target.stage == NULL)
        snprintf(buf, cap, "C library");
    else
        snprintf(buf, cap, "stage %d (%s)", target.stage->number, target.stage->lecture_name);
    return buf;
}

size_t replay_footprint_now(struct replay_target target)
{
    if (target.stage != NULL) {
        struct os_stats s = os_stats();
        return s.heap_bytes + s.mapped_bytes;
    }
    struct mallinfo2 info = mallinfo2();
    return info.arena + info.hblkhd;
}

/* The C library makes its system calls out of our sight; we estimate them from mallinfo2 between
 * ops: a change of the brk arena is one brk, each mapping made or dropped is one mmap or munmap, and
 * a mapping that changed size in place is one mremap. The estimate is a lower bound. */
struct libc_calls {
    size_t arena, hblks, hblkhd;
    unsigned long calls;
};

static void libc_calls_start(struct libc_calls *c)
{
    struct mallinfo2 info = mallinfo2();
    *c = (struct libc_calls){info.arena, info.hblks, info.hblkhd, 0};
}

static void libc_calls_update(struct libc_calls *c)
{
    struct mallinfo2 info = mallinfo2();
    if (info.arena != c->arena)
        c->calls++;
    if (info.hblks != c->hblks)
        c->calls += info.hblks > c->hblks ? info.hblks - c->hblks : c->hblks - info.hblks;
    else if (info.hblkhd != c->hblkhd)
        c->calls++;
    c->arena = info.arena;
    c->hblks = info.hblks;
    c->hblkhd = info.hblkhd;
}

/* ---- payload patterns -------------------------------------------------------------------------- */

static uint64_t pattern_tag(unsigned id, size_t op)
{
    uint64_t x = ((uint64_t)id << 32) ^ (uint64_t)op ^ 0x5bd1e9955bd1e995ull;
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return x | 1;                   /* never all zero, so fresh zeroed memory never matches */
}

static uint64_t pattern_word(uint64_t tag, size_t word)
{
    return tag ^ ((uint64_t)(word + 1) * 0xff51afd7ed558ccdull);
}

static void pattern_fill(void *mem, size_t bytes, uint64_t tag)
{
    unsigned char *p = mem;
    size_t words = bytes / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t w = pattern_word(tag, i);
        memcpy(p + 8 * i, &w, 8);
    }
    uint64_t w = pattern_word(tag, words);
    memcpy(p + 8 * words, &w, bytes % 8);
}

/* The offset of the first byte of [mem, mem + bytes) that differs from the pattern, or SIZE_MAX. */
static size_t pattern_find_damage(const void *mem, size_t bytes, uint64_t tag)
{
    const unsigned char *p = mem;
    size_t words = bytes / 8;
    for (size_t i = 0; i <= words; i++) {
        uint64_t want = pattern_word(tag, i);
        size_t n = i < words ? 8 : bytes % 8;
        if (n == 0 || memcmp(p + 8 * i, &want, n) == 0)
            continue;
        const unsigned char *want_bytes = (const unsigned char *)&want;
        for (size_t k = 0; k < n; k++)
            if (p[8 * i + k] != want_bytes[k])
                return 8 * i + k;
    }
    return SIZE_MAX;
}

/* ---- the live blocks: a treap over a table indexed by id --------------------------------------- */

struct block {
    void *mem;                 /* the payload, or NULL (not live, or malloc(0) returned NULL) */
    size_t bytes;              /* the request */
    uint64_t tag;              /* the pattern written into the payload */
    size_t since_op;           /* the op that allocated it */
    unsigned left, right;      /* treap children, NO_NODE for none */
    uint32_t priority;
    bool live;
};

struct live_set {
    struct block *blocks;      /* one per id */
    unsigned root;
    uint64_t random;           /* xorshift state for priorities */
};

static uintptr_t block_start(const struct block *b) { return (uintptr_t)b->mem; }

/* A payload covers at least one byte, so that two malloc(0) answers at one address also collide. */
static uintptr_t block_end(const struct block *b) { return (uintptr_t)b->mem + (b->bytes == 0 ? 1 : b->bytes); }

static uint32_t next_priority(struct live_set *set)
{
    set->random ^= set->random << 13;
    set->random ^= set->random >> 7;
    set->random ^= set->random << 17;
    return (uint32_t)(set->random >> 32);
}

/* Splits tree t into nodes starting below key (*lo) and the rest (*hi). */
static void treap_split(struct block *b, unsigned t, uintptr_t key, unsigned *lo, unsigned *hi)
{
    if (t == NO_NODE) {
        *lo = *hi = NO_NODE;
    } else if (block_start(&b[t]) < key) {
        treap_split(b, b[t].right, key, &b[t].right, hi);
        *lo = t;
    } else {
        treap_split(b, b[t].left, key, lo, &b[t].left);
        *hi = t;
    }
}

/* Joins two trees where every node of lo starts below every node of hi. */
static unsigned treap_merge(struct block *b, unsigned lo, unsigned hi)
{
    if (lo == NO_NODE)
        return hi;
    if (hi == NO_NODE)
        return lo;
    if (b[lo].priority > b[hi].priority) {
        b[lo].right = treap_merge(b, b[lo].right, hi);
        return lo;
    }
    b[hi].left = treap_merge(b, lo, b[hi].left);
    return hi;
}

static void live_insert(struct live_set *set, unsigned id)
{
    struct block *b = set->blocks;
    b[id].left = b[id].right = NO_NODE;
    b[id].priority = next_priority(set);
    unsigned lo, hi;
    treap_split(b, set->root, block_start(&b[id]), &lo, &hi);
    set->root = treap_merge(b, treap_merge(b, lo, id), hi);
}

static void live_remove(struct live_set *set, unsigned id)
{
    struct block *b = set->blocks;
    unsigned lo, mid, hi;
    treap_split(b, set->root, block_start(&b[id]), &lo, &mid);
    treap_split(b, mid, block_start(&b[id]) + 1, &mid, &hi);
    set->root = treap_merge(b, lo, hi);         /* mid is the block itself */
}

/* The live block that overlaps [start, end), or NO_NODE: the block with the greatest start below
 * end is the only candidate, because live blocks are disjoint and sorted. */
static unsigned live_find_overlap(const struct live_set *set, uintptr_t start, uintptr_t end)
{
    const struct block *b = set->blocks;
    unsigned candidate = NO_NODE;
    for (unsigned t = set->root; t != NO_NODE;) {
        if (block_start(&b[t]) < end) {
            candidate = t;
            t = b[t].right;
        } else {
            t = b[t].left;
        }
    }
    if (candidate != NO_NODE && block_end(&b[candidate]) > start)
        return candidate;
    return NO_NODE;
}

/* ---- the checked replay ------------------------------------------------------------------------ */

struct checker {
    struct replay_target target;
    struct allocator a;
    const struct trace *t;
    struct live_set set;
    struct replay_check_result *out;
    size_t live_bytes;
    size_t base_footprint;
    struct os_stats base_stats;
    struct libc_calls libc;
};

static bool failed(struct checker *c, size_t op_index, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records the first failure: "op N (line L): what". Returns false so callers can return it. */
static bool failed(struct checker *c, size_t op_index, const char *fmt, ...)
{
    struct replay_check_result *out = c->out;
    out->ok = false;
    out->failed_op = op_index;
    unsigned line = op_index < c->t->op_count ? c->t->ops[op_index].line : 0;
    int n = line != 0 ? snprintf(out->why, sizeof out->why, "op %zu (line %u): ", op_index, line)
                      : snprintf(out->why, sizeof out->why, "op %zu: ", op_index);
    if (n >= 0 && (size_t)n < sizeof out->why) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->why + n, sizeof out->why - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Checks a payload a stage just returned and takes it into the live set. */
static bool accept_payload(struct checker *c, size_t i, unsigned id, void *mem, size_t bytes, const char *call)
{
    if ((uintptr_t)mem % PAYLOAD_ALIGN != 0)
        return failed(c, i, "%s returned %p, which is not %d-byte aligned", call, mem, PAYLOAD_ALIGN);
    struct block *b = &c->set.blocks[id];
    b->mem = mem;
    b->bytes = bytes;
    unsigned other = live_find_overlap(&c->set, block_start(b), block_end(b));
    if (other != NO_NODE) {
        const struct block *o = &c->set.blocks[other];
        b->mem = NULL;
        return failed(c, i, "%s returned [%p, +%zu), which overlaps live block id %u at [%p, +%zu) from op %zu",
                      call, mem, bytes, other, o->mem, o->bytes, o->since_op);
    }
    b->live = true;
    b->since_op = i;
    b->tag = pattern_tag(id, i);
    pattern_fill(mem, bytes, b->tag);
    live_insert(&c->set, id);
    c->live_bytes += bytes;
    return true;
}

/* Checks that a live block still holds its pattern (the first check_bytes of it). */
static bool payload_intact(struct checker *c, size_t i, unsigned id, const void *mem, size_t check_bytes,
                           const char *when)
{
    const struct block *b = &c->set.blocks[id];
    size_t at = pattern_find_damage(mem, check_bytes, b->tag);
    if (at == SIZE_MAX)
        return true;
    return failed(c, i, "payload of id %u (%zu bytes, allocated at op %zu) was changed at byte %zu, found %s",
                  id, b->bytes, b->since_op, at, when);
}

static void forget_block(struct checker *c, unsigned id)
{
    struct block *b = &c->set.blocks[id];
    if (b->mem != NULL)
        live_remove(&c->set, id);
    c->live_bytes -= b->bytes;
    b->mem = NULL;
    b->bytes = 0;
    b->live = false;
}

static bool do_alloc(struct checker *c, size_t i, const struct trace_op *op)
{
    char call[64];
    snprintf(call, sizeof call, "malloc(%zu)", op->bytes);
    void *mem = c->a.malloc(op->bytes);
    if (mem == NULL) {
        if (op->bytes != 0)
            return failed(c, i, "out of memory at op %zu: %s returned NULL", i, call);
        struct block *b = &c->set.blocks[op->id];
        *b = (struct block){.live = true, .since_op = i, .left = NO_NODE, .right = NO_NODE};
        return true;                                /* malloc(0) may return NULL */
    }
    return accept_payload(c, i, op->id, mem, op->bytes, call);
}

static bool do_free(struct checker *c, size_t i, const struct trace_op *op)
{
    struct block *b = &c->set.blocks[op->id];
    if (b->mem != NULL && !payload_intact(c, i, op->id, b->mem, b->bytes, "at its free"))
        return false;
    void *mem = b->mem;
    forget_block(c, op->id);
    c->a.free(mem);
    return true;
}

static bool do_realloc(struct checker *c, size_t i, const struct trace_op *op)
{
    struct block *b = &c->set.blocks[op->id];
    void *old_mem = b->mem;
    size_t old_bytes = b->bytes;
    uint64_t old_tag = b->tag;
    size_t since = b->since_op;
    if (old_mem != NULL && !payload_intact(c, i, op->id, old_mem, old_bytes, "before its realloc"))
        return false;
    char call[64];
    snprintf(call, sizeof call, "realloc(%p, %zu)", old_mem, op->bytes);
    forget_block(c, op->id);                        /* the new payload may overlap the old one */
    void *mem = c->a.realloc(old_mem, op->bytes);
    if (op->bytes == 0) {
        if (mem != NULL)
            return failed(c, i, "%s returned %p; realloc(p, 0) frees p and returns NULL", call, mem);
        return true;
    }
    if (mem == NULL) {
        /* The old block is untouched: keep it live so that the leftovers are freed at the end. */
        b->mem = old_mem;
        b->bytes = old_bytes;
        b->live = true;
        live_insert(&c->set, op->id);
        c->live_bytes += old_bytes;
        return failed(c, i, "out of memory at op %zu: %s returned NULL", i, call);
    }
    size_t kept_bytes = old_bytes < op->bytes ? old_bytes : op->bytes;
    if ((uintptr_t)mem % PAYLOAD_ALIGN == 0) {
        size_t at = pattern_find_damage(mem, kept_bytes, old_tag);
        if (at != SIZE_MAX)
            return failed(c, i, "%s returned %p whose first %zu bytes should be the old payload's "
                          "(id %u, allocated at op %zu), but byte %zu differs", call, mem, kept_bytes, op->id,
                          since, at);
    }
    return accept_payload(c, i, op->id, mem, op->bytes, call);
}

/* The stage's own checker and the generic heap walk, as asked. */
static bool heap_still_valid(struct checker *c, size_t i, struct replay_check_options opts)
{
    const struct stage *s = c->target.stage;
    if (s == NULL)
        return true;
    int violations = s->check();
    if (violations != 0)
        return failed(c, i, "heapmgr_check reported %d violation%s after this op (see stderr)", violations,
                      violations == 1 ? "" : "s");
    if (opts.walk_heap && s->walkable) {
        struct heap_walk_report report;
        size_t problems = heap_walk_seam(NULL, NULL, &report);
        if (problems != 0) {
            if (report.tiling_broken)
                return failed(c, i, "heap walk after this op: %s", report.tiling_problem);
            return failed(c, i, "heap walk after this op: %zu adjacent free pairs, %zu footer mismatches",
                          report.adjacent_free_pairs, report.footer_mismatches);
        }
    }
    return true;
}

static void measure(struct checker *c)
{
    struct replay_check_result *out = c->out;
    if (c->live_bytes > out->peak_live_bytes)
        out->peak_live_bytes = c->live_bytes;
    size_t now = replay_footprint_now(c->target);
    size_t grown = now > c->base_footprint ? now - c->base_footprint : 0;
    if (grown > out->peak_footprint_bytes)
        out->peak_footprint_bytes = grown;
    if (c->target.stage == NULL)
        libc_calls_update(&c->libc);
}

void replay_checked(struct replay_target target, const struct trace *t, struct replay_check_options opts,
                    struct replay_check_result *out)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    struct checker c = {.target = target, .a = allocator_of(target), .t = t, .out = out};
    c.set.blocks = calloc(t->ids == 0 ? 1 : t->ids, sizeof *c.set.blocks);
    if (c.set.blocks == NULL) {
        out->ok = false;
        snprintf(out->why, sizeof out->why, "the checker is out of memory for %u ids", t->ids);
        return;
    }
    c.set.root = NO_NODE;
    c.set.random = 0x9e3779b97f4a7c15ull;
    c.base_stats = os_stats();
    if (target.stage == NULL)
        libc_calls_start(&c.libc);
    c.base_footprint = replay_footprint_now(target);

    for (size_t i = 0; i < t->op_count; i++) {
        replay_current_op = i;
        const struct trace_op *op = &t->ops[i];
        bool ok = op->kind == TRACE_ALLOC ? do_alloc(&c, i, op)
                  : op->kind == TRACE_FREE ? do_free(&c, i, op)
                                           : do_realloc(&c, i, op);
        if (!ok)
            break;
        measure(&c);
        if (opts.check_every != 0 && (i + 1) % opts.check_every == 0 && !heap_still_valid(&c, i, opts))
            break;
    }
    if (out->ok && opts.check_every != 0 && t->op_count != 0)
        heap_still_valid(&c, t->op_count - 1, opts);   /* and once at the end */

    struct os_stats end = os_stats();
    out->syscalls = target.stage != NULL ? os_stats_calls(&end) - os_stats_calls(&c.base_stats) : c.libc.calls;
    /* Give back what the trace left live (not after a failure: the heap may be damaged). */
    if (out->ok)
        for (unsigned id = 0; id < t->ids; id++)
            if (c.set.blocks[id].mem != NULL)
                c.a.free(c.set.blocks[id].mem);
    free(c.set.blocks);
}

/* ---- timed replays ----------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One op without checks; false when an allocation failed. */
static inline bool run_op(const struct allocator *a, void **mem, const struct trace_op *op)
{
    switch (op->kind) {
    case TRACE_ALLOC:
        mem[op->id] = a->malloc(op->bytes);
        return mem[op->id] != NULL || op->bytes == 0;
    case TRACE_FREE:
        a->free(mem[op->id]);
        mem[op->id] = NULL;
        return true;
    default: {
        void *moved = a->realloc(mem[op->id], op->bytes);
        if (moved == NULL && op->bytes != 0)
            return false;
        mem[op->id] = moved;
        return true;
    }
    }
}

static void free_leftovers(const struct allocator *a, void **mem, unsigned ids)
{
    for (unsigned id = 0; id < ids; id++)
        if (mem[id] != NULL)
            a->free(mem[id]);
}

double replay_timed(struct replay_target target, const struct trace *t)
{
    struct allocator a = allocator_of(target);
    void **mem = calloc(t->ids == 0 ? 1 : t->ids, sizeof *mem);
    if (mem == NULL)
        return -1;
    bool ok = true;
    double start = now_seconds();
    for (size_t i = 0; i < t->op_count && ok; i++) {
        replay_current_op = i;
        ok = run_op(&a, mem, &t->ops[i]);
    }
    double elapsed = now_seconds() - start;
    if (ok)
        free_leftovers(&a, mem, t->ids);
    free(mem);
    return ok ? elapsed : -1;
}

/* What one clock_gettime pair costs, the least of many tries: subtracted from each timed op. */
static double clock_overhead(void)
{
    double least = 1;
    for (int i = 0; i < 1000; i++) {
        double a = now_seconds();
        double b = now_seconds();
        if (b - a < least)
            least = b - a;
    }
    return least;
}

static enum replay_kind kind_index(char kind)
{
    return kind == TRACE_ALLOC ? REPLAY_ALLOC : kind == TRACE_FREE ? REPLAY_FREE : REPLAY_REALLOC;
}

int replay_timed_by_kind(struct replay_target target, const struct trace *t, struct replay_times *out)
{
    memset(out, 0, sizeof *out);
    struct allocator a = allocator_of(target);
    void **mem = calloc(t->ids == 0 ? 1 : t->ids, sizeof *mem);
    if (mem == NULL)
        return -1;
    double overhead = clock_overhead();
    bool ok = true;
    for (size_t i = 0; i < t->op_count && ok; i++) {
        replay_current_op = i;
        enum replay_kind k = kind_index(t->ops[i].kind);
        double start = now_seconds();
        ok = run_op(&a, mem, &t->ops[i]);
        double spent = now_seconds() - start - overhead;
        out->seconds[k] += spent > 0 ? spent : 0;
        out->count[k]++;
    }
    if (ok)
        free_leftovers(&a, mem, t->ids);
    free(mem);
    return ok ? 0 : -1;
}
