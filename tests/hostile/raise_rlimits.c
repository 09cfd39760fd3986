/* TRICK: on its first allocator call in a process the submission raises its RLIMIT_AS and
 *        RLIMIT_DATA to infinity (possible wherever the hard limits are infinite), then maps and
 *        touches 1 GiB of address space, far past the test's memory limit. When that works it
 *        says so ("HOSTILE-SUCCESS: ..." on stdout, which the suite looks for in every output):
 *        the score alone would not show it.
 * STAGE: 2
 * BASE: stage2_pad
 * WRAP: malloc free realloc check
 * EXPECT: baseline
 * STOPPED BY: the runner's hard limits equal its soft limits, so raising fails (the filter allows
 *        prlimit on itself, which can only lower them), the 1 GiB mapping is refused, and the
 *        allocator goes on as without the trick.
 */
/* TRICK BEGIN */
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static void hostile_raise_limits(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    setrlimit(RLIMIT_AS, &unlimited);
    setrlimit(RLIMIT_DATA, &unlimited);
    size_t bytes = (size_t)1 << 30;
    char *big = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (big != MAP_FAILED) {
        for (size_t at = 0; at < bytes; at += (size_t)64 << 20)
            big[at] = 1;                             /* a page every 64 MiB: the mapping is real */
        munmap(big, bytes);
        static const char said[] = "HOSTILE-" "SUCCESS: RLIMIT_AS raised, 1 GiB mapped past the memory limit\n";
        ssize_t n = write(1, said, sizeof said - 1);
        (void)n;
    }
}
#define HOSTILE_HOOK(call) hostile_raise_limits()
/* TRICK END */
