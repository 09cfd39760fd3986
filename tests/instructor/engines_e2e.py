"""70-instructor, the engines end to end: the Gradescope zip in a fake /autograder, the Autolab files in
a fake job folder, each with a reference stage (full marks), a broken one (0, with the compiler's
messages) and a hostile one (engine_attacks.py), graded by the handout's own grader.

check_gradescope(ctx, hb) and check_autolab(ctx, hb) take the suite's context (ctx: emit, run, tail,
scratch, dist, build, heapkit, reference_reports, broken_c) and the handout's build folder hb (or None).
"""
import json
import os
import shutil
import signal
import tarfile
import time
import zipfile

import engine_attacks
from validator_cases import TEST_UIDS

SWEEP = f'{TEST_UIDS[0]}-{TEST_UIDS[1]}'       # the front ends' sweep, kept off other gradings' runners

FRONT_END = ('engine_run.py', 'validate_results.py')
STAGE4_REF = 'stage4_dlist/heapmgr.c'


def snapshot(folder):
    """{relative path: bytes or link target} of every file under folder."""
    out = {}
    for d, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, folder)
            if os.path.islink(p):
                out[rel] = 'link:' + os.readlink(p)
            else:
                with open(p, 'rb') as f:
                    out[rel] = f.read()
    return out


def alive(pid_file):
    """The recorded pids still running."""
    try:
        pids = [int(x) for x in open(pid_file).read().split()]
    except OSError:
        return []
    live = []
    for pid in pids:
        try:
            os.kill(pid, 0)
            live.append(pid)
        except (ProcessLookupError, PermissionError):
            pass
    return live


def kill_recorded(pid_file):
    for pid in alive(pid_file):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def listed(ctx, n):
    res = ctx.run([ctx.heapkit, 'grade', '--list', '--stage', str(n)])
    return [{'name': line.split()[1], 'max_score': int(line.split()[2])} for line in res.stdout.splitlines()]


# ---- Gradescope ---------------------------------------------------------------------------------------

def gradescope_layout(ctx, zpath):
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
        assignment = json.loads(zf.read('heapkit-assignment.json')) if 'heapkit-assignment.json' in names else {}
    layout_ok = ('setup.sh' in names and 'run_autograder' in names and modes['setup.sh'] & 0o100
                 and modes['run_autograder'] & 0o100 and 'heapkit/Makefile' in names
                 and all(f in names for f in FRONT_END + ('gradescope_results.py',))
                 and not any(n.startswith(('heapkit/build/', 'heapkit/tests/zoo/', 'heapkit/tests/hostile/',
                                           'heapkit/packaging/')) for n in names))
    ctx.emit(layout_ok, 'gradescope.zip_layout',
             'expected executable setup.sh and run_autograder, the front end and its two modules at the root, '
             f'and the handout (no build output) under heapkit/; got {sorted(n for n in names if "/" not in n)}')
    stages = assignment.get('stages', [])
    want = {n: listed(ctx, n) for n in (4, 5)}
    got = {s.get('stage'): s.get('tests') for s in stages}
    uids = assignment.get('runner_uids')
    ctx.emit(got == want and isinstance(uids, list) and len(uids) == 2 and uids[0] > 0,
             'gradescope.assignment_is_the_graders_list',
             f'expected heapkit-assignment.json to hold exactly `heapkit grade --list` of stages 4 and 5 '
             f'({[len(v) for v in want.values()]} tests) and the runners\' uid range; got '
             f'{[(k, len(v or [])) for k, v in got.items()]}, uids {uids}')
    return modes, assignment


