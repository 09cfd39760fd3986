/* TRICK: a constructor appends a line to other heapmgr.c files it can reach: a classmate's
 *        (@CLASS@/classmate/heapmgr.c) and the kit's stage 4 reference (@KIT@/stage4_dlist/heapmgr.c).
 *        (A real attack would put a bug in; a comment line is enough to be seen, and to undo; it names
 *        the grading, @TOKEN@, so that the suite knows whose it is.)
 * STAGE: 2
 * BASE: stage2_pad
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at open: every test fails, and nothing is written.
 */
/* TRICK BEGIN */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static void hostile_append_line(const char *path)
{
    static const char line[] = "/* written by another student's submission: @TOKEN@ */\n";
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t written = write(fd, line, strlen(line));
        (void)written;
        close(fd);
    }
}

__attribute__((constructor)) static void hostile_overwrite(void)
{
    hostile_append_line("@CLASS@/classmate/heapmgr.c");
    hostile_append_line("@KIT@/stage4_dlist/heapmgr.c");
}
/* TRICK END */
