/* demo_model.c: replaying a demo sequence on a stage in a child process, one snapshot per op.
 *
 * The child owns the stage and the simulated seam; it draws nothing. After each op it walks what it
 * can see from outside the stage (the seam's counters, the chunks in memory through heap_walk, the
 * mappings through os_sim_each_mapping) and writes a snapshot to a pipe. The parent reads them; a crash
 * or a hang of the stage ends the child, never the demo.
 */
#include "demo_model.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chunk.h"
#include "heapwalk.h"

enum { CHILD_SECONDS = 10 };    /* a demo run is a few ops: more than this is a hang */

/* ---- what the child knows about the sequence's pointers ----------------------------------------- */

struct pointer {                 /* one p<id> */
    void *mem;
    size_t req_bytes;
};

struct handed {                  /* stages 1-2 keep no sizes: the blocks we were given, for the picture */
    void *mem;
    size_t req_bytes;
    int owner;
    bool freed;
};

struct child {
    const struct stage *stage;
    struct pointer *ptrs;        /* indexed by id */
    unsigned ids;
    struct handed *handed;
    size_t handed_count, handed_cap;
    char *map_base;              /* the first mapping seen: mapping offsets count from it */
};

/* The id whose live pointer is mem, or -1. */
static int owner_of(const struct child *ch, const void *mem)
{
    for (unsigned id = 0; id < ch->ids; id++)
        if (ch->ptrs[id].mem != NULL && ch->ptrs[id].mem == mem)
            return (int)id;
    return -1;
}

/* The id whose live pointer lies in [lo, hi), or -1. */
static int owner_within(const struct child *ch, const char *lo, const char *hi)
{
    for (unsigned id = 0; id < ch->ids; id++) {
        const char *p = ch->ptrs[id].mem;
        if (p != NULL && p >= lo && p < hi)
            return (int)id;
    }
    return -1;
}

static void remember_handed(struct child *ch, void *mem, size_t req_bytes, int owner)
{
    if (ch->handed_count == ch->handed_cap) {
        ch->handed_cap = ch->handed_cap ? 2 * ch->handed_cap : 32;
        ch->handed = realloc(ch->handed, ch->handed_cap * sizeof *ch->handed);
        if (ch->handed == NULL)
            _exit(3);
    }
    ch->handed[ch->handed_count++] = (struct handed){mem, req_bytes, owner, false};
}

static void forget_handed(struct child *ch, const void *mem)
{
    for (size_t i = 0; i < ch->handed_count; i++)
        if (ch->handed[i].mem == mem && !ch->handed[i].freed)
            ch->handed[i].freed = true;
}

/* ---- the snapshot ------------------------------------------------------------------------------ */

struct snapshot {
    struct demo_step s;
    size_t block_cap, map_cap, list_cap, link_cap;
    chunk_t **free_chunks;       /* every free chunk, in address order (not capped) */
    size_t free_count, free_cap;
    const struct child *ch;
    char *heap_start;
};

static void add_block(struct snapshot *sn, struct demo_block b)
{
    if (sn->s.h.block_count == DEMO_MAX_BLOCKS) {
        sn->s.h.blocks_omitted++;
        return;
    }
    sn->s.blocks[sn->s.h.block_count++] = b;
}

static int visit_chunk(chunk_t *c, void *arg)
{
    struct snapshot *sn = arg;
    bool is_free = chunk_is_free(c);
    int owner = is_free ? -1 : owner_of(sn->ch, chunk_to_mem(c));
    add_block(sn, (struct demo_block){
        .offset = chunk_offset(sn->heap_start, c),
        .bytes = chunk_size(c),
        .req_bytes = owner >= 0 ? sn->ch->ptrs[owner].req_bytes : 0,
        .owner = owner,
        .kind = is_free ? BLOCK_FREE : BLOCK_USED,
        .tags = BLOCK_HEADER | BLOCK_FOOTER,
    });
    if (is_free) {
        if (sn->free_count == sn->free_cap) {
            sn->free_cap = sn->free_cap ? 2 * sn->free_cap : 64;
            sn->free_chunks = realloc(sn->free_chunks, sn->free_cap * sizeof *sn->free_chunks);
            if (sn->free_chunks == NULL)
                _exit(3);
        }
        sn->free_chunks[sn->free_count++] = c;
    }
    return 0;
}

