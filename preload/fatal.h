/* fatal.h: stopping the process from inside malloc, where nothing may call malloc. */
#ifndef HEAPKIT_PRELOAD_FATAL_H
#define HEAPKIT_PRELOAD_FATAL_H

/* Writes "heapkit preload: CALLER(): WHAT" to stderr with write(2) and aborts, as the C library's
 * malloc does on a bad free. */
_Noreturn void preload_die(const char *caller, const char *what);

#endif
