/* batch_class.h: the batch grader's data (see batch.h): the class being graded, one row per student,
 * and the functions its parts offer one another. Only batch_*.c include this header.
 *
 * The parts, one job each:
 *   batch.c            the command: options, then find, grade, write the CSV, print the summary
 *   batch_options.c    reading the command line
 *   batch_class.c      what every part uses: text, time, failing, status names, group columns
 *   batch_files.c      folders and files: test, list
 *   batch_find.c       finding each student's submission in the class folder
 *   batch_run.c        grading each student in turn (grade_run.h), with progress
 *   batch_row.c        turning a grading (its report, or why there is none) into a row
 *   batch_csv.c        the CSV
 *   batch_histogram.c  the histogram of totals
 */
#ifndef HEAPKIT_BATCH_CLASS_H
#define HEAPKIT_BATCH_CLASS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "assignment.h"

enum { MAX_GROUPS = 8, WORK_PATH = 1024 };

/* How a student's grading went: the CSV's status column (batch_status_name gives the words). */
enum student_status {
    ST_GRADED, ST_NO_SUBMISSION, ST_COMPILE_ERROR, ST_TIMEOUT, ST_GRADER_DIED, ST_BAD_REPORT,
};

/* One student: a row of the CSV. */
struct student {
    char *name;                      /* the file's name without .c, or the folder's name */
    char *file;                      /* the submission to grade; NULL when none was found */
    enum student_status status;
    char *reason;                    /* in words; "" for a full score */
    double group_points[MAX_GROUPS];
    double total, max_total;
    int passed, failed;
    bool perf_measured;              /* the grade's perf group measured (report_perf.h) */
    double perf_index, utilization, throughput;
};

/* The class: the options, then the rows and the columns they fill. */
struct batch {
    const char *dir;
    int stage;
    const char *csv_path;
    unsigned jobs;
    double student_timeout;
    double timeout_s;                /* per-test CPU limit of each grading (0: the grader's default) */
    size_t memory_bytes;             /* per-test memory limit (0: the grader's default) */
    const char *assignment_path;     /* --assignment, or NULL */
    struct assignment assignment;    /* read from it when has_assignment */
    bool has_assignment;

    struct student *students;
    size_t count;
    const char *groups[MAX_GROUPS];
    double group_max[MAX_GROUPS];
    size_t group_count;
    double max_total;                /* of a complete report; 0 until one is read */
    bool has_perf;                   /* some report had a perf group: the CSV's perf columns */
};

/* ---- batch_options.c ---- */
/* Fills the options of b from the grade command's arguments; false after a usage error (already
 * told on stderr). --help prints the usage and exits 0. */
bool batch_parse_options(struct batch *b, int argc, char **argv);

/* ---- batch_class.c ---- */
/* "heapkit grade --batch: " and the message, on stderr, with a line break. */
void batch_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A malloc'ed copy of text ("" for NULL), or of the formatted text; out of memory ends the program
 * with status 2. */
char *batch_copy_text(const char *text);
char *batch_format_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double batch_now_seconds(void);
const char *batch_status_name(enum student_status status);
/* Sets a student's row status and reason (taking the malloc'ed reason). */
void batch_set_outcome(struct student *s, enum student_status status, char *reason);
/* The column of a test group, added when new; past MAX_GROUPS the last column sums the rest. */
size_t batch_group_index(struct batch *b, const char *group);
void batch_free_class(struct batch *b);

/* ---- batch_files.c ---- */
bool batch_is_file(const char *path);
bool batch_is_dir(const char *path);
bool batch_ends_with(const char *text, const char *tail);
/* The visible entries of dir, sorted; NULL when it cannot be read (errno says why). */
char **batch_list_dir(const char *dir, size_t *count);
void batch_free_list(char **names, size_t count);

/* ---- batch_find.c ---- */
/* One student per folder or .c file of b->dir, in name order; false when b->dir cannot be read. */
bool batch_find_submissions(struct batch *b);

/* ---- batch_run.c ---- */
/* Grades every student with a submission in turn (b->jobs tests at a time), a progress line each. */
void batch_grade_all(struct batch *b);

/* ---- batch_row.c ---- */
struct grade_result;
/* Fills s's row from its grading. */
void batch_row_from_result(struct batch *b, struct student *s, const struct grade_result *res);

/* ---- batch_csv.c ---- */
/* Settles the group columns: the known groups first (the usual ones when no report was read). */
void batch_order_groups(struct batch *b);
void batch_write_csv(const struct batch *b, FILE *out);

/* ---- batch_histogram.c ---- */
/* The totals' histogram; with a perf group, the perf index's too (0 to 100). */
void batch_print_histogram(const struct batch *b, FILE *out);

#endif
