/* batch_main.c: the batch grader as a program of its own, for the suite 70-instructor.
 *
 *   heapkit-batch grade --batch DIR --stage N ...     runs batch_grade() (harness/batch/batch.c)
 *   heapkit-batch grade ...                           anything else: runs the grader named by the
 *                                                     HEAPKIT_GRADER environment variable
 *
 * The batch grader grades each student by running its own program again with "grade --src ...";
 * here that second run goes to HEAPKIT_GRADER, so the suite can put a scripted stand-in there and
 * check every row the batch writes for a crash, a hang, a compile error and a fake score line
 * without waiting for real gradings. build/heapkit itself calls batch_grade from its grade command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "grade") == 0 && batch_requested(argc - 1, argv + 1))
        return batch_grade(argc - 1, argv + 1);
    const char *grader = getenv("HEAPKIT_GRADER");
    if (grader == NULL || argc < 2) {
        fprintf(stderr, "heapkit-batch: set HEAPKIT_GRADER to the grader to run for '%s'\n",
                argc >= 2 ? argv[1] : "");
        return 2;
    }
    argv[0] = (char *)grader;
    execv(grader, argv);
    fprintf(stderr, "heapkit-batch: cannot run %s: %s\n", grader, strerror(errno));
    return 2;
}
