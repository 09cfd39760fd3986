/* TRICK: a macro doubled 12 times expands into 4096 statements that do not compile, each error
 *        reported with 12 notes of macro expansion: megabytes of compiler messages, for a grader
 *        that buffers them without a cap (at 18 levels, about 900 MB).
 * STAGE: 1
 * EXPECT: build-refused
 * STOPPED BY: the build's output is capped (64 KiB): exit 2, with the first messages only.
 */
/* TRICK BEGIN */
#define HOSTILE_E0 1 = 1;
#define HOSTILE_E1 HOSTILE_E0 HOSTILE_E0
#define HOSTILE_E2 HOSTILE_E1 HOSTILE_E1
#define HOSTILE_E3 HOSTILE_E2 HOSTILE_E2
#define HOSTILE_E4 HOSTILE_E3 HOSTILE_E3
#define HOSTILE_E5 HOSTILE_E4 HOSTILE_E4
#define HOSTILE_E6 HOSTILE_E5 HOSTILE_E5
#define HOSTILE_E7 HOSTILE_E6 HOSTILE_E6
#define HOSTILE_E8 HOSTILE_E7 HOSTILE_E7
#define HOSTILE_E9 HOSTILE_E8 HOSTILE_E8
#define HOSTILE_E10 HOSTILE_E9 HOSTILE_E9
#define HOSTILE_E11 HOSTILE_E10 HOSTILE_E10
#define HOSTILE_E12 HOSTILE_E11 HOSTILE_E11
void hostile_flood(void);
void hostile_flood(void)
{
    HOSTILE_E12
}
/* TRICK END */
