/* lib/args.c: the grader's command line, as a submission reads it from /proc.
 * hostile_arg(pid, "--out", buf, cap): the value after "--out" in /proc/<pid>/cmdline (pid 0: this
 * process); false when the file cannot be read or holds no such flag. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

__attribute__((unused)) static bool hostile_arg(pid_t pid, const char *flag, char *out, size_t cap)
{
    char path[64], buf[8192];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/cmdline");
    else
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    for (char *arg = buf; arg < buf + n; arg += strlen(arg) + 1) {
        char *value = arg + strlen(arg) + 1;
        if (strcmp(arg, flag) == 0 && value < buf + n) {
            snprintf(out, cap, "%s", value);
            return true;
        }
    }
    return false;
}
