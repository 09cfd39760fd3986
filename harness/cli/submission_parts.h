/* submission_parts.h: what the files of a submission's build share (submission.h is the API). */
#ifndef HEAPKIT_SUBMISSION_PARTS_H
#define HEAPKIT_SUBMISSION_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "kit_contract.h"
#include "submission.h"

/* ---- messages: a growing string (submission.c) ---------------------------------------------------- */
struct text {
    char *data;
    size_t length, cap;
};

void text_append(struct text *t, const char *bytes, size_t n);
void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the private build folder (submission_folder.c) ------------------------------------------------ */

/* A new folder /tmp/heapkit-build.XXXXXX, mode 0700, owned by this process until confine_run hands
 * it to the build's uid. */
bool build_folder_make(char *folder, char *why, size_t why_cap);

/* Copies the regular file from into folder/name (a new file, mode 0644); at most max_bytes. */
bool build_folder_copy_in(const char *folder, const char *from, const char *name, size_t max_bytes, char *why,
                          size_t why_cap);

enum build_take { BUILD_TAKEN, BUILD_MISSING, BUILD_TOO_BIG, BUILD_TAKE_FAILED };

/* The product folder/name, which the untrusted build wrote: a regular file (not a link) of at most
 * max_bytes, copied (not moved: the copy is this process's, not the build uid's) to `to` through a
 * temporary name and rename(), mode 0755. *bytes is its size. */
enum build_take build_folder_take_out(const char *folder, const char *name, const char *to, size_t max_bytes,
                                      size_t *bytes, char *why, size_t why_cap);

/* Removes folder and everything in it, never following a link. */
void build_folder_remove(const char *folder);

/* ---- the steps (submission_steps.c) ------------------------------------------------------------------ */
struct build_plan {
    const char *display;                   /* the file as the user named it, for messages */
    const char *folder;                    /* the private folder */
    const char *src_name;                  /* the submission's copy in it: "heapmgr.c" */
    int stage_number;
    enum submission_kind kind;
    const struct kit_contract *contract;
    double wall_seconds;                   /* for all steps together */
};

/* Compiles and links in plan->folder, each step confined; leaves "heapkit" or "runner" there.
 * Appends the compiler's output and, when a limit stopped it, a line naming the file and the limit. */
enum submission_status build_run_steps(const struct build_plan *plan, struct text *msg);

/* The product's name in the folder for a kind: "heapkit" or "runner". */
const char *build_product_name(enum submission_kind kind);

#endif
