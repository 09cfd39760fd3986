/* confine_test: drives harness/confine/ and the submission build for tests/suites/32-confine.
 *
 *   confine_test probe                      what confine_probe found, and both protections lines
 *   confine_test child [--processes N]      forks, enters confinement, and checks each promise of
 *                                           confine_child_enter from inside: one "check NAME ok|bad
 *                                           DETAIL" line each
 *   confine_test run [LIMITS] [--dir D] [--ro PATH] -- ARGV...
 *                                           confine_run of ARGV in D (default: a fresh folder under
 *                                           /tmp, removed after); prints "end E status S truncated T
 *                                           bytes N wall W", then the output after a line "output:"
 *       LIMITS: --wall S --cpu S --memory MIB --file-bytes N --cap N --processes N --files N
 *   confine_test build lab|runner STAGE SRC [--build DIR]
 *                                           submission_build; prints "status S", "binary PATH" and
 *                                           the messages after a line "messages:"
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "submission.h"

static int usage(void)
{
    fprintf(stderr, "usage: confine_test probe | child [--processes N] | run [LIMITS] -- ARGV... | "
                    "build lab|runner STAGE SRC [--build DIR]\n");
    return 2;
}

static int cmd_probe(void)
{
    const struct confine_caps *c = confine_probe();
    printf("root %d\nnamespaces %d\nbwrap %s\nseccomp %d\nbuild_uid %u\nslot0_uid %u\n", c->root, c->namespaces,
           c->bwrap, c->seccomp, (unsigned)confine_uid_for_slot(CONFINE_BUILD_SLOT), (unsigned)confine_uid_for_slot(0));
    printf("build %s\n", confine_protections_text(true));
    printf("runner %s\n", confine_protections_text(false));
    return 0;
}

/* ---- child: the promises of confine_child_enter, checked from inside ------------------------------ */

static void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void check(bool ok, const char *name, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("check %s %s %s\n", name, ok ? "ok" : "bad", detail);
}

static void check_limit(int resource, const char *name, rlim_t want)
{
    struct rlimit rl;
    getrlimit(resource, &rl);
    check(rl.rlim_cur == rl.rlim_max && rl.rlim_cur == want, name, "expected soft = hard = %llu, got soft %llu hard %llu",
          (unsigned long long)want, (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
}

static void child_checks(const struct confine_limits *lim, uid_t uid, int kept, int parent_pid)
{
    bool root = confine_probe()->root;
    check(getpgid(0) == getpid(), "own-process-group", "expected pgid %d, got %d", (int)getpid(), (int)getpgid(0));
    struct stat in, null;
    check(fstat(0, &in) == 0 && stat("/dev/null", &null) == 0 && S_ISCHR(in.st_mode) && in.st_rdev == null.st_rdev,
          "stdin-is-dev-null", "expected stdin to be /dev/null");
    /* Open descriptors: 0-2, the kept one, and the one reading /proc/self/fd. */
    char open_fds[256] = "";
    DIR *d = opendir("/proc/self/fd");
    bool only = d != NULL;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd == dirfd(d))
            continue;
        snprintf(open_fds + strlen(open_fds), sizeof open_fds - strlen(open_fds), " %d", fd);
        if (fd > 2 && fd != kept)
            only = false;
    }
    if (d != NULL)
        closedir(d);
    check(only, "descriptors-closed", "expected only 0 1 2 %d open, got%s", kept, open_fds);
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    struct sigaction term;
    sigaction(SIGTERM, NULL, &term);
    check(!sigismember(&mask, SIGUSR1) && term.sa_handler == SIG_DFL, "signals-default",
          "expected SIGUSR1 unblocked and SIGTERM at its default (the parent blocked and ignored them)");
    check_limit(RLIMIT_CPU, "limit-cpu", 3);
    check_limit(RLIMIT_AS, "limit-as", lim->memory_bytes);
    check_limit(RLIMIT_DATA, "limit-data", lim->memory_bytes);
    check_limit(RLIMIT_FSIZE, "limit-fsize", lim->file_bytes);
    check_limit(RLIMIT_NOFILE, "limit-nofile", lim->files);
    check_limit(RLIMIT_NPROC, "limit-nproc", lim->processes);
    check_limit(RLIMIT_CORE, "limit-core", 0);
    if (root) {
        check(getuid() == uid && geteuid() == uid && getgid() == (gid_t)uid && getegid() == (gid_t)uid, "uid-dropped",
              "expected uid and gid %u, got uid %u euid %u gid %u egid %u", (unsigned)uid, (unsigned)getuid(),
              (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid());
        check(setuid(0) != 0, "setuid-0-refused", "expected setuid(0) to fail after the drop");
        check(getgroups(0, NULL) == 0, "no-groups", "expected no supplementary groups, got %d", getgroups(0, NULL));
    } else {
        check(getuid() == uid, "uid-kept", "not root: expected uid %u, got %u", (unsigned)uid, (unsigned)getuid());
    }
    check(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no-new-privs", "expected PR_GET_NO_NEW_PRIVS = 1");
    int sig = 0;
    prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
    check(sig == SIGKILL, "pdeathsig-kill", "expected PR_GET_PDEATHSIG = SIGKILL, got %d", sig);
    check(getppid() == parent_pid, "parent-unchanged", "expected parent %d, got %d", parent_pid, (int)getppid());
    if (root && lim->processes <= 1) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        check(pid < 0, "fork-refused-by-nproc", "expected fork to fail under RLIMIT_NPROC %lu, got pid %d",
              lim->processes, (int)pid);
    }
    fflush(stdout);
}

static int cmd_child(int argc, char **argv)
{
    struct confine_limits lim = { .cpu_seconds = 2.5, .wall_seconds = 10, .memory_bytes = (size_t)512 << 20,
                                  .file_bytes = 1 << 20, .output_cap = 4096, .processes = 1, .files = 32 };
    for (int i = 0; i + 1 < argc; i += 2)
        if (strcmp(argv[i], "--processes") == 0)
            lim.processes = strtoul(argv[i + 1], NULL, 10);
    confine_probe();                                    /* as root, before the child drops it */
    uid_t uid = confine_uid_for_slot(7);
    /* What the child must not inherit: a blocked and an ignored signal, an open descriptor. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    signal(SIGTERM, SIG_IGN);
    int stray = open("/dev/zero", O_RDONLY);            /* without O_CLOEXEC on purpose */
    int kept = dup2(open("/dev/null", O_RDONLY), 20);
    (void)stray;
    fflush(stdout);
    int parent = (int)getpid();
    pid_t pid = fork();
    if (pid == 0) {
        char why[256];
        if (!confine_child_enter(&lim, uid, &kept, 1, why, sizeof why)) {
            printf("check enter bad %s\n", why);
            fflush(stdout);
            _exit(1);
        }
        child_checks(&lim, uid, kept, parent);
        /* execve must still work under RLIMIT_NPROC (set after the uid change). */
        char *args[] = { "/bin/true", NULL };
        char *env[] = { NULL };
        execve(args[0], args, env);
        printf("check exec-under-nproc bad execve: %s\n", strerror(errno));
        fflush(stdout);
        _exit(3);
    }
    int status;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec-under-nproc",
          "expected /bin/true to run and exit 0 after confine_child_enter, got status %d", status);
    return 0;
}

