/* TRICK: #include "/etc/passwd": the compiler's error message quotes the file's first line (and a
 *        cleverer include shows more), so the grading's output shows a file of the grading machine.
 * STAGE: 1
 * EXPECT: build-refused
 * STOPPED BY: the confined build does not see /etc/passwd (only the submission, the public headers
 *        and the compiler's own files): the include fails, exit 2, and no line of the file shows.
 */
/* TRICK BEGIN */
#include "/etc/passwd"
/* TRICK END */
