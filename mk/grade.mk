# mk/grade.mk: the grader's front door (docs/grading.md).
#
#   make grade                                  the six stages: one table (stage, tests passed, points)
#   make grade STAGE=n                          stage n in place
#   make grade STAGE=n SRC=path/to/heapmgr.c    a submitted file, built in its own folder, graded as stage n
#   make grade ... FORMAT=text|json|tap|gradescope|autolab [OUT=path] [ONLY='api.*,checker.*']
#   make grade STAGE=n ... DUMP=dir             each failing test's calls as dir/stageN-TEST.rep and your heap
#                                               drawn through them, dir/stageN-TEST.html (grade --dump)
#   make grade ASSIGNMENT=course.json           as the instructor's assignment file says (docs/instructors.md);
#                                               a handout's own copy, course/assignment.json, is the default
#
# build/heapkit grade exits 0 when every test passes, 1 when some fail, 2 on a usage or compile error;
# make passes that on as its own failure ("Error 1" / "Error 2").

.PHONY: grade

ASSIGNMENT ?= $(wildcard course/assignment.json)

GRADE_ARGS = $(if $(STAGE),--stage $(STAGE)) $(if $(SRC),--src $(SRC)) $(if $(FORMAT),--format $(FORMAT)) \
             $(if $(OUT),--out $(OUT)) $(if $(ONLY),--only '$(ONLY)') $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
             $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(if $(FIT),--fit $(FIT)) $(if $(DUMP),--dump $(DUMP))

# What a grading needs built: a submitted file, only the runner library (the grader builds the file);
# one stage in place, only that stage's runner (a stage 5 that does not compile does not block
# grading stage 4); otherwise every runner. DUMP draws with the lab of that stage (LAB_FOR_STAGE).
GRADE_NEEDS = $(if $(SRC),$(B)/runner/librunner.a $(if $(DUMP),$(LAB_MAIN_OBJS)),\
                $(if $(STAGE_FOLDER),$(B)/$(STAGE_FOLDER)/runner $(if $(FIT),$(B)/$(STAGE_FOLDER)/runner-fit-$(FIT)) \
                                     $(if $(DUMP),$(LAB_FOR_STAGE)),\
                  $(foreach s,$(ALL_STAGES),$(B)/$(s)/runner) $(if $(FIT),$(FIT_RUNNERS)) $(if $(DUMP),$(B)/heapkit-lab)))

grade: $(B)/heapkit $(GRADE_NEEDS)
	@echo "grade: $(if $(SRC),building $(SRC) and grading it as stage $(STAGE),$(if $(STAGE),grading stage $(STAGE) in place,grading the six stages)): $(B)/heapkit grade $(strip $(GRADE_ARGS))" >&2
	@$(if $(and $(DUMP),$(STAGE_FOLDER),$(if $(SRC),,x)),$(LAB_ENV)) $(B)/heapkit grade $(GRADE_ARGS)
