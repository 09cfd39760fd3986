/* submission.h: building a submitted heapmgr.c into a harness program of its own.
 *
 * A submission is compiled exactly like a reference stage (see the Makefile's stage.o rule): the file
 * plus common/alloc_extra.c, linked into one relocatable object with `ld -r`, whose contract is
 * renamed stageN_heapmgr_* with objcopy and kept as its only global symbols; then linked with the
 * harness library and the simulated seam into <build>/submissions/<name>-stageN/heapkit. The program
 * links that one stage, so stage_get(N) is the submission. The grader builds and then execs it; the
 * instructor kit's batch grader builds many the same way.
 */
#ifndef HEAPKIT_SUBMISSION_H
#define HEAPKIT_SUBMISSION_H

#include <stdbool.h>
#include <stddef.h>

enum { SUBMISSION_PATH_MAX = 4096 };

/* Where the kit is: root holds common/heapmgr.h; build holds harness/libharness.a. HEAPKIT_ROOT and
 * HEAPKIT_BUILD override; otherwise both are found from this program's own path (/proc/self/exe)
 * and, failing that, from the working directory. False (with why) when either cannot be found. */
bool kit_locate(char *root, char *build, char *why, size_t why_cap);

struct submission {
    char binary[SUBMISSION_PATH_MAX];  /* the program built */
    char folder[SUBMISSION_PATH_MAX];  /* its build folder */
    char *messages;                    /* the compiler's and linker's output (warnings when it built) */
};

enum submission_status {
    SUBMISSION_BUILT = 0,
    SUBMISSION_COMPILE_ERROR = 2,      /* the file does not compile or link: messages hold why */
    SUBMISSION_SETUP_ERROR = 3,        /* no such file, no tools, a folder that cannot be made */
};

/* Builds src as stage stage_number. Never exits; out->messages is always set (maybe empty). */
enum submission_status submission_build(const char *root, const char *build, const char *src, int stage_number,
                                        struct submission *out);

void submission_release(struct submission *s);

/* The --src step of every harness command: builds src as stage stage_number, then execs the program
 * built for it with this command's arguments (argv[0] = the command name) minus "--src FILE", so
 * that program runs the same command on the submission. Returns only on failure, with the exit
 * status: 2 for a missing file or a submission that does not build (the compiler's messages on
 * stderr). show_warnings prints a built submission's compiler warnings first. */
int submission_exec(int argc, char **argv, const char *src, int stage_number, bool show_warnings);

#endif
