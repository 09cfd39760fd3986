# mk/grade.mk: the grader's front door (docs/grading.md).
#
#   make grade                                  the six reference stages: one table (stage, tests passed, points)
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

grade: $(B)/heapkit
	@echo "grade: $(if $(SRC),building $(SRC) and grading it as stage $(STAGE),$(if $(STAGE),grading stage $(STAGE) in place,grading the six reference stages)): $(B)/heapkit grade $(strip $(GRADE_ARGS))" >&2
	@$(B)/heapkit grade $(GRADE_ARGS)
