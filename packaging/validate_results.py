"""validate_results.py: what an engine's front end accepts from the grader, checked against the assignment.

The grader writes each stage's results (Gradescope's results.json, or Autolab's last line of scores);
the front end believes them only as far as they match the assignment it shipped with, the list of
tests and points made at package time from `heapkit grade --list` (heapkit-assignment.json):

  - the report must be whole, valid JSON (no NaN or Infinity, no key given twice); otherwise the stage
    is refused: 0 points, with the reason;
  - it must name exactly the assignment's tests (groups, for Autolab): a name the assignment does not
    have, or a name given twice, refuses the stage, since nobody can tell which entry is the grader's;
  - a test the report leaves out is 0 points, with a message;
  - each score must be a finite number from 0 to that test's maximum in the assignment (not the one in
    the report), and a test is "passed" exactly when it has its maximum (perf.index, the perf group's
    partial credit, also with less); otherwise it is 0 points, with a message;
  - the perf figures (Gradescope's leaderboard, Autolab's scoreboard after total and tests passed) must
    be the grader's three, finite and in range, or they are left out, with a message;
  - the total is the sum of the checked scores, never the report's own total.
A report that is right passes through unchanged.

Used by packaging/gradescope/gradescope_results.py and packaging/autolab/autolab_grade.py. Standard
library only; no function here reads a file or runs anything (engine_run.py does).
"""
import json
import math

OUTPUT_CAP = 8000                   # characters of one test's output shown to the student
VISIBILITIES = ('visible', 'hidden', 'after_due_date', 'after_published')
AUTOLAB_GROUPS = ('api', 'lecture', 'workload', 'checker', 'robust')   # the grader's order of Autolab's keys
PARTIAL_CREDIT = ('perf.index',)    # passed with any score of its points (docs/grading.md, "Performance")
# The perf figures, as the grader names them, each with the largest value it may have.
LEADERBOARD = (('Perf index', 100), ('Utilization %', 100), ('Throughput (x C library)', 1000))


class ReportError(Exception):
    """The grader's output cannot be read as a report of this assignment."""


# ---- reading ------------------------------------------------------------------------------------------

def _no_constants(token):
    raise ReportError(f'not valid JSON: {token} is not a number JSON allows')


