"""tests/hostile/watch.py: what a grading must leave as it was, and what no output may show.

    Kit()                         a copy of the kit's watched files (tests/traces, stage*/, common/)
                                  and its git status, taken at the start
    kit.check_and_restore(token)  the changes since, each undone at once; those naming another
                                  grading are kept for that one (kit.blame)
    Secrets(classmate_token)      /etc/passwd, a classmate's file, the kit's traces, the references
    secrets.leaks(text, allowed)  which of them text shows
    tree_state(folder), tree_diff(before, after), big_files_since(folder, t)
"""
import glob
import hashlib
import os
import re
import subprocess
import threading
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
TOKEN_PATTERN = re.compile(r'h36-[0-9a-f]{6}-[A-Za-z0-9_]+-[a-z]+(?:-[0-9]+)?')   # a grading's name
BIG_FILE = 64 << 20               # a built program bigger than this must not be left behind


def kit_watched_files():
    files = []
    for pattern in ('tests/traces/**', 'stage*/**', 'common/**'):
        files += [p for p in glob.glob(os.path.join(ROOT, pattern), recursive=True) if os.path.isfile(p)]
    return sorted(files)


def git_status():
    try:
        return subprocess.run(['git', 'status', '--porcelain', '--untracked-files=all'], cwd=ROOT,
                              capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f'(git status failed: {e})'


class Kit:
    """The kit's watched files as they were at the start, to compare with and to restore from."""

    def __init__(self):
        self.lock = threading.Lock()
        self.files = {}
        for path in kit_watched_files():
            with open(path, 'rb') as f:
                self.files[path] = f.read()
        self.status = git_status()
        self.blame = {}                                   # grading token: kit changes it signed

    def check_and_restore(self, token):
        """Changes found in the kit (each undone at once) that are token's to answer for, as
        (what, whether it names token): those that name token (a member puts @TOKEN@ in what it
        writes), and those that name no grading. One that names another grading is kept for that
        one (in self.blame)."""
        with self.lock:
            changes = []                                  # (what, the bytes written or b'')
            now = set(kit_watched_files())
            for path in sorted(now - set(self.files)):
                changes.append((f'{os.path.relpath(path, ROOT)} added', read_bytes(path)))
                try:
                    os.unlink(path)
                except OSError:
                    pass
            for path, data in self.files.items():
                now_data = read_bytes(path)
                if now_data != data:
                    changes.append((f'{os.path.relpath(path, ROOT)} changed', now_data))
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, 'wb') as f:
                        f.write(data)
            status = git_status()                     # after the restore: what is still different
            if status != self.status:
                before, after = set(self.status.splitlines()), set(status.splitlines())
                changes += [(f'git status shows {line.strip()!r}', b'') for line in sorted(after - before)]
                changes += [(f'git status no longer shows {line.strip()!r}', b'')
                            for line in sorted(before - after)]
                self.status = status                      # reported once, not to every later grading
            mine = self.blame.pop(token, [])              # (what, whether it names token)
            for what, data in changes:
                signed = TOKEN_PATTERN.search(data.decode('utf-8', 'replace'))
                if signed and signed.group(0) != token:
                    self.blame.setdefault(signed.group(0), []).append((what, True))
                else:
                    mine.append((what, signed is not None))
            return mine


def read_bytes(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return b''


# ==== secrets: what no output may show ======================================================================

def output_lines(text):
    """The lines of an output, split on real and JSON-escaped newlines, with the prefixes reports put
    before captured output (indentation, '|', '#', line numbers) taken off."""
    lines = set()
    for chunk in text.split('\n'):
        for piece in chunk.split('\\n'):
            piece = piece.lstrip(' \t|#>0123456789').rstrip()
            if piece:
                lines.add(piece)
    return lines


class Secrets:
    def __init__(self, classmate_token):
        self.tokens = {classmate_token: "a classmate's heapmgr.c"}
        try:
            with open('/etc/passwd', encoding='utf-8', errors='replace') as f:
                first = f.readline().strip()
            if len(first) >= 8:
                self.tokens[first] = '/etc/passwd'
        except OSError:
            pass
        self.sets = []                     # (what, set of lines, how many must show to count as a leak)
        trace_lines = set()
        for path in glob.glob(os.path.join(ROOT, 'tests', 'traces', '*.rep')):
            with open(path, encoding='utf-8', errors='replace') as f:
                trace_lines |= {ln.strip() for ln in f if len(ln.strip()) >= 6 and not ln.strip().isdigit()}
        self.sets.append(('the kit\'s traces (tests/traces)', trace_lines, 20))
        ref_lines = set()
        for path in glob.glob(os.path.join(ROOT, 'stage*', 'heapmgr.c')):
            with open(path, encoding='utf-8', errors='replace') as f:
                ref_lines |= {ln.strip() for ln in f if len(ln.strip()) >= 24}
        self.sets.append(('the reference stages (stage*/heapmgr.c)', ref_lines, 5))

    def leaks(self, text, allowed_lines):
        found = [what for token, what in self.tokens.items() if token in text]
        lines = output_lines(text) - allowed_lines
        for what, secret, threshold in self.sets:
            shown = lines & secret
            if len(shown) >= threshold:
                found.append(f'{what}: {len(shown)} of their lines, e.g. {sorted(shown)[0][:60]!r}')
        return found


def tree_state(top):
    state = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, top)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, 'rb') as f:
                    state[rel] = hashlib.sha256(f.read()).hexdigest()
            else:
                state[rel] = 'dir' if os.path.isdir(path) else 'other'
    return state


def tree_diff(before, after):
    out = [f'{k} added' for k in after if k not in before]
    out += [f'{k} removed' for k in before if k not in after]
    out += [f'{k} changed' for k in before if k in after and before[k] != after[k]]
    return ', '.join(sorted(out)[:4])


def big_files_since(top, since_monotonic):
    """Files over BIG_FILE bytes under top changed since the given monotonic time."""
    since = time.time() - (time.monotonic() - since_monotonic) - 1
    found = []
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if st.st_size > BIG_FILE and st.st_mtime >= since:
                found.append((path, st.st_size))
    return found
