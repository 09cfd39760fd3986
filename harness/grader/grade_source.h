/* grade_source.h: building a submitted heapmgr.c into a runner program for the grader. */
#ifndef HEAPKIT_GRADE_SOURCE_H
#define HEAPKIT_GRADE_SOURCE_H

#include <stdbool.h>

#include "submission.h"

/* Builds src as stage `stage` into out->binary; 0, or 2 after saying why on stderr. */
int grade_build_runner(const char *root, const char *build, const char *src, int stage, struct submission *out,
                       bool show_warnings);

#endif
