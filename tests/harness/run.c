/* run.c: heapkit run (being built). */
#include <stdio.h>

#include "commands.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "heapkit run: not built yet\n");
    return 2;
}
