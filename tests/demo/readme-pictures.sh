#!/usr/bin/env bash
# Writes the "## Heap pictures" section at the end of each stage README from the golden transcripts
# of the default sequence (tests/demo/golden/stageN-default.txt), so the README shows exactly what
# `make demo STAGE=n` prints. Only that section's body is replaced; the rest of the README is kept.
#   tests/demo/readme-pictures.sh          rewrite the sections
#   tests/demo/readme-pictures.sh --check  exit 1 (naming the README) when a section is out of date
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
mode=${1:-write}
status=0
folders=(stage1_minimal stage2_pad stage3_list stage4_dlist stage5_bins stage6_mmap)

section() {   # section N: the section's body for stage N
    local n=$1 others
    others=$("$B/heapkit" demo --list | awk -v n="$n" 'NR > 1 && $1 != "default" {
        for (i = 2; i <= NF; i++) if ($i == "stages") { for (j = i + 1; j <= NF; j++) if ($j == n) print $1 } }')
    echo
    echo "\`make demo STAGE=$n\` (\`build/heapkit demo --stage $n\`) replays the lecture's sequence on this stage and"
    echo "draws the heap after each operation; \`make demo STAGE=$n HTML=stage$n.html\` writes the same steps as one"
    echo "page with a slider, and \`STEP=1\` waits for Enter between steps. The slides, and the other sequences,"
    echo "are in [docs/lecture.md](../docs/lecture.md)."
    if [ -n "$others" ]; then
        printf 'The sequences made for this stage:'
        sep=' '
        for s in $others; do printf '%s`make demo STAGE=%s SEQUENCE=%s`' "$sep" "$n" "$s"; sep=', '; done
        echo "."
    fi
    echo
    echo "The default sequence on this stage, as the demo prints it (pinned by tests/demo/golden/stage$n-default.txt):"
    echo
    echo '```text'
    cat "tests/demo/golden/stage$n-default.txt"
    echo '```'
}

for n in 1 2 3 4 5 6; do
    readme=${folders[$((n - 1))]}/README.md
    [ -f "$readme" ] || { echo "$readme: missing"; status=1; continue; }
    head_part=$(awk '/^## Heap pictures$/ {exit} {print}' "$readme")
    if ! grep -q '^## Heap pictures$' "$readme"; then
        echo "$readme: no '## Heap pictures' section"; status=1; continue
    fi
    # whatever follows the section (a later "## " heading) is kept as it is
    tail_part=$(awk 'f && /^## / {p=1} p {print} /^## Heap pictures$/ {f=1}' "$readme")
    new=$(printf '%s\n\n## Heap pictures\n%s\n' "$head_part" "$(section "$n")"; [ -n "$tail_part" ] && printf '\n%s\n' "$tail_part")
    if [ "$mode" = --check ]; then
        if [ "$new" != "$(cat "$readme")" ]; then echo "$readme: the heap pictures differ from the demo's"; status=1; fi
    else
        printf '%s\n' "$new" >"$readme"
    fi
done
exit $status
