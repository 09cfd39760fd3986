/* runner_filter.h: the runner's system-call filter (libseccomp), installed just before exec. */
#ifndef HEAPKIT_RUNNER_FILTER_H
#define HEAPKIT_RUNNER_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Was the filter compiled in (libseccomp found at build time)? */
bool runner_filter_available(void);

/* In the forked child, after confine_child_enter and right before it execs the runner program from
 * descriptor PROTOCOL_PROGRAM_FD (close-on-exec): loads a filter that allows what an allocator and its
 * pipes need and kills the process on anything else. The only exec allowed is of that descriptor,
 * which is gone once the runner runs, and no call that makes a descriptor is allowed: so the runner
 * can never exec anything. False (with why) when it cannot be loaded. */
bool runner_filter_load(char *why, size_t why_cap);

#endif
