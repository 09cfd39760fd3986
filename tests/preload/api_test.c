/* api_test.c: the malloc family of libheapmgr-preload.so, checked call by call on one stage.
 *
 *   LD_PRELOAD=build/stage4_dlist/libheapmgr-preload.so build/tests/preload/api_test stage4_dlist
 *
 * Prints one line per property: "PASS preload/<stage>/<property>" or
 * "FAIL preload/<stage>/<property>: expected ..., got ... (operation n)". Exits 1 when any failed.
 * The first check makes sure the calls really reach the stage's library, not the C library's malloc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *stage_name;

/* Sizes no allocator can serve, kept in volatile variables so the compiler does not refuse the
 * calls at compile time: the test is about what happens at run time. */
static volatile size_t size_max = SIZE_MAX;
static volatile size_t just_over_ptrdiff_max = (size_t)PTRDIFF_MAX + 1;
static volatile size_t not_a_power_of_two = 48;
static int failures;

/* The first failure of the running check, or nothing: each check reports once. */
static char failure_text[512];

static void fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *format, ...)
{
    if (failure_text[0] != '\0')
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(failure_text, sizeof failure_text, format, args);
    va_end(args);
}

static void report(const char *property, void (*check)(void))
{
    failure_text[0] = '\0';
    check();
    if (failure_text[0] == '\0') {
        printf("PASS preload/%s/%s\n", stage_name, property);
    } else {
        printf("FAIL preload/%s/%s: %s\n", stage_name, property, failure_text);
        failures++;
    }
    fflush(stdout);
}

static bool aligned_to(const void *p, size_t align_bytes)
{
    return (uintptr_t)p % align_bytes == 0;
}

/* A byte pattern that differs per block and per offset, to see overlap and lost content. */
static unsigned char pattern(size_t block, size_t offset)
{
    return (unsigned char)(block * 31 + offset * 7 + 1);
}

static void fill(unsigned char *p, size_t block, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern(block, i);
}

/* The first offset below n where p lost its pattern, or n when it is intact. */
static size_t first_damage(const unsigned char *p, size_t block, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pattern(block, i))
            return i;
    return n;
}

/* ---- the checks ------------------------------------------------------------------------------ */

static void check_runs_on_stage(void)
{
    const char *(*which)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "heapkit_preload_stage");
    if (which == NULL)
        fail("heapkit_preload_stage exported (the library preloaded), got none: the C library's malloc runs");
    else if (strcmp(which(), stage_name) != 0)
        fail("the library of %s, got the library of %s", stage_name, which());
}

static void check_malloc_zero_unique(void)
{
    void *a = malloc(0), *b = malloc(0);
    if (a == NULL || b == NULL)
        fail("malloc(0) gives a pointer, got NULL (operation %d)", a == NULL ? 1 : 2);
    else if (a == b)
        fail("two malloc(0) give different pointers, got %p twice (operation 2)", a);
    else
        memset(a, 0x5a, malloc_usable_size(a));   /* 0 with a tag, the chunk's payload without: writable */
    free(a);
    free(b);
}

enum { MANY = 600 };

static void check_alignment_and_no_overlap(void)
{
    static unsigned char *blocks[MANY];
    for (size_t i = 0; i < MANY; i++) {
        size_t n = 1 + (i * 37) % 700;
        blocks[i] = malloc(n);
        if (blocks[i] == NULL) {
            fail("malloc(%zu) gives memory, got NULL (operation %zu)", n, i + 1);
            return;
        }
        if (!aligned_to(blocks[i], 16))
            fail("malloc(%zu) 16-byte aligned, got %p (operation %zu)", n, (void *)blocks[i], i + 1);
        fill(blocks[i], i, n);
        if (i % 3 == 0 && i > 0) {           /* free some, so that later blocks may reuse them */
            free(blocks[i - 1]);
            blocks[i - 1] = NULL;
        }
    }
    for (size_t i = 0; i < MANY; i++) {
        if (blocks[i] == NULL)
            continue;
        size_t n = 1 + (i * 37) % 700;
        size_t at = first_damage(blocks[i], i, n);
        if (at != n)
            fail("block %zu of %zu bytes keeps its content, got byte %zu changed (overlap?) (operation %d)",
                 i, n, at, MANY + (int)i);
        free(blocks[i]);
    }
}

static void check_usable_size(void)
{
    const size_t sizes[] = {1, 15, 16, 17, 100, 1000, 4096, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = malloc(sizes[i]);
        size_t usable = malloc_usable_size(p);
        if (p == NULL || usable < sizes[i])
            fail("malloc_usable_size(malloc(%zu)) >= %zu, got %zu (operation %zu)", sizes[i], sizes[i], usable, i + 1);
        else
            memset(p, 0x5a, usable);          /* all of it is the program's to write */
        free(p);
    }
    if (malloc_usable_size(NULL) != 0)
        fail("malloc_usable_size(NULL) is 0, got %zu", malloc_usable_size(NULL));
}

