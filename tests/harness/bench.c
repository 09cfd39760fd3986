/* bench.c: heapkit bench (being built). */
#include <stdio.h>

#include "commands.h"

int cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "heapkit bench: not built yet\n");
    return 2;
}
