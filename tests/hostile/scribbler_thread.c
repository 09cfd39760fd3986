/* TRICK: on its first allocator call in a process the submission starts a thread that keeps
 *        writing 0x5A over the whole heap, [os_heap_start(), os_heap_end()), while the tests run.
 * STAGE: 2
 * BASE: stage2_pad
 * WRAP: malloc free realloc check
 * EXPECT: below-baseline
 * STOPPED BY: threads are refused by the filter (clone kills the runner); were they allowed, the
 *        scribbles would only break the submission's own payloads, which the trusted side checks
 *        in the shared heap. Either way the score falls below the baseline, never above it.
 */
/* TRICK BEGIN */
#include <pthread.h>
#include <string.h>

static void *hostile_scribble(void *arg)
{
    (void)arg;
    for (;;) {
        char *lo = os_heap_start(), *hi = os_heap_end();
        if (lo != NULL && hi > lo)
            memset(lo, 0x5A, (size_t)(hi - lo));
    }
    return NULL;
}

static void hostile_start_scribbler(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    pthread_t thread;
    pthread_create(&thread, NULL, hostile_scribble, NULL);
}
#define HOSTILE_HOOK(call) hostile_start_scribbler()
/* TRICK END */
