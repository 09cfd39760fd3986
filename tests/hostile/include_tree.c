/* TRICK: the file includes itself twice at every level, 40 levels deep: an include tree of 2^40
 *        files, which the preprocessor would read for ever (and cc1 would outlive a grader that
 *        gave up waiting).
 * STAGE: 1
 * FORMATS: json
 * ENV: HEAPKIT_BUILD_TIMEOUT=10
 * LIMIT: 75
 * EXPECT: build-refused
 * STOPPED BY: the build runs under a time limit (and CPU and memory limits) and is killed when it
 *        runs past it, with every process of the build: exit 2 with a message. (Graded in one
 *        format only: the build is the same in every format and takes the whole limit, here
 *        10 s through HEAPKIT_BUILD_TIMEOUT; LIMIT leaves room for the 60 s default.)
 */
/* TRICK BEGIN */
#if __INCLUDE_LEVEL__ < 40
#include __FILE__
#include __FILE__
#endif
/* TRICK END */
