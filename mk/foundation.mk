# The foundation's tests: one test program per stage, linked through the stage's libheapmgr.a.
FOUNDATION_SRCS := tests/foundation/foundation.c tests/foundation/blocks.c

$(B)/%/test-foundation: $(FOUNDATION_SRCS) tests/foundation/blocks.h $(B)/%/libheapmgr.a
	$(CC) $(ALLFLAGS) -DSTAGE_NUMBER=$(patsubst stage%,%,$(call stage_prefix,$*)) -DSTAGE_NAME='"$*"' \
	      -o $@ $(FOUNDATION_SRCS) $(B)/$*/libheapmgr.a

TEST_PROGS += $(foreach s,$(STAGES),$(B)/$(s)/test-foundation)

$(B)/test-seam: tests/foundation/seam.c $(B)/common/libcommon-sim.a
	$(CC) $(ALLFLAGS) -o $@ $< $(B)/common/libcommon-sim.a

TEST_PROGS += $(B)/test-seam
