#!/usr/bin/env python3
"""coverage_report.py: gcovr's JSON (gcovr --json) as the table and the list make coverage prints.

    python3 tools/coverage_report.py COVERAGE.json OUT_DIR [--lines 95] [--branches 85]

Writes OUT_DIR/targets.txt (per source: lines and branches covered, against the kit's targets) and
OUT_DIR/uncovered.txt (every line no test reached, and every line with a branch no test took, with
its source text), and prints the table. The targets are those of docs/instructors.md: the grader
should reach at least 95% of the lines and 85% of the branches of every reference stage.
"""
import argparse
import json
import os
import sys


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument('json_path')
    ap.add_argument('out_dir')
    ap.add_argument('--lines', type=float, default=95.0)
    ap.add_argument('--branches', type=float, default=85.0)
    args = ap.parse_args(argv)
    with open(args.json_path, encoding='utf-8') as f:
        data = json.load(f)
    root = data.get('root', '.')
    table, listing = [], []
    for entry in sorted(data['files'], key=lambda e: e['file']):
        path = entry['file']
        src_path = path if os.path.isabs(path) else os.path.join(root, path)
        try:
            with open(src_path, encoding='utf-8', errors='replace') as f:
                source = f.read().split('\n')
        except OSError:
            source = []
        code = [l for l in entry['lines'] if not l.get('gcovr/noncode') and not l.get('gcovr/excluded')]
        lines_total = len(code)
        lines_hit = sum(1 for l in code if l['count'] > 0)
        branches = [b for l in code for b in l['branches']]
        br_total = len(branches)
        br_hit = sum(1 for b in branches if b['count'] > 0)
        line_pct = 100.0 * lines_hit / lines_total if lines_total else 100.0
        br_pct = 100.0 * br_hit / br_total if br_total else 100.0
        met = line_pct >= args.lines and br_pct >= args.branches
        table.append(f'{path:<32} lines {lines_hit:4d}/{lines_total:<4d} {line_pct:5.1f}%   '
                     f'branches {br_hit:4d}/{br_total:<4d} {br_pct:5.1f}%   '
                     f'{"meets" if met else "BELOW"} the targets ({args.lines:g}% / {args.branches:g}%)')
        for l in code:
            n = l['line_number']
            text = source[n - 1].strip() if 0 < n <= len(source) else ''
            missed = sum(1 for b in l['branches'] if b['count'] == 0)
            if l['count'] == 0:
                listing.append(f'{path}:{n}: never run: {text}')
            elif missed:
                listing.append(f'{path}:{n}: {missed} of {len(l["branches"])} branches never taken: {text}')
    with open(os.path.join(args.out_dir, 'targets.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(table) + '\n')
    with open(os.path.join(args.out_dir, 'uncovered.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(listing) + ('\n' if listing else ''))
    print('\n'.join(table))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