/* Index of c among the free chunks found by the walk, or -1: only pointers that land exactly on a
 * free chunk are ever followed, so a broken list cannot make the demo read wild memory. */
static long free_index(const struct snapshot *sn, const chunk_t *c)
{
    size_t lo = 0, hi = sn->free_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)sn->free_chunks[mid] < (uintptr_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sn->free_count && sn->free_chunks[lo] == c ? (long)lo : -1;
}

/* Is free chunk i the head of a list? Stages 4-5 keep a prev pointer in the footer: a head's is NULL.
 * Stage 3's list is singly linked: a head is a free chunk no other free chunk's next points to. */
static bool is_head(const struct snapshot *sn, size_t i, const bool *pointed_to, bool doubly)
{
    if (doubly) {
        const chunk_t *prev = chunk_prev_free(sn->free_chunks[i]);
        return prev == NULL || free_index(sn, prev) < 0;
    }
    return !pointed_to[i];
}

static size_t units_of(const chunk_t *c) { return chunk_units(c); }

static int compare_heads(const void *a, const void *b)
{
    const chunk_t *x = *(chunk_t *const *)a, *y = *(chunk_t *const *)b;
    if (units_of(x) != units_of(y))
        return units_of(x) < units_of(y) ? -1 : 1;
    return (uintptr_t)x < (uintptr_t)y ? -1 : (uintptr_t)x > (uintptr_t)y;
}

/* Rebuilds the free lists (or the non-empty bins) from memory: lists are NULL-terminated with next in
 * the header; their heads are static in the stage, so we find them from the chunks themselves. */
