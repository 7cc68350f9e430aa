#!/bin/sh
# Security of the whole program: no content can put a script into the site, no path in content
# or settings reaches outside the site folder and the output, and two builds never write the same
# output at once. Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh
py=/usr/bin/python3

# A site with the default theme and one small picture; $1 is its folder.
new_site() {
    mkdir -p "$1/themes" "$1/assets/photos"
    cp -R themes/default "$1/themes/"
    $py tests/bad/png.py 40 30 8 "$1/assets/photos/pic.png"
}
build() { (cd "$1" && shift && KAIRAN_THEMES_DIR=/nonexistent "$KAIRAN" build --quiet --now "$NOW" "$@"); }

# --- Scripts: every field and body carries payloads (tests/xss.py); the build succeeds and the
# checker finds nothing in any page, feed, sitemap, calendar or JSON file.
new_site "$tmp/xss"
$py tests/xss.py make "$tmp/xss" >"$tmp/xss.count"
build "$tmp/xss" 2>"$tmp/xss.err"
check "the site full of payloads builds" [ $? -eq 0 ]
check "the unsafe HTML and addresses were reported" [ "$(grep -c 'not allowed and was removed' "$tmp/xss.err")" -gt 40 ]
$py tests/xss.py check "$tmp/xss/public" >"$tmp/xss.out"
check "no script, event attribute or script address in any output file" [ $? -eq 0 ]
grep -v '^checked' "$tmp/xss.out" | head -20
missing=""
for n in $(seq -w 1 30); do
    grep -rqF "T$n" "$tmp/xss/public" || missing="$missing T$n"
done
check "every text payload reached the output (as text)${missing:+: missing$missing}" [ -z "$missing" ]
check "titles are escaped in headings" \
    grep -qF "<h1>&lt;img src=x onerror=alert('T02')&gt;</h1>" "$tmp/xss/public/activities/a01/index.html"
check "JSON-LD escapes '<' (no '</script' can end the block)" \
    grep -qF '\u003c/script\u003e\u003cscript\u003ealert(' "$tmp/xss/public/activities/a05/index.html"

# The checker itself finds each kind of problem: a page with one of each.
mkdir -p "$tmp/evil/feed"
cat >"$tmp/evil/page.html" <<'EOF'
<!DOCTYPE html><html><head><script type="application/ld+json">{"a":"</script"}</script>
<script type="application/ld+json">{not json}</script></head><body>
<script>alert(1)</script><script src="https://evil.example/x.js"></script>
<img src=x onerror=alert(1)><a href=" JaVa&#x09;Script:alert(1)">x</a><a href="vbscript:x">y</a>
<img src="data:image/png;base64,AAAA"><a href="data:text/html,x">z</a><iframe src=x></iframe>
<object data=x></object><embed src=x><svg></svg><style>p{}</style><form action=x></form>
<img srcset="a.png 1x, javascript:alert(1) 2x"><base href=x><meta http-equiv=refresh content=0>
</body></html>
EOF
printf '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;script&gt;x&lt;/script&gt;</content><summary>&lt;script&gt;shown as text&lt;/script&gt;</summary></entry></feed>\n' >"$tmp/evil/feed/feed.xml"
printf '<urlset><url>broken</urlset>\n' >"$tmp/evil/sitemap.xml"
printf 'BEGIN:VCALENDAR\r\nSUMMARY:a\nb\r\nEND:VCALENDAR\r\n' >"$tmp/evil/e.ics"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    printf '<p>%s</p>\n' "$i" >"$tmp/evil/p$i.html"
done
$py tests/xss.py check "$tmp/evil" >"$tmp/evil.out"
check "the checker fails a bad tree" [ $? -ne 0 ]
check "and finds all 22 problems planted in it" grep -q ': 22 problems$' "$tmp/evil.out"
grep -q ': 22 problems$' "$tmp/evil.out" || cat "$tmp/evil.out"

# Web address fields become links: only http and https are taken, at the field.
mkdir -p "$tmp/urls/content/pages" "$tmp/urls/content/events"
new_site "$tmp/urls"
printf 'title: t\nbase_url: https://example.jp/\n' >"$tmp/urls/content/site.yaml"
cat >"$tmp/urls/content/events/e.md" <<'EOF'
---
title: 会議
start: 2021-02-19 13:30
venues:
  - name: 会場
    url: "data:text/html,<script>alert(1)</script>"
contact:
  name: 係
  url: " JavaScript:alert(1)"
---
本文
EOF
printf -- '---\ntitle: 絵\n---\n![絵](photos/evil.svg)\n\n![実体](&#106;avascript:alert(1))\n' \
    >"$tmp/urls/content/pages/p.md"
