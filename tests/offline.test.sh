#!/bin/sh
# The installable magazine that reads offline, on a copy of the example site: the web app
# manifest and its icons (made from the theme's icon), the service worker sw.js (its version
# the fingerprint of the published files: the same for the same site, new when a file changes),
# the offline page, latest.json for the new-issue notice; none of them with --portable, no
# worker in kairan serve's preview. In headless Chromium (tests/tools/offline_check.py): the
# site loads, is installable, goes offline and its kept pages and pictures load again; a new
# build drops the old cache; a returning reader is told once of a new issue.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh
python=$(python_with json)
[ -n "$python" ] || skip_suite offline "python3 is not installed"

site=$tmp/site
mkdir -p "$site"
cp -R content themes assets "$site/"
build() { KAIRAN_THEMES_DIR=/nonexistent "$KAIRAN" build --quiet --now "$NOW" "$@"; }
out=$tmp/http/watowa
build -s "$site" -o "$out" 2>"$tmp/err"
check "the example builds" [ $? -eq 0 -a ! -s "$tmp/err" ]

# The files.
check "manifest.webmanifest, latest.json, sw.js and the offline page are published" \
    [ -f "$out/manifest.webmanifest" -a -f "$out/latest.json" -a -f "$out/sw.js" -a -f "$out/offline/index.html" ]
check "every page names the manifest" grep -q '<link rel="manifest" href="/watowa/manifest.webmanifest">' \
    "$out/index.html" "$out/events/index.html" "$out/contacts/index.html"
check "site.js is told where the worker and latest.json are" grep -q \
    '<script src="/watowa/static/site\.[0-9a-f]*\.js" data-latest="/watowa/latest.json" data-worker="/watowa/sw.js"></script>' \
    "$out/activities/index.html"
check "latest.json names the newest issue" \
    [ "$(cat "$out/latest.json")" = '{"number":6,"title":"第6号 特集「買い物と食卓の支え合い」","url":"issues/6/"}' ]
check "sw.js says what to keep and loads the theme's worker script" "$python" - "$out/sw.js" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.fullmatch(r'/\* [^\n]*\*/\nself\.kairanWorker = (\{.*\});\nimportScripts\("(static/worker\.[0-9a-f]{10}\.js)"\);\n', text, re.S)
c = json.loads(m.group(1))
assert re.fullmatch(r"[0-9a-f]{32}", c["version"])
urls = [k["url"] for k in c["keep"]]
assert urls[:2] == ["", "issues/6/"] and urls[-2:] == ["activities/", "contacts/"], urls
assert all(k.get("pictures") for k in c["keep"][1:-2]) and not c["keep"][0].get("pictures")
assert c["offline"] == "offline/"
PY
check "the offline page lists what can be read" grep -q '<li><a href="/watowa/contacts/">各地区の相談窓口</a></li>' \
    "$out/offline/index.html"
version() { sed -n 's/.*"version":"\([0-9a-f]*\)".*/\1/p' "$1/sw.js"; }
v1=$(version "$out")
build -s "$site" -o "$tmp/again" -j 1
check "the same site gives the same worker version (another folder, one thread)" [ "$(version "$tmp/again")" = "$v1" ]
build -s "$site" -o "$out"
check "a build with nothing changed keeps it" [ "$(version "$out")" = "$v1" ]
printf '\n電話でもご相談ください。\n' >>"$site/content/pages/about.md"
build -s "$site" -o "$tmp/again"
v2=$(version "$tmp/again")
check "a changed page gives a new version" [ -n "$v2" -a "$v2" != "$v1" ]
printf 'a{}\n' >>"$site/themes/default/static/style.css"
build -s "$site" -o "$tmp/again"
check "a changed stylesheet gives a new version" [ "$(version "$tmp/again")" != "$v2" ]
cp content/pages/about.md "$site/content/pages/about.md"
cp themes/default/static/style.css "$site/themes/default/static/style.css"

# The icons come from the theme's icon: a picture that is not square is cut to its centre
# square; a small one is enlarged, with a warning; without one the manifest has no icons.
cp -R "$site" "$tmp/wide"
"$python" tests/bad/png.py 300 200 8 "$tmp/wide/themes/default/static/icon.png"
build -s "$tmp/wide" -o "$tmp/wide-out" 2>"$tmp/wide.err"
check "a wide, small icon builds" [ $? -eq 0 ]
check "... into square icons of 192 and 512 pixels" "$python" - "$tmp/wide-out" <<'PY'
import json, struct, sys
m = json.load(open(sys.argv[1] + "/manifest.webmanifest"))
for icon in m["icons"]:
    head = open(sys.argv[1] + "/" + icon["src"], "rb").read(24)
    w, h = struct.unpack(">II", head[16:24])
    assert icon["sizes"] == "%dx%d" % (w, h) and w == h, icon
assert [i["sizes"] for i in m["icons"]] == ["192x192", "512x512"]
PY
check "... and a warning that the 512 one is enlarged" grep -q \
    "themes/default/static/icon.png: warning: is 200 pixels square and is enlarged to 512 for the app's icon" "$tmp/wide.err"
rm "$tmp/wide/themes/default/static/icon.png"
sed -i 's/icon_png/favicon_svg/g' "$tmp/wide/themes/default/templates/partials/head.mustache"
build -s "$tmp/wide" -o "$tmp/wide-out" 2>"$tmp/wide.err"
check "a theme without an icon builds, with a warning" \
    grep -q "warning: the theme .* has no static/icon.png: the site's app manifest has no icons" "$tmp/wide.err"
check "... and a manifest without icons" grep -q '"icons": \[\]' "$tmp/wide-out/manifest.webmanifest"
printf 'x' >"$tmp/wide/themes/default/static/icon.png"
build -s "$tmp/wide" -o "$tmp/wide-out" 2>"$tmp/wide.err"
check "an icon that is not a picture fails the build, naming the file" \
    [ $? -eq 1 -a -n "$(grep 'themes/default/static/icon.png: error:' "$tmp/wide.err")" ]

# A site opened from files has no worker, manifest or notice; the theme's files still go.
build -s "$site" -o "$tmp/portable" --portable
check "--portable writes no manifest, sw.js, latest.json nor offline page" \
    [ ! -e "$tmp/portable/manifest.webmanifest" -a ! -e "$tmp/portable/sw.js" -a ! -e "$tmp/portable/latest.json" -a ! -e "$tmp/portable/offline" ]
check "... and its pages name none of them" [ -z "$(grep -rlE 'rel="manifest"|data-worker|data-latest|data-issue-notice' "$tmp/portable" --include=*.html)" ]

browser=""
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
    skip "offline reading in a browser" "Chromium is not installed"
    finish
fi
"$python" tests/tools/offline_check.py serve "$browser" "$KAIRAN" "$site" >"$tmp/serve.out" 2>&1
add_results "$tmp/serve.out"
"$python" tests/tools/offline_check.py site "$browser" "$KAIRAN" "$site" "$tmp/http" /watowa/ >"$tmp/offline.out" 2>&1
add_results "$tmp/offline.out"
finish
