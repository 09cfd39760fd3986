#!/usr/bin/env bash
# Rewrites the golden transcripts of tests/demo/golden/ from the current build, then the stage READMEs'
# "Heap pictures" sections and the slides' captions (tests/demo/slides). After a deliberate change to an allocator: run it, then READ `git diff
# tests/demo/golden` line by line and commit only pictures that match what the stage must do.
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
for golden in tests/demo/golden/*.txt; do
    base=$(basename "$golden" .txt)
    stage=${base%%-*}; stage=${stage#stage}
    rest=${base#*-}
    if [[ $rest == *-script ]]; then
        "$B/heapkit" demo --stage "$stage" --file "tests/demo/scripts/${rest%-script}.rep" >"$golden"
    else
        "$B/heapkit" demo --stage "$stage" --sequence "$rest" >"$golden"
    fi
done
B="$B" tests/demo/readme-pictures.sh
B="$B" tests/demo/slide-captions.sh
git --no-pager diff --stat -- tests/demo/golden tests/demo/slides '*/README.md' || true
