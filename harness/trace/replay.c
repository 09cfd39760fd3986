/* replay.c: the allocator a replay runs on, a stage or the C library: its functions, its name, its
 * footprint, and an estimate of the C library's system calls. The replays themselves are in
 * replay_checked.c (with replay_live.c and replay_pattern.c) and replay_timed.c.
 */
#include "replay.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "replay_allocator.h"

volatile size_t replay_current_op;

struct replay_allocator replay_allocator_of(struct replay_target target)
{
    if (target.stage != NULL)
        return (struct replay_allocator){target.stage->malloc, target.stage->free, target.stage->realloc};
    return (struct replay_allocator){malloc, free, realloc};
}

const char *replay_fit_policy(void)
{
    const char *fit = getenv("HEAPKIT_FIT");
    if (fit != NULL && (strcmp(fit, "next") == 0 || strcmp(fit, "best") == 0 || strcmp(fit, "worst") == 0))
        return fit;
    return "first";
}

const char *replay_target_name(struct replay_target target, char *buf, size_t cap)
{
    if (target.stage == NULL)
        snprintf(buf, cap, "C library");
    else if ((target.stage->number == 3 || target.stage->number == 4) && strcmp(replay_fit_policy(), "first") != 0)
        snprintf(buf, cap, "stage %d (%s, %s fit)", target.stage->number, target.stage->lecture_name,
                 replay_fit_policy());                  /* another policy than the lecture's: say which */
    else
        snprintf(buf, cap, "stage %d (%s)", target.stage->number, target.stage->lecture_name);
    return buf;
}

size_t replay_footprint_now(struct replay_target target)
{
    if (target.stage != NULL) {
        struct os_stats s = os_stats();
        return s.heap_bytes + s.mapped_bytes;
    }
    struct mallinfo2 info = mallinfo2();
    return info.arena + info.hblkhd;
}

/* The C library makes its system calls out of our sight; we estimate them from mallinfo2 between
 * ops: a change of the brk arena is one brk, each mapping made or dropped is one mmap or munmap, and
 * a mapping that changed size in place is one mremap. The estimate is a lower bound. */
void replay_libc_calls_start(struct replay_libc_calls *c)
{
    struct mallinfo2 info = mallinfo2();
    *c = (struct replay_libc_calls){info.arena, info.hblks, info.hblkhd, 0};
}

void replay_libc_calls_update(struct replay_libc_calls *c)
{
    struct mallinfo2 info = mallinfo2();
    if (info.arena != c->arena)
        c->calls++;
    if (info.hblks != c->hblks)
        c->calls += info.hblks > c->hblks ? info.hblks - c->hblks : c->hblks - info.hblks;
    else if (info.hblkhd != c->hblkhd)
        c->calls++;
    c->arena = info.arena;
    c->hblks = info.hblks;
    c->hblkhd = info.hblkhd;
}
