/* runner_filter.h: the runner's system-call filter (libseccomp), installed just before exec. */
#ifndef HEAPKIT_RUNNER_FILTER_H
#define HEAPKIT_RUNNER_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Was the filter compiled in (libseccomp found at build time)? */
bool runner_filter_available(void);

/* In the forked child, after confine_child_enter and right before execve(path, ...): loads a filter
 * that allows what an allocator and its pipes need and kills the process on anything else. execve is
 * allowed once, of exactly this path pointer. False (with why) when it cannot be loaded. */
bool runner_filter_load(const char *path, char *why, size_t why_cap);

#endif
