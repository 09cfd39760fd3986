/* runner_replay.c: the runner's side of a perf replay (protocol.h, OP_REPLAY).
 *
 * A perf replay sends the trace itself, blocks named by their trace ids, so that a whole trace runs in
 * batches of PROTOCOL_BATCH_MAX operations however its blocks come and go: the runner keeps the
 * pointer of each id here. The grader times the runner by the kernel's count of its CPU time and
 * checks every pointer once the batch is over (grade_perf.c); nothing here is believed.
 */
#include <string.h>

#include "heapmgr.h"
#include "runner_io.h"
#include "runner_replay.h"

static void *blocks[PROTOCOL_REPLAY_IDS_MAX];    /* id -> the pointer the allocator gave */
static size_t ids;                                /* ids of the trace being replayed */

static uint64_t replay_one(const struct protocol_batch_op *o)
{
    if (o->a >= ids)
        runner_lost();
    void **mem = &blocks[o->a];
    switch (o->op) {
    case OP_MALLOC: *mem = heapmgr_malloc((size_t)o->b); return (uintptr_t)*mem;
    case OP_REALLOC: *mem = heapmgr_realloc(*mem, (size_t)o->b); return (uintptr_t)*mem;
    case OP_FREE: heapmgr_free(*mem); *mem = NULL; return 0;
    }
    runner_lost();
}

void runner_replay(const struct protocol_command *c)
{
    static struct protocol_batch_op ops[PROTOCOL_BATCH_MAX];
    static uint64_t results[PROTOCOL_BATCH_MAX];
    if (c->a == 0) {
        /* Getting ready: the table and both buffers touched now, so that their first use costs no
         * page faults inside the timed batches. */
        if (c->b > PROTOCOL_REPLAY_IDS_MAX)
            runner_lost();
        ids = (size_t)c->b;
        memset(blocks, 0, ids * sizeof blocks[0]);
        memset(ops, 0, sizeof ops);
        memset(results, 0, sizeof results);
    } else {
        if (c->a > PROTOCOL_BATCH_MAX || !runner_read(ops, (size_t)c->a * sizeof ops[0]))
            runner_lost();
        for (uint64_t i = 0; i < c->a; i++)
            results[i] = replay_one(&ops[i]);
    }
    struct protocol_message m = { .magic = PROTOCOL_MAGIC, .kind = MSG_ANSWER, .seq = c->seq, .value = c->a };
    if (!runner_write(&m, sizeof m) || !runner_write(results, (size_t)c->a * sizeof results[0]))
        runner_lost();
}
