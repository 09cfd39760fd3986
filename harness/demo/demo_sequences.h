/* demo_sequences.h: the demo's built-in sequences, one per lecture figure, and scripts from files. */
#ifndef HEAPKIT_DEMO_SEQUENCES_H
#define HEAPKIT_DEMO_SEQUENCES_H

#include <stddef.h>

#include "demo_model.h"
#include "tracefile.h"

extern const struct demo_sequence demo_sequences[];
extern const size_t demo_sequence_count;

/* The built-in sequence called name, or NULL. */
const struct demo_sequence *demo_sequence_find(const char *name);

/* A sequence that replays trace t (which must outlive it), named after the file. */
struct demo_sequence demo_sequence_from_trace(const struct trace *t);

#endif
