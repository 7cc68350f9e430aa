# What every shell suite tests/*.test.sh shares; a suite starts with `. tests/lib.sh`.
# tests/run.sh runs each suite from the repository root with KAIRAN (the program) and BUILD (the
# build folder) set, and adds up the last line every suite prints: "N passed, N failed".
#
#   check NAME COMMAND...   runs COMMAND: passed if it succeeds, else "FAIL: NAME"
#   ok / fail WHAT          count a pass / a failure (printed as "FAIL: WHAT")
#   skip WHAT WHY           says "WHAT: skipped (WHY)" (tests/run.sh shows these lines)
#   skip_suite NAME WHY     the same for the whole suite, which then ends with nothing counted
#   add_results FILE        adds the "N passed, N failed" line a helper wrote to FILE to the
#                           counts, and prints its other lines
#   python_with MODULE...   the Python 3 that can import every MODULE, or nothing
#   golden_same WHAT EXPECTED OUT   compares a build of the golden site with its expected output
#   finish                  prints the last line and exits, 1 when anything failed
#   $tmp                    a new folder, removed on exit (also what a test made read-only)
#   $NOW                    the fixed "now" of every build (a suite may set another after this)
#   LC_ALL=C                kairan speaks English in every suite unless told otherwise
#   $repo                   the repository (the folder the suite runs in)
#   $ACCEPT                 set (ACCEPT=1 make test): a suite with expected output (the golden
#                           site, the bad-input cases) writes what it got as the new expectation;
#                           review the diff before committing it
# Python helpers of the suites find tests/checks.py on PYTHONPATH.
passed=0
failed=0
# kairan's messages follow the locale: the suites expect English, whatever the machine's LANG
# (tests/messages.test.sh and tests/bad.test.sh run kairan in Japanese where they mean to).
LC_ALL=C
export LC_ALL
unset LANGUAGE
NOW="2026-11-23 09:00"
repo=$(pwd)
PYTHONPATH=$repo/tests${PYTHONPATH:+:$PYTHONPATH}
PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
export PYTHONPATH PYTHONDONTWRITEBYTECODE
tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}
check() {
    check_name=$1
    shift
    if "$@"; then ok; else fail "$check_name"; fi
}
skip() { echo "$1: skipped ($2)"; }
skip_suite() {
    skip "$1" "$2"
    finish
}

add_results() {
    grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$1"
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
    if [ -z "$last" ]; then
        fail "$1 has no result line"
        return
    fi
    passed=$((passed + ${last%% passed*}))
    last=${last#*, }
    failed=$((failed + ${last%% failed*}))
}

python_with() {
    for p in /usr/bin/python3 python3; do
        if command -v "$p" >/dev/null 2>&1 &&
            "$p" -c "import sys; [__import__(m) for m in sys.argv[1:]]" "$@" 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

# The theme's static files are published as they are (under hashed names in static/, and the
# print stylesheet beside each print document): their bytes are the theme's, not kairan's output,
# so expected output leaves them out. Removes each such copy from the tree $1 and prints the
# names of the theme files that had none.
theme_static=themes/default/static
strip_theme_copies() {
    for f in "$theme_static"/*; do
        base=${f##*/}
        found=""
        for o in "$1/static/${base%.*}".*."${base##*.}" "$1"/print/*/"$base"; do
            [ -f "$o" ] && cmp -s "$o" "$f" && rm "$o" && found=1
        done
        [ -n "$found" ] || echo "$base"
    done
    rmdir "$1/static" 2>/dev/null
}

# golden_same WHAT EXPECTED OUT: OUT, a build of tests/golden/site, is EXPECTED file by file,
# the theme's files aside, which must be published as they are (two checks, named after WHAT).
# With ACCEPT set, OUT first becomes the new EXPECTED (tests/golden.test.sh only).
golden_same() {
    rm -rf "$tmp/golden-same"
    cp -R "$3" "$tmp/golden-same"
    missing=$(strip_theme_copies "$tmp/golden-same")
    check "$1: the theme's static files are published as they are${missing:+; not:} $missing" \
        [ -z "$missing" ]
    if [ -n "${ACCEPT:-}" ] && [ "$1" = golden ]; then
        rm -rf "$2"
        cp -R "$tmp/golden-same" "$2"
        echo "golden: wrote $2; review the diff before committing it"
    fi
    check "$1: the output is $2 file by file" diff -r "$2" "$tmp/golden-same"
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && exit 0
    exit 1
}
