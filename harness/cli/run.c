/* run.c: heapkit run: a real program on a stage, through LD_PRELOAD.
 *
 *   heapkit run --stage 4 -- ls -l /usr/include
 *
 * Starts COMMAND with LD_PRELOAD naming build/<stage>/libheapmgr-preload.so (found beside this
 * program, through /proc/self/exe), so every malloc of the command and of the programs it starts is
 * served by the stage. When the command exits, the library writes one summary line (mallocs, frees,
 * reallocs, peak heap and mapped bytes, system calls) to standard error, or to the file named by
 * --stats FILE or HEAPKIT_STATS=FILE. The exit status is the command's own (128 + n for signal n).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "stages.h"

struct run_options {
    int stage;                 /* 1 .. 6 */
    const char *stats_to;      /* "stderr" or a file */
    bool every_process;        /* --all: every process the command starts writes its own line */
    char **command;            /* argv of the command, NULL-terminated */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heapkit run --stage N [--stats FILE] [--all] -- COMMAND [ARGS...]\n"
            "  Runs COMMAND with stage N (1-6) as its malloc (LD_PRELOAD of\n"
            "  <heapkit's folder>/<stage>/libheapmgr-preload.so) and prints one summary line when it\n"
            "  exits: mallocs, frees, reallocs, peak heap and mapped bytes, system calls.\n"
            "  --stats FILE  write the line to FILE (emptied first) instead of standard error;\n"
            "                HEAPKIT_STATS=FILE in the environment does the same\n"
            "  --all         a line from every process COMMAND starts, not only from COMMAND\n"
            "  The exit status is COMMAND's (128 + n when signal n ended it; 127 when it cannot start).\n"
            "  Also: make run STAGE=N CMD=\"COMMAND ARGS...\"\n");
}

/* Parses the options; returns 0, or the exit status for a usage error or --help (-1 means 0). */
static int parse_options(int argc, char **argv, struct run_options *opt)
{
    *opt = (struct run_options){.stats_to = getenv("HEAPKIT_STATS")};
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return -1;
        } else if ((strcmp(argv[i], "--stage") == 0 || strcmp(argv[i], "-s") == 0) && i + 1 < argc) {
            opt->stage = stage_parse(argv[++i]);
            if (opt->stage == 0) {
                fprintf(stderr, "heapkit run: '%s' names no stage (1-6)\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--stats") == 0 && i + 1 < argc) {
            opt->stats_to = argv[++i];
        } else if (strcmp(argv[i], "--all") == 0) {
            opt->every_process = true;
        } else {
            break;                                  /* the command starts here (no "--" given) */
        }
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (opt->stage == 0 || i >= argc) {
        fprintf(stderr, "heapkit run: %s\n", opt->stage == 0 ? "which stage? (--stage N)" : "no command given");
        usage(stderr);
        return 2;
    }
    if (opt->stats_to == NULL || opt->stats_to[0] == '\0')
        opt->stats_to = "stderr";
    opt->command = argv + i;
    return 0;
}

/* The build folder: HEAPKIT_BUILD when heapkit set it (a lab of one stage lives below build/),
 * else the folder that holds this program, from /proc/self/exe. */
