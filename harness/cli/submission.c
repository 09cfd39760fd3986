/* submission.c: building a submitted heapmgr.c (submission.h). */
#include "submission.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- finding the kit ----------------------------------------------------------------------------- */

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

/* ---- running the tools --------------------------------------------------------------------------- */

struct text {
    char *data;
    size_t length, cap;
};

static void text_append(struct text *t, const char *bytes, size_t n)
{
    if (t->length + n + 1 > t->cap) {
        size_t cap = (t->length + n + 1) * 2;
        char *data = realloc(t->data, cap);
        if (data == NULL)
            return;
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->length, bytes, n);
    t->length += n;
    t->data[t->length] = '\0';
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_printf(struct text *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        text_append(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Runs argv (no shell), appending its stdout and stderr to out. Returns its exit status, or -1. */
static int run_tool(char *const argv[], struct text *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "heapkit: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0)
            text_append(out, buf, (size_t)got);
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- building ------------------------------------------------------------------------------------ */

static const char *const contract[] = { "heapmgr_malloc", "heapmgr_free", "heapmgr_realloc", "heapmgr_check",
                                        "heapmgr_calloc" };
enum { CONTRACT_NAMES = sizeof contract / sizeof contract[0] };

/* "<file name without .c>-<hash of its real path>-stageN": a folder per submission, so that two
 * files named heapmgr.c from two students never share one. */
static void folder_name(const char *real_src, int stage_number, char *name, size_t cap)
{
    const char *base = strrchr(real_src, '/');
    base = base == NULL ? real_src : base + 1;
    char clean[64];
    size_t n = 0;
    for (const char *p = base; *p != '\0' && n + 1 < sizeof clean; p++) {
        if (strcmp(p, ".c") == 0)
            break;
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                     *p == '_';
        clean[n++] = plain ? *p : '_';
    }
    clean[n] = '\0';
    uint32_t hash = 2166136261u;                   /* FNV-1a */
    for (const char *p = real_src; *p != '\0'; p++)
        hash = (hash ^ (unsigned char)*p) * 16777619u;
    snprintf(name, cap, "%s-%08x-stage%d", n > 0 ? clean : "submission", hash, stage_number);
}

static bool make_folder(const char *path)
{
    char at[SUBMISSION_PATH_MAX];
    snprintf(at, sizeof at, "%s", path);
    for (char *p = at + 1; *p != '\0'; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(at, 0777) != 0 && errno != EEXIST)
                return false;
            *p = '/';
        }
    return mkdir(at, 0777) == 0 || errno == EEXIST;
}

static enum submission_status setup_error(struct submission *out, struct text *msg, const char *fmt, const char *arg)
{
    text_printf(msg, fmt, arg, strerror(errno));
    out->messages = msg->data != NULL ? msg->data : calloc(1, 1);
    return SUBMISSION_SETUP_ERROR;
}

/* The compile and link steps, in order; the first that fails ends the build. */
static int build_steps(const char *root, const char *build, const char *src, int stage_number, const char *tmp,
                       const char *binary_tmp, struct text *msg)
{
    const char *cc = getenv("HEAPKIT_CC") != NULL ? getenv("HEAPKIT_CC") : "cc";
    char include[SUBMISSION_PATH_MAX], extra[SUBMISSION_PATH_MAX], obj_stage[SUBMISSION_PATH_MAX];
    char obj_extra[SUBMISSION_PATH_MAX], whole[SUBMISSION_PATH_MAX], stage_o[SUBMISSION_PATH_MAX];
    char lib_harness[SUBMISSION_PATH_MAX], lib_sim[SUBMISSION_PATH_MAX];
    char common[SUBMISSION_PATH_MAX];
    bool fits = path_join(common, root, "common") && snprintf(include, sizeof include, "-I%s", common) < (int)sizeof include &&
                path_join(extra, common, "alloc_extra.c") && path_join(obj_stage, tmp, "heapmgr.o") &&
                path_join(obj_extra, tmp, "alloc_extra.o") && path_join(whole, tmp, "stage.o.whole") &&
                path_join(stage_o, tmp, "stage.o") && path_join(lib_harness, build, "harness/libharness.a") &&
                path_join(lib_sim, build, "common/libcommon-sim.a");
    if (!fits) {
        text_printf(msg, "heapkit: the paths of %s are too long\n", tmp);
        return -1;
    }

#define CFLAGS_LIST "-std=c17", "-Wall", "-Wextra", "-D_DEFAULT_SOURCE", "-O2", "-g", include
    char *compile_src[] = { (char *)cc, CFLAGS_LIST, "-c", (char *)src, "-o", obj_stage, NULL };
    char *compile_extra[] = { (char *)cc, CFLAGS_LIST, "-c", extra, "-o", obj_extra, NULL };
    char *link_whole[] = { "ld", "-r", "-o", whole, obj_stage, obj_extra, NULL };
    char *link_prog[] = { (char *)cc, "-o", (char *)binary_tmp, stage_o, lib_harness, lib_sim, "-lm", NULL };
#undef CFLAGS_LIST
    /* objcopy --redefine-sym heapmgr_X=stageN_heapmgr_X --keep-global-symbol stageN_heapmgr_X ... */
    char renames[CONTRACT_NAMES][2][96];
    char *rename_args[4 + 4 * CONTRACT_NAMES + 1];
    size_t a = 0;
    rename_args[a++] = "objcopy";
    for (size_t i = 0; i < CONTRACT_NAMES; i++) {
        snprintf(renames[i][0], sizeof renames[i][0], "%s=stage%d_%s", contract[i], stage_number, contract[i]);
        snprintf(renames[i][1], sizeof renames[i][1], "stage%d_%s", stage_number, contract[i]);
        rename_args[a++] = "--redefine-sym";
        rename_args[a++] = renames[i][0];
        rename_args[a++] = "--keep-global-symbol";
        rename_args[a++] = renames[i][1];
    }
    rename_args[a++] = whole;
    rename_args[a++] = stage_o;
    rename_args[a] = NULL;

    int status = run_tool(compile_src, msg);
    if (status == 0)
        status = run_tool(compile_extra, msg);
    if (status == 0)
        status = run_tool(link_whole, msg);
    if (status == 0)
        status = run_tool(rename_args, msg);
    if (status == 0) {
        size_t before = msg->length;
        status = run_tool(link_prog, msg);
        if (status != 0 && msg->length > before)
            text_printf(msg, "heapkit: %s must define heapmgr_malloc, heapmgr_free, heapmgr_realloc and "
                        "heapmgr_check (the contract of common/heapmgr.h)\n", src);
    }
    return status;
}

enum submission_status submission_build(const char *root, const char *build, const char *src, int stage_number,
                                        struct submission *out)
{
    memset(out, 0, sizeof *out);
    struct text msg = { 0 };
    char *real_src = realpath(src, NULL);
    if (real_src == NULL)
        return setup_error(out, &msg, "heapkit: cannot read the submission %s: %s\n", src);
    struct stat st;
    if (stat(real_src, &st) != 0 || !S_ISREG(st.st_mode) || access(real_src, R_OK) != 0) {
        free(real_src);
        errno = EISDIR;
        return setup_error(out, &msg, "heapkit: the submission %s is not a readable file: %s\n", src);
    }
    char name[128], tmp[SUBMISSION_PATH_MAX], binary_tmp[SUBMISSION_PATH_MAX];
    folder_name(real_src, stage_number, name, sizeof name);
    char submissions[SUBMISSION_PATH_MAX], tmp_name[32];
    snprintf(tmp_name, sizeof tmp_name, "tmp.%ld", (long)getpid());
    bool fits = path_join(submissions, build, "submissions") && path_join(out->folder, submissions, name) &&
                path_join(out->binary, out->folder, "heapkit") && path_join(tmp, out->folder, tmp_name) &&
                path_join(binary_tmp, tmp, "heapkit");
    if (!fits || !make_folder(tmp)) {
        free(real_src);
        return setup_error(out, &msg, "heapkit: cannot make the build folder %s: %s\n", tmp);
    }
    int status = build_steps(root, build, real_src, stage_number, tmp, binary_tmp, &msg);
    free(real_src);
    enum submission_status result = SUBMISSION_BUILT;
    if (status != 0)
        result = SUBMISSION_COMPILE_ERROR;
    else if (rename(binary_tmp, out->binary) != 0)
        result = setup_error(out, &msg, "heapkit: cannot move the built program to %s: %s\n", out->binary);
    /* The objects are kept only until the program is linked. */
    static const char *const leftovers[] = { "heapmgr.o", "alloc_extra.o", "stage.o.whole", "stage.o", "heapkit" };
    for (size_t i = 0; i < sizeof leftovers / sizeof leftovers[0]; i++) {
        char path[SUBMISSION_PATH_MAX];
        if (path_join(path, tmp, leftovers[i]))
            unlink(path);
    }
    rmdir(tmp);
    out->messages = msg.data != NULL ? msg.data : calloc(1, 1);
    return result;
}

void submission_release(struct submission *s)
{
    free(s->messages);
    s->messages = NULL;
}

int submission_exec(int argc, char **argv, const char *src, int stage_number, bool show_warnings)
{
    const char *command = argv[0];
    if (access(src, R_OK) != 0) {
        fprintf(stderr, "heapkit %s: no such file: %s (SRC must name a stage's heapmgr.c)\n", command, src);
        return 2;
    }
    char root[SUBMISSION_PATH_MAX], build[SUBMISSION_PATH_MAX], why[SUBMISSION_PATH_MAX * 2 + 200];
    if (!kit_locate(root, build, why, sizeof why)) {
        fprintf(stderr, "heapkit %s: %s\n", command, why);
        return 2;
    }
    struct submission sub;
    enum submission_status status = submission_build(root, build, src, stage_number, &sub);
    if (status != SUBMISSION_BUILT) {
        fputs(sub.messages, stderr);
        submission_release(&sub);
        return 2;
    }
    if (show_warnings && sub.messages[0] != '\0')
        fprintf(stderr, "%s", sub.messages);          /* warnings, for the student */
    submission_release(&sub);

    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (args == NULL)
        return 2;
    int n = 0;
    args[n++] = sub.binary;
    args[n++] = (char *)command;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--src") == 0) {
            i++;                                      /* the program built runs the submission itself */
            continue;
        }
        args[n++] = argv[i];
    }
    args[n] = NULL;
    setenv("HEAPKIT_ROOT", root, 1);
    setenv("HEAPKIT_BUILD", build, 1);
    setenv("HEAPKIT_SOURCE", src, 1);
    execv(sub.binary, args);
    fprintf(stderr, "heapkit %s: cannot run %s: ", command, sub.binary);
    perror(NULL);
    free(args);
    return 2;
}
