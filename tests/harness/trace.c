/* trace.c: heapkit trace (being built). */
#include <stdio.h>

#include "commands.h"

int cmd_trace(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "heapkit trace: not built yet\n");
    return 2;
}
