/* batch_options.c: the command line of heapkit grade --batch (batch.h), read into struct batch. */
#include "batch_class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade_assignment.h"
#include "stages.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heapkit grade --batch DIR --stage N [--csv out.csv] [--jobs J] [--assignment FILE]\n"
            "                     [--student-timeout SECONDS] [--timeout SECONDS] [--memory MIB]\n\n"
            "Grades every submission in DIR as stage N: a folder per student (its heapmgr.c, also one or\n"
            "two folders down) or a file per student (NAME.c). One CSV row per student: points per test\n"
            "group, total, tests passed and failed, and the failure reasons; then a histogram of totals.\n"
            "  --csv FILE             where the CSV goes (default: standard output)\n"
            "  --jobs J               tests run at a time (default: the number of cores)\n"
            "  --student-timeout S    wall-clock limit for grading one student (default 600)\n"
            "  --timeout, --memory    each grading's per-test limits, as for heapkit grade\n"
            "  --assignment FILE      grade as the instructor's assignment file says (its tests, points,\n"
            "                         limits); --stage may be left out when it assigns one stage\n");
}

/* The value of option argv[*i] ("--opt VALUE" or "--opt=VALUE"); NULL when argv[*i] is not name,
 * or is name with no value after it (then *missing is set). */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* The assignment file, read and checked before any student is graded; its one stage when --stage
 * is left out. */
static bool batch_read_assignment(struct batch *b)
{
    char why[2048];
    struct grade_options checking = grade_default_options();
    if (grade_assignment_open(b->assignment_path, &b->assignment, &checking, why, sizeof why) != 0) {
        batch_complain("%s", why);
        return false;
    }
    b->has_assignment = true;
    unsigned stages = b->assignment.stages;
    if (b->stage == 0 && (stages & (stages - 1)) == 0)     /* exactly one stage assigned */
        for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
            if (stages == 1u << n)
                b->stage = n;
    return true;
}

bool batch_parse_options(struct batch *b, int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b->jobs = cores > 0 ? (unsigned)cores : 1;
    b->student_timeout = 600;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if ((v = option_value(argc, argv, &i, "--batch", &missing)) != NULL) {
            b->dir = v;
        } else if ((v = option_value(argc, argv, &i, "--stage", &missing)) != NULL) {
            b->stage = stage_parse(v);
            if (b->stage == 0) {
                batch_complain("--stage %s names no stage (1-6)", v);
                return false;
            }
        } else if ((v = option_value(argc, argv, &i, "--assignment", &missing)) != NULL) {
            b->assignment_path = v;
        } else if ((v = option_value(argc, argv, &i, "--csv", &missing)) != NULL) {
            b->csv_path = v;
        } else if ((v = option_value(argc, argv, &i, "--jobs", &missing)) != NULL) {
            long jobs = strtol(v, NULL, 10);
            if (jobs < 1 || jobs > 64) {
                batch_complain("--jobs %s: expected 1 to 64", v);
                return false;
            }
            b->jobs = (unsigned)jobs;
        } else if ((v = option_value(argc, argv, &i, "--student-timeout", &missing)) != NULL) {
            b->student_timeout = strtod(v, NULL);
            if (!(b->student_timeout > 0)) {
                batch_complain("--student-timeout %s: expected seconds > 0", v);
                return false;
            }
        } else if ((v = option_value(argc, argv, &i, "--timeout", &missing)) != NULL) {
            b->timeout_s = strtod(v, NULL);
            if (!(b->timeout_s >= 0.1 && b->timeout_s <= 3600)) {
                batch_complain("--timeout %s: expected seconds, 0.1 to 3600", v);
                return false;
            }
        } else if ((v = option_value(argc, argv, &i, "--memory", &missing)) != NULL) {
            double mib = strtod(v, NULL);
            if (!(mib >= 16 && mib <= 65536)) {
                batch_complain("--memory %s: expected MiB, 16 to 65536", v);
                return false;
            }
            b->memory_bytes = (size_t)mib << 20;
        } else {
            /* no option took it: a known option at the end without its value, or an unknown one */
            if (missing)
                batch_complain("%s needs a value", argv[i]);
            else
                batch_complain("unknown option '%s'", argv[i]);
            usage(stderr);
            return false;
        }
    }
    if (b->assignment_path != NULL && !batch_read_assignment(b))
        return false;
    if (b->dir == NULL || b->stage == 0) {
        batch_complain("%s", b->dir == NULL ? "--batch DIR is required" : "--stage N is required");
        usage(stderr);
        return false;
    }
    return true;
}
