/* report_file.c: a report written whole or not at all (report.h). */
#define _GNU_SOURCE                  /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

bool report_file_open(struct report_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    if (path == NULL) {
        f->stream = stdout;
        return true;
    }
    int n = snprintf(f->temp, sizeof f->temp, "%s.partial-XXXXXX", path);
    int fd = n > 0 && (size_t)n < sizeof f->temp ? mkostemp(f->temp, O_CLOEXEC) : -1;
    if (fd < 0 || (f->stream = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "heapkit grade: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(f->temp);
        }
        return false;
    }
    fchmod(fd, 0644);
    return true;
}

bool report_file_commit(struct report_file *f)
{
    if (f->path == NULL)
        return fflush(stdout) == 0;
    bool written = fflush(f->stream) == 0 && fsync(fileno(f->stream)) == 0;
    written = fclose(f->stream) == 0 && written;
    if (!written || rename(f->temp, f->path) != 0) {
        fprintf(stderr, "heapkit grade: cannot write %s: %s\n", f->path, strerror(errno));
        unlink(f->temp);
        return false;
    }
    return true;
}

void report_file_discard(struct report_file *f)
{
    if (f->path == NULL)
        return;
    fclose(f->stream);
    unlink(f->temp);
}
