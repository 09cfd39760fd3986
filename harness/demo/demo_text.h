/* demo_text.h: drawing a demo run in the terminal. */
#ifndef HEAPKIT_DEMO_TEXT_H
#define HEAPKIT_DEMO_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "demo_model.h"

struct demo_text_options {
    bool colour;                 /* ANSI colours (on a terminal) */
    bool step;                   /* wait for Enter on `pause_from` before each op after the first */
    FILE *pause_from;
    int width;                   /* columns for the heap bar */
};

/* Prints the run: a title, then per op the statement, the heap, the lists, the system calls and
 * what happened. */
void demo_text_print(FILE *out, const struct demo_run *run, const struct demo_text_options *opts);

/* Prints the run's captions alone (lecture mode), one line per op: "[5/10] p4 = malloc(6): ...". */
void demo_text_print_captions(FILE *out, const struct demo_run *run);

#endif
