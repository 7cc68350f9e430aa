#!/bin/sh
# Incremental builds are exact: after each kind of change to a copy of the example magazine,
# a rebuild (keeping what did not change) gives byte for byte the site a clean build of the same
# sources gives; and pages the change does not touch keep their inode and mtime.
# Env: KAIRAN (the binary). Last line: "N passed, N failed".
. tests/lib.sh

site=$tmp/site
mkdir -p "$site"
cp -R content themes assets "$site/"

# The incremental build: the same output folder and cache every time.
build() {
    "$KAIRAN" build -s "$site" --now "${1:-$NOW}" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err"
}

# A clean build of the same sources into ref/: no output, no manifest, no converted bodies.
# Only finished pictures are reused: they are kept by a hash of their content.
clean_build() {
    rm -rf "$tmp/ref" "$tmp/refcache/bodies" "$tmp/refcache"/manifest-*
    "$KAIRAN" build -s "$site" -o "$tmp/ref" --now "${1:-$NOW}" --quiet \
        --cache-dir "$tmp/refcache" 2>/dev/null
}

# Every path with its mode and bytes.
contents() {
    (cd "$1" && find . -printf '%y %m %p\n' | sort && find . -type f | sort | xargs md5sum)
}

# The incremental output is the clean one: the same files, modes and bytes.
same_as_clean() {
    clean_build "$1" || return 1
    diff -r "$site/public" "$tmp/ref" >/dev/null || return 1
    contents "$site/public" >"$tmp/a"
    contents "$tmp/ref" >"$tmp/b"
    cmp -s "$tmp/a" "$tmp/b"
}

# Inode and mtime of every file, to tell which ones a build wrote.
stamps() {
    (cd "$site/public" && find . -type f -printf '%p %i %T@\n' | sort) >"$1"
}
# Kept FILE: the file has the inode and mtime it had before the last build.
kept() {
    grep "^\./$1 " "$tmp/before" >"$tmp/x" && grep "^\./$1 " "$tmp/after" >"$tmp/y" &&
        cmp -s "$tmp/x" "$tmp/y"
}
rewritten() {
    grep -q "^\./$1 " "$tmp/after" && ! kept "$1"
}
# Runs the incremental build and takes the stamps before and after it.
rebuild() {
    stamps "$tmp/before"
    sleep 0.02 # mtimes of rewritten files differ from the old ones
    build "$1"
    status=$?
    stamps "$tmp/after"
    return $status
}

build
check "the first build succeeds" [ $? -eq 0 ]
check "the first build is the clean build" same_as_clean

# Nothing changed.
stamps "$tmp/before"
"$KAIRAN" build -s "$site" --now "$NOW" --cache-dir "$tmp/cache" >"$tmp/out" 2>&1
stamps "$tmp/after"
check "a rebuild with nothing changed says so" grep -q "is up to date" "$tmp/out"
check "and writes nothing" cmp -s "$tmp/before" "$tmp/after"
check "nor leaves a staging folder" sh -c "! ls -a '$site' | grep -q staging"

# A file saved without a change: the build looks again, and keeps every page.
touch "$site/content/activities/haguro-kaimono.md"
rebuild
check "touched: builds" [ $status -eq 0 ]
check "touched: every file is kept" cmp -s "$tmp/before" "$tmp/after"

# 1. An entry's body (a later paragraph: the summary is in the front matter).
printf '\n## 追記\n\n運行日は天候により変わります。\n' >>"$site/content/activities/haguro-kaimono.md"
rebuild
check "body: builds" [ $status -eq 0 ]
check "body: same as a clean build" same_as_clean
check "body: its page is rewritten" rewritten activities/haguro-kaimono/index.html
check "body: another activity's page is kept" kept activities/daiichi-chanoma/index.html
check "body: the activities list is kept" kept activities/index.html
check "body: an event page is kept" kept events/2021-kenshukai/index.html
check "body: its issue's print edition is rewritten" rewritten print/6/6.xhtml
check "body: the other issue's print edition is kept" kept print/5/5.xhtml
check "body: and its pictures" kept "print/5/img/$(ls "$site/public/print/5/img" | head -n 1)"

