/* gcov_flush.c: linked into the coverage build of build/heapkit only (make coverage).
 *
 * gcov writes its counters (.gcda files) from an exit handler, but the grader's test children end
 * with _exit(), which skips exit handlers, so everything a test ran in the stage would be lost.
 * The coverage build links with -Wl,--wrap=_exit: every call to _exit in the harness comes here
 * first, writes the counters (gcov merges them into the files under a lock, so children running
 * side by side add up), and then ends the process as asked.
 */
#include <stdnoreturn.h>

void __gcov_dump(void);
noreturn void __real__exit(int status);
noreturn void __wrap__exit(int status);

noreturn void __wrap__exit(int status)
{
    __gcov_dump();
    __real__exit(status);
}
