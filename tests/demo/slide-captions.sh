#!/usr/bin/env bash
# The slides' captions, pinned: tests/demo/slides/NAME.captions holds what
#   heapkit demo --lecture --captions --sequence NAME --stage N
# prints for each stage N the slide is drawn for (its "stage N (...)" lines name them), one line per
# operation: "[5/10] p4 = malloc(6): external fragmentation occurred; extend the heap". For the slab
# and the buddy system (stages 7 and 8), which draw their own pictures, the whole transcript.
#   tests/demo/slide-captions.sh          rewrite every .captions file from the current build
#   tests/demo/slide-captions.sh --check  one PASS/FAIL line per file (the first line that differs)
# A new slide: write its file by hand with only the stage lines ("stage 3"), then run without --check
# and READ the captions against the slide before committing them.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
mode=${1:-write}
status=0
for golden in tests/demo/slides/*.captions; do
    name=$(basename "$golden" .captions)
    stages=$(grep -oE '(^|on )stage [0-9]+' "$golden" | grep -oE '[0-9]+$')
    # Stages 7 and 8 (buddy, slab) draw their own pictures with no captions: their whole transcript.
    out=$(for n in $stages; do
        if [ "$n" -gt 6 ]; then "$B/heapkit" demo --sequence "$name" --stage "$n" 2>&1
        else "$B/heapkit" demo --lecture --captions --sequence "$name" --stage "$n" 2>&1; fi
    done)
    if [ "$mode" != --check ]; then
        printf '%s\n' "$out" >"$golden"
    elif [ "$out" = "$(cat "$golden")" ]; then
        echo "PASS demo/slides/$name"
    else
        line=$(diff <(printf '%s\n' "$out") "$golden" | head -1 | grep -oE '^[0-9]+')
        echo "FAIL demo/slides/$name: line ${line:-?} of $golden: expected '$(sed -n "${line:-1}p" "$golden")', got '$(printf '%s\n' "$out" | sed -n "${line:-1}p")'"
        status=1
    fi
done
exit $status
