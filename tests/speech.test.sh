#!/bin/sh
# Read-aloud (読み上げ) on the example site: every entry's page has the control (hidden, shown by
# the stylesheet where site.js finds speech synthesis), and in headless Chromium, with speech
# synthesis replaced by a recorder (tests/tools/speech_check.py), what is said: the title, then
# the article in order, in Japanese, ruby by its reading and once, tables row by row after
# their headers, a chart by its description, no navigation; the sentence being read is marked;
# 一時停止, 停止 and ゆっくり work; without speech synthesis or JavaScript the control stays
# hidden. Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh
python=$(python_with json)
[ -n "$python" ] || skip_suite speech "python3 is not installed"

"$KAIRAN" build -s . -o "$tmp/http/watowa" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the example builds" [ $? -eq 0 ]
out=$tmp/http/watowa

# The control is on every entry's page (activities, events, issues, pages) and on no other.
missing=""
for f in "$out"/activities/*/index.html "$out"/events/*/index.html "$out"/issues/*/index.html \
         "$out"/about/index.html "$out"/contacts/index.html "$out"/figures/index.html; do
    case $f in */page/*) continue ;; esac
    grep -q '<div class="speech" role="group" aria-labelledby="speech-label" data-speech hidden>' "$f" &&
        grep -q 'static/speech\.[0-9a-f]*\.js" defer></script>' "$f" || missing="$missing ${f#$out/}"
done
check "every entry's page has the 読み上げ control and its script${missing:+; not:}$missing" [ -z "$missing" ]
others=$(grep -l 'data-speech ' "$out/index.html" "$out/activities/index.html" \
    "$out/events/index.html" "$out/search/index.html" "$out/404.html")
check "list pages, the home page, search and 404 have none${others:+: }$others" [ -z "$others" ]
check "its buttons: 読み上げる, 一時停止, 停止, ゆっくり" grep -q \
    '<button type="button" data-speech-slow aria-pressed="false">ゆっくり</button>' "$out/contacts/index.html"

browser=""
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
    skip "read-aloud in a browser" "Chromium is not installed"
    finish
fi
"$python" tests/tools/speech_check.py "$browser" "$tmp/http" /watowa/ >"$tmp/speech.out" 2>&1
add_results "$tmp/speech.out"
finish
