/* batch_run.c: running the per-student gradings (batch_class.h), jobs at a time.
 *
 * Each student is graded by a child `heapkit grade --src FILE --format json` (this very program,
 * b->self, found through /proc/self/exe) in a process group of its own, whose stdout and stderr go
 * to files in a private temporary folder, so nothing the submission does can reach the batch's own
 * output. The parent starts at most b->jobs children, waits for any to end, and kills one that runs
 * past its wall-clock limit (its whole process group). batch_row.c turns each ending into the row;
 * here each ending also prints a progress line and removes the child's folder.
 */
#include "batch_class.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { POLL_MILLISECONDS = 20 };                    /* the pause when no grading has ended */

/* Where the run is: the next student to start, how many run now, how many have a row. */
struct progress {
    size_t next, running, done;
};

/* The child's side: its own process group, stdin from /dev/null, stdout and stderr to its files,
 * TMPDIR its folder; then the grader. Never returns. */
static void run_grader(const struct batch *b, const struct student *s, const char *const *args)
{
    setpgid(0, 0);                                  /* the whole grading can be killed at once */
    int out = open(s->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(s->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0)
        _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    setenv("TMPDIR", s->tmp_dir, 1);                /* each grading builds in its own folder */
    execv(b->self, (char *const *)args);
    fprintf(stderr, "cannot run %s: %s\n", b->self, strerror(errno));
    _exit(127);
}

/* Starts the grading of s (the index-th student, 1 = the first) in the folder work_dir/index.
 * s->pid is the child, or 0 when it could not start (then s has its row). */
static void start_grading(struct batch *b, struct student *s, size_t index)
{
    snprintf(s->tmp_dir, sizeof s->tmp_dir, "%s/%zu", b->work_dir, index);
    snprintf(s->out_path, sizeof s->out_path, "%s/report.json", s->tmp_dir);
    snprintf(s->err_path, sizeof s->err_path, "%s/stderr.txt", s->tmp_dir);
    mkdir(s->tmp_dir, 0700);
    char stage_text[8];
    snprintf(stage_text, sizeof stage_text, "%d", b->stage);
    const char *args[16];
    int n = 0;
    args[n++] = b->self;
    args[n++] = "grade";
    args[n++] = "--stage";
    args[n++] = stage_text;
    args[n++] = "--src";
    args[n++] = s->file;
    args[n++] = "--format";
    args[n++] = "json";
    args[n++] = "--jobs";
    args[n++] = "1";
    if (b->grader_timeout != NULL) {
        args[n++] = "--timeout";
        args[n++] = b->grader_timeout;
    }
    if (b->grader_memory != NULL) {
        args[n++] = "--memory";
        args[n++] = b->grader_memory;
    }
    args[n] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        run_grader(b, s, args);
    if (pid < 0) {
        batch_set_outcome(s, ST_GRADER_DIED,
                          batch_format_text("could not start the grader: %s", strerror(errno)));
        s->pid = 0;
        return;
    }
    setpgid(pid, pid);
    s->pid = pid;
    s->started = batch_now_seconds();
}

/* "[done/count] name  score" or "... status: reason", on stderr. */
static void print_progress(const struct batch *b, const struct student *s, size_t done)
{
    int width = b->count >= 10 ? 2 : 1;
    if (s->status == ST_GRADED)
        fprintf(stderr, "[%*zu/%zu] %-24s %6.1f / %.1f   %d passed, %d failed\n", width, done, b->count,
                s->name, s->total, s->max_total, s->passed, s->failed);
    else
        fprintf(stderr, "[%*zu/%zu] %-24s %s: %s\n", width, done, b->count, s->name,
                batch_status_name(s->status), s->reason);
}

/* A running grading ended (or was stopped): its row, its progress line, its folder removed. */
static void end_grading(struct batch *b, struct student *s, struct progress *p, int wait_status,
                        bool timed_out)
{
    s->pid = 0;
    batch_row_from_grading(b, s, wait_status, timed_out);
    p->running--;
    print_progress(b, s, ++p->done);
    batch_remove_tree(s->tmp_dir);
}

/* Starts gradings until b->jobs run or every student has started. */
static void start_more(struct batch *b, struct progress *p)
{
    while (p->running < b->jobs && p->next < b->count) {
        struct student *s = &b->students[p->next];
        p->next++;
        if (s->file == NULL)
            continue;
        start_grading(b, s, p->next);
        if (s->pid > 0)
            p->running++;
        else
            print_progress(b, s, ++p->done);
    }
}

/* Kills every grading past the student timeout, whole process group, and ends it. */
static void stop_overdue(struct batch *b, struct progress *p)
{
    double t = batch_now_seconds();
    for (size_t i = 0; i < b->count; i++) {
        struct student *s = &b->students[i];
        if (s->pid > 0 && t - s->started > b->student_timeout) {
            int wait_status;
            kill(-s->pid, SIGKILL);
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &wait_status, 0);
            end_grading(b, s, p, wait_status, true);
        }
    }
}

void batch_grade_all(struct batch *b)
{
    struct progress p = { 0, 0, 0 };
    for (size_t i = 0; i < b->count; i++)
        if (b->students[i].file == NULL)
            print_progress(b, &b->students[i], ++p.done);     /* no submission: a row already */
    for (;;) {
        start_more(b, &p);
        if (p.running == 0)
            break;
        int wait_status;
        pid_t pid = waitpid(-1, &wait_status, WNOHANG);
        if (pid > 0) {
            for (size_t i = 0; i < b->count; i++)
                if (b->students[i].pid == pid)
                    end_grading(b, &b->students[i], &p, wait_status, false);
            continue;
        }
        /* None ended: stop the ones past their limit, then wait a little. */
        stop_overdue(b, &p);
        struct timespec pause = { 0, POLL_MILLISECONDS * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}
