/* lab_main.c: build/heapkit-lab: the commands that run allocators inside this process, to time them
 * (trace, bench), draw them (demo) or preload them (run). It never grades; build/heapkit execs it. */
#include "commands.h"
#include "dispatch.h"

static const struct command commands[] = {
    {"trace", cmd_trace, "replay CS:APP-format trace files on a stage and the C library"},
    {"bench", cmd_bench, "the lecture's summary table, measured against the C library"},
    {"demo", cmd_demo, "the lecture's slide sequences as heap pictures"},
    {"run", cmd_run, "run a program on a stage through LD_PRELOAD"},
};

int main(int argc, char **argv)
{
    return command_dispatch(commands, sizeof commands / sizeof commands[0], argc, argv);
}