def _pairs_once(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ReportError(f'the key "{key}" is given twice in one object')
        seen[key] = value
    return seen


def parse_json(text):
    """text as strict JSON: NaN, Infinity and a key given twice are refused, so is a truncated file."""
    try:
        return json.loads(text, parse_constant=_no_constants, object_pairs_hook=_pairs_once)
    except ValueError as e:         # json.JSONDecodeError is a ValueError
        if isinstance(e, json.JSONDecodeError) and e.pos >= len(text.rstrip()):
            raise ReportError(f'not valid JSON: it ends early (truncated?) at line {e.lineno}') from None
        raise ReportError(f'not valid JSON (a truncated or damaged file): {e}') from None


def is_score(value):
    """A finite int or float (JSON's true and false are Python bools, which are not scores)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def clip(text, cap=OUTPUT_CAP):
    return text if len(text) <= cap else text[:cap] + f'\n... ({len(text) - cap} more characters)'


def points(x):
    """A score for messages: 3, 2.5."""
    return f'{x:g}' if is_score(x) else repr(x)


# ---- the assignment -----------------------------------------------------------------------------------

def check_assignment(assignment):
    """Raises ValueError when heapkit-assignment.json is not what tools/package writes: every stage
    with its number, folder, lecture name and a list of uniquely named tests with whole points."""
    stages = assignment.get('stages') if isinstance(assignment, dict) else None
    if not isinstance(stages, list) or not stages:
        raise ValueError('the assignment lists no stages')
    for st in stages:
        if not (isinstance(st, dict) and isinstance(st.get('stage'), int) and isinstance(st.get('folder'), str)
                and isinstance(st.get('lecture_name'), str) and isinstance(st.get('tests'), list) and st['tests']):
            raise ValueError(f'stage entry {str(st)[:80]} lacks stage, folder, lecture_name or tests')
        names = [t.get('name') for t in st['tests'] if isinstance(t, dict)]
        if len(names) != len(st['tests']) or len(set(names)) != len(names) or \
                not all(isinstance(n, str) and n for n in names):
            raise ValueError(f'stage {st["stage"]}: test names missing or repeated')
        if not all(isinstance(t.get('max_score'), int) and t['max_score'] >= 0 for t in st['tests']):
            raise ValueError(f'stage {st["stage"]}: a test without whole, non-negative points')
        if st.get('max_score') != sum(t['max_score'] for t in st['tests']):
            raise ValueError(f'stage {st["stage"]}: max_score is not the sum of its tests\' points')
    course = assignment.get('assignment_file')
    if course is not None and not (isinstance(course, str) and course and not course.startswith('/')
                                   and '..' not in course.split('/')):
        raise ValueError(f'assignment_file {str(course)[:80]} is not a path inside the package')
    return assignment


def stage_title(stage):
    return f'stage {stage["stage"]} ({stage["lecture_name"]})'


def group_of(test_name):
    return test_name.split('.', 1)[0]


def group_maxima(stage):
    """Autolab's keys for one stage, in the grader's order, each with its most points."""
    maxima = {g: 0 for g in AUTOLAB_GROUPS}
    for t in stage['tests']:
        maxima[group_of(t['name'])] = maxima.get(group_of(t['name']), 0) + t['max_score']
    return maxima


# ---- Gradescope ---------------------------------------------------------------------------------------

def whole_stage_failure(stage, what, output):
    """One failed Gradescope test worth the whole stage, so the maximum never changes."""
    return {'name': f'{stage_title(stage)}: {what}', 'number': f'{stage["stage"]}.0', 'score': 0,
            'max_score': stage['max_score'], 'status': 'failed', 'output': clip(output), 'visibility': 'visible'}


def _entry_problem(entry, max_score, partial=False):
    """Why one report entry cannot be believed as it stands, or None. partial: a test that passes
    with less than its maximum too (PARTIAL_CREDIT)."""
    score = entry.get('score')
    if not is_score(score):
        return f'its score {points(score)} is not a number'
    if not 0 <= score <= max_score:
        return f'its score {points(score)} is not within 0 and its maximum {max_score}'
    if entry.get('max_score') != max_score:
        return f'it claims a maximum of {points(entry.get("max_score"))}; the assignment gives it {max_score}'
    if entry.get('status') not in ('passed', 'failed'):
        return f'its status {entry.get("status")!r} is neither passed nor failed'
    if (entry['status'] == 'passed') != (score == max_score) and not (partial and entry['status'] == 'passed'):
        return f'its status "{entry["status"]}" does not match {points(score)} of {max_score} points'
    return None


def _zeroed(name, number, max_score, why):
    return {'name': name, 'number': number, 'score': 0, 'max_score': max_score, 'status': 'failed',
            'output': f'No points: {why}.', 'visibility': 'visible'}


def gradescope_stage(stage, text):
    """(tests, notes, summary) for one stage from the grader's results.json text: the checked Gradescope
    tests, in the assignment's order; what was wrong, in words (empty when nothing was); the report's
    own summary text. A report that cannot be believed at all gives one whole-stage failure."""
    n = stage['stage']
    try:
        report = parse_json(text)
        if not isinstance(report, dict) or not isinstance(report.get('tests'), list):
            raise ReportError('it is not a results.json: no list of tests')
        by_name = {}
        for i, entry in enumerate(report['tests'], 1):
            if not isinstance(entry, dict) or not isinstance(entry.get('name'), str):
                raise ReportError(f'its test #{i} has no name')
            if entry['name'] in by_name:
                raise ReportError(f'it names the test "{entry["name"]}" twice')
            by_name[entry['name']] = entry
        expected = {f'stage {n}: {t["name"]}': t for t in stage['tests']}
        extra = [name for name in by_name if name not in expected]
        if extra:
            raise ReportError(f'it names {len(extra)} test(s) the assignment does not have: '
                              f'{", ".join(extra[:5])}')
    except ReportError as e:
        return [whole_stage_failure(stage, 'grading report refused',
                                    f'The grader\'s report for this stage was refused, so the stage earns 0 '
                                    f'points: {e}. Please tell your instructor.')], [f'report refused: {e}'], ''

    tests, notes = [], []
    for i, (name, t) in enumerate(expected.items(), 1):
        number = f'{n}.{i}'
        entry = by_name.get(name)
        if entry is None:
            why = 'the grader\'s report does not include this test'
            tests.append(_zeroed(name, number, t['max_score'], why))
            notes.append(f'{name}: {why}')
            continue
        problem = _entry_problem(entry, t['max_score'], t['name'] in PARTIAL_CREDIT)
        if problem is not None:
            tests.append(_zeroed(name, entry.get('number') if isinstance(entry.get('number'), str) else number,
                                 t['max_score'], f'the grader\'s report was refused for this test: {problem}'))
            notes.append(f'{name}: {problem}')
            continue
        output = entry.get('output')
        visibility = entry.get('visibility')
        tests.append({'name': name, 'number': entry['number'] if isinstance(entry.get('number'), str) else number,
                      'score': entry['score'], 'max_score': t['max_score'], 'status': entry['status'],
                      'output': clip(output) if isinstance(output, str) else '',
                      'visibility': visibility if visibility in VISIBILITIES else 'visible'})
    summary = report.get('output')
    claimed = report.get('score')
    total = sum(t['score'] for t in tests)
    if is_score(claimed) and claimed != total:
        notes.append(f'the report\'s total {points(claimed)} is not its checked tests\' sum {points(total)}; '
                     f'the sum counts')
    return tests, notes, summary if isinstance(summary, str) else ''


def gradescope_leaderboard(stage, text, several):
    """(entries, notes): the perf figures of one stage's results.json (the grader grades one stage at
    a time), checked: each of LEADERBOARD's names at most once, a finite number from 0 to its largest
    value; "Stage N " is put before each name when several stages are graded. An entry that is not is
    left out, with a note; no leaderboard at all is no note."""
    try:
        report = parse_json(text)
    except ReportError:
        return [], []                # gradescope_stage has said why already
    board = report.get('leaderboard') if isinstance(report, dict) else None
    if board is None:
        return [], []
    prefix = f'Stage {stage["stage"]} ' if several else ''
    allowed = dict(LEADERBOARD)
    if not isinstance(board, list):
        return [], ['the leaderboard is not a list: left out']
    entries, notes, seen = [], [], set()
    for entry in board:
        name = entry.get('name') if isinstance(entry, dict) else None
        value = entry.get('value') if isinstance(entry, dict) else None
        if name not in allowed or name in seen or not is_score(value) or not 0 <= value <= allowed[name]:
            notes.append(f'the leaderboard entry {str(entry)[:60]} is not one of the grader\'s figures: left out')
            continue
        seen.add(name)
        entries.append({'name': prefix + name, 'value': value})
    return entries, notes


# ---- Autolab ------------------------------------------------------------------------------------------

def autolab_zero(stage):
    """Autolab's scores line for a submission that earns nothing."""
    maxima = group_maxima(stage)
    return {'scores': {g: 0 for g in maxima}, 'scoreboard': [0, 0, 0, 0, 0] if 'perf' in maxima else [0, 0]}