static void check_calloc(void)
{
    enum { N = 300, ELEM = 24 };
    unsigned char *dirty = malloc(N * ELEM);
    if (dirty == NULL) {
        fail("malloc(%d) gives memory, got NULL (operation 1)", N * ELEM);
        return;
    }
    memset(dirty, 0xa5, N * ELEM);
    free(dirty);                              /* a reusing stage may hand these bytes to calloc */
    unsigned char *zeroed = calloc(N, ELEM);
    if (zeroed == NULL) {
        fail("calloc(%d, %d) gives memory, got NULL (operation 2)", N, ELEM);
        return;
    }
    for (size_t i = 0; i < N * ELEM; i++)
        if (zeroed[i] != 0) {
            fail("calloc memory is all zero, got byte %zu = 0x%02x (operation 2)", i, zeroed[i]);
            break;
        }
    free(zeroed);

    errno = 0;
    void *wrapped = calloc(size_max / 2, 3);
    if (wrapped != NULL || errno != ENOMEM)
        fail("calloc(SIZE_MAX/2, 3) (the product overflows) gives NULL and ENOMEM, got %p and errno %d "
             "(operation 3)", wrapped, errno);
    errno = 0;
    void *huge = calloc(just_over_ptrdiff_max / 2, 2);
    if (huge != NULL || errno != ENOMEM)
        fail("calloc of more than PTRDIFF_MAX bytes gives NULL and ENOMEM, got %p and errno %d (operation 4)",
             huge, errno);
    void *none = calloc(0, 16);
    if (none == NULL)
        fail("calloc(0, 16) gives a unique pointer, got NULL (operation 5)");
    free(none);
}

static void check_too_big(void)
{
    const size_t sizes[] = {just_over_ptrdiff_max, size_max, size_max - 8};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        errno = 0;
        void *p = malloc(sizes[i]);
        if (p != NULL || errno != ENOMEM)
            fail("malloc(%zu) gives NULL and ENOMEM, got %p and errno %d (operation %zu)", sizes[i], p, errno, i + 1);
    }
}

static void check_free_keeps_errno(void)
{
    void *p = malloc(100);
    errno = EBADF;
    free(p);
    if (errno != EBADF)
        fail("free keeps errno (EBADF = %d), got errno %d (operation 2)", EBADF, errno);
    errno = EINTR;
    free(NULL);
    if (errno != EINTR)
        fail("free(NULL) keeps errno (EINTR = %d), got errno %d (operation 3)", EINTR, errno);
    errno = EBADF;
    void *q = malloc(64);
    if (errno != EBADF)
        fail("a malloc that succeeds leaves errno alone (EBADF = %d), got %d (operation 4)", EBADF, errno);
    free(q);
}

/* realloc beyond PTRDIFF_MAX must fail with ENOMEM and leave p whole; false when it did not. */
static bool refused_realloc_keeps_block(unsigned char *p, size_t kept)
{
    uintptr_t before = (uintptr_t)p;          /* compared as a number: p stays ours after a refusal */
    errno = 0;
    void *refused = realloc(p, just_over_ptrdiff_max);
    if (refused != NULL) {
        fail("realloc beyond PTRDIFF_MAX gives NULL, got %p (operation 8)", refused);
        free(refused);
        return false;
    }
    if (errno != ENOMEM)
        fail("realloc beyond PTRDIFF_MAX sets ENOMEM, got errno %d (operation 8)", errno);
    unsigned char *still = (unsigned char *)before;
    if (first_damage(still, 1, kept) != kept)
        fail("a refused realloc leaves the block intact, got byte %zu changed (operation 8)", first_damage(still, 1, kept));
    return true;
}

static void check_realloc(void)
{
    unsigned char *p = realloc(NULL, 40);
    if (p == NULL) {
        fail("realloc(NULL, 40) gives memory, got NULL (operation 1)");
        return;
    }
    fill(p, 1, 40);
    size_t sizes[] = {100, 5000, 70000, 30, 300000, 10};
    size_t kept = 40;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *moved = realloc(p, sizes[i]);
        if (moved == NULL) {
            fail("realloc to %zu gives memory, got NULL (operation %zu)", sizes[i], i + 2);
            free(p);
            return;
        }
        p = moved;
        size_t must_keep = kept < sizes[i] ? kept : sizes[i];
        size_t at = first_damage(p, 1, must_keep);
        if (at != must_keep)
            fail("realloc to %zu keeps the first %zu bytes, got byte %zu changed (operation %zu)", sizes[i],
                 must_keep, at, i + 2);
        if (malloc_usable_size(p) < sizes[i])
            fail("usable size after realloc to %zu >= %zu, got %zu (operation %zu)", sizes[i], sizes[i],
                 malloc_usable_size(p), i + 2);
        fill(p, 1, sizes[i]);
        kept = sizes[i];
    }
    if (!refused_realloc_keeps_block(p, kept))
        return;
    void *after_zero = realloc(p, 0);
    if (after_zero != NULL)
        fail("realloc(p, 0) frees p and gives NULL (the documented choice), got %p (operation 9)", after_zero);
}

