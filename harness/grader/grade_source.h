/* grade_source.h: building a submitted heapmgr.c into a runner program for the grader. */
#ifndef HEAPKIT_GRADE_SOURCE_H
#define HEAPKIT_GRADE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "submission.h"

/* Builds src as stage `stage` into out->binary, the compiler's messages in out->messages (shown on
 * stderr too when show_warnings). 0, or 2 with why (one line) and *compile_error when src itself
 * does not build (rather than the kit failing). */
int grade_build_runner(const char *root, const char *build, const char *src, int stage, struct submission *out,
                       bool show_warnings, char *why, size_t why_cap, bool *compile_error);

#endif
