#!/usr/bin/env python3
"""bench_programs.py: `make bench`'s table of real programs on every stage (docs/performance.md).

    python3 harness/bench/bench_programs.py [--build build] [--out build/bench] [--runs R]

ls, sort, python3 (PYTHONMALLOC=malloc, so every object is a malloc: tests/preload/dict_json.py) and
cc1 (gcc -O2 -c, whose compiler proper inherits LD_PRELOAD) run on each stage's drop-in malloc
(build/<stage>/libheapmgr-preload.so) and on the C library's, in the same run: the C library before
and after the stages, its faster run counting. Each figure is the fastest of R runs: CPU seconds
(user + system, the program and its children) and peak resident memory (the largest of the program
and its children), each also as a ratio of the C library's. Output that differs from the C library's
run, a failure or a time limit marks the row. Writes programs.md (the table) to the out folder.
Standard library only.
"""
import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile

STAGES = ['stage1_minimal', 'stage2_pad', 'stage3_list', 'stage4_dlist', 'stage5_bins', 'stage6_mmap']
NAMES = {'stage1_minimal': 'stage 1 (Minimal)', 'stage2_pad': 'stage 2 (Pad)', 'stage3_list': 'stage 3 (List)',
         'stage4_dlist': 'stage 4 (Doubly linked list)', 'stage5_bins': 'stage 5 (Bins)', 'stage6_mmap': 'stage 6 (VM)'}
GNU_TIME = '/usr/bin/time'      # Debian's package time
TIME_LIMIT = 10                 # CPU seconds a run may take (stage 3's O(n) free on python3 takes more)


def programs(tmp):
    numbers = os.path.join(tmp, 'numbers')
    with open(numbers, 'w') as f:              # 200 000 numbers of a fixed linear congruential sequence
        x = 17
        for _ in range(200000):
            x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
            f.write(f'{(x >> 33) - (1 << 30)}\n')
    return [('ls', ['ls', '-lR', '/usr/include'], {}),
            ('sort', ['sort', '-n', numbers], {}),
            ('python3', [sys.executable, 'tests/preload/dict_json.py', '40000'], {'PYTHONMALLOC': 'malloc'}),
            ('cc1', ['gcc', '-std=c17', '-O2', '-c', 'tests/preload/api_test.c', '-o', os.path.join(tmp, 'a.o')], {})]


def run_once(cmd, env):
    """(cpu seconds, peak RSS bytes, output digest, ok) of one run, its children included. The program
    runs under GNU time (/usr/bin/time), which forks it from a small process of its own: a peak RSS
    taken from our own wait would include the memory of this Python process, which a child inherits
    until it execs (the kernel keeps the high-water mark across exec)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile('r') as figures:
        limit = lambda: resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT))  # noqa: E731
        proc = subprocess.run([GNU_TIME, '-f', '%U %S %M', '-o', figures.name, *cmd], stdout=out,
                              stderr=subprocess.DEVNULL, env=env, preexec_fn=limit)
        out.seek(0)
        digest = hashlib.sha256(out.read()).hexdigest()   # compared with the C library's run
        try:
            user, system, kib = figures.read().split()[-3:]
        except ValueError:
            return None
    cpu = float(user) + float(system)
    if cpu >= TIME_LIMIT:
        return None                  # killed at the limit
    return cpu, int(kib) * 1024, digest, proc.returncode == 0


def measure(cmd, extra, preload, runs):
    env = {**os.environ, **extra, 'LC_ALL': 'C'}
    env.pop('HEAPKIT_STATS', None)
    if preload:
        env['LD_PRELOAD'] = os.path.abspath(preload)
    best = None
    for _ in range(runs):
        got = run_once(cmd, env)
        if got is None or not got[3]:
            return None
        best = got if best is None else (min(best[0], got[0]), min(best[1], got[1]), got[2], True)
    return best


def main():
    ap = argparse.ArgumentParser(description='Real programs on every stage against the C library.')
    ap.add_argument('--build', default=os.environ.get('B', 'build'))
    ap.add_argument('--out', default=None)
    ap.add_argument('--runs', type=int, default=2)
    args = ap.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        print(f'bench_programs: {GNU_TIME} (Debian: apt-get install time) is needed for peak RSS; no table')
        return 0
    out_dir = args.out or os.path.join(args.build, 'bench')
    os.makedirs(out_dir, exist_ok=True)
    lines = ['| program | allocator | CPU s | x C library | peak RSS MiB | x C library |',
             '| --- | --- | ---: | ---: | ---: | ---: |']
    with tempfile.TemporaryDirectory() as tmp:
        for name, cmd, extra in programs(tmp):
            first = measure(cmd, extra, None, args.runs)
            rows = [(NAMES[s], measure(cmd, extra, os.path.join(args.build, s, 'libheapmgr-preload.so'), args.runs))
                    for s in STAGES]
            last = measure(cmd, extra, None, args.runs)
            if first is None or last is None:
                lines.append(f'| {name} | C library | failed | | | |')
                continue
            libc = (min(first[0], last[0]), min(first[1], last[1]), first[2])
            lines.append(f'| {name} | C library | {libc[0]:.2f} | 1.00 | {libc[1] / 2**20:.1f} | 1.00 |')
            for label, got in rows:
                if got is None:
                    lines.append(f'| {name} | {label} | failed or over {TIME_LIMIT} CPU s | | | |')
                    continue
                mark = '' if got[2] == libc[2] or name == 'cc1' else ' (output differs)'
                lines.append(f'| {name} | {label}{mark} | {got[0]:.2f} | {got[0] / max(libc[0], 1e-3):.2f} | '
                             f'{got[1] / 2**20:.1f} | {got[1] / libc[1]:.2f} |')
            print(f'   {name}: measured', flush=True)
    load = os.getloadavg()[0]
    text = '\n'.join(lines) + f'\n\n(fastest of {args.runs} runs each; load average {load:.1f} on ' \
                              f'{os.cpu_count()} cores when the table was done)\n'
    with open(os.path.join(out_dir, 'programs.md'), 'w', encoding='utf-8') as f:
        f.write(text)
    print('\n4. Real programs on every stage (LD_PRELOAD), against the C library in the same run\n')
    print(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
