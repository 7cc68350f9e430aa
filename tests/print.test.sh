#!/bin/sh
# The print edition: one valid XHTML 1.1 document per issue with its stylesheet and pictures,
# settings from site.yaml, errors for a broken print template and a too-small picture, and
# (when Vivliostyle or WeasyPrint is installed) the PDF checked with poppler's tools.
# Run by tests/run.sh with KAIRAN and BUILD set; cwd is the repository root.
. tests/lib.sh
# A copy of the example site to change.
site() { mkdir -p "$tmp/$1" && cp -R content assets themes "$tmp/$1/"; }

"$KAIRAN" build -s . -o "$tmp/out" --now "$NOW" --cache-dir "$tmp/cache" >"$tmp/said" 2>"$tmp/err"
check "the example builds" [ $? -eq 0 ]
check "the last line names the print edition" \
    sh -c "tail -n 1 '$tmp/said' | grep -qx 'kairan: print edition of 2 issues in $tmp/out/print/ (make print-pdf for PDF)'"
check "with no warning about print pictures" [ ! -s "$tmp/err" ]
for n in 5 6; do
    doc="$tmp/out/print/$n/$n.xhtml"
    check "issue $n has its print document" [ -s "$doc" ]
    check "issue $n's document is valid XHTML 1.1 (xmllint, no network)" \
        xmllint --noout --nonet --valid "$doc"
    check "issue $n's document has the XHTML 1.1 DOCTYPE" \
        grep -q '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN"' "$doc"
    check "issue $n's document is in Japanese" grep -q 'xml:lang="ja" lang="ja"' "$doc"
    check "issue $n has print.css beside it" [ -s "$tmp/out/print/$n/print.css" ]
    # Self-contained: every src is a relative path to a file in the folder.
    srcs=$(grep -o ' src="[^"]*"' "$doc" | sed 's/ src="//; s/"$//')
    cover=$(grep -o 'url("img/[^"]*")' "$doc" | sed 's/url("//; s/")$//')
    missing=0
    for s in $srcs $cover; do
        case "$s" in /* | *..* | *:*) missing=1 ;; esac
        [ -f "$tmp/out/print/$n/$s" ] || missing=1
    done
    check "issue $n's pictures are all beside it, by relative paths" [ "$missing" -eq 0 ]
    check "issue $n uses print pictures, never web sizes" \
        sh -c "! grep -q -- '-640\.jpg\|-1280\.jpg\|srcset' '$doc'"
    check "issue $n has no HTML5-only elements" \
        sh -c "! grep -q '<section\|<figure\|<article\|<header\|<nav\|<time' '$doc'"
done
# Another machine, another moment: a build with an empty cache gives the same print pictures
# (the colour profile inside them carries no date).
sleep 1
"$KAIRAN" build -s . -o "$tmp/out2" --now "$NOW" --quiet --cache-dir "$tmp/cache2" 2>/dev/null
check "a second cold build gives the same print edition, pictures too" \
    diff -r "$tmp/out/print" "$tmp/out2/print"
doc="$tmp/out/print/5/5.xhtml"
check "ruby has <rb>" grep -q '<ruby><rb>櫛引</rb><rp>(</rp><rt>くしびき</rt><rp>)</rp></ruby>' "$doc"
check "the contents link to each entry" grep -q '<a href="#activity-kushibiki-otokojuku">' "$doc"
check "ids inside entries are prefixed by the entry" \
    grep -q 'id="activity-kushibiki-otokojuku.活動を知りたいときは"' "$doc"
check "links to entries become the site's addresses" \
    grep -q 'href="https://example.jp/watowa/events/2020-ninaite-yosei/"' "$doc"
check "@page takes A4, the bleed and crop marks from site.yaml" \
    grep -q 'size: 210mm 297mm;' "$doc"
check "bleed 3mm" grep -q 'bleed: 3mm;' "$doc"
check "crop cross marks" grep -q 'marks: crop cross;' "$doc"
check "the back page is the contacts page" grep -q '<div class="back-page" id="page-contacts">' "$doc"
check "the colophon gives the copies" grep -q '<dt>発行部数</dt><dd>5000部</dd>' "$doc"
check "events have a schedule table" \
    grep -q '<td class="schedule-date">令和3年2月19日（金）</td><td class="schedule-time">13:30〜16:00</td>' "$doc"
doc6="$tmp/out/print/6/6.xhtml"
sessions=$(grep -c '^start:\|^  - start:' content/events/2020-ninaite-yosei.md)
rows=$(grep -o '<td>[^<]*</td><td>令和2年度 鶴岡市担い手養成研修' "$doc" | wc -l)
check "a course lists each of its $sessions sessions in the schedule" [ "$rows" -eq "$sessions" ]
# An entry's facts are its own: a section's session table never leaks into them.
for d in "$tmp"/out/print/*/*.xhtml; do
    empty=$(grep -oE '<([a-z0-9]+)( [^>]*)?></\1>' "$d" | head -n 3 | tr '\n' ' ')
    check "no empty element in ${d#$tmp/out/}${empty:+: $empty}" [ -z "$empty" ]
