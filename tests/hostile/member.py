"""tests/hostile/member.py: a member of the hostile zoo, read from its header and assembled.

A member (tests/hostile/MEMBER.c, format in tests/hostile/README.md) opens with a comment of
`KEY: value` lines and holds its trick between `/* TRICK BEGIN */` and `/* TRICK END */` lines.
    Member(path)                  the header, checked (MemberError says what is wrong)
    member.assemble(subst)        the C text graded: the base (a reference or a zoo member), the
                                  renames and wrappers WRAP and RENAME ask for, the LIB helpers, the
                                  member's code; @NAME@ replaced from subst
    strip_tricks(text)            the baseline: text without its trick blocks
    baseline_key(member)          equal keys, equal baseline programs
    table()                       the members' table of tests/hostile/README.md
"""
import glob
import hashlib
import os
import re
import sys

HOSTILE_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HOSTILE_DIR, '..', '..'))
FORMATS = ('text', 'json', 'tap', 'gradescope', 'autolab')
KNOWN_KEYS = ('TRICK', 'STAGE', 'BASE', 'WRAP', 'RENAME', 'LIB', 'EXPECT', 'AFFECTS', 'FORMATS', 'ALONE',
              'LIMIT', 'ENV', 'STOPPED BY')
EXPECTS = ('baseline', 'zero', 'below-baseline', 'build-refused')
CONTRACT = ('malloc', 'free', 'realloc', 'check')
BEGIN, END = '/* TRICK BEGIN */', '/* TRICK END */'


class MemberError(Exception):
    pass


class Member:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-2]
        with open(path, encoding='utf-8') as f:
            self.text = f.read()
        self.fields = parse_header(self.text, self.name)
        try:
            self.stage = int(self.fields['STAGE'])
        except (KeyError, ValueError):
            raise MemberError('its header has no STAGE: n line') from None
        if not 1 <= self.stage <= 6:
            raise MemberError(f'STAGE {self.stage} is not a stage (1-6)')
        expect = self.fields.get('EXPECT', '').split()
        if not expect or expect[0] not in EXPECTS:
            raise MemberError(f'EXPECT must be one of {", ".join(EXPECTS)}, got {" ".join(expect)!r}')
        self.expect = expect[0]
        if 'TRICK' not in self.fields:
            raise MemberError('its header has no TRICK: line')
        self.base = self.fields.get('BASE', '').strip() or None
        self.wrap = self.fields.get('WRAP', '').split()
        self.rename = self.fields.get('RENAME', '').split()
        for f in self.wrap + self.rename:
            if f not in CONTRACT:
                raise MemberError(f'WRAP/RENAME names {f}, not one of {", ".join(CONTRACT)}')
        if (self.wrap or self.rename) and not self.base:
            raise MemberError('WRAP and RENAME need a BASE')
        self.libs = self.fields.get('LIB', '').split()
        self.affects = self.fields.get('AFFECTS', '').split()
        if self.affects and self.expect != 'below-baseline':
            raise MemberError('AFFECTS goes with EXPECT: below-baseline only')
        self.formats = self.fields.get('FORMATS', '').split() or list(FORMATS)
        for f in self.formats:
            if f not in FORMATS:
                raise MemberError(f'FORMATS names {f}, not one of {", ".join(FORMATS)}')
        if BEGIN not in self.text or END not in self.text:
            raise MemberError(f'it holds no trick block ({BEGIN} ... {END})')
        self.base_is_reference = self.base is not None and not self.base.startswith('zoo:')
        self.alone = bool(self.fields.get('ALONE', '').strip())
        self.env = {}
        for pair in self.fields.get('ENV', '').split():
            name, eq, value = pair.partition('=')
            if not eq or not re.fullmatch(r'HEAPKIT_[A-Z_]+', name):
                raise MemberError(f'ENV takes HEAPKIT_NAME=VALUE pairs, got {pair!r}')
            self.env[name] = value
        try:
            self.limit = float(self.fields['LIMIT'].split()[0]) if 'LIMIT' in self.fields else None
        except ValueError:
            raise MemberError(f'LIMIT must be a number of seconds, got {self.fields["LIMIT"]!r}') from None

    def base_text(self):
        if self.base is None:
            return ''
        sys.dont_write_bytecode = True
        sys.path.insert(0, os.path.join(ROOT, 'tests', 'zoo'))
        import apply as zoo                                       # tests/zoo/apply.py
        if self.base.startswith('zoo:'):
            path = os.path.join(ROOT, 'tests', 'zoo', self.base[4:] + '.zoo')
            try:
                zoo_member, text = zoo.generate(path)
            except (zoo.ZooError, OSError) as e:
                raise MemberError(f'its base {self.base} does not apply: {e}') from None
            if zoo_member.stage != self.stage:
                raise MemberError(f'its base {self.base} is a stage {zoo_member.stage} member')
            return text
        if zoo.STAGE_FOLDERS.get(self.stage) != self.base:
            raise MemberError(f'BASE {self.base} is not stage {self.stage}\'s folder '
                              f'({zoo.STAGE_FOLDERS.get(self.stage)}) nor zoo:MEMBER')
        with open(os.path.join(ROOT, self.base, 'heapmgr.c'), encoding='utf-8') as f:
            return f.read()

    def assemble(self, subst):
        """The member's C text, with @NAME@ placeholders replaced from subst."""
        end = self.text.index('*/') + 2
        header, body = self.text[:end], self.text[end:]
        parts = [header, '\n#ifndef _DEFAULT_SOURCE\n#define _DEFAULT_SOURCE 1\n#endif\n']
        renamed = self.wrap + self.rename
        if self.base:
            parts += [f'#define heapmgr_{f} hostile_base_{f}\n' for f in renamed]
            parts.append(self.base_text())
            parts += [f'#undef heapmgr_{f}\n' for f in renamed]
        for lib in self.libs:
            try:
                with open(os.path.join(HOSTILE_DIR, 'lib', lib + '.c'), encoding='utf-8') as f:
                    parts.append(f'\n{BEGIN}\n{f.read()}{END}\n')
            except OSError as e:
                raise MemberError(f'its LIB {lib} cannot be read: {e.strerror}') from None
        parts.append(body)
        if self.wrap:
            parts.append(wrappers(self.wrap))
        text = ''.join(parts)
        for key, value in subst.items():
            text = text.replace(f'@{key}@', value)
        return text


