/* fatal.c: the one way the preload library stops a process (a bad pointer, a re-entered lock). */
#include "fatal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_text(const char *text)
{
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;                  /* nothing better to do when stderr is gone */
}

void preload_die(const char *caller, const char *what)
{
    write_text("heapkit preload: ");
    write_text(caller);
    write_text("(): ");
    write_text(what);
    write_text("\n");
    abort();
}
