/* stages.c: the table of the six stages; the program's binding (stages.h) fills in the functions. */
#include "stages.h"

#include <stdlib.h>
#include <string.h>

static struct stage stages[] = {
    { .number = 1, .folder = "stage1_minimal", .lecture_name = "Minimal", .walkable = false },
    { .number = 2, .folder = "stage2_pad", .lecture_name = "Pad", .walkable = false },
    { .number = 3, .folder = "stage3_list", .lecture_name = "List", .walkable = true },
    { .number = 4, .folder = "stage4_dlist", .lecture_name = "Doubly linked list", .walkable = true },
    { .number = 5, .folder = "stage5_bins", .lecture_name = "Bins", .walkable = true },
    { .number = 6, .folder = "stage6_mmap", .lecture_name = "VM", .walkable = false },
};

const struct stage *stage_get(int n)
{
    if (n < STAGE_FIRST || n > STAGE_LAST)
        return NULL;
    struct stage *s = &stages[n - STAGE_FIRST];
    return stage_bind(s) ? s : NULL;
}

const char *stage_folder(int n)
{
    return n >= STAGE_FIRST && n <= STAGE_LAST ? stages[n - STAGE_FIRST].folder : NULL;
}

int stage_parse(const char *text)
{
    if (text == NULL)
        return 0;
    if (strncmp(text, "stage", 5) == 0)
        text += 5;
    char *end;
    long n = strtol(text, &end, 10);
    if (end == text || (*end != '\0' && *end != '_') || n < STAGE_FIRST || n > STAGE_LAST)
        return 0;
    return (int)n;
}
