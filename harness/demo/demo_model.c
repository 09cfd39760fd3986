/* demo_model.c: replaying a demo sequence on a stage in a child process, one snapshot per op.
 *
 * The child is a sandbox job (harness/sandbox) that shares the terminal; it owns the stage and the
 * simulated seam, and draws nothing. It does each op, takes a snapshot of what it can see from
 * outside the stage (demo_snapshot.c) and appends it to the job's result. The parent reads the
 * snapshots once the child has ended; a crash or a hang of the stage ends the child, never the demo,
 * and the snapshots made before it are kept.
 */
#include "demo_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "chunk.h"
#include "demo_snapshot.h"
#include "os_sim.h"
#include "sandbox.h"

enum { CHILD_SECONDS = 10 };    /* a demo run is a few ops: more than this is a hang */

/* ---- the child's record of what it was handed -------------------------------------------------- */

static void remember_handed(struct demo_child *ch, void *mem, size_t req_bytes, int owner)
{
    if (ch->handed_count == ch->handed_cap) {
        ch->handed_cap = ch->handed_cap ? 2 * ch->handed_cap : 32;
        ch->handed = realloc(ch->handed, ch->handed_cap * sizeof *ch->handed);
        if (ch->handed == NULL)
            _exit(3);
    }
    ch->handed[ch->handed_count++] = (struct demo_handed){mem, req_bytes, owner, false};
}

static void forget_handed(struct demo_child *ch, const void *mem)
{
    for (size_t i = 0; i < ch->handed_count; i++)
        if (ch->handed[i].mem == mem && !ch->handed[i].freed)
            ch->handed[i].freed = true;
}

/* ---- the child --------------------------------------------------------------------------------- */

/* The most bytes one step takes in the result: its head and full arrays. */
static size_t step_bytes_max(void)
{
    return sizeof(struct demo_step_head) + DEMO_MAX_BLOCKS * sizeof(struct demo_block) +
           DEMO_MAX_MAPS * sizeof(struct demo_block) + DEMO_MAX_LISTS * sizeof(struct demo_list) +
           DEMO_MAX_LINKS * sizeof(size_t);
}

static void write_all(struct sandbox_page *page, const void *p, size_t bytes)
{
    if (bytes > 0 && !sandbox_result_write(page, p, bytes))
        _exit(4);
}

static void send_step(struct sandbox_page *page, const struct demo_step *s)
{
    write_all(page, &s->h, sizeof s->h);
    write_all(page, s->blocks, s->h.block_count * sizeof *s->blocks);
    write_all(page, s->maps, s->h.map_count * sizeof *s->maps);
    write_all(page, s->lists, s->h.list_count * sizeof *s->lists);
    write_all(page, s->links, s->h.link_count * sizeof *s->links);
}

/* Where p lies: heap offset, mapping offset, or neither. */
static void place_result(struct demo_step_head *h, const struct demo_child *ch, const char *p)
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
static void *do_op(struct demo_child *ch, const struct trace_op *slide_op, size_t unit_bytes)
{
    struct trace_op scaled = *slide_op;          /* lecture mode: the slide's units in bytes */
    scaled.bytes = slide_op->bytes * unit_bytes;
    const struct trace_op *op = &scaled;
    struct demo_pointer *ptr = &ch->ptrs[op->id];
    void *result = NULL;
    switch (op->kind) {
    case TRACE_ALLOC:
        result = ch->stage->malloc(op->bytes);
        if (result != NULL) {
            memset(result, 0xA0 + (int)(op->id % 16), op->bytes);
            *ptr = (struct demo_pointer){result, op->bytes};
            remember_handed(ch, result, op->bytes, (int)op->id);
        }
        break;
    case TRACE_FREE:
        ch->stage->free(ptr->mem);
        forget_handed(ch, ptr->mem);
        *ptr = (struct demo_pointer){NULL, 0};
        break;
    case DEMO_OP_SMASH_SIZE:
        /* The bug the slide's checker catches: a wrong size in the header (stages 3-5 only). */
        if (ptr->mem != NULL && ch->stage->walkable)
            chunk_set_header(chunk_from_mem(ptr->mem), slide_op->bytes, chunk_is_in_use(chunk_from_mem(ptr->mem)));
        break;
    case DEMO_OP_CHECK:
        break;                                   /* run by run_child, which keeps what it prints */
    case TRACE_REALLOC:
        result = ch->stage->realloc(ptr->mem, op->bytes);
        if (result != NULL || op->bytes == 0) {
            forget_handed(ch, ptr->mem);
            *ptr = (struct demo_pointer){result, result != NULL ? op->bytes : 0};
            if (result != NULL) {
                memset(result, 0xA0 + (int)(op->id % 16), op->bytes);
                remember_handed(ch, result, op->bytes, (int)op->id);
            }
        }
        break;
    }
    return result;
}

/* The stage's checker, its count and the first line it printed to stderr (through a pipe: a checker
 * that prints more than the pipe holds loses the rest, never blocks). */
static void run_check(struct demo_child *ch, struct demo_step_head *h)
{
    int fds[2];
    h->checked = true;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    if (saved < 0 || pipe(fds) != 0) {
        h->check_violations = ch->stage->check();
        return;
    }
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    h->check_violations = ch->stage->check();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char text[4096];
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ssize_t n = read(fds[0], text, sizeof text - 1);
    close(fds[0]);
    text[n > 0 ? n : 0] = '\0';
    text[strcspn(text, "\n")] = '\0';
    snprintf(h->check_first, sizeof h->check_first, "%.159s", text);
}

