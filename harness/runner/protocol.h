/* protocol.h: what the grader and its runner say to each other, over two pipes.
 *
 *   grader (trusted)                                   runner (holds the submission)
 *   ----------------                                   -----------------------------
 *   command: MALLOC 100, view of the seam  ---fd 3-->  calls heapmgr_malloc(100)
 *                                                        the stage calls os_sbrk(8192):
 *   the simulation decides, counts, moves  <--fd 4---    seam request SBRK 8192
 *   the break of the shared heap file      ---fd 3-->    seam reply: old break, view
 *                                                        (the runner sets its page protection)
 *   checks the pointer, fills the payload  <--fd 4---  answer: 0x2000000000a0
 *
 * The runner is told, it is never believed: an answer is only the value the allocator returned,
 * which the grader checks against the memory it shares with the runner and the seam it keeps itself.
 * A message that is not exactly of this protocol ends the test as a failure. Every message is a
 * fixed-size struct; a batch or a mapping list follows its header as an array.
 */
#ifndef HEAPKIT_PROTOCOL_H
#define HEAPKIT_PROTOCOL_H

#include <stdint.h>

#include "os.h"

enum {
    PROTOCOL_COMMAND_FD = 3,       /* the runner reads commands and seam replies here */
    PROTOCOL_ANSWER_FD = 4,        /* the runner writes answers and seam requests here */
    PROTOCOL_HEAP_FD = 5,          /* the shared heap file, mapped at OS_SIM_SHARED_ADDR, then closed */
    PROTOCOL_MAP_FD = 6,           /* the shared mapping region's file, mapped right after it */
    PROTOCOL_PROGRAM_FD = 7,       /* before exec only: the runner program, opened by the grader */
    PROTOCOL_PROGRESS_FD = 8,      /* a page the runner maps and closes: where it is in a batch */
    PROTOCOL_BATCH_MAX = 1024,     /* operations in one BATCH command */
    PROTOCOL_MAPPINGS_MAX = 4096,  /* mappings in one MAPPINGS reply (more: the list is cut short) */
    PROTOCOL_REPLAY_IDS_MAX = 1 << 18,  /* block ids of one REPLAY (a trace's ids) */
};

#define PROTOCOL_MAGIC 0x686b7031u /* "hkp1" */

/* What the runner may know of the seam: refreshed with every command and every seam reply, so its
 * os_stats(), os_heap_start() and os_heap_end() answer as the simulation would. */
struct protocol_view {
    uint64_t heap_start, brk, writable_end;
    struct os_stats stats;
};

/* ---- grader -> runner ---------------------------------------------------------------------------- */

enum protocol_op {
    OP_MALLOC = 1,                 /* a = bytes */
    OP_FREE,                       /* a = mem */
    OP_REALLOC,                    /* a = mem, b = bytes */
    OP_CALLOC,                     /* a = n, b = elem_bytes */
    OP_CHECK,                      /* heapmgr_check() */
    OP_BATCH,                      /* a = count; count struct protocol_batch_op follow */
    OP_QUIT,                       /* end cleanly (the grader kills the runner anyway) */
    OP_REPLAY,                     /* a = count; count struct protocol_batch_op follow, each naming a block
                                      by its trace id (a = id, b = bytes), the runner keeping the pointers:
                                      the grade's perf replays (grade_perf.c). count 0: b = the trace's
                                      ids, the table made ready (touched) before the timing starts */
};

struct protocol_command {
    uint32_t magic, op;
    uint64_t seq;                  /* echoed in the answer */
    uint64_t a, b;
    struct protocol_view view;
};

/* One operation of a batch: the allocator calls of a measurement, run back to back. In a REPLAY, a is
 * the block's id, not its address. */
struct protocol_batch_op {
    uint32_t op;                   /* OP_MALLOC, OP_FREE or OP_REALLOC */
    uint32_t pad;
    uint64_t a, b;
};

/* Shared with the grader: before each operation of a batch the runner writes its number (from 1).
 * Only a crash message reads it, to name the call the runner died in; no verdict depends on it.
 * The crash fields are the runner's own account of a fault (runner_crash.c): its signal handler
 * writes the faulting address and the return addresses of its stack, which the grader turns into
 * source lines for the message (runner_crash_report.c). Only a message reads them either. */
enum { PROTOCOL_CRASH_FRAMES = 16 };
struct protocol_progress {
    uint64_t batch_op;
    uint64_t test_op;              /* the grader: the test's number of the next command's operation (of a
                                      batch's first), for runner_at_operation (runner_hook.h) */
    uint32_t crash_signal;         /* 0: no fault caught */
    uint32_t crash_frame_count;    /* frames[0] is where it faulted, then the callers' return addresses */
    uint64_t crash_address;        /* si_addr: the address a SIGSEGV or SIGBUS was about */
    uint64_t crash_frames[PROTOCOL_CRASH_FRAMES];
};

/* ---- runner -> grader ---------------------------------------------------------------------------- */

enum protocol_kind {
    MSG_ANSWER = 1,                /* value = the pointer or count returned; BATCH: count values follow */
    MSG_SEAM,                      /* a seam call: call, a, b, c */
};

enum protocol_seam_call {
    SEAM_BRK = 1,                  /* a = addr */
    SEAM_SBRK,                     /* a = increment */
    SEAM_MMAP,                     /* a = length, b = prot, c = flags (fd -1, offset 0 are implied) */
    SEAM_MUNMAP,                   /* a = addr, b = length */
    SEAM_MAPPING_LENGTH,           /* a = addr */
    SEAM_MAPPINGS,                 /* the live mappings: count pairs (start, length) follow the reply */
};

struct protocol_message {
    uint32_t magic, kind;
    uint64_t seq;                  /* MSG_ANSWER: the command's seq */
    uint64_t value;
    uint32_t call, pad;
    uint64_t a, b, c;
};

/* ---- grader -> runner, answering a seam call ----------------------------------------------------- */

struct protocol_seam_reply {
    uint32_t magic, error;         /* error: errno of a failed call, 0 otherwise */
    uint64_t value;                /* what the call returns; SEAM_MAPPINGS: the count that follows */
    struct protocol_view view;
};

struct protocol_mapping {
    uint64_t start, length;
};

#endif
