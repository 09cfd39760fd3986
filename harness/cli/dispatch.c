/* dispatch.c: picking a subcommand (dispatch.h). */
#include "dispatch.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out, const struct command *table, size_t count)
{
    fprintf(out, "usage: heapkit COMMAND [options]   (heapkit COMMAND --help for its options)\n\n");
    for (size_t i = 0; i < count; i++)
        fprintf(out, "  %-6s %s\n", table[i].name, table[i].summary);
}

int command_dispatch(const struct command *table, size_t count, int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr, table, count);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout, table, count);
        return 0;
    }
    for (size_t i = 0; i < count; i++)
        if (strcmp(argv[1], table[i].name) == 0)
            return table[i].run(argc - 1, argv + 1);
    fprintf(stderr, "heapkit: unknown command '%s'\n", argv[1]);
    usage(stderr, table, count);
    return 2;
}
