/* seam.c: the simulated backend of the kernel seam, checked on its own (no stage linked).
 * Prints PASS/FAIL lines for tests/run-suites. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os_sim.h"
#include "suite.h"

static void check(bool ok, const char *name, const char *expected)
{
    suite_verdict(ok, name, "expected %s", expected);
}

static int signal_in_child(void (*body)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        body(arg);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void touch(void *addr) { *(volatile char *)addr = 1; }

static void test_break(void)
{
    char *start = os_heap_start();
    check(os_sbrk(0) == start && start != NULL && (uintptr_t)start % 4096 == 0, "heap_starts_page_aligned",
          "os_sbrk(0) to be the page-aligned heap start before any move");
    check(os_sbrk(100) == start && os_sbrk(0) == start + 100, "sbrk_returns_old_break",
          "os_sbrk(100) to return the old break and move it by 100");
    check(os_brk(start + 8192) == 0 && os_heap_end() == start + 8192, "brk_sets_break", "os_brk to set the break");
    struct os_stats s = os_stats();
    check(s.heap_bytes == 8192 && s.peak_heap_bytes == 8192 && s.break_moves == 2, "break_counted",
          "heap_bytes 8192, peak 8192 and 2 break moves");
    check(os_sbrk(-4096) == start + 8192 && os_stats().heap_bytes == 4096 && os_stats().peak_heap_bytes == 8192,
          "sbrk_shrinks", "a negative os_sbrk to shrink the heap and keep the peak");
    check(signal_in_child(touch, start + 4096) == SIGSEGV, "shrunk_pages_fault", "SIGSEGV writing a page given back");
    errno = 0;
    check(os_sbrk(-(intptr_t)8192) == (void *)-1 && errno == ENOMEM, "sbrk_below_start_fails",
          "(void *)-1 with ENOMEM for a break below the heap start");
    check(os_brk(start - 16) == -1 && errno == ENOMEM, "brk_below_start_fails", "-1 with ENOMEM");
    os_brk(start);
}

static void test_limit_and_injection(void)
{
    char *start = os_heap_start();
    os_sim_set_limit(64 * 1024);
    check(os_sbrk(60 * 1024) == start && os_sbrk(8 * 1024) == (void *)-1, "limit_refuses_heap",
          "the 64 KiB limit to allow 60 KiB and refuse 8 KiB more");
    check(os_mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
          "limit_counts_mappings", "a mapping over the limit to fail");
    os_sim_set_limit(0);
    os_brk(start);
    unsigned long failed_before = os_stats().failed_calls;
    os_sim_fail_nth(3);
    bool first_two_ok = os_sbrk(0) != (void *)-1 && os_sbrk(16) != (void *)-1;
    bool third_fails = os_sbrk(16) == (void *)-1;
    bool fourth_ok = os_sbrk(16) != (void *)-1;
    struct os_stats s = os_stats();
    check(first_two_ok && third_fails && fourth_ok && s.injected_failures == 1 && s.failed_calls == failed_before + 1,
          "fail_nth_fails_exactly_that_call", "calls 1, 2 and 4 to succeed and call 3 to fail, counted once");
    os_brk(start);
}

static void test_mappings(void)
{
    struct os_stats before = os_stats();
    char *a = os_mmap(NULL, 5000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b = os_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(a != MAP_FAILED && b != MAP_FAILED && (uintptr_t)a % 4096 == 0 && os_sim_owns(a), "mmap_gives_pages",
          "page-aligned mappings inside the simulated region");
    a[8191] = 1;
    check(os_sim_mapping_length(a) == 8192 && os_stats().mapped_bytes == before.mapped_bytes + 12288 &&
              os_stats().mappings == before.mappings + 2, "mapping_rounded_to_pages",
          "a 5000-byte mapping to take 8192 bytes and be counted");
    check(signal_in_child(touch, a + 8192) == SIGSEGV || a + 8192 == b, "past_mapping_faults",
          "SIGSEGV past the end of a mapping (unless the next mapping starts there)");
    check(os_munmap(a + 4096, 4096) == -1 && os_munmap(a, 4096) == -1 && os_stats().bad_munmaps == 2,
          "wrong_munmap_detected", "an os_munmap of a wrong address and of a wrong length to fail and be counted");
    check(os_munmap(a, 5000) == 0 && os_munmap(b, 4096) == 0 && os_stats().mappings == before.mappings &&
              os_stats().mapped_bytes == before.mapped_bytes, "munmap_returns_bytes", "exact munmaps to return all bytes");
    check(signal_in_child(touch, a) == SIGSEGV, "unmapped_page_faults", "SIGSEGV writing an unmapped page");
    check(os_mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) == MAP_FAILED && errno == EINVAL, "file_mapping_refused",
          "EINVAL for anything but anonymous memory");
}

static int count_mapping(void *start, size_t length, void *arg)
{
    (void)start;
    *(size_t *)arg += length;
    return 0;
}

static void test_many_mappings(void)
{
    enum { MANY = 20000 };
    static void *maps[MANY];
    bool ok = true;
    for (size_t i = 0; i < MANY && ok; i++) {
        maps[i] = os_mmap(NULL, 4096 * (1 + i % 3), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok = maps[i] != MAP_FAILED;
    }
    for (size_t i = 0; i < MANY && ok; i += 2)
        ok = os_munmap(maps[i], 4096 * (1 + i % 3)) == 0;
    size_t visited = 0;
    os_sim_each_mapping(count_mapping, &visited);
    ok = ok && visited == os_stats().mapped_bytes;
    for (size_t i = 1; i < MANY && ok; i += 2)
        ok = os_munmap(maps[i], 4096 * (1 + i % 3)) == 0;
    check(ok && os_stats().mappings == 0 && os_stats().mapped_bytes == 0, "twenty_thousand_mappings",
          "20 000 mappings made, visited and unmapped exactly, leaving none");
}

int main(void)
{
    suite_name_prefix("seam/");
    test_break();
    test_limit_and_injection();
    test_mappings();
    test_many_mappings();
    return suite_exit_status();
}
