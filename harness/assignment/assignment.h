/* assignment.h: the instructor's assignment file, read into a typed struct.
 *
 * One JSON file says, for one assignment: the stages students write, which test groups and single
 * tests count and for how many points, the per-test time and memory limits, the instructor's extra
 * trace files, which tests are hidden from students, and free text (title, due date). Every command
 * that grades or packages reads it: `heapkit grade --assignment PATH` (also --batch), and through
 * ASSIGNMENT=PATH `make grade`, `make handout`, `make gradescope|autolab|classroom`. The format and
 * every key: docs/instructors.md, "The assignment file". Without a file nothing changes.
 *
 * Reading happens in two steps, both before anything is graded:
 *   assignment_load   the file itself: JSON (parsed by Debian's libcjson), its keys and their types,
 *                     stage numbers, points, limits, trace files that exist;
 *   assignment_check  the names it uses (tests, groups) against the tests the grader has, which the
 *                     caller lists, since only the grader knows them (group = the name's prefix).
 * Each problem is one message "FILE: KEY: what is wrong" (a syntax error: "FILE:LINE:COLUMN: ..."),
 * and the caller exits with status 2.
 */
#ifndef HEAPKIT_ASSIGNMENT_H
#define HEAPKIT_ASSIGNMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "assignment_perf.h"

enum { ASSIGNMENT_NAME_MAX = 96, ASSIGNMENT_PATH_MAX = 4096, ASSIGNMENT_TEXT_MAX = 512 };

/* A setting the file may leave out. */
enum assignment_flag { ASSIGNMENT_UNSET = -1, ASSIGNMENT_OFF = 0, ASSIGNMENT_ON = 1 };

/* What the file says about one group ("groups": {"api": {...}}) or one test ("tests": {...}). */
struct assignment_setting {
    char name[ASSIGNMENT_NAME_MAX];          /* "api", or "api.alignment" */
    enum assignment_flag enabled;            /* "enabled": false turns it off */
    enum assignment_flag hidden;             /* "hidden": true: graded by the engines, never handed out */
    int points;                              /* "points": each test's points; -1 unset */
};

/* One of the instructor's trace files: the test workload.<file's name without .rep>. */
struct assignment_trace {
    char key[32];                            /* "traces[2]", for messages */
    char path[ASSIGNMENT_PATH_MAX];          /* as given, resolved against the file's folder */
    struct assignment_setting test;          /* its name and settings ("hidden", "points", "enabled") */
    unsigned stages;                         /* bit n: graded on stage n (default: every assigned stage) */
};

/* A handout's copy of an assignment leaves hidden tests out and says how many there are. */
struct assignment_elsewhere {
    int stage;
    int tests;
    int points;
};

struct assignment {
    char path[ASSIGNMENT_PATH_MAX];          /* the file, as named */
    char title[ASSIGNMENT_TEXT_MAX];         /* free text, "" when not given */
    char due[ASSIGNMENT_TEXT_MAX];
    unsigned stages;                         /* bit n: stage n assigned (never 0) */
    double timeout_s;                        /* "limits": {"timeout_s"}: 0 when not given */
    size_t memory_bytes;                     /* "limits": {"memory_mib"}: 0 when not given */
    struct assignment_setting *groups;
    size_t group_count;
    struct assignment_setting *tests;
    size_t test_count;
    struct assignment_trace *traces;
    size_t trace_count;
    struct assignment_elsewhere *elsewhere;  /* "graded_elsewhere" */
    size_t elsewhere_count;
    /* "perf": the performance settings of the grade (thresholds, weights, traces), read into
     * perf_settings (assignment_perf.h; its defaults when absent) and kept whole as a cJSON tree too,
     * for the JSON listing. NULL when absent. */
    void *perf;
    struct assignment_perf perf_settings;
};

/* Reads and checks the file at path into a. Returns 0, or 2 with the message in err (a released). */
int assignment_load(const char *path, struct assignment *a, char *err, size_t err_size);

void assignment_release(struct assignment *a);

/* One test the grader has for one stage, for assignment_check. */
struct assignment_known {
    int stage;
    const char *name;                        /* "api.alignment", "workload.short1" */
};

/* Checks every name the file uses against the grader's tests of the assigned stages (known[]):
 * each group and test it sets exists in some assigned stage, no trace of its own is named like
 * another test. Returns 0, or 2 with the message in err. */
int assignment_check(const struct assignment *a, const struct assignment_known *known, size_t count,
                     char *err, size_t err_size);

/* What the assignment makes of one test: counted or not, its points, hidden or not. */
struct assignment_choice {
    bool enabled;
    bool hidden;
    int points;
};

/* The test named name (default_points without a file): a test's own setting first, then its
 * group's, then the default. a may be NULL (no assignment: enabled, shown, default_points). */
struct assignment_choice assignment_choose(const struct assignment *a, const char *name, int default_points);

/* The hidden tests a handout's copy left out for stage (0 tests when it names none). */
struct assignment_elsewhere assignment_elsewhere_of(const struct assignment *a, int stage);

#endif
