#!/bin/sh
# The golden site: tests/golden/site (a small tree with every kind of entry, feeds and the
# calendar) built and compared file by file with the reviewed output in tests/golden/expected.
# The theme's static files are published as they are, so expected/ leaves them out: the suite
# checks that each is there, with the theme's bytes, instead (tests/lib.sh, golden_same).
# The build keeps its cache in the temporary folder, so the source tree stays as it is.
#
#   ACCEPT=1 sh tests/golden.test.sh   after a deliberate change of output: writes the new
#                                      expected output (review the diff before committing it)
. tests/lib.sh

"$KAIRAN" build -s tests/golden/site -o "$tmp/golden" --cache-dir "$tmp/cache" --now "$NOW" \
    --quiet
check "the golden site builds" [ $? -eq 0 ]
golden_same golden tests/golden/expected "$tmp/golden"

finish
