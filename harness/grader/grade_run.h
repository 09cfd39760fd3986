/* grade_run.h: one grading, as a function: used by `heapkit grade` and by batch grading, which
 * grades every student of a class in this same trusted process (the students' code only ever runs
 * in their runners). */
#ifndef HEAPKIT_GRADE_RUN_H
#define HEAPKIT_GRADE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "assignment.h"
#include "report.h"
#include "submission.h"

enum { GRADE_DEFAULT_MEMORY_MIB = 256 };
#define GRADE_DEFAULT_TIMEOUT_S 2.0    /* the runner's CPU seconds per test; wall clock 5 times it */

struct grade_options {
    int stage;                   /* 0 = all six */
    const char *src;             /* a submitted file graded as `stage`, or NULL: the references */
    const char *only;            /* comma-separated globs of test names, or NULL: all */
    unsigned jobs;               /* tests at a time */
    double timeout_s;
    size_t memory_bytes;
    bool quick;
    bool show_warnings;          /* print a built submission's compiler warnings on stderr */
    double give_up_after;        /* seconds: tests not started by then are not run (0: no limit) */
    bool first_failure;          /* tests not started when one fails are not run (make mutants) */
    const struct assignment *assignment;   /* the instructor's settings (assignment.h), or NULL; with one
                                              and no stage, the assigned stages are graded */
    const char *fit;             /* stages 3-4: the placement policy graded (grade_fit.h); NULL: the lecture's */
    const char *runner;          /* the runner program of `stage` (make debug's own build), or NULL */
    const char *dump_dir;        /* grade --dump: each failing test's trace and step-through here (grade_dump.h) */
    const char *under;           /* a wrapper for the runner ("gdb ... --args"): unconfined, on the terminal,
                                    one test at a time (runner_debug.h); NULL: the confined runner */
};

/* The options of `heapkit grade` without arguments. */
struct grade_options grade_default_options(void);

struct grade_plan;
struct sandbox_job;

struct grade_result {
    int status;                  /* 0 every test passed, 1 some failed, 2 nothing graded: why says why */
    char why[1024];              /* status 2: what went wrong ("does not compile: ..."), one line */
    char *messages;              /* the compiler's messages for a submission (warnings, or the errors) */
    bool compile_error;          /* status 2 because the submission does not build */
    struct report report;        /* status 0 or 1 */
    /* owned by the grading, freed by grade_result_release */
    struct grade_plan *plan;
    struct sandbox_job *jobs;
    struct submission sub;
};

/* Grades as the options say. Never exits; out of memory and the like give status 2. */
int grade_run(const struct grade_options *o, struct grade_result *res);

/* One test of a stage as the options make it, whether it counts or not (grade_listing). */
struct grade_listed {
    int stage;
    const char *name;
    const char *trace;           /* the trace file of a workload test read from one, else NULL */
    int points;
    bool enabled, hidden;
};

/* Every test of the stages the options grade (of --only, when given), turned off by the assignment
 * or not, in the order they run: a malloc'ed array (its strings live until grade_listing_release), or NULL with why. */
struct grade_listed *grade_listing(const struct grade_options *o, size_t *count, char *why, size_t why_size);
void grade_listing_release(struct grade_listed *list, size_t count);

void grade_result_release(struct grade_result *res);

#endif
