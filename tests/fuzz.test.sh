#!/bin/sh
# Replays every fuzz target's seeds and kept crash inputs (built without libFuzzer).
. tests/lib.sh
for bin in "$BUILD"/replay/fuzz_*; do
    [ -x "$bin" ] || continue
    t=$(basename "$bin")
    dirs=$(ls -d "tests/fuzz/seeds/$t" "tests/fuzz/regressions/$t" 2>/dev/null)
    [ -n "$dirs" ] || continue
    if out=$("$bin" $dirs 2>&1); then
        n=$(echo "$out" | tail -n 1 | cut -d' ' -f1)
        passed=$((passed + n))
    else
        echo "$out" | tail -n 20
        fail "$t"
    fi
done
finish