static void check_aligned_block(const char *how, void *p, size_t align_bytes, size_t n, int op)
{
    if (p == NULL) {
        fail("%s(%zu, %zu) gives memory, got NULL (operation %d)", how, align_bytes, n, op);
        return;
    }
    if (!aligned_to(p, align_bytes))
        fail("%s(%zu, %zu) aligned to %zu, got %p (operation %d)", how, align_bytes, n, align_bytes, p, op);
    if (malloc_usable_size(p) < n)
        fail("usable size of %s(%zu, %zu) >= %zu, got %zu (operation %d)", how, align_bytes, n, n,
             malloc_usable_size(p), op);
    fill(p, (size_t)op, n);
    /* An aligned block reallocs like any other: bigger, content kept. */
    unsigned char *moved = realloc(p, n * 3 + 100);
    if (moved == NULL) {
        fail("realloc of a %s block gives memory, got NULL (operation %d)", how, op);
        free(p);
        return;
    }
    if (first_damage(moved, (size_t)op, n) != n)
        fail("realloc of a %s(%zu) block keeps its %zu bytes, got byte %zu changed (operation %d)", how,
             align_bytes, n, first_damage(moved, (size_t)op, n), op);
    if (!aligned_to(moved, 16))
        fail("realloc of a %s block is 16-byte aligned, got %p (operation %d)", how, (void *)moved, op);
    free(moved);
}

static void check_posix_memalign(void)
{
    const size_t aligns[] = {8, 16, 32, 64, 256, 4096, 65536};
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        void *p = NULL;
        int err = posix_memalign(&p, aligns[i], 1000);
        if (err != 0)
            fail("posix_memalign(%zu, 1000) returns 0, got %d (operation %zu)", aligns[i], err, i + 1);
        check_aligned_block("posix_memalign", p, aligns[i] < 16 ? 16 : aligns[i], 1000, (int)i + 1);
    }
    const size_t bad[] = {0, 3, 24, 4, 4097};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        void *untouched = (void *)&failures;
        int err = posix_memalign(&untouched, bad[i], 64);
        if (err != EINVAL || untouched != (void *)&failures)
            fail("posix_memalign with alignment %zu returns EINVAL (%d) and leaves the pointer, got %d and %s "
                 "(operation %zu)", bad[i], EINVAL, err, untouched == (void *)&failures ? "it left" : "it changed",
                 i + 10);
    }
}

static void check_aligned_alloc_family(void)
{
    long page = sysconf(_SC_PAGESIZE);
    check_aligned_block("aligned_alloc", aligned_alloc(64, 256), 64, 256, 1);
    check_aligned_block("aligned_alloc", aligned_alloc(4096, 4096), 4096, 4096, 2);
    check_aligned_block("memalign", memalign(128, 100), 128, 100, 3);
    check_aligned_block("valloc", valloc(10), (size_t)page, 10, 4);
    void *pv = pvalloc(1);
    if (pv != NULL && malloc_usable_size(pv) < (size_t)page)
        fail("pvalloc(1) gives a whole page, got %zu usable bytes (operation 5)", malloc_usable_size(pv));
    check_aligned_block("pvalloc", pv, (size_t)page, 1, 5);
    errno = 0;
    void *bad = aligned_alloc(not_a_power_of_two, 96);
    if (bad != NULL || errno != EINVAL)
        fail("aligned_alloc(48, 96) gives NULL and EINVAL, got %p and errno %d (operation 6)", bad, errno);
}

/* A program that reads the break itself (as some do to measure their heap) must not upset the stage. */
static void check_program_reads_break(void)
{
    for (int i = 0; i < 50; i++) {
        void *brk_before = sbrk(0);
        unsigned char *p = malloc(200 + (size_t)i * 50);
        void *brk_after = sbrk(0);
        if (p == NULL || brk_before == (void *)-1 || brk_after == (void *)-1) {
            fail("malloc and sbrk(0) work side by side, got malloc %p, sbrk(0) %p then %p (operation %d)",
                 (void *)p, brk_before, brk_after, i + 1);
            free(p);
            return;
        }
        fill(p, (size_t)i, 200 + (size_t)i * 50);
        if (first_damage(p, (size_t)i, 200 + (size_t)i * 50) != 200 + (size_t)i * 50)
            fail("a block stays intact across sbrk(0), got damage (operation %d)", i + 1);
        free(p);
    }
}

