/* batch_find.c: finding the submissions in a class folder (batch_class.h).
 *
 * Each visible entry of the folder is one student: a folder (its heapmgr.c, first in the stage's
 * own folder, then at its top, also one or two folders down, e.g. a whole repository; failing that
 * its only .c file), or a file NAME.c. Anything else is skipped with a word on stderr.
 */
#include "batch_class.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages.h"

enum { FOLDER_DEPTH = 2 };                          /* how far down a student's folder is searched */

/* Looks for the submission inside a student's folder, depth levels down at most: first
 * <stage folder>/heapmgr.c, then heapmgr.c, at each level. Returns the path or NULL. */
static char *find_in_folder(const char *dir, const char *stage_folder, int depth)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/heapmgr.c", dir, stage_folder);
    if (batch_is_file(path))
        return batch_copy_text(path);
    snprintf(path, sizeof path, "%s/heapmgr.c", dir);
    if (batch_is_file(path))
        return batch_copy_text(path);
    if (depth == 0)
        return NULL;
    size_t count = 0;
    char **names = batch_list_dir(dir, &count);
    char *found = NULL;
    for (size_t i = 0; names != NULL && i < count && found == NULL; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (batch_is_dir(path))
            found = find_in_folder(path, stage_folder, depth - 1);
    }
    batch_free_list(names, count);
    return found;
}

/* A folder without heapmgr.c but with exactly one .c file at its top: that file. Otherwise NULL,
 * and *why says what was found instead. */
static char *single_c_file(const char *dir, char **why)
{
    size_t count = 0;
    char **names = batch_list_dir(dir, &count);
    char *found = NULL;
    size_t c_files = 0;
    for (size_t i = 0; names != NULL && i < count; i++) {
        if (!batch_ends_with(names[i], ".c"))
            continue;
        c_files++;
        if (found == NULL)
            found = batch_format_text("%s/%s", dir, names[i]);
    }
    batch_free_list(names, count);
    if (c_files == 1)
        return found;
    free(found);
    if (c_files == 0)
        *why = batch_copy_text("no heapmgr.c (and no other .c file) in the folder");
    else
        *why = batch_format_text("no heapmgr.c, and %zu other .c files: which one is the allocator?",
                                 c_files);
    return NULL;
}

/* Fills s from the entry name of the class folder (at path); false when the entry is no student. */
static bool find_student(struct student *s, const char *path, const char *name, const char *stage_folder)
{
    s->reason = NULL;
    if (batch_is_dir(path)) {
        s->name = batch_copy_text(name);
        s->file = find_in_folder(path, stage_folder, FOLDER_DEPTH);
        if (s->file == NULL)
            s->file = single_c_file(path, &s->reason);
    } else if (batch_is_file(path) && batch_ends_with(name, ".c")) {
        s->name = batch_copy_text(name);
        s->name[strlen(s->name) - 2] = '\0';        /* alice.c is alice */
        s->file = batch_copy_text(path);
    } else {
        return false;
    }
    if (s->file == NULL && s->reason == NULL)
        s->reason = batch_copy_text("no submission found");
    if (s->file == NULL)
        s->status = ST_NO_SUBMISSION;
    return true;
}

bool batch_find_submissions(struct batch *b)
{
    size_t count = 0;
    char **names = batch_list_dir(b->dir, &count);
    if (names == NULL) {
        batch_complain("cannot read the folder %s: %s", b->dir, strerror(errno));
        return false;
    }
    b->students = calloc(count ? count : 1, sizeof *b->students);
    const char *stage_folder = stage_get(b->stage) ? stage_get(b->stage)->folder : "";
    for (size_t i = 0; i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", b->dir, names[i]);
        if (find_student(&b->students[b->count], path, names[i], stage_folder))
            b->count++;
        else
            batch_complain("skipping %s (neither a folder nor a .c file)", path);
    }
    batch_free_list(names, count);
    if (b->count == 0) {
        batch_complain("no submissions in %s (expected a folder or a .c file per student)", b->dir);
        return false;
    }
    return true;
}
