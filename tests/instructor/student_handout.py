"""tests/instructor/student_handout.py: the handout works for a student on its own (70-instructor).

Called with the generated handout folder and its build folder; every check is emitted as student.*:
  student.readme_commands_work   README.md is the students' (no instructor command, the stages not
                                 called reference stages); every make command in it dry-runs there
  student.assignment_md          ASSIGNMENT.md gives each group's points, says the checker is graded
                                 (its points of stage 4's, as the grader lists them) and links docs/students.md
  student.make_test              make test there exits 0 and points to make grade (no instructor file needed)
  student.make_handout_refused   make handout there stops with a message and status 2, no traceback
  student.unknown_variable       make grade STAGES=4 stops with a message naming STAGES
  student.stub_fails_seam_test   robust.seam_fails_on_first_malloc fails on the stage 4 stub
  student.debug_in_handout       make debug there stops gdb in the stub's heapmgr_malloc (skipped without gdb)
  student.one_stage_alone        with stage 5 not compiling: make grade STAGE=4, make demo STAGE=4 and
                                 make run STAGE=4 still work
  student.demo_help_header       heapkit demo --help describes the trace file's header lines
"""
import json
import os
import re
import shutil
import subprocess


def _run(cmd, cwd, timeout=300):
    env = dict(os.environ)
    env.pop('MAKEFLAGS', None)
    env.pop('MAKELEVEL', None)
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def _tail(text, n=5):
    return ' | '.join(text.strip().splitlines()[-n:])


def check(emit, folder, hb, scratch):
    mk = ['make', '-s', '--no-print-directory', f'B={hb}']
    readme = open(os.path.join(folder, 'README.md'), encoding='utf-8').read()
    commands = re.findall(r'^(make(?: [^#\n]*?)?)\s*(?:#.*)?$', readme.split('```sh', 1)[-1].split('```', 1)[0], re.M)
    bad = []
    for c in commands:
        words = c.split()
        words = [w.strip('"') for w in re.findall(r'(?:[^\s"]+="[^"]*"|\S+)', c)][1:]
        words = [w.replace('"', '') for w in words]
        r = _run(['make', '-n', f'B={hb}', *words], folder)
        if r.returncode != 0:
            bad.append(f'{c}: {_tail(r.stderr, 2)}')
    instructor = [w for w in ('make handout', 'make gradescope', 'make autolab', 'make classroom', '--batch',
                              'reference stages') if w in readme]
    emit(len(commands) >= 8 and not bad and not instructor, 'student.readme_commands_work',
         f'expected the students\' README with commands that work there; {len(commands)} commands, failing: '
         f'{bad[:3]}, instructor words: {instructor}')
    assignment = open(os.path.join(folder, 'ASSIGNMENT.md'), encoding='utf-8').read()
    # The checker's points and the stage's, as the handout's own grader lists stage 4's tests.
    listing = _run([os.path.join(hb, 'heapkit'), 'grade', '--stage', '4', '--list'], folder).stdout.split('\n')
    rows = [line.split() for line in listing if len(line.split()) == 3 and line.split()[0] == '4']
    total = sum(int(points) for _, _, points in rows)
    checker = sum(int(points) for _, name, points in rows if name.startswith('checker.'))
    said = f'checker.*` tests ({checker} of the {total} points)'
    emit(checker > 0 and said in assignment and 'docs/students.md' in assignment, 'student.assignment_md',
         f'expected ASSIGNMENT.md to give the checker\'s {checker} of {total} points on stage 4 (its grader\'s '
         f'listing) and to link docs/students.md')
    r = _run(mk + ['test'], folder)
    emit(r.returncode == 0 and 'make grade' in r.stdout, 'student.make_test',
         f'expected make test in the handout to exit 0 and point to make grade; got {r.returncode}: '
         f'{_tail(r.stdout + r.stderr)}')
    r = _run(mk + ['handout', 'ASSIGN=4'], folder)
    emit(r.returncode == 2 and 'Traceback' not in r.stderr and 'student handout' in r.stdout + r.stderr,
         'student.make_handout_refused', f'expected make handout to stop with a message; got {r.returncode}: '
         f'{_tail(r.stdout + r.stderr)}')
    r = _run(mk + ['grade', 'STAGES=4'], folder)
    emit(r.returncode == 2 and 'unknown make variable STAGES' in r.stderr, 'student.unknown_variable',
         f'expected make grade STAGES=4 to stop naming STAGES; got {r.returncode}: {_tail(r.stdout + r.stderr)}')
    r = _run([os.path.join(hb, 'heapkit'), 'grade', '--stage', '4', '--only', 'robust.seam_fails_on_first_malloc',
              '--format', 'json'], folder)
    try:
        status = json.loads(r.stdout)['tests'][0]['status']
    except (ValueError, KeyError, IndexError):
        status = f'no report ({_tail(r.stderr)})'
    emit(status == 'fail', 'student.stub_fails_seam_test',
         f'expected robust.seam_fails_on_first_malloc to fail on the stub; got {status}')
    if shutil.which('gdb'):
        batch = os.path.join(scratch, 'student-batch.gdb')
        with open(batch, 'w', encoding='utf-8') as f:
            f.write('info args\n')
        r = _run(mk + ['debug', 'STAGE=4', 'TEST=api.alignment', f'GDB_BATCH={batch}'], folder)
        emit(re.search(r'Temporary breakpoint \d+, heapmgr_malloc \(req_bytes=\d+\)', r.stdout + r.stderr) is not None,
             'student.debug_in_handout', f'expected gdb stopped in the stub\'s heapmgr_malloc; got '
             f'{_tail(r.stdout + r.stderr, 8)}')
    else:
        emit(True, 'student.debug_in_handout_skipped_no_gdb')
    r = _run([os.path.join(hb, 'heapkit'), 'demo', '--help'], folder)
    emit('four header lines' in r.stdout, 'student.demo_help_header',
         'expected heapkit demo --help to describe the trace header')
    stage5 = os.path.join(folder, 'stage5_bins', 'heapmgr.c')
    original = open(stage5, encoding='utf-8').read()
    try:
        with open(stage5, 'a', encoding='utf-8') as f:
            f.write('\nthis line does not compile\n')
        g = _run(mk + ['grade', 'STAGE=4', 'ONLY=api.alignment'], folder)
        d = _run(mk + ['demo', 'STAGE=4'], folder)
        u = _run(mk + ['run', 'STAGE=4', 'CMD=true'], folder)
    finally:
        with open(stage5, 'w', encoding='utf-8') as f:
            f.write(original)
    emit('api.alignment' in g.stdout and d.returncode == 0 and 'what happened' in d.stdout and u.returncode == 0
         and 'heapkit: stage=stage4_dlist' in u.stdout + u.stderr, 'student.one_stage_alone',
         f'expected grade, demo and run of stage 4 to work with stage 5 not compiling; got grade '
         f'{g.returncode}: {_tail(g.stdout + g.stderr, 2)}; demo {d.returncode}: {_tail(d.stderr, 2)}; run '
         f'{u.returncode}: {_tail(u.stdout + u.stderr, 2)}')
