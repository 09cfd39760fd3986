/* dispatch.h: a program's subcommands, and picking one from the command line. */
#ifndef HEAPKIT_DISPATCH_H
#define HEAPKIT_DISPATCH_H

#include <stddef.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* Runs the command argv[1] names with the arguments after it; usage on stderr and 2 when none does. */
int command_dispatch(const struct command *table, size_t count, int argc, char **argv);

#endif
