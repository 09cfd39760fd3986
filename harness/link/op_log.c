/* op_log.c: the test's allocator calls, written down as the grader makes them (op_log.h).
 *
 * A growing array of entries (capped, so a long workload costs at most a few megabytes) and an
 * open-addressing table from a live block's address to its name, rebuilt when it fills.
 */
#include "op_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

enum { LOG_MAX = 1 << 19 };

struct slot {
    uint64_t mem;                    /* 0: empty; UINT64_MAX: a freed block's tombstone */
    uint32_t id;
    uint32_t made_at;                /* the log index of the call that returned it */
};

static struct {
    struct sandbox_page *page;
    struct op_entry *entries;
    size_t count, cap;
    bool full;
    struct slot *table;
    size_t table_cap, table_used;    /* used counts tombstones too */
    uint32_t next_id;
} lg;

void op_log_start(struct sandbox_page *page)
{
    free(lg.entries);
    free(lg.table);
    memset(&lg, 0, sizeof lg);
    lg.page = page;
    lg.next_id = 1;
}

static size_t hash_of(uint64_t mem, size_t cap) { return (size_t)((mem >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1); }

static struct slot *find(uint64_t mem)
{
    if (lg.table == NULL || mem == 0)
        return NULL;
    for (size_t h = hash_of(mem, lg.table_cap);; h = (h + 1) & (lg.table_cap - 1)) {
        if (lg.table[h].mem == mem)
            return &lg.table[h];
        if (lg.table[h].mem == 0)
            return NULL;
    }
}

static void insert(uint64_t mem, uint32_t id, uint32_t made_at);

static bool grow_table(void)
{
    struct slot *old = lg.table;
    size_t old_cap = lg.table_cap;
    size_t cap = old_cap == 0 ? 1024 : old_cap * 2;
    struct slot *table = calloc(cap, sizeof *table);
    if (table == NULL)
        return false;
    lg.table = table;
    lg.table_cap = cap;
    lg.table_used = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].mem != 0 && old[i].mem != UINT64_MAX)
            insert(old[i].mem, old[i].id, old[i].made_at);
    free(old);
    return true;
}

static void insert(uint64_t mem, uint32_t id, uint32_t made_at)
{
    if ((lg.table_used + 1) * 2 > lg.table_cap && !grow_table())
        return;                      /* out of memory: the block stays nameless */
    size_t h = hash_of(mem, lg.table_cap);
    while (lg.table[h].mem != 0 && lg.table[h].mem != UINT64_MAX && lg.table[h].mem != mem)
        h = (h + 1) & (lg.table_cap - 1);
    if (lg.table[h].mem == 0)
        lg.table_used++;
    lg.table[h] = (struct slot){ mem, id, made_at };
}

static void forget(uint64_t mem)
{
    struct slot *s = find(mem);
    if (s != NULL)
        s->mem = UINT64_MAX;         /* a tombstone keeps the probe chains of the others intact */
}

size_t op_log_begin(uint32_t call, uint64_t a, uint64_t b, size_t op_in_batch)
{
    if (lg.page == NULL || lg.full)
        return SIZE_MAX;
    if (lg.count == lg.cap) {
        size_t cap = lg.cap == 0 ? 4096 : lg.cap * 2;
        struct op_entry *e = cap <= LOG_MAX ? realloc(lg.entries, cap * sizeof *e) : NULL;
        if (e == NULL) {
            lg.full = true;
            return SIZE_MAX;
        }
        lg.entries = e;
        lg.cap = cap;
    }
    struct op_entry *e = &lg.entries[lg.count];
    *e = (struct op_entry){ .op = (uint32_t)(sandbox_current_op(lg.page) + op_in_batch), .call = call, .a = a, .b = b };
    if (call == OP_FREE || call == OP_REALLOC) {
        struct slot *s = find(a);
        e->id = s != NULL ? s->id : 0;
    }
    return lg.count++;
}

void op_log_end(size_t index, uint64_t result)
{
    if (index >= lg.count)
        return;
    struct op_entry *e = &lg.entries[index];
    e->done = 1;
    e->result = result;
    switch (e->call) {
    case OP_FREE:
        forget(e->a);
        break;
    case OP_REALLOC:
        if (result == 0 && e->b != 0)
            break;                   /* failed: the old block stays */
        if (e->a != 0)
            forget(e->a);
        if (result != 0) {
            if (e->id == 0)
                e->id = lg.next_id++;    /* realloc(NULL, n) makes a block */
            insert(result, e->id, (uint32_t)index);
        }
        break;
    case OP_MALLOC:
    case OP_CALLOC:
        if (result != 0) {
            e->id = lg.next_id++;
            insert(result, e->id, (uint32_t)index);
        }
        break;
    }
}

const struct op_entry *op_log_entries(size_t *count, bool *full)
{
    *count = lg.count;
    *full = lg.full;
    return lg.entries;
}

const struct op_entry *op_log_pending(void)
{
    if (lg.count == 0 || lg.entries[lg.count - 1].done)
        return NULL;
    /* In a batch every call is logged before any returns: the first one not done is the one running. */
    size_t i = lg.count - 1;
    while (i > 0 && !lg.entries[i - 1].done)
        i--;
    return &lg.entries[i];
}

static void block_name(const struct op_entry *e, char *buf, size_t cap)
{
    if (e->a == 0)
        snprintf(buf, cap, "NULL");
    else if (e->id != 0)
        snprintf(buf, cap, "p%" PRIu32 " = %#" PRIx64, e->id, e->a);
    else
        snprintf(buf, cap, "%#" PRIx64 ", no block the grader was given", e->a);
}

void op_log_describe(const struct op_entry *e, char *buf, size_t cap)
{
    char name[80];
    switch (e->call) {
    case OP_MALLOC: snprintf(buf, cap, "malloc(%" PRIu64 ")", e->a); return;
    case OP_CALLOC: snprintf(buf, cap, "calloc(%" PRIu64 ", %" PRIu64 ")", e->a, e->b); return;
    case OP_CHECK: snprintf(buf, cap, "heapmgr_check()"); return;
    case OP_FREE:
        block_name(e, name, sizeof name);
        snprintf(buf, cap, "free(%s)", name);
        return;
    case OP_REALLOC:
        block_name(e, name, sizeof name);
        snprintf(buf, cap, "realloc(%s, %" PRIu64 ")", name, e->b);
        return;
    }
    snprintf(buf, cap, "call %" PRIu32, e->call);
}

void op_log_origin(uint32_t id, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = lg.count; id != 0 && i-- > 0;) {
        const struct op_entry *e = &lg.entries[i];
        if (e->id != id || !e->done || e->call == OP_FREE || e->result == 0)
            continue;
        char call[120];
        op_log_describe(e, call, sizeof call);
        snprintf(buf, cap, "p%" PRIu32 " is the block %s returned at operation %" PRIu32, id, call, e->op);
        return;
    }
}
