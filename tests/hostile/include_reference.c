/* TRICK: the whole submission is one line, #include "../stage4_dlist/heapmgr.c": found through the
 *        grader's -I of the kit's common/ folder, it is the reference solution, graded as the
 *        student's own work.
 * STAGE: 4
 * EXPECT: build-refused
 * STOPPED BY: the build is confined: it sees the submission and the kit's public headers only (no
 *        stage folder), so the include fails: exit 2, and the message shows none of the reference.
 */
/* TRICK BEGIN */
#include "../stage4_dlist/heapmgr.c"
/* TRICK END */