/* ---- run ----------------------------------------------------------------------------------------- */

static const char *end_name(enum confine_end end)
{
    switch (end) {
    case CONFINE_EXITED: return "exited";
    case CONFINE_SIGNALED: return "signaled";
    case CONFINE_TIMEOUT: return "timeout";
    case CONFINE_SETUP_FAILED: return "setup-failed";
    }
    return "?";
}

static int cmd_run(int argc, char **argv)
{
    struct confine_cmd cmd = { .limits = { .cpu_seconds = 10, .wall_seconds = 10, .memory_bytes = (size_t)1 << 30,
                                           .file_bytes = 1 << 20, .output_cap = 4096, .processes = 32, .files = 64 },
                               .slot = CONFINE_BUILD_SLOT };
    const char *ro[8];
    size_t ro_count = 0;
    char made[64] = "";
    int i = 0;
    for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
        if (i + 1 >= argc)
            return usage();
        const char *o = argv[i], *v = argv[i + 1];
        if (strcmp(o, "--wall") == 0) cmd.limits.wall_seconds = atof(v);
        else if (strcmp(o, "--cpu") == 0) cmd.limits.cpu_seconds = atof(v);
        else if (strcmp(o, "--memory") == 0) cmd.limits.memory_bytes = strtoull(v, NULL, 10) << 20;
        else if (strcmp(o, "--file-bytes") == 0) cmd.limits.file_bytes = strtoull(v, NULL, 10);
        else if (strcmp(o, "--cap") == 0) cmd.limits.output_cap = strtoull(v, NULL, 10);
        else if (strcmp(o, "--processes") == 0) cmd.limits.processes = strtoul(v, NULL, 10);
        else if (strcmp(o, "--files") == 0) cmd.limits.files = strtoul(v, NULL, 10);
        else if (strcmp(o, "--dir") == 0) cmd.dir = v;
        else if (strcmp(o, "--ro") == 0 && ro_count < 8) ro[ro_count++] = v;
        else return usage();
    }
    if (i + 1 >= argc)
        return usage();
    if (cmd.dir == NULL) {
        snprintf(made, sizeof made, "/tmp/confine-test.XXXXXX");
        if (mkdtemp(made) == NULL)
            return 2;
        cmd.dir = made;
    }
    cmd.argv = argv + i + 1;
    cmd.read_only = ro;
    cmd.read_only_count = ro_count;
    struct confine_result r;
    confine_run(&cmd, &r);
    printf("end %s status %d truncated %d bytes %zu wall %.3f why %s\noutput:\n%s", end_name(r.end), r.status,
           r.output_truncated, strlen(r.output), r.wall_seconds, r.why[0] != '\0' ? r.why : "-", r.output);
    confine_result_release(&r);
    if (made[0] != '\0') {
        char rm[128];
        snprintf(rm, sizeof rm, "rm -rf %s", made);
        if (system(rm) != 0)
            fprintf(stderr, "confine_test: could not remove %s\n", made);
    }
    return 0;
}

/* ---- build --------------------------------------------------------------------------------------- */

static int cmd_build(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    enum submission_kind kind = strcmp(argv[0], "runner") == 0 ? SUBMISSION_RUNNER : SUBMISSION_LAB;
    char root[SUBMISSION_PATH_MAX], build[SUBMISSION_PATH_MAX], why[SUBMISSION_PATH_MAX * 2 + 200];
    if (!kit_locate(root, build, why, sizeof why)) {
        fprintf(stderr, "confine_test: %s\n", why);
        return 2;
    }
    if (argc >= 5 && strcmp(argv[3], "--build") == 0)
        snprintf(build, sizeof build, "%s", argv[4]);
    struct submission sub;
    enum submission_status status = submission_build(root, build, argv[2], atoi(argv[1]), kind, &sub);
    printf("status %d\nbinary %s\nmessages:\n%s", (int)status, status == SUBMISSION_BUILT ? sub.binary : "-",
           sub.messages);
    submission_release(&sub);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "probe") == 0)
        return cmd_probe();
    if (strcmp(argv[1], "child") == 0)
        return cmd_child(argc - 2, argv + 2);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    return usage();
}
