#!/bin/sh
# Runs every test suite and adds up their "N passed, N failed" lines.
#   sh tests/run.sh BUILD_DIR            the unit tests and tests/*.test.sh (make test)
#   sh tests/run.sh BUILD_DIR tests/slow  only the suites in that folder (make check-slow)
# Unit tests are the binaries in BUILD_DIR/tests; suites written in shell are tests/*.test.sh
# and get KAIRAN (the binary) and BUILD in the environment. A suite that could not run a part
# (say, a spec folder that is not beside this repository) prints "NAME: skipped (WHY)", and a
# suite that measures something prints "measured: WHAT": those lines are shown with its result.
build=${1:-build}
suites=${2:-tests}
KAIRAN=$(cd "$build" && pwd)/kairan
BUILD=$(cd "$build" && pwd)
export KAIRAN BUILD
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() {
    name=$1
    shift
    "$@" >"$log" 2>&1
    status=$?
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        cat "$log"
        echo "$name: no result line (exit $status)"
        failed=$((failed + 1))
        return
    fi
    p=${last%% passed*}
    f=${last#*, }
    f=${f%% failed*}
    if [ "$f" != 0 ] || [ "$status" != 0 ]; then
        cat "$log"
        [ "$f" = 0 ] && f=1
    else
        grep -E ': skipped \(|^measured: ' "$log"
    fi
    echo "$name: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
}

# One program per tests/unit/test_MODULE.c (a binary left in BUILD_DIR/tests by a test that was
# renamed or removed is not run).
for src in tests/unit/*.c; do
    [ "$suites" = tests ] || break
    t=$build/tests/$(basename "$src" .c)
    [ -x "$t" ] || continue
    tally "unit/$(basename "$t")" "$t"
done
for t in "$suites"/*.test.sh; do
    [ -f "$t" ] || continue
    tally "$(basename "$t" .test.sh)" sh "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
