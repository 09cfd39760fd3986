/* submission_steps.c: the compile and link steps of a submission, each confined (submission_parts.h).
 *
 *   1. compile the submission:           cc FLAGS -I. -c <file>.c -o heapmgr.o
 *   2. compile each kit source:          cc FLAGS -I. -c alloc_extra.c -o alloc_extra.o
 *   3. lab:    the stage object:         sh stage-object --contract contract.list stageN stage.o heapmgr.o alloc_extra.o
 *              the lab program:          cc -o heapkit stage.o lab_main.o stages_local.o libharness.a
 *                                                  libcommon-sim.a -lm
 *      runner: the runner:               cc -static -o runner heapmgr.o alloc_extra.o librunner.a
 * All run in the private folder (-I. is that folder: the only headers it sees beyond the system's),
 * under one wall-clock budget for the whole build. The first step that fails ends the build; its
 * messages are kept, and a limit that stopped it is named in a line of its own.
 */
#include "submission_parts.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confine.h"

enum { STEP_ARGS = 16 + KIT_CONTRACT_NAMES, BUILD_PROCESSES = 64, BUILD_FILES = 256 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *build_product_name(enum submission_kind kind)
{
    return kind == SUBMISSION_RUNNER ? "runner" : "heapkit";
}

struct step {
    char *argv[STEP_ARGS];
    char what[160];                        /* "while compiling it", for messages */
    bool submission;                       /* the step that compiles the submission itself */
    bool links;                            /* a link step: an undefined symbol is the contract's */
};

static void add_compile_flags(struct step *s, size_t *n)
{
    static const char *const flags[] = { "-std=c17", "-Wall", "-Wextra", "-D_DEFAULT_SOURCE", "-O2", "-g", "-I." };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        s->argv[(*n)++] = (char *)flags[i];
}

/* The object file of a source: "alloc_extra.c" -> "alloc_extra.o". */
static void object_name(const char *source, char *object, size_t cap)
{
    size_t len = strlen(source);
    if (len > 2 && strcmp(source + len - 2, ".c") == 0)
        len -= 2;
    snprintf(object, cap, "%.*s.o", (int)len, source);
}

/* Fills steps[]; returns how many. objects[] holds the object names the links use. */
static size_t plan_steps(const struct build_plan *p, const char *cc, struct step *steps,
                         char (*objects)[KIT_NAME_MAX], char *prefix, size_t prefix_cap)
{
    size_t count = 0, n = 0;
    struct step *s = &steps[count++];
    s->argv[n++] = (char *)cc;
    add_compile_flags(s, &n);
    s->argv[n++] = "-c";
    s->argv[n++] = (char *)p->src_name;
    s->argv[n++] = "-o";
    s->argv[n++] = "heapmgr.o";
    snprintf(s->what, sizeof s->what, "while compiling it");
    s->submission = true;

    for (size_t i = 0; i < p->contract->source_count; i++) {
        object_name(p->contract->sources[i], objects[i], KIT_NAME_MAX);
        s = &steps[count++];
        n = 0;
        s->argv[n++] = (char *)cc;
        add_compile_flags(s, &n);
        s->argv[n++] = "-c";
        s->argv[n++] = (char *)p->contract->sources[i];
        s->argv[n++] = "-o";
        s->argv[n++] = objects[i];
        snprintf(s->what, sizeof s->what, "while compiling common/%s beside it", p->contract->sources[i]);
    }

    if (p->kind == SUBMISSION_LAB) {
        snprintf(prefix, prefix_cap, "stage%d", p->stage_number);
        s = &steps[count++];
        n = 0;
        s->argv[n++] = "/bin/sh";
        s->argv[n++] = "stage-object";
        s->argv[n++] = "--contract";
        s->argv[n++] = "contract.list";
        s->argv[n++] = prefix;
        s->argv[n++] = "stage.o";
        s->argv[n++] = "heapmgr.o";
        for (size_t i = 0; i < p->contract->source_count; i++)
            s->argv[n++] = objects[i];
        snprintf(s->what, sizeof s->what, "while joining it into one stage object (tools/stage-object)");
        s->links = true;

        s = &steps[count++];
        n = 0;
        s->argv[n++] = (char *)cc;
        s->argv[n++] = "-o";
        s->argv[n++] = "heapkit";
        s->argv[n++] = "stage.o";
        s->argv[n++] = "lab_main.o";
        s->argv[n++] = "stages_local.o";
        s->argv[n++] = "libharness.a";
        s->argv[n++] = "libcommon-sim.a";
        s->argv[n++] = "-lm";
        snprintf(s->what, sizeof s->what, "while linking it with the harness");
        s->links = true;
    } else {
        s = &steps[count++];
        n = 0;
        s->argv[n++] = (char *)cc;
        s->argv[n++] = "-static";
        s->argv[n++] = "-o";
        s->argv[n++] = "runner";
        s->argv[n++] = "heapmgr.o";
        for (size_t i = 0; i < p->contract->source_count; i++)
            s->argv[n++] = objects[i];
        s->argv[n++] = "librunner.a";
        snprintf(s->what, sizeof s->what, "while linking the runner");
        s->links = true;
    }
    return count;
}

/* The build's own limit (HEAPKIT_BUILD_TIMEOUT: seconds, for tests and slow machines). */
static double wall_budget(const struct build_plan *p)
{
    const char *env = getenv("HEAPKIT_BUILD_TIMEOUT");
    if (env != NULL) {
        char *end;
        double seconds = strtod(env, &end);
        if (end != env && *end == '\0' && seconds > 0)
            return seconds;
    }
    return p->wall_seconds;
}

static bool said(const char *output, const char *const *phrases, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strstr(output, phrases[i]) != NULL)
            return true;
    return false;
}

