#!/bin/sh
# The command line: options written every way getopt_long reads them, --now as `date -Iseconds`
# prints it, exit codes of mistyped values, and only kairan's own messages on the screen.
# Builds the golden site (tests/golden/site) into the temporary folder.
. tests/lib.sh

site=tests/golden/site
# Builds the golden site into $tmp/NAME with more options; the exit code is kairan's.
build() {
    name=$1
    shift
    "$KAIRAN" build -s "$site" -o "$tmp/$name" --cache-dir "$tmp/cache" --quiet "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# 1. Every way of writing an option's value.
for form in "-j1" "-j 1" "--jobs=1" "--jobs 1" "-qj1"; do
    # shellcheck disable=SC2086 # the form is split on purpose
    "$KAIRAN" build -s "$site" -o "$tmp/jobs" --cache-dir "$tmp/cache" --now "$NOW" $form \
        >/dev/null 2>"$tmp/jobs.err"
    check "jobs written as '$form' is understood" [ $? -eq 0 ]
    check "  with nothing printed" [ ! -s "$tmp/jobs.err" ]
done
"$KAIRAN" build "-s$site" "-o$tmp/short" "--cache-dir=$tmp/cache" --now="$NOW" --quiet
check "-sDIR, -oDIR and --long=VALUE" [ $? -eq 0 ]
check "  build into that folder" [ -s "$tmp/short/index.html" ]
"$KAIRAN" build --now "$NOW" -o "$tmp/after" --quiet -s "$site" --cache-dir "$tmp/cache"
check "options in any order" [ -s "$tmp/after/index.html" ]
cp -R "$site" "$tmp/newsite"
"$KAIRAN" new -s "$tmp/newsite" event 2027-kai >/dev/null 2>"$tmp/new.err"
check "words after the options are read too" [ -s "$tmp/newsite/content/events/2027-kai.md" ]
"$KAIRAN" new event --source="$tmp/newsite" 2027-mitsu >/dev/null 2>"$tmp/new.err"
check "  and between them" [ -s "$tmp/newsite/content/events/2027-mitsu.md" ]

# 2. Mistyped options and values exit 2 and say what is wrong, in one line, then where to look.
usage() { # WHAT EXPECTED-MESSAGE ARGS...
    what=$1
    want=$2
    shift 2
    "$KAIRAN" "$@" >"$tmp/usage.out" 2>"$tmp/usage.err"
    check "$what: exit 2" [ $? -eq 2 ]
    check "$what: says '$want'" grep -qF -- "$want" "$tmp/usage.err"
    check "$what: and where to look" grep -qF "Run 'kairan help $1' for the options." \
        "$tmp/usage.err"
    check "$what: nothing on standard output" [ ! -s "$tmp/usage.out" ]
}
usage "no jobs" "kairan build: '0' is not a number of jobs from 1 to 256" \
    build -s "$site" --jobs=0
usage "jobs that are not a number" "kairan build: 'x' is not a number of jobs from 1 to 256" \
    build -s "$site" -jx
usage "a missing value" "kairan build: '-j' needs a value" build -s "$site" -j
usage "a missing long value" "kairan check: '--now' needs a value" check -s "$site" --now
usage "an unknown option" "kairan build: unknown option '--frobnicate'" build --frobnicate
usage "an unknown short option" "kairan build: unknown option '-x'" build -qx
usage "a flag given a value" "kairan build: '--strict' takes no value" build --strict=yes
usage "another command's option" "kairan new: '--port' is not an option of kairan new" \
    new event x -s "$tmp/nowhere" --port 8000
usage "a bad port" "kairan serve: '80a' is not a port number from 1 to 65535" serve -p80a
usage "a bad --now" \
    "kairan build: --now '2026-13-01' is not a date and time: there is no month 13" \
    build -s "$site" --now 2026-13-01
usage "a --now with a bad offset" \
    "kairan check: --now '2026-11-22T09:00:00+9' is not a date and time: write the offset" \
    check -s "$site" --now 2026-11-22T09:00:00+9
usage "too many arguments" "kairan build: unexpected argument 'now'" build -s "$site" now
SOURCE_DATE_EPOCH=yesterday "$KAIRAN" check -s "$site" >/dev/null 2>"$tmp/epoch.err"
check "a SOURCE_DATE_EPOCH that is not a number of seconds is a usage error" [ $? -eq 2 ]
check "  saying so" grep -qF "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds" \
    "$tmp/epoch.err"

# 3. --now: what `date -Iseconds` prints is the same instant in any offset; the old form stays.
build plain --now "2026-11-22 09:00"
check "--now YYYY-MM-DD HH:MM" [ $? -eq 0 ]
build iso --now 2026-11-22T09:00:00+09:00
check "--now with an offset, as date -Iseconds prints it" [ $? -eq 0 ]
check "  is the same clock as the site's local time" diff -r "$tmp/plain" "$tmp/iso"
build utc --now 2026-11-22T00:00:00Z
check "--now in UTC (Z)" diff -r "$tmp/plain" "$tmp/utc"
build west --now 2026-11-21T15:00:00-0900
check "--now with a negative offset without a colon" diff -r "$tmp/plain" "$tmp/west"
build later --now 2026-11-22T09:00:00-09:00
check "a different offset is a different clock (the test can fail)" \
    grep -q '^DTSTAMP:20261122T180000Z' "$tmp/later/events/kenshu/event.ics"
check "  and the plain one's clock" \
    grep -q '^DTSTAMP:20261122T000000Z' "$tmp/plain/events/kenshu/event.ics"

finish
