/* batch_run.c: grading every student (batch_class.h), one after another, in this process.
 *
 * This process never runs a student's code: each grading (grade_run.h) builds the student's file in
 * confinement into a runner program and runs every test in a child of its own that talks to a fresh,
 * confined runner. So there is nothing one student can reach of another's: not their files (the build
 * sees only its own folder), not their grading (their runners are gone before the next student
 * starts), not this process's rows. A student's tests run --jobs at a time; tests not started within
 * the student's time limit are reported as not run, and the row says the grading timed out.
 */
#include "batch_class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_assignment.h"
#include "grade_run.h"

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

static void grade_student(struct batch *b, struct student *s)
{
    struct grade_options o = grade_default_options();
    o.stage = b->stage;
    o.src = s->file;
    o.jobs = b->jobs;
    o.give_up_after = b->student_timeout;
    if (b->has_assignment)
        grade_use_assignment(&o, &b->assignment);
    if (b->timeout_s > 0)
        o.timeout_s = b->timeout_s;
    if (b->memory_bytes > 0)
        o.memory_bytes = b->memory_bytes;
    struct grade_result res;
    grade_run(&o, &res);
    batch_row_from_result(b, s, &res);
    grade_result_release(&res);
}

void batch_grade_all(struct batch *b)
{
    size_t done = 0;
    for (size_t i = 0; i < b->count; i++) {
        struct student *s = &b->students[i];
        if (s->file != NULL)
            grade_student(b, s);
        print_progress(b, s, ++done);      /* no submission: its row is already made */
    }
}