static void rebuild_lists(struct snapshot *sn)
{
    size_t n = sn->free_count;
    if (n == 0)
        return;
    bool doubly = sn->ch->stage->number >= 4;
    bool *pointed_to = calloc(n, sizeof *pointed_to);
    bool *visited = calloc(n, sizeof *visited);
    chunk_t **heads = malloc(n * sizeof *heads);
    if (pointed_to == NULL || visited == NULL || heads == NULL)
        _exit(3);
    for (size_t i = 0; i < n; i++) {
        long j = free_index(sn, chunk_next_free(sn->free_chunks[i]));
        if (j >= 0 && (size_t)j != i)
            pointed_to[j] = true;
    }
    size_t head_count = 0;
    for (size_t i = 0; i < n; i++)
        if (is_head(sn, i, pointed_to, doubly))
            heads[head_count++] = sn->free_chunks[i];
    qsort(heads, head_count, sizeof *heads, compare_heads);

    for (size_t h = 0; h < head_count; h++) {
        if (sn->s.h.list_count == DEMO_MAX_LISTS) {
            sn->s.h.lists_omitted++;
            continue;
        }
        struct demo_list *list = &sn->s.lists[sn->s.h.list_count++];
        *list = (struct demo_list){.first_link = sn->s.h.link_count, .min_units = SIZE_MAX};
        chunk_t *c = heads[h];
        for (;;) {
            long i = free_index(sn, c);
            if (i < 0 || visited[i])
                break;               /* a cycle back into the list: reported as a bad end below */
            visited[i] = true;
            size_t units = chunk_units(c);
            if (units < list->min_units)
                list->min_units = units;
            if (units > list->max_units)
                list->max_units = units;
            if (sn->s.h.link_count < DEMO_MAX_LINKS) {
                sn->s.links[sn->s.h.link_count++] = chunk_offset(sn->heap_start, c);
                list->count++;
            } else {
                list->cut = true;
            }
            chunk_t *next = chunk_next_free(c);
            if (next == NULL)
                break;
            long j = free_index(sn, next);
            if (j < 0 || visited[j]) {
                list->bad_end = true;
                bool inside = (char *)next >= sn->heap_start && (char *)next < (char *)os_heap_end();
                list->bad_target = inside ? chunk_offset(sn->heap_start, next) : SIZE_MAX;
                break;
            }
            c = next;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!visited[i])
            sn->s.h.unlisted_free++;
    free(pointed_to);
    free(visited);
    free(heads);
}

static int compare_handed(const void *a, const void *b)
{
    const struct handed *x = a, *y = b;
    return (uintptr_t)x->mem < (uintptr_t)y->mem ? -1 : (uintptr_t)x->mem > (uintptr_t)y->mem;
}

/* Stages 1-2 keep no chunks: the picture is the blocks they handed out, each reaching to the next,
 * and the pad between the last block's end and the break. */
static void blocks_from_handed(struct snapshot *sn, const struct child *ch)
{
    char *heap_end = os_heap_end();
    struct handed *sorted = malloc((ch->handed_count + 1) * sizeof *sorted);
    if (sorted == NULL)
        _exit(3);
    size_t n = 0;
    for (size_t i = 0; i < ch->handed_count; i++)
        if ((char *)ch->handed[i].mem >= sn->heap_start && (char *)ch->handed[i].mem < heap_end)
            sorted[n++] = ch->handed[i];
    qsort(sorted, n, sizeof *sorted, compare_handed);
    char *used_end = sn->heap_start;
    for (size_t i = 0; i < n; i++) {
        char *start = sorted[i].mem;
        /* A block reaches to the next one; the last one to its request rounded up to 16 bytes. */
        char *end = i + 1 < n ? (char *)sorted[i + 1].mem : start + chunk_round_up(sorted[i].req_bytes);
        if (end > heap_end)
            end = heap_end;
        if (start > used_end)
            add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, used_end),
                                              .bytes = (size_t)(start - used_end), .owner = -1,
                                              .kind = BLOCK_PAD});
        add_block(sn, (struct demo_block){
            .offset = chunk_offset(sn->heap_start, start),
            .bytes = (size_t)(end - start),
            .req_bytes = sorted[i].req_bytes,
            .owner = sorted[i].owner,
            .kind = sorted[i].freed ? BLOCK_FREED : BLOCK_USED,
        });
        used_end = end;
    }
    if (heap_end > used_end)
        add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, used_end),
                                          .bytes = (size_t)(heap_end - used_end), .owner = -1,
                                          .kind = BLOCK_PAD});
    free(sorted);
}

struct map_walk {
    struct snapshot *sn;
    struct child *ch;
    char *last_end;
};

static int visit_mapping(void *start, size_t length, void *arg)
{
    struct map_walk *w = arg;
    struct demo_step *s = &w->sn->s;
    if (w->ch->map_base == NULL)
        w->ch->map_base = start;
    if ((char *)start < w->ch->map_base)
        return 0;                                /* before the first mapping we ever saw: not drawn */
    char *lo = start, *hi = lo + length;
    if (w->last_end != NULL && lo > w->last_end && s->h.map_count < DEMO_MAX_MAPS)
        s->maps[s->h.map_count++] = (struct demo_block){
            .offset = (size_t)(w->last_end - w->ch->map_base), .bytes = (size_t)(lo - w->last_end),
            .owner = -1, .kind = BLOCK_HOLE};
    w->last_end = hi;
    if (s->h.map_count == DEMO_MAX_MAPS) {
        s->h.maps_omitted++;
        return 0;
    }
    int owner = owner_within(w->ch, lo, hi);
    s->maps[s->h.map_count++] = (struct demo_block){
        .offset = (size_t)(lo - w->ch->map_base),
        .bytes = length,
        .req_bytes = owner >= 0 ? w->ch->ptrs[owner].req_bytes : 0,
        .owner = owner,
        .kind = BLOCK_USED,
        .tags = BLOCK_HEADER,                    /* the mapped length lives in a header */
    };
    return 0;
}

