#!/usr/bin/env python3
"""tests/zoo/apply.py: turns a zoo member (one small edit of a reference stage) into a C file.

    python3 tests/zoo/apply.py tests/zoo/stage4_stale_footer.zoo > /tmp/stale.c
    python3 tests/zoo/apply.py tests/zoo/stage4_stale_footer.zoo -o /tmp/stale.c
    python3 tests/zoo/apply.py --check                 every member still applies (exit 1 if not)
    python3 tests/zoo/apply.py --all build/zoo         write every member to build/zoo/<member>.c
    python3 tests/zoo/apply.py --table                 the members' table for tests/zoo/README.md

then `make grade STAGE=4 SRC=/tmp/stale.c` grades it the way tests/suites/35-zoo does.

A member (tests/zoo/<stageN>_<what>.zoo) is a header followed by the output of `diff -u` against
its stage's reference heapmgr.c (format: tests/zoo/README.md):

    BUG: coalescing with the next chunk writes the merged size into the header but not
         into the footer: a stale footer.
    STAGE: 4
    EXPECT: lecture.status_bits_and_footers

    --- stage4_dlist/heapmgr.c
    +++ stage4_dlist/heapmgr.c
    @@ -109,7 +109,7 @@ static chunk_t *coalesce(chunk_t *c)
         ... context ...
    -        chunk_merge_with_next(c);
    +        chunk_set_header(c, chunk_size(c) + chunk_size(next), false);    /* ZOO BUG: ... */

Each hunk (a "block") is applied to the CURRENT reference by exact text: its context and removed
lines must occur in the reference exactly once, in that order. The line numbers of the @@ line only
say where the edit was when it was written; they are never used to place it. A block whose text is
missing or found twice is an error naming the block, so a reference that changed under a member
shows up as that member failing, never as a member that silently tests something else.
"""
import argparse
import glob
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
ZOO_DIR = os.path.join(ROOT, 'tests', 'zoo')
STAGE_FOLDERS = {1: 'stage1_minimal', 2: 'stage2_pad', 3: 'stage3_list',
                 4: 'stage4_dlist', 5: 'stage5_bins', 6: 'stage6_mmap'}
KEYS = ('BUG', 'STAGE', 'EXPECT', 'TIMEOUT')
MARKER = 'ZOO BUG'


class ZooError(Exception):
    """A member that cannot be read or no longer applies; str(e) says which part and why."""


class Block:
    """One hunk: where it was written (its @@ line) and its lines as (kind, text), kind in ' -+'."""

    def __init__(self, number, at_line, lines):
        self.number = number
        self.at_line = at_line
        self.lines = lines

    def old(self):
        return [text for kind, text in self.lines if kind in ' -']

    def new(self):
        return [text for kind, text in self.lines if kind in ' +']

    def name(self):
        return f'block {self.number} ({self.at_line})'


class Member:
    """A parsed .zoo file."""

    def __init__(self, path, name, stage, expect, bug, timeout, header, blocks):
        self.path = path
        self.name = name
        self.stage = stage
        self.expect = expect            # list of EXPECT tokens
        self.bug = bug                  # the BUG sentence, on one line
        self.timeout = timeout          # the TIMEOUT seconds as a string, or None
        self.header = header            # the header's lines, as written
        self.blocks = blocks

    def reference(self):
        """The reference file this member edits, relative to the kit's root."""
        return f'{STAGE_FOLDERS[self.stage]}/heapmgr.c'


# ---- reading a member ----------------------------------------------------------------------------------

def parse_header(lines):
    """Returns {key: text} from the header lines: a key line starts a field, indented lines continue
    it, a blank line ends it; any other line is a note that belongs to no field."""
    fields, key = {}, None
    for line in lines:
        km = re.match(r'(%s):\s*(.*)' % '|'.join(KEYS), line)
        if km:
            key = km.group(1)
            if key in fields:
                raise ZooError(f'the header has two {key}: lines')
            fields[key] = km.group(2).strip()
        elif key is not None and line[:1] in (' ', '\t') and line.strip():
            fields[key] += ' ' + line.strip()
        else:
            key = None
    for k in ('BUG', 'STAGE', 'EXPECT'):
        if not fields.get(k, '').strip():
            raise ZooError(f'its header has no {k}: line')
    if not re.fullmatch(r'[0-9]+', fields['STAGE']) or int(fields['STAGE']) not in STAGE_FOLDERS:
        numbers = sorted(STAGE_FOLDERS)
        raise ZooError(f'STAGE: {fields["STAGE"]!r} is not a stage number {numbers[0]}-{numbers[-1]}')
    if 'TIMEOUT' in fields and not re.match(r'\d+(\.\d+)?(\s|$)', fields['TIMEOUT']):
        raise ZooError(f'TIMEOUT: {fields["TIMEOUT"]!r} does not start with seconds')
    return fields


