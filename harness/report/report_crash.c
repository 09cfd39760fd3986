/* report_crash.c: the commands that reproduce one test (report_crash.h).
 *
 * A crash message already names the call, its block's origin and the runner's backtrace
 * (harness/link/runner_crash_report.c); the student's next step is to run that one test again,
 * alone, then under gdb or valgrind (mk/debug.mk), so the report spells out the commands.
 */
#include "report_crash.h"

#include <string.h>

/* The report's stage for t: its source tells whether a submitted file was graded. */
static const struct report_stage *stage_of(const struct report *r, const struct report_test *t)
{
    for (size_t i = 0; i < r->stage_count; i++)
        if (r->stages[i].stage == t->stage)
            return &r->stages[i];
    return NULL;
}

void report_rerun_args(const struct report *r, const struct report_test *t, const char *target, char *buf,
                       size_t cap)
{
    const struct report_stage *s = stage_of(r, t);
    bool grade = strcmp(target, "grade") == 0;
    int n = snprintf(buf, cap, "make %s STAGE=%d %s=%s", target, t->stage, grade ? "ONLY" : "TEST", t->name);
    if (s == NULL || s->source == NULL || n < 0 || (size_t)n >= cap)
        return;
    char own[300];
    snprintf(own, sizeof own, "%s/heapmgr.c", s->folder);
    if (strcmp(s->source, own) != 0)                 /* a submitted file, not the stage's own */
        snprintf(buf + n, cap - (size_t)n, " SRC=%s", s->source);
}

void report_print_dump(FILE *out, const struct report_test *t, const char *prefix)
{
    if (t->dump_html != NULL)
        fprintf(out, "%spicture: %s (your heap through the test's calls, the failing one marked), trace: %s\n",
                prefix, t->dump_html, t->dump_trace);
    else if (t->dump_trace != NULL)
        fprintf(out, "%strace: %s (%s)\n", prefix, t->dump_trace, t->dump_note != NULL ? t->dump_note : "");
}

void report_print_reproduce(FILE *out, const struct report *r, const struct report_test *t, const char *prefix)
{
    if (t->outcome != SANDBOX_CRASH && t->outcome != SANDBOX_TIMEOUT && t->outcome != SANDBOX_EXIT)
        return;
    char grade[600], debug[600], memcheck[600];
    report_rerun_args(r, t, "grade", grade, sizeof grade);
    report_rerun_args(r, t, "debug", debug, sizeof debug);
    report_rerun_args(r, t, "memcheck", memcheck, sizeof memcheck);
    fprintf(out, "%sreproduce: %s\n", prefix, grade);
    fprintf(out, "%sdebug it:  %s (gdb, stopped in the call), or %s (valgrind)\n", prefix, debug, memcheck);
}