static void take_snapshot(struct snapshot *sn, struct child *ch)
{
    struct demo_step *s = &sn->s;
    s->h.block_count = s->h.blocks_omitted = s->h.map_count = s->h.maps_omitted = 0;
    s->h.list_count = s->h.link_count = s->h.lists_omitted = s->h.unlisted_free = 0;
    s->h.walk_problems = 0;
    s->h.walk_problem[0] = '\0';
    sn->free_count = 0;
    sn->ch = ch;
    sn->heap_start = os_heap_start();
    char *heap_end = os_heap_end();
    s->h.heap_bytes = (size_t)(heap_end - sn->heap_start);

    if (ch->stage->walkable) {
        struct heap_walk_report report;
        s->h.walk_problems = heap_walk(sn->heap_start, heap_end, visit_chunk, sn, &report);
        if (report.tiling_broken) {
            add_block(sn, (struct demo_block){.offset = chunk_offset(sn->heap_start, report.first_bad),
                                              .bytes = (size_t)(heap_end - (char *)report.first_bad),
                                              .owner = -1, .kind = BLOCK_BAD});
            snprintf(s->h.walk_problem, sizeof s->h.walk_problem, "%s at offset %zu", report.tiling_problem,
                     chunk_offset(sn->heap_start, report.first_bad));
        } else if (report.footer_mismatches > 0) {
            snprintf(s->h.walk_problem, sizeof s->h.walk_problem, "%zu footer(s) differ from their header",
                     report.footer_mismatches);
        } else if (report.adjacent_free_pairs > 0) {
            snprintf(s->h.walk_problem, sizeof s->h.walk_problem, "%zu pair(s) of adjacent free chunks",
                     report.adjacent_free_pairs);
        }
        rebuild_lists(sn);
    } else {
        blocks_from_handed(sn, ch);
    }
    struct map_walk w = {sn, ch, NULL};
    os_sim_each_mapping(visit_mapping, &w);
}

/* ---- the child --------------------------------------------------------------------------------- */

static void write_all(FILE *out, const void *p, size_t bytes)
{
    if (bytes > 0 && fwrite(p, 1, bytes, out) != bytes)
        _exit(4);
}

static void send_step(FILE *out, const struct demo_step *s)
{
    write_all(out, &s->h, sizeof s->h);
    write_all(out, s->blocks, s->h.block_count * sizeof *s->blocks);
    write_all(out, s->maps, s->h.map_count * sizeof *s->maps);
    write_all(out, s->lists, s->h.list_count * sizeof *s->lists);
    write_all(out, s->links, s->h.link_count * sizeof *s->links);
    if (fflush(out) != 0)
        _exit(4);
}

/* Where p lies: heap offset, mapping offset, or neither. */
static void place_result(struct demo_step_head *h, const struct child *ch, const char *p)
{
    char *heap_start = os_heap_start();
    h->result_null = p == NULL;
    h->result_space = SPACE_NONE;
    if (p == NULL)
        return;
    if (p >= heap_start && p < (char *)os_heap_end()) {
        h->result_space = SPACE_HEAP;
        h->result_offset = (size_t)(p - heap_start);
    } else if (ch->map_base != NULL && p >= ch->map_base && os_sim_owns(p)) {
        h->result_space = SPACE_MAP;
        h->result_offset = (size_t)(p - ch->map_base);
    }
}

