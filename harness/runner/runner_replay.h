/* runner_replay.h: OP_REPLAY in the runner (runner_replay.c). */
#ifndef HEAPKIT_RUNNER_REPLAY_H
#define HEAPKIT_RUNNER_REPLAY_H

#include "protocol.h"

/* Reads the command's operations, runs them on the blocks of their ids, answers with their results. */
void runner_replay(const struct protocol_command *c);

#endif
