/* runner_debug.c: the runner under gdb or valgrind (runner_debug.h). */
#include "runner_debug.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { WORDS_MAX = 32 };

static const char *wrapper;

void runner_debug_set_wrapper(const char *command) { wrapper = command != NULL && command[0] != '\0' ? command : NULL; }

bool runner_debug_active(void) { return wrapper != NULL; }

void runner_debug_exec(const char *runner_path)
{
    static char words[4096];
    char *argv[WORDS_MAX + 2];
    size_t n = 0;
    snprintf(words, sizeof words, "%s", wrapper);
    for (char *save = NULL, *w = strtok_r(words, " \t", &save); w != NULL && n < WORDS_MAX;
         w = strtok_r(NULL, " \t", &save))
        argv[n++] = w;
    argv[n++] = (char *)runner_path;
    argv[n] = NULL;
    /* gdb sets its own handlers; the runner it starts gets the defaults back (the grader ignores
     * Ctrl-C while a debugger holds the terminal, so that Ctrl-C reaches gdb only). */
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* The test's own memory limits are soft: the sanitizer's shadow and valgrind need far more
     * address space than the runner itself. */
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    setrlimit(RLIMIT_AS, &unlimited);
    setrlimit(RLIMIT_DATA, &unlimited);
    execvp(argv[0], argv);
    fprintf(stderr, "heapkit: cannot run %s for the runner: %s\n", argv[0], strerror(errno));
    _exit(127);
}
