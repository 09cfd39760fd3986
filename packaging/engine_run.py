"""engine_run.py: the plumbing an engine's front end shares: the submission copied somewhere private, the
grader run with a time limit and nothing of it left behind, and a results file written whole.

Used by packaging/gradescope/gradescope_results.py and packaging/autolab/autolab_grade.py (the checks
of what the grader wrote are in validate_results.py). Standard library only.

  private_folder     a fresh folder only its owner can enter (root's, on an engine)
  copy_submission    one regular file, at most SUBMISSION_CAP bytes, copied without following a link
  run_grader         the grader in a session of its own, stdout and stderr to files, killed whole at
                     its time limit and swept after it ends
  kill_runner_uids   SIGKILL to every process of the runners' unprivileged uids (as root only)
  read_capped        at most cap bytes of a file the grader wrote
  write_atomically   a temporary name in the same folder, then renamed over the path
"""
import errno
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

SUBMISSION_CAP = 4 << 20            # bytes: a heapmgr.c is tens of kilobytes
REPORT_CAP = 32 << 20               # bytes of a report read back (a stage's is about 1.5 MB at most)
MESSAGES_CAP = 64 << 10             # bytes of the grader's stderr kept (the compiler's messages)
# The runners' uids when the grader runs as root: harness/confine/confine.h, CONFINE_UID_BASE and
# CONFINE_SLOTS (one more slot for the build). tools/package reads them from there into the assignment.
DEFAULT_RUNNER_UIDS = (61000, 61128)


class SubmissionError(Exception):
    """The submitted file cannot be taken (a link, not a regular file, too big, unreadable)."""


def private_folder(prefix):
    """A new folder, mode 0700: the grader's runners and builds (other uids) cannot enter it."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o700)
    return path


def copy_submission(src, folder, name='heapmgr.c'):
    """src copied into folder as name, mode 0600. The last component is opened without following a
    link, so a submission cannot be a link to the kit's source, a hidden trace or another student's
    file; the copy is all the build will see."""
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise SubmissionError(f'{os.path.basename(src)} is a symbolic link; upload the file itself') from None
        raise SubmissionError(f'{os.path.basename(src)} cannot be read: {e.strerror}') from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f'{os.path.basename(src)} is not a regular file')
        if info.st_size > SUBMISSION_CAP:
            raise SubmissionError(f'{os.path.basename(src)} is {info.st_size} bytes; at most {SUBMISSION_CAP} '
                                  f'are accepted')
        data = os.read(fd, SUBMISSION_CAP + 1)
    finally:
        os.close(fd)
    dest = os.path.join(folder, name)
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(out, 'wb') as f:
        f.write(data[:SUBMISSION_CAP])
    return dest


def read_capped(path, cap):
    """(text, truncated) of the first cap bytes of path, decoded with replacement; ('', False) when
    the file is missing."""
    try:
        with open(path, 'rb') as f:
            data = f.read(cap + 1)
    except FileNotFoundError:
        return '', False
    return data[:cap].decode('utf-8', 'replace'), len(data) > cap


class Ending:
    """How one run of the grader ended."""

    def __init__(self, status, timed_out, seconds, stdout, stderr):
        self.status, self.timed_out, self.seconds = status, timed_out, seconds
        self.stdout, self.stderr = stdout, stderr

    def describe(self):
        if self.timed_out:
            return 'did not finish in time'
        if self.status < 0:
            name = signal.Signals(-self.status).name if -self.status in signal.valid_signals() else ''
            return f'was killed by signal {-self.status} {name}'.rstrip()
        return f'ended with status {self.status}'


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def grader_env(tmp):
    """The grader's environment: a path to find the compiler, a private TMPDIR, HEAPKIT_PERF when it
    is on or off (the grade's perf group, docs/grading.md: the package's list of tests was made with
    the same setting), and nothing else the engine happened to set (HEAPKIT_CC, LD_PRELOAD ... would
    change how a submission is built)."""
    env = {'PATH': os.environ.get('PATH', '/usr/local/bin:/usr/bin:/bin'), 'LC_ALL': 'C', 'TMPDIR': tmp,
           'HOME': tmp}
    if os.environ.get('HEAPKIT_PERF') in ('on', 'off'):
        env['HEAPKIT_PERF'] = os.environ['HEAPKIT_PERF']
    return env


def run_grader(cmd, cwd, timeout, folder):
    """Runs the grader; its stdout and stderr go to files in folder (private), read back capped. Its
    session is killed whole at the time limit, and swept again once it has ended, so no process it
    started outlives it in its session."""
    out_path, err_path = os.path.join(folder, 'grader.stdout'), os.path.join(folder, 'grader.stderr')
    started = time.monotonic()
    with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True, close_fds=True, env=grader_env(folder))
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        proc.wait()
    _kill_group(proc.pid)
    seconds = time.monotonic() - started
    stdout, _ = read_capped(out_path, MESSAGES_CAP)
    stderr, cut = read_capped(err_path, MESSAGES_CAP)
    if cut:
        stderr += f'\n... (more than {MESSAGES_CAP} bytes: the rest is not shown)'
    return Ending(proc.returncode, timed_out, seconds, stdout, stderr)


def _uids_of(pid):
    """The real and effective uid of a process, from /proc (None when it is gone)."""
    try:
        with open(f'/proc/{pid}/status', encoding='ascii', errors='replace') as f:
            for line in f:
                if line.startswith('Uid:'):
                    fields = line.split()
                    return int(fields[1]), int(fields[2])
    except (OSError, ValueError, IndexError):
        pass
    return None


def kill_runner_uids(uid_range=DEFAULT_RUNNER_UIDS):
    """SIGKILL to every process whose real or effective uid lies in uid_range (inclusive), first with
    pkill -KILL -u, then by a walk of /proc for what pkill missed or when it is absent. Only as root
    and never for uid 0 (otherwise the range would be this very process's own uid). Returns how many
    processes the walk still found."""
    lo, hi = uid_range
    if os.geteuid() != 0 or lo <= 0 or hi < lo:
        return 0
    if shutil.which('pkill'):
        subprocess.run(['pkill', '-KILL', '-u', ','.join(str(u) for u in range(lo, hi + 1))],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = 0
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        uids = _uids_of(int(name))
        if uids and any(lo <= u <= hi for u in uids):
            found += 1
            try:
                os.kill(int(name), signal.SIGKILL)
            except ProcessLookupError:
                pass
    return found


def write_atomically(path, text, mode=0o644):
    """text written to a temporary name in path's folder, flushed to disk, then renamed over path:
    whoever reads path sees the old file or the whole new one, never a half-written one."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', dir=folder)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def runner_uid_range(assignment, override=None):
    """The uid range to sweep: an override "LO-HI" (the engine script's variable), else the one the
    package recorded from confine.h, else DEFAULT_RUNNER_UIDS."""
    for text in (override, assignment.get('runner_uids') if isinstance(assignment, dict) else None):
        if isinstance(text, str) and '-' in text:
            lo, _, hi = text.partition('-')
            if lo.strip().isdigit() and hi.strip().isdigit():
                return int(lo), int(hi)
        if isinstance(text, list) and len(text) == 2 and all(isinstance(u, int) for u in text):
            return text[0], text[1]
    return DEFAULT_RUNNER_UIDS
