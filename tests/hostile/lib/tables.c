/* lib/tables.c: the grader's test tables, as a submission linked into the grader sees them.
 * The names are the grader's own (harness/grader/grade_test.h); they are declared weak, so they are
 * null where no grader is linked in (a separate runner program) and the trick then does nothing.
 * hostile_each_run_slot(poke) calls poke(address of a test's function pointer, a function that
 * always passes) for every test of every table found. */
#include <stdbool.h>
#include <stddef.h>

struct hostile_test {
    const char *name;
    unsigned stages;
    int points;
    bool (*run)(void *ctx);
};

extern const struct hostile_test grade_api_tests[] __attribute__((weak));
extern const size_t grade_api_test_count __attribute__((weak));
extern const struct hostile_test grade_lecture_tests[] __attribute__((weak));
extern const size_t grade_lecture_test_count __attribute__((weak));
extern const struct hostile_test grade_checker_tests[] __attribute__((weak));
extern const size_t grade_checker_test_count __attribute__((weak));
extern const struct hostile_test grade_workload_test __attribute__((weak));

__attribute__((unused)) static bool hostile_always_passes(void *ctx)
{
    (void)ctx;
    return true;
}

__attribute__((unused)) static void hostile_each_run_slot(void (*poke)(void *slot, void *value))
{
    const struct hostile_test *tables[] = { grade_api_tests, grade_lecture_tests, grade_checker_tests };
    const size_t *counts[] = { &grade_api_test_count, &grade_lecture_test_count, &grade_checker_test_count };
    void *pass = (void *)hostile_always_passes;
    for (size_t t = 0; t < 3; t++)
        if (tables[t] != NULL && counts[t] != NULL)
            for (size_t i = 0; i < *counts[t]; i++)
                poke((void *)&tables[t][i].run, pass);
    if (&grade_workload_test != NULL)
        poke((void *)&grade_workload_test.run, pass);
}
