#!/bin/sh
# The site benchmark (make bench runs it after the C benchmarks): kairan and Hugo on the
# synthetic corpora, written to bench/results.md; bench/report.py says what is measured.
#   KAIRAN=build/kairan sh bench/site.sh            1,000 (+ photos) and 10,000 entries
#   KAIRAN=build/kairan sh bench/site.sh --big 100000   (make bench-100k)
# Only some rows: KAIRAN_BENCH_ROWS=hugo,serve (see bench/report.py), KAIRAN_BENCH_SIZES=10000;
# the random edits' seed: KAIRAN_BENCH_SEED=N (else a new one, written in the results).
set -e
build=$(dirname "$KAIRAN")
exec /usr/bin/python3 bench/report.py "$KAIRAN" "$build" \
    ${KAIRAN_BENCH_SIZES:+--sizes "$KAIRAN_BENCH_SIZES"} \
    ${KAIRAN_BENCH_ROWS+--rows "$KAIRAN_BENCH_ROWS"} \
    ${KAIRAN_BENCH_SEED:+--seed "$KAIRAN_BENCH_SEED"} "$@"
