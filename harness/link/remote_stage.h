/* remote_stage.h: the grader's binding of the stages (stages.h): each stage is a runner program. */
#ifndef HEAPKIT_REMOTE_STAGE_H
#define HEAPKIT_REMOTE_STAGE_H

#include <stddef.h>
#include <stdint.h>

/* The runner program that holds stage n (a reference's build/<folder>/runner or a submission's);
 * until one is set, stage n is not available. */
void remote_stage_set_runner(int n, const char *path);

/* The check every answer passes (remote_stage.c): [answer, answer + bytes) must be memory the seam
 * gave, or the test ends here with what the call returned. NULL passes. Returns the block. */
void *remote_stage_checked_block(uint64_t answer, size_t bytes, const char *what);

#endif
