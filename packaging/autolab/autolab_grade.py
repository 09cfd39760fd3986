#!/usr/bin/env python3
"""Grades an Autolab handin with heapkit and prints Autolab's scores line, last.

    python3 autolab_grade.py --work DIR --handin heapmgr.c [--runner-uids LO-HI]

DIR is the private folder the autograde Makefile unpacked autograde.tar into (mode 0700, outside
the job folder Autolab put the handin in):
    DIR/heapkit/                   the handout, built (build/heapkit)
    DIR/heapkit-assignment.json    the stage, its tests and points (tools/package)
    DIR/zero-scores.json           the scores line of a handin that earns nothing
    DIR/heapkit-course/            the instructor's assignment file and its traces, when packaged with one

1. Read the assignment and the zero line before anything of the handin runs.
2. Copy the handin into DIR/grading/heapmgr.c (engine_run.copy_submission: no link, no special
   file) and grade the copy: `build/heapkit grade --stage N --src COPY --format autolab --out
   DIR/grading/report.txt`.
3. Kill what is left under the runners' uids; print the grader's text report (for the student),
   then check its scores line against the assignment (validate_results.autolab_line) and print the
   checked line as the very last line. A handin that does not compile, a grading that dies or times
   out, or a line that cannot be believed gives the zero line, after the reason.
Exit status 0 once the last line is printed; anything else tells the Makefile to print the zero line.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_run as er             # noqa: E402  (shipped next to this file)
import validate_results as vr       # noqa: E402

TEXT_CAP = 64 << 10                 # characters of the text report shown


def grade(work, handin, stage, timeout, uids, course=None):
    """(text to show, scores line)."""
    heapkit_dir = os.path.join(work, 'heapkit')
    folder = os.path.join(work, 'grading')
    os.mkdir(folder, 0o700)
    try:
        copy = er.copy_submission(handin, folder)
    except er.SubmissionError as e:
        return f'{e}: no points.', vr.autolab_zero(stage)
    out = os.path.join(folder, 'report.txt')
    cmd = [os.path.join(heapkit_dir, 'build', 'heapkit'), 'grade', '--stage', str(stage['stage']), '--src', copy,
           '--format', 'autolab', '--out', out] + (['--assignment', course] if course else [])
    ending = er.run_grader(cmd, heapkit_dir, timeout, folder)
    er.kill_runner_uids(uids)
    if ending.timed_out:
        return f'Grading did not finish within {timeout} s: no points.', vr.autolab_zero(stage)
    if ending.status == 2:
        return f'{os.path.basename(handin)} does not compile: no points.\n\n{ending.stderr}', vr.autolab_zero(stage)
    if ending.status not in (0, 1):
        return f'The grader {ending.describe()}: no points.\n{ending.stderr}', vr.autolab_zero(stage)
    text, cut = er.read_capped(out, er.REPORT_CAP)
    if not os.path.exists(out) or cut:
        why = 'the grader wrote no report' if not os.path.exists(out) else 'the report is too large'
        return f'{why}: no points. Please tell your instructor.', vr.autolab_zero(stage)
    line, notes = vr.autolab_line(stage, text)
    body = '\n'.join(text.rstrip('\n').split('\n')[:-1])       # the report without its scores line
    body = vr.clip(body, TEXT_CAP)
    if notes:
        body += '\n' + '\n'.join(notes)
    return body, line


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--handin', required=True)
    ap.add_argument('--runner-uids', default=None)
    args = ap.parse_args(argv)
    with open(os.path.join(args.work, 'heapkit-assignment.json'), encoding='utf-8') as f:
        assignment = vr.check_assignment(json.load(f))
    stage = assignment['stages'][0]
    uids = er.runner_uid_range(assignment, args.runner_uids)
    course = os.path.join(args.work, assignment['assignment_file']) if assignment.get('assignment_file') else None
    try:
        body, line = grade(args.work, args.handin, stage, assignment.get('timeout', 240), uids, course)
    finally:
        er.kill_runner_uids(uids)
    print(body, flush=True)
    print(json.dumps(line), flush=True)        # the last line: Autolab's scores
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
