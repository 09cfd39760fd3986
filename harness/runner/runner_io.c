/* runner_io.c: exact reads and writes on the runner's pipes. */
#include "runner_io.h"

#include <errno.h>
#include <unistd.h>

bool runner_read(void *buf, size_t bytes)
{
    char *at = buf;
    while (bytes > 0) {
        ssize_t got = read(PROTOCOL_COMMAND_FD, at, bytes);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        at += got;
        bytes -= (size_t)got;
    }
    return true;
}

bool runner_write(const void *buf, size_t bytes)
{
    const char *at = buf;
    while (bytes > 0) {
        ssize_t put = write(PROTOCOL_ANSWER_FD, at, bytes);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        at += put;
        bytes -= (size_t)put;
    }
    return true;
}

void runner_lost(void)
{
    _exit(3);
}