def run_autograder(ctx, root, env, files):
    """Fills submission/ with files ({relative path: text, or ('link', target)}), runs run_autograder,
    and returns (results text or None, the process result, the moment it returned)."""
    sub = os.path.join(root, 'submission')
    shutil.rmtree(sub, ignore_errors=True)
    os.makedirs(sub)
    for rel, content in files.items():
        path = os.path.join(sub, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(content, tuple):
            os.symlink(content[1], path)
        else:
            with open(path, 'w') as f:
                f.write(content)
    res = ctx.run([os.path.join(root, 'run_autograder')], cwd=root, env=env, timeout=900)
    returned = time.monotonic()
    try:
        text = open(os.path.join(root, 'results', 'results.json'), encoding='utf-8').read()
    except OSError:
        text = None
    return text, res, returned


def results_problems(ctx, results):
    """What is wrong with results.json of the reference stage 4 and the broken stage 5."""
    refs = ctx.reference_reports()
    problems = []
    for key, kind in (('score', (int, float)), ('execution_time', (int, float)), ('output', str),
                      ('visibility', str), ('tests', list)):
        if not isinstance(results.get(key), kind):
            problems.append(f'{key} missing or not {kind}')
    tests = results.get('tests', [])
    numbers = set()
    for t in tests:
        for key, kind in (('name', str), ('number', str), ('score', (int, float)), ('max_score', (int, float)),
                          ('status', str), ('output', str), ('visibility', str)):
            if not isinstance(t.get(key), kind):
                problems.append(f'test {t.get("name")}: {key} missing or not {kind}')
        if t.get('status') not in ('passed', 'failed') or t.get('visibility') != 'visible':
            problems.append(f'test {t.get("name")}: status {t.get("status")}, visibility {t.get("visibility")}')
        if not 0 <= t.get('score', -1) <= t.get('max_score', -1):
            problems.append(f'test {t.get("name")}: score {t.get("score")} of {t.get("max_score")}')
        if (t.get('status') == 'passed') != (t.get('score') == t.get('max_score')):
            problems.append(f'test {t.get("name")}: status {t.get("status")} with {t.get("score")} of {t.get("max_score")}')
        numbers.add(t.get('number'))
    if len(numbers) != len(tests):
        problems.append('test numbers are not unique')
    s4 = [t for t in tests if t.get('name', '').startswith('stage 4')]
    s5 = [t for t in tests if t.get('name', '').startswith('stage 5')]
    if sorted(t['name'].split(': ', 1)[1] for t in s4) != sorted(t['name'] for t in refs[4]['tests']):
        problems.append(f'stage 4 tests {len(s4)} differ from the grader\'s {len(refs[4]["tests"])}')
    if not all(t.get('status') == 'passed' for t in s4):
        problems.append('the reference stage 4 did not pass every test')
    if not (len(s5) == 1 and s5[0]['score'] == 0 and s5[0]['max_score'] == refs[5]['max_score']
            and 'does not compile' in s5[0]['name'] and 'error' in s5[0]['output']):
        problems.append(f'stage 5 (broken) expected one failed test worth {refs[5]["max_score"]} with the compiler '
                        f'error; got {[(t["name"], t["score"], t["max_score"]) for t in s5]}')
    if results.get('score') != sum(t.get('score', 0) for t in tests) or results.get('score') != refs[4]['max_score']:
        problems.append(f'score {results.get("score")}, expected {refs[4]["max_score"]} (the tests\' sum)')
    if not (results.get('execution_time', 0) > 0 and 'stage 4' in results.get('output', '')):
        problems.append('execution_time or output summary wrong')
    return problems


def setup_root(ctx, zpath, modes, hb):
    root = os.path.join(ctx.scratch, 'autograder')
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, 'source'))
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(os.path.join(root, 'source'))
        for name, mode in modes.items():
            os.chmod(os.path.join(root, 'source', name), mode or 0o644)
    if hb:      # the handout's build from above: setup.sh then finds heapkit up to date
        shutil.copytree(hb, os.path.join(root, 'source', 'heapkit', 'build'), symlinks=True)
    env = {'HEAPKIT_AUTOGRADER_ROOT': root, 'HEAPKIT_RUNNER_UIDS': SWEEP}
    res = ctx.run(['bash', os.path.join(root, 'source', 'setup.sh')], env=env, timeout=900)
    if not ctx.emit(res.returncode == 0 and os.path.isfile(os.path.join(root, 'source', 'heapkit', 'build', 'heapkit')),
                    'gradescope.setup_builds', f'expected setup.sh to build heapkit; got status {res.returncode}: '
                    f'{ctx.tail(res.stdout + res.stderr)}'):
        return None, None
    if os.geteuid() == 0:
        open_to_others = [os.path.relpath(os.path.join(d, n), root) for d, ds, fs in os.walk(os.path.join(root, 'source'))
                          for n in ds + fs + ['.'] if os.lstat(os.path.join(d, n)).st_uid != 0
                          or os.lstat(os.path.join(d, n)).st_mode & (0o066 if n == 'runner' else 0o077)]
        ctx.emit(not open_to_others, 'gradescope.source_is_roots_alone',
                 f'expected everything under source/ owned by root with no access for group or others (runner programs: '
                 f'execute only); got '
                 f'{len(open_to_others)} paths, e.g. {open_to_others[:3]}')
    shutil.copy(os.path.join(root, 'source', 'run_autograder'), os.path.join(root, 'run_autograder'))
    return root, env


