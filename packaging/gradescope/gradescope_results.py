#!/usr/bin/env python3
"""Grades a Gradescope submission with heapkit and writes Gradescope's results.json.

    python3 gradescope_results.py [--root /autograder]

Layout under the root (Gradescope's; the kit's tests use a fake root):
    source/heapkit/                   the handout tree, built by setup.sh (build/heapkit)
    source/heapkit-assignment.json    the assigned stages, each with its tests and points
    submission/                       what the student uploaded
    results/results.json              written here

Where a stage's file is looked for in submission/ (first match wins, searched at any depth):
    <stage folder>/heapmgr.c (e.g. stage4_dlist/heapmgr.c: a whole repository or folder upload),
    <stage folder>.c, stage<N>.c, stage<N>_heapmgr.c, and, when only one stage is assigned, heapmgr.c.

Each stage is graded by `build/heapkit grade --stage N --src FILE --format json` (docs/grading.md);
each of its tests becomes one Gradescope test with the grader's message and the submission's
captured output. A missing file, a compile error or a grading that dies gives one failed test worth
the stage's full points, with the reason, so the total's maximum never changes.
"""
import argparse
import json
import os
import subprocess
import sys
import time

OUTPUT_CAP = 8000          # characters of one test's output shown on Gradescope


def find_submission(submission, stage, only_stage):
    """The path of the stage's file in the submission, or None."""
    folder, n = stage['folder'], stage['stage']
    names = [f'{folder}.c', f'stage{n}.c', f'stage{n}_heapmgr.c']
    found = {}
    for d, dirs, files in os.walk(submission):
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


def last_report(text):
    """The last {"heapkit_grade": ...} object of the grader's output (see the batch grader)."""
    decoder = json.JSONDecoder()
    at = len(text)
    while True:
        at = text.rfind('{', 0, at)
        if at < 0:
            return None
        if text[at + 1:].lstrip().startswith('"heapkit_grade"'):
            try:
                obj, _ = decoder.raw_decode(text[at:])
                return obj
            except ValueError:
                pass


def clip(text, cap=OUTPUT_CAP):
    return text if len(text) <= cap else text[:cap] + f'\n... ({len(text) - cap} more characters)'


def whole_stage_failure(stage, what, output):
    return [{'name': f'stage {stage["stage"]} ({stage["lecture_name"]}): {what}',
             'number': f'{stage["stage"]}.0', 'score': 0, 'max_score': stage['max_score'],
             'status': 'failed', 'output': clip(output), 'visibility': 'visible'}]


def grade_stage(heapkit_dir, stage, path, timeout):
    """The Gradescope tests for one stage."""
    n = stage['stage']
    cmd = ['build/heapkit', 'grade', '--stage', str(n), '--src', os.path.abspath(path), '--format', 'json']
    try:
        res = subprocess.run(cmd, cwd=heapkit_dir, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return whole_stage_failure(stage, 'grading timed out',
                                   f'Grading {path} did not finish within {timeout} s.')
    out = res.stdout.decode('utf-8', 'replace')
    err = res.stderr.decode('utf-8', 'replace')
    if res.returncode == 2:
        return whole_stage_failure(stage, 'does not compile',
                                   f'{os.path.basename(path)} does not compile:\n\n{err}')
    report = last_report(out) if res.returncode in (0, 1) else None
    if report is None:
        why = (f'killed by signal {-res.returncode}' if res.returncode < 0
               else f'ended with status {res.returncode}')
        return whole_stage_failure(stage, 'grading failed', f'The grader {why}.\n{err}')
    tests = []
    for i, t in enumerate((t for t in report.get('tests', []) if t.get('stage', n) == n), 1):
        passed = t.get('status') == 'pass'
        text = '' if passed else t.get('message', '')
        if not passed and t.get('outcome') not in (None, 'fail', 'pass'):
            text = f'[{t["outcome"]}] {text}'
        if t.get('output'):
            text += ('\n\n' if text else '') + 'What the allocator printed:\n' + t['output']
        tests.append({'name': f'stage {n}: {t.get("name", "?")}', 'number': f'{n}.{i}',
                      'score': t.get('score', 0), 'max_score': t.get('max_score', 0),
                      'status': 'passed' if passed else 'failed', 'output': clip(text),
                      'visibility': 'visible'})
    graded_max = sum(t['max_score'] for t in tests)
    if graded_max < stage['max_score']:
        tests.append({'name': f'stage {n}: tests that did not run', 'number': f'{n}.{len(tests) + 1}',
                      'score': 0, 'max_score': stage['max_score'] - graded_max, 'status': 'failed',
                      'output': 'The grader\'s report did not include every test of this stage.',
                      'visibility': 'visible'})
    return tests


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.environ.get('HEAPKIT_AUTOGRADER_ROOT', '/autograder'))
    args = ap.parse_args(argv)
    root = args.root
    started = time.monotonic()
    heapkit_dir = os.path.join(root, 'source', 'heapkit')
    with open(os.path.join(root, 'source', 'heapkit-assignment.json'), encoding='utf-8') as f:
        assignment = json.load(f)
    stages = assignment['stages']
    submission = os.path.join(root, 'submission')
    tests, lines = [], []
    for stage in stages:
        path = find_submission(submission, stage, len(stages) == 1)
        if path is None:
            tests += whole_stage_failure(
                stage, 'no file submitted',
                f'No file for stage {stage["stage"]} was found. Upload {stage["folder"]}/heapmgr.c '
                f'(or a file named {stage["folder"]}.c or stage{stage["stage"]}.c).')
            lines.append(f'stage {stage["stage"]}: no file found')
            continue
        stage_tests = grade_stage(heapkit_dir, stage, path, assignment.get('timeout', 600))
        tests += stage_tests
        got = sum(t['score'] for t in stage_tests)
        lines.append(f'stage {stage["stage"]} ({stage["lecture_name"]}): {got:g} of {stage["max_score"]:g} '
                     f'points from {os.path.relpath(path, submission)}')
    results = {
        'score': sum(t['score'] for t in tests),
        'execution_time': round(time.monotonic() - started, 2),
        'output': '\n'.join(lines),
        'visibility': 'visible',
        'stdout_visibility': 'hidden',
        'tests': tests,
    }
    os.makedirs(os.path.join(root, 'results'), exist_ok=True)
    with open(os.path.join(root, 'results', 'results.json'), 'w', encoding='utf-8') as f:
        json.dump(results, f, indent=2)
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
