/* TRICK: on its first allocator call in a test's process, the submission opens its parent's memory
 *        (/proc/<ppid>/mem) and writes, at the addresses it shares with its parent since the fork,
 *        a function that returns true into every entry of the grader's test tables: every test the
 *        parent starts after that passes. The allocator is stage 4 with a coalescing bug (it only
 *        merges with the previous chunk).
 * STAGE: 4
 * BASE: zoo:stage4_coalesce_prev_only
 * LIB: tables
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: the runner is exec'd, not forked from the grader (no shared addresses, no tables
 *        linked); it runs as another uid; and the filter kills it at the open: every test fails.
 */
/* TRICK BEGIN */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int hostile_parent_mem = -1;

static void hostile_mem_poke(void *slot, void *value)
{
    if (pwrite(hostile_parent_mem, &value, sizeof value, (off_t)(uintptr_t)slot) < 0)
        return;
}

static void hostile_patch_parent(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    hostile_parent_mem = open(path, O_RDWR | O_CLOEXEC);
    if (hostile_parent_mem >= 0) {
        hostile_each_run_slot(hostile_mem_poke);
        close(hostile_parent_mem);
    }
}
#define HOSTILE_HOOK(call) hostile_patch_parent()
/* TRICK END */