static bool own_folder(char *folder, size_t folder_bytes)
{
    const char *build = getenv("HEAPKIT_BUILD");
    if (build != NULL && build[0] != '\0') {
        snprintf(folder, folder_bytes, "%s", build);
        return true;
    }
    ssize_t n = readlink("/proc/self/exe", folder, folder_bytes - 1);
    if (n <= 0)
        return false;
    folder[n] = '\0';
    char *slash = strrchr(folder, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    return true;
}

/* Finds <build>/<stage folder>/libheapmgr-preload.so; false (with a message) when it is not built. */
static bool find_library(int stage, char *path, size_t path_bytes)
{
    char folder[PATH_MAX];
    if (!own_folder(folder, sizeof folder)) {
        fprintf(stderr, "heapkit run: cannot find my own folder through /proc/self/exe: %s\n", strerror(errno));
        return false;
    }
    const struct stage *s = stage_get(stage);
    if (s != NULL) {
        snprintf(path, path_bytes, "%s/%s/libheapmgr-preload.so", folder, s->folder);
    } else {
        /* A harness built for one stage knows only that stage's folder: look for the others by number. */
        char pattern[PATH_MAX + 64];
        snprintf(pattern, sizeof pattern, "%s/stage%d_*/libheapmgr-preload.so", folder, stage);
        glob_t found;
        if (glob(pattern, 0, NULL, &found) == 0 && found.gl_pathc > 0)
            snprintf(path, path_bytes, "%s", found.gl_pathv[0]);
        else
            snprintf(path, path_bytes, "%s/stage%d_*/libheapmgr-preload.so", folder, stage);
        globfree(&found);
    }
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "heapkit run: %s is not built (run make): %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

/* The command may change its directory before it exits: a relative file name is made absolute. */
static const char *absolute_stats_path(const char *stats_to, char *buf, size_t buf_bytes)
{
    if (strcmp(stats_to, "stderr") == 0 || strcmp(stats_to, "-") == 0 || stats_to[0] == '/')
        return stats_to;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return stats_to;
    snprintf(buf, buf_bytes, "%s/%s", cwd, stats_to);
    return buf;
}

/* In the child: the environment that puts the stage under the command, then the command itself. */
static _Noreturn void start_command(const struct run_options *opt, const char *library, const char *stats_to)
{
    char pid_text[32];
    snprintf(pid_text, sizeof pid_text, "%ld", (long)getpid());
    setenv("LD_PRELOAD", library, 1);
    setenv("HEAPKIT_STATS", stats_to, 1);
    if (opt->every_process)
        unsetenv("HEAPKIT_STATS_PID");
    else
        setenv("HEAPKIT_STATS_PID", pid_text, 1);   /* exec keeps the pid: only the command writes */
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    execvp(opt->command[0], opt->command);
    int err = errno;
    fprintf(stderr, "heapkit run: cannot run '%s': %s\n", opt->command[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* Empties the summary file so that after the run it holds this run's line(s) only. */
static bool empty_stats_file(const char *stats_to)
{
    if (strcmp(stats_to, "stderr") == 0 || strcmp(stats_to, "-") == 0)
        return true;
    FILE *f = fopen(stats_to, "w");
    if (f == NULL) {
        fprintf(stderr, "heapkit run: cannot write the summary to %s: %s\n", stats_to, strerror(errno));
        return false;
    }
    fclose(f);
    return true;
}

static bool file_is_empty(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return true;
    bool empty = fgetc(f) == EOF;
    fclose(f);
    return empty;
}

int cmd_run(int argc, char **argv)
{
    struct run_options opt;
    int status = parse_options(argc, argv, &opt);
    if (status != 0)
        return status < 0 ? 0 : status;
    char library[PATH_MAX + 64];
    if (!find_library(opt.stage, library, sizeof library))
        return 2;
    char stats_buf[2 * PATH_MAX];
    const char *stats_to = absolute_stats_path(opt.stats_to, stats_buf, sizeof stats_buf);
    if (!empty_stats_file(stats_to))
        return 2;
    fflush(NULL);

    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "heapkit run: fork: %s\n", strerror(errno));
        return 2;
    }
    if (child == 0)
        start_command(&opt, library, stats_to);

    /* Like time(1): a ^C goes to the command, and we stay to report how it ended. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int wait_status;
    while (waitpid(child, &wait_status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "heapkit run: waitpid: %s\n", strerror(errno));
            return 2;
        }
    if (WIFSIGNALED(wait_status)) {
        int sig = WTERMSIG(wait_status);
        fprintf(stderr, "heapkit run: %s was ended by signal %d (%s): it wrote no summary line\n", opt.command[0],
                sig, strsignal(sig));
        return 128 + sig;
    }
    status = WEXITSTATUS(wait_status);
    bool started = status != 126 && status != 127;
    if (started && stats_to[0] == '/' && file_is_empty(stats_to))
        fprintf(stderr, "heapkit run: %s wrote no summary line to %s (a static program, or one that ends "
                        "with _exit?)\n", opt.command[0], stats_to);
    return status;
}
