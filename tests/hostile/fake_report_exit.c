/* TRICK: a constructor prints a full-marks report in the format of --format (to --out when given)
 *        and ends the process with _exit(0) before any test runs. The allocator is a stage 1 of
 *        its own that earns few points: no rounding (misaligned payloads), realloc without copying,
 *        a checker that never looks.
 * STAGE: 1
 * LIB: args forge
 * EXPECT: zero
 * STOPPED BY: the constructor runs in the runner, under the filter (its open of /proc/self/cmdline
 *        kills it; an _exit(0) would only end a runner before its first answer): every test fails.
 */
#include <stdint.h>

#include "heapmgr.h"
#include "os.h"

void *heapmgr_malloc(size_t req_bytes)
{
    if (req_bytes == 0)
        return NULL;
    void *mem = os_sbrk((intptr_t)req_bytes);       /* not rounded: payloads lose their alignment */
    return mem == (void *)-1 ? NULL : mem;
}

void heapmgr_free(void *mem)
{
    (void)mem;
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    (void)mem;                                      /* the old contents are not copied */
    return heapmgr_malloc(req_bytes);
}

int heapmgr_check(void)
{
    return 0;                                       /* never looks */
}

/* TRICK BEGIN */
__attribute__((constructor)) static void hostile_fake_report(void)
{
    char out[4096] = "", format[32] = "text";
    hostile_arg(0, "--format", format, sizeof format);
    if (hostile_arg(0, "--out", out, sizeof out))
        hostile_forge_path(out, format);
    else
        hostile_forge(1, format);
    _exit(0);
}
/* TRICK END */
