#!/bin/sh
# Whole-program tests of the build: the example site, determinism, errors, nothing lost.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

# The example magazine builds, with the same bytes whatever the number of threads.
"$KAIRAN" build -s . -o "$tmp/j1" -j 1 --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err1"
check "example builds with -j1" [ $? -eq 0 ]
"$KAIRAN" build -s . -o "$tmp/j4" -j 4 --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err4"
check "example builds with -j4" [ $? -eq 0 ]
check "-j1 and -j4 give identical trees" diff -r "$tmp/j1" "$tmp/j4"
check "the example builds without warnings" [ ! -s "$tmp/err1" ]
"$KAIRAN" build -s . -o "$tmp/again" -j 2 --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "two runs give identical trees" diff -r "$tmp/j1" "$tmp/again"
for f in index.html 404.html feed.xml sitemap.xml robots.txt events.ics \
         activities/index.html activities/kushibiki-otokojuku/index.html \
         events/2021-kenshukai/index.html events/2021-kenshukai/event.ics \
         districts/index.html districts/kushibiki/index.html categories/salon/index.html \
         issues/5/index.html about/index.html contacts/index.html; do
    check "example has $f" [ -s "$tmp/j1/$f" ]
done
check "50音 headings on the activity list" grep -q '>か<' "$tmp/j1/activities/index.html"
# Every phone number in an entry's text can be tapped to call; phones do not guess numbers.
phones=$(grep -cE '\| 0[0-9]+-[0-9]+-[0-9]+ \|' content/pages/contacts.md)
check "the contacts page links its $phones phone numbers" \
    [ "$(grep -o 'href="tel:0235[0-9]*" class="tel"' "$tmp/j1/contacts/index.html" | wc -l)" -eq "$phones" ]
check "no page turns telephone detection off" sh -c "! grep -rq 'format-detection' '$tmp/j1'"
# Events carry districts and categories too: their taxonomy pages list them after the
# activities, and count them.
training="$tmp/j1/categories/training/index.html"
n_training=$(grep -l '^categories: \[training\]' content/events/*.md | wc -l)
check "the training category lists its $n_training events" \
    [ "$(grep -c 'class="card-title"><a href="/watowa/events/' "$training")" -eq "$n_training" ]
check "the training category counts them" grep -q "全${n_training}件" "$training"
check "the training category's events come under 催し headings" \
    grep -q 'id="upcoming-heading">これからの催し<' "$training"
check "the categories overview counts the training events" \
    grep -q "研修[^<]*<span class=\"chip-reading\">[^<]*</span><span class=\"chip-count\">${n_training}件" \
    "$tmp/j1/categories/index.html"
check "the 櫛引 district lists its council meeting" \
    grep -q 'href="/watowa/events/2026-kushibiki-kaigi/"' "$tmp/j1/districts/kushibiki/index.html"
cards=$(grep -o 'class="card-title"><a href="/watowa/[a-z]*/' "$tmp/j1/districts/kushibiki/index.html" |
    sed 's#.*/watowa/##' | uniq | tr '\n' ' ')
check "the 櫛引 district lists its activities, then its events ($cards)" \
    [ "$cards" = "activities/ events/ " ]
check "event date in 和暦 with weekday" \
    grep -q '令和3年2月19日（金）13:30〜16:00' "$tmp/j1/events/2021-kenshukai/index.html"
check "drafts are left out" [ ! -e "$tmp/j1/activities/asahi-koekake" ]
"$KAIRAN" build -s . -o "$tmp/drafts" --drafts --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "--drafts publishes drafts" [ -s "$tmp/drafts/activities/asahi-koekake/index.html" ]
check "no absolute paths of this machine in the output" \
    sh -c "! grep -rq '$(pwd)' '$tmp/j1'"
"$KAIRAN" build -s . -o "$tmp/portable" --portable --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "--portable links end in index.html" \
    grep -q 'href="../../activities/index.html"' "$tmp/portable/events/2021-kenshukai/index.html"

