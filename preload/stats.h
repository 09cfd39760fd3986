/* stats.h: what the preload library counts, and the summary line it writes when the process exits.
 *
 * Counting is per block: a malloc is a block handed out (malloc, calloc, the aligned family, and
 * realloc(NULL, n)), a free is a block given back (free of a non-NULL pointer, realloc(p, 0)), a
 * realloc is a block resized. All stats_note_* calls happen under the lock of lock.h.
 *
 * The summary line (see docs/preload.md) goes where the environment says, read once at load time:
 *   HEAPKIT_STATS      unset or empty: no line; "stderr" or "-": standard error; else a file, appended
 *   HEAPKIT_STATS_PID  when set, only the process with that id writes (heapkit run sets it to the
 *                      command it starts, so the programs that command starts stay quiet)
 */
#ifndef HEAPKIT_PRELOAD_STATS_H
#define HEAPKIT_PRELOAD_STATS_H

#include <stddef.h>

void stats_note_alloc(size_t req_bytes);
void stats_note_free(size_t req_bytes);
void stats_note_resize(size_t old_bytes, size_t new_bytes);
void stats_note_failure(size_t req_bytes);     /* a malloc or realloc the stage refused */

/* Writes the summary line if this process should and has not yet: at exit, and from _exit. */
void stats_write_summary(void);

#endif
