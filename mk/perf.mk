# mk/perf.mk: the C library as a runner, for the grade's perf tests (docs/grading.md, "Performance").
#
#   build/libc/runner   harness/runner/libc/heapmgr.c (malloc, free, realloc of the C library) linked
#                       like every stage's runner, so the two sides of a perf test differ only in the
#                       allocator

all: $(B)/libc/runner

$(B)/libc/runner-heapmgr.o: harness/runner/libc/heapmgr.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(RUNNER_FLAGS) -c $< -o $@

$(B)/libc/runner: $(B)/libc/runner-heapmgr.o $(B)/runner/librunner.a
	$(CC) $(RUNNER_FLAGS) -static -o $@ $^
