# The allocators beyond the six (beyond/README.md) and the fit policies of stages 3 and 4.
#
#   make demo STAGE=buddy [SEQUENCE=buddy-lesson]   the buddy system's pictures (slab: STAGE=slab)
#   make demo STAGE=3 SEQUENCE=fit-20-30 FIT=best   any lab command with stage 3 and 4 on another policy:
#   make trace ... FIT=worst, make bench FIT=next   FIT=first|next|best|worst (the lecture's: first)
#   make demo-fits [STAGE=3] [FULL=1]               the 20/30 example under the four policies side by side
#                                                   (tools/fits-side-by-side); FULL=1: each whole demo first
#   make grade STAGE=3 FIT=best                     grades the reference built with that policy
#                                                   (build/<stage>/runner-fit-best) by the policy's test
#
# FIT reaches the lab (demo, trace, bench) as HEAPKIT_FIT in the environment, which stages 3 and 4 read
# at their first malloc; the grader's runners have no environment, so they are built with the policy
# as their default (-DHEAPKIT_FIT_DEFAULT).

FITS := first next best worst
ifneq ($(strip $(FIT)),)
ifeq ($(filter $(FIT),$(FITS)),)
$(error FIT=$(FIT): choose one of $(FITS))
endif
export HEAPKIT_FIT := $(FIT)
endif

FIT_DEFINE_first := FIT_FIRST
FIT_DEFINE_next  := FIT_NEXT
FIT_DEFINE_best  := FIT_BEST
FIT_DEFINE_worst := FIT_WORST

# build/<stage>/runner-fit-<policy>: a list stage's runner with that policy as its default.
define fit_runner_rules
$(B)/$(1)/runner-fit-$(2).o: $(1)/heapmgr.c $(COMMON_HDRS)
	@mkdir -p $$(@D)
	$(CC) $(RUNNER_FLAGS) -DHEAPKIT_FIT_DEFAULT=$(FIT_DEFINE_$(2)) -c $$< -o $$@

$(B)/$(1)/runner-fit-$(2): $(B)/$(1)/runner-fit-$(2).o $(B)/runner/librunner.a
	$(CC) $(RUNNER_FLAGS) -static -o $$@ $$^
endef
FIT_STAGES := stage3_list stage4_dlist
$(foreach s,$(FIT_STAGES),$(foreach f,$(FITS),$(eval $(call fit_runner_rules,$(s),$(f)))))
FIT_RUNNERS := $(foreach s,$(FIT_STAGES),$(foreach f,$(FITS),$(B)/$(s)/runner-fit-$(f)))
all: $(FIT_RUNNERS)

.PHONY: demo-fits
demo-fits: $(B)/heapkit
	@if [ -n "$(FULL)" ]; then for f in $(FITS); do \
	    echo "==== stage $(or $(STAGE),3) with $$f fit: $(B)/heapkit demo --stage $(or $(STAGE),3) --sequence fit-20-30 (HEAPKIT_FIT=$$f)"; \
	    HEAPKIT_FIT=$$f $(B)/heapkit demo --stage $(or $(STAGE),3) --sequence fit-20-30 || exit $$?; \
	done; fi
	@tools/fits-side-by-side --heapkit $(B)/heapkit --stage $(or $(STAGE),3)