def check_gradescope(ctx, hb):
    zpath = os.path.join(ctx.dist, 'gradescope.zip')
    res = ctx.run(['make', '-s', f'B={ctx.build}', f'DIST={ctx.dist}', 'gradescope', 'ASSIGN=4 5'], timeout=900)
    if not ctx.emit(res.returncode == 0 and os.path.isfile(zpath), 'gradescope.zip_written',
                    f'expected make gradescope to write {zpath}; got status {res.returncode}: '
                    f'{ctx.tail(res.stdout + res.stderr)}'):
        return
    modes, _ = gradescope_layout(ctx, zpath)
    root, env = setup_root(ctx, zpath, modes, hb)
    if root is None:
        return
    results_dir = os.path.join(root, 'results')

    # 1. A reference stage 4 and a stage 5 that does not compile.
    os.makedirs(results_dir, exist_ok=True)
    placeholder = os.path.join(results_dir, 'results.json')
    with open(placeholder, 'w') as f:
        f.write('placeholder\n')
    kept = os.path.join(ctx.scratch, 'results-before.json')
    os.link(placeholder, kept)
    files = {'stage4_dlist/heapmgr.c': open(STAGE4_REF).read(), 'stage5.c': ctx.broken_c}
    text, res, _ = run_autograder(ctx, root, env, files)
    try:
        results = json.loads(text)
    except (TypeError, ValueError) as e:
        ctx.emit(False, 'gradescope.results_fields', f'expected results/results.json; got {e}; run_autograder '
                 f'status {res.returncode}: {ctx.tail(res.stdout + res.stderr)}')
        return
    problems = results_problems(ctx, results)
    ctx.emit(not problems, 'gradescope.results_fields', f'results.json: {problems[:5]}')
    leftovers = [n for n in os.listdir(results_dir) if n != 'results.json']
    ctx.emit(open(kept).read() == 'placeholder\n' and os.stat(kept).st_ino != os.stat(placeholder).st_ino
             and not leftovers, 'gradescope.results_json_written_by_rename',
             f'expected results.json renamed into place (the old file untouched, no temporary left); got '
             f'old file "{open(kept).read().strip()[:40]}", same inode {os.stat(kept).st_ino == os.stat(placeholder).st_ino}, '
             f'leftovers {leftovers}')
    ctx.emit(snapshot(os.path.join(root, 'submission')) == {k: v.encode() for k, v in files.items()},
             'gradescope.submission_folder_untouched',
             'expected submission/ exactly as uploaded after grading (the grader builds a private copy)')

    # 2. Hostile: a survivor that rewrites results.json after run_autograder; a stage file that is a link.
    once = os.path.join(ctx.scratch, 'gradescope-attack.once')
    pids = os.path.join(ctx.scratch, 'gradescope-attack.pids')
    forged = '{"score": 9999, "tests": []}\n'
    attack = engine_attacks.survivor_rewrites(open(STAGE4_REF).read(), placeholder, forged, once, pids)
    os.remove(placeholder)
    files = {'stage4_dlist/heapmgr.c': attack,
             'stage5_bins/heapmgr.c': ('link', os.path.join(root, 'source', 'heapkit-assignment.json'))}
    text, res, returned = run_autograder(ctx, root, env, files)
    live = alive(pids)
    time.sleep(max(0.0, returned + 3 - time.monotonic()))
    later = open(placeholder, encoding='utf-8').read() if os.path.exists(placeholder) else None
    kill_recorded(pids)
    ctx.emit(not live, 'gradescope.no_process_outlives_run_autograder',
             f'expected nothing the submission started alive when run_autograder returned; got survivors {live}')
    ctx.emit(text is not None and later == text, 'gradescope.results_json_unchanged_after_the_end',
             f'expected results.json the same 3 s after run_autograder returned; got '
             f'{"no results.json" if text is None else (later or "")[:80]!r}')
    try:
        results = json.loads(text)
        s4 = [t for t in results['tests'] if t['name'].startswith('stage 4')]
        s5 = [t for t in results['tests'] if t['name'].startswith('stage 5')]
    except (TypeError, ValueError, KeyError):
        results, s4, s5 = {}, [], []
    ref_max = ctx.reference_reports()[4]['max_score']
    # The reference plus a trick earns the reference's marks, or 0 where the trick itself is the
    # failure (a runner that opens a file or forks is killed), never anything else.
    ctx.emit(len(s4) == len(ctx.reference_reports()[4]['tests']) and results.get('score') in (0, ref_max),
             'gradescope.trick_earns_what_the_allocator_earns_or_nothing',
             f'expected the reference with a survivor to score the reference\'s {ref_max} or 0, test by test; '
             f'got {results.get("score")} over {len(s4)} tests')
    ctx.emit(len(s5) == 1 and 'not accepted' in s5[0]['name'] and 'symbolic link' in s5[0]['output']
             and 'runner_uids' not in (text or ''), 'gradescope.linked_submission_refused',
             f'expected a stage file that is a link to the assignment refused, its target never shown; got '
             f'{[(t["name"], t["output"][:80]) for t in s5]}')


