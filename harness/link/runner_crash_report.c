/* runner_crash_report.c: the source lines of a runner's crash (runner_crash_report.h).
 *
 * The runner is a static, non-PIE program built with -g, so the addresses its handler wrote are the
 * program's own: `addr2line -f -i -p -e runner ADDR...` names each frame's function, file and line
 * (and the functions the compiler inlined into it, which at -O2 is most of a stage's helpers). The
 * callers' return addresses point after their call instruction: one byte back is inside it. If
 * addr2line is missing, the raw addresses are shown with the package to install.
 */
#define _GNU_SOURCE
#include "runner_crash_report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os_sim.h"

extern char **environ;

enum { SYMBOLS_BYTES = 8192, FRAMES_SHOWN = 8 };

/* Runs addr2line on the addresses; its output (NUL-terminated) in out, false if it could not run. */
static bool run_addr2line(const char *runner_path, const uint64_t *addrs, size_t n, char *out, size_t cap)
{
    char args[PROTOCOL_CRASH_FRAMES][24];
    char *argv[PROTOCOL_CRASH_FRAMES + 8];
    size_t k = 0;
    argv[k++] = "addr2line";
    argv[k++] = "-f";
    argv[k++] = "-i";
    argv[k++] = "-p";
    argv[k++] = "-e";
    argv[k++] = (char *)runner_path;
    for (size_t i = 0; i < n; i++) {
        snprintf(args[i], sizeof args[i], "%#" PRIx64, addrs[i]);
        argv[k++] = args[i];
    }
    argv[k] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return false;
    }
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fds[0], out + got, cap - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || (got += (size_t)r) == cap - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The frames of the C library and the runner's own loop say nothing about the student's code: the
 * backtrace stops at the runner's main, and frames in glibc's files are kept (a memcpy that faults
 * is worth seeing) but cost a line each. */
static bool is_runner_loop(const char *line)
{
    return strncmp(line, "main at ", 8) == 0 || strncmp(line, "run_one at ", 11) == 0 ||
           strncmp(line, "run_batch at ", 13) == 0 || strncmp(line, "call_allocator at ", 18) == 0 ||
           strncmp(line, "runner_at_operation at ", 23) == 0;
}

static const char *fault_words(int sig, uint64_t address)
{
    uint64_t heap = OS_SIM_SHARED_ADDR, region = (uint64_t)1 << OS_SIM_REGION_SHIFT;
    if (sig != SIGSEGV && sig != SIGBUS)
        return "";
    if (address < 4096)
        return " (a NULL pointer, or one near it)";
    if (address < heap && heap - address <= 4096)
        return " (just below the start of the heap: a chunk before the first one?)";
    if (address >= heap && address - heap < region)
        return " (in the heap, past the break: memory the seam has not given)";
    if (address >= heap + region && address - heap - region < region)
        return " (in the mapping region, where nothing is mapped now)";
    return "";
}

/* addr2line names the files as the compiler saw them: a submission's copy in its build folder
 * (/tmp/heapkit-build.XXXXXX/name.c) becomes name.c, and the kit's headers there common/name.h. */
static void tidy_paths(const char *line, char *out, size_t cap)
{
    static const char build_dir[] = "/tmp/heapkit-build.";
    size_t n = 0;
    for (const char *p = line; *p != '\0' && n + 1 < cap;) {
        if (strncmp(p, build_dir, sizeof build_dir - 1) == 0 && strchr(p + sizeof build_dir - 1, '/') != NULL) {
            p = strchr(p + sizeof build_dir - 1, '/') + 1;
            const char *colon = strchr(p, ':');
            if (colon != NULL && colon - p > 2 && colon[-2] == '.' && colon[-1] == 'h')
                n += (size_t)snprintf(out + n, cap - n, "common/");
            continue;
        }
        out[n++] = *p++;
    }
    out[n < cap ? n : cap - 1] = '\0';
}

void runner_crash_describe(const volatile struct protocol_progress *page, const char *runner_path, char *out,
                           size_t cap)
{
    out[0] = '\0';
    uint32_t n = page->crash_frame_count;
    if (page->crash_signal == 0 || n == 0)
        return;
    if (n > PROTOCOL_CRASH_FRAMES)
        n = PROTOCOL_CRASH_FRAMES;
    uint64_t addrs[PROTOCOL_CRASH_FRAMES];
    for (uint32_t i = 0; i < n; i++)
        addrs[i] = page->crash_frames[i] - (i > 0 && page->crash_frames[i] > 0);   /* inside the call */
    int sig = (int)page->crash_signal;
    size_t used = 0;
    if (sig == SIGSEGV || sig == SIGBUS)
        used += (size_t)snprintf(out + used, cap - used, "the fault was at address %#" PRIx64 "%s\n",
                                 page->crash_address, fault_words(sig, page->crash_address));
    static char symbols[SYMBOLS_BYTES];
    if (!run_addr2line(runner_path, addrs, n, symbols, sizeof symbols)) {
        if (used < cap)
            used += (size_t)snprintf(out + used, cap - used, "backtrace of the runner (raw addresses: install "
                                     "binutils for addr2line to name them):");
        for (uint32_t i = 0; i < n && used < cap; i++)
            used += (size_t)snprintf(out + used, cap - used, " %#" PRIx64, addrs[i]);
        if (used < cap)
            snprintf(out + used, cap - used, "\n");
        return;
    }
    if (used < cap)
        used += (size_t)snprintf(out + used, cap - used, "backtrace (the runner's stack, named by addr2line):\n");
    size_t frame = 0;
    for (char *save = NULL, *line = strtok_r(symbols, "\n", &save); line != NULL && used < cap;
         line = strtok_r(NULL, "\n", &save)) {
        char tidy[512];
        tidy_paths(line, tidy, sizeof tidy);
        line = tidy;
        bool inlined = strncmp(line, " (inlined by) ", 14) == 0;
        if (is_runner_loop(inlined ? line + 14 : line))
            break;
        if (frame >= FRAMES_SHOWN) {
            used += (size_t)snprintf(out + used, cap - used, "  ...\n");
            break;
        }
        if (inlined)
            used += (size_t)snprintf(out + used, cap - used, "     inlined in %s\n", line + 14);
        else
            used += (size_t)snprintf(out + used, cap - used, "  #%zu %s\n", frame, line);
        frame++;
    }
}
