"""The engines' front-end checks, case by case (packaging/validate_results.py, packaging/engine_run.py).

Each case is a grader report altered one way, as a grader bug, a mismatched package or a forgery
would alter it; each must be refused (the stage 0 points, with the reason) or the affected test
zeroed with a message, and a report that is right must pass through unchanged. The assignment here
is made up (three tests, 10 points), so the cases need no build. run(emit) reports one PASS/FAIL
line per case through the suite's emit(ok, name, why).
"""
import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'packaging'))
import engine_run as er  # noqa: E402
import validate_results as vr  # noqa: E402

# The uid range the suite's sweeps use: no process on a machine has these uids, so the sweep is
# exercised without touching anyone's processes (the real range, 61000 and up, is also that of every
# other grading running as root on this machine at the same time).
TEST_UIDS = (3999000, 3999010)

STAGE = {'stage': 4, 'folder': 'stage4_dlist', 'lecture_name': 'Doubly linked list', 'max_score': 10,
         'tests': [{'name': 'api.alignment', 'max_score': 3}, {'name': 'lecture.coalesce', 'max_score': 5},
                   {'name': 'checker.healthy', 'max_score': 2}]}


def good_report():
    """What the grader's --format gradescope writes for STAGE: two passes and a failure."""
    def test(i, name, score, most, status, output=''):
        return {'name': f'stage 4: {name}', 'number': f'4.{i}', 'score': score, 'max_score': most,
                'status': status, 'output': output, 'visibility': 'visible'}
    return {'score': 8, 'execution_time': 1, 'visibility': 'visible', 'stdout_visibility': 'visible',
            'output': 'heapkit grade: 2 of 3 tests passed, 8 of 10 points\nprotections: uid 61000',
            'tests': [test(1, 'api.alignment', 3, 3, 'passed'), test(2, 'lecture.coalesce', 5, 5, 'passed'),
                      test(3, 'checker.healthy', 0, 2, 'failed', 'expected 0 violations, got 1')]}


def altered(change):
    r = good_report()
    change(r)
    return json.dumps(r, indent=2)


def set_score(i, value):
    def change(r):
        r['tests'][i]['score'] = value
    return change


