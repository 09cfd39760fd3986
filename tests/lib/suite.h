/* suite.h: what the kit's C test programs share: one line per check for tests/run-suites,
 *   PASS <prefix><name>
 *   FAIL <prefix><name>: <what was expected, and what happened>
 * (tests/lib/suite.c; the bash and python suites have suite.sh and suite.py). */
#ifndef HEAPKIT_TEST_SUITE_H
#define HEAPKIT_TEST_SUITE_H

#include <stdbool.h>

/* Put before every name printed from now on ("stage3_list/", "seam/"); "" by default. */
void suite_name_prefix(const char *prefix);

/* PASS name when ok, else FAIL name: and the message fmt makes. */
void suite_verdict(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The program's exit status: 0 when every check passed, 1 when one failed. */
int suite_exit_status(void);

#endif
