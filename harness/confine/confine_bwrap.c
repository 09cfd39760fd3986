/* confine_bwrap.c: the bubblewrap command line of a confined run (confine_parts.h).
 *
 * The sandbox is an empty root with, and only with:
 *   /usr read-only (the compiler, binutils, the C library's headers and archives), and /bin, /sbin,
 *   /lib, /lib32, /lib64, /libx32 as on this machine (on Debian 12 they are links into /usr; where one
 *   is a real folder it is bound read-only);
 *   a minimal /dev (null, zero, full, random, urandom, tty), the sandbox's own /proc (clang finds its
 *   resource folder through /proc/self/exe; the PID namespace shows only the sandbox's processes),
 *   an empty tmpfs on /tmp;
 *   the command's folder read-write, at its own path, and the read-only paths it asks for.
 *   /etc/alternatives read-only where it exists (Debian's cc, c99 and friends are links through it).
 * No other part of /etc (gcc and clang need none of it), no /home, /root or /work. --unshare-all gives new user,
 * PID, network (loopback only), IPC, UTS and cgroup namespaces; --die-with-parent kills the sandbox
 * when bwrap dies; --new-session keeps it off the grader's terminal.
 */
#include "confine_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const top_links[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
enum { TOP_LINKS = sizeof top_links / sizeof top_links[0] };

bool confine_bwrap_args_make(struct confine_bwrap_args *a, const char *bwrap, const struct confine_cmd *cmd,
                             int info_fd, bool with_proc)
{
    memset(a, 0, sizeof *a);
    size_t argc = 0;
    while (cmd->argv[argc] != NULL)
        argc++;
    size_t cap = 32 + 3 * TOP_LINKS + 3 * cmd->read_only_count + argc;
    char **v = calloc(cap, sizeof *v);
    if (v == NULL)
        return false;
    size_t n = 0;
    v[n++] = (char *)bwrap;
    v[n++] = "--unshare-all";
    v[n++] = "--die-with-parent";
    v[n++] = "--new-session";
    v[n++] = "--cap-drop";
    v[n++] = "ALL";
    if (info_fd >= 0) {
        snprintf(a->info_fd, sizeof a->info_fd, "%d", info_fd);
        v[n++] = "--info-fd";
        v[n++] = a->info_fd;
    }
    v[n++] = "--ro-bind";
    v[n++] = "/usr";
    v[n++] = "/usr";
    for (size_t i = 0; i < TOP_LINKS; i++) {
        struct stat st;
        if (lstat(top_links[i], &st) != 0)
            continue;                                 /* absent here: absent in the sandbox */
        if (S_ISLNK(st.st_mode)) {
            ssize_t len = readlink(top_links[i], a->links[i], sizeof a->links[i] - 1);
            if (len <= 0)
                continue;
            a->links[i][len] = '\0';
            v[n++] = "--symlink";
            v[n++] = a->links[i];
        } else if (S_ISDIR(st.st_mode)) {
            v[n++] = "--ro-bind";
            v[n++] = (char *)top_links[i];
        } else {
            continue;
        }
        v[n++] = (char *)top_links[i];
    }
    struct stat st;
    if (stat("/etc/alternatives", &st) == 0 && S_ISDIR(st.st_mode)) {
        v[n++] = "--ro-bind";                     /* Debian's cc is /usr/bin/cc -> /etc/alternatives/cc */
        v[n++] = "/etc/alternatives";
        v[n++] = "/etc/alternatives";
    }
    v[n++] = "--dev";
    v[n++] = "/dev";
    if (with_proc) {
        v[n++] = "--proc";
        v[n++] = "/proc";
    }
    v[n++] = "--tmpfs";                               /* before the folder: it may live under /tmp */
    v[n++] = "/tmp";
    if (cmd->dir != NULL) {
        v[n++] = "--bind";
        v[n++] = (char *)cmd->dir;
        v[n++] = (char *)cmd->dir;
    }
    for (size_t i = 0; i < cmd->read_only_count; i++) {      /* after: read-only even inside dir */
        v[n++] = "--ro-bind";
        v[n++] = (char *)cmd->read_only[i];
        v[n++] = (char *)cmd->read_only[i];
    }
    v[n++] = "--chdir";
    v[n++] = cmd->dir != NULL ? (char *)cmd->dir : "/";
    v[n++] = "--";
    for (size_t i = 0; i < argc; i++)
        v[n++] = cmd->argv[i];
    v[n] = NULL;
    a->argv = v;
    return true;
}

void confine_bwrap_args_release(struct confine_bwrap_args *a)
{
    free(a->argv);
    a->argv = NULL;
}
