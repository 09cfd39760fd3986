/* main.c: build/heapkit, the harness program: grade, trace, bench, demo, run. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"grade", cmd_grade, "grade a stage (or all six): isolated tests, points, reports"},
    {"trace", cmd_trace, "replay CS:APP-format trace files on a stage and the C library"},
    {"bench", cmd_bench, "the lecture's summary table, measured against the C library"},
    {"demo", cmd_demo, "the lecture's slide sequences as heap pictures"},
    {"run", cmd_run, "run a program on a stage through LD_PRELOAD"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: heapkit COMMAND [options]   (heapkit COMMAND --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-6s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "heapkit: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