/* Does the op and writes over the request, so a stage that hands out too little memory faults here. */
static void *do_op(struct child *ch, const struct trace_op *op)
{
    struct pointer *ptr = &ch->ptrs[op->id];
    void *result = NULL;
    switch (op->kind) {
    case TRACE_ALLOC:
        result = ch->stage->malloc(op->bytes);
        if (result != NULL) {
            memset(result, 0xA0 + (int)(op->id % 16), op->bytes);
            *ptr = (struct pointer){result, op->bytes};
            remember_handed(ch, result, op->bytes, (int)op->id);
        }
        break;
    case TRACE_FREE:
        ch->stage->free(ptr->mem);
        forget_handed(ch, ptr->mem);
        *ptr = (struct pointer){NULL, 0};
        break;
    case TRACE_REALLOC:
        result = ch->stage->realloc(ptr->mem, op->bytes);
        if (result != NULL || op->bytes == 0) {
            forget_handed(ch, ptr->mem);
            *ptr = (struct pointer){result, result != NULL ? op->bytes : 0};
            if (result != NULL) {
                memset(result, 0xA0 + (int)(op->id % 16), op->bytes);
                remember_handed(ch, result, op->bytes, (int)op->id);
            }
        }
        break;
    }
    return result;
}

static void run_child(const struct stage *stage, const struct demo_sequence *seq, int fd)
{
    FILE *out = fdopen(fd, "w");
    if (out == NULL)
        _exit(4);
    alarm(CHILD_SECONDS);
    struct child ch = {.stage = stage, .ids = seq->ids};
    ch.ptrs = calloc(seq->ids + 1, sizeof *ch.ptrs);
    struct snapshot sn = {0};
    sn.s.blocks = malloc(DEMO_MAX_BLOCKS * sizeof *sn.s.blocks);
    sn.s.maps = malloc(DEMO_MAX_MAPS * sizeof *sn.s.maps);
    sn.s.lists = malloc(DEMO_MAX_LISTS * sizeof *sn.s.lists);
    sn.s.links = malloc(DEMO_MAX_LINKS * sizeof *sn.s.links);
    if (ch.ptrs == NULL || !sn.s.blocks || !sn.s.maps || !sn.s.lists || !sn.s.links)
        _exit(3);
    for (size_t i = 0; i < seq->op_count; i++) {
        memset(&sn.s.h, 0, sizeof sn.s.h);
        sn.s.h.op = seq->ops[i];
        sn.s.h.before = os_stats();
        void *result = do_op(&ch, &seq->ops[i]);
        sn.s.h.after = os_stats();
        take_snapshot(&sn, &ch);
        place_result(&sn.s.h, &ch, result);
        send_step(out, &sn.s);
    }
    fclose(out);
    _exit(0);
}

/* ---- the parent -------------------------------------------------------------------------------- */

static bool read_all(FILE *in, void *p, size_t bytes)
{
    return bytes == 0 || fread(p, 1, bytes, in) == bytes;
}

static bool receive_step(FILE *in, struct demo_step *s)
{
    memset(s, 0, sizeof *s);
    if (!read_all(in, &s->h, sizeof s->h))
        return false;
    if (s->h.block_count > DEMO_MAX_BLOCKS || s->h.map_count > DEMO_MAX_MAPS ||
        s->h.list_count > DEMO_MAX_LISTS || s->h.link_count > DEMO_MAX_LINKS)
        return false;
    s->blocks = calloc(s->h.block_count + 1, sizeof *s->blocks);
    s->maps = calloc(s->h.map_count + 1, sizeof *s->maps);
    s->lists = calloc(s->h.list_count + 1, sizeof *s->lists);
    s->links = calloc(s->h.link_count + 1, sizeof *s->links);
    if (!s->blocks || !s->maps || !s->lists || !s->links)
        return false;
    return read_all(in, s->blocks, s->h.block_count * sizeof *s->blocks) &&
           read_all(in, s->maps, s->h.map_count * sizeof *s->maps) &&
           read_all(in, s->lists, s->h.list_count * sizeof *s->lists) &&
           read_all(in, s->links, s->h.link_count * sizeof *s->links);
}

static void free_step(struct demo_step *s)
{
    free(s->blocks);
    free(s->maps);
    free(s->lists);
    free(s->links);
}

