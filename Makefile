# heapkit: six lecture allocators, one grader.
#
#   make                     build every stage and the harness (build/heapkit)
#   make test                the kit's own tests; ends with "N passed, M failed"
#   make grade [STAGE=n] [SRC=file.c] [FORMAT=text|json|tap|gradescope|autolab] [OUT=path]
#   make bench | make demo STAGE=n | make trace STAGE=n FILES=... | make run STAGE=n CMD="..."
#
# Each part of the kit keeps its own targets in mk/<part>.mk, included at the end.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c17 -Wall -Wextra
ALLFLAGS = $(WARN) -D_DEFAULT_SOURCE $(CFLAGS) -Icommon

STAGES := stage1_minimal stage2_pad stage3_list stage4_dlist stage5_bins stage6_mmap
B      ?= build

# What a stage exports to the harness, renamed stageN_heapmgr_* so six stages fit in one program: the
# "export" lines of common/contract.list (which also names the public headers a submission may use).
STAGE_API := $(shell sed -n 's/^export[[:space:]]\{1,\}//p' common/contract.list)

COMMON_HDRS := $(wildcard common/*.h)
SIM_OBJS    := $(B)/common/os_sim.o $(B)/common/os_count.o $(B)/common/heapwalk.o
# The harness: one folder per job (harness/README.md); headers are found by name in any of them.
HARNESS_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard harness/*/*.c))))
HARNESS_SRCS := $(wildcard harness/*/*.c)
HARNESS_HDRS := $(wildcard harness/*/*.h)
HARNESS_INC  := $(addprefix -I,$(HARNESS_DIRS))
HARNESS_OBJS := $(patsubst harness/%.c,$(B)/harness/%.o,$(HARNESS_SRCS))

.PHONY: all clean test
all: $(foreach s,$(STAGES),$(B)/$(s)/libheapmgr.a) $(B)/heapkit
	@echo "built: build/<stage>/libheapmgr.a for $(words $(STAGES)) stages, and build/heapkit"

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
	$(CC) $(ALLFLAGS) $(HARNESS_INC) -c $< -o $@

$(B)/harness/libharness.a: $(HARNESS_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/heapkit: $(B)/harness/libharness.a $(foreach s,$(STAGES),$(B)/$(s)/stage.o) $(B)/common/libcommon-sim.a
	$(CC) $(ALLFLAGS) -o $@ $(foreach s,$(STAGES),$(B)/$(s)/stage.o) $(B)/harness/libharness.a \
	      $(B)/common/libcommon-sim.a -lm

clean:
	rm -rf $(B) dist

# ---- tests ------------------------------------------------------------------------------------------
# Each part adds its test programs to TEST_PROGS and its suites (executables printing PASS/FAIL lines)
# to tests/suites/. tests/run-suites runs every suite and prints the tally.
TEST_PROGS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: test-programs
test-programs: $(TEST_PROGS)

test: all test-programs
	@tests/run-suites

.SECONDARY:
