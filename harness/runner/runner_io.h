/* runner_io.h: the runner's end of the two pipes (protocol.h). */
#ifndef HEAPKIT_RUNNER_IO_H
#define HEAPKIT_RUNNER_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

/* Reads or writes exactly bytes; false when the grader is gone (the runner then ends). */
bool runner_read(void *buf, size_t bytes);
bool runner_write(const void *buf, size_t bytes);

/* The grader went away or broke the protocol: nothing more can be done. */
void runner_lost(void) __attribute__((noreturn));

/* The seam as the grader last described it (protocol_view), and the page protection that goes with
 * it: the heap's pages below view->writable_end are read/write here too. */
void runner_seam_apply(const struct protocol_view *view);

#endif