/* "heapmgr.h, os.h, ...": the headers a submission may include. */
static const char *public_headers(const struct build_plan *p, char *names)
{
    names[0] = '\0';
    for (size_t i = 0; i < p->contract->header_count; i++) {
        if (i > 0)
            strcat(names, ", ");
        strcat(names, p->contract->headers[i]);
    }
    return names;
}

/* After a step failed: the line naming the limit that stopped it, if one did. */
static enum submission_status explain(const struct build_plan *p, const struct step *s,
                                      const struct confine_result *r, double wall, struct text *msg)
{
    static const char *const file_size[] = { "File size limit exceeded" };
    static const char *const memory[] = { "out of memory", "memory exhausted", "Cannot allocate memory",
                                          "std::bad_alloc" };
    static const char *const missing[] = { "No such file or directory", "file not found" };
    char names[KIT_CONTRACT_NAMES * (KIT_NAME_MAX + 2)];
    const char *out = r->output;
    bool by_signal = r->end == CONFINE_SIGNALED;
    if (r->end == CONFINE_SETUP_FAILED) {
        text_printf(msg, "heapkit: cannot build %s confined (%s): %s\n", p->display, s->what, r->why);
        return SUBMISSION_SETUP_ERROR;
    }
    if (r->end == CONFINE_TIMEOUT)
        text_printf(msg, "heapkit: building %s stopped at its time limit of %g s, %s\n", p->display, wall, s->what);
    else if ((by_signal && r->status == SIGXFSZ) || said(out, file_size, 1))
        text_printf(msg, "heapkit: building %s stopped %s: a file it wrote reached the limit of %d MiB for a built "
                    "program\n", p->display, s->what, SUBMISSION_PROGRAM_BYTES >> 20);
    else if (said(out, memory, sizeof memory / sizeof memory[0]))
        text_printf(msg, "heapkit: building %s stopped %s: the compiler reached its memory limit of %d MiB\n",
                    p->display, s->what, SUBMISSION_MEMORY_BYTES >> 20);
    else if (by_signal)
        text_printf(msg, "heapkit: building %s stopped %s: %s\n", p->display, s->what, r->why);
    else if (s->links)
        text_printf(msg, "heapkit: %s does not link: it must define heapmgr_malloc, heapmgr_free, heapmgr_realloc and "
                    "heapmgr_check (the contract of common/heapmgr.h) and nothing the kit defines; the linker's "
                    "messages above say what is wrong\n", p->display);
    else if (said(out, missing, sizeof missing / sizeof missing[0]))
        text_printf(msg, "heapkit: %s does not compile: a build sees only the file itself, the kit's public "
                    "headers (%s) and the system's headers and libraries\n", p->display, public_headers(p, names));
    else if (s->submission)
        text_printf(msg, "heapkit: %s does not compile\n", p->display);
    else
        text_printf(msg, "heapkit: building %s failed %s\n", p->display, s->what);
    return SUBMISSION_COMPILE_ERROR;
}

enum submission_status build_run_steps(const struct build_plan *p, struct text *msg)
{
    const char *cc = getenv("HEAPKIT_CC") != NULL && getenv("HEAPKIT_CC")[0] != '\0' ? getenv("HEAPKIT_CC") : "cc";
    struct step steps[3 + KIT_CONTRACT_NAMES];
    char objects[KIT_CONTRACT_NAMES][KIT_NAME_MAX], prefix[32];
    memset(steps, 0, sizeof steps);
    size_t count = plan_steps(p, cc, steps, objects, prefix, sizeof prefix);

    double wall = wall_budget(p), deadline = now_seconds() + wall;
    size_t message_room = SUBMISSION_MESSAGE_BYTES;
    bool cut = false;
    enum submission_status status = SUBMISSION_BUILT;
    for (size_t i = 0; i < count && status == SUBMISSION_BUILT; i++) {
        double left = deadline - now_seconds();
        struct confine_cmd cmd = {
            .argv = steps[i].argv,
            .dir = p->folder,
            .limits = {
                .cpu_seconds = left + 1,           /* the wall clock is the limit that speaks */
                .wall_seconds = left > 0.01 ? left : 0.01,
                .memory_bytes = SUBMISSION_MEMORY_BYTES,
                .file_bytes = SUBMISSION_PROGRAM_BYTES,
                .output_cap = message_room,
                .processes = BUILD_PROCESSES,
                .files = BUILD_FILES,
            },
            .slot = CONFINE_BUILD_SLOT,
        };
        struct confine_result r;
        confine_run(&cmd, &r);
        size_t got = strlen(r.output);
        text_append(msg, r.output, got);
        message_room -= got < message_room ? got : message_room;
        if (r.output_truncated && !cut) {
            cut = true;
            text_printf(msg, "\nheapkit: the compiler's messages about %s were cut at %d KiB\n", p->display,
                        SUBMISSION_MESSAGE_BYTES >> 10);
        }
        if (r.end != CONFINE_EXITED || r.status != 0)
            status = explain(p, &steps[i], &r, wall, msg);
        confine_result_release(&r);
    }
    return status;
}
