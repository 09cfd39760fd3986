# mk/bench.mk: the trace driver, the kit's trace suite and the lecture's summary table.
#
#   make bench                         the summary table, the scaling experiment (build/bench/scaling.svg),
#                                      the COS 217 workloads and the targets; the growing-buffers trace
#                                      on stages 3-5; then real programs on every stage (harness/bench/bench_programs.py, build/bench/programs.md)
#   make trace STAGE=n FILES="a.rep b.rep" [RUNS=5]
#                                      replay trace files on stage n and on the C library
#   make traces                        regenerate tests/traces/*.rep from the generator's fixed seeds

.PHONY: bench trace traces

bench: $(B)/heapkit $(B)/heapkit-lab $(foreach s,$(STAGES),$(B)/$(s)/libheapmgr-preload.so)
	@echo "bench: the lecture's summary table measured on tests/traces, against the C library"
	@mkdir -p $(B)/bench
	$(B)/heapkit bench --traces tests/traces --out $(B)/bench
	@echo "bench: the growing-buffers trace (realloc growing in place among small blocks) on stages 3-5 and on the C library"
	for n in 3 4 5; do $(B)/heapkit trace --stage $$n --runs 3 tests/traces/perf/11-growing-buffers.rep || exit 1; done
	@echo "bench: real programs (ls, sort, python3, cc1) on every stage's drop-in malloc, against the C library's"
	python3 harness/bench/bench_programs.py --build $(B) --out $(B)/bench

trace: $(B)/heapkit $(if $(SRC),$(LAB_MAIN_OBJS),$(LAB_FOR_STAGE))
	@if [ -z "$(STAGE)" ] || [ -z "$(FILES)" ]; then \
	    echo "usage: make trace STAGE=n FILES=\"trace.rep ...\" [RUNS=5]"; exit 2; fi
	@echo "trace: replaying $(FILES) on stage $(STAGE) and on the C library"
	$(if $(SRC),,$(LAB_ENV)) $(B)/heapkit trace --stage $(STAGE) $(if $(RUNS),--runs $(RUNS)) $(if $(SRC),--src $(SRC)) $(FILES)

traces:
	@echo "traces: writing tests/traces/*.rep from tools/gentraces.py's fixed seeds"
	python3 tools/gentraces.py --out tests/traces

# The checked replay's own test: tiny broken allocators it must catch (run by tests/suites/40-trace).
REPLAY_TEST_OBJS := $(patsubst %,$(B)/harness/trace/%.o,tracefile replay replay_checked replay_live replay_pattern replay_timed \
                    trace_child workloads) $(B)/harness/sandbox/sandbox.o
$(B)/tests/replay_test: tests/trace/replay_test.c tests/lib/suite.c tests/lib/suite.h $(REPLAY_TEST_OBJS) $(B)/common/libcommon-sim.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) $(HARNESS_INC) -Itests/lib -o $@ $< tests/lib/suite.c $(REPLAY_TEST_OBJS) $(B)/common/libcommon-sim.a -lm

TEST_PROGS += $(B)/tests/replay_test
