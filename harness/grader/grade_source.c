/* grade_source.c: --src: a submitted file built, confined, into a runner program (grade_source.h). */
#include "grade_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first line of text into buf (without its line break). */
static void first_line(char *buf, size_t cap, const char *text)
{
    size_t n = strcspn(text != NULL ? text : "", "\n");
    snprintf(buf, cap, "%.*s", (int)n, text != NULL ? text : "");
}

int grade_build_runner(const char *root, const char *build, const char *src, int stage, struct submission *out,
                       bool show_warnings, char *why, size_t why_cap, bool *compile_error)
{
    (void)show_warnings;                       /* the caller shows the messages */
    *compile_error = false;
    if (access(src, R_OK) != 0) {
        memset(out, 0, sizeof *out);
        if (errno == ENOENT)
            snprintf(why, why_cap, "no such file: %s", src);
        else
            snprintf(why, why_cap, "cannot read the submission %s: %s", src, strerror(errno));
        return 2;
    }
    enum submission_status status = submission_build(root, build, src, stage, SUBMISSION_RUNNER, out);
    if (status == SUBMISSION_COMPILE_ERROR) {
        *compile_error = true;
        snprintf(why, why_cap, "%s does not build as stage %d", src, stage);
        return 2;
    }
    if (status != SUBMISSION_BUILT) {
        char line[512];
        first_line(line, sizeof line, out->messages);
        snprintf(why, why_cap, "%s could not be built: %s", src, line);
        return 2;
    }
    /* The runner's unprivileged uid executes the program from a descriptor the grader opened: it needs
     * execute permission on the file, and no way into the folder. */
    chmod(out->binary, 0711);
    return 0;
}
