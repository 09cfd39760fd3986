#!/usr/bin/env python3
"""Grades a Gradescope submission with heapkit and writes Gradescope's results.json.

    python3 gradescope_results.py [--root /autograder] [--runner-uids LO-HI]

Layout under the root (Gradescope's; the kit's tests use a fake root):
    source/heapkit/                   the handout tree, built by setup.sh (build/heapkit)
    source/heapkit-assignment.json    the assigned stages, each with its tests and points (tools/package)
    source/heapkit-course/            the instructor's assignment file and its traces (hidden ones
                                      included), when the package was made with one
    submission/                       what the student uploaded (never built in place)
    results/results.json              written here, once, at the end

For each assigned stage, in order:
1. Find the stage's file in submission/ (first match wins, at any depth, links not followed):
   <stage folder>/heapmgr.c (a whole repository or folder upload), <stage folder>.c, stage<N>.c,
   stage<N>_heapmgr.c, and, when only one stage is assigned, heapmgr.c.
2. Copy it into a private folder (mode 0700; engine_run.copy_submission refuses a link or a
   special file) and grade the copy: `build/heapkit grade --stage N --src COPY --format gradescope
   --out PRIVATE/results.json`, with the assignment's time limit.
3. Check what the grader wrote against the assignment's tests (validate_results.gradescope_stage).
   A missing file, a compile error, a grading that dies or times out, or a report that cannot be
   believed is one failed test worth the stage's full points, with the reason: the maximum never
   changes.
Then every process left under the runners' uids is killed, and results.json is written once, under
a temporary name in results/ and renamed. Whatever goes wrong, results.json is written (score 0 and
the reason), never just a traceback.
"""
import argparse
import json
import os
import shutil
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_run as er             # noqa: E402  (shipped next to this file)
import validate_results as vr       # noqa: E402


def find_submission(submission, stage, only_stage):
    """The path of the stage's file in the submission, or None."""
    folder, n = stage['folder'], stage['stage']
    names = [f'{folder}.c', f'stage{n}.c', f'stage{n}_heapmgr.c']
    found = {}
    for d, dirs, files in os.walk(submission):      # os.walk does not follow links to folders
        dirs.sort()
        depth = os.path.relpath(d, submission).count(os.sep)
        for f in sorted(files):
            path = os.path.join(d, f)
            if f == 'heapmgr.c' and os.path.basename(d) == folder:
                found.setdefault(0, (depth, path))
            elif f in names:
                found.setdefault(1, (depth, path))
            elif f == 'heapmgr.c' and only_stage:
                prev = found.get(2)
                if prev is None or depth < prev[0]:
                    found[2] = (depth, path)
    for rank in (0, 1, 2):
        if rank in found:
            return found[rank][1]
    return None


def grade_stage(heapkit_dir, stage, path, timeout, work, uids, course=None, leaderboard=None, several=False):
    """(tests, line for the summary) of one stage: graded from a private copy, checked."""
    n = stage['stage']
    shown = os.path.basename(path)
    folder = os.path.join(work, f'stage{n}')
    os.mkdir(folder, 0o700)
    try:
        copy = er.copy_submission(path, folder)
    except er.SubmissionError as e:
        return [vr.whole_stage_failure(stage, 'file not accepted', f'{e}.')], f'{e}'
    out = os.path.join(folder, 'results.json')
    cmd = [os.path.join(heapkit_dir, 'build', 'heapkit'), 'grade', '--stage', str(n), '--src', copy,
           '--format', 'gradescope', '--out', out] + (['--assignment', course] if course else [])
    ending = er.run_grader(cmd, heapkit_dir, timeout, folder)
    er.kill_runner_uids(uids)
    if ending.timed_out:
        return [vr.whole_stage_failure(stage, 'grading timed out',
                                       f'Grading {shown} did not finish within {timeout} s.')], 'timed out'
    if ending.status == 2:
        return [vr.whole_stage_failure(stage, 'does not compile',
                                       f'{shown} does not compile:\n\n{ending.stderr}')], 'does not compile'
    if ending.status not in (0, 1):
        return [vr.whole_stage_failure(stage, 'grading failed',
                                       f'The grader {ending.describe()}.\n{ending.stderr}')], 'grading failed'
    text, cut = er.read_capped(out, er.REPORT_CAP)
    why = ('the grader wrote no report' if not os.path.exists(out) else
           f'the report is larger than {er.REPORT_CAP} bytes' if cut else None)
    if why:
        return [vr.whole_stage_failure(stage, 'grading report refused',
                                       f'The grader {ending.describe()}, but {why}: 0 points. '
                                       f'Please tell your instructor.')], f'report refused: {why}'
    tests, notes, summary = vr.gradescope_stage(stage, text)
    board, board_notes = vr.gradescope_leaderboard(stage, text, several)
    if leaderboard is not None:
        leaderboard.extend(board)            # the perf figures, checked (validate_results)
    notes += board_notes
    hidden = {f'stage {stage["stage"]}: {t["name"]}' for t in stage['tests'] if t.get('hidden')}
    for t in tests:
        if t['name'] in hidden:
            t['visibility'] = 'after_published'      # a hidden test: seen once grades are published
    got = sum(t['score'] for t in tests)
    line = f'{got:g} of {stage["max_score"]:g} points from {shown}'
    protections = [l for l in summary.splitlines() if l.startswith('protections:')]
    if protections:
        line += f' ({protections[0]})'
    if notes:
        line += '\n    ' + '\n    '.join(notes[:10])
    return tests, line


