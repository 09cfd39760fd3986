/* map_holes.c: where stage 6 (one mapping per malloc) meets the kernel's limit on mappings.
 *
 *   map_holes BLOCKS      (run under a preload library)
 *
 * Allocates BLOCKS blocks of 100 bytes, then frees every other one, then reads back every block still
 * held. The kernel limits a process to vm.max_map_count areas of mapped memory (65530 by default), but
 * it merges neighbouring anonymous mappings into one area: stage 6's mappings, made one after another,
 * merge, and cost areas only when frees punch holes between them. Prints what happened: blocks
 * allocated, freed, intact, and the areas the process has at the end (/proc/self/maps).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_BYTES = 100 };

static long areas_now(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return -1;
    long lines = 0;
    for (int c; (c = fgetc(maps)) != EOF;)
        lines += c == '\n';
    fclose(maps);
    return lines;
}

int main(int argc, char **argv)
{
    long blocks = argc > 1 ? atol(argv[1]) : 0;
    if (blocks <= 0) {
        fprintf(stderr, "usage: %s BLOCKS\n", argv[0]);
        return 2;
    }
    unsigned char **held = calloc((size_t)blocks, sizeof *held);
    if (held == NULL)
        return 1;
    long allocated = 0;
    while (allocated < blocks && (held[allocated] = malloc(BLOCK_BYTES)) != NULL) {
        memset(held[allocated], (int)(allocated & 0xff), BLOCK_BYTES);
        allocated++;
    }
    long freed = 0;
    for (long i = 0; i < allocated; i += 2, freed++) {
        free(held[i]);
        held[i] = NULL;
    }
    long intact = 0;
    for (long i = 1; i < allocated; i += 2)
        intact += held[i][0] == (unsigned char)(i & 0xff) && held[i][BLOCK_BYTES - 1] == (unsigned char)(i & 0xff);
    printf("allocated %ld of %ld, freed %ld, intact %ld of %ld, areas %ld\n", allocated, blocks, freed, intact,
           allocated - freed, areas_now());
    return allocated == blocks && intact == allocated - freed ? 0 : 1;
}
