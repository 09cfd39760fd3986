/* report_tap.c: TAP version 14 (testanything.org): a plan, one line per test, and for each failure
 * a YAML block with what happened. Strings in the block are JSON-quoted, which YAML reads as is. */
#include "json_write.h"
#include "report.h"

void report_tap(FILE *out, const struct report *r)
{
    fputs("TAP version 14\n", out);
    fprintf(out, "1..%zu\n", r->test_count);
    if (r->protections != NULL && r->protections[0] != '\0')
        fprintf(out, "# protections: %s\n", r->protections);
    for (size_t i = 0; i < r->stage_count; i++)
        if (r->stages[i].perf != NULL)
            report_perf_tap(out, r->stages[i].perf);
    for (size_t i = 0; i < r->test_count; i++) {
        const struct report_test *t = &r->tests[i];
        bool passed = t->outcome == SANDBOX_PASS;
        fprintf(out, "%s %zu - stage%d %s # %d/%d points\n", passed ? "ok" : "not ok", i + 1, t->stage, t->name,
                t->score, t->max_score);
        if (passed)
            continue;
        fputs("  ---\n  message: ", out);
        json_write_string(out, t->message);
        fprintf(out, "\n  outcome: %s\n", sandbox_outcome_name(t->outcome));
        if (t->op > 0)
            fprintf(out, "  operation: %zu\n", t->op);
        fprintf(out, "  seconds: %.3f\n", t->seconds);
        if (t->output[0] != '\0') {
            fputs("  output: ", out);
            json_write_string(out, t->output);
            fputc('\n', out);
        }
        fputs("  ...\n", out);
    }
    fprintf(out, "# %zu of %zu tests passed, %d of %d points\n", r->passed, r->passed + r->failed, r->score,
            r->max_score);
}
