"""70-instructor, batch grading against a hostile classmate (engine_attacks.classmate_attack).

A class of four graded as stage 1 by the real grader, one at a time: ann, mal, nia and zed. ann, nia
and zed hand in the reference; mal hands in the reference plus a constructor that overwrites nia's
and ann's heapmgr.c, kills every process whose command line names zed's file (zed's grading, its
compiler), and lingers to rewrite the CSV once the batch has written it. What must hold:

  batch.classmates_rows_unaffected        ann, nia and zed get the reference's full marks
  batch.classmates_files_unchanged        their files are byte for byte what they handed in
  batch.csv_written_by_rename             the CSV is a new file renamed over the old path at the end (a
                                          hard link to the old file still holds the old text) and
                                          nothing else is left in its folder
  batch.csv_unchanged_after_the_end       3 s after the batch returned, the CSV is what it was
  batch.no_process_outlives_the_batch     nothing mal started is alive when the batch returns

check(ctx) takes the suite's context (emit, run, tail, scratch, heapkit).
"""
import csv
import os
import shutil
import time

import engine_attacks
from engines_e2e import alive, kill_recorded

REFERENCE = 'stage1_minimal/heapmgr.c'


def read_rows(text):
    return {r['student']: r for r in csv.DictReader(text.splitlines())} if text else {}


def check(ctx):
    cls = os.path.join(ctx.scratch, 'class-hostile')
    shutil.rmtree(cls, ignore_errors=True)
    for d in ('ann', 'nia'):
        os.makedirs(os.path.join(cls, d))
    ref = open(REFERENCE).read()
    victims = {'ann': os.path.join(cls, 'ann', 'heapmgr.c'), 'nia': os.path.join(cls, 'nia', 'heapmgr.c'),
               'zed': os.path.join(cls, 'zed.c')}
    for path in victims.values():
        with open(path, 'w') as f:
            f.write(ref)
    csv_dir = os.path.join(ctx.scratch, 'hostile-csv')
    shutil.rmtree(csv_dir, ignore_errors=True)
    os.makedirs(csv_dir)
    out = os.path.join(csv_dir, 'grades.csv')
    with open(out, 'w') as f:
        f.write('placeholder\n')
    kept = os.path.join(ctx.scratch, 'grades-before.csv')
    if os.path.exists(kept):
        os.remove(kept)
    os.link(out, kept)
    once, pids = os.path.join(ctx.scratch, 'batch-attack.once'), os.path.join(ctx.scratch, 'batch-attack.pids')
    for p in (once, pids):
        if os.path.exists(p):
            os.remove(p)
    forged = 'student,submission,status,total,max\nann,forged,graded,0,0\n'
    with open(os.path.join(cls, 'mal.c'), 'w') as f:
        f.write(engine_attacks.classmate_attack(ref, [victims['nia'], victims['ann']], victims['zed'], out,
                                                forged, once, pids))

    res = ctx.run([ctx.heapkit, 'grade', '--batch', cls, '--stage', '1', '--csv', out, '--jobs', '1'], timeout=600)
    returned = time.monotonic()
    live = alive(pids)
    text = open(out).read() if os.path.exists(out) else ''
    time.sleep(max(0.0, returned + 3 - time.monotonic()))
    later = open(out).read() if os.path.exists(out) else ''
    kill_recorded(pids)

    rows = read_rows(text)
    wrong = [f'{who}: {rows.get(who, {}).get("status")} {rows.get(who, {}).get("total")}/{rows.get(who, {}).get("max")} '
             f'"{rows.get(who, {}).get("reason", "")[:60]}"' for who in victims
             if not (rows.get(who, {}).get('status') == 'graded' and rows[who].get('total') == rows[who].get('max')
                     and rows[who].get('failed') == '0')]
    ctx.emit(res.returncode == 0 and 'mal' in rows and not wrong, 'batch.classmates_rows_unaffected',
             f'expected ann, nia and zed at the reference\'s full marks whatever mal does; got status '
             f'{res.returncode}, {wrong} {ctx.tail(res.stderr, 2) if not rows else ""}')
    changed = [who for who, path in victims.items() if open(path).read() != ref]
    ctx.emit(not changed, 'batch.classmates_files_unchanged',
             f'expected every classmate\'s file as handed in; changed: {changed}')
    leftovers = sorted(n for n in os.listdir(csv_dir) if n != 'grades.csv')
    ctx.emit(open(kept).read() == 'placeholder\n' and os.stat(kept).st_ino != os.stat(out).st_ino and not leftovers,
             'batch.csv_written_by_rename',
             f'expected the CSV written under a temporary name and renamed over the old one at the end; got the '
             f'old file now "{open(kept).read()[:30].strip()}", same inode {os.stat(kept).st_ino == os.stat(out).st_ino}, '
             f'leftovers {leftovers}')
    ctx.emit(text != '' and later == text, 'batch.csv_unchanged_after_the_end',
             f'expected the CSV the same 3 s after the batch returned; got {later[:60]!r}')
    ctx.emit(not live, 'batch.no_process_outlives_the_batch',
             f'expected nothing mal started alive when the batch returned; got {live}')
