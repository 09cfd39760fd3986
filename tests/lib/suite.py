"""tests/lib/suite.py: what every python suite in tests/suites shares.

One line per check, counted by tests/run-suites:
    PASS <name>
    FAIL <name>: <what was expected, and what happened>
and the ways the suites run heapkit: a command with a time limit, `heapkit grade`, its JSON report.

    import suite                        # after sys.path.insert(0, <kit>/tests/lib)
    suite.emit(ok, name, why)           PASS name, or FAIL name: why
    suite.passed(name); suite.failed(name, why)
    suite.check(name, expected, got, what='')
                                        PASS when got == expected, else FAIL name: expected WHAT EXPECTED, got GOT
    suite.failures()                    the FAIL lines so far
    suite.run(args, timeout=120)        a Ran: returncode (None when it did not finish), stdout, stderr,
                                        seconds, timed_out, why ('' or why it did not finish)
    suite.grade(args, timeout=120)      `heapkit grade ARGS` as a Ran
    suite.load_report(text)             the JSON report as a dict; ReportError says what is wrong with it
Importing it moves to the kit's top folder; ROOT, BUILD (environment B, default build) and HEAPKIT name
the kit, its build folder and build/heapkit.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
os.chdir(ROOT)
BUILD = os.environ.get('B', 'build')
HEAPKIT = os.path.join(BUILD, 'heapkit')

_failures = 0


# ---- PASS and FAIL lines -------------------------------------------------------------------------------

def emit(ok, name, why=''):
    """PASS name when ok, else FAIL name: why."""
    global _failures
    if ok:
        print(f'PASS {name}', flush=True)
    else:
        _failures += 1
        print(f'FAIL {name}: {why}', flush=True)


def passed(name):
    emit(True, name)


def failed(name, why):
    emit(False, name, why)


def check(name, expected, got, what=''):
    """PASS when got equals expected, else FAIL name: expected [what ]expected, got got."""
    emit(got == expected, name, f'expected {what + " " if what else ""}{expected}, got {got}')


def failures():
    return _failures


# ---- running programs ----------------------------------------------------------------------------------

class Ran:
    """How a command ended: returncode is None when it ran past its time limit or could not start."""

    def __init__(self, returncode, stdout, stderr, seconds, why='', timed_out=False):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.why = why
        self.timed_out = timed_out

    @property
    def finished(self):
        return self.returncode is not None


def _text(data):
    if data is None:
        return ''
    return data if isinstance(data, str) else data.decode('utf-8', 'replace')


def run(args, timeout=120, env=None, cwd=None):
    """Runs args with its output captured as text; never raises for a hang or a missing program."""
    start = time.monotonic()
    try:
        proc = subprocess.run(args, capture_output=True, text=True, errors='replace', timeout=timeout,
                              env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return Ran(None, _text(e.stdout), _text(e.stderr), time.monotonic() - start,
                   f'{args[0]} ran past {timeout:.0f} s', timed_out=True)
    except OSError as e:
        return Ran(None, '', '', time.monotonic() - start, f'{args[0]} could not be run: {e}')
    return Ran(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def grade(args, timeout=120):
    """build/heapkit grade ARGS."""
    return run([HEAPKIT, 'grade', *args], timeout=timeout)


# ---- the grader's JSON report (schema: docs/grading.md) --------------------------------------------------

class ReportError(ValueError):
    """The text is not a JSON report of docs/grading.md; the message says why."""


REPORT_KEYS = ('score', 'max_score', 'passed', 'failed', 'tests', 'stages', 'complete')


def load_report(text):
    """The report as a dict, with every top-level key of the schema present."""
    try:
        report = json.loads(text)
    except ValueError as e:
        raise ReportError(f'the JSON report does not parse: {e}') from None
    if not isinstance(report, dict):
        raise ReportError('the JSON report is not an object')
    for key in REPORT_KEYS:
        if key not in report:
            raise ReportError(f'the JSON report has no "{key}"')
    if not isinstance(report['tests'], list):
        raise ReportError('the JSON report\'s "tests" is not a list')
    return report


def require_build(name='build'):
    """FAIL name and exit 1 when build/heapkit is missing."""
    if not os.access(HEAPKIT, os.X_OK):
        failed(name, f'{HEAPKIT} is not built')
        sys.exit(1)
