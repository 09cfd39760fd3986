# tests/lib/suite.sh: what every bash suite in tests/suites shares: one line per check,
#   PASS <name>
#   FAIL <name>: <what was expected, and what happened>
# (tests/run-suites counts them). Source it from a suite:
#   . "$(dirname "$0")/../lib/suite.sh"
# It also moves to the kit's top folder and sets B (the build folder, default build).
#
#   pass NAME                       PASS NAME
#   fail NAME WHY                   FAIL NAME: WHY
#   check NAME EXPECTED GOT [WHAT]  PASS NAME when GOT is EXPECTED, else FAIL NAME: expected WHAT EXPECTED, got GOT
#   pass_if NAME WHY COMMAND...     PASS NAME when COMMAND succeeds, else FAIL NAME: WHY
#   run_program LABEL PROGRAM...    runs a test program that prints PASS/FAIL lines itself, passes them on,
#                                   and turns a crash or silence into FAIL LABEL
#   suite_failures                  prints the number of FAIL lines so far
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
B=${B:-build}
SUITE_FAILURES=0

pass() {
    echo "PASS $1"
}

fail() {
    echo "FAIL $1: $2"
    SUITE_FAILURES=$((SUITE_FAILURES + 1))
}

check() {
    if [ "$3" = "$2" ]; then
        pass "$1"
    else
        fail "$1" "expected ${4:+$4 }$2, got $3"
    fi
}

pass_if() {
    local name=$1 why=$2
    shift 2
    if "$@"; then
        pass "$name"
    else
        fail "$name" "$why"
    fi
}

run_program() {
    local label=$1
    shift
    if [ ! -x "$1" ]; then
        fail "$label" "$1 is missing (run make)"
        return
    fi
    local out status lines
    out=$("$@" 2>&1)
    status=$?
    lines=$(grep -E '^(PASS|FAIL) ' <<<"$out")
    [ -n "$lines" ] && printf '%s\n' "$lines"
    SUITE_FAILURES=$((SUITE_FAILURES + $(grep -c '^FAIL ' <<<"$lines")))
    if [ $status -gt 1 ] || [ -z "$lines" ]; then
        fail "$label" "the test program ended with status $status: $(tail -3 <<<"$out" | tr '\n' ' ')"
    fi
}

suite_failures() {
    echo "$SUITE_FAILURES"
}