# 2. A title that appears in lists.
sed -i 's/^title: 羽黒 買い物お助け便$/title: 羽黒 お買い物便/' "$site/content/activities/haguro-kaimono.md"
rebuild
check "title: builds" [ $status -eq 0 ]
check "title: same as a clean build" same_as_clean
check "title: the district's list is rewritten" rewritten districts/haguro/index.html
check "title: the activities list is rewritten" rewritten activities/index.html
check "title: another district's list is kept" kept districts/kushibiki/index.html
check "title: an event page is kept" kept events/2021-kenshukai/index.html

# 3. A district's name in site.yaml.
sed -i 's/name: 羽黒$/name: 羽黒地区/' "$site/content/site.yaml"
check "district: the name was changed" grep -q 'name: 羽黒地区$' "$site/content/site.yaml"
rebuild
check "district: builds" [ $status -eq 0 ]
check "district: same as a clean build" same_as_clean
check "district: its list is rewritten" rewritten districts/haguro/index.html

# 4. A page template.
sed -i '2a <!-- event template, edited -->' "$site/themes/default/templates/event.mustache"
rebuild
check "template: builds" [ $status -eq 0 ]
check "template: same as a clean build" same_as_clean
check "template: event pages are rewritten" rewritten events/2021-kenshukai/index.html
check "template: activity pages are kept" kept activities/daiichi-chanoma/index.html
check "template: lists are kept" kept activities/index.html

# 5. A partial used by one template only (pagination: lists).
printf '<!-- pagination, edited -->\n' >>"$site/themes/default/templates/partials/pagination.mustache"
rebuild
check "partial: builds" [ $status -eq 0 ]
check "partial: same as a clean build" same_as_clean
check "partial: lists are rewritten" rewritten districts/haguro/index.html
check "partial: activity pages are kept" kept activities/daiichi-chanoma/index.html
check "partial: event pages are kept" kept events/2027-kenshukai/index.html

# 6. The theme's CSS: a new content-hashed name on every page.
printf '\n.edited { color: inherit; }\n' >>"$site/themes/default/static/style.css"
rebuild
check "css: builds" [ $status -eq 0 ]
check "css: same as a clean build" same_as_clean
check "css: pages are rewritten" rewritten index.html
check "css: the picture files are kept" sh -c "
    grep '^\./img/' '$tmp/before' >'$tmp/ib' && grep '^\./img/' '$tmp/after' >'$tmp/ia' &&
    [ -s '$tmp/ib' ] && cmp -s '$tmp/ib' '$tmp/ia'"

# 7. A photo's pixels (the same name).
cp "$site/assets/photos/ryori.jpg" "$site/assets/photos/kaimono.jpg"
rebuild
check "photo: builds" [ $status -eq 0 ]
check "photo: same as a clean build" same_as_clean
check "photo: the page showing it is rewritten" rewritten activities/haguro-kaimono/index.html
check "photo: a page without it is kept" kept activities/daiichi-chanoma/index.html

# 8. An entry deleted.
rm "$site/content/activities/fujishima-arukokai.md"
rebuild
check "delete: builds" [ $status -eq 0 ]
check "delete: same as a clean build" same_as_clean
check "delete: its page is gone" [ ! -e "$site/public/activities/fujishima-arukokai/index.html" ]
check "delete: an event's calendar file is kept" kept events/2021-kenshukai/event.ics

# 9. An entry added.
cat >"$site/content/activities/haguro-shinki.md" <<'EOF'
---
title: 羽黒 新しいサロン
reading: はぐろあたらしいさろん
district: haguro
categories: [salon]
summary: 月に一度、公民館でお茶を飲みながら話す会です。
---
はじめての方も歓迎します。リンクは[買い物便](haguro-kaimono.md)へ。
EOF
rebuild
check "add: builds" [ $status -eq 0 ]
check "add: same as a clean build" same_as_clean
check "add: its page exists" [ -s "$site/public/activities/haguro-shinki/index.html" ]
# Every page shows how many activities each district has, so only other kinds of file stay.
check "add: an event's calendar file is kept" kept events/2021-kenshukai/event.ics

# 10. A link's target renamed: the body linking to it changes, its own text does not.
printf -- '---\ntitle: 羽黒 送迎\nreading: はぐろそうげい\ndistrict: haguro\ncategories: [transport]\n---\n送迎の案内です。\n' \
    >"$site/content/activities/haguro-sogei.md"
