/* exit_hook.c: _exit and _Exit, so that programs which end without exit() still write their summary.
 *
 * exit() runs destructors, where stats.c writes the summary line; _exit() does not. Some programs end
 * every time through _exit (the dash shell, for one), so the library exports its own _exit and _Exit:
 * they write the line and then end the process with the exit_group system call, as the C library's do.
 * The C library's internal calls are not redirected here, and need not be: they come after exit().
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "api.h"
#include "stats.h"

static _Noreturn void end_process(int status)
{
    for (;;)
        syscall(SYS_exit_group, status);
}

PRELOAD_EXPORT void _exit(int status)
{
    stats_write_summary();
    end_process(status);
}

PRELOAD_EXPORT void _Exit(int status)
{
    stats_write_summary();
    end_process(status);
}
