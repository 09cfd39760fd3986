/* grade_assignment.h: the grader's side of the assignment file (../assignment/assignment.h). */
#ifndef HEAPKIT_GRADE_ASSIGNMENT_H
#define HEAPKIT_GRADE_ASSIGNMENT_H

#include <stdio.h>

#include "assignment.h"
#include "grade_run.h"

/* Reads the file at path into a and checks it against the grader's tests (names, traces that read
 * as traces), before anything is graded; then o grades by it: o->assignment = a, and its limits.
 * Returns 0, or 2 with "FILE: KEY: what is wrong" in why (a released). */
int grade_assignment_open(const char *path, struct assignment *a, struct grade_options *o, char *why, size_t why_size);

/* o grades by a (already checked): o->assignment = a, and the limits a gives. */
void grade_use_assignment(struct grade_options *o, const struct assignment *a);

/* `heapkit grade --list`: "stage name points" for each test that runs, " hidden" after a hidden one;
 * the exit status. */
int grade_list(const struct grade_options *o);

/* `heapkit grade --list --format json`: every test of the graded stages with what the assignment
 * makes of it, and the file's settings; the exit status. */
int grade_list_json(const struct grade_options *o);

/* The assignment's title and due date, and the hidden tests a handout's copy names, one line each. */
void grade_assignment_note(FILE *out, const struct grade_options *o);

#endif
