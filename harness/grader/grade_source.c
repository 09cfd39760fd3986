/* grade_source.c: --src: a submitted file built into a runner program (interim, unconfined build:
 * the file is compiled alone in a fresh folder with copies of the kit's public headers, then linked
 * statically with build/runner/librunner.a). */
#include "grade_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const public_headers[] = { "heapmgr.h", "os.h", "os_sim.h", "chunk.h", "heapwalk.h" };

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in != NULL ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    bool ok = in != NULL && out != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        ok = fclose(out) == 0 && ok;
    return ok;
}

/* Runs argv in dir, its output appended to *messages (at most 64 KiB kept). */
static int run_tool(char *const argv[], const char *dir, char **messages, size_t *length)
{
    enum { MESSAGES_CAP = 64 * 1024 };
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) > 0) {
        size_t keep = *length + (size_t)got > MESSAGES_CAP ? MESSAGES_CAP - *length : (size_t)got;
        char *grown = realloc(*messages, *length + keep + 1);
        if (grown == NULL)
            continue;
        *messages = grown;
        memcpy(*messages + *length, buf, keep);
        *length += keep;
        (*messages)[*length] = '\0';
    }
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int grade_build_runner(const char *root, const char *build, const char *src, int stage, struct submission *out,
                       bool show_warnings, char *why, size_t why_cap, bool *compile_error)
{
    memset(out, 0, sizeof *out);
    *compile_error = false;
    if (access(src, R_OK) != 0) {
        if (errno == ENOENT)
            snprintf(why, why_cap, "no such file: %s", src);
        else
            snprintf(why, why_cap, "cannot read the submission %s: %s", src, strerror(errno));
        return 2;
    }
    char base[SUBMISSION_PATH_MAX + 16];
    snprintf(base, sizeof base, "%s/submissions", build);
    mkdir(base, 0755);
    if (snprintf(out->folder, sizeof out->folder, "%s/runner-stage%d-XXXXXX", base, stage) >= (int)sizeof out->folder) {
        snprintf(why, why_cap, "the build folder's path is too long");
        return 2;
    }
    if (mkdtemp(out->folder) == NULL) {
        snprintf(why, why_cap, "cannot make a build folder in %s: %s", base, strerror(errno));
        return 2;
    }
    char from[SUBMISSION_PATH_MAX * 2], to[SUBMISSION_PATH_MAX * 2], lib[SUBMISSION_PATH_MAX * 2];
    bool copied = true;
    for (size_t i = 0; i < sizeof public_headers / sizeof public_headers[0]; i++) {
        snprintf(from, sizeof from, "%s/common/%s", root, public_headers[i]);
        snprintf(to, sizeof to, "%s/%s", out->folder, public_headers[i]);
        copied = copied && copy_file(from, to);
    }
    snprintf(to, sizeof to, "%s/heapmgr.c", out->folder);
    copied = copied && copy_file(src, to);
    if (!copied) {
        snprintf(why, why_cap, "cannot copy %s and the kit's headers into %s", src, out->folder);
        return 2;
    }
    snprintf(lib, sizeof lib, "%s/runner/librunner.a", build);
    if (snprintf(out->binary, sizeof out->binary, "%.4080s/runner", out->folder) >= (int)sizeof out->binary)
        return 2;
    char *compile[] = { "cc", "-std=c17", "-Wall", "-Wextra", "-D_DEFAULT_SOURCE", "-O2", "-g", "-I.", "-c",
                        "heapmgr.c", "-o", "heapmgr.o", NULL };
    char *link[] = { "cc", "-static", "-o", "runner", "heapmgr.o", lib, NULL };
    size_t length = 0;
    bool built = run_tool(compile, out->folder, &out->messages, &length) == 0 &&
                 run_tool(link, out->folder, &out->messages, &length) == 0;
    if (out->messages == NULL)
        out->messages = calloc(1, 1);
    (void)show_warnings;                       /* the caller shows the messages */
    if (!built) {
        snprintf(why, why_cap, "%s does not build as stage %d", src, stage);
        *compile_error = true;
        return 2;
    }
    /* The runner runs as an unprivileged uid: it may pass through the folder and execute the program
     * (an ELF program needs no read permission to be executed), and nothing else. */
    chmod(out->folder, 0711);
    chmod(out->binary, 0711);
    return 0;
}
