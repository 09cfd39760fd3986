/* stats.c: the preload library's counters and its exit summary (see stats.h).
 *
 * The summary is written from a destructor, which runs when the program calls exit() or returns from
 * main, after its own atexit handlers; programs that end with _exit (dash does) reach it through
 * exit_hook.c. It is formatted with snprintf into a stack buffer and written
 * with write(2): no stdio stream, because stdio buffers come from malloc, which is us.
 */
#define _GNU_SOURCE
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "os.h"

#ifndef HEAPKIT_STAGE_FOLDER
#define HEAPKIT_STAGE_FOLDER "unknown-stage"
#endif

struct preload_counts {
    unsigned long mallocs, frees, reallocs, failures;
    size_t live_bytes, peak_live_bytes;   /* bytes the program asked for and holds: no tags, no slack */
};

/* The state of the heap when the stage first refused a request: where a stage's design runs out. */
struct first_failure {
    bool happened;
    size_t req_bytes;
    unsigned long mallocs_before;
    struct os_stats seam;
};

static struct preload_counts counts;
static struct first_failure first_failure;

/* Where the line goes, read from the environment once when the library is loaded. */
enum { PRIVATE_FD_LOWEST = 900 };

static char stats_path[PATH_MAX];
static bool stats_wanted;
static int stats_stderr_fd = -1;          /* a private copy of stderr, or -1 when writing to a file */
static pid_t stats_only_pid;              /* 0 = every process writes */

static void add_live(size_t req_bytes)
{
    counts.live_bytes += req_bytes;
    if (counts.live_bytes > counts.peak_live_bytes)
        counts.peak_live_bytes = counts.live_bytes;
}

void stats_note_alloc(size_t req_bytes)
{
    counts.mallocs++;
    add_live(req_bytes);
}

void stats_note_free(size_t req_bytes)
{
    counts.frees++;
    counts.live_bytes -= req_bytes;
}

void stats_note_resize(size_t old_bytes, size_t new_bytes)
{
    counts.reallocs++;
    counts.live_bytes -= old_bytes;
    add_live(new_bytes);
}

void stats_note_failure(size_t req_bytes)
{
    counts.failures++;
    if (first_failure.happened)
        return;
    first_failure.happened = true;
    first_failure.req_bytes = req_bytes;
    first_failure.mallocs_before = counts.mallocs;
    first_failure.seam = os_stats();
}

/* ---- the summary line ------------------------------------------------------------------------------ */

__attribute__((destructor)) static void write_summary_at_exit(void)
{
    stats_write_summary();
}

/* Many programs close standard error on their way out (the GNU tools check that their output was
 * written), before any destructor runs. So the line goes to a copy of stderr made at load time, at a
 * high descriptor the program is unlikely to use, closed on exec. */
static int private_copy_of_stderr(void)
{
    int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, PRIVATE_FD_LOWEST);
    if (fd < 0)
        fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);   /* a low limit on open files */
    return fd;
}

/* The program may change directory before it exits: a relative file name is taken from where it started. */
static bool remember_absolute_path(const char *where)
{
    char cwd[PATH_MAX];
    int n;
    if (where[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
        n = snprintf(stats_path, sizeof stats_path, "%s/%s", cwd, where);
    else
        n = snprintf(stats_path, sizeof stats_path, "%s", where);
    if (n < 0 || (size_t)n >= sizeof stats_path)
        return false;                               /* a name too long for a path: no line at all */
    return true;
}

__attribute__((constructor)) static void read_settings(void)
{
    const char *where = getenv("HEAPKIT_STATS");
    if (where == NULL || where[0] == '\0')
        return;
    stats_wanted = true;
    if (strcmp(where, "stderr") == 0 || strcmp(where, "-") == 0)
        stats_stderr_fd = private_copy_of_stderr();
    else if (!remember_absolute_path(where))
        stats_wanted = false;
    const char *only_pid = getenv("HEAPKIT_STATS_PID");
    if (only_pid != NULL)
        stats_only_pid = (pid_t)strtol(only_pid, NULL, 10);
}

/* Appends to line (of capacity line_bytes, holding used bytes); returns the new length. */
static size_t append(char *line, size_t line_bytes, size_t used, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static size_t append(char *line, size_t line_bytes, size_t used, const char *format, ...)
{
    if (used >= line_bytes)
        return used;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line + used, line_bytes - used, format, args);
    va_end(args);
    if (n < 0)
        return used;
    return used + (size_t)n < line_bytes ? used + (size_t)n : line_bytes - 1;
}

static size_t format_summary(char *line, size_t line_bytes, const struct preload_counts *c,
                             const struct first_failure *ff, const struct os_stats *s)
{
    size_t used = 0;
    used = append(line, line_bytes, used, "heapkit: stage=%s prog=%s pid=%ld", HEAPKIT_STAGE_FOLDER,
                  program_invocation_short_name, (long)getpid());
    used = append(line, line_bytes, used, " mallocs=%lu frees=%lu reallocs=%lu failed=%lu",
                  c->mallocs, c->frees, c->reallocs, c->failures);
    used = append(line, line_bytes, used,
                  " peak_live_bytes=%zu peak_heap_bytes=%zu peak_mapped_bytes=%zu peak_mappings=%zu",
                  c->peak_live_bytes, s->peak_heap_bytes, s->peak_mapped_bytes, s->peak_mappings);
    used = append(line, line_bytes, used, " syscalls=%lu brk=%lu sbrk=%lu mmap=%lu munmap=%lu failed_syscalls=%lu",
                  os_stats_calls(s), s->brk_calls, s->sbrk_calls, s->mmap_calls, s->munmap_calls,
                  s->failed_calls);
    if (ff->happened)
        used = append(line, line_bytes, used,
                      " first_failure_request_bytes=%zu first_failure_after_mallocs=%lu"
                      " first_failure_heap_bytes=%zu first_failure_mapped_bytes=%zu first_failure_mappings=%zu",
                      ff->req_bytes, ff->mallocs_before, ff->seam.heap_bytes, ff->seam.mapped_bytes,
                      ff->seam.mappings);
    return append(line, line_bytes, used, "\n");
}

/* The process that wrote its line already: exit() runs the destructor after an _exit hook cannot, but a
 * vfork child shares this variable with its parent, so the pid is recorded, not a flag. */
static pid_t written_by_pid;

void stats_write_summary(void)
{
    pid_t me = getpid();
    if (!stats_wanted || (stats_only_pid != 0 && stats_only_pid != me) || written_by_pid == me)
        return;
    written_by_pid = me;
    int saved_errno = errno;
    preload_lock();
    struct preload_counts c = counts;
    struct first_failure ff = first_failure;
    struct os_stats s = os_stats();
    preload_unlock();

    char line[1024];
    size_t line_used = format_summary(line, sizeof line, &c, &ff, &s);
    int fd = stats_stderr_fd;
    if (stats_path[0] != '\0')
        fd = open(stats_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ssize_t ignored = write(fd, line, line_used);
        (void)ignored;                     /* a summary that cannot be written is simply not written */
        if (stats_path[0] != '\0')
            close(fd);
    }
    errno = saved_errno;
}
