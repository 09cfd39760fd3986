# The instructor kit: the student handout generated from the solutions, coverage of what the grader
# exercises, and the packages for Gradescope, Autolab and GitHub Classroom. docs/instructors.md says
# how to use each, from a fresh machine to grades.
#
#   make handout ASSIGN="4 5"     dist/handout/ and dist/handout.tar.gz: stages 4 and 5 stubbed, the
#                                 rest whole, with a GitHub Classroom workflow for the assigned stages
#   make coverage [STAGE=n] [SRC=file.c]   build/coverage/: text summary and HTML (gcovr)
#   make gradescope ASSIGN="4 5"  dist/gradescope.zip: setup.sh and run_autograder at its root
#   make autolab ASSIGN="4"       dist/autolab/<stage>/autograde-Makefile and autograde.tar
#   make classroom ASSIGN="4 5"   dist/classroom/.github/workflows/classroom.yml (also in the handout)
#   build/heapkit grade --batch DIR --stage n --csv out.csv   a folder of submissions to one CSV
#
# ASSIGNMENT=course.json (instead of, or agreeing with, ASSIGN) takes the stages, tests, points,
# limits, extra and hidden traces from the instructor's assignment file (docs/instructors.md).

DIST ?= dist

.PHONY: handout coverage gradescope autolab classroom instructor-need-assign

# The packages' templates (packaging/) stay with the instructors: a student's handout has none.
instructor-need-assign:
	@test -d packaging || { echo 'make $(MAKECMDGOALS): this is a student handout: the packages and the handout are made in the instructors'"'"' kit (packaging/ is not here)'; exit 2; }
	@test -n "$(strip $(ASSIGN)$(ASSIGNMENT))" || { echo 'usage: make $(MAKECMDGOALS) ASSIGN="4 5" or ASSIGNMENT=course.json   (the stages students write)'; exit 2; }

INSTRUCTOR_ARGS = $(if $(strip $(ASSIGN)),--assign "$(ASSIGN)") $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

# The classroom workflow is generated from the grader's own list of tests and points for each
# assigned stage, so it needs the grader built first.
classroom: instructor-need-assign $(B)/heapkit
	tools/package classroom $(INSTRUCTOR_ARGS) --heapkit $(B)/heapkit --cache $(DIST)/reference \
	    --out $(DIST)/classroom

handout: classroom
	tools/handout $(INSTRUCTOR_ARGS) --heapkit $(B)/heapkit --out $(DIST)/handout --tar $(DIST)/handout.tar.gz \
	    --workflow $(DIST)/classroom/.github/workflows/classroom.yml

gradescope: handout
	tools/package gradescope $(INSTRUCTOR_ARGS) --heapkit $(B)/heapkit --cache $(DIST)/reference \
	    --handout $(DIST)/handout --out $(DIST)/gradescope.zip

autolab: handout
	tools/package autolab $(INSTRUCTOR_ARGS) --heapkit $(B)/heapkit --cache $(DIST)/reference \
	    --handout $(DIST)/handout --out $(DIST)/autolab

coverage:
	CC="$(CC)" tools/coverage --build $(B)/coverage-build --out $(B)/coverage \
	    $(if $(STAGE),--stage $(STAGE)) $(if $(SRC),--src $(SRC))


