/* grade_assignment.c: the grader's side of an assignment file (assignment.h): reading it before
 * anything is graded, checking its names against the grader's own tests, the listing the packaging
 * tools read (--list --format json), and the note on hidden tests a handout's copy gives. */
#include "grade_assignment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stages.h"
#include "tracefile.h"

int grade_assignment_open(const char *path, struct assignment *a, struct grade_options *o, char *why, size_t why_size)
{
    if (assignment_load(path, a, why, why_size) != 0)
        return 2;
    /* The names are checked against every test of the assigned stages, whichever one is graded now. */
    struct grade_options all = *o;
    all.stage = 0;
    all.only = NULL;
    all.assignment = a;
    if (a->memory_bytes > 0)
        all.memory_bytes = a->memory_bytes;
    size_t count = 0;
    struct grade_listed *list = grade_listing(&all, &count, why, why_size);
    struct assignment_known *known = list != NULL ? calloc(count + 1, sizeof *known) : NULL;
    int status = known == NULL ? 2 : 0;
    if (list != NULL && known == NULL)
        snprintf(why, why_size, "out of memory");
    for (size_t i = 0; known != NULL && i < count; i++)
        known[i] = (struct assignment_known){ .stage = list[i].stage, .name = list[i].name };
    if (status == 0)
        status = assignment_check(a, known, count, why, why_size);
    free(known);
    grade_listing_release(list, count);
    for (size_t i = 0; status == 0 && i < a->trace_count; i++) {
        struct trace t;                              /* the trace must read as one, before any grading */
        char err[512];
        if (trace_load(a->traces[i].path, &t, err, sizeof err) != 0) {
            snprintf(why, why_size, "%s: %s.file: %s", a->path, a->traces[i].key, err);
            status = 2;
        } else {
            trace_free(&t);
        }
    }
    if (status != 0) {
        assignment_release(a);
        return 2;
    }
    grade_use_assignment(o, a);
    return 0;
}

void grade_use_assignment(struct grade_options *o, const struct assignment *a)
{
    o->assignment = a;
    if (a->timeout_s > 0)
        o->timeout_s = a->timeout_s;
    if (a->memory_bytes > 0)
        o->memory_bytes = a->memory_bytes;
}

static cJSON *stage_array(unsigned stages)
{
    cJSON *list = cJSON_CreateArray();
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
        if (stages & (1u << n))
            cJSON_AddItemToArray(list, cJSON_CreateNumber(n));
    return list;
}

/* The listing: what the assignment makes of every test of the graded stages, and the file's own
 * settings the tools carry into the copies they write (docs/instructors.md, "The assignment file"). */
