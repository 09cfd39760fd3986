/* grade_chunk_map.c: under a failing heap-layout test, the chunks around the offset its message
 * names, in one line, as the terminal demos draw a heap (grade_dump.h).
 *
 *     chunks around 0xf0: [0x0 240 free] [0xf0 7952 free <] end of heap at 0x2040
 *
 * The walk is the grader's own (grade_heap.h), read from the memory it shares with the runner; it
 * stops at a broken chunk and says so, so a broken heap cannot take the grader with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_dump.h"
#include "grade_heap.h"
#include "os.h"

enum { AROUND = 3 };                 /* chunks shown on each side of the one named */

/* The first "offset 0x..." or "offsets 0x..." of the message, or SIZE_MAX. */
static size_t named_offset(const char *message)
{
    for (const char *p = message; (p = strstr(p, "offset")) != NULL; p++) {
        const char *q = p + 6;
        if (*q == 's')
            q++;
        if (q[0] == ' ' && q[1] == '0' && q[2] == 'x')
            return (size_t)strtoull(q + 1, NULL, 16);
    }
    return SIZE_MAX;
}

void grade_chunk_map_append(int stage, struct sandbox_page *page)
{
    if (stage < 3 || stage > 5)
        return;
    size_t at = named_offset(page->message);
    if (at == SIZE_MAX)
        return;
    struct heap_view v;
    if (!heap_view_build(&v))
        return;
    const void *start = os_heap_start();
    size_t i = 0;
    while (i < v.chunk_count && chunk_offset(start, v.chunks[i]) + chunk_size(v.chunks[i]) <= at)
        i++;
    char line[600];
    size_t used = (size_t)snprintf(line, sizeof line, "\nchunks around 0x%zx:%s", at, i > AROUND ? " ..." : "");
    size_t from = i > AROUND ? i - AROUND : 0;
    for (size_t k = from; k < v.chunk_count && k <= i + AROUND && used < sizeof line; k++) {
        size_t off = chunk_offset(start, v.chunks[k]);
        used += (size_t)snprintf(line + used, sizeof line - used, " [0x%zx %zu %s%s]", off, chunk_size(v.chunks[k]),
                                 chunk_is_free(v.chunks[k]) ? "free" : "used", k == i ? " <" : "");
    }
    if (used < sizeof line) {
        if (i + AROUND + 1 < v.chunk_count)
            snprintf(line + used, sizeof line - used, " ...");
        else if (v.walk.tiling_broken)
            snprintf(line + used, sizeof line - used, " then no chunk: the walk stopped (the tiling is broken)");
        else
            snprintf(line + used, sizeof line - used, " end of heap at 0x%zx",
                     chunk_offset(start, os_heap_end()));
    }
    size_t have = strlen(page->message);
    snprintf(page->message + have, sizeof page->message - have, "%s", line);
    heap_view_release(&v);
}
