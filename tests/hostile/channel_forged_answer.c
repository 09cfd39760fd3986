/* TRICK: at every allocator call the submission first writes a well-formed-looking answer to the
 *        runner's answer channel (fd 4): the protocol's magic, kind ANSWER, the next sequence
 *        number, and a value of 0 ("no violation", "nothing to check"), as if the grader had asked
 *        and been answered already.
 * STAGE: 2
 * BASE: zoo:stage2_misaligned
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: the grader never takes the runner's word: an answer is only a value it then checks
 *        itself, and an answer it did not ask for (or out of sequence) ends the test as a failure.
 */
/* TRICK BEGIN */
#include <stdint.h>
#include <unistd.h>

struct hostile_message {             /* the shape of harness/runner/protocol.h's message */
    uint32_t magic, kind;
    uint64_t seq, value;
    uint32_t call, pad;
    uint64_t a, b, c;
};

static void hostile_forge_answer(void)
{
    static uint64_t seq;
    struct hostile_message m = { 0x686b7031u, 1, ++seq, 0, 0, 0, 0, 0, 0 };
    if (write(4, &m, sizeof m) < 0)
        return;
}
#define HOSTILE_HOOK(call) hostile_forge_answer()
/* TRICK END */