def parse_blocks(lines, first_line_number):
    """Returns [Block] from the lines after the '--- ' and '+++ ' lines."""
    blocks, current = [], None
    for i, raw in enumerate(lines):
        where = f'line {first_line_number + i}'
        if raw.startswith('@@'):
            if not re.match(r'@@ -\d+(,\d+)? \+\d+(,\d+)? @@', raw):
                raise ZooError(f'{where}: {raw!r} is not a hunk line like "@@ -104,7 +104,7 @@"')
            current = Block(len(blocks) + 1, raw, [])
            blocks.append(current)
        elif current is None:
            if raw.strip():
                raise ZooError(f'{where}: {raw!r} comes before the first @@ line')
        elif raw.startswith('--- ') and i + 1 < len(lines) and lines[i + 1].startswith('+++ '):
            raise ZooError(f'{where}: a second file; a member edits only its stage\'s heapmgr.c')
        elif raw.startswith('\\'):
            continue                                    # "\ No newline at end of file"
        elif raw == '':
            current.lines.append((' ', ''))             # an editor dropped a blank context line's space
        elif raw[0] in ' -+':
            current.lines.append((raw[0], raw[1:]))
        else:
            raise ZooError(f'{where}: {raw!r} is neither context (" "), removed ("-") nor added ("+")')
    for block in blocks:
        while block.lines and block.lines[-1] == (' ', ''):
            block.lines.pop()                           # blank lines between blocks or at the end
        if not block.old():
            raise ZooError(f'{block.name()} has no context or removed line to say where it goes')
        if not any(kind in '-+' for kind, _ in block.lines):
            raise ZooError(f'{block.name()} changes nothing')
    if not blocks:
        raise ZooError('it holds no @@ block: no edit')
    return blocks


def parse_member(path):
    """Reads a .zoo file; raises ZooError when it is malformed."""
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ZooError(f'cannot read {path}: {e.strerror}') from None
    start = next((i for i in range(len(lines) - 1)
                  if lines[i].startswith('--- ') and lines[i + 1].startswith('+++ ')), None)
    if start is None:
        raise ZooError('it has no "--- stageN_x/heapmgr.c" and "+++ ..." lines (the output of diff -u)')
    header = lines[:start]
    while header and not header[-1].strip():
        header.pop()
    fields = parse_header(header)
    stage = int(fields['STAGE'])
    for line in header:
        if '*/' in line:
            raise ZooError('its header holds "*/", which would end the generated file\'s comment')
    member = Member(path, name, stage, fields['EXPECT'].split(), fields['BUG'],
                    fields['TIMEOUT'].split()[0] if 'TIMEOUT' in fields else None, header,
                    parse_blocks(lines[start + 2:], start + 3))
    named = lines[start][4:].split('\t')[0].strip()
    if not (named == member.reference() or named.endswith('/' + member.reference())):
        raise ZooError(f'its "--- " line names {named}, but STAGE: {stage} is {member.reference()}')
    if not any(kind == '+' and MARKER in text for b in member.blocks for kind, text in b.lines):
        raise ZooError(f'no added line is marked "{MARKER}" (a comment at the changed code)')
    return member


# ---- applying it ---------------------------------------------------------------------------------------

def find_all(haystack, needle):
    """Start indexes of every occurrence of the line list needle in haystack."""
    first, n = needle[0], len(needle)
    return [i for i in range(len(haystack) - n + 1)
            if haystack[i] == first and haystack[i:i + n] == needle]


def why_missing(ref_lines, block):
    """Which of the block's lines is not in the reference, for the error message."""
    present = set(ref_lines)
    for number, (kind, text) in enumerate(block.lines, 1):
        if kind in ' -' and text not in present:
            what = 'context' if kind == ' ' else 'removed'
            return f'its {what} line {number}, {text!r}, is not in the file'
    return 'its lines are all in the file, but not together in this order'


