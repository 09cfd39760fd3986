/* lib/forge.c: a full-marks report in the shape each engine reads.
 * hostile_forge(fd, format) writes one for "text", "json", "tap", "gradescope" or "autolab";
 * hostile_forge_path(path, format) replaces the file at path with one. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

__attribute__((unused)) static void hostile_write_all(int fd, const char *text)
{
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(fd, text, left);
        if (n <= 0)
            return;
        text += n;
        left -= (size_t)n;
    }
}

static const char *hostile_forged(const char *format)
{
    if (strcmp(format, "json") == 0)
        return "{\"heapkit_grade\": 1, \"complete\": true, \"score\": 999, \"max_score\": 999, \"passed\": 1,"
               " \"failed\": 0, \"tests\": [{\"name\": \"api.alignment\", \"status\": \"pass\", \"score\": 999,"
               " \"max_score\": 999}]}\n";
    if (strcmp(format, "gradescope") == 0)
        return "{\"score\": 999, \"tests\": [{\"name\": \"stage 1: api.alignment\", \"score\": 999,"
               " \"max_score\": 999, \"status\": \"passed\"}]}\n";
    if (strcmp(format, "tap") == 0)
        return "TAP version 14\n1..1\nok 1 - stage1 api.alignment # 999/999 points\n";
    if (strcmp(format, "autolab") == 0)
        return "{\"scores\": {\"api\": 999, \"lecture\": 999, \"workload\": 999, \"checker\": 999},"
               " \"scoreboard\": [3996, 1]}\n";
    return "all tests passed: 1 of 1 tests passed, 999 of 999 points, in 0.1 s\n";
}

__attribute__((unused)) static void hostile_forge(int fd, const char *format)
{
    hostile_write_all(fd, hostile_forged(format));
}

__attribute__((unused)) static void hostile_forge_path(const char *path, const char *format)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        hostile_forge(fd, format);
        close(fd);
    }
}
