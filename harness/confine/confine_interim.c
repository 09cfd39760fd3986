/* confine_interim.c: a minimal confine.h until the full one lands (no bubblewrap, no confine_run). */
#define _GNU_SOURCE
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static struct confine_caps caps;

const struct confine_caps *confine_probe(void)
{
    caps.root = geteuid() == 0;
#ifdef HAVE_SECCOMP
    caps.seccomp = true;
#endif
    return &caps;
}

const char *confine_protections_text(bool for_build)
{
    (void)for_build;
    return geteuid() == 0 ? "unprivileged uid, no_new_privs, hard limits" : "not root: own uid, no_new_privs, hard limits";
}

uid_t confine_uid_for_slot(unsigned slot) { return geteuid() == 0 ? (uid_t)(61000 + slot) : geteuid(); }

/* valgrind keeps descriptors of its own above the program's and refuses a lower RLIMIT_NOFILE. */
static bool under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

static bool set_limit(int which, rlim_t value)
{
    struct rlimit r = { value, value };
    return setrlimit(which, &r) == 0;
}

bool confine_child_enter(const struct confine_limits *lim, uid_t uid, const int *keep, size_t keep_count,
                         char *why, size_t why_cap)
{
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        close(null_fd);
    }
    for (int fd = 3; fd < 1024; fd++) {
        bool kept = false;
        for (size_t i = 0; i < keep_count; i++)
            kept = kept || keep[i] == fd;
        if (!kept)
            close(fd);
    }
    rlim_t cpu = lim->cpu_seconds > 0 ? (rlim_t)(lim->cpu_seconds + 0.999) : RLIM_INFINITY;
    bool ok = set_limit(RLIMIT_CPU, cpu) && set_limit(RLIMIT_CORE, 0) && set_limit(RLIMIT_FSIZE, lim->file_bytes) &&
              (lim->memory_bytes == 0 || (set_limit(RLIMIT_AS, lim->memory_bytes) && set_limit(RLIMIT_DATA, lim->memory_bytes))) &&
              (lim->files == 0 || set_limit(RLIMIT_NOFILE, lim->files) || under_valgrind());
    if (!ok) {
        snprintf(why, why_cap, "setrlimit: %s", strerror(errno));
        return false;
    }
    if (geteuid() == 0) {
        if (setgroups(0, NULL) != 0 || setgid(uid) != 0 || setuid(uid) != 0 || setuid(0) == 0) {
            snprintf(why, why_cap, "dropping to uid %u: %s", (unsigned)uid, strerror(errno));
            return false;
        }
    }
    if (!set_limit(RLIMIT_NPROC, lim->processes > 0 ? lim->processes : 1)) {
        snprintf(why, why_cap, "RLIMIT_NPROC: %s", strerror(errno));
        return false;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        snprintf(why, why_cap, "prctl: %s", strerror(errno));
        return false;
    }
    return true;
}

void confine_run(const struct confine_cmd *cmd, struct confine_result *res)
{
    (void)cmd;
    memset(res, 0, sizeof *res);
    res->end = CONFINE_SETUP_FAILED;
    snprintf(res->why, sizeof res->why, "confine_run is not built yet");
}

void confine_result_release(struct confine_result *res)
{
    free(res->output);
    res->output = NULL;
}
