# mk/debug.mk: one test, stopped where it fails (docs/students.md, "Debugging").
#
#   make debug STAGE=n TEST=name [SRC=file.c]      the test under gdb, stopped at the first line of the
#                                                  stage's call in the failing operation; `heap` prints
#                                                  the chunks (tools/gdb/heapkit.py)
#   make debug ... STOP=k                          stopped at operation k instead (the call before a failure
#                                                  found after it, say)
#   make memcheck STAGE=n TEST=name [SRC=file.c]   the test under valgrind: reads and writes past the
#                                                  break or into the program's blocks, at your line
#   make asan STAGE=n [TEST=name] [SRC=file.c]     the same watch with AddressSanitizer (every test
#                                                  without TEST), one test after another
#
# The stage (or SRC) is built here for debugging: -O0 -g, dynamically linked, with the runner's own
# files (build/debug/..., build/asan/...); tools/debug finds the failing operation with an ordinary
# grading first, then runs the test again with that runner under gdb, valgrind or nothing (asan), NOT
# confined (heapkit grade --under): for your own file on your own machine.

.PHONY: debug memcheck asan debug-need-stage

DEBUG_FOLDER = $(STAGE_FOLDER)
DEBUG_SOURCE = $(or $(SRC),$(DEBUG_FOLDER)/heapmgr.c)
# One build per source: a submitted file's path, flattened, names its folder.
DEBUG_TAG    = $(if $(SRC),src$(subst /,_,$(abspath $(SRC))),$(subst /,_,$(DEBUG_FOLDER)))
DEBUG_RUNNER_SRCS = $(RUNNER_SRCS) common/alloc_extra.c common/heapwalk.c
DEBUG_RUNNER = $(B)/debug/$(DEBUG_TAG)/runner
ASAN_RUNNER  = $(B)/asan/$(DEBUG_TAG)/runner
DEBUG_ARGS   = --heapkit $(B)/heapkit --stage $(STAGE) $(if $(TEST),--test $(TEST)) $(if $(SRC),--src $(SRC))

debug-need-stage:
	@test -n "$(DEBUG_FOLDER)" || { echo 'usage: make $(MAKECMDGOALS) STAGE=n TEST=name [SRC=file.c]   (STAGE: 1-8, buddy or slab)'; exit 2; }
	@test -f "$(DEBUG_SOURCE)" || { echo "make $(MAKECMDGOALS): no such file: $(DEBUG_SOURCE)"; exit 2; }

ifneq ($(DEBUG_FOLDER),)
$(DEBUG_RUNNER): $(DEBUG_SOURCE) $(DEBUG_RUNNER_SRCS) $(HARNESS_HDRS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_DEFAULT_SOURCE -O0 -g3 -gdwarf-4 -no-pie -Icommon -Iharness/runner -o $@ $(DEBUG_SOURCE) $(DEBUG_RUNNER_SRCS)

$(ASAN_RUNNER): $(DEBUG_SOURCE) $(DEBUG_RUNNER_SRCS) $(HARNESS_HDRS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_DEFAULT_SOURCE -O1 -g -gdwarf-4 -fsanitize=address -fno-omit-frame-pointer -no-pie -Icommon -Iharness/runner \
	      -o $@ $(DEBUG_SOURCE) $(DEBUG_RUNNER_SRCS)
endif

debug: debug-need-stage $(B)/heapkit $(DEBUG_RUNNER)
	@tools/debug gdb $(DEBUG_ARGS) --runner $(DEBUG_RUNNER) $(if $(GDB_BATCH),--batch $(GDB_BATCH)) $(if $(STOP),--stop $(STOP))

memcheck: debug-need-stage $(B)/heapkit $(DEBUG_RUNNER)
	@tools/debug memcheck $(DEBUG_ARGS) --runner $(DEBUG_RUNNER)

asan: debug-need-stage $(B)/heapkit $(ASAN_RUNNER)
	@tools/debug asan $(DEBUG_ARGS) --runner $(ASAN_RUNNER)