def autolab_line(stage, text):
    """(scores line, notes) from the last non-blank line of the grader's `--format autolab` output: the
    checked line, or the zero line when it cannot be believed at all; notes say what was wrong."""
    maxima = group_maxima(stage)
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        if not lines:
            raise ReportError('the grader printed no scores line')
        line = parse_json(lines[-1])
        if not isinstance(line, dict) or not isinstance(line.get('scores'), dict):
            raise ReportError('its last line is not a scores line')
        if set(line) - {'scores', 'scoreboard'}:
            raise ReportError(f'its scores line has unexpected keys: {", ".join(sorted(set(line) - {"scores", "scoreboard"}))}')
        extra = [k for k in line['scores'] if k not in maxima]
        if extra:
            raise ReportError(f'it scores problems the assignment does not have: {", ".join(extra[:5])}')
    except ReportError as e:
        return autolab_zero(stage), [f'{stage_title(stage)}: the grader\'s scores were refused, 0 points: {e}']

    scores, notes = {}, []
    for group, most in maxima.items():
        value = line['scores'].get(group)
        if group not in line['scores'] and most == 0:
            value = 0                       # a group this stage has no points in: nothing is lost
        elif group not in line['scores']:
            notes.append(f'{group}: the grader\'s scores line leaves it out: 0 points')
            value = 0
        elif not is_score(value) or not 0 <= value <= most:
            notes.append(f'{group}: the score {points(value)} is not a number within 0 and {most}: 0 points')
            value = 0
        scores[group] = value
    board = line.get('scoreboard')
    passed = board[1] if isinstance(board, list) and len(board) in (2, 5) else None
    if not (isinstance(passed, int) and not isinstance(passed, bool) and 0 <= passed <= len(stage['tests'])):
        notes.append(f'the scoreboard {str(board)[:60]} is not [total, tests passed]: tests passed shown as 0')
        passed = 0
    # With the perf group: index, utilization % and throughput ratio follow (LEADERBOARD's ranges).
    perf = board[2:] if isinstance(board, list) and len(board) == 5 and 'perf' in maxima else []
    if perf and not all(is_score(x) and 0 <= x <= most for x, (_, most) in zip(perf, LEADERBOARD)):
        notes.append(f'the scoreboard\'s perf figures {str(perf)[:60]} are not the grader\'s: shown as 0')
        perf = [0, 0, 0]
    elif not perf and 'perf' in maxima:
        perf = [0, 0, 0]
    total = sum(scores.values())
    if isinstance(board, list) and board and board[0] != total:
        notes.append(f'the scoreboard\'s total {points(board[0])} is not the checked scores\' sum {points(total)}; '
                     f'the sum counts')
    return {'scores': scores, 'scoreboard': [total, passed, *perf]}, notes
