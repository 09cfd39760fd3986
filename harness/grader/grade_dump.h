/* grade_dump.h: grade --dump DIR, the pictures of each failing test (grade_dump.c), and the one-line
 * chunk map under a failing heap-layout test (grade_chunk_map.c). */
#ifndef HEAPKIT_GRADE_DUMP_H
#define HEAPKIT_GRADE_DUMP_H

#include <stddef.h>

#include "report.h"
#include "sandbox.h"

enum { GRADE_DUMP_HTML_MAX_OPS = 600 };   /* a longer failure gets its trace, not a step-through */

/* DIR/stage4-api.no_overlap.EXT into buf. */
void grade_dump_path(const char *dir, int stage, const char *test, const char *ext, char *buf, size_t cap);

/* In a test's child: the trace to write should the test fail (op_log.h); dir NULL: none. */
void grade_dump_child_begin(const char *dir, int stage, const char *test);

/* In the parent once every test has run: for each failing test whose trace was written, the HTML
 * step-through of the stage (src: the file graded, or NULL) through those calls, the failing step
 * highlighted and the grader's message and the test's output beside it. The report's tests get the
 * files' paths (report_test.dump_trace, dump_html). Says on stderr what could not be written. */
void grade_dump_pictures(const char *dir, const char *src, struct report *r);

/* In a test's child, after a failure: when the stage keeps the shared chunk layout (3-5) and the
 * message names a heap offset, a line with the chunks around it appended to page->message:
 *     "chunks around 0xf0: ... [0x0 240 free] [0xf0 7952 FREE <-] [0x2000 end] ..." */
void grade_chunk_map_append(int stage, struct sandbox_page *page);

#endif
