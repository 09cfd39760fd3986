/* batch.h: a class in one command.
 *
 *   heapkit grade --batch DIR --stage N [--csv out.csv] [--jobs J] [--student-timeout S]
 *                 [--timeout S] [--memory MIB]
 *
 * Grades every submission in DIR as stage N: a folder per student (its heapmgr.c, found also one
 * or two folders down, e.g. a whole repository), or a file per student (alice.c). Each student is
 * graded by a separate `heapkit grade --stage N --src FILE --format json` process with its own
 * temporary folder and a wall-clock limit, J at a time (default: the number of cores), so one
 * student's crash, hang or compile error is that student's row only. Writes one CSV row per
 * student: points per test group, total, tests passed and failed, and the failure reasons in words;
 * then a text histogram of the totals.
 */
#ifndef HEAPKIT_BATCH_H
#define HEAPKIT_BATCH_H

#include <stdbool.h>

/* True when the grade command's arguments (argv[0] = "grade") ask for a batch. */
bool batch_requested(int argc, char **argv);

/* Runs the batch; returns the exit status: 0 the CSV is written (whatever the students scored),
 * 2 a usage error or an unreadable folder. */
int batch_grade(int argc, char **argv);

#endif
