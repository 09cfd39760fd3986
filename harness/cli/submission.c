/* submission.c: building a submitted heapmgr.c, confined (submission.h), and running the result.
 *
 * The order of a build:
 *   1. the file must be a readable regular file of at most SUBMISSION_SOURCE_BYTES;
 *   2. a fresh private folder under /tmp receives copies of it, of the kit's public headers and
 *      sources (common/contract.list) and of what the link needs, and nothing else;
 *   3. the steps run in it, confined (submission_steps.c);
 *   4. the program built is checked (a regular file within SUBMISSION_PROGRAM_BYTES) and copied to
 *      <build>/submissions/<name>/; the private folder is removed whatever happened.
 */
#include "submission_parts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages ----------------------------------------------------------------------------------- */

void text_append(struct text *t, const char *bytes, size_t n)
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

void text_printf(struct text *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        text_append(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---- names and folders -------------------------------------------------------------------------- */

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

/* The copy's name in the private folder: the file's own name when it is a plain "name.c" that
 * clashes with nothing of the kit's (so the compiler's messages name it), else "heapmgr.c". */
static void copy_name(const char *real_src, const struct kit_contract *contract, char *name, size_t cap)
{
    const char *base = strrchr(real_src, '/');
    base = base == NULL ? real_src : base + 1;
    size_t len = strlen(base);
    bool plain = len > 2 && len < 60 && strcmp(base + len - 2, ".c") == 0 && base[0] != '.' && base[0] != '-';
    for (size_t i = 0; plain && i < len; i++)
        plain = (base[i] >= 'a' && base[i] <= 'z') || (base[i] >= 'A' && base[i] <= 'Z') ||
                (base[i] >= '0' && base[i] <= '9') || base[i] == '_' || base[i] == '-' || base[i] == '.';
    for (size_t i = 0; plain && i < contract->source_count; i++)
        plain = strcmp(base, contract->sources[i]) != 0;
    snprintf(name, cap, "%s", plain ? base : "heapmgr.c");
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

static bool path_join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, SUBMISSION_PATH_MAX, "%s/%s", dir, name);
    return n >= 0 && n < SUBMISSION_PATH_MAX;
}

/* What the private folder receives, besides the submission: from the kit (root) or its build. */
struct kit_file {
    bool from_build;
    const char *path;                      /* under root or build */
    const char *name;                      /* its name in the folder */
};

static const struct kit_file lab_files[] = {
    { true, "harness/libharness.a", "libharness.a" },
    { true, "harness/cli/lab_main.o", "lab_main.o" },
    { true, "harness/cli/stages_local.o", "stages_local.o" },
    { true, "common/libcommon-sim.a", "libcommon-sim.a" },
    { false, "tools/stage-object", "stage-object" },
    { false, "common/contract.list", "contract.list" },
};
static const struct kit_file runner_files[] = {
    { true, "runner/librunner.a", "librunner.a" },
};

static bool fill_folder(const char *folder, const char *root, const char *build, const char *real_src,
                        const char *src_name, const struct kit_contract *contract, enum submission_kind kind,
                        char *why, size_t why_cap)
{
    enum { KIT_FILE_BYTES = 256 << 20 };
    char from[SUBMISSION_PATH_MAX + 80];
    if (!build_folder_copy_in(folder, real_src, src_name, SUBMISSION_SOURCE_BYTES, why, why_cap))
        return false;
    for (size_t i = 0; i < contract->header_count; i++) {
        snprintf(from, sizeof from, "%s/common/%s", root, contract->headers[i]);
        if (!build_folder_copy_in(folder, from, contract->headers[i], KIT_FILE_BYTES, why, why_cap))
            return false;
    }
    for (size_t i = 0; i < contract->source_count; i++) {
        snprintf(from, sizeof from, "%s/common/%s", root, contract->sources[i]);
        if (!build_folder_copy_in(folder, from, contract->sources[i], KIT_FILE_BYTES, why, why_cap))
            return false;
    }
    const struct kit_file *files = kind == SUBMISSION_LAB ? lab_files : runner_files;
    size_t count = kind == SUBMISSION_LAB ? sizeof lab_files / sizeof lab_files[0]
                                          : sizeof runner_files / sizeof runner_files[0];
    for (size_t i = 0; i < count; i++) {
        snprintf(from, sizeof from, "%s/%s", files[i].from_build ? build : root, files[i].path);
        if (access(from, R_OK) != 0) {
            snprintf(why, why_cap, "%s is missing: run make first", from);
            return false;
        }
        if (!build_folder_copy_in(folder, from, files[i].name, KIT_FILE_BYTES, why, why_cap))
            return false;
    }
    return true;
}

/* ---- the build ---------------------------------------------------------------------------------- */

static enum submission_status setup_error(struct text *msg, const char *src, const char *why)
{
    text_printf(msg, "heapkit: cannot build %s: %s\n", src, why);
    return SUBMISSION_SETUP_ERROR;
}

/* Steps 3 and 4 of the build, in the private folder. */
static enum submission_status build_in(const char *private_folder, const char *src, const char *src_name,
                                       int stage_number, enum submission_kind kind,
                                       const struct kit_contract *contract, struct submission *out, struct text *msg)
{
    struct build_plan plan = {
        .display = src, .folder = private_folder, .src_name = src_name, .stage_number = stage_number,
        .kind = kind, .contract = contract, .wall_seconds = SUBMISSION_WALL_SECONDS,
    };
    enum submission_status status = build_run_steps(&plan, msg);
    if (status != SUBMISSION_BUILT)
        return status;
    char why[SUBMISSION_PATH_MAX + 200];
    size_t bytes;
    switch (build_folder_take_out(private_folder, build_product_name(kind), out->binary, SUBMISSION_PROGRAM_BYTES,
                                  &bytes, why, sizeof why)) {
    case BUILD_TAKEN:
        return SUBMISSION_BUILT;
    case BUILD_TOO_BIG:
        text_printf(msg, "heapkit: the program built from %s is %.1f MiB, past the limit of %d MiB\n", src,
                    (double)bytes / (1 << 20), SUBMISSION_PROGRAM_BYTES >> 20);
        return SUBMISSION_COMPILE_ERROR;
    case BUILD_MISSING:
    case BUILD_TAKE_FAILED:
        break;
    }
    return setup_error(msg, src, why);
}

enum submission_status submission_build(const char *root, const char *build, const char *src, int stage_number,
                                        enum submission_kind kind, struct submission *out)
{
    memset(out, 0, sizeof *out);
    struct text msg = { 0 };
    char why[SUBMISSION_PATH_MAX + 200];
    enum submission_status status = SUBMISSION_SETUP_ERROR;
    struct kit_contract contract;
    struct stat st;
    char *real_src = realpath(src, NULL);
    if (real_src == NULL) {
        snprintf(why, sizeof why, "cannot read it: %s", strerror(errno));
        status = setup_error(&msg, src, why);
    } else if (stat(real_src, &st) != 0 || !S_ISREG(st.st_mode) || access(real_src, R_OK) != 0) {
        status = setup_error(&msg, src, "it is not a readable file");
    } else if ((size_t)st.st_size > SUBMISSION_SOURCE_BYTES) {
        snprintf(why, sizeof why, "it is %.1f MiB, past the limit of %d MiB for a submitted file",
                 (double)st.st_size / (1 << 20), SUBMISSION_SOURCE_BYTES >> 20);
        status = setup_error(&msg, src, why);
    } else if (!kit_contract_read(root, &contract, why, sizeof why)) {
        status = setup_error(&msg, src, why);
    } else {
        char name[128], submissions[SUBMISSION_PATH_MAX], private_folder[SUBMISSION_PATH_MAX], src_name[64];
        folder_name(real_src, stage_number, name, sizeof name);
        copy_name(real_src, &contract, src_name, sizeof src_name);
        bool fits = path_join(submissions, build, "submissions") && path_join(out->folder, submissions, name) &&
                    path_join(out->binary, out->folder, build_product_name(kind));
        if (!fits || !make_folder(out->folder)) {
            snprintf(why, sizeof why, "cannot make the folder %s: %s", out->folder, strerror(errno));
            status = setup_error(&msg, src, why);
        } else if (!build_folder_make(private_folder, why, sizeof why)) {
            status = setup_error(&msg, src, why);
        } else {
            if (!fill_folder(private_folder, root, build, real_src, src_name, &contract, kind, why, sizeof why))
                status = setup_error(&msg, src, why);
            else
                status = build_in(private_folder, src, src_name, stage_number, kind, &contract, out, &msg);
            build_folder_remove(private_folder);
        }
    }
    free(real_src);
    out->messages = msg.data != NULL ? msg.data : calloc(1, 1);
    return status;
}

void submission_release(struct submission *s)
{
    free(s->messages);
    s->messages = NULL;
}

/* ---- running the harness program built ----------------------------------------------------------- */

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
    enum submission_status status = submission_build(root, build, src, stage_number, SUBMISSION_LAB, &sub);
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