struct demo_job {
    const struct stage *stage;
    const struct demo_sequence *seq;
    size_t unit_bytes;
};

static bool run_child(struct sandbox_page *page, void *arg)
{
    const struct stage *stage = ((const struct demo_job *)arg)->stage;
    const struct demo_sequence *seq = ((const struct demo_job *)arg)->seq;
    struct demo_child ch = {.stage = stage, .ids = seq->ids};
    ch.ptrs = calloc(seq->ids + 1, sizeof *ch.ptrs);
    struct demo_snapshot sn = {0};
    /* Zeroed, so that the padding of the entries written to the result is defined bytes too. */
    sn.s.blocks = calloc(DEMO_MAX_BLOCKS, sizeof *sn.s.blocks);
    sn.s.maps = calloc(DEMO_MAX_MAPS, sizeof *sn.s.maps);
    sn.s.lists = calloc(DEMO_MAX_LISTS, sizeof *sn.s.lists);
    sn.s.links = calloc(DEMO_MAX_LINKS, sizeof *sn.s.links);
    if (ch.ptrs == NULL || !sn.s.blocks || !sn.s.maps || !sn.s.lists || !sn.s.links)
        _exit(3);
    for (size_t i = 0; i < seq->op_count; i++) {
        memset(&sn.s.h, 0, sizeof sn.s.h);
        sn.s.h.op = seq->ops[i];
        sn.s.h.before = os_stats();
        void *result = do_op(&ch, &seq->ops[i], ((const struct demo_job *)arg)->unit_bytes);
        sn.s.h.after = os_stats();
        if (seq->ops[i].kind == DEMO_OP_CHECK)
            run_check(&ch, &sn.s.h);
        demo_take_snapshot(&sn, &ch);
        place_result(&sn.s.h, &ch, result);
        send_step(page, &sn.s);
    }
    return true;
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
    for (size_t i = 0; i < s->sub_count; i++)
        free_step(&s->subs[i]);
    free(s->subs);
    s->subs = NULL;
    s->sub_count = 0;
}

void demo_step_free(struct demo_step *s) { free_step(s); }

/* Why the run stopped before its last op, from how its child ended. */
static void describe_failure(struct demo_run *run, const struct sandbox_job *job)
{
    char statement[64];
    demo_statement(&run->seq->ops[run->step_count], statement, sizeof statement);
    int number = run->stage->number;
    size_t op = run->step_count + 1;
    if (job->outcome == SANDBOX_TIMEOUT)
        snprintf(run->failure, sizeof run->failure, "stage %d hung (no answer in %d s) at op %zu: %s",
                 number, CHILD_SECONDS, op, statement);
    else if (job->signal != 0)
        snprintf(run->failure, sizeof run->failure, "stage %d crashed with %s at op %zu: %s",
                 number, strsignal(job->signal), op, statement);
    else
        snprintf(run->failure, sizeof run->failure, "stage %d stopped (exit status %d) at op %zu: %s",
                 number, job->exit_status, op, statement);
}

/* Reads the steps the child wrote, as many as are whole. */
static void receive_steps(struct demo_run *run, const struct sandbox_job *job)
{
    if (job->result_bytes == 0)
        return;
    FILE *in = fmemopen(job->result, job->result_bytes, "r");
    if (in == NULL)
        return;
    while (run->step_count < run->seq->op_count) {
        struct demo_step *s = &run->steps[run->step_count];
        if (!receive_step(in, s)) {
            free_step(s);
            memset(s, 0, sizeof *s);
            break;
        }
        run->step_count++;
    }
    fclose(in);
}

int demo_run_sequence(const struct stage *stage, const struct demo_sequence *seq, struct demo_run *run)
{
    struct demo_run_options defaults = {.unit_bytes = 1};
    return demo_run_sequence_with(stage, seq, &defaults, run);
}

struct demo_run_options demo_lecture_options(const struct demo_sequence *seq)
{
    setenv("HEAPKIT_GROW", "exact", 1);
    return (struct demo_run_options){
        .unit_bytes = seq->slide_unit_bytes > 0 ? seq->slide_unit_bytes : 1,
        .lecture = true,
    };
}

int demo_run_sequence_with(const struct stage *stage, const struct demo_sequence *seq,
                           const struct demo_run_options *opts, struct demo_run *run)
{
    *run = (struct demo_run){.stage = stage, .seq = seq, .opts = *opts};
    if (run->opts.unit_bytes == 0)
        run->opts.unit_bytes = 1;
    run->steps = calloc(seq->op_count + 1, sizeof *run->steps);
    if (run->steps == NULL)
        return -1;
    struct demo_job arg = {stage, seq, run->opts.unit_bytes};
    struct sandbox_job job = {
        .body = run_child,
        .arg = &arg,
        .limits = {.wall_seconds = CHILD_SECONDS},
        .result_cap = seq->op_count * step_bytes_max(),
        .share_terminal = true,
    };
    sandbox_run_all(&job, 1, 1);
    if (!job.started) {
        sandbox_job_release(&job);
        return -1;
    }
    receive_steps(run, &job);
    if (run->step_count < seq->op_count)
        describe_failure(run, &job);
    sandbox_job_release(&job);
    demo_explain_run(run);
    if (run->opts.lecture)
        demo_caption_run(run);
    if (seq->draws & DRAW_SUBSTEPS)
        demo_substeps_run(run);
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
