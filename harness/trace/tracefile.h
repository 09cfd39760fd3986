/* tracefile.h: traces in the CS:APP Malloc Lab text format.
 *
 *   <suggested heap size>          header: four numbers; only the 2nd (ids) and 3rd (ops) are relied on
 *   <number of ids>
 *   <number of ops>
 *   <weight>
 *   a <id> <bytes>                 allocate block id
 *   r <id> <bytes>                 reallocate block id
 *   f <id>                         free block id
 * Blank lines and lines starting with '#' are allowed anywhere.
 */
#ifndef HEAPKIT_TRACEFILE_H
#define HEAPKIT_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>

enum trace_op_kind { TRACE_ALLOC = 'a', TRACE_FREE = 'f', TRACE_REALLOC = 'r' };

struct trace_op {
    char kind;                /* enum trace_op_kind */
    unsigned id;              /* 0 .. ids-1 */
    size_t bytes;             /* request size (alloc, realloc) */
    unsigned line;            /* line in the file, 0 for generated traces */
};

struct trace {
    char *name;               /* file path, or the workload's name */
    unsigned ids;
    size_t op_count;
    struct trace_op *ops;
    size_t ops_map_bytes;     /* nonzero when ops lie in pages of their own (trace_load, workload_make);
                                 0 when ops came from malloc (trace_free calls free) */
};

/* Pages of their own for count ops, outside the C library's heap (whose footprint the harness
 * measures in the same program); sets t->ops and t->ops_map_bytes. Returns 0 or -1. */
int trace_alloc_ops(struct trace *t, size_t count);

/* Loads and validates a trace file. Returns 0, or -1 with "FILE:LINE: what is wrong" in err. */
int trace_load(const char *path, struct trace *out, char *err, size_t err_cap);

/* Frees the name and the ops (mapped or malloc'ed, see ops_map_bytes) and clears *t. */
void trace_free(struct trace *t);

#endif
