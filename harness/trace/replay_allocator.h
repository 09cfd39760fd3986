/* replay_allocator.h: the allocator under test, as the replays call it (private to the replay_* files).
 *
 * A replay target is a stage or the C library; replay.c turns it into three function pointers, and
 * estimates the system calls the C library makes out of the seam's sight.
 */
#ifndef HEAPKIT_REPLAY_ALLOCATOR_H
#define HEAPKIT_REPLAY_ALLOCATOR_H

#include <stddef.h>

#include "replay.h"

struct replay_allocator {
    void *(*malloc)(size_t req_bytes);
    void (*free)(void *mem);
    void *(*realloc)(void *mem, size_t req_bytes);
};

/* The stage's functions, or the C library's malloc, free and realloc. */
struct replay_allocator replay_allocator_of(struct replay_target target);

/* The C library's system calls, estimated from mallinfo2 between ops (a lower bound; see replay.c). */
struct replay_libc_calls {
    size_t arena, hblks, hblkhd;
    unsigned long calls;
};

void replay_libc_calls_start(struct replay_libc_calls *c);
void replay_libc_calls_update(struct replay_libc_calls *c);

#endif