def grade_all(root, assignment, uids, leaderboard):
    """Every assigned stage's tests, and the summary's lines; the perf figures go to leaderboard."""
    heapkit_dir = os.path.join(root, 'source', 'heapkit')
    submission = os.path.join(root, 'submission')
    stages = assignment['stages']
    timeout = assignment.get('timeout', 600)
    course = os.path.join(root, 'source', assignment['assignment_file']) if assignment.get('assignment_file') else None
    tests, lines = [], []
    work = er.private_folder('heapkit-gradescope-')
    try:
        for stage in stages:
            path = find_submission(submission, stage, len(stages) == 1)
            if path is None:
                tests.append(vr.whole_stage_failure(
                    stage, 'no file submitted',
                    f'No file for stage {stage["stage"]} was found. Upload {stage["folder"]}/heapmgr.c '
                    f'(or a file named {stage["folder"]}.c or stage{stage["stage"]}.c).'))
                lines.append(f'{vr.stage_title(stage)}: no file found')
                continue
            stage_tests, line = grade_stage(heapkit_dir, stage, path, timeout, work, uids, course, leaderboard,
                                            len(stages) > 1)
            tests += stage_tests
            lines.append(f'{vr.stage_title(stage)}: {line}')
    finally:
        er.kill_runner_uids(uids)
        shutil.rmtree(work, ignore_errors=True)
    return tests, lines


def failed_everywhere(assignment, why):
    """The results when the front end itself cannot go on: every stage 0, with the reason."""
    stages = assignment.get('stages') if isinstance(assignment, dict) else None
    if isinstance(stages, list) and stages and all(isinstance(s, dict) and 'max_score' in s for s in stages):
        try:
            return [vr.whole_stage_failure(s, 'autograder error', why) for s in stages]
        except (KeyError, TypeError):
            pass
    return [{'name': 'autograder error', 'number': '0.0', 'score': 0, 'max_score': 0, 'status': 'failed',
             'output': vr.clip(why), 'visibility': 'visible'}]


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.environ.get('HEAPKIT_AUTOGRADER_ROOT', '/autograder'))
    ap.add_argument('--runner-uids', default=None, help='LO-HI: the uids whose processes are killed')
    args = ap.parse_args(argv)
    root = args.root
    started = time.monotonic()
    assignment = {}
    leaderboard = []
    try:
        # Read before anything of the submission runs: nothing it does later can change it.
        with open(os.path.join(root, 'source', 'heapkit-assignment.json'), encoding='utf-8') as f:
            assignment = vr.check_assignment(json.load(f))
        uids = er.runner_uid_range(assignment, args.runner_uids)
        tests, lines = grade_all(root, assignment, uids, leaderboard)
    except Exception as e:          # noqa: BLE001  (results.json must be written whatever happened)
        why = f'The autograder itself failed ({type(e).__name__}: {e}); no points were given. ' \
              f'Please tell your instructor.'
        print(traceback.format_exc(), file=sys.stderr)
        tests, lines = failed_everywhere(assignment, why), [why]
        er.kill_runner_uids(er.runner_uid_range(assignment, args.runner_uids))
    results = {
        'score': sum(t['score'] for t in tests),
        **({'leaderboard': leaderboard} if leaderboard else {}),
        'execution_time': round(time.monotonic() - started, 2),
        'output': '\n'.join(lines),
        'visibility': 'visible',
        'stdout_visibility': 'hidden',
        'tests': tests,
    }
    er.write_atomically(os.path.join(root, 'results', 'results.json'), json.dumps(results, indent=2) + '\n')
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
