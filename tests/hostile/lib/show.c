/* lib/show.c: hostile_show(path, cap) copies the first cap bytes of the file at path to stdout,
 * between two marker lines; nothing when it cannot be opened. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((unused)) static void hostile_show(const char *path, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    printf("--- %s ---\n", path);
    fflush(stdout);
    char buf[4096];
    ssize_t n;
    while (cap > 0 && (n = read(fd, buf, cap < sizeof buf ? cap : sizeof buf)) > 0) {
        if (write(1, buf, (size_t)n) < 0)
            break;
        cap -= (size_t)n;
    }
    close(fd);
    printf("\n--- end ---\n");
    fflush(stdout);
}
