/* demo_model.h: what a heap picture shows, recorded after each operation of a demo sequence.
 *
 * A run replays one sequence on one stage in a fresh child process (the seam and the stage keep
 * per-process state, so every run starts from an empty heap). After each operation the child records
 * a snapshot: the heap as chunks or blocks, the mappings, the free lists or bins rebuilt from memory,
 * and the seam's counters; the snapshots come back as its sandbox job's result. The parent adds the
 * one line in the lecture's words (demo_explain.c) and draws (demo_text.c, demo_html.c).
 *
 * Every address is an offset: from the heap start for heap memory, from the first mapping the run
 * made for mappings. So a picture is the same on every run.
 */
#ifndef HEAPKIT_DEMO_MODEL_H
#define HEAPKIT_DEMO_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "os.h"
#include "stages.h"
#include "tracefile.h"

enum {
    DEMO_MAX_BLOCKS = 160,       /* chunks kept per picture; the rest are counted in blocks_omitted */
    DEMO_MAX_MAPS = 64,
    DEMO_MAX_LINKS = 160,        /* free-list entries kept per picture */
    DEMO_MAX_LISTS = 48,
    DEMO_STORY_BYTES = 320,
};

enum demo_block_kind {
    BLOCK_USED,                  /* a chunk or block in use */
    BLOCK_FREE,                  /* a free chunk (stages 3-5) */
    BLOCK_FREED,                 /* stages 1-2: a block given to free, which they never reuse */
    BLOCK_PAD,                   /* stage 2: between pPad and the break; stage 1: slack before the break */
    BLOCK_HOLE,                  /* unmapped pages between two mappings */
    BLOCK_BAD,                   /* the heap walk stopped here: the tiling is broken */
};

enum { BLOCK_HEADER = 1, BLOCK_FOOTER = 2 };   /* demo_block.tags */

enum demo_space { SPACE_NONE, SPACE_HEAP, SPACE_MAP };

/* Ops of the lecture's sequences beyond the trace format's three (demo_slides.c); stages 3-5 only. */
enum demo_slide_op {
    DEMO_OP_SMASH_SIZE = 's',    /* a bug writes `bytes` over the size field of p<id>'s chunk header */
    DEMO_OP_CHECK = 'c',         /* heapmgr_check() on the heap as it is */
};

/* What a sequence's slide draws beyond the pictures (demo_sequence.draws). */
enum {
    DRAW_SUBSTEPS = 1,           /* stage 3: a free, and a malloc that grows, in the slide's sub-steps */
    DRAW_FOOTER_LOOKUP = 2,      /* stages 4-5: a free's look at the footer of the chunk before it */
    DRAW_PAGE_TABLE = 4,         /* slab: the page-to-size table, and each pointer's size looked up in it */
};

struct demo_block {
    size_t offset;               /* from the heap start, or from the first mapping */
    size_t bytes;                /* chunk bytes, headers and footers included */
    size_t req_bytes;            /* the owner's request, 0 without an owner */
    int owner;                   /* the trace id whose pointer is in this block, or -1 */
    unsigned char kind;          /* enum demo_block_kind */
    unsigned char tags;          /* BLOCK_HEADER | BLOCK_FOOTER */
};

/* One free list (stages 3-4) or one non-empty bin (stage 5), rebuilt from memory. */
struct demo_list {
    size_t first_link;           /* index of its first entry in demo_step.links */
    size_t count;                /* entries kept */
    size_t min_units, max_units; /* chunk sizes on the list, in 16-byte units */
    bool cut;                    /* more entries than were kept */
    bool bad_end;                /* the last next pointer is neither NULL nor a free chunk */
    size_t bad_target;           /* ... where it points, as a heap offset (or ~0 outside the heap) */
};

/* What heap_walk found wrong after an op (stages 3-5), as its report has it; demo_walk_text words it. */
struct demo_walk {
    size_t problems;             /* 0: the chunks tile the heap, footers agree, free chunks are coalesced */
    bool tiling_broken;
    size_t first_bad;            /* where the tiling broke, as a heap offset */
    char tiling_problem[80];     /* heap_walk's words for what was wrong there */
    size_t footer_mismatches, adjacent_free_pairs;
    size_t mismatch_offset;      /* the first chunk whose footer differs (SIZE_MAX: none) ... */
    size_t mismatch_header, mismatch_footer;   /* ... and the sizes its header and footer give */
};

