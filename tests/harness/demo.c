/* demo.c: heapkit demo (being built). */
#include <stdio.h>

#include "commands.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "heapkit demo: not built yet\n");
    return 2;
}
