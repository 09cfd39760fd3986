/* TRICK: at every allocator call the submission writes 64 bytes of garbage to file descriptor 4,
 *        the runner's answer channel, and to 3, its command channel, hoping to derail the grader's
 *        reading of answers.
 * STAGE: 2
 * BASE: zoo:stage2_misaligned
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: a message that is not exactly of the protocol (harness/runner/protocol.h) ends the
 *        test as a failure: the garbage fails every test; it never passes one.
 */
/* TRICK BEGIN */
#include <string.h>
#include <unistd.h>

static void hostile_garbage(void)
{
    char junk[64];
    memset(junk, 0xA5, sizeof junk);
    memcpy(junk, "PASS all tests, score 999\n", 26);
    if (write(4, junk, sizeof junk) < 0 || write(3, junk, sizeof junk) < 0)
        return;
}
#define HOSTILE_HOOK(call) hostile_garbage()
/* TRICK END */
