/* TRICK: a 256 MiB initialised static array (static char big[256u << 20] = {1}): the built program
 *        is 257 MB, written to disk by every build; the allocator is the stage 2 reference.
 * STAGE: 2
 * BASE: stage2_pad
 * ALONE: the suite looks for the program left behind in the build folder, which gradings share
 * EXPECT: build-refused
 * STOPPED BY: the build's file size limit (RLIMIT_FSIZE) and a cap on the built program's size:
 *        exit 2 with a message, and no such program left behind.
 */
/* TRICK BEGIN */
__attribute__((used)) static char hostile_big[256u << 20] = { 1 };
/* TRICK END */
