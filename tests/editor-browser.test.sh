#!/bin/sh
# kairan serve's editor in headless Chromium (tests/tools/editor_walk.py): an event created with
# two sessions and a photo (alt text and consent asked for), saved, edited and seen in the
# preview after the typing (its speed is a benchmark), an entry opened with the keyboard, a translation
# opened (its form without the original's fields, its preview in English) and one made with
# 翻訳を作る, messages shown at their fields; then the editor's page, as drawn in those states, through validate-html and
# a11y-check (no violation of any impact) when ../shared/tools has them. Without Chromium
# (or python3) the suite says so and counts nothing.
. tests/lib.sh
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
[ -n "$browser" ] || skip_suite editor-browser "Chromium is not installed"
command -v python3 >/dev/null 2>&1 || skip_suite editor-browser "python3 is not installed"
mkdir "$tmp/site" "$tmp/shots"
cp -R content themes assets "$tmp/site/"
python3 tests/tools/editor_walk.py "$KAIRAN" "$tmp/site" "$tmp/shots" >"$tmp/walk.out" 2>&1
add_results "$tmp/walk.out"

tools=${KAIRAN_SITE_TOOLS:-$repo/../shared/tools}
if [ -x "$tools/validate-html" ]; then
    "$tools/validate-html" "$tmp/shots" >"$tmp/vnu.out" 2>&1
    check "validate-html: the editor's pages" [ $? -eq 0 ]
    grep -v '^$' "$tmp/vnu.out" | grep -i error | head -20
else
    skip "validate-html" "$tools/validate-html is not there"
fi
if [ -x "$tools/a11y-check" ]; then
    "$tools/a11y-check" --fail-on minor,moderate,serious,critical "$tmp/shots" >"$tmp/axe.out" 2>&1
    check "a11y-check: the editor's pages, no violation of any impact" [ $? -eq 0 ]
    grep -iE 'violation|impact|fail' "$tmp/axe.out" | head -20
else
    skip "a11y-check" "$tools/a11y-check is not there"
fi
finish