def apply_member(member, ref_text):
    """The reference text with every block of member applied; raises ZooError naming the block that
    no longer applies."""
    ref_lines = ref_text.splitlines()
    placed = []                                         # (start, block)
    for block in member.blocks:
        old = block.old()
        at = find_all(ref_lines, old)
        if not at:
            raise ZooError(f'its edit no longer applies to {member.reference()}: {block.name()}: '
                           + why_missing(ref_lines, block))
        if len(at) > 1:
            raise ZooError(f'its edit no longer applies to {member.reference()}: {block.name()}: '
                           f'its text is found {len(at)} times (lines '
                           + ', '.join(str(i + 1) for i in at[:5])
                           + '); add context lines until it is found once')
        placed.append((at[0], block))
    placed.sort(key=lambda p: p[0])
    for (a, first), (b, _second) in zip(placed, placed[1:]):
        if a + len(first.old()) > b:
            raise ZooError(f'its edit no longer applies to {member.reference()}: {first.name()} '
                           'overlaps the block after it')
    out = list(ref_lines)
    for start, block in reversed(placed):
        out[start:start + len(block.old())] = block.new()
    return '\n'.join(out) + '\n'


def opening_comment(member):
    """The generated file's first comment: the member's header, and where the file comes from."""
    rel = os.path.relpath(member.path, ROOT) if os.path.isabs(member.path) else member.path
    lines = member.header + [
        '',
        f'A member of the grader\'s zoo, generated from {rel} (tests/zoo/README.md):',
        f'the current {member.reference()} with exactly this one bug, marked "{MARKER}" below.',
        'tests/suites/35-zoo asserts the grader catches it. Edit the .zoo file, not this one.']
    out = []
    for i, line in enumerate(lines):
        lead = '/* ' if i == 0 else ' * '
        out.append((lead + line).rstrip() if line.strip() else lead.rstrip())
    out.append(' */')
    return '\n'.join(out) + '\n'


def generate(path, root=ROOT):
    """Returns (member, the member's C file as text); raises ZooError."""
    member = parse_member(path)
    ref_path = os.path.join(root, member.reference())
    try:
        with open(ref_path, encoding='utf-8') as f:
            ref_text = f.read()
    except OSError as e:
        raise ZooError(f'cannot read {member.reference()}: {e.strerror}') from None
    return member, opening_comment(member) + apply_member(member, ref_text)


def members(zoo_dir=ZOO_DIR):
    """Every member's path, sorted."""
    return sorted(glob.glob(os.path.join(zoo_dir, '*.zoo')))


def write(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


LECTURE_NAMES = {1: 'Minimal', 2: 'Pad', 3: 'List', 4: 'Doubly linked list', 5: 'Bins', 6: 'VM'}


def table(paths):
    """The members' table of tests/zoo/README.md, in Markdown, from their headers."""
    by_stage = {}
    for path in paths:
        member = parse_member(path)
        by_stage.setdefault(member.stage, []).append(member)
    out = []
    for stage in sorted(by_stage):
        out += [f'### Stage {stage}: {STAGE_FOLDERS[stage]} ({LECTURE_NAMES[stage]})', '',
                '| member | the bug | must fail |', '| --- | --- | --- |']
        for m in by_stage[stage]:
            base = os.path.basename(m.path)
            out.append(f'| [{m.name}]({base}) | {m.bug} | '
                       + ' '.join(f'`{token}`' for token in m.expect) + ' |')
        out.append('')
    return '\n'.join(out)


def main(argv):
    ap = argparse.ArgumentParser(description='Generate a zoo member\'s C file from its .zoo edit.')
    ap.add_argument('member', nargs='*', help='.zoo files (default for --check and --all: every member)')
    ap.add_argument('-o', '--out', help='write the C file here instead of to stdout (one member)')
    ap.add_argument('--all', metavar='DIR', help='write each member to DIR/<member>.c')
    ap.add_argument('--check', action='store_true', help='only check that every member applies')
    ap.add_argument('--table', action='store_true', help='print the members\' table for README.md')
    args = ap.parse_args(argv)
    if args.table:
        try:
            sys.stdout.write(table(args.member or members()))
        except ZooError as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    if not args.member and not (args.check or args.all):
        ap.error('name a .zoo file, or use --check, --all or --table')
    if args.out and (len(args.member) != 1 or args.all or args.check):
        ap.error('-o takes exactly one member')
    paths = args.member or members()
    status = 0
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            member, text = generate(path)
        except ZooError as e:
            print(f'{name}: {e}', file=sys.stderr)
            status = 1
            continue
        if args.all:
            write(os.path.join(args.all, name + '.c'), text)
        elif args.out:
            write(args.out, text)
        elif not args.check:
            sys.stdout.write(text)
        if args.check or args.all:
            print(f'{name}: applies to {member.reference()} ({len(member.blocks)} block'
                  f'{"s" if len(member.blocks) != 1 else ""})')
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
