/* demo_html.h: a demo as one self-contained HTML page (inline CSS and script, no network). */
#ifndef HEAPKIT_DEMO_HTML_H
#define HEAPKIT_DEMO_HTML_H

#include <stddef.h>

#include "demo_model.h"

/* Writes the runs (one stage, or several side by side, all of the same sequence) to path.
 * Returns 0, or -1 when the file cannot be written. */
int demo_html_write(const char *path, const struct demo_run *runs, size_t run_count);

/* The page's style sheet and script (demo_html_page.c). */
extern const char demo_html_css[];
extern const char demo_html_js[];

#endif