# ---- Autolab ------------------------------------------------------------------------------------------

def broken_allocator():
    """Stage 4 with one bug: malloc(24) returns NULL. Some tests fail; the rest pass."""
    text = open(STAGE4_REF).read()
    head = 'void *heapmgr_malloc(size_t req_bytes)\n{'
    assert head in text, 'stage 4 heapmgr_malloc signature moved'
    return text.replace(head, head + '\n    if (req_bytes == 24)\n        return NULL;', 1)


def scores_total(line_text):
    try:
        return sum(json.loads(line_text)['scores'].values())
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def autolab_layout(ctx, tarp, mk, zero_want):
    with tarfile.open(tarp) as tar:
        names = tar.getnames()
        zero = tar.extractfile('zero-scores.json').read().decode().strip() if 'zero-scores.json' in names else None
    need = ('heapkit/Makefile', 'autolab_grade.py', 'heapkit-assignment.json', 'zero-scores.json') + FRONT_END
    ctx.emit(all(n in names for n in need) and 'heapkit/zero-scores.json' not in names
             and zero == zero_want and zero_want in open(mk).read(), 'autolab.package_layout',
             f'expected {need} in autograde.tar (zero-scores.json beside heapkit/, not in it), the zero line '
             f'{zero_want} there and in the Makefile; got zero line {zero}, missing '
             f'{[n for n in need if n not in names]}')