/* ---- threads and fork --------------------------------------------------------------------------- */

enum { THREADS = 4, SLOTS = 48, OPS_PER_THREAD = 12000 };

struct worker {
    int id;
    int ops_done;
    char problem[200];
};

static volatile int stop_forking;

static void *churn(void *arg)
{
    struct worker *w = arg;
    unsigned char *slot[SLOTS] = {0};
    size_t slot_bytes[SLOTS] = {0};
    unsigned seed = (unsigned)w->id * 2654435761u + 1;
    for (int op = 0; op < OPS_PER_THREAD && w->problem[0] == '\0'; op++) {
        seed = seed * 1103515245u + 12345u;
        size_t s = (seed >> 8) % SLOTS;
        size_t n = 1 + (seed >> 16) % 600;
        size_t tag = (size_t)w->id * 1000 + s;
        if (slot[s] != NULL && first_damage(slot[s], tag, slot_bytes[s]) != slot_bytes[s]) {
            snprintf(w->problem, sizeof w->problem, "thread %d's block keeps its content, got damage (operation %d)",
                     w->id, op + 1);
            break;
        }
        if (slot[s] == NULL) {
            slot[s] = (seed & 1) ? malloc(n) : calloc(1, n);
        } else if ((seed >> 4) % 3 == 0) {
            unsigned char *moved = realloc(slot[s], n);
            if (moved == NULL)
                continue;
            slot[s] = moved;
        } else {
            free(slot[s]);
            slot[s] = NULL;
            continue;
        }
        if (slot[s] == NULL) {
            snprintf(w->problem, sizeof w->problem, "thread %d: allocation of %zu gives memory, got NULL (operation %d)",
                     w->id, n, op + 1);
            break;
        }
        slot_bytes[s] = n;
        fill(slot[s], tag, n);
        w->ops_done = op + 1;
    }
    for (size_t s = 0; s < SLOTS; s++)
        free(slot[s]);
    return NULL;
}

static void check_threads(void)
{
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.id = i + 1};
        pthread_create(&threads[i], NULL, churn, &workers[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        if (workers[i].problem[0] != '\0')
            fail("%s", workers[i].problem);
    }
}

static void *allocate_until_told(void *arg)
{
    (void)arg;
    while (!stop_forking) {
        void *p = malloc(100);
        void *q = malloc(3000);
        free(p);
        free(q);
    }
    return NULL;
}

/* Forks while another thread allocates: the child must find the lock free and the heap whole. */
static void check_fork_while_allocating(void)
{
    pthread_t busy;
    stop_forking = 0;
    pthread_create(&busy, NULL, allocate_until_told, NULL);
    for (int i = 0; i < 40; i++) {
        pid_t child = fork();
        if (child == 0) {
            alarm(10);                     /* a child stuck on an inherited lock dies instead of hanging */
            for (int k = 0; k < 200; k++)
                free(malloc((size_t)k * 10 + 1));
            _exit(0);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) != child) {
            fail("fork and wait work, got an error (operation %d)", i + 1);
            break;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fail("the forked child mallocs and exits 0, got %s %d (operation %d)",
                 WIFSIGNALED(status) ? "signal" : "status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                 i + 1);
            break;
        }
    }
    stop_forking = 1;
    pthread_join(busy, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: LD_PRELOAD=build/STAGE/libheapmgr-preload.so %s STAGE\n", argv[0]);
        return 2;
    }
    stage_name = argv[1];
    report("runs-on-stage", check_runs_on_stage);
    if (failures > 0)
        return 1;                          /* every other result would describe the C library */
    report("malloc-zero-unique", check_malloc_zero_unique);
    report("alignment-no-overlap", check_alignment_and_no_overlap);
    report("usable-size", check_usable_size);
    report("calloc-zero-and-overflow", check_calloc);
    report("too-big-enomem", check_too_big);
    report("free-keeps-errno", check_free_keeps_errno);
    report("realloc-content-and-zero", check_realloc);
    report("posix-memalign", check_posix_memalign);
    report("aligned-alloc-memalign-valloc", check_aligned_alloc_family);
    report("program-reads-break", check_program_reads_break);
    report("threads", check_threads);
    report("fork-while-allocating", check_fork_while_allocating);
    return failures > 0 ? 1 : 0;
}