static cJSON *listing_json(const struct grade_options *o, const struct grade_listed *list, size_t count)
{
    const struct assignment *a = o->assignment;
    unsigned stages = 0;
    cJSON *root = cJSON_CreateObject(), *tests = cJSON_CreateArray(), *traces = cJSON_CreateArray();
    cJSON *limits = cJSON_CreateObject(), *elsewhere = cJSON_CreateArray();
    cJSON_AddNumberToObject(root, "heapkit_listing", 1);
    if (a != NULL)
        cJSON_AddStringToObject(root, "assignment", a->path);
    else
        cJSON_AddNullToObject(root, "assignment");
    cJSON_AddStringToObject(root, "title", a != NULL ? a->title : "");
    cJSON_AddStringToObject(root, "due", a != NULL ? a->due : "");
    for (size_t i = 0; i < count; i++) {
        cJSON *t = cJSON_CreateObject();
        stages |= 1u << list[i].stage;
        cJSON_AddNumberToObject(t, "stage", list[i].stage);
        cJSON_AddStringToObject(t, "name", list[i].name);
        cJSON_AddNumberToObject(t, "points", list[i].points);
        cJSON_AddBoolToObject(t, "enabled", list[i].enabled);
        cJSON_AddBoolToObject(t, "hidden", list[i].hidden);
        if (list[i].trace != NULL)
            cJSON_AddStringToObject(t, "trace", list[i].trace);
        else
            cJSON_AddNullToObject(t, "trace");
        cJSON_AddItemToArray(tests, t);
    }
    cJSON_AddItemToObject(root, "stages", stage_array(a != NULL && o->stage == 0 ? a->stages : stages));
    cJSON_AddNumberToObject(limits, "timeout_s", o->timeout_s);
    cJSON_AddNumberToObject(limits, "memory_mib", (double)(o->memory_bytes >> 20));
    cJSON_AddItemToObject(root, "limits", limits);
    for (size_t i = 0; a != NULL && i < a->trace_count; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "name", a->traces[i].test.name);
        cJSON_AddStringToObject(t, "file", a->traces[i].path);
        cJSON_AddItemToObject(t, "stages", stage_array(a->traces[i].stages));
        cJSON_AddItemToArray(traces, t);
    }
    cJSON_AddItemToObject(root, "traces", traces);
    for (size_t i = 0; a != NULL && i < a->elsewhere_count; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "stage", a->elsewhere[i].stage);
        cJSON_AddNumberToObject(e, "tests", a->elsewhere[i].tests);
        cJSON_AddNumberToObject(e, "points", a->elsewhere[i].points);
        cJSON_AddItemToArray(elsewhere, e);
    }
    cJSON_AddItemToObject(root, "graded_elsewhere", elsewhere);
    if (a != NULL && a->perf != NULL)
        cJSON_AddItemToObject(root, "perf", cJSON_Duplicate(a->perf, true));
    cJSON_AddItemToObject(root, "tests", tests);
    return root;
}

/* The listing of the options' tests, or NULL after saying why on stderr. */
static struct grade_listed *listing_or_complain(const struct grade_options *o, size_t *count)
{
    char why[2048];
    struct grade_listed *list = grade_listing(o, count, why, sizeof why);
    if (list == NULL)
        fprintf(stderr, "heapkit grade: %s\n", why);
    return list;
}

int grade_list(const struct grade_options *o)
{
    size_t count = 0, printed = 0;
    struct grade_listed *list = listing_or_complain(o, &count);
    if (list == NULL)
        return 2;
    for (size_t i = 0; i < count; i++)
        if (list[i].enabled) {
            printf("%d %s %d%s\n", list[i].stage, list[i].name, list[i].points, list[i].hidden ? " hidden" : "");
            printed++;
        }
    grade_listing_release(list, count);
    if (printed == 0)                        /* as a grading would say */
        fprintf(stderr, "heapkit grade: %s counts no test of %s\n", o->assignment != NULL ? o->assignment->path
                : "the grader", o->stage != 0 ? "this stage" : "these stages");
    return printed == 0 ? 2 : 0;
}

int grade_list_json(const struct grade_options *o)
{
    size_t count = 0;
    struct grade_listed *list = listing_or_complain(o, &count);
    if (list == NULL)
        return 2;
    cJSON *root = listing_json(o, list, count);
    char *text = root != NULL ? cJSON_Print(root) : NULL;
    int status = text != NULL && printf("%s\n", text) > 0 && fflush(stdout) == 0 ? 0 : 2;
    if (text == NULL)
        fprintf(stderr, "heapkit grade: out of memory\n");
    free(text);
    cJSON_Delete(root);
    grade_listing_release(list, count);
    return status;
}

void grade_assignment_note(FILE *out, const struct grade_options *o)
{
    const struct assignment *a = o->assignment;
    if (a == NULL)
        return;
    if (a->title[0] != '\0' || a->due[0] != '\0')
        fprintf(out, "Assignment: %s%s%s%s\n", a->title, a->title[0] != '\0' && a->due[0] != '\0' ? "; " : "",
                a->due[0] != '\0' ? "due " : "", a->due);
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++) {
        struct assignment_elsewhere e = assignment_elsewhere_of(a, n);
        if ((o->stage == 0 || o->stage == n) && e.tests > 0)
            fprintf(out, "Stage %d also has %d hidden test%s worth %d point%s: the course's autograder grades "
                    "them; they are not run here.\n", n, e.tests, e.tests == 1 ? "" : "s",
                    e.points, e.points == 1 ? "" : "s");
    }
}
