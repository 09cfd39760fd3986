/* kit_locate.c: finding the kit's folder and its build folder (submission.h). */
#include "submission.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* out = dir + "/" + name; false (and out cut short) when it does not fit. */
static bool path_join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, SUBMISSION_PATH_MAX, "%s/%s", dir, name);
    return n >= 0 && n < SUBMISSION_PATH_MAX;
}

static bool exists_under(const char *dir, const char *rel)
{
    char path[SUBMISSION_PATH_MAX];
    return path_join(path, dir, rel) && access(path, F_OK) == 0;
}

/* Walks up from dir (inclusive) to the first folder holding rel; false when none does. */
static bool find_upwards(const char *dir, const char *rel, char *found)
{
    char at[SUBMISSION_PATH_MAX];
    snprintf(at, sizeof at, "%s", dir);
    for (;;) {
        if (exists_under(at, rel)) {
            snprintf(found, SUBMISSION_PATH_MAX, "%s", at);
            return true;
        }
        char *slash = strrchr(at, '/');
        if (slash == NULL || slash == at)
            return false;
        *slash = '\0';
    }
}

bool kit_locate(char *root, char *build, char *why, size_t why_cap)
{
    char exe_dir[SUBMISSION_PATH_MAX] = "", cwd[SUBMISSION_PATH_MAX] = "";
    char *exe = realpath("/proc/self/exe", NULL);
    if (exe != NULL) {
        snprintf(exe_dir, sizeof exe_dir, "%s", exe);
        free(exe);
        char *slash = strrchr(exe_dir, '/');
        if (slash != NULL)
            *slash = '\0';
    }
    if (getcwd(cwd, sizeof cwd) == NULL)
        cwd[0] = '\0';

    const char *env_root = getenv("HEAPKIT_ROOT"), *env_build = getenv("HEAPKIT_BUILD");
    bool have_root = false, have_build = false;
    if (env_root != NULL && *env_root != '\0') {
        char *real = realpath(env_root, NULL);
        snprintf(root, SUBMISSION_PATH_MAX, "%s", real != NULL ? real : env_root);
        free(real);
        have_root = true;
    } else {
        have_root = (exe_dir[0] != '\0' && find_upwards(exe_dir, "common/heapmgr.h", root)) ||
                    (cwd[0] != '\0' && find_upwards(cwd, "common/heapmgr.h", root));
    }
    if (env_build != NULL && *env_build != '\0') {
        char *real = realpath(env_build, NULL);
        snprintf(build, SUBMISSION_PATH_MAX, "%s", real != NULL ? real : env_build);
        free(real);
        have_build = true;
    } else {
        have_build = exe_dir[0] != '\0' && find_upwards(exe_dir, "harness/libharness.a", build);
        if (!have_build && have_root && exists_under(root, "build/harness/libharness.a"))
            have_build = path_join(build, root, "build");
    }
    if (!have_root)
        snprintf(why, why_cap, "cannot find the kit's folder (the one holding common/heapmgr.h) above %s or %s; "
                 "set HEAPKIT_ROOT", exe_dir, cwd);
    else if (!have_build)
        snprintf(why, why_cap, "cannot find the build folder (the one holding harness/libharness.a) above %s; run "
                 "make, or set HEAPKIT_BUILD", exe_dir);
    return have_root && have_build;
}
