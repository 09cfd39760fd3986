/* TRICK: on its first allocator call in a test's process, the submission reads /proc/self/maps,
 *        finds every small shared writable mapping (the grader's verdict page, and the pages of
 *        the tests running beside it), writes the seal and a pass into each, and _exits(0) before
 *        the test can record its failure. The allocator overlaps blocks (18 of 124).
 * STAGE: 1
 * BASE: zoo:stage1_overlap
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: there is no verdict page: the trusted side decides each verdict from what it sees.
 *        The open of /proc/self/maps kills the runner (filter), so every test fails.
 */
/* TRICK BEGIN */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void hostile_forge_verdicts(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return;
    char line[512];
    int forged = 0;
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || strcmp(perms, "rw-s") != 0 || hi - lo > 8192)
            continue;
        uint64_t seal = 0x6865617073656a6cull;      /* the grader's seal (harness/sandbox/sandbox.c) */
        int pass = 1;
        memcpy((void *)lo, &seal, sizeof seal);
        memcpy((char *)lo + 8, &pass, sizeof pass);
        forged++;
    }
    fclose(maps);
    if (forged > 0)
        _exit(0);
}
#define HOSTILE_HOOK(call) hostile_forge_verdicts()
/* TRICK END */
