/* batch.c: heapkit grade --batch: a folder of submissions to one CSV (see batch.h).
 *
 * The command in order, each step in a file of its own (batch_class.h lists them):
 * 1. Read the options (batch_options.c) and find this program, /proc/self/exe, to grade with.
 * 2. Find each student's submission in the folder (batch_find.c).
 * 3. Grade every student in a child process, jobs at a time, in a temporary folder of the batch's
 *    own (batch_run.c), each ending turned into the student's row (batch_row.c).
 * 4. Write the CSV, rows in the students' name order whatever order they finished in (batch_csv.c),
 *    then the histogram of totals (batch_histogram.c).
 */
#include "batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_class.h"
#include "stages.h"

bool batch_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--batch") == 0 || strncmp(argv[i], "--batch=", 8) == 0)
            return true;
    return false;
}

/* b->self: this program, which grades each student. */
static bool find_self(struct batch *b)
{
    ssize_t n = readlink("/proc/self/exe", b->self, sizeof b->self - 1);
    if (n <= 0) {
        batch_complain("cannot find this program (/proc/self/exe): %s", strerror(errno));
        return false;
    }
    b->self[n] = '\0';
    return true;
}

/* b->work_dir: a new folder under TMPDIR (or /tmp) holding each grading's own folder. */
static bool make_work_dir(struct batch *b)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(b->work_dir, sizeof b->work_dir, "%s/heapkit-batch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(b->work_dir) == NULL) {
        batch_complain("cannot make a temporary folder: %s", strerror(errno));
        return false;
    }
    return true;
}

/* Where the CSV goes: the --csv file, or stdout for none or "-"; NULL when it cannot be written. */
static FILE *open_csv(const struct batch *b)
{
    if (b->csv_path == NULL || strcmp(b->csv_path, "-") == 0)
        return stdout;
    FILE *csv = fopen(b->csv_path, "w");
    if (csv == NULL)
        batch_complain("cannot write %s: %s", b->csv_path, strerror(errno));
    return csv;
}

int batch_grade(int argc, char **argv)
{
    struct batch b = { 0 };
    if (!batch_parse_options(&b, argc, argv))
        return 2;
    if (stage_get(b.stage) == NULL) {
        batch_complain("stage %d is not linked into this program", b.stage);
        return 2;
    }
    if (!find_self(&b) || !batch_find_submissions(&b) || !make_work_dir(&b))
        return 2;
    FILE *csv = open_csv(&b);
    if (csv == NULL) {
        batch_remove_tree(b.work_dir);
        return 2;
    }
    fprintf(stderr, "Grading %zu submission%s in %s as stage %d, %u at a time\n", b.count,
            b.count == 1 ? "" : "s", b.dir, b.stage, b.jobs);
    double started = batch_now_seconds();
    batch_grade_all(&b);
    batch_remove_tree(b.work_dir);
    batch_order_groups(&b);
    batch_write_csv(&b, csv);
    FILE *summary = csv == stdout ? stderr : stdout;    /* the summary never mixes into the CSV */
    if (csv != stdout) {
        fclose(csv);
        fprintf(summary, "Wrote %s: %zu rows in %.1f s\n", b.csv_path, b.count,
                batch_now_seconds() - started);
    }
    batch_print_histogram(&b, summary);
    batch_free_class(&b);
    return 0;
}
