#!/usr/bin/env python3
"""tests/demo/present-check.py: the demo page's projector mode in headless Chromium, driven through the
DevTools protocol on a pipe (--remote-debugging-pipe), Python's standard library only.

    tests/demo/present-check.py BUILD_DIR [--update]

For each window size (1280x720, 1920x1080) it opens the six stages' page of the lecture's default
sequence in projector mode and presses keys as a presentation remote sends them (PageDown, PageUp,
Enter, Backspace; V, A, the stage digits). It checks what a room would see: the step moves forward
and back, no horizontal scroll, every chunk of the shown stage inside the window at every step (every
stage at 1280x720, stages 3 and 6 at 1920x1080), labels of at least
24 px, the change of each step highlighted, the free-list arrows, the struck-through names, the break
and Pad's pPad and pBrk, internal fragmentation shaded; and the six side by side. The layout (which
row of the wrapped heap bar each chunk lands on, at every step and stage) is compared with
tests/demo/present/geometry-WxH.txt, a deterministic stand-in for a screenshot golden; --update
rewrites those files. Screenshots go to BUILD_DIR/test-logs for a person to look at.
Prints one PASS/FAIL line per check; exit 0 when all pass.
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
SIZES = [(1280, 720), (1920, 1080)]
FAILURES = 0


def result(name, ok, why=''):
    global FAILURES
    if ok:
        print(f'PASS demo/present/{name}')
    else:
        FAILURES += 1
        print(f'FAIL demo/present/{name}: {why}')


class Browser:
    """One headless Chromium, spoken to over fds 3 (commands in) and 4 (answers out)."""

    def __init__(self, profile):
        exe = shutil.which('chromium') or shutil.which('chromium-browser')
        if exe is None:
            raise RuntimeError("chromium is not installed (Debian package 'chromium')")
        # The browser reads commands on its fd 3 and writes answers on its fd 4: the pipes' ends are
        # first moved above 10, so that putting them at 3 and 4 in the child overwrites nothing.
        def high(fd):
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return moved
        cmd_r, self.cmd_w = (high(fd) for fd in os.pipe())
        self.out_r, out_w = (high(fd) for fd in os.pipe())

        def wire():
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)
        self.proc = subprocess.Popen(
            [exe, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
             '--remote-debugging-pipe', f'--user-data-dir={profile}', 'about:blank'],
            preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(out_w)
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            msg['sessionId'] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b'\0')
        deadline = time.time() + 30
        while time.time() < deadline:
            m = self.read()
            if m.get('id') == self.next_id:
                if 'error' in m:
                    raise RuntimeError(f'{method}: {m["error"]}')
                return m.get('result', {})
            self.events.append(m)
        raise RuntimeError(f'{method}: no answer in 30 s')

    def read(self):
        while b'\0' not in self.buf:
            chunk = os.read(self.out_r, 1 << 16)
            if not chunk:
                raise RuntimeError('chromium closed the pipe')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def open(self, width, height):
        if self.session is None:
            target = self.send('Target.createTarget', {'url': 'about:blank'}, session=False)['targetId']
            self.session = self.send('Target.attachToTarget', {'targetId': target, 'flatten': True},
                                     session=False)['sessionId']
        self.send('Emulation.setDeviceMetricsOverride',
                  {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': False})

    def goto(self, url):
        self.send('Page.navigate', {'url': url})
        for _ in range(200):
            if self.js("document.readyState === 'complete' && document.body && "
                       "document.body.getAttribute('data-present-ready') === '1'"):
                return
            time.sleep(0.05)
        raise RuntimeError(f'{url} did not get ready')

    def js(self, expr):
        r = self.send('Runtime.evaluate', {'expression': expr, 'returnByValue': True})
        if 'exceptionDetails' in r:
            raise RuntimeError(f'script failed: {r["exceptionDetails"].get("text")}: {expr[:80]}')
        return r['result'].get('value')

    def key(self, name):
        codes = {'PageDown': 34, 'PageUp': 33, 'Enter': 13, 'Backspace': 8}
        if name in codes:
            ev = {'key': name, 'code': name, 'windowsVirtualKeyCode': codes[name]}
            if name == 'Enter':
                ev['text'] = '\r'
        else:
            ev = {'key': name, 'text': name, 'windowsVirtualKeyCode': ord(name.upper()),
                  'code': ('Key' + name.upper()) if name.isalpha() else ('Digit' + name)}
        # rawKeyDown: the key press the page's keydown handlers see, without waiting on a keyUp
        ev.pop('text', None)
        self.send('Input.dispatchKeyEvent', dict(ev, type='rawKeyDown'))

    def screenshot(self, path):
        data = self.send('Page.captureScreenshot', {'format': 'png'})['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send('Browser.close', session=False)
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# What a room sees of the shown stages: scroll, each chunk's box, the label size, the rows.
LOOK = r"""(function () {
  var W = window.innerWidth, H = window.innerHeight, out = {step: +document.body.getAttribute('data-step'),
    view: document.body.getAttribute('data-view'), stage: +document.body.getAttribute('data-shown-stage'),
    anim: document.body.getAttribute('data-anim'), hscroll: document.documentElement.scrollWidth > W,
    sections: 0, off: [], minFont: 999, rows: {}, changes: {}, links: {}, was: {}, marks: {}, waste: {}};
  document.querySelectorAll('section.run').forEach(function (sec) {
    if (getComputedStyle(sec).display === 'none') return;
    out.sections++;
    var st = sec.getAttribute('data-stage'), tops = [], rows = [];
    sec.querySelectorAll('.barwrap .chunk').forEach(function (c) {
      var r = c.querySelector('.box').getBoundingClientRect();
      if (r.left < -0.5 || r.right > W + 0.5 || r.top < 0 || r.bottom > H + 0.5)
        out.off.push(st + '@' + c.getAttribute('data-offset'));
      var f = parseFloat(getComputedStyle(c.querySelector('.lbl')).fontSize);
      if (f < out.minFont) out.minFont = f;
      var t = Math.round(r.top); if (tops.indexOf(t) < 0) tops.push(t);
      rows.push([c.getAttribute('data-offset'), t]);
      var ch = c.getAttribute('data-change'); if (ch) out.changes[st + '@' + c.getAttribute('data-offset')] = ch;
      var w = c.getAttribute('data-waste'); if (w) out.waste[st + '@' + c.getAttribute('data-offset')] = +w;
      var s = c.querySelector('s.was'); if (s) out.was[st + '@' + c.getAttribute('data-offset')] = s.textContent;
      ['break', 'pPad', 'pBrk'].forEach(function (m) {
        if (c.querySelector('.marks[data-mark-' + m + ']')) out.marks[st + ':' + m] = c.getAttribute('data-offset');
      });
    });
    tops.sort(function (a, b) { return a - b; });
    out.rows[st] = rows.map(function (r) { return r[0] + ':' + tops.indexOf(r[1]); }).join(' ');
    var svg = sec.querySelector('svg.links'); out.links[st] = svg ? +svg.getAttribute('data-links') : 0;
  });
  return JSON.stringify(out);
})()"""


def look(b):
    return json.loads(b.js(LOOK))


def check_size(b, width, height, page, frag_page, subs_page, geometry, logs):
    tag = f'{width}x{height}'
    t0 = time.time()
    def lap(what):
        if os.environ.get('PRESENT_TIMING'):
            print(f'  {tag} {what}: {time.time() - t0:.1f} s', file=sys.stderr)
    b.open(width, height)
    b.goto(f'file://{page}#step=1&present&stage=3&anim=off')   # geometry without the pulse's scaling
    s = look(b)
    lap('open')
    result(f'{tag}/opens-one-stage', s['view'] == 'one' and s['sections'] == 1 and s['stage'] == 3,
           f"expected projector mode on stage 3 alone, got view {s['view']}, {s['sections']} sections, stage {s['stage']}")
    # Forward with the remote's keys, on every stage; the layout of each step into the geometry.
    bad_scroll, off, small, steps_ok = [], [], 999, True
    # Every stage at the smaller size, the harder one to fit; at the larger, List and VM (chunks, and
    # mappings) keep the test short.
    for stage in ('123456' if width <= 1280 else '36'):
        b.key(stage)
        b.js("window.heapkitDemo.show(1)")
        for n in range(1, 11):
            if n > 1 and stage == '3':
                b.key('PageDown' if n % 2 else 'Enter')   # the remote's keys, on the List stage
            elif n > 1:
                b.js(f'window.heapkitDemo.show({n})')     # the other stages' layouts, quicker
            s = look(b)
            steps_ok = steps_ok and s['step'] == n and s['stage'] == int(stage)
            if s['hscroll']:
                bad_scroll.append(f'{stage}/{n}')
            off += [f'step {n}: {o}' for o in s['off']]
            small = min(small, s['minFont'])
            geometry.append(f'{tag} stage {stage} step {n}: {s["rows"].get(stage, "")}')
            if stage == '3':
                logs[n] = s
    lap('steps')
    result(f'{tag}/pagedown-enter-step-forward', steps_ok, 'PageDown/Enter (stage 3) did not move one step at a time')
    result(f'{tag}/no-horizontal-scroll', not bad_scroll, f'the page scrolls sideways at stage/step {bad_scroll[:5]}')
    result(f'{tag}/every-chunk-on-screen', not off, f'chunks outside the window: {off[:5]}')
    result(f'{tag}/labels-24px', small >= 24, f'the smallest chunk label is {small} px')
    b.key('3')
    b.key('Backspace')
    back1 = look(b)['step']
    b.key('PageUp')
    back2 = look(b)['step']
    result(f'{tag}/backspace-pageup-step-back', (back1, back2) == (9, 8),
           f'expected steps 9 then 8 after Backspace and PageUp from 10, got {back1} and {back2}')
    # What changed, stage 3 (List, lecture mode: chunks of 5, 3, 6 units; offsets in bytes).
    want = {1: ('3@0', 'alloc'), 4: ('3@80', 'freed'), 6: ('3@80', 'merged'), 7: ('3@80', 'split')}
    got = {n: logs[n]['changes'].get(want[n][0]) for n in want}
    result(f'{tag}/highlights-changes', all(got[n] == want[n][1] for n in want) and logs[7]['changes'].get('3@160') == 'alloc',
           f'expected allocated/freed/merged/split at steps 1/4/6/7, got {got} and step 7 {logs[7]["changes"]}')
    result(f'{tag}/freed-names-struck-through', logs[4]['was'].get('3@80') == 'p2' and logs[9]['was'].get('3@224') == 'p4',
           f"expected p2 struck through on its free chunk at step 4 and p4 at step 9, got {logs[4]['was']} {logs[9]['was']}")
    result(f'{tag}/free-list-arrows', logs[4]['links'].get('3') == 1 and logs[9]['links'].get('3') == 2,
           f"expected 1 arrow at step 4 and 2 at step 9, got {logs[4]['links']} {logs[9]['links']}")
    result(f'{tag}/break-marked', logs[3]['marks'].get('3:break') == '128',
           f"expected the break under the last chunk, p3's at offset 128, at step 3, got {logs[3]['marks']}")
    b.key('2')
    pad = look(b)['marks']
    result(f'{tag}/pad-marks-pPad-pBrk', '2:pPad' in pad and '2:pBrk' in pad, f'stage 2 marks: {pad}')
    b.key('a')
    anim = look(b)['anim']
    b.key('a')
    result(f'{tag}/animation-toggles', anim == 'on' and look(b)['anim'] == 'off', 'A did not turn the animation on and off')
    b.screenshot(os.path.join(logs['dir'], f'demo-present-stage2-{tag}.png'))
    lap('keys')
    # The six side by side.
    b.key('v')
    s = look(b)
    result(f'{tag}/six-side-by-side', s['view'] == 'all' and s['sections'] == 6 and not s['hscroll'] and not s['off'],
           f"expected 6 stages in the window with no sideways scroll, got view {s['view']}, {s['sections']} sections, "
           f"scroll {s['hscroll']}, off screen {s['off'][:5]}")
    b.screenshot(os.path.join(logs['dir'], f'demo-present-all-{tag}.png'))
    # The List free slide's sub-steps: the remote steps through them before the next op.
    b.goto(f'file://{subs_page}#step=6&present&anim=off')
    seen = []
    for key in ('PageDown', 'PageDown', 'PageDown', 'Backspace'):
        b.key(key)
        seen.append(b.js("document.body.getAttribute('data-step') + ':' + document.body.getAttribute('data-sub')"))
    merged = look(b)['changes'].get('3@80')
    result(f'{tag}/list-free-substeps', seen == ['7:1/3', '7:2/3', '7:3/3', '7:2/3'] and merged == 'merged',
           f"expected free(p2)'s parts 1, 2, 3 of 3 then 2 again, p2's chunk merged with the next in part 2; "
           f"got {seen}, change {merged}")
    # Internal fragmentation shaded: malloc(100) leaves 12 bytes of p1's 112-byte payload unused.
    b.goto(f'file://{frag_page}#step=1&present')
    w = look(b)['waste']
    result(f'{tag}/internal-fragmentation-shaded', w.get('3@0') == 12, f'expected 12 shaded bytes in p1, got {w}')


def main():
    if len(sys.argv) < 2:
        print('usage: present-check.py BUILD_DIR [--update]', file=sys.stderr)
        return 2
    build, update = sys.argv[1], '--update' in sys.argv[2:]
    heapkit = os.path.join(build, 'heapkit')
    work = tempfile.mkdtemp(prefix='heapkit-present.')
    logs = {'dir': os.path.join(build, 'test-logs')}
    os.makedirs(logs['dir'], exist_ok=True)
    try:
        page, frag, subs = (os.path.join(work, name) for name in ('all.html', 'frag.html', 'subs.html'))
        subprocess.run([heapkit, 'demo', '--lecture', '--present', '--stage', '3', '--sequence', 'list-free',
                        '--html', subs], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([heapkit, 'demo', '--lecture', '--present', '--html', page], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([heapkit, 'demo', '--lecture', '--present', '--stage', '3', '--sequence', 'fragmentation',
                        '--html', frag], check=True, stdout=subprocess.DEVNULL)
        try:
            b = Browser(os.path.join(work, 'profile'))
        except RuntimeError as e:
            result('browser', False, str(e))
            return 1
        for width, height in SIZES:
            geometry = []
            try:
                check_size(b, width, height, page, frag, subs, geometry, logs)
            except RuntimeError as e:
                result(f'{width}x{height}/browser', False, str(e))
            golden = os.path.join(ROOT, 'tests', 'demo', 'present', f'geometry-{width}x{height}.txt')
            text = '\n'.join(geometry) + '\n'
            if update:
                with open(golden, 'w') as f:
                    f.write(text)
            try:
                want = open(golden).read()
            except OSError:
                want = ''
            diff = [(a, g) for a, g in zip(want.splitlines(), text.splitlines()) if a != g]
            result(f'{width}x{height}/geometry-golden', want == text,
                   f'{golden}: expected "{diff[0][0] if diff else "(missing)"}", got "{diff[0][1] if diff else ""}"'
                   ' (rows of the wrapped bar; --update rewrites it)')
        b.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
