/* runner_seam.c: the seam (os.h) inside the runner: every call is a request to the grader.
 *
 * The grader keeps the simulation (common/os_sim.c in shared mode): it counts the call, applies the
 * memory limit and fault injection, moves the break of the shared heap file, and replies with the
 * result and a fresh view of the seam. Here we only mirror the page protection, so that a write past
 * the break's page faults with SIGSEGV as on a real heap; whatever protection a submission sets
 * itself, the heap file ends at the break's page, so no byte beyond it exists.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "os_sim.h"
#include "runner_hook.h"
#include "runner_io.h"

static struct protocol_view view;          /* as of the last command or seam reply */
static char *writable_end;                 /* our own read/write heap pages end here */

void runner_seam_apply(const struct protocol_view *v)
{
    view = *v;
    char *heap = (char *)(uintptr_t)view.heap_start, *want = (char *)(uintptr_t)view.writable_end;
    if (writable_end == NULL)
        writable_end = heap;
    if (want > writable_end)
        mprotect(writable_end, (size_t)(want - writable_end), PROT_READ | PROT_WRITE);
    else if (want < writable_end)
        mprotect(want, (size_t)(writable_end - want), PROT_NONE);
    writable_end = want;
    runner_memcheck_break(view.heap_start, view.brk, view.writable_end);
}

/* Sends one seam call and waits for its reply; returns the reply's value, errno set on failure. */
static uint64_t seam_call(uint32_t call, uint64_t a, uint64_t b, uint64_t c, struct protocol_seam_reply *reply)
{
    struct protocol_message m = { .magic = PROTOCOL_MAGIC, .kind = MSG_SEAM, .call = call, .a = a, .b = b, .c = c };
    if (!runner_write(&m, sizeof m) || !runner_read(reply, sizeof *reply) || reply->magic != PROTOCOL_MAGIC)
        runner_lost();
    runner_seam_apply(&reply->view);
    if (reply->error != 0)
        errno = (int)reply->error;
    return reply->value;
}

int os_brk(void *addr)
{
    struct protocol_seam_reply r;
    return (int)(int64_t)seam_call(SEAM_BRK, (uintptr_t)addr, 0, 0, &r);
}

void *os_sbrk(intptr_t increment)
{
    struct protocol_seam_reply r;
    return (void *)(uintptr_t)seam_call(SEAM_SBRK, (uint64_t)increment, 0, 0, &r);
}

void *os_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    /* The simulation serves anonymous memory placed by itself, and refuses (and counts) anything
     * else: a file mapping is passed on as "not anonymous", the one thing about it that matters. */
    (void)addr;
    if (fd != -1 || offset != 0)
        flags &= ~MAP_ANONYMOUS;
    struct protocol_seam_reply r;
    void *mem = (void *)(uintptr_t)seam_call(SEAM_MMAP, length, (uint64_t)prot, (uint64_t)flags, &r);
    if (mem != MAP_FAILED)
        mprotect(mem, length, prot);
    return mem;
}

int os_munmap(void *addr, size_t length)
{
    struct protocol_seam_reply r;
    int result = (int)(int64_t)seam_call(SEAM_MUNMAP, (uintptr_t)addr, length, 0, &r);
    if (result == 0)
        mprotect(addr, length, PROT_NONE);
    return result;
}

struct os_stats os_stats(void) { return view.stats; }

void *os_heap_start(void) { return (void *)(uintptr_t)view.heap_start; }

void *os_heap_end(void) { return (void *)(uintptr_t)view.brk; }

const char *os_backend_name(void) { return "simulated"; }

/* The controls belong to the grader: a runner cannot change the limit or the fault injection. */
bool os_sim_set_limit(size_t max_bytes)
{
    (void)max_bytes;
    return false;
}

bool os_sim_fail_nth(unsigned long n)
{
    (void)n;
    return false;
}

size_t os_sim_mapping_length(const void *addr)
{
    struct protocol_seam_reply r;
    return (size_t)seam_call(SEAM_MAPPING_LENGTH, (uintptr_t)addr, 0, 0, &r);
}

void os_sim_each_mapping(int (*visit)(void *start, size_t length, void *arg), void *arg)
{
    static struct protocol_mapping list[PROTOCOL_MAPPINGS_MAX];
    struct protocol_seam_reply r;
    uint64_t count = seam_call(SEAM_MAPPINGS, 0, 0, 0, &r);
    if (count > PROTOCOL_MAPPINGS_MAX || !runner_read(list, (size_t)count * sizeof list[0]))
        runner_lost();
    for (uint64_t i = 0; i < count; i++)
        if (visit((void *)(uintptr_t)list[i].start, (size_t)list[i].length, arg) != 0)
            return;
}

bool os_sim_owns(const void *p)
{
    uintptr_t at = (uintptr_t)p, start = OS_SIM_SHARED_ADDR;
    return at >= start && at - start < ((uintptr_t)2 << OS_SIM_REGION_SHIFT);
}
