# The foundation's tests: one test program per stage, linked through the stage's libheapmgr.a. The
# blocks a test holds are kept in the checked replay's live set, filled with its payload patterns.
FOUNDATION_SRCS := tests/foundation/foundation.c tests/foundation/held.c harness/trace/replay_live.c \
                   harness/trace/replay_pattern.c tests/lib/suite.c

$(B)/%/test-foundation: $(FOUNDATION_SRCS) tests/foundation/held.h harness/trace/replay_live.h \
                        harness/trace/replay_pattern.h tests/lib/suite.h $(B)/%/libheapmgr.a
	$(CC) $(ALLFLAGS) -Iharness/trace -Itests/lib -DSTAGE_NUMBER=$(patsubst stage%,%,$(call stage_prefix,$*)) -DSTAGE_NAME='"$*"' \
	      -o $@ $(FOUNDATION_SRCS) $(B)/$*/libheapmgr.a

TEST_PROGS += $(foreach s,$(STAGES),$(B)/$(s)/test-foundation)

$(B)/test-seam: tests/foundation/seam.c tests/lib/suite.c tests/lib/suite.h $(B)/common/libcommon-sim.a
	$(CC) $(ALLFLAGS) -Itests/lib -o $@ tests/foundation/seam.c tests/lib/suite.c $(B)/common/libcommon-sim.a

TEST_PROGS += $(B)/test-seam