# Month calendar pages: a table with headers, Monday first by default, each session on its day.
cal="$tmp/j1/events/2021/02/index.html"
check "a month page for February 2021" [ -s "$cal" ]
check "its heading in 和暦" grep -q '<h1>令和3年2月（2021年2月）の催し</h1>' "$cal"
check "its week starts on Monday" grep -q '<tr><th scope="col" class="wd-mon">月</th>' "$cal"
check "the seminar is on the 19th" grep -q '19</span><a class="cal-event" href="/watowa/events/2021-kenshukai/"' "$cal"
sessions=$(grep -c '^start:\|^  - start:' content/events/2020-ninaite-yosei.md)
found=$(cat "$tmp"/j1/events/20*/*/index.html | grep -o 'class="cal-event" href="/watowa/events/2020-ninaite-yosei/"' | wc -l)
check "each of the course's $sessions sessions is on its day" [ "$found" -eq "$sessions" ]
check "the events list links to this month" grep -q 'href="/watowa/events/2026/11/"' "$tmp/j1/events/index.html"
mkdir -p "$tmp/sunday"
cp -R content assets themes "$tmp/sunday/"
sed -i 's/^week_start: monday$/week_start: sunday/' "$tmp/sunday/content/site.yaml"
grep -q '^week_start: sunday' "$tmp/sunday/content/site.yaml" || printf 'week_start: sunday\n' >>"$tmp/sunday/content/site.yaml"
"$KAIRAN" build -s "$tmp/sunday" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "week_start: sunday puts Sunday first" \
    grep -q '<tr><th scope="col" class="wd-sun">日</th>' "$tmp/sunday/public/events/2021/02/index.html"

# Every page parses with libxml2's HTML parser. It predates HTML5, so the only complaint allowed is
# an unknown tag that is an HTML5 or SVG element (charts are inline SVG); anything else (bad
# nesting, a stray end tag, broken entities) fails the page.
html5='section|nav|article|header|footer|main|aside|time|figure|figcaption|ruby|rt|rp|mark|picture|source|details|summary|template|svg|path|circle|rect|g|use|symbol|desc|text|line|polyline'
bad=0
pages=0
for f in $(find "$tmp/j1" -name '*.html' | sort); do
    pages=$((pages + 1))
    if xmllint --html --noout "$f" 2>&1 | grep 'error :' | grep -vE "error : Tag ($html5) invalid" | grep -q .; then
        echo "libxml2 HTML parser: $f:"
        xmllint --html --noout "$f" 2>&1 | grep -vE "Tag ($html5) invalid" | head -5
        bad=$((bad + 1))
    fi
done
check "every page ($pages) parses in libxml2's HTML parser" test "$bad" -eq 0 -a "$pages" -gt 40

# Every id on a page is one word and used once, whatever the body and the theme hold: a heading
# named like the theme's own id (main, toc), raw HTML claiming a heading's id, an id with spaces.
mkdir -p "$tmp/ids"
cp -R content assets themes "$tmp/ids/"
cat >"$tmp/ids/content/pages/ids.md" <<'EOF'
---
title: いろいろな id
summary: id の重なり。
date: 2021-03-25
---

## Main

<a id="toc"></a>

## 目次 {#toc}

<p id="Usage and Policy Errors">説明</p>

## Usage and Policy Errors
EOF
"$KAIRAN" build -s "$tmp/ids" --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/ids.err"
check "a page of clashing ids builds" [ $? -eq 0 ]
ids_ok() {
    /usr/bin/python3 - "$@" <<'EOF'
import re, sys
bad = 0
for path in sys.argv[1:]:
    ids = re.findall(r'\sid="([^"]*)"', open(path, encoding="utf-8").read())
    for i in sorted(set(ids)):
        if ids.count(i) > 1 or not i or re.search(r"\s", i):
            print("%s: id %r (%d times)" % (path, i, ids.count(i)))
            bad += 1
sys.exit(1 if bad else 0)
EOF
}
check "its ids are one word and each used once" ids_ok "$tmp/ids/public/ids/index.html"
check "the theme keeps its main, the heading gives way" \
    grep -q '<h2 id="main-2">Main</h2>' "$tmp/ids/public/ids/index.html"
check "every page of the example has its ids once" \
    ids_ok $(find "$tmp/j1" -name '*.html' | sort)

# Every internal link, image and srcset candidate resolves to a file, in both link styles.
/usr/bin/python3 tests/links.py "$tmp/j1" /watowa/ >"$tmp/links1"
check "every link resolves" [ $? -eq 0 ]
/usr/bin/python3 tests/links.py "$tmp/portable" /watowa/ >"$tmp/links2"
check "every link resolves with --portable" [ $? -eq 0 ]
cat "$tmp/links1" "$tmp/links2" | grep -v passed

# kairan check reports all ten mistakes, sorted, with file:line:col, and exits 1 (the
# repository's themes stand for the installed ones: the bodies are read too).
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" check -s tests/bad/ten-mistakes --now "$NOW" 2>"$tmp/ten.txt"
check "check exits 1 on mistakes" [ $? -eq 1 ]
check "check prints the ten expected messages" diff tests/bad/ten-mistakes/expected.txt "$tmp/ten.txt"

# A failed build leaves the published site exactly as it was.
mkdir -p "$tmp/site"
cp -R content themes assets "$tmp/site/"
"$KAIRAN" build -s "$tmp/site" --now "$NOW" --quiet
( cd "$tmp/site/public" && find . -type f -exec ls -l --time-style=+%s {} + | sort ) >"$tmp/before"
printf -- '---\ntitle: [broken\n---\n' >"$tmp/site/content/pages/broken.md"
"$KAIRAN" build -s "$tmp/site" --now "$NOW" --quiet 2>/dev/null
check "a failed build exits 1" [ $? -eq 1 ]
( cd "$tmp/site/public" && find . -type f -exec ls -l --time-style=+%s {} + | sort ) >"$tmp/after"
check "a failed build leaves public/ untouched" diff "$tmp/before" "$tmp/after"
check "no staging folder is left behind" sh -c "! ls -a '$tmp/site' | grep -q staging"
rm "$tmp/site/content/pages/broken.md"

# An unchanged rebuild keeps every file's mtime (rsync deploys stay small) and decodes no picture.
sleep 1
"$KAIRAN" build -s "$tmp/site" --now "$NOW" >"$tmp/rebuild.out"
check "an unchanged rebuild decodes no picture" grep -q "(pictures: 0 made, [1-9][0-9]* from the cache)" "$tmp/rebuild.out"
( cd "$tmp/site/public" && find . -type f -exec ls -l --time-style=+%s {} + | sort ) >"$tmp/after"
check "an unchanged rebuild keeps bytes and mtimes" diff "$tmp/before" "$tmp/after"

# Image settings: cache_dir in site.yaml moves the cache; theme.yaml values are checked.
printf 'cache_dir: work/pictures\n' >>"$tmp/site/content/site.yaml"
rm -rf "$tmp/site/.cache"
"$KAIRAN" build -s "$tmp/site" --now "$NOW" --quiet
check "cache_dir in site.yaml holds the image cache" [ -d "$tmp/site/work/pictures/img" ]
check "and nothing goes to the default cache" [ ! -d "$tmp/site/.cache" ]
"$KAIRAN" clean -s "$tmp/site" --cache
check "clean --cache removes that cache" [ ! -d "$tmp/site/work/pictures" ]
cp "$tmp/site/themes/default/theme.yaml" "$tmp/theme.yaml.saved"
printf 'images:\n  quality: 0\n  background: red\n  widths: [640, 320]\n' \
    >"$tmp/site/themes/default/theme.yaml"
"$KAIRAN" check -s "$tmp/site" --now "$NOW" 2>"$tmp/theme-err"
check "bad image settings fail the check" [ $? -eq 1 ]
check "quality out of range, at its line" grep -q "themes/default/theme.yaml:2:12: error: 'quality' should be a number from 1 to 100" "$tmp/theme-err"
check "a colour that is not one" grep -q "theme.yaml:3:15: error: 'red' is not a colour" "$tmp/theme-err"
check "widths out of order" grep -q "theme.yaml:4:17: error: image widths should be whole numbers from 16 to 8192, smallest first" "$tmp/theme-err"
cp "$tmp/theme.yaml.saved" "$tmp/site/themes/default/theme.yaml"

# kairan new writes an entry that builds as it is (a draft).
"$KAIRAN" new event 2027-test-kai -s "$tmp/site" >/dev/null
check "kairan new creates the file" [ -s "$tmp/site/content/events/2027-test-kai.md" ]
"$KAIRAN" build -s "$tmp/site" --drafts --now "$NOW" --quiet
check "the new entry builds" [ -s "$tmp/site/public/events/2027-test-kai/index.html" ]
"$KAIRAN" new event 2027-test-kai -s "$tmp/site" 2>/dev/null
check "kairan new refuses to overwrite" [ $? -eq 1 ]

# Themes: the large theme extends default; a site may override one file of an installed theme;
# a loop of extends is an error naming the file.
mkdir -p "$tmp/themed/content"
cp -R content/. "$tmp/themed/content/"
cp -R assets "$tmp/themed/"
sed -i 's/^theme: default$/theme: large/' "$tmp/themed/content/site.yaml"
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" build -s "$tmp/themed" --now "$NOW" --quiet
check "the large theme builds from the installed themes" [ $? -eq 0 ]
check "the large theme adds its stylesheet" grep -q 'static/large\.[0-9a-f]*\.css' "$tmp/themed/public/index.html"
check "and keeps the default's" grep -q 'static/style\.[0-9a-f]*\.css' "$tmp/themed/public/index.html"
mkdir -p "$tmp/themed/themes/default/templates/partials"
sed 's|</footer>|<p class="site-override">この町の独自の一文</p></footer>|' \
    themes/default/templates/partials/footer.mustache \
    >"$tmp/themed/themes/default/templates/partials/footer.mustache"
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" build -s "$tmp/themed" --now "$NOW" --quiet
check "a site's own copy of one theme file wins" grep -q 'site-override' "$tmp/themed/public/about/index.html"
mkdir -p "$tmp/loop/content" "$tmp/loop/themes/a" "$tmp/loop/themes/b"
printf 'title: t\nbase_url: https://example.jp/\ntheme: a\n' >"$tmp/loop/content/site.yaml"
printf 'extends: b\n' >"$tmp/loop/themes/a/theme.yaml"
printf 'extends: a\n' >"$tmp/loop/themes/b/theme.yaml"
KAIRAN_THEMES_DIR=/nonexistent "$KAIRAN" check -s "$tmp/loop" 2>"$tmp/loop.err"
check "a loop of extends fails" [ $? -eq 1 ]
check "and says so at the file" grep -q "themes/b/theme.yaml: error: the theme 'b' extends 'a', which extends it back" "$tmp/loop.err"

# make install: the program, its man page and the themes; an installed kairan builds a site that
# has no themes of its own.
make -s install PREFIX=/usr DESTDIR="$tmp/dest" BUILD="$tmp/build-install" >/dev/null 2>&1
check "make install puts the program in place" [ -x "$tmp/dest/usr/bin/kairan" ]
check "and the man page" [ -s "$tmp/dest/usr/share/man/man1/kairan.1" ]
check "and the themes" [ -s "$tmp/dest/usr/share/kairan/themes/default/theme.yaml" ]
mkdir -p "$tmp/bare"
cp -R content assets "$tmp/bare/"
KAIRAN_THEMES_DIR="$tmp/dest/usr/share/kairan" "$tmp/dest/usr/bin/kairan" build -s "$tmp/bare" \
    --now "$NOW" --quiet
check "the installed program finds the installed themes" [ -s "$tmp/bare/public/index.html" ]

# Killing a build at a random moment leaves the old site or the new one, never a mix, and no
# staging folder (for SIGTERM and SIGINT; SIGKILL leaves one that the next build removes).
/usr/bin/python3 bench/corpus.py 600 "$tmp/kill" >/dev/null
"$KAIRAN" build -s "$tmp/kill" --now "$NOW" --quiet
listing() { ( cd "$tmp/kill/public" && find . -type f | sort | xargs md5sum ) ; }
listing >"$tmp/kill-old"
printf -- '---\ntitle: 追加のページ\n---\n本文\n' >"$tmp/kill/content/pages/added.md"
mixed=0
left=0
for round in 1 2 3 4 5 6; do
    case $round in 1|4) sig=TERM ;; 2|5) sig=INT ;; *) sig=KILL ;; esac
    "$KAIRAN" build -s "$tmp/kill" --now "$NOW" --quiet 2>/dev/null &
    pid=$!
    sleep "0.$(( (round * 37) % 9 + 1 ))"
    kill -"$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    listing >"$tmp/kill-now"
    if ! cmp -s "$tmp/kill-now" "$tmp/kill-old"; then
        "$KAIRAN" build -s "$tmp/kill" --now "$NOW" --quiet -o "$tmp/kill-ref" 2>/dev/null
        ( cd "$tmp/kill-ref" && find . -type f | sort | xargs md5sum ) >"$tmp/kill-new"
        cmp -s "$tmp/kill-now" "$tmp/kill-new" || mixed=$((mixed + 1))
        rm -rf "$tmp/kill-ref"
        cp "$tmp/kill-new" "$tmp/kill-old"
    fi
    if [ "$sig" != KILL ] && ls -a "$tmp/kill" | grep -q staging; then left=$((left + 1)); fi
done
check "a killed build leaves the old site or the new one, never a mix" [ "$mixed" -eq 0 ]
check "TERM and INT leave no staging folder" [ "$left" -eq 0 ]
"$KAIRAN" build -s "$tmp/kill" --now "$NOW" --quiet
check "the next build clears what a KILL left" sh -c "! ls -a '$tmp/kill' | grep -q staging"

# A theme is named, never given as a path: nothing outside themes/ can be loaded.
mkdir -p "$tmp/escape/content"
printf 'title: t\nbase_url: https://example.jp/\ntheme: ../../x_y\n' >"$tmp/escape/content/site.yaml"
"$KAIRAN" check -s "$tmp/escape" 2>"$tmp/escape.err"
check "a theme path is refused" [ $? -eq 1 ]
check "with a message at the field" grep -q "content/site.yaml:3:8: error: '../../x_y' is not a theme folder name" "$tmp/escape.err"

# Exit codes and usage.
"$KAIRAN" build --jobs 0 2>/dev/null
check "a bad option exits 2" [ $? -eq 2 ]
"$KAIRAN" frobnicate 2>/dev/null
check "an unknown command exits 2" [ $? -eq 2 ]
"$KAIRAN" build --help | grep -q 'kairan build'
check "build --help" [ $? -eq 0 ]
"$KAIRAN" check -s "$tmp/nonexistent" 2>/dev/null
check "a missing site folder is an error" [ $? -ne 0 ]

finish