/* The fixed part of one step; the arrays follow it in the child's result. */
struct demo_step_head {
    struct trace_op op;
    bool result_null;            /* malloc/realloc returned NULL */
    unsigned char result_space;  /* enum demo_space */
    size_t result_offset;
    struct os_stats before, after;
    size_t heap_bytes;           /* break - heap start after the op */
    size_t block_count, blocks_omitted;
    size_t map_count, maps_omitted;
    size_t list_count, link_count;
    size_t lists_omitted;
    size_t unlisted_free;        /* free chunks that no list reaches */
    struct demo_walk walk;
    bool checked;                /* DEMO_OP_CHECK: the stage's checker ran */
    int check_violations;        /* ... its count */
    char check_first[160];       /* ... the first line it printed */
};

struct demo_step {
    struct demo_step_head h;
    struct demo_block *blocks;   /* the heap, in address order */
    struct demo_block *maps;     /* the mappings, and holes between them, in address order */
    struct demo_list *lists;
    size_t *links;               /* chunk offsets, list by list, head first */
    char story[DEMO_STORY_BYTES];/* what happened, in the lecture's words */
    char caption[DEMO_STORY_BYTES]; /* lecture mode: the slide's caption for this picture */
    struct demo_step *subs;      /* DRAW_SUBSTEPS: the pictures before this one within the op */
    size_t sub_count;
};

/* A sequence of operations; ids name the pointers p<id>. */
struct demo_sequence {
    const char *name;            /* "default", "first-fit", ... or the file's path */
    const char *title;           /* one line for the slide */
    const char *stages;          /* the stages it is meant for, for --list ("all", "3 4") */
    size_t op_count;
    const struct trace_op *ops;
    unsigned ids;
    unsigned slide_unit_bytes;   /* lecture mode: the bytes one slide unit stands for (0: 1 byte) */
    unsigned draws;              /* DRAW_*: what the slide draws beyond the pictures */
};

/* How a run is made: the default, or the lecture's (demo --lecture). */
struct demo_run_options {
    size_t unit_bytes;           /* each op's bytes are this many bytes: 1, or the slide's unit */
    bool lecture;                /* the slide's caption for every step (demo_captions.c) */
};

struct demo_run {
    const struct stage *stage;
    const struct demo_sequence *seq;
    struct demo_run_options opts;
    size_t step_count;
    struct demo_step *steps;
    char failure[160];           /* set when the child crashed or hung: what happened, at which op */
};

/* Replays seq on stage in a child (a sandbox job) and collects a snapshot per op. Returns 0, or -1
 * when the run could not start; a crash or a hang of the stage is recorded in run->failure, with the
 * steps made before it kept. */
int demo_run_sequence(const struct stage *stage, const struct demo_sequence *seq, struct demo_run *run);

/* The same, made as opts say (demo_run_sequence is this with the default options). */
int demo_run_sequence_with(const struct stage *stage, const struct demo_sequence *seq,
                           const struct demo_run_options *opts, struct demo_run *run);

/* The run options of lecture mode for seq: its slide unit, captions on. Sets HEAPKIT_GROW=exact in
 * this process's environment, which the runs' children inherit (common/grow_mode.h). */
struct demo_run_options demo_lecture_options(const struct demo_sequence *seq);

/* Fills each step's caption, the slide's words for its picture (demo_captions.c). */
void demo_caption_run(struct demo_run *run);

/* True for the ops of enum demo_slide_op; demo_slide_story says what one did (demo_captions.c). */
bool demo_is_slide_op(const struct trace_op *op);
void demo_slide_story(const struct demo_step *s, char *buf, size_t cap);

/* DRAW_SUBSTEPS: builds the sub-step pictures of each op that has them (demo_substeps.c). */
void demo_substeps_run(struct demo_run *run);

/* Frees one step's arrays and its sub-steps. */
void demo_step_free(struct demo_step *s);

void demo_run_free(struct demo_run *run);

/* Writes the statement of op, like "p2 = malloc(1)", into buf. */
void demo_statement(const struct trace_op *op, char *buf, size_t cap);

/* The block that starts at offset in the step's heap, or NULL. */
const struct demo_block *demo_find_block(const struct demo_step *s, size_t offset);

/* Fills each step's story from the snapshots before and after it (demo_explain.c). */
void demo_explain_run(struct demo_run *run);

/* What the heap walk found wrong, like "2 pair(s) of adjacent free chunks", or "" for a sound heap. */
void demo_walk_text(const struct demo_walk *w, char *buf, size_t cap);

/* The system calls a step made, like "sbrk 1, brk 1 (break +8192)", or "none". */
void demo_syscalls_text(const struct demo_step *s, char *buf, size_t cap);

#endif
