# heapkit: six lecture allocators, one grader.
#
#   make                     build every stage and the harness (build/heapkit)
#   make test                the kit's own tests; ends with "N passed, M failed"
#   make grade [STAGE=n] [SRC=file.c] [FORMAT=text|json|tap|gradescope|autolab] [OUT=path]
#   make bench | make demo STAGE=n | make trace STAGE=n FILES=... | make run STAGE=n CMD="..."
#
# Each part of the kit keeps its own targets in mk/<part>.mk, included at the end.

# Every variable a make command line may set: any other is a typo (STAGES=4 for STAGE=4) and stops
# make before it does anything, rather than grading all six stages in silence. Each part's mk/*.mk
# names its own variables in its header; new ones go here too. Only a make run by a person is
# checked (MAKELEVEL 0): a make that runs this one (Autolab's autograde Makefile) passes its own
# command line's variables down, which are not ours to judge.
KNOWN_VARS := B CC CFLAGS RUNNER_CFLAGS STAGE SRC FORMAT OUT ONLY TIMEOUT FIT DUMP TEST GDB_BATCH STOP \
              SEQUENCE FILE HTML STEP LIST FILES RUNS CMD FULL ASSIGN ASSIGNMENT DIST \
              SUITES SUITE_JOBS SUITE_TIMEOUT COUNT SEED SANITIZE LECTURE PRESENT
COMMAND_LINE_VARS := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
UNKNOWN_VARS := $(filter-out $(KNOWN_VARS),$(COMMAND_LINE_VARS))
ifeq ($(MAKELEVEL),0)
ifneq ($(UNKNOWN_VARS),)
$(error unknown make variable$(if $(word 2,$(UNKNOWN_VARS)),s) $(UNKNOWN_VARS): the ones this Makefile reads are $(KNOWN_VARS) (STAGE=4, not STAGES=4))
endif
endif

CC      ?= cc
# DWARF 4: the valgrind of Debian 12 cannot read the DWARF 5 that clang 14 writes by default.
CFLAGS  ?= -O2 -g -gdwarf-4
WARN    := -std=c17 -Wall -Wextra
ALLFLAGS = $(WARN) -D_DEFAULT_SOURCE $(CFLAGS) -Icommon

STAGES := stage1_minimal stage2_pad stage3_list stage4_dlist stage5_bins stage6_mmap
# Beyond the lecture's six (harness/cli/stages.h: numbers 7 and 8, graded and shown only by name): built,
# run and linked into the lab like the stages, never part of "all stages".
BEYOND := beyond/buddy beyond/slab
ALL_STAGES := $(STAGES) $(BEYOND)
B      ?= build
# The folder STAGE=n names (1-8, or buddy and slab), for the commands that need only that stage.
STAGE_FOLDER = $(if $(filter 1 2 3 4 5 6 7 8,$(STAGE)),$(word $(STAGE),$(ALL_STAGES)),$(if $(filter buddy slab,$(STAGE)),beyond/$(STAGE)))

# What a stage exports to the harness, renamed stageN_heapmgr_* so six stages fit in one program: the
# "export" lines of common/contract.list (which also names the public headers a submission may use).
STAGE_API := $(shell sed -n 's/^export[[:space:]]\{1,\}//p' common/contract.list)