def _gradescope_cases():
    """(name, report text, what must happen): 'refused', or ('zeroed', index of the zeroed test)."""
    dup = good_report()
    dup['tests'].append(copy.deepcopy(dup['tests'][2]))
    dup['tests'][-1]['score'], dup['tests'][-1]['status'] = 2, 'passed'
    many = good_report()              # the forgery: names nobody checks, uncapped scores
    for k in range(3):
        many['tests'].append({'name': f'stage 4: bonus{k}', 'number': f'4.{9 + k}', 'score': 999,
                              'max_score': 999, 'status': 'passed', 'output': '', 'visibility': 'visible'})
    text = json.dumps(good_report(), indent=2)
    return [
        ('extra_test_name', json.dumps(many), 'refused'),
        ('other_stage_test_name', altered(lambda r: r['tests'][0].update(name='stage 5: api.alignment')), 'refused'),
        ('duplicated_test_name', json.dumps(dup), 'refused'),
        ('duplicated_key', text.replace('"score": 3,', '"score": 0, "score": 3,', 1), 'refused'),
        ('truncated_file', text[:len(text) // 2], 'refused'),
        ('empty_file', '', 'refused'),
        ('nan_token', text.replace('"score": 3,', '"score": NaN,', 1), 'refused'),
        ('infinity_token', text.replace('"score": 3,', '"score": Infinity,', 1), 'refused'),
        ('not_a_report', '[1, 2, 3]', 'refused'),
        ('tests_not_a_list', altered(lambda r: r.update(tests={'a': 1})), 'refused'),
        ('nameless_test', altered(lambda r: r['tests'][1].pop('name')), 'refused'),
        ('missing_test', altered(lambda r: r['tests'].pop(1)), ('zeroed', 1)),
        ('score_above_max', altered(set_score(0, 4)), ('zeroed', 0)),
        ('negative_score', altered(set_score(2, -1)), ('zeroed', 2)),
        ('huge_score_overflows_to_infinity', text.replace('"score": 3,', '"score": 1e999,', 1), ('zeroed', 0)),
        ('string_score', altered(set_score(0, '3')), ('zeroed', 0)),
        ('boolean_score', altered(set_score(0, True)), ('zeroed', 0)),
        ('null_score', altered(set_score(0, None)), ('zeroed', 0)),
        ('raised_max_score', altered(lambda r: r['tests'][2].update(score=9, max_score=9, status='passed')),
         ('zeroed', 2)),
        ('passed_without_full_points', altered(lambda r: r['tests'][2].update(status='passed')), ('zeroed', 2)),
        ('unknown_status', altered(lambda r: r['tests'][0].update(status='ok')), ('zeroed', 0)),
    ]


def check_gradescope(emit):
    tests, notes, summary = vr.gradescope_stage(STAGE, json.dumps(good_report(), indent=2))
    emit(tests == good_report()['tests'] and notes == [] and 'protections' in summary,
         'validators.gradescope_correct_report_passes_unchanged',
         f'expected the three tests unchanged and no notes; got {tests} {notes}')
    tests, notes, _ = vr.gradescope_stage(STAGE, altered(lambda r: r.update(score=1171)))
    emit(sum(t['score'] for t in tests) == 8 and any('1171' in n for n in notes),
         'validators.gradescope_total_is_recomputed',
         f'expected the total 8 of the tests, with a note on the claimed 1171; got '
         f'{sum(t["score"] for t in tests)} {notes}')
    for name, text, want in _gradescope_cases():
        tests, notes, _ = vr.gradescope_stage(STAGE, text)
        total = sum(t['score'] for t in tests) if all(vr.is_score(t['score']) for t in tests) else None
        if want == 'refused':
            ok = (len(tests) == 1 and tests[0]['score'] == 0 and tests[0]['max_score'] == 10
                  and 'refused' in tests[0]['name'] and len(tests[0]['output']) > 40 and notes)
            expect = 'the stage refused: one failed test, 0 of 10, with the reason'
        else:
            i = want[1]
            kept = [t for k, t in enumerate(good_report()['tests']) if k != i]
            got_kept = [t for k, t in enumerate(tests) if k != i]
            ok = (len(tests) == 3 and tests[i]['score'] == 0 and tests[i]['status'] == 'failed'
                  and tests[i]['max_score'] == STAGE['tests'][i]['max_score']
                  and tests[i]['output'].startswith('No points:') and got_kept == kept and notes)
            expect = f'test {i} zeroed with a message, its maximum the assignment\'s, the others unchanged'
        emit(ok, f'validators.gradescope_{name}',
             f'expected {expect}; got total {total}, tests {[(t["name"], t["score"], t["max_score"]) for t in tests]}, '
             f'notes {notes[:2]}')


GOOD_LINE = '{"scores": {"api": 3, "lecture": 5, "workload": 0, "checker": 0, "robust": 0}, "scoreboard": [8, 2]}'


def check_autolab(emit):
    report = 'stage 4 (Doubly linked list): 2 of 3 tests passed\n' + GOOD_LINE + '\n'
    line, notes = vr.autolab_line(STAGE, report)
    emit(json.dumps(line) == GOOD_LINE and notes == [], 'validators.autolab_correct_line_passes_unchanged',
         f'expected {GOOD_LINE} and no notes; got {json.dumps(line)} {notes}')
    zero = {'scores': {'api': 0, 'lecture': 0, 'workload': 0, 'checker': 0, 'robust': 0}, 'scoreboard': [0, 0]}
    cases = [   # (name, last line, the scores expected, or None for the zero line)
        ('extra_key', GOOD_LINE.replace('"checker": 0', '"checker": 0, "bonus": 999'), None),
        ('duplicated_key', GOOD_LINE.replace('"api": 3', '"api": 0, "api": 3'), None),
        ('nan_token', GOOD_LINE.replace('"api": 3', '"api": NaN'), None),
        ('truncated_line', GOOD_LINE[:30], None),
        ('not_a_scores_line', 'all tests passed', None),
        ('unexpected_top_level_key', GOOD_LINE[:-1] + ', "total": 99}', None),
        ('missing_key', GOOD_LINE.replace('"lecture": 5, ', ''), {'api': 3, 'lecture': 0, 'workload': 0, 'checker': 0, 'robust': 0}),
        ('score_above_group_max', GOOD_LINE.replace('"api": 3', '"api": 4'), {'api': 0, 'lecture': 5, 'workload': 0, 'checker': 0, 'robust': 0}),
        ('negative_score', GOOD_LINE.replace('"lecture": 5', '"lecture": -5'), {'api': 3, 'lecture': 0, 'workload': 0, 'checker': 0, 'robust': 0}),
        ('string_score', GOOD_LINE.replace('"api": 3', '"api": "3"'), {'api': 0, 'lecture': 5, 'workload': 0, 'checker': 0, 'robust': 0}),
        ('forged_scoreboard_total', GOOD_LINE.replace('[8, 2]', '[999, 2]'), {'api': 3, 'lecture': 5, 'workload': 0, 'checker': 0, 'robust': 0}),
    ]
    for name, last, want in cases:
        line, notes = vr.autolab_line(STAGE, 'report text\n' + last + '\n')
        expect = zero if want is None else {'scores': want, 'scoreboard': [sum(want.values()), 2]}
        emit(line == expect and notes, f'validators.autolab_{name}',
             f'expected {json.dumps(expect)} with a note; got {json.dumps(line)} {notes[:2]}')
    line, notes = vr.autolab_line(STAGE, '')
    emit(line == zero and notes, 'validators.autolab_no_output', f'expected the zero line; got {line} {notes}')


def check_plumbing(emit):
    with tempfile.TemporaryDirectory(prefix='heapkit-frontend-') as tmp:
        src = os.path.join(tmp, 'real.c')
        with open(src, 'w') as f:
            f.write('int x;\n')
        os.symlink(src, os.path.join(tmp, 'link.c'))
        os.mkfifo(os.path.join(tmp, 'fifo.c'))
        with open(os.path.join(tmp, 'big.c'), 'wb') as f:
            f.truncate(er.SUBMISSION_CAP + 1)
        refused = {}
        for name in ('link.c', 'fifo.c', 'big.c'):
            dest = er.private_folder(os.path.join(tmp, 'copy-'))
            try:
                er.copy_submission(os.path.join(tmp, name), dest)
                refused[name] = 'copied'
            except er.SubmissionError as e:
                refused[name] = str(e)
        dest = er.private_folder(os.path.join(tmp, 'copy-'))
        copied = er.copy_submission(src, dest)
        mode = os.stat(dest).st_mode & 0o777
        emit(all(v != 'copied' for v in refused.values()) and open(copied).read() == 'int x;\n' and mode == 0o700,
             'plumbing.submission_copied_privately_never_through_a_link',
             f'expected a link, a FIFO and an oversized file refused, a regular file copied into a 0700 '
             f'folder; got {refused}, folder mode {oct(mode)}')

        out = os.path.join(tmp, 'results.json')
        with open(out, 'w') as f:
            f.write('old')
        os.link(out, os.path.join(tmp, 'before'))
        er.write_atomically(out, 'new\n')
        left = [n for n in os.listdir(tmp) if n.startswith('.results.json')]
        emit(open(out).read() == 'new\n' and open(os.path.join(tmp, 'before')).read() == 'old'
             and os.stat(out).st_ino != os.stat(os.path.join(tmp, 'before')).st_ino and not left,
             'plumbing.results_written_to_a_temp_name_and_renamed',
             f'expected a new file renamed over the old one (the old inode untouched) and no temporary '
             f'left; got leftovers {left}')

    if os.geteuid() != 0:
        emit(True, 'plumbing.runner_uids_swept (skipped: not root)')
        return
    uid = TEST_UIDS[0] + 7
    victim = subprocess.Popen(['sleep', '30'], user=uid, group=uid, stdin=subprocess.DEVNULL,
                              start_new_session=True)
    time.sleep(0.1)
    er.kill_runner_uids(TEST_UIDS)
    try:
        victim.wait(timeout=5)
        gone = victim.returncode == -signal.SIGKILL
    except subprocess.TimeoutExpired:
        victim.kill()
        victim.wait()
        gone = False
    ok_zero = er.kill_runner_uids((0, 0)) == 0          # refused: it would be this process's own uid
    emit(gone and ok_zero, 'plumbing.runner_uids_swept',
         f'expected a process of uid {uid} killed by the sweep, and a range holding uid 0 ignored; got '
         f'status {victim.returncode}')


def run(emit):
    check_gradescope(emit)
    check_autolab(emit)
    check_plumbing(emit)
