/* runner_copy.h: runner programs placed where their unprivileged uid can execute them. */
#ifndef HEAPKIT_RUNNER_COPY_H
#define HEAPKIT_RUNNER_COPY_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the program at path into this grading's private folder under $TMPDIR (or /tmp): the folder
 * and the copy are root's, mode 0711, so a runner's uid may execute it and do nothing else with it,
 * wherever the kit itself lies (a checkout under /root is out of that uid's reach). out receives the
 * copy's path. False with why. */
bool runner_copy(const char *path, char *out, size_t out_cap, char *why, size_t why_cap);

/* Removes the folder and every copy (also done at exit). */
void runner_copies_remove(void);

#endif
