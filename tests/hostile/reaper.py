#!/usr/bin/env python3
"""tests/hostile/reaper.py: one grading under a child subreaper (used by tests/suites/36-hostile).

    reaper.py CONFIG            CONFIG: JSON {argv, cwd, stdout, stderr, env, limit, settle, status_fd}

Runs argv (in a session of its own, stdin /dev/null, stdout and stderr to files) as a child of this
process, which is a child subreaper (PR_SET_CHILD_SUBREAPER): every process the grading leaves behind,
whatever session or process group it moved to, is adopted by this one when its parent dies. On
status_fd it writes two JSON lines: {"event": "exited", rc, seconds, timed_out} when the grader has
exited (or was killed at `limit` seconds), and, `settle` seconds later, {"event": "settled", leftovers,
unkillable}: the processes still alive then (pid, uid, command line), which it has then killed.
Also imported for proc_table() and cmdline().
"""
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def proc_table():
    """{pid: (ppid, state, uid)} of every process now."""
    table = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat', 'rb') as f:
                stat = f.read().decode('ascii', 'replace')
            uid = os.stat(f'/proc/{entry}').st_uid
        except OSError:
            continue
        rest = stat[stat.rfind(')') + 2:].split()
        table[int(entry)] = (int(rest[1]), rest[0], uid)
    return table


def cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read().replace(b'\0', b' ').decode('utf-8', 'replace').strip()
    except OSError:
        return ''


def descendants(root_pid):
    """Live (not zombie) descendants of root_pid, as a list of pids."""
    table = proc_table()
    children = {}
    for pid, (ppid, state, _uid) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            if table[child][1] != 'Z':
                found.append(child)
    return found


def reap_zombies():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def describe(pids):
    table = proc_table()
    return [{'pid': p, 'uid': table.get(p, (0, '?', -1))[2], 'cmdline': cmdline(p)[:200]} for p in pids]


def main(config):
    cfg = json.loads(config)
    status = os.fdopen(cfg['status_fd'], 'w')
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    with open(cfg['stdout'], 'wb') as out, open(cfg['stderr'], 'wb') as err:
        start = time.monotonic()
        env = dict(os.environ, **cfg['env'])
        proc = subprocess.Popen(cfg['argv'], cwd=cfg['cwd'], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, start_new_session=True, env=env)
        timed_out = False
        try:
            rc = proc.wait(timeout=cfg['limit'])
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.kill()
            rc = proc.wait()
    ended = time.monotonic()
    at_exit = descendants(os.getpid())
    status.write(json.dumps({'event': 'exited', 'rc': rc, 'seconds': ended - start,
                             'timed_out': timed_out, 'at_exit': len(at_exit)}) + '\n')
    status.flush()
    while time.monotonic() < ended + cfg['settle']:
        reap_zombies()
        time.sleep(0.05)
    left = descendants(os.getpid())
    leftovers = describe(left)
    deadline = time.monotonic() + 10
    while left and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
        reap_zombies()
        left = descendants(os.getpid())
    status.write(json.dumps({'event': 'settled', 'leftovers': leftovers, 'unkillable': describe(left)})
                 + '\n')
    status.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
