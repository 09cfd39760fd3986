/* replay.h: replaying a trace on a stage, checked or timed. */
#ifndef HEAPKIT_REPLAY_H
#define HEAPKIT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "stages.h"
#include "tracefile.h"

/* The allocator a replay runs on: a stage, or the C library's malloc (stage == NULL). */
struct replay_target {
    const struct stage *stage;   /* NULL = the C library */
};

struct replay_check_options {
    size_t check_every;          /* call the stage's heapmgr_check every N ops (and after the last); 0 = never */
    bool walk_heap;              /* run the generic heap walk (stages 3-5) at the same times */
    /* The caller's own audit of the heap every audit_every ops: false, with why filled in, ends the
     * replay there. NULL: none. */
    bool (*audit)(void *arg, char *why, size_t cap);
    void *audit_arg;
    size_t audit_every;
    bool batch;                  /* run stretches of ops as one batch where the stage can (stage->batch) */
};

struct replay_check_result {
    bool ok;
    size_t failed_op;            /* 0-based op index of the first failure */
    char why[256];               /* what was expected and what happened, naming the op */
    size_t peak_live_bytes;      /* peak sum of live request sizes */
    size_t peak_footprint_bytes; /* peak heap + mapped bytes from the seam (C library: see replay.c) */
    unsigned long syscalls;      /* os_* calls made during the replay */
    size_t checker_objections;   /* times heapmgr_check reported violations the audit did not find */
    size_t first_objection_op;
};

/* Replays t checking alignment, overlap (including containment), payload integrity at every free
 * and realloc, NULL returns, and the stage's checker / heap walk as asked. Stops at the first failure.
 * Sets a progress counter (replay_current_op) before each op so a crash can be placed. */
void replay_checked(struct replay_target target, const struct trace *t, struct replay_check_options opts,
                    struct replay_check_result *out);

/* The op being replayed now (for crash reports from a child process). */
extern volatile size_t replay_current_op;

/* Replays t without checks, returning elapsed seconds (monotonic clock); -1 if an allocation failed. */
double replay_timed(struct replay_target target, const struct trace *t);

/* ---- extensions used by heapkit trace and bench ---------------------------------------------------- */

/* The placement policy stages 3 and 4 take in the lab: HEAPKIT_FIT (`make trace|demo|bench FIT=best`),
 * which the stages read themselves: "next", "best" or "worst"; anything else is the lecture's "first". */
const char *replay_fit_policy(void);

/* "stage 4 (Doubly linked list)" or "C library". */
const char *replay_target_name(struct replay_target target, char *buf, size_t cap);

/* Time spent per kind of op, each op timed alone with the clock's own cost subtracted. */
enum replay_kind { REPLAY_ALLOC, REPLAY_FREE, REPLAY_REALLOC, REPLAY_KINDS };

struct replay_times {
    double seconds[REPLAY_KINDS];   /* summed over the ops of each kind */
    size_t count[REPLAY_KINDS];
};

/* Replays t without checks, timing every op by itself. Returns 0, or -1 if an allocation failed. */
int replay_timed_by_kind(struct replay_target target, const struct trace *t, struct replay_times *out);

/* The allocator's footprint now: heap + mapped bytes of the seam for a stage; for the C library,
 * mallinfo2()'s arena + hblkhd (bytes taken from the kernel by brk and by mmap). */
size_t replay_footprint_now(struct replay_target target);

#endif
