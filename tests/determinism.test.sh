#!/bin/sh
# The same sources give the same bytes on any machine: built from two different absolute paths,
# from different working folders, with different TZ, LANG/LC_ALL, umask and thread counts, and
# with SOURCE_DATE_EPOCH instead of the equivalent --now, the two outputs are identical (bytes and
# permissions) and hold no absolute path. Run by tests/run.sh with KAIRAN set; cwd is the
# repository root. (Runs and -j1/-j4 on one machine: tests/site.test.sh.)
. tests/lib.sh
# The same moment as NOW in the sites' zone (Asia/Tokyo, UTC+9), as seconds since 1970.
EPOCH=$(TZ=UTC date -d '2026-11-23 00:00' +%s)

# Permissions and bytes of every file and folder of a tree.
listing() {
    (cd "$1" && find . -printf '%p %y %m\n' | sort && find . -type f -exec md5sum {} + | sort)
}

# Two sites: the golden one (feeds, calendar, every kind of entry) and the small one of the
# bad-input suite with a photo (picture names, srcset).
mkdir -p "$tmp/src/golden" "$tmp/src/small/themes" "$tmp/src/small/assets/photos"
cp -R tests/golden/site/content "$tmp/src/golden/"
mkdir -p "$tmp/src/golden/themes"
cp -R themes/default "$tmp/src/golden/themes/"
cp -R tests/bad/base/content "$tmp/src/small/"
cp -R themes/default "$tmp/src/small/themes/"
cp assets/photos/salon.jpg "$tmp/src/small/assets/photos/"

for s in golden small; do
    a=$tmp/a/$s
    b=$tmp/elsewhere/with/a/longer/path/$s
    mkdir -p "$a" "$b"
    cp -R "$tmp/src/$s/." "$a/"
    cp -R "$tmp/src/$s/." "$b/"
    # Machine A: inside the site, UTC, the C locale, umask 022, one thread, --now.
    (cd "$a" && umask 022 && TZ=UTC LANG=C LC_ALL=C KAIRAN_THEMES_DIR=/nonexistent \
        "$KAIRAN" build --quiet -j 1 --now "$NOW") 2>"$tmp/$s.a.err"
    check "$s: builds on machine A" [ $? -eq 0 ]
    # Machine B: from /, absolute paths, New York time, a Japanese locale, umask 077, four
    # threads, SOURCE_DATE_EPOCH.
    (cd / && umask 077 && TZ=America/New_York LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8 \
        SOURCE_DATE_EPOCH=$EPOCH KAIRAN_THEMES_DIR=/nonexistent \
        "$KAIRAN" build --quiet -j 4 -s "$b" -o "$b/public") 2>"$tmp/$s.b.err"
    check "$s: builds on machine B" [ $? -eq 0 ]
    check "$s: no messages" [ ! -s "$tmp/$s.a.err" -a ! -s "$tmp/$s.b.err" ]
    listing "$a/public" >"$tmp/$s.a.list"
    listing "$b/public" >"$tmp/$s.b.list"
    check "$s: same bytes and permissions" cmp -s "$tmp/$s.a.list" "$tmp/$s.b.list"
    cmp -s "$tmp/$s.a.list" "$tmp/$s.b.list" || diff -r "$a/public" "$b/public" | head -n 20
    check "$s: files of 0644 and folders of 0755 only" \
        sh -c "! grep -v -e ' f 644\$' -e ' d 755\$' '$tmp/$s.b.list' | grep -q '^\\.'"
    check "$s: no absolute path in the output" \
        sh -c "! grep -rlF -e '$tmp' -e '$repo' '$a/public' '$b/public'"
done
# Holding one entry's data at a time (each made again for every page that lists it, as on a site
# of more than KAIRAN_HOLD_ENTRIES entries) changes nothing, on the web pages or in print.
# (Rebuilds with it: tests/incremental.test.sh.)
for s in golden small; do
    (cd "$tmp/a/$s" && KAIRAN_HOLD_ENTRIES=1 KAIRAN_THEMES_DIR=/nonexistent \
        "$KAIRAN" build --quiet -j 2 --now "$NOW" -o "$tmp/held1-$s" --cache-dir "$tmp/held1-cache") \
        2>"$tmp/$s.held.err"
    check "$s: builds holding one entry's data" [ $? -eq 0 -a ! -s "$tmp/$s.held.err" ]
    listing "$tmp/held1-$s" >"$tmp/$s.held.list"
    check "$s: holding one entry's data gives the same bytes" \
        cmp -s "$tmp/$s.a.list" "$tmp/$s.held.list"
    cmp -s "$tmp/$s.a.list" "$tmp/$s.held.list" || diff -r "$tmp/a/$s/public" "$tmp/held1-$s" | head
done
(cd "$tmp/a/small" && KAIRAN_HOLD_ENTRIES=lots "$KAIRAN" build --quiet -o "$tmp/lots") \
    >/dev/null 2>"$tmp/lots.err"
check "a KAIRAN_HOLD_ENTRIES that is not a number is a usage error" [ $? -eq 2 ]
check "  saying which value" grep -qF "KAIRAN_HOLD_ENTRIES='lots' is not a number of entries" \
    "$tmp/lots.err"

# (Machine B's build; the two machines are the same, checked above.)
golden_same "the golden site from two machines" tests/golden/expected \
    "$tmp/elsewhere/with/a/longer/path/golden/public"

# SOURCE_DATE_EPOCH and --now are the same clock: the calendar's "upcoming" and the feed agree.
(cd "$tmp/a/small" && KAIRAN_THEMES_DIR=/nonexistent SOURCE_DATE_EPOCH=$((EPOCH + 86400 * 400)) \
    "$KAIRAN" build --quiet -o "$tmp/later") 2>/dev/null
check "a different SOURCE_DATE_EPOCH does change dated output (the test can fail)" \
    sh -c "! diff -rq '$tmp/a/small/public' '$tmp/later' >/dev/null"
(cd "$tmp/a/small" && KAIRAN_THEMES_DIR=/nonexistent SOURCE_DATE_EPOCH=1 \
    "$KAIRAN" build --quiet -o "$tmp/now-wins" --now "$NOW") 2>/dev/null
check "--now wins over SOURCE_DATE_EPOCH" diff -r "$tmp/a/small/public" "$tmp/now-wins"

finish
