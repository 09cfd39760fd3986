# mk/mutants.mk: how many small bugs the grader catches (tools/mutants; docs/grading.md, "Mutation score").
#
#   make mutants STAGE=n [COUNT=k] [SEED=s] [TIMEOUT=seconds] [SANITIZE=1]
#                         single-point mutants of stage n's heapmgr.c (all of them, or k drawn by the
#                         seed), each built as a submission and graded by build/heapkit, two at a time;
#                         SANITIZE=1: a survivor's api tests again on a UBSan (trap) build of it
#   make mutants          the same for stages 2 to 6 in turn
#
# Exit status (passed on by make as its own failure): 0 when no mutant outside
# tests/mutants/equivalent.txt survived, 1 otherwise.

.PHONY: mutants

MUTANT_STAGES = $(if $(STAGE),$(STAGE),2 3 4 5 6)
MUTANT_ARGS = $(if $(COUNT),--count $(COUNT)) $(if $(SEED),--seed $(SEED)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
              $(if $(SANITIZE),--sanitize) --build $(B)

mutants: $(B)/heapkit $(B)/runner/librunner.a
	@status=0; for s in $(MUTANT_STAGES); do \
	    echo "mutants: tools/mutants --stage $$s $(strip $(MUTANT_ARGS))" >&2; \
	    tools/mutants --stage $$s $(MUTANT_ARGS) --json $(B)/mutants-stage$$s.json || status=1; \
	done; exit $$status