printf '\n[送迎](haguro-sogei.md)もあります。\n' >>"$site/content/activities/haguro-shinki.md"
rebuild
check "link: builds" [ $status -eq 0 ]
check "link: same as a clean build" same_as_clean
mv "$site/content/activities/haguro-sogei.md" "$site/content/activities/haguro-sogei2.md"
rebuild
check "link: a link to a vanished entry fails the build" [ $status -ne 0 ]
check "link: and says where" grep -q "haguro-shinki.md:10:.*haguro-sogei.md" "$tmp/err"
sed -i 's/(haguro-sogei.md)/(haguro-sogei2.md)/' "$site/content/activities/haguro-shinki.md"
rebuild
check "link: to the new name, same as a clean build" same_as_clean

# 11. The clock crossing an event's end (2026-12-09 15:00).
rebuild "2026-12-09 14:00"
check "clock: builds before the end" [ $status -eq 0 ]
check "clock: before the end, same as a clean build" same_as_clean "2026-12-09 14:00"
rebuild "2026-12-09 16:00"
check "clock: builds after the end" [ $status -eq 0 ]
check "clock: after the end, same as a clean build" same_as_clean "2026-12-09 16:00"
check "clock: the event's page is rewritten" rewritten events/2026-kushibiki-kaigi/index.html
check "clock: activity pages are kept" kept activities/daiichi-chanoma/index.html

# 12. A published file changed by hand is put right.
printf 'changed by hand' >"$site/public/activities/daiichi-chanoma/index.html"
rebuild "2026-12-09 16:00"
check "by hand: builds" [ $status -eq 0 ]
check "by hand: same as a clean build" same_as_clean "2026-12-09 16:00"
printf 'extra' >"$site/public/extra.html"
rebuild "2026-12-09 16:00"
check "by hand: a file added to the output goes" [ ! -e "$site/public/extra.html" ]

check "the previous version is kept beside the output" [ -d "$site/.public.spare" ]
# The manifest marks the files the spare holds as well (the same inode): the next build that
# stages in the spare leaves them where they are instead of looking at each.
shared=$(cat "$tmp"/cache/manifest-*[0-9a-f].txt | grep -c '^k ')
check "the manifest marks files the spare shares" [ "$shared" -gt 100 ]
same_inode() {
    [ "$(stat -c %i "$site/public/$1")" = "$(stat -c %i "$site/.public.spare/$1")" ]
}
check "a file marked shared is the spare's own" same_inode activities/index.html
grep -q '^k .* activities/index.html$' "$tmp"/cache/manifest-*[0-9a-f].txt
check "activities/index.html is marked shared" [ $? -eq 0 ]

# 13. Without the cache, the next build is still exact.
rm -rf "$tmp/cache"
rebuild "2026-12-09 16:00"
check "no cache: builds" [ $status -eq 0 ]
check "no cache: same as a clean build" same_as_clean "2026-12-09 16:00"
check "no cache: unchanged pages keep their inode and mtime" kept activities/index.html

# 14. Holding one entry's data at a time (as on a site of more than KAIRAN_HOLD_ENTRIES
# entries, where an entry's data is made again for each page that lists it): the pages' keys
# are the ones the last build recorded, so an edit rewrites the same pages as before.
printf '\n冬の間は休みます。\n' >>"$site/content/activities/daiichi-chanoma.md"
stamps "$tmp/before"
sleep 0.02
KAIRAN_HOLD_ENTRIES=1 build "2026-12-09 16:00"
status=$?
stamps "$tmp/after"
check "held one: builds" [ $status -eq 0 ]
check "held one: same as a clean build" same_as_clean "2026-12-09 16:00"
check "held one: the edited page is rewritten" rewritten activities/daiichi-chanoma/index.html
check "held one: another activity's page is kept" kept activities/haguro-kaimono/index.html
check "held one: the activities list is kept" kept activities/index.html
check "held one: an event page is kept" kept events/2021-kenshukai/index.html
check "held one: the home page is kept" kept index.html

