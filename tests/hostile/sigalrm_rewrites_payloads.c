/* TRICK: on its first allocator call in a process the submission arms a 1 ms interval timer whose
 *        SIGALRM handler rewrites every payload byte of the heap, [os_heap_start(), os_heap_end()),
 *        with 0, between (and during) the grader's own steps.
 * STAGE: 2
 * BASE: stage2_pad
 * WRAP: malloc free realloc check
 * EXPECT: below-baseline
 * STOPPED BY: timers kill the runner (filter: a runner may only run while the grader waits for it);
 *        were they allowed, the handler could only break the submission's own payloads, which the
 *        trusted side fills and checks itself. The score falls below the baseline, never above.
 */
/* TRICK BEGIN */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

static void hostile_rewrite_payloads(int sig)
{
    (void)sig;
    char *lo = os_heap_start(), *hi = os_heap_end();
    if (lo != NULL && hi > lo)
        memset(lo, 0, (size_t)(hi - lo));
}

static void hostile_arm_timer(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    struct sigaction on_alarm;
    memset(&on_alarm, 0, sizeof on_alarm);
    on_alarm.sa_handler = hostile_rewrite_payloads;
    on_alarm.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &on_alarm, NULL);
    struct itimerval every_ms = { { 0, 1000 }, { 0, 1000 } };
    setitimer(ITIMER_REAL, &every_ms, NULL);
}
#define HOSTILE_HOOK(call) hostile_arm_timer()
/* TRICK END */
