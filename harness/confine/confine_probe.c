/* confine_probe.c: what confinement this machine gives, and the line that says so (confine.h).
 *
 * bubblewrap is tried, not assumed: it is run once, under the same uid drop and limits as a build,
 * on /usr/bin/true. It can be installed and still not work (a container that forbids user
 * namespaces, or the mount of a new /proc); then the build runs without namespaces and the
 * protections line says what that costs.
 */
#include "confine_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct confine_caps caps;
static bool probed, bwrap_with_proc;

static bool find_bwrap(char *path, size_t cap)
{
    const char *env = getenv("HEAPKIT_BWRAP");
    if (env != NULL) {
        if (env[0] == '\0' || strcmp(env, "none") == 0)
            return false;                          /* turned off on purpose */
        snprintf(path, cap, "%s", env);
        return access(path, X_OK) == 0;
    }
    static const char *const candidates[] = { "/usr/bin/bwrap", "/bin/bwrap" };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], X_OK) == 0) {
            snprintf(path, cap, "%s", candidates[i]);
            return true;
        }
    return false;
}

/* One run of /usr/bin/true under bwrap, as a build would run; a second try after a failure that may
 * pass (the uid's processes are counted machine-wide, and a build of another grading process may
 * briefly hold many). */
static bool bwrap_works_once(bool with_proc, char *why, size_t why_cap)
{
    char *argv[] = { "/usr/bin/true", NULL };
    struct confine_cmd cmd = {
        .argv = argv,
        .limits = { .cpu_seconds = 5, .wall_seconds = 10, .memory_bytes = (size_t)1 << 30, .file_bytes = 0,
                    .output_cap = 1024, .processes = 64, .files = 64 },
        .slot = CONFINE_BUILD_SLOT,
    };
    struct confine_how how = { .bwrap = caps.bwrap, .with_proc = with_proc, .uid = confine_uid_for_slot(cmd.slot) };
    struct confine_result res;
    confine_run_how(&cmd, &how, &res);
    bool ok = res.end == CONFINE_EXITED && res.status == 0;
    if (!ok) {
        const char *said = res.why[0] != '\0' ? res.why : res.output;
        size_t line = strcspn(said, "\n");
        snprintf(why, why_cap, "%.*s", (int)(line < 150 ? line : 150), said);
    }
    confine_result_release(&res);
    return ok;
}

static bool bwrap_works(bool with_proc, char *why, size_t why_cap)
{
    if (bwrap_works_once(with_proc, why, why_cap))
        return true;
    struct timespec pause = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    return bwrap_works_once(with_proc, why, why_cap);
}

const struct confine_caps *confine_probe(void)
{
    if (probed)
        return &caps;
    probed = true;
    caps.root = geteuid() == 0;
    caps.seccomp = confine_seccomp_available != NULL && confine_seccomp_available();
    if (find_bwrap(caps.bwrap, sizeof caps.bwrap)) {
        /* With the sandbox's own /proc first; some containers refuse that mount but allow the rest. */
        char why[sizeof caps.why_no_namespaces];
        bwrap_with_proc = true;
        caps.namespaces = bwrap_works(true, caps.why_no_namespaces, sizeof caps.why_no_namespaces);
        if (!caps.namespaces && bwrap_works(false, why, sizeof why)) {
            bwrap_with_proc = false;
            caps.namespaces = true;
        }
        if (caps.namespaces)
            caps.why_no_namespaces[0] = '\0';
    } else {
        caps.bwrap[0] = '\0';
        snprintf(caps.why_no_namespaces, sizeof caps.why_no_namespaces, "%s",
                 getenv("HEAPKIT_BWRAP") != NULL ? "bwrap turned off (HEAPKIT_BWRAP)" : "bwrap is not installed");
    }
    return &caps;
}

bool confine_bwrap_with_proc(void)
{
    confine_probe();
    return bwrap_with_proc;
}

uid_t confine_uid_for_slot(unsigned slot)
{
    if (geteuid() != 0)
        return getuid();
    if (slot == CONFINE_BUILD_SLOT)
        return (uid_t)(CONFINE_UID_BASE + CONFINE_SLOTS + (unsigned)getpid() % CONFINE_BUILD_UIDS);
    return (uid_t)(CONFINE_UID_BASE + slot % CONFINE_SLOTS);
}

const char *confine_protections_text(bool for_build)
{
    static char text[512];
    const struct confine_caps *c = confine_probe();
    int n;
    if (c->root) {
        if (for_build)
            n = snprintf(text, sizeof text, "root dropped to uid %u (setuid(0) refused)",
                         (unsigned)confine_uid_for_slot(CONFINE_BUILD_SLOT));
        else
            n = snprintf(text, sizeof text, "root dropped to uid %u+slot (setuid(0) refused)",
                         (unsigned)CONFINE_UID_BASE);
    } else {
        n = snprintf(text, sizeof text, "not root: runs as uid %u", (unsigned)getuid());
    }
    size_t at = n > 0 && (size_t)n < sizeof text ? (size_t)n : 0;
    n = snprintf(text + at, sizeof text - at, ", no_new_privs, hard limits = soft, no core dumps");
    at += n > 0 && (size_t)n < sizeof text - at ? (size_t)n : 0;
    if (for_build) {
        if (c->namespaces)
            snprintf(text + at, sizeof text - at, ", bwrap namespaces (no network; sees /usr and its own folder only%s)",
                     bwrap_with_proc ? "" : "; no /proc");
        else
            snprintf(text + at, sizeof text - at, ", no namespaces: the build can read any world-readable file (%s)",
                     c->why_no_namespaces);
    } else {
        snprintf(text + at, sizeof text - at, c->seccomp ? ", seccomp" : ", no seccomp (not compiled in)");
    }
    return text;
}
