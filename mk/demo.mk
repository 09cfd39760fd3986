# The lecture demos: `make demo` draws a sequence of mallocs and frees on a stage, after each op.
#
#   make demo STAGE=n                 the lecture's default sequence on stage n, in the terminal
#   make demo                         the same on every stage, one after another
#   make demo STAGE=n SEQUENCE=name   a built-in sequence (make demo LIST=1 lists them)
#   make demo STAGE=n FILE=path       a script in the trace format: four header lines (heap size, ids,
#                                     ops, weight), then a id bytes / f id / r id bytes (grade --dump's)
#   make demo STAGE=n SRC=file.c      your heapmgr.c drawn as stage n
#   make demo STAGE=n STEP=1          wait for Enter between operations (for a live lecture)
#   make demo [STAGE=n] HTML=out.html one self-contained page; without STAGE, all six side by side
#   make demo STAGE=n LECTURE=1       as the slide draws it: its units, exact growth, its captions
#   make demo HTML=out.html PRESENT=1 the page in projector mode (P toggles it on the page)
.PHONY: demo

DEMO_ARGS = $(if $(STAGE),--stage $(STAGE)) $(if $(SRC),--src $(SRC)) $(if $(SEQUENCE),--sequence $(SEQUENCE)) \
            $(if $(FILE),--file $(FILE)) $(if $(HTML),--html $(HTML)) $(if $(STEP),--step) \
            $(if $(LIST),--list) $(if $(LECTURE),--lecture) $(if $(PRESENT),--present)

# One stage: its own lab (LAB_FOR_STAGE, the Makefile), so that another stage that does not compile
# does not block it; SRC: the file is built for the lab by heapkit itself.
demo: $(B)/heapkit $(if $(SRC),$(LAB_MAIN_OBJS),$(LAB_FOR_STAGE))
	@echo "demo: $(B)/heapkit demo $(strip $(DEMO_ARGS))"
	@$(if $(SRC),,$(LAB_ENV)) $(B)/heapkit demo $(DEMO_ARGS)