int demo_run_sequence(const struct stage *stage, const struct demo_sequence *seq, struct demo_run *run)
{
    *run = (struct demo_run){.stage = stage, .seq = seq};
    run->steps = calloc(seq->op_count + 1, sizeof *run->steps);
    int fds[2];
    if (run->steps == NULL || pipe(fds) != 0)
        return -1;
    fflush(NULL);                                /* the child must not write our buffered output again */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(stage, seq, fds[1]);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    if (in == NULL) {
        close(fds[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    while (run->step_count < seq->op_count) {
        struct demo_step *s = &run->steps[run->step_count];
        if (!receive_step(in, s)) {
            free_step(s);
            memset(s, 0, sizeof *s);
            break;
        }
        run->step_count++;
    }
    fclose(in);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    if (run->step_count < seq->op_count) {
        char statement[64];
        demo_statement(&seq->ops[run->step_count], statement, sizeof statement);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            snprintf(run->failure, sizeof run->failure, "stage %d hung (no answer in %d s) at op %zu: %s",
                     stage->number, CHILD_SECONDS, run->step_count + 1, statement);
        else if (WIFSIGNALED(status))
            snprintf(run->failure, sizeof run->failure, "stage %d crashed with %s at op %zu: %s",
                     stage->number, strsignal(WTERMSIG(status)), run->step_count + 1, statement);
        else
            snprintf(run->failure, sizeof run->failure, "stage %d stopped (exit status %d) at op %zu: %s",
                     stage->number, WIFEXITED(status) ? WEXITSTATUS(status) : -1, run->step_count + 1, statement);
    }
    demo_explain_run(run);
    return 0;
}

void demo_run_free(struct demo_run *run)
{
    for (size_t i = 0; i < run->step_count; i++)
        free_step(&run->steps[i]);
    free(run->steps);
    run->steps = NULL;
    run->step_count = 0;
}

void demo_statement(const struct trace_op *op, char *buf, size_t cap)
{
    switch (op->kind) {
    case TRACE_ALLOC:
        snprintf(buf, cap, "p%u = malloc(%zu)", op->id, op->bytes);
        break;
    case TRACE_FREE:
        snprintf(buf, cap, "free(p%u)", op->id);
        break;
    case TRACE_REALLOC:
        snprintf(buf, cap, "p%u = realloc(p%u, %zu)", op->id, op->id, op->bytes);
        break;
    default:
        snprintf(buf, cap, "?");
    }
}

const struct demo_block *demo_find_block(const struct demo_step *s, size_t offset)
{
    for (size_t i = 0; i < s->h.block_count; i++)
        if (s->blocks[i].offset == offset)
            return &s->blocks[i];
    return NULL;
}

void demo_syscalls_text(const struct demo_step *s, char *buf, size_t cap)
{
    const struct os_stats *a = &s->h.before, *b = &s->h.after;
    size_t used = 0;
    buf[0] = '\0';
    struct { const char *name; unsigned long n; } calls[] = {
        {"sbrk", b->sbrk_calls - a->sbrk_calls},
        {"brk", b->brk_calls - a->brk_calls},
        {"mmap", b->mmap_calls - a->mmap_calls},
        {"munmap", b->munmap_calls - a->munmap_calls},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (calls[i].n == 0 || used >= cap)
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%s %lu", used ? ", " : "", calls[i].name, calls[i].n);
    }
    if (used == 0) {
        snprintf(buf, cap, "none");
        return;
    }
    long heap_delta = (long)b->heap_bytes - (long)a->heap_bytes;
    long map_delta = (long)b->mapped_bytes - (long)a->mapped_bytes;
    if (heap_delta != 0 && used < cap)
        used += (size_t)snprintf(buf + used, cap - used, " (break %+ld)", heap_delta);
    if (map_delta != 0 && used < cap)
        used += (size_t)snprintf(buf + used, cap - used, " (mapped %+ld)", map_delta);
    unsigned long failed = b->failed_calls - a->failed_calls;
    if (failed != 0 && used < cap)
        snprintf(buf + used, cap - used, ", %lu failed", failed);
}
