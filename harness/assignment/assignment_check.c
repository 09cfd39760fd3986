/* assignment_check.c: the names an assignment uses, checked against the grader's tests, and what it
 * makes of each test (assignment.h). Groups are never listed here: a group is the part of a test's
 * name before its dot, so a group the grader gains is known as soon as its tests are. */
#include "assignment.h"

#include <stdio.h>
#include <string.h>

/* Does the group of name (its prefix up to the dot) equal group? */
static bool in_group(const char *name, const char *group)
{
    size_t n = strcspn(name, ".");
    return strlen(group) == n && strncmp(name, group, n) == 0;
}

/* "4, 5": the assigned stages, for messages. */
static void stage_words(unsigned stages, char *out, size_t size)
{
    out[0] = '\0';
    for (int n = 1; n <= 6; n++)
        if (stages & (1u << n))
            snprintf(out + strlen(out), size - strlen(out), "%s%d", out[0] != '\0' ? ", " : "", n);
}

int assignment_check(const struct assignment *a, const struct assignment_known *known, size_t count,
                     char *err, size_t err_size)
{
    char stages[32];
    stage_words(a->stages, stages, sizeof stages);
    for (size_t g = 0; g < a->group_count; g++) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = in_group(known[i].name, a->groups[g].name);
        if (!found) {
            snprintf(err, err_size, "%s: groups[\"%s\"]: no test of stage%s %s is in a group of that name "
                     "(`heapkit grade --list --stage N` lists the tests; a group is a name's part before the dot)",
                     a->path, a->groups[g].name, strchr(stages, ',') != NULL ? "s" : "", stages);
            return 2;
        }
    }
    for (size_t t = 0; t < a->test_count; t++) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = strcmp(known[i].name, a->tests[t].name) == 0;
        for (size_t j = 0; j < a->trace_count; j++)
            if (strcmp(a->traces[j].test.name, a->tests[t].name) == 0) {
                snprintf(err, err_size, "%s: tests[\"%s\"]: this is the test of %s: give its settings there",
                         a->path, a->tests[t].name, a->traces[j].key);
                return 2;
            }
        if (!found) {
            snprintf(err, err_size, "%s: tests[\"%s\"]: no such test in stage%s %s (`heapkit grade --list --stage N` "
                     "lists them)", a->path, a->tests[t].name, strchr(stages, ',') != NULL ? "s" : "", stages);
            return 2;
        }
    }
    /* A trace of the assignment makes its own test: its name must be new, among the grader's tests
     * (known[] holds them, the assignment's traces included, so each must appear exactly once). */
    for (size_t j = 0; j < a->trace_count; j++) {
        const struct assignment_trace *tr = &a->traces[j];
        for (int n = 1; n <= 6; n++) {
            if (!(tr->stages & (1u << n)))
                continue;
            size_t seen = 0;
            for (size_t i = 0; i < count; i++)
                seen += known[i].stage == n && strcmp(known[i].name, tr->test.name) == 0;
            for (size_t k = 0; k < j; k++)
                seen += (a->traces[k].stages & (1u << n)) && strcmp(a->traces[k].test.name, tr->test.name) == 0;
            if (seen > 1) {
                snprintf(err, err_size, "%s: %s.file: %s makes the test %s, which stage %d already has: "
                         "rename the file", a->path, tr->key, tr->path, tr->test.name, n);
                return 2;
            }
        }
    }
    return 0;
}

static const struct assignment_setting *find_setting(const struct assignment_setting *s, size_t count, const char *name,
                                                     bool group)
{
    for (size_t i = 0; i < count; i++)
        if (group ? in_group(name, s[i].name) : strcmp(s[i].name, name) == 0)
            return &s[i];
    return NULL;
}

struct assignment_choice assignment_choose(const struct assignment *a, const char *name, int default_points)
{
    struct assignment_choice c = { .enabled = true, .hidden = false, .points = default_points };
    if (a == NULL)
        return c;
    const struct assignment_setting *test = find_setting(a->tests, a->test_count, name, false);
    for (size_t j = 0; test == NULL && j < a->trace_count; j++)
        if (strcmp(a->traces[j].test.name, name) == 0)
            test = &a->traces[j].test;               /* a trace's entry holds its test's settings */
    /* The group's setting first, then the test's own over it. */
    const struct assignment_setting *layers[2] = { find_setting(a->groups, a->group_count, name, true), test };
    for (size_t l = 0; l < 2; l++) {
        const struct assignment_setting *s = layers[l];
        if (s == NULL)
            continue;
        if (s->enabled != ASSIGNMENT_UNSET)
            c.enabled = s->enabled == ASSIGNMENT_ON;
        if (s->hidden != ASSIGNMENT_UNSET)
            c.hidden = s->hidden == ASSIGNMENT_ON;
        if (s->points >= 0)
            c.points = s->points;
    }
    return c;
}

struct assignment_elsewhere assignment_elsewhere_of(const struct assignment *a, int stage)
{
    struct assignment_elsewhere sum = { .stage = stage };
    for (size_t i = 0; a != NULL && i < a->elsewhere_count; i++)
        if (a->elsewhere[i].stage == stage) {
            sum.tests += a->elsewhere[i].tests;
            sum.points += a->elsewhere[i].points;
        }
    return sum;
}
