#!/bin/sh
# Build times of the example magazine and of generated sites (make bench runs this).
# KAIRAN is the binary. Prints one line per measurement.
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NOW="2026-11-23 09:00"
ms() { date +%s%N | cut -c1-13; }

t0=$(ms)
"$KAIRAN" build -s . -o "$tmp/example" --now "$NOW" --quiet --cache-dir "$tmp/cache"
t1=$(ms)
"$KAIRAN" build -s . -o "$tmp/example" --now "$NOW" --quiet --cache-dir "$tmp/cache"
t2=$(ms)
echo "site: example magazine: first build (images from scratch) $((t1 - t0)) ms, rebuild $((t2 - t1)) ms"

for n in ${KAIRAN_BENCH_SIZES:-1000}; do
    /usr/bin/python3 tests/bench/corpus.py "$n" "$tmp/c$n"
    t0=$(ms)
    "$KAIRAN" build -s "$tmp/c$n" --now "$NOW" --quiet
    t1=$(ms)
    pages=$(find "$tmp/c$n/public" -name '*.html' | wc -l)
    if [ -x /usr/bin/time ]; then
        rss=$( { /usr/bin/time -f '%M' "$KAIRAN" build -s "$tmp/c$n" --now "$NOW" --quiet; } 2>&1 | tail -n 1)
    else
        "$KAIRAN" build -s "$tmp/c$n" --now "$NOW" --quiet
        rss="(unmeasured: no /usr/bin/time)"
    fi
    t2=$(ms)
    echo "site: $n activities + $((n / 10)) events: $pages pages in $((t1 - t0)) ms" \
         "($((pages * 1000 / (t1 - t0 + 1))) pages/s); rebuild $((t2 - t1)) ms, peak RSS ${rss} KiB"
done
