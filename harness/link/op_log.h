/* op_log.h: the allocator calls of one test, as the grader made them (remote_stage.c).
 *
 * Every call sent to the runner is written down before it is sent, with the test's operation number
 * and, for blocks, a name: p1, p2 ... in the order the test received them (realloc keeps the name, as
 * a trace's id does). A crash message names the call it died in by it ("free(p17)", and where p17
 * came from), and grade --dump writes the calls up to a failure as a trace file (grade_dump.c).
 * Nothing here is the runner's word: the log holds what the grader itself sent and received.
 */
#ifndef HEAPKIT_OP_LOG_H
#define HEAPKIT_OP_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox.h"

struct op_entry {
    uint32_t op;                     /* the test's operation number (sandbox_current_op), 0: none */
    uint32_t call;                   /* OP_MALLOC ... OP_CHECK (protocol.h) */
    uint32_t id;                     /* the block's name pN: the one made (malloc, calloc) or given; 0: none */
    uint32_t done;                   /* the call returned */
    uint64_t a, b;                   /* its arguments */
    uint64_t result;                 /* what it returned, once done */
};

/* A fresh log for the test whose page counts its operations. */
void op_log_start(struct sandbox_page *page);

/* A call about to be sent (op_in_batch: its place in a batch from 0, added to the operation number).
 * Returns its index in the log, or SIZE_MAX once the log is full (it keeps the first calls). */
size_t op_log_begin(uint32_t call, uint64_t a, uint64_t b, size_t op_in_batch);

/* The call at index returned result (a new block is named here). */
void op_log_end(size_t index, uint64_t result);

/* The calls logged so far, and whether the log filled up. */
const struct op_entry *op_log_entries(size_t *count, bool *full);

/* The last call sent and not yet returned, or NULL. */
const struct op_entry *op_log_pending(void);

/* The call at index in words: "free(p17 = 0x200000001010)", "malloc(100)". */
void op_log_describe(const struct op_entry *e, char *buf, size_t cap);

/* Where the block named id came from: "p17 is the block malloc(100) returned at operation 12"
 * (or realloc's); "" when unknown. */
void op_log_origin(uint32_t id, char *buf, size_t cap);

#endif

/* ---- grade --dump: the calls as a trace file (op_log_trace.c) ---------------------------------------- */

/* Where the test's calls go as a trace when it fails (op_log_dump), and the comment that heads the
 * file; NULL: nowhere (the default). */
void op_log_set_dump(const char *path, const char *comment);

/* Writes the calls so far, up to and including the last one sent, as a trace in the kit's format
 * (harness/trace/tracefile.h) to the path set, once; calls a trace cannot hold (calloc as an
 * allocation of n * size bytes, heapmgr_check, free of NULL or of no block) become comments. */
void op_log_dump(void);
