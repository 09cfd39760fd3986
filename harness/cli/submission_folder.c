/* submission_folder.c: the private folder a submission is built in (submission_parts.h).
 *
 * Every descriptor is opened close-on-exec, and nothing the build left behind is trusted: links are
 * never followed, the product is checked to be a regular file within its size cap and copied out
 * by this process into a file of its own.
 */
#include "submission_parts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool build_folder_make(char *folder, char *why, size_t why_cap)
{
    snprintf(folder, SUBMISSION_PATH_MAX, "/tmp/heapkit-build.XXXXXX");
    if (mkdtemp(folder) == NULL) {                 /* mode 0700, a name no one else can guess */
        snprintf(why, why_cap, "cannot make a build folder in /tmp: %s", strerror(errno));
        return false;
    }
    return true;
}

/* Copies from_fd to to_fd, at most max_bytes; false with errno (EFBIG past the cap). */
static bool copy_fd(int from_fd, int to_fd, size_t max_bytes, size_t *copied)
{
    char buf[65536];
    *copied = 0;
    for (;;) {
        ssize_t got = read(from_fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return false;
        if (got == 0)
            return true;
        if (*copied + (size_t)got > max_bytes) {
            errno = EFBIG;
            return false;
        }
        for (ssize_t at = 0; at < got;) {
            ssize_t put = write(to_fd, buf + at, (size_t)(got - at));
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0)
                return false;
            at += put;
        }
        *copied += (size_t)got;
    }
}

bool build_folder_copy_in(const char *folder, const char *from, const char *name, size_t max_bytes, char *why,
                          size_t why_cap)
{
    char to[SUBMISSION_PATH_MAX + 64];
    snprintf(to, sizeof to, "%s/%s", folder, name);
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(why, why_cap, "cannot read %s: %s", from, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_cap, "%s is not a regular file", from);
        close(in);
        return false;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0) {
        snprintf(why, why_cap, "cannot write %s: %s", to, strerror(errno));
        close(in);
        return false;
    }
    size_t copied;
    bool ok = copy_fd(in, out, max_bytes, &copied);
    int saved = errno;
    ok = close(out) == 0 && ok;
    close(in);
    if (!ok) {
        if (saved == EFBIG)
            snprintf(why, why_cap, "%s is larger than the limit of %zu MiB", from, max_bytes >> 20);
        else
            snprintf(why, why_cap, "cannot copy %s to %s: %s", from, to, strerror(saved));
    }
    return ok;
}

enum build_take build_folder_take_out(const char *folder, const char *name, const char *to, size_t max_bytes,
                                      size_t *bytes, char *why, size_t why_cap)
{
    char from[SUBMISSION_PATH_MAX + 64], tmp[SUBMISSION_PATH_MAX + 64];
    snprintf(from, sizeof from, "%s/%s", folder, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", to, (long)getpid());
    *bytes = 0;
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);   /* no link, no fifo to hang on */
    if (in < 0) {
        snprintf(why, why_cap, "the build made no %s: %s", name, strerror(errno));
        return BUILD_MISSING;
    }
    struct stat st;
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_cap, "the build's %s is not a regular file", name);
        close(in);
        return BUILD_MISSING;
    }
    *bytes = (size_t)st.st_size;
    if ((size_t)st.st_size > max_bytes) {
        close(in);
        return BUILD_TOO_BIG;
    }
    unlink(tmp);                                   /* a leftover of an earlier run of this pid */
    int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (out < 0) {
        snprintf(why, why_cap, "cannot write %s: %s", tmp, strerror(errno));
        close(in);
        return BUILD_TAKE_FAILED;
    }
    size_t copied;
    bool ok = copy_fd(in, out, max_bytes, &copied);
    int saved = errno;
    ok = fchmod(out, 0755) == 0 && ok;
    ok = close(out) == 0 && ok;
    close(in);
    if (ok && rename(tmp, to) == 0)
        return BUILD_TAKEN;
    saved = ok ? errno : saved;
    unlink(tmp);
    if (saved == EFBIG)
        return BUILD_TOO_BIG;
    snprintf(why, why_cap, "cannot move the built program to %s: %s", to, strerror(saved));
    return BUILD_TAKE_FAILED;
}

/* Everything inside the folder open as dir_fd; depth bounds a hostile tree. */
static void remove_inside(int dir_fd, int depth)
{
    DIR *d = fdopendir(dir_fd);
    if (d == NULL) {
        close(dir_fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            continue;
        if (depth > 0) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                remove_inside(sub, depth - 1);
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
        }
    }
    closedir(d);                                   /* closes dir_fd */
}

void build_folder_remove(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        remove_inside(fd, 16);
    rmdir(folder);
}
