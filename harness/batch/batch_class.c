/* batch_class.c: what every part of the batch grader uses (batch_class.h): its error messages, text
 * copies, the clock, the names of the row statuses, the group columns, and freeing the class. */
#include "batch_class.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const status_names[] = {
    [ST_GRADED] = "graded", [ST_NO_SUBMISSION] = "no submission", [ST_COMPILE_ERROR] = "compile error",
    [ST_TIMEOUT] = "timeout", [ST_GRADER_DIED] = "grader died", [ST_BAD_REPORT] = "unreadable report",
};

void batch_complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("heapkit grade --batch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

char *batch_copy_text(const char *text)
{
    char *copy = strdup(text != NULL ? text : "");
    if (copy == NULL) {
        batch_complain("out of memory");
        exit(2);
    }
    return copy;
}

char *batch_format_text(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return batch_copy_text(buf);
}

double batch_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *batch_status_name(enum student_status status)
{
    return status_names[status];
}

void batch_set_outcome(struct student *s, enum student_status status, char *reason)
{
    s->status = status;
    s->reason = reason;
}

size_t batch_group_index(struct batch *b, const char *group)
{
    for (size_t i = 0; i < b->group_count; i++)
        if (strcmp(b->groups[i], group) == 0)
            return i;
    if (b->group_count == MAX_GROUPS)
        return MAX_GROUPS - 1;                      /* more groups than columns: the last one sums them */
    b->groups[b->group_count] = batch_copy_text(group);
    return b->group_count++;
}

void batch_free_class(struct batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        free(b->students[i].name);
        free(b->students[i].file);
        free(b->students[i].reason);
    }
    free(b->students);
    for (size_t g = 0; g < b->group_count; g++)
        free((char *)b->groups[g]);
    if (b->has_assignment)
        assignment_release(&b->assignment);
}
