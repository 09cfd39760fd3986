/* submission.h: building a submitted heapmgr.c, confined, into a program of its own.
 *
 * A submission is untrusted, and so is its build: every compile and link step runs through
 * confine_run (harness/confine/confine.h) in a fresh private folder under /tmp that holds only a copy
 * of the file, copies of the kit's public headers and sources (common/contract.list), and the
 * archives the link needs. The compiler sees that folder (-I of it alone) and, with bubblewrap,
 * nothing else but /usr. Limits for the whole build: 60 s of wall clock (HEAPKIT_BUILD_TIMEOUT
 * overrides), 1 GiB of memory per process, 64 KiB of the compiler's messages, no file (and so no
 * program) past 64 MiB. Two products:
 *
 *   SUBMISSION_LAB     the lab program (build/heapkit-lab's trace, bench, demo) with the submission as
 *                      its one stage, exactly as the Makefile builds a reference stage (the file plus
 *                      common/alloc_extra.c, joined by tools/stage-object: ld -r and the contract
 *                      renamed stageN_heapmgr_*), linked with the lab's main, its stage binding, the
 *                      harness library and the simulated seam: <folder>/heapkit. Used by --src of
 *                      the lab's commands, which run the submission in their own process.
 *   SUBMISSION_RUNNER  the runner: cc -static of the file, alloc_extra and <build>/runner/librunner.a
 *                      (which holds main): <folder>/runner. The grader runs it confined.
 *
 * <folder> is <build>/submissions/<file name>-<hash of its path>-stageN.
 */
#ifndef HEAPKIT_SUBMISSION_H
#define HEAPKIT_SUBMISSION_H

#include <stdbool.h>
#include <stddef.h>

enum { SUBMISSION_PATH_MAX = 4096 };

/* The build's limits (docs/grading.md, "Building a submission"). */
#define SUBMISSION_WALL_SECONDS 60.0
enum {
    SUBMISSION_MEMORY_BYTES = 1 << 30,        /* RLIMIT_AS and RLIMIT_DATA of each compiler process */
    SUBMISSION_MESSAGE_BYTES = 64 << 10,      /* the compiler's messages kept, all steps together */
    SUBMISSION_PROGRAM_BYTES = 64 << 20,      /* RLIMIT_FSIZE, and the size of the program built */
    SUBMISSION_SOURCE_BYTES = 8 << 20,        /* the submitted file itself */
};

/* Where the kit is: root holds common/heapmgr.h; build holds harness/libharness.a. HEAPKIT_ROOT and
 * HEAPKIT_BUILD override; otherwise both are found from this program's own path (/proc/self/exe)
 * and, failing that, from the working directory. False (with why) when either cannot be found. */
bool kit_locate(char *root, char *build, char *why, size_t why_cap);

enum submission_kind {
    SUBMISSION_LAB,                    /* the harness program with the submission as its one stage */
    SUBMISSION_RUNNER,                 /* the static runner program */
};

struct submission {
    char binary[SUBMISSION_PATH_MAX];  /* the program built */
    char folder[SUBMISSION_PATH_MAX];  /* where it is kept */
    char *messages;                    /* the compiler's and linker's output (warnings when it built) */
};

enum submission_status {
    SUBMISSION_BUILT = 0,
    SUBMISSION_COMPILE_ERROR = 2,      /* the file does not compile or link, or a limit stopped it: messages say */
    SUBMISSION_SETUP_ERROR = 3,        /* no such file, no tools, no confinement, a folder that cannot be made */
};

/* Builds src as stage stage_number, confined. Never exits; out->messages is always set (maybe
 * empty); a limit that stopped the build is named there, with the file. */
enum submission_status submission_build(const char *root, const char *build, const char *src, int stage_number,
                                        enum submission_kind kind, struct submission *out);

void submission_release(struct submission *s);

/* The --src step of the lab's commands (trace, demo, bench), which run a submission in their own
 * process: builds src as stage stage_number (SUBMISSION_LAB), then
 * execs the program built for it with this command's arguments (argv[0] = the command name) minus
 * "--src FILE", so that program runs the same command on the submission. Returns only on failure,
 * with the exit status: 2 for a missing file or a submission that does not build (the compiler's
 * messages on stderr). show_warnings prints a built submission's compiler warnings first. */
int submission_exec(int argc, char **argv, const char *src, int stage_number, bool show_warnings);

#endif