printf '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>\n' \
    >"$tmp/urls/assets/photos/evil.svg"
build "$tmp/urls" 2>"$tmp/urls.err"
check "unsafe web addresses fail the build" [ $? -eq 1 ]
cat >"$tmp/urls.want" <<'EOF'
content/events/e.md:6:10: error: 'url' should be a web address starting with https:// or http:// (like https://example.jp/salon/)
content/events/e.md:9:8: error: 'url' should be a web address starting with https:// or http:// (like https://example.jp/salon/)
content/pages/p.md:4:6: error: the picture assets/photos/evil.svg is an SVG drawing, which kairan cannot resize; save it as PNG
content/pages/p.md:6:7: warning: the image address 'javascript:alert(1)' is not allowed and was removed (use a picture file of the site, or an http or https address)
EOF
check "each at its field, in plain words, with the bodies' in the same run" \
    diff "$tmp/urls.want" "$tmp/urls.err"
rm "$tmp/urls/content/events/e.md"
build "$tmp/urls" 2>"$tmp/urls.err"
check "an SVG with a script fails the build; a script address written with an entity is removed" [ $? -eq 1 ]
cat >"$tmp/urls.want" <<'EOF'
content/pages/p.md:4:6: error: the picture assets/photos/evil.svg is an SVG drawing, which kairan cannot resize; save it as PNG
content/pages/p.md:6:7: warning: the image address 'javascript:alert(1)' is not allowed and was removed (use a picture file of the site, or an http or https address)
EOF
check "each named, the address where it is written" diff "$tmp/urls.want" "$tmp/urls.err"
check "and nothing was published" [ ! -e "$tmp/urls/public" ]

# --- Paths: nothing outside the site folder is read into the site or written to. A folder beside
# the site holds a secret picture and page; the site points at them every way it can.
mkdir -p "$tmp/paths/outside" "$tmp/paths/site/content/pages" "$tmp/paths/site/content/activities"
new_site "$tmp/paths/site"
$py tests/bad/png.py 64 48 8 "$tmp/paths/outside/secret.png"
printf -- '---\ntitle: SECRET-PAGE\n---\nSECRET-BODY\n' >"$tmp/paths/outside/secret.md"
site=$tmp/paths/site
printf 'title: t\nbase_url: https://example.jp/\n' >"$site/content/site.yaml"
cat >"$site/content/pages/p.md" <<EOF
---
title: 道
---
![上へ](../../../outside/secret.png)
![絶対](${tmp}/paths/outside/secret.png)
<img src="../../../outside/secret.png" alt="生のHTML">
[外の頁](../../../outside/secret.md)
EOF
ln -s ../../../outside/secret.md "$site/content/pages/linked.md"
ln -s ../../outside "$site/assets/outside"
printf -- '---\ntitle: 写真\n---\n![外](outside/secret.png)\n' >"$site/content/pages/q.md"
( cd "$tmp/paths" && find . -path ./site -prune -o -printf '%p %i %T@ %s\n' | sort ) >"$tmp/paths.before"
build "$site" 2>"$tmp/paths.err"
check "paths out of the site fail the build" [ $? -eq 1 ]
cat >"$tmp/paths.want" <<'EOF'
content/pages/linked.md: error: this link points outside the site folder; copy the file in instead
EOF
check "a linked entry outside is refused first, by the listing" diff "$tmp/paths.want" "$tmp/paths.err"
rm "$site/content/pages/linked.md"
build "$site" 2>"$tmp/paths.err"
check "without it, the build still fails" [ $? -eq 1 ]
sed "s|TMP|$tmp|" >"$tmp/paths.want" <<'EOF'
content/pages/p.md:4:7: error: the picture '../../../outside/secret.png' is outside the site folder (through '..' or a link): kairan only publishes files of the site; copy the picture into assets/
content/pages/p.md:5:7: error: 'TMP/paths/outside/secret.png' is not a picture in the site folder: put the file in assets/ (or beside this file) and name it by that path
content/pages/p.md:6:1: error: the picture '../../../outside/secret.png' is outside the site folder (through '..' or a link): kairan only publishes files of the site; copy the picture into assets/
content/pages/p.md:7:7: error: this link points to '../../../outside/secret.md', which is not an entry in content/ (links name the file, like ../events/x.md)
content/pages/q.md:4:6: error: the picture 'outside/secret.png' is outside the site folder (through '..' or a link): kairan only publishes files of the site; copy the picture into assets/
EOF
check "each way out is named at its line" diff "$tmp/paths.want" "$tmp/paths.err"
( cd "$tmp/paths" && find . -path ./site -prune -o -printf '%p %i %T@ %s\n' | sort ) >"$tmp/paths.after"
check "nothing beside the site folder was written" diff "$tmp/paths.before" "$tmp/paths.after"
check "no output was published" [ ! -e "$site/public" ]
# The settings and the command line cannot aim the output at the sources (see tests/bad/cases
# output-*): here the cache and the output given as the same folder.
rm "$site/content/pages/p.md" "$site/content/pages/q.md"
printf -- '---\ntitle: 写真\n---\n![絵](photos/pic.png)\n' >"$site/content/pages/r.md"
build "$site" -o "$site/work" --cache-dir "$site/work" 2>"$tmp/cache.err"
check "output and cache in one folder is refused" [ $? -eq 1 ]
check "with a message" grep -q "work: error: cannot be the output folder: it holds .*work/img, and kairan replaces the output folder on every build" "$tmp/cache.err"

