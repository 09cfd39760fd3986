/* runner_crash.c: when the allocator faults, say where (runner_crash.h).
 *
 * The handler runs on its own stack (a stack overflow leaves none), takes the program counter of the
 * faulting instruction from the signal's context and the return addresses above it from the
 * unwinder (glibc's backtrace, which steps through the signal frame), writes them to the progress
 * page the grader shares, and returns with the handler reset: the faulting instruction runs again
 * and the default action kills the runner, so the grader sees the same signal as without us. The
 * grader only prints what is written here (runner_crash_report.c); no verdict depends on it.
 */
#define _GNU_SOURCE                  /* REG_RIP */
#include "runner_crash.h"

#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

enum { ALT_STACK_BYTES = 64 * 1024, UNWOUND_MAX = PROTOCOL_CRASH_FRAMES + 8 };

static volatile struct protocol_progress *crash_page;
static char alt_stack[ALT_STACK_BYTES];

static void on_fault(int sig, siginfo_t *info, void *context)
{
    void *unwound[UNWOUND_MAX];
    int n = backtrace(unwound, UNWOUND_MAX);
    uint64_t pc = 0;
#if defined(__x86_64__)
    pc = (uint64_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
#else
    (void)context;
#endif
    /* The unwinder starts in this handler: skip to the faulting frame (its pc), or keep every frame
     * after the handler's own when the pc is not among them. */
    int from = n > 1 ? 1 : n;
    for (int i = 0; i < n; i++)
        if ((uint64_t)(uintptr_t)unwound[i] == pc) {
            from = i + 1;
            break;
        }
    uint32_t count = 0;
    crash_page->crash_frames[count++] = pc;
    for (int i = from; i < n && count < PROTOCOL_CRASH_FRAMES; i++)
        crash_page->crash_frames[count++] = (uint64_t)(uintptr_t)unwound[i];
    crash_page->crash_frame_count = count;
    crash_page->crash_address = (uint64_t)(uintptr_t)info->si_addr;
    crash_page->crash_signal = (uint32_t)sig;
    /* A signal the program sent itself (raise, abort) is not raised again by returning: send it again
     * now that the default action is back (SA_RESETHAND). */
    if (info->si_code <= 0 || sig == SIGABRT)
        raise(sig);
}

void runner_crash_install(volatile struct protocol_progress *page)
{
    crash_page = page;
#if defined(__SANITIZE_ADDRESS__)
    return;                          /* make asan: the sanitizer's own report says more */
#endif
    void *warm[2];
    backtrace(warm, 2);              /* the unwinder's first call sets itself up: not in the handler */
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER };
    sigemptyset(&sa.sa_mask);
    static const int caught[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        sigaction(caught[i], &sa, NULL);
}
