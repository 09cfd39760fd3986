/* remote_stage.h: the grader's binding of the stages (stages.h): each stage is a runner program. */
#ifndef HEAPKIT_REMOTE_STAGE_H
#define HEAPKIT_REMOTE_STAGE_H

/* The runner program that holds stage n (a reference's build/<folder>/runner or a submission's);
 * until one is set, stage n is not available. */
void remote_stage_set_runner(int n, const char *path);

#endif