def check_autolab(ctx, hb):
    out = os.path.join(ctx.dist, 'autolab')
    res = ctx.run(['make', '-s', f'B={ctx.build}', f'DIST={ctx.dist}', 'autolab', 'ASSIGN=4 5'], timeout=900)
    mk = os.path.join(out, 'stage4_dlist', 'autograde-Makefile')
    tarp = os.path.join(out, 'stage4_dlist', 'autograde.tar')
    if not ctx.emit(res.returncode == 0 and all(os.path.isfile(os.path.join(out, f, name))
                                                for f in ('stage4_dlist', 'stage5_bins')
                                                for name in ('autograde-Makefile', 'autograde.tar')),
                    'autolab.files_written', f'expected autograde-Makefile and autograde.tar per assigned stage; '
                    f'got status {res.returncode}: {ctx.tail(res.stdout + res.stderr)}'):
        return
    ref = ctx.reference_reports()[4]
    autolab_layout(ctx, tarp, mk, json.dumps({'scores': {g: 0 for g in ('api', 'lecture', 'workload', 'checker',
                                                                        'robust')},
                                              'scoreboard': [0, 0]}))

    plain = os.path.join(ctx.scratch, 'autolab-plain.c')
    with open(plain, 'w') as f:
        f.write(broken_allocator())
    direct = ctx.run([ctx.heapkit, 'grade', '--stage', '4', '--src', plain, '--format', 'autolab'], timeout=300)
    honest = scores_total((direct.stdout.strip().splitlines() or [''])[-1])
    forged = '{"scores": {"api": 48, "lecture": 30, "workload": 51, "checker": 45, "robust": 12}, "scoreboard": [186, 58]}'
    # (case, handin, the totals it may get): a trick earns what its allocator earns, or 0 where the
    # trick itself is the failure.
    cases = (('correct', open(STAGE4_REF).read(), (ref['max_score'],)), ('broken', ctx.broken_c, (0,)),
             ('forging_at_exit', engine_attacks.forged_scores_at_exit(broken_allocator(), forged), (honest, 0)))
    job = os.path.join(ctx.scratch, 'autolab-job')
    tmp = os.path.join(ctx.scratch, 'autolab-tmp')
    for case, handin, want in cases:
        for d in (job, tmp):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        shutil.copy(mk, os.path.join(job, 'Makefile'))             # Autolab's steps: copy the files,
        shutil.copy(tarp, os.path.join(job, 'autograde.tar'))
        with open(os.path.join(job, 'heapmgr.c'), 'w') as f:       # the handin, renamed
            f.write(handin)
        cmd = ['make', f'RUNNER_UIDS={SWEEP}'] + ([f'PREBUILT={hb}'] if hb else [])      # make, and read the last line
        res = ctx.run(cmd, cwd=job, timeout=900, env={'TMPDIR': tmp})
        lines = [l for l in res.stdout.splitlines() if l.strip()]
        total = scores_total(lines[-1]) if lines else None
        score_lines = [l for l in lines if l.lstrip().startswith('{"scores"')]
        ok = total is not None and None not in want and total in want and len(score_lines) == 1
        if case == 'broken':
            ok = ok and 'does not compile' in res.stdout
        if case == 'forging_at_exit':       # the forgery would show: the allocator alone earns less
            ok = ok and honest is not None and honest < ref['max_score']
        ctx.emit(ok, f'autolab.scores_line_{case}_handin',
                 f'expected one scores line, last, summing to {" or ".join(map(str, want))}; got total {total}, '
                 f'{len(score_lines)} '
                 f'scores lines: {ctx.tail(res.stdout + res.stderr, 3)}')
        left_job, left_tmp = sorted(os.listdir(job)), os.listdir(tmp)
        ctx.emit(left_job == ['Makefile', 'autograde.tar', 'heapmgr.c'] and not left_tmp,
                 f'autolab.nothing_unpacked_in_the_job_folder_{case}',
                 f'expected the job folder to hold only what Autolab put there and the private folder removed; '
                 f'got {left_job}, left in TMPDIR {left_tmp}')
