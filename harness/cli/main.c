/* main.c: build/heapkit, the front door: grade here; trace, bench, demo and run in the lab.
 *
 * This program decides grades, so it holds no stage code: the grader reaches each stage through a
 * runner program (harness/grader). The commands that run allocators in their own process, to time
 * them or draw them, live in build/heapkit-lab (lab_main.c), which this program execs for them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "dispatch.h"

/* Runs the same command line in heapkit-lab, found beside this program, or the lab HEAPKIT_LAB names
 * (the Makefile's lab of one stage, so that a stage that does not compile blocks only itself). */
static int in_lab(int argc, char **argv)
{
    (void)argc;
    char self[PATH_MAX], lab[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "heapkit: cannot find this program's folder: %s\n", strerror(errno));
        return 2;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(lab, sizeof lab, "%s/heapkit-lab", self);
    const char *chosen = getenv("HEAPKIT_LAB");
    if (chosen != NULL && chosen[0] != '\0') {
        snprintf(lab, sizeof lab, "%s", chosen);
        setenv("HEAPKIT_BUILD", self, 0);            /* the lab's own folder is not the build folder */
    }
    argv[-1] = "heapkit-lab";                        /* argv[0] is the command: keep it as argv[1] */
    execv(lab, argv - 1);
    fprintf(stderr, "heapkit: cannot run %s: %s (run make)\n", lab, strerror(errno));
    return 2;
}

static const struct command commands[] = {
    {"grade", cmd_grade, "grade a stage (or all six): isolated tests, points, reports"},
    {"trace", in_lab, "replay CS:APP-format trace files on a stage and the C library"},
    {"bench", in_lab, "the lecture's summary table, measured against the C library"},
    {"demo", in_lab, "the lecture's slide sequences as heap pictures"},
    {"run", in_lab, "run a program on a stage through LD_PRELOAD"},
};

int main(int argc, char **argv)
{
    return command_dispatch(commands, sizeof commands / sizeof commands[0], argc, argv);
}
