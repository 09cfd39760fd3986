/* os_count.c: the counters of os.h, kept the same way by both backends. */
#include "os_count.h"

struct os_stats os_counters;

void os_count_break(size_t heap_bytes, bool moved)
{
    if (moved)
        os_counters.break_moves++;
    os_counters.heap_bytes = heap_bytes;
    if (heap_bytes > os_counters.peak_heap_bytes)
        os_counters.peak_heap_bytes = heap_bytes;
}

void os_count_mapping(int direction, size_t mapped_bytes)
{
    if (direction > 0) {
        os_counters.mappings++;
        os_counters.mapped_bytes += mapped_bytes;
    } else {
        os_counters.mappings--;
        os_counters.mapped_bytes -= mapped_bytes;
    }
    if (os_counters.mapped_bytes > os_counters.peak_mapped_bytes)
        os_counters.peak_mapped_bytes = os_counters.mapped_bytes;
    if (os_counters.mappings > os_counters.peak_mappings)
        os_counters.peak_mappings = os_counters.mappings;
}

struct os_stats os_stats(void)
{
    return os_counters;
}
