/* os_count.h: the bookkeeping both seam backends share (internal to common/). */
#ifndef HEAPKIT_OS_COUNT_H
#define HEAPKIT_OS_COUNT_H

#include "os.h"

extern struct os_stats os_counters;

/* Records the heap size after a successful break call; moved says whether the break changed. */
void os_count_break(size_t heap_bytes, bool moved);

/* Records a mapping made (+1) or removed (-1) of mapped_bytes whole-page bytes. */
void os_count_mapping(int direction, size_t mapped_bytes);

#endif