# --- The lock: two builds of the same output at once. The second waits for the first (saying
# so), or with --no-wait stops at once with a clear message; either way the site is whole.
$py bench/corpus.py 400 "$tmp/lock" >/dev/null
mkdir -p "$tmp/small"
new_site "$tmp/small"
mkdir -p "$tmp/small/content/pages"
printf 'title: t\nbase_url: https://example.jp/\n' >"$tmp/small/content/site.yaml"
printf -- '---\ntitle: 小さな頁\n---\n本文\n' >"$tmp/small/content/pages/p.md"
build "$tmp/lock" -o "$tmp/ref-large"
build "$tmp/small" -o "$tmp/ref-small"
sums() { (cd "$1" && find . -type f | sort | xargs md5sum); }
sums "$tmp/ref-large" >"$tmp/large.sums"
sums "$tmp/ref-small" >"$tmp/small.sums"
out=$tmp/lock/public
# Another build is simulated first by a process that holds the lock for a moment: the build
# waits, says so, and finishes once the lock is free; with --no-wait it stops at once.
touch "$tmp/lock/.public.lock"
flock "$tmp/lock/.public.lock" sleep 1 &
holder=$!
sleep 0.2
(cd "$tmp/small" && "$KAIRAN" build --now "$NOW" -o "$out" --no-wait) >/dev/null 2>"$tmp/c.err"
check "--no-wait stops at once with exit 3 while the output is locked" [ $? -eq 3 ]
check "saying why" grep -qx "$out: error: another build is writing to this folder right now; try again when it has finished" "$tmp/c.err"
(cd "$tmp/small" && "$KAIRAN" build --now "$NOW" -o "$out") >/dev/null 2>"$tmp/b.err"
check "without it the build waits for the lock and succeeds" [ $? -eq 0 ]
check "saying it waits" grep -qx "kairan: waiting for another build writing to $out/ to finish" "$tmp/b.err"
wait "$holder"
sums "$out" >"$tmp/now.sums"
check "and publishes its whole site" cmp -s "$tmp/small.sums" "$tmp/now.sums"
# Two real builds: the large site starts first; once it writes (its staging folder exists) a
# small one starts on the same output, reaches the lock while the large one still holds it, and
# publishes after it. Both succeed; the output is the small site, whole.
start_large() {
    rm -rf "$out"
    (cd "$tmp/lock" && exec "$KAIRAN" build --quiet --now "$NOW") 2>"$tmp/a.err" &
    first=$!
    n=0
    while [ $n -lt 1000 ] && ! ls -a "$tmp/lock" | grep -q '^\.public\.staging-'; do
        sleep 0.01
        n=$((n + 1))
    done
}
start_large
(cd "$tmp/small" && "$KAIRAN" build --now "$NOW" -o "$out") >/dev/null 2>"$tmp/b.err"
b=$?
wait "$first"
a=$?
check "two builds at once both succeed" [ "$a" -eq 0 -a "$b" -eq 0 ]
sums "$out" >"$tmp/now.sums"
check "and the output is the later one, whole" cmp -s "$tmp/small.sums" "$tmp/now.sums"
# With --no-wait the second stops (exit 3) if the first still writes, and the first's site is
# whole; or, on a slow machine where the first was done, it publishes its own.
start_large
(cd "$tmp/small" && "$KAIRAN" build --quiet --no-wait --now "$NOW" -o "$out") 2>"$tmp/c.err"
c=$?
wait "$first"
a=$?
sums "$out" >"$tmp/now.sums"
check "the first build succeeds" [ "$a" -eq 0 ]
if [ "$c" -eq 3 ]; then
    check "--no-wait during a real build: the first's site is whole" cmp -s "$tmp/large.sums" "$tmp/now.sums"
else
    check "--no-wait after the first ended: its own site is whole" cmp -s "$tmp/small.sums" "$tmp/now.sums"
fi
check "no staging folder is left" sh -c "! ls -a '$tmp/lock' | grep -q staging"

finish
