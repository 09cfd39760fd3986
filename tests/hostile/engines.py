"""tests/hostile/engines.py: a report read the way each engine reads it.

    read_json_report(text)        (Reading, {test: max points}, {test: group}) of the JSON report
    read_text(text)               text: the score from the last line, "N of M points"
    read_tap(text, points)        TAP: the points of the tests on "ok" lines
    read_gradescope(text)         results.json: "score", else the sum of the tests' scores
    read_autolab(stdout)          Autolab: the last line of stdout, {"scores": {...}}, summed
A Reading holds the score (None when the report cannot be read, with why), each test's result where
the format lists tests, and Autolab's score keys.
"""
import json
import re


def last_line(text, limit=100):
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return (lines[-1][:limit] if limit else lines[-1]) if lines else ''


class Reading:
    """What a consumer of one format takes from a grading: the score, and each test's result."""

    def __init__(self, score=None, results=None, groups=None, why=''):
        self.score = score            # number, or None when the report cannot be read
        self.results = results        # [(test name, passed)], in report order; None when not listed
        self.groups = groups          # Autolab's score keys
        self.why = why


def read_json_report(text):
    try:
        report = json.loads(text)
        tests = [(t['name'], t['status'] == 'pass') for t in report['tests']]
        points = {t['name']: t['max_score'] for t in report['tests']}
        groups = {t['name']: t.get('group') for t in report['tests']}
        if report.get('complete') is not True:
            return Reading(why='the JSON report says it is not complete'), {}, {}
        return Reading(report['score'], tests), points, groups
    except (ValueError, KeyError, TypeError) as e:
        return Reading(why=f'the JSON report cannot be read ({e}): {text[:80]!r}'), {}, {}


TEXT_TEST = re.compile(r'^\s*(PASS|FAIL)\s+(\S+)\s+(\d+)/(\d+)')
TEXT_TOTAL = re.compile(r'(\d+) of (\d+) points')
TAP_TEST = re.compile(r'^(not )?ok \d+ - stage\d+ (\S+)')


def read_text(text):
    results = [(m.group(2), m.group(1) == 'PASS') for m in map(TEXT_TEST.match, text.splitlines()) if m]
    m = TEXT_TOTAL.search(last_line(text))
    if not m:
        return Reading(results=results, why=f'the last line of the text report gives no points: '
                                            f'{last_line(text)!r}')
    return Reading(int(m.group(1)), results)


def read_tap(text, points):
    results = [(m.group(2), m.group(1) is None) for m in map(TAP_TEST.match, text.splitlines()) if m]
    if not results:
        return Reading(why=f'no TAP test line: {text[:80]!r}')
    return Reading(sum(points.get(name, 0) for name, passed in results if passed), results)


def read_gradescope(text):
    try:
        data = json.loads(text)
        tests = data.get('tests', [])
        results = [(re.sub(r'^stage \d+: ', '', t['name']),
                    t.get('status', 'passed' if t['score'] >= t['max_score'] else 'failed') == 'passed')
                   for t in tests]
        over = [t['name'] for t in tests if not 0 <= t['score'] <= t['max_score']]
        score = data['score'] if 'score' in data else sum(t['score'] for t in tests)
        return Reading(score, results, why=f'test scores outside 0..max: {over[:3]}' if over else '')
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return Reading(why=f'results.json cannot be read ({e}): {text[:80]!r}')


def read_autolab(stdout):
    results = read_text(stdout).results
    try:
        data = json.loads(last_line(stdout, limit=None))
        return Reading(sum(data['scores'].values()), results, sorted(data['scores']))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return Reading(results=results, why=f'the last line of stdout is not {{"scores": ...}} ({e}): '
                                            f'{last_line(stdout)!r}')
