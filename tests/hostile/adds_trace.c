/* TRICK: a constructor writes a new trace into the kit (@KIT@/tests/traces/zz-hostile-extra.rep):
 *        a test added to every later grading, which changes everyone's maximum.
 * STAGE: 2
 * BASE: stage2_pad
 * ALONE: it writes into the kit's tests/traces, which every grading reads
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails; the runner's uid may write
 *        nowhere, and the kit is not even visible to it.
 */
/* TRICK BEGIN */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void hostile_add_trace(void)
{
    static const char trace[] = "16\n1\n2\n1\na 0 16\nf 0\n";
    int fd = open("@KIT@/tests/traces/zz-hostile-extra.rep", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ssize_t written = write(fd, trace, strlen(trace));
        (void)written;
        close(fd);
    }
}
/* TRICK END */