done
check "a course's facts have no 日程 row per session" \
    [ "$(sed -n '/id="event-2020-ninaite-yosei"/,/<\/dl>/p' "$doc" | grep -c '<dt>日程</dt>')" -eq 0 ]
talks=$(grep -c '^  - title:' content/events/2021-kenshukai.md)
check "the seminar's programme is printed, $talks talks with their speakers" \
    [ "$(grep -o '<li>[^<]*（講師：[^<]*）</li>' "$doc" | wc -l)" -eq "$talks" ]
check "remote venues are 中継会場 in print, as on the web" \
    grep -q '<dt>中継会場</dt><dd>櫛引生涯学習センター' "$doc"
check "and the main venue 主会場" grep -q '<dt>主会場</dt><dd>鶴岡市総合保健福祉センター' "$doc"
check "issue 6 lists its contents in the order given" \
    sh -c "grep -o 'toc-item\"><a href=\"#[a-z0-9-]*' '$doc6' | sed -n '2,3p' | tr '\n' ' ' | grep -q 'activity-haguro-kaimono.*activity-kushibiki-idohanbai'"
check "print.css is not published among the web site's static files" \
    sh -c "! ls '$tmp/out/static' | grep -q print"
check "the issue page links to its print edition" \
    grep -q 'href="/watowa/print/5/5.xhtml"' "$tmp/out/issues/5/index.html"

# Settings: B5, no marks, another bleed, vertical writing with upright two-digit numbers.
site b5
sed -i 's/^  size: A4$/  size: B5/; s/^  bleed: 3mm$/  bleed: 5mm/; s/^  marks: crop cross$/  marks: none/; s/^  writing: horizontal$/  writing: vertical/' \
    "$tmp/b5/content/site.yaml"
"$KAIRAN" build -s "$tmp/b5" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "a B5 site builds" [ $? -eq 0 ]
d="$tmp/b5/public/print/5/5.xhtml"
check "B5 is JIS B5, 182 x 257 mm" grep -q 'size: 182mm 257mm;' "$d"
check "bleed 5mm" grep -q 'bleed: 5mm;' "$d"
check "marks: none" grep -q 'marks: none;' "$d"
check "vertical writing is set on the body" grep -q '<body class="writing-vertical break-page">' "$d"
check "two-digit numbers stand upright (縦中横)" grep -q '<span class="tcy">18</span>人' "$d"
check "numbers of three or more digits do not" sh -c "! grep -q '<span class=\"tcy\">152' '$d'"
check "the vertical document is valid too" xmllint --noout --nonet --valid "$d"

site badbleed
sed -i 's/^  bleed: 3mm$/  bleed: 3cm/' "$tmp/badbleed/content/site.yaml"
line=$(grep -n '^  bleed:' "$tmp/badbleed/content/site.yaml" | cut -d: -f1)
"$KAIRAN" build -s "$tmp/badbleed" --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err"
check "a bleed in centimetres fails the build" [ $? -eq 1 ]
check "with the field's place and the rule" grep -q \
    "content/site.yaml:$line:10: error: '3cm' is not a bleed width: write it in millimetres from 0mm to 10mm, like 3mm" "$tmp/err"

# A print template that is not XHTML 1.1 fails the build, names the line, and keeps the copy.
site badtpl
sed -i 's|^<div class="toc" id="toc">$|<section class="toc"></section>\n&|' \
    "$tmp/badtpl/themes/default/templates/print/issue.mustache"
"$KAIRAN" build -s "$tmp/badtpl" --now "$NOW" --quiet --cache-dir "$tmp/badcache" 2>"$tmp/err"
check "an invalid print document fails the build" [ $? -eq 1 ]
check "the message names the kept copy, its line, and what is wrong" grep -q \
    "$tmp/badcache/print/5.xhtml:38:21: error: the print edition is not valid XHTML 1.1: No declaration for attribute class of element section" "$tmp/err"
check "the kept copy is there to read" [ -s "$tmp/badcache/print/5.xhtml" ]
check "nothing was published" [ ! -e "$tmp/badtpl/public" ]

# A rebuild keeps a print document that comes out byte for byte as the last build published it,
# without validating it again: shown here by a rebuild that could not find the DTD (no catalog).
site again
"$KAIRAN" build -s "$tmp/again" --now "$NOW" --quiet --cache-dir "$tmp/againcache" 2>/dev/null
printf '\n声かけの当番表を更新しました。\n' >>"$tmp/again/content/activities/asahi-koekake.md"
XML_CATALOG_FILES=/nonexistent "$KAIRAN" build -s "$tmp/again" --now "$NOW" --quiet \
    --cache-dir "$tmp/againcache" >/dev/null 2>"$tmp/err"
check "an unchanged print document is kept without validating it again" [ $? -eq 0 ]
grep -l '当番表を更新' "$tmp/again/public/print"/*/*.xhtml >/dev/null 2>&1 &&
    fail "the change was not meant to reach the print edition"
sed -i 's/^title: .*/title: 新しい題/' "$tmp/again/content/issues/5.md"
XML_CATALOG_FILES=/nonexistent "$KAIRAN" build -s "$tmp/again" --now "$NOW" --quiet \
    --cache-dir "$tmp/againcache" >/dev/null 2>"$tmp/err"
check "a changed one is validated (and here fails, without its DTD)" [ $? -eq 1 ]
check "  saying why, in kairan's words" grep -q \
    "error: the print edition cannot be checked: the XHTML 1.1 DTD is not in the XML catalog" \
    "$tmp/err"
check "  and only in kairan's words (no line from libxml2)" \
    sh -c "! grep -v '^[^ ]*: error: ' '$tmp/err'"

# A picture too small for 300 dpi at its placed width gets a warning naming it and its dpi.
site small
/usr/bin/python3 - "$tmp/small/assets/photos/tiny.png" <<'PY'
import struct, sys, zlib
w, h = 400, 300
row = b"\0" + b"".join(bytes((x % 256, 120, 200)) for x in range(w))
raw = row * h
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
printf '\n![小さな図](photos/tiny.png)\n' >>"$tmp/small/content/activities/kushibiki-otokojuku.md"
line=$(wc -l <"$tmp/small/content/activities/kushibiki-otokojuku.md")
"$KAIRAN" build -s "$tmp/small" --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err"
check "a small picture still builds" [ $? -eq 0 ]
check "with a warning naming the picture and its dpi at the placed width" grep -q \
    "content/activities/kushibiki-otokojuku.md:$line:9: warning: the picture $tmp/small/assets/photos/tiny.png is only 102 dpi at 100 mm wide (print needs 300 dpi, so a picture at least 1181 pixels wide); it may look blurred in print" "$tmp/err"

# The PDF, when the typesetters are installed (make print-pdf installs Vivliostyle).
# pdf_checks ENGINE PDF: ENGINE made PDF of issue 5, and it passes tests/print/check_pdf.py.
pdf_checks() {
    check "$1 renders issue 5" [ -s "$2" ]
    /usr/bin/python3 tests/print/check_pdf.py "$2" "$tmp/out/print/5/5.xhtml" 和と輪つるおか "$1" \
        >"$tmp/$1.log"
    grep FAIL "$tmp/$1.log"
    check "the $1 PDF passes its checks" sh -c "tail -n 1 '$tmp/$1.log' | grep -q ' 0 failed'"
}
vivliostyle="$BUILD/print-tools/node_modules/.bin/vivliostyle"
if [ -x "$vivliostyle" ] && [ -x /usr/bin/chromium ] && command -v pdfinfo >/dev/null; then
    (cd "$tmp/out/print/5" && "$(cd "$OLDPWD" && cd "$(dirname "$vivliostyle")" && pwd)/vivliostyle" \
        build 5.xhtml --single-doc -o "$tmp/5v.pdf" --executable-browser /usr/bin/chromium \
        --log-level silent)
    pdf_checks vivliostyle "$tmp/5v.pdf"
else
    skip "print: the PDF by Vivliostyle" "Vivliostyle or Chromium is not installed; make print-pdf installs them"
fi
if command -v weasyprint >/dev/null && command -v pdfinfo >/dev/null; then
    (cd "$tmp/out/print/5" && weasyprint 5.xhtml "$tmp/5w.pdf" 2>/dev/null)
    pdf_checks weasyprint "$tmp/5w.pdf"
else
    skip "print: the PDF by WeasyPrint" "WeasyPrint is not installed"
fi

finish
