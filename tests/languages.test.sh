#!/bin/sh
# A site in several languages: builds tests/sites/languages (Japanese, やさしい日本語 and English;
# some entries translated, some not) and checks what every page, list, feed, calendar, search
# index, sitemap and print edition of each language holds: the fallback rule (untranslated
# entries listed in Japanese with a label and lang="ja") and the hiding one (untranslated: hide),
# the language switch leading only to pages that exist, the hreflang alternates and the
# sitemap's (each pair named from both sides), one Atom feed per language read with feedparser
# and one calendar per language read with icalendar, dates in each language, JSON-LD inLanguage,
# <html lang>. Then the example site's every language through validate-html and a11y-check when
# ../shared/tools has them. The catalogues' errors are bad cases (tests/bad/cases/i18n-*).
. tests/lib.sh
site=tests/sites/languages

KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$site" -o "$tmp/out" --now "$NOW" --quiet \
    --cache-dir "$tmp/cache" 2>"$tmp/err"
check "the site in three languages builds" [ $? -eq 0 ]
check "without a warning" [ ! -s "$tmp/err" ]
cat "$tmp/err"

# The same site hiding what is not translated.
mkdir "$tmp/hide"
cp -R "$site/content" "$tmp/hide/"
sed -i 's/^untranslated: fallback$/untranslated: hide/' "$tmp/hide/content/site.yaml"
KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$tmp/hide" -o "$tmp/hidden" --now "$NOW" --quiet \
    --cache-dir "$tmp/cache-hide"
check "the site hiding untranslated entries builds" [ $? -eq 0 ]

py=$(python_with feedparser icalendar)
if [ -z "$py" ]; then
    skip "languages: feeds, calendars, links" \
        "feedparser or icalendar is not installed: apt-get install python3-feedparser python3-icalendar"
else
    "$py" tests/tools/languages_check.py "$tmp/out" "$tmp/hidden" >"$tmp/py" 2>&1
    add_results "$tmp/py"
fi

# The example site: every language valid HTML and without an accessibility problem of any
# impact (a sample of each language's pages, served under its base path).
tools=${KAIRAN_SITE_TOOLS:-$repo/../shared/tools}
mkdir -p "$tmp/example/watowa"
"$KAIRAN" build -s . -o "$tmp/example/watowa" --now "$NOW" --quiet --cache-dir "$tmp/cache-ex" \
    2>"$tmp/ex.err"
check "the example site builds" [ $? -eq 0 ]
check "the example site builds without a warning" [ ! -s "$tmp/ex.err" ]
cat "$tmp/ex.err"
if [ -x "$tools/validate-html" ]; then
    "$tools/validate-html" "$tmp/example/watowa" >"$tmp/vnu.out" 2>&1
    check "validate-html: every page of every language" [ $? -eq 0 ]
    grep -v "^validate-html:" "$tmp/vnu.out" | head -20
else
    skip "validate-html" "$tools/validate-html is not there"
fi
if [ -x "$tools/a11y-check" ] && [ -x /usr/bin/chromium ]; then
    for lang in easy en vi; do
        mkdir -p "$tmp/a11y-$lang/watowa"
        cp -R "$tmp/example/watowa/static" "$tmp/example/watowa/img" "$tmp/a11y-$lang/watowa/"
        cp -R "$tmp/example/watowa/$lang" "$tmp/a11y-$lang/watowa/"
        "$tools/a11y-check" --sample 12 --fail-on minor,moderate,serious,critical "$tmp/a11y-$lang" \
            >"$tmp/axe-$lang.out" 2>&1
        check "a11y-check: the $lang pages, no violation of any impact" [ $? -eq 0 ]
        grep -iE "violation|fail" "$tmp/axe-$lang.out" | head -10
    done
else
    skip "a11y-check" "$tools/a11y-check or Chromium is not there"
fi

finish
