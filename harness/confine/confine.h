/* confine.h: running untrusted work with least privilege: the build of a submission, and the runner.
 *
 * Everything a submission writes runs under confinement: its compilation (confine_run) and the runner
 * program that executes its allocator (the grader forks, calls confine_child_enter, installs its
 * seccomp filter and execs the runner). What is available differs between machines (root or not,
 * bubblewrap installed or not, seccomp compiled in or not): confine_probe says, and every report
 * lists the protections that were in force, so nothing fails silently.
 */
#ifndef HEAPKIT_CONFINE_H
#define HEAPKIT_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The unprivileged ids used when the grader runs as root (uid = gid):
 *   runners: CONFINE_UID_BASE + slot, for slots 0 .. CONFINE_SLOTS - 1 (the jobs of one grading run);
 *   builds:  slot CONFINE_BUILD_SLOT, which is one of CONFINE_BUILD_UIDS uids after the runners',
 *            picked by the process id, so that grading processes running side by side (a batch)
 *            seldom share one: RLIMIT_NPROC counts every process of a uid, machine-wide.
 * The range, 61000-61159, stays below systemd's dynamic users (61184 and up). */
enum { CONFINE_UID_BASE = 61000, CONFINE_SLOTS = 128, CONFINE_BUILD_UIDS = 32, CONFINE_BUILD_SLOT = CONFINE_SLOTS };

/* What this machine and this process can do. Filled once by confine_probe. */
struct confine_caps {
    bool root;                 /* euid 0: privileges can and must be dropped */
    bool namespaces;           /* bubblewrap works here: a build sees only what it is given */
    char bwrap[256];           /* its path, "" when absent (or turned off with HEAPKIT_BWRAP=none) */
    bool seccomp;              /* the runner's system-call filter is compiled in and loads */
    char why_no_namespaces[160]; /* when bwrap is present but does not work: what it said */
};

/* Probes once (a test run of bwrap under the build's own uid drop; a few milliseconds) and caches.
 * HEAPKIT_BWRAP names another bwrap, or turns it off when "none" or empty. Call it in the parent
 * before forking workers, so that the answer is shared. */
const struct confine_caps *confine_probe(void);

/* The runner's seccomp filter says here whether it is compiled in and loads. A weak reference: when
 * no such function is linked, seccomp is reported absent. */
bool confine_seccomp_available(void) __attribute__((weak));

/* One line naming the protections in force, for reports: "uid 65534, no_new_privs, seccomp, ..." or
 * what is missing ("not root: runs as uid 1000; no seccomp"). for_build: the build's (namespaces or
 * not) rather than the runner's (seccomp or not). A static buffer, rewritten by each call. */
const char *confine_protections_text(bool for_build);

/* Limits. A 0 in cpu_seconds, wall_seconds, memory_bytes or files leaves that limit as it is (the hard
 * limit still becomes the soft one); 0 in file_bytes and processes is meant literally. */
struct confine_limits {
    double cpu_seconds;        /* RLIMIT_CPU (hard = soft), whole seconds rounded up */
    double wall_seconds;       /* the parent kills the process group after this */
    size_t memory_bytes;       /* RLIMIT_AS and RLIMIT_DATA (hard = soft) */
    size_t file_bytes;         /* RLIMIT_FSIZE: the biggest file it may write (0: none at all) */
    size_t output_cap;         /* bytes of stdout+stderr kept; the rest is drained and dropped */
    unsigned long processes;   /* RLIMIT_NPROC for the unprivileged uid (0: fork fails) */
    unsigned long files;       /* RLIMIT_NOFILE */
};

/* In a freshly forked child, before exec: own process group, stdin from /dev/null, every descriptor
 * but keep[0..keep_count) and 0-2 closed, hard = soft limits, no core dumps, the unprivileged uid and
 * gid when root (a distinct one per slot, so that two runners cannot signal each other; uid 0 is
 * refused), no_new_privs, SIGKILL when the parent dies, every signal at its default and unblocked.
 * False (with why) when a step fails: the child must then _exit. The kept descriptors must be >= 3. */
bool confine_child_enter(const struct confine_limits *lim, uid_t uid, const int *keep, size_t keep_count,
                         char *why, size_t why_cap);

/* The unprivileged uid for slot n (root only; otherwise the caller's own). Slots wrap at CONFINE_SLOTS;
 * CONFINE_BUILD_SLOT gives this process's build uid. */
uid_t confine_uid_for_slot(unsigned slot);

/* Runs argv confined: dir is the only folder it may write (and its working directory; when root it is
 * handed to the unprivileged uid with chown); read_only lists further paths it may read (the
 * compiler's own files under /usr are always visible). The environment is PATH=/usr/bin:/bin, LANG=C,
 * TMPDIR=dir. With bubblewrap it sees nothing else; without, it sees what its uid may read. */
struct confine_cmd {
    char *const *argv;
    const char *dir;
    const char *const *read_only;
    size_t read_only_count;
    struct confine_limits limits;
    unsigned slot;             /* picks the uid when root (confine_uid_for_slot) */
};

enum confine_end {
    CONFINE_EXITED,            /* status holds the exit status */
    CONFINE_SIGNALED,          /* killed by signal `status` (SIGXFSZ: a file past file_bytes) */
    CONFINE_TIMEOUT,           /* wall or CPU limit */
    CONFINE_SETUP_FAILED,      /* could not be started confined: why holds the reason */
};

struct confine_result {
    enum confine_end end;
    int status;
    char *output;              /* malloc'ed, NUL-terminated, at most limits.output_cap bytes */
    bool output_truncated;
    double wall_seconds;
    char why[256];
};

/* Never fails silently: res->end says how it ended; output is always set (maybe empty). Every process
 * it started is gone when it returns (the process group is killed, and under bubblewrap the sandbox's
 * PID namespace with it). Under bubblewrap, a command killed by signal S shows as bwrap's exit
 * status 128 + S and is reported as CONFINE_SIGNALED with S. */
void confine_run(const struct confine_cmd *cmd, struct confine_result *res);

void confine_result_release(struct confine_result *res);

#endif