COMMON_HDRS := $(wildcard common/*.h)
SIM_OBJS    := $(B)/common/os_sim.o $(B)/common/os_count.o $(B)/common/heapwalk.o
# The harness: one folder per job (harness/README.md); headers are found by name in any of them.
HARNESS_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard harness/*/*.c harness/*/*.h))))
HARNESS_HDRS := $(wildcard harness/*/*.h)
HARNESS_INC  := $(addprefix -I,$(HARNESS_DIRS))
# Linked into one program each, never into the library: the two front doors, the two bindings of
# the stage table (harness/cli/stages.h), and the runner's own files.
HARNESS_MAINS := harness/cli/main.c harness/cli/lab_main.c harness/cli/stages_local.c harness/link/remote_stage.c
HARNESS_SRCS := $(filter-out $(HARNESS_MAINS) harness/runner/%,$(wildcard harness/*/*.c))
HARNESS_OBJS := $(patsubst harness/%.c,$(B)/harness/%.o,$(HARNESS_SRCS))
RUNNER_SRCS  := $(wildcard harness/runner/*.c)
RUNNER_OBJS  := $(patsubst harness/runner/%.c,$(B)/runner/%.o,$(RUNNER_SRCS))

# The runner's system-call filter needs libseccomp (Debian: libseccomp-dev); without it the grader
# still builds, and every report says that the filter was not in force.
HAVE_SECCOMP := $(shell printf '\043include <seccomp.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 && echo yes)
SECCOMP_CFLAGS := $(if $(HAVE_SECCOMP),-DHAVE_SECCOMP)
SECCOMP_LIBS   := $(if $(HAVE_SECCOMP),-lseccomp)
# The instructor's assignment file is JSON, read with libcjson (Debian: libcjson-dev): required.
CJSON_LIBS     := -lcjson

.PHONY: all clean test
all: $(foreach s,$(ALL_STAGES),$(B)/$(s)/libheapmgr.a $(B)/$(s)/runner) $(B)/heapkit $(B)/heapkit-lab
	@echo "built: build/<stage>/libheapmgr.a and runner for $(words $(STAGES)) stages and $(words $(BEYOND)) beyond them, build/heapkit and build/heapkit-lab"

# ---- common/ ---------------------------------------------------------------------------------------
$(B)/common/%.o: common/%.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -c $< -o $@

$(B)/common/libcommon-sim.a: $(SIM_OBJS)
	@rm -f $@
	ar rcs $@ $^

# ---- the stages -------------------------------------------------------------------------------------
$(B)/%/heapmgr.o: %/heapmgr.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -c $< -o $@

$(B)/%/alloc_extra.o: common/alloc_extra.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -c $< -o $@

# The static library of DESIGN.md: the stage, common/ and the simulated seam, names as in heapmgr.h.
$(B)/%/libheapmgr.a: $(B)/%/heapmgr.o $(B)/%/alloc_extra.o $(SIM_OBJS)
	@rm -f $@
	ar rcs $@ $^

# One relocatable object per stage with only the contract global, renamed with the stage's prefix
# (tools/stage-object: the one recipe, also used for submissions and by tools/coverage).
stage_prefix = $(firstword $(subst _, ,$(notdir $(1))))
$(B)/%/stage.o: $(B)/%/heapmgr.o $(B)/%/alloc_extra.o tools/stage-object common/contract.list
	tools/stage-object $(call stage_prefix,$*) $@ $(B)/$*/heapmgr.o $(B)/$*/alloc_extra.o

# ---- the harness ------------------------------------------------------------------------------------
$(B)/harness/%.o: harness/%.c $(HARNESS_HDRS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) $(SECCOMP_CFLAGS) $(HARNESS_INC) -c $< -o $@

$(B)/harness/libharness.a: $(HARNESS_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The grader: no stage code; each stage is its runner program (harness/grader, harness/runner).
$(B)/heapkit: $(B)/harness/cli/main.o $(B)/harness/link/remote_stage.o $(B)/harness/libharness.a $(B)/common/libcommon-sim.a
	$(CC) $(ALLFLAGS) -o $@ $(filter %.o,$^) $(B)/harness/libharness.a $(B)/common/libcommon-sim.a -lm $(SECCOMP_LIBS) $(CJSON_LIBS)

# The lab: trace, bench, demo and run, with the six stages (and the two beyond them) linked in.
LAB_MAIN_OBJS := $(B)/harness/cli/lab_main.o $(B)/harness/cli/stages_local.o
$(B)/heapkit-lab: $(LAB_MAIN_OBJS) $(B)/harness/libharness.a $(foreach s,$(ALL_STAGES),$(B)/$(s)/stage.o) $(B)/common/libcommon-sim.a
	$(CC) $(ALLFLAGS) -o $@ $(LAB_MAIN_OBJS) $(foreach s,$(ALL_STAGES),$(B)/$(s)/stage.o) $(B)/harness/libharness.a \
	      $(B)/common/libcommon-sim.a -lm $(SECCOMP_LIBS) $(CJSON_LIBS)

# A lab of one stage (make demo, trace, run STAGE=n): the other stages need not compile. heapkit runs
# it when HEAPKIT_LAB names it (harness/cli/main.c); LAB_FOR_STAGE is the lab those commands need.
$(B)/lab/%/heapkit-lab: $(LAB_MAIN_OBJS) $(B)/harness/libharness.a $(B)/common/libcommon-sim.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -o $@ $(LAB_MAIN_OBJS) $(B)/$(subst __,/,$*)/stage.o $(B)/harness/libharness.a \
	      $(B)/common/libcommon-sim.a -lm $(SECCOMP_LIBS) $(CJSON_LIBS)
LAB_FOR_STAGE = $(if $(STAGE_FOLDER),$(B)/lab/$(subst /,__,$(STAGE_FOLDER))/heapkit-lab,$(B)/heapkit-lab)
ifneq ($(STAGE_FOLDER),)
$(B)/lab/$(subst /,__,$(STAGE_FOLDER))/heapkit-lab: $(B)/$(STAGE_FOLDER)/stage.o
endif
LAB_ENV = HEAPKIT_LAB=$(LAB_FOR_STAGE)

# The runner library: the runner's loop and seam, and the kit's code a stage may call (calloc on top
# of the contract, the generic heap walk). A stage's runner is its heapmgr.o linked statically with it.
$(B)/runner/librunner.a: $(RUNNER_OBJS) $(B)/runner/common/alloc_extra.o $(B)/runner/common/heapwalk.o
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

# Runners are built plainly whatever CFLAGS say (a sanitizer's runtime would need system calls the
# runner's filter refuses): RUNNER_CFLAGS, and objects of their own.
RUNNER_CFLAGS ?= -O2 -g -gdwarf-4
RUNNER_FLAGS = $(WARN) -D_DEFAULT_SOURCE $(RUNNER_CFLAGS) -Icommon
$(B)/runner/%.o: harness/runner/%.c $(HARNESS_HDRS) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(RUNNER_FLAGS) -Iharness/runner -c $< -o $@
$(B)/runner/common/%.o: common/%.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(RUNNER_FLAGS) -c $< -o $@
$(B)/%/runner-heapmgr.o: %/heapmgr.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(RUNNER_FLAGS) -c $< -o $@

$(B)/%/runner: $(B)/%/runner-heapmgr.o $(B)/runner/librunner.a
	$(CC) $(RUNNER_FLAGS) -static -o $@ $^

clean:
	rm -rf $(B) dist

# ---- tests ------------------------------------------------------------------------------------------
# Each part adds its test programs to TEST_PROGS and its suites (executables printing PASS/FAIL lines)
# to tests/suites/. tests/run-suites runs every suite and prints the tally.
TEST_PROGS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: test-programs
test-programs: $(TEST_PROGS)

# A student's handout has no tests/suites (the kit's own tests, with the broken allocators they must
# catch): there, make test says what to run instead and builds nothing.
ifneq ($(wildcard tests/suites),)
test: all test-programs
	@tests/run-suites
else
test:
	@echo "make test: the kit's own test suite (tests/suites/) is the instructors' and not in this handout;"
	@echo "           your tests are make grade STAGE=n (README.md lists the commands)"
endif

.SECONDARY:
