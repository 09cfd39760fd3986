"""tools/assignment_copy.py: the copies of an instructor's assignment file that the handout and the
engine packages carry (docs/instructors.md, "The assignment file").

The grader reads and checks the instructor's file (harness/assignment); these tools never parse it
themselves. They ask the grader for its listing (`heapkit grade --assignment FILE --list --format
json`: every test of the assigned stages with what the file makes of it) and write from it:

  the student copy  (handout: course/assignment.json)  every test's points and whether it counts;
                    hidden tests turned off or left out, their traces left out, and per stage how
                    many hidden tests there are and what they are worth ("graded_elsewhere");
  the packed copy   (engines: heapkit-course/assignment.json)  the same with the hidden tests in,
                    and every trace the handout does not carry, under heapkit-course/traces/.
Both name every test explicitly, so they mean the same whichever way the original said it.
"""
import json
import os
import subprocess


class AssignmentError(Exception):
    """The grader refused the assignment file: str(e) is its message (exit status 2)."""


def listing(heapkit, path, root, stage=None):
    """The grader's listing of the assignment at path (dict); raises AssignmentError."""
    cmd = [heapkit, 'grade', '--assignment', os.path.abspath(path), '--list', '--format', 'json']
    if stage is not None:
        cmd += ['--stage', str(stage)]
    res = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if res.returncode != 0:
        raise AssignmentError(res.stderr.strip() or f'`{" ".join(cmd)}` failed with status {res.returncode}')
    return json.loads(res.stdout)


def own_trace_names(lst):
    return {t['name'] for t in lst['traces']}


def hidden_trace_files(lst):
    """The trace files of hidden tests: they never go into a handout."""
    return sorted({t['trace'] for t in lst['tests'] if t['hidden'] and t['trace']})


def graded_elsewhere(lst):
    """[{stage, tests, points}] of the hidden tests that count, per stage."""
    out = {}
    for t in lst['tests']:
        if t['hidden'] and t['enabled']:
            e = out.setdefault(t['stage'], {'stage': t['stage'], 'tests': 0, 'points': 0})
            e['tests'] += 1
            e['points'] += t['points']
    return [out[n] for n in sorted(out)]


def _by_name(lst):
    """{name: (first entry, [stages])} in listing order."""
    seen = {}
    for t in lst['tests']:
        if t['name'] in seen:
            seen[t['name']][1].append(t['stage'])
        else:
            seen[t['name']] = (t, [t['stage']])
    return seen


def copy_for(lst, with_hidden):
    """(the copy as a dict, [(trace source path, its name under traces/)]). with_hidden: the packed
    copy for the engines; else the student copy for the handout."""
    own = own_trace_names(lst)
    tests, traces, files = {}, [], []
    for name, (t, stages) in _by_name(lst).items():
        # A trace the handout does not carry travels with the copy: the assignment's own traces,
        # and (packed copy) a kit trace made hidden, which the handout leaves out.
        travels = t['trace'] and (name in own or t['hidden'])
        if t['hidden'] and not with_hidden:
            if not travels:
                tests[name] = {'enabled': False, 'points': t['points']}   # its code ships; it does not count
            continue
        setting = {'enabled': t['enabled'], 'points': t['points']}
        if with_hidden:
            setting['hidden'] = t['hidden']
        if travels:
            base = os.path.basename(t['trace'])
            files.append((t['trace'], base))
            traces.append(dict({'file': f'traces/{base}', 'stages': sorted(stages)}, **setting))
        else:
            tests[name] = setting
    copy = {'heapkit_assignment': 1, 'title': lst['title'], 'due': lst['due'], 'stages': lst['stages'],
            'limits': {'timeout_s': lst['limits']['timeout_s'], 'memory_mib': int(lst['limits']['memory_mib'])},
            'tests': tests, 'traces': traces}
    if not with_hidden:
        copy['graded_elsewhere'] = graded_elsewhere(lst)
    if 'perf' in lst:
        copy['perf'] = lst['perf']
    return copy, files


def write_copy(lst, with_hidden, folder):
    """Writes folder/assignment.json and folder/traces/ for the copy; returns the copy."""
    copy, files = copy_for(lst, with_hidden)
    os.makedirs(os.path.join(folder, 'traces'), exist_ok=True)
    for src, base in files:
        with open(src, 'rb') as f, open(os.path.join(folder, 'traces', base), 'wb') as g:
            g.write(f.read())
    with open(os.path.join(folder, 'assignment.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(copy, indent=2) + '\n')
    return copy


def copy_entries(lst, with_hidden, prefix):
    """[(archive name, bytes)] of the copy, for a zip or a tar."""
    copy, files = copy_for(lst, with_hidden)
    out = [(f'{prefix}/assignment.json', (json.dumps(copy, indent=2) + '\n').encode())]
    for src, base in files:
        with open(src, 'rb') as f:
            out.append((f'{prefix}/traces/{base}', f.read()))
    return out
