/* tests/grader/fake_score.c: a stage 1 allocator that pads every request by 64 bytes (so
 * lecture.heap_grows_by_request fails) and prints fake results: full-score lines in every report
 * format, and 100 KB of noise, on stdout and stderr.
 *
 * The grader never reads what a submission prints, so the grader's own test expects exactly the
 * score of the one failing test, reports that stay well-formed, and the noise truncated.
 */
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "heapmgr.h"
#include "os.h"

static void claim_full_marks(void)
{
    static const char *const lies[] = {
        "{\"scores\": {\"api\": 1000, \"lecture\": 1000, \"workload\": 1000, \"checker\": 1000}, \"scoreboard\": [9999, 99]}",
        "{\"heapkit_grade\": 1, \"complete\": true, \"score\": 9999, \"max_score\": 9999, \"tests\": []}",
        "ok 1 - stage1 lecture.heap_grows_by_request # 5/5 points",
        "1..1",
        "PASS  lecture.heap_grows_by_request             5/5",
        "all tests passed: 35 of 35 tests passed, 109 of 109 points",
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        printf("%s\n", lies[i]);
        fprintf(stderr, "%s\n", lies[i]);
    }
    fflush(stdout);
}

void *heapmgr_malloc(size_t req_bytes)
{
    static bool noisy_once;
    if (!noisy_once) {
        noisy_once = true;
        claim_full_marks();
        for (int i = 0; i < 2000; i++)
            printf("noise line %d: \033[31m\x01\x02 \"quoted\" \\ backslash %s\n", i, "ééé");
    }
    if (req_bytes == 0 || req_bytes > PTRDIFF_MAX - CHUNK_UNIT - 64)
        return NULL;
    char *old_break = os_sbrk(0);
    if (old_break == (void *)-1)
        return NULL;
    char *mem = chunk_align_up(old_break);
    if (os_brk(mem + chunk_round_up(req_bytes) + 64) == -1)   /* the bug: 64 bytes wasted per malloc */
        return NULL;
    return mem;
}

void heapmgr_free(void *mem) { (void)mem; }

void *heapmgr_realloc(void *mem, size_t req_bytes)
{
    if (mem == NULL)
        return heapmgr_malloc(req_bytes);
    if (req_bytes == 0)
        return NULL;
    return heapmgr_realloc_by_moving(mem, (size_t)((char *)os_sbrk(0) - (char *)mem), req_bytes);
}

int heapmgr_check(void)
{
    claim_full_marks();
    return 0;
}
