/* suite.c: PASS and FAIL lines for the kit's C test programs (suite.h). */
#include "suite.h"

#include <stdarg.h>
#include <stdio.h>

static const char *name_prefix = "";
static int failures;

void suite_name_prefix(const char *prefix)
{
    name_prefix = prefix;
}

void suite_verdict(bool ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("PASS %s%s\n", name_prefix, name);
    } else {
        failures++;
        printf("FAIL %s%s: ", name_prefix, name);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);                  /* a test that forks next must not print this line twice */
}

int suite_exit_status(void)
{
    return failures == 0 ? 0 : 1;
}