# 15. Warnings: a rebuild with nothing to do repeats the last build's warnings, as they were.
cp "$site/content/activities/asahi-koekake.md" "$tmp/koekake.md"
sed -i 's/^reading: .*/reading: Asahi/' "$site/content/activities/asahi-koekake.md"
build "2026-12-09 16:00"
check "warnings: builds" [ $? -eq 0 ]
grep 'warning' "$tmp/err" >"$tmp/warned"
check "warnings: the build warns" grep -q "asahi-koekake.md:3:10: warning: 'reading' should be" \
    "$tmp/warned"
"$KAIRAN" build -s "$site" --now "2026-12-09 16:00" --cache-dir "$tmp/cache" >"$tmp/out" 2>"$tmp/err"
check "warnings: the next build has nothing to do" grep -q "is up to date" "$tmp/out"
check "warnings: and repeats the warning" cmp -s "$tmp/warned" "$tmp/err"
# What was kept of them, damaged: the build is done again (and warns again).
for f in "$tmp/cache"/manifest-*-warnings.txt; do printf 'warning\tx' >>"$f"; done
"$KAIRAN" build -s "$site" --now "2026-12-09 16:00" --cache-dir "$tmp/cache" >"$tmp/out" 2>"$tmp/err"
check "warnings: damaged, the build is done again" sh -c "! grep -q 'is up to date' '$tmp/out'"
check "warnings: damaged, the warning still comes" cmp -s "$tmp/warned" "$tmp/err"
check "warnings: same as a clean build" same_as_clean "2026-12-09 16:00"
cp "$tmp/koekake.md" "$site/content/activities/asahi-koekake.md"
build "2026-12-09 16:00"
"$KAIRAN" build -s "$site" --now "2026-12-09 16:00" --cache-dir "$tmp/cache" >"$tmp/out" 2>"$tmp/err"
check "warnings: fixed, nothing to do and nothing to say" \
    sh -c "grep -q 'is up to date' '$tmp/out' && [ ! -s '$tmp/err' ]"

# 15b. What the pages were made from is kept beside the manifest: damaged, or from another
# build, it only means every page is set up again.
for f in "$tmp/cache"/manifest-*-deps.bin; do printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null; done
printf '\n冬の間は休みます。\n' >>"$site/content/activities/haguro-kaimono.md"
rebuild "2026-12-09 16:00"
check "deps damaged: builds" [ $status -eq 0 ]
check "deps damaged: same as a clean build" same_as_clean "2026-12-09 16:00"
check "deps damaged: an untouched page is kept" kept activities/daiichi-chanoma/index.html
cp "$tmp/cache"/manifest-*-deps.bin "$tmp/deps-before"
sed -i 's/^title: 羽黒 お買い物便$/title: 羽黒 買い物便/' "$site/content/activities/haguro-kaimono.md"
rebuild "2026-12-09 16:00"
for f in "$tmp/cache"/manifest-*-deps.bin; do cp "$tmp/deps-before" "$f"; done
sed -i 's/^title: 羽黒 買い物便$/title: 羽黒 お買い物便/' "$site/content/activities/haguro-kaimono.md"
rebuild "2026-12-09 16:00"
check "deps of an older build: builds" [ $status -eq 0 ]
check "deps of an older build: same as a clean build" same_as_clean "2026-12-09 16:00"
check "deps of an older build: the district's list is rewritten" rewritten districts/haguro/index.html

# 16. Random sequences of edits of every kind (bodies, titles, dates, districts, pictures,
# templates, partials, site.yaml, theme.yaml, new, deleted and renamed files, drafts): after
# each, the incremental build is byte for byte the clean build. The seed is fixed, so every run
# makes the same edits (make bench runs other seeds on 10,000 entries).
python=$(python_with)
if [ -n "$python" ]; then
    "$python" tests/tools/edit_sequence.py "$KAIRAN" . "$tmp/sequence" --seed 23 --steps 16 \
        --quiet >"$tmp/sequence.out" 2>&1
    add_results "$tmp/sequence.out"
else
    skip "random edit sequences" "no Python 3"
fi

# 17. kairan clean removes the output and the previous version kept beside it.
printf '\n追記。\n' >>"$site/content/activities/haguro-sogei2.md"
build "2026-12-09 16:00"
check "a changed build keeps the previous version again" [ -d "$site/.public.spare" ]
"$KAIRAN" clean -s "$site"
check "clean removes both" [ ! -e "$site/public" -a ! -e "$site/.public.spare" ]

finish
