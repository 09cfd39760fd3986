/* op_log_trace.c: a failing test's calls as a trace file (op_log.h, grade --dump).
 *
 * Block pN is trace id N (id 0 is never used), so the pictures name blocks as the grader's messages
 * do and the demos replay the file on the stage (heapkit demo --file) and draw
 * the heap after every call. What a trace cannot say stays a comment where it happened: the file
 * replays the allocator's calls, not the grader's own doings (payload checks, a seam told to fail, a
 * heap corrupted on purpose), and the message beside the picture says what the grader saw.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_log.h"
#include "protocol.h"

static char dump_path[4096], dump_comment[1024];
static int dumped;

void op_log_set_dump(const char *path, const char *comment)
{
    snprintf(dump_path, sizeof dump_path, "%s", path != NULL ? path : "");
    snprintf(dump_comment, sizeof dump_comment, "%s", comment != NULL ? comment : "");
    dumped = 0;
}

static void write_op(FILE *f, const struct op_entry *e, char *words, size_t cap)
{
    op_log_describe(e, words, cap);
    uint32_t id = e->id;
    bool named = e->id != 0;
    switch (e->call) {
    case OP_MALLOC:
        if (named)
            fprintf(f, "a %" PRIu32 " %" PRIu64 "\n", id, e->a);
        else
            fprintf(f, "# operation %" PRIu32 ": %s returned NULL\n", e->op, words);
        return;
    case OP_CALLOC:
        if (named)
            fprintf(f, "# operation %" PRIu32 ": %s, as an allocation of their product\na %" PRIu32 " %" PRIu64 "\n",
                    e->op, words, id, e->a * e->b);
        else
            fprintf(f, "# operation %" PRIu32 ": %s returned NULL\n", e->op, words);
        return;
    case OP_FREE:
        if (named)
            fprintf(f, "f %" PRIu32 "\n", id);
        else
            fprintf(f, "# operation %" PRIu32 ": %s\n", e->op, words);
        return;
    case OP_REALLOC:
        if (named && e->a == 0)
            fprintf(f, "a %" PRIu32 " %" PRIu64 "\n", id, e->b);    /* realloc(NULL, n) allocates */
        else if (named)
            fprintf(f, "r %" PRIu32 " %" PRIu64 "\n", id, e->b);
        else
            fprintf(f, "# operation %" PRIu32 ": %s\n", e->op, words);
        return;
    default:
        fprintf(f, "# operation %" PRIu32 ": %s\n", e->op, words);
    }
}

void op_log_dump(void)
{
    if (dump_path[0] == '\0' || dumped)
        return;
    dumped = 1;
    size_t count;
    bool full;
    const struct op_entry *e = op_log_entries(&count, &full);
    size_t ops = 0;
    uint32_t ids = 0;
    for (size_t i = 0; i < count; i++) {
        bool named = e[i].id != 0 && e[i].call != OP_CHECK && !(e[i].call == OP_FREE && e[i].a == 0);
        ops += named;
        if (e[i].id > ids)
            ids = e[i].id;
    }
    FILE *f = fopen(dump_path, "w");
    if (f == NULL)
        return;                      /* the report says no trace was written */
    fprintf(f, "# %s\n# written by heapkit grade --dump: the test's allocator calls, up to and including the one\n"
            "# it failed in or after; replay it with: heapkit demo --stage N --file THIS [--src FILE]\n",
            dump_comment);
    if (full)
        fputs("# the log filled up: the calls after the first ones are not here\n", f);
    fprintf(f, "0\n%" PRIu32 "\n%zu\n1\n", ids + 1, ops);
    char words[200];
    for (size_t i = 0; i < count; i++)
        write_op(f, &e[i], words, sizeof words);
    fclose(f);
}
