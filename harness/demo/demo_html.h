/* demo_html.h: a demo as one self-contained HTML page (inline CSS and script, no network). */
#ifndef HEAPKIT_DEMO_HTML_H
#define HEAPKIT_DEMO_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "demo_model.h"

/* Writes the runs (one stage, or several side by side, all of the same sequence) to path.
 * Returns 0, or -1 when the file cannot be written. */
int demo_html_write(const char *path, const struct demo_run *runs, size_t run_count);

struct demo_html_options {
    bool present;                /* open in projector mode (the page's P key toggles it) */
};

/* The same, with options (demo_html_write is this with none set). */
int demo_html_write_with(const char *path, const struct demo_run *runs, size_t run_count,
                         const struct demo_html_options *opts);

/* The page's style sheet and script (demo_html_page.c). */
extern const char demo_html_css[];
extern const char demo_html_js[];

/* Projector mode's style sheet and script (demo_html_present.c), after the two above. */
extern const char demo_html_present_css[];
extern const char demo_html_present_js[];

#endif