def parse_header(text, name):
    start, end = text.find('/*'), text.find('*/')
    if start != 0 or end < 0:
        raise MemberError('the file must open with its header comment (/* TRICK: ... */)')
    fields, key = {}, None
    for raw in text[2:end].splitlines():
        line = raw.strip()
        if line.startswith('*'):
            line = line[1:].strip()
        m = re.match(r'([A-Z][A-Z ]*[A-Z]):\s*(.*)$', line)
        if m and m.group(1) in KNOWN_KEYS:
            key = m.group(1)
            if key in fields:
                raise MemberError(f'its header has two {key}: lines')
            fields[key] = m.group(2)
        elif key is not None and line:
            fields[key] += ' ' + line
        elif not line:
            key = None
    return fields


def wrappers(names):
    """The contract functions named, each calling the member's HOSTILE_HOOK first (a no-op in the
    baseline, where the trick block defining it is gone) and then the base's own."""
    code = {
        'malloc': 'void *heapmgr_malloc(size_t req_bytes)\n{\n    HOSTILE_HOOK("malloc");\n'
                  '    return hostile_base_malloc(req_bytes);\n}\n',
        'free': 'void heapmgr_free(void *mem)\n{\n    HOSTILE_HOOK("free");\n    hostile_base_free(mem);\n}\n',
        'realloc': 'void *heapmgr_realloc(void *mem, size_t req_bytes)\n{\n    HOSTILE_HOOK("realloc");\n'
                   '    return hostile_base_realloc(mem, req_bytes);\n}\n',
        'check': 'int heapmgr_check(void)\n{\n    HOSTILE_HOOK("check");\n    return hostile_base_check();\n}\n',
    }
    return ('\n/* The contract, through the trick\'s hook (assembled by tests/suites/36-hostile). */\n'
            '#ifndef HOSTILE_HOOK\n#define HOSTILE_HOOK(call) ((void)0)\n#endif\n\n'
            + '\n'.join(code[n] for n in names))


def strip_tricks(text):
    """The text with every trick block (its BEGIN and END lines included) deleted."""
    out, inside = [], False
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        mark = line.strip()
        if mark == BEGIN:
            if inside:
                raise MemberError(f'line {number}: a trick block opens inside another')
            inside = True
        elif mark == END:
            if not inside:
                raise MemberError(f'line {number}: a trick block ends that never began')
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MemberError('a trick block never ends')
    return ''.join(out)


def baseline_key(m):
    """The baseline's C code without its opening comment, blanks folded: equal keys, equal programs."""
    text = strip_tricks(m.assemble({}))
    return hashlib.sha256(' '.join(text[text.index('*/') + 2:].split()).encode()).hexdigest()


def members(names=None):
    """(members, [(name, why) of the files that are not members], number of files)."""
    paths = sorted(glob.glob(os.path.join(HOSTILE_DIR, '*.c')))
    found, broken = [], []
    for path in paths:
        name = os.path.basename(path)[:-2]
        if names and name not in names:
            continue
        try:
            m = Member(path)
            strip_tricks(m.assemble({}))
            found.append(m)
        except (MemberError, OSError) as e:
            broken.append((name, str(e)))
    return found, broken, len(paths)


def table():
    """The members' table of tests/hostile/README.md, from their headers."""
    def cell(text):
        return ' '.join(text.split()).replace('|', '\\|')
    rows = ['| member | stage, allocator | the trick | EXPECT | what stops it |', '| --- | --- | --- | --- | --- |']
    for m in members()[0]:
        expect = m.expect + (f' ({" ".join(m.affects)})' if m.affects else '')
        rows.append(f'| [{m.name}]({m.name}.c) | {m.stage}, {m.base or "its own"} | {cell(m.fields["TRICK"])} | '
                    f'{expect} | {cell(m.fields.get("STOPPED BY", ""))} |')
    return '\n'.join(rows) + '\n'
