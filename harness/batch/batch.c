/* batch.c: heapkit grade --batch: a folder of submissions to one CSV (see batch.h).
 *
 * The command in order, each step in a file of its own (batch_class.h lists them):
 * 1. Read the options (batch_options.c).
 * 2. Find each student's submission in the folder (batch_find.c).
 * 3. Grade every student in turn (batch_run.c), each grading turned into the student's row
 *    (batch_row.c).
 * 4. Write the CSV, rows in the students' name order, under a temporary name renamed at the very
 *    end (batch_csv.c), then the histogram of totals (batch_histogram.c).
 */
#include "batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_class.h"
#include "report.h"

bool batch_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--batch") == 0 || strncmp(argv[i], "--batch=", 8) == 0)
            return true;
    return false;
}

int batch_grade(int argc, char **argv)
{
    struct batch b = { 0 };
    if (!batch_parse_options(&b, argc, argv) || !batch_find_submissions(&b))
        return 2;
    bool to_stdout = b.csv_path == NULL || strcmp(b.csv_path, "-") == 0;
    struct report_file csv;
    if (!report_file_open(&csv, to_stdout ? NULL : b.csv_path))
        return 2;
    fprintf(stderr, "Grading %zu submission%s in %s as stage %d, %u tests at a time\n", b.count,
            b.count == 1 ? "" : "s", b.dir, b.stage, b.jobs);
    double started = batch_now_seconds();
    batch_grade_all(&b);
    batch_order_groups(&b);
    batch_write_csv(&b, csv.stream);
    if (!report_file_commit(&csv))
        return 2;
    FILE *summary = to_stdout ? stderr : stdout;        /* the summary never mixes into the CSV */
    if (!to_stdout)
        fprintf(summary, "Wrote %s: %zu rows in %.1f s\n", b.csv_path, b.count, batch_now_seconds() - started);
    batch_print_histogram(&b, summary);
    batch_free_class(&b);
    return 0;
}
