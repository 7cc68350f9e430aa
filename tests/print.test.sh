#!/bin/sh
# The print edition: one valid XHTML 1.1 document per issue with its stylesheet and pictures,
# settings from site.yaml (the grid, where pages break, the binding), errors for a broken print
# template and a too-small picture. The PDF is checked by the slow suite (tests/slow/).
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
# An entry's facts are its own: a section's session table never leaks into them. (The blank
# pages a binding may need are empty on purpose.)
for d in "$tmp"/out/print/*/*.xhtml; do
    empty=$(grep -oE '<([a-z0-9]+)( [^>]*)?></\1>' "$d" | grep -v '^<div class="extra-page"' |
        head -n 3 | tr '\n' ' ')
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

# The magazine's grid, flow and binding, as the example sets them (A4, saddle-stitched).
check "A4 text is set in two columns of 83 mm, 6 mm apart" \
    grep -q '^\.articles, \.toc-list { column-count: 2; column-gap: 6mm; }' "$doc"
check "  and pictures in the text a column's width at most, and at most 0.6 of it high" \
    grep -q '^\.entry-photo img, \.figure img { width: auto; max-width: 83mm; max-height: 49.8mm; }' "$doc"
# A photo of 4:3 is printed 66.4 mm wide (49.8 mm high), its print file made for that width.
w=$(grep -o '<div class="entry-photo"><img src="img/otokojuku-[^"]*" alt="[^"]*" width="[0-9]*"' "$doc" |
    sed 's/.*width="//; s/"$//')
check "  a 4:3 photo's print file is 784 pixels wide: 300 dpi at 66.4 mm ($w)" [ "$w" = 784 ]
for d in "$doc" "$doc6"; do
    n=${d##*/}
    check "$n says it is saddle-stitched, in pages by 4" sh -c \
        "grep -q '<meta name=\"print-binding\" content=\"saddle\" />' '$d' &&
         grep -q '<meta name=\"print-page-multiple\" content=\"4\" />' '$d'"
    check "$n holds three hidden blank pages, just before the back cover" sh -c \
        "grep -A3 '<div class=\"extra-page\" id=\"extra-page-1\"></div>' '$d' | tr -d '\n' |
         grep -qx '<div class=\"extra-page\" id=\"extra-page-1\"></div><div class=\"extra-page\" id=\"extra-page-2\"></div><div class=\"extra-page\" id=\"extra-page-3\"></div><div class=\"back\" id=\"back\">'"
    check "$n runs on: no article starts a page unless asked" sh -c "! grep -q 'break-' '$d'"
    check "$n has a title and lead across the columns for each article" \
        [ "$(grep -c '<div class="entry-head">' "$d")" -eq "$(grep -c '<div class="entry entry-[aep]' "$d")" ]
done
# A QR code beside each article, drawn as SVG beside the document, of the article's address.
articles=$(grep -c '<div class="entry entry-[ae]' "$doc")
check "a QR code for each of issue 5's $articles articles" \
    [ "$(grep -c '<img class="qr" src="qr/[a-z0-9-]*\.svg" alt="ウェブ版のQRコード" />' "$doc")" -eq "$articles" ]
qr_ok=1
for src in $(grep -o '<img class="qr" src="[^"]*"' "$doc" | sed 's/.* src="//; s/"$//'); do
    f="$tmp/out/print/5/$src"
    head -n 2 "$f" | grep -q '^<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 [0-9]* [0-9]*"' &&
        xmllint --noout "$f" || qr_ok=0
done
check "  each an SVG file beside the document" [ "$qr_ok" = 1 ]
check "  named for its article, whose address is printed under it" sh -c \
    "grep -A40 'id=\"activity-kushibiki-otokojuku\"' '$doc' | tr -d '\n' | grep -q '<img class=\"qr\" src=\"qr/activity-kushibiki-otokojuku.svg\".*<dd class=\"web url\">https://example.jp/watowa/activities/kushibiki-otokojuku/</dd>'"

# An article's photo follows its first paragraph, so that its title is followed by text.
photo_after_text=$(awk '/<div class="entry entry-activity/ { n++; seen = 0 }
    /<div class="entry-body">/ { body = 1 } body && /<\/p>/ { seen = 1 }
    /<div class="entry-photo"/ { total++; if (seen) after++ }
    END { print (total > 0 && after == total) }' "$doc")
check "every article's photo comes after its first paragraph" [ "$photo_after_text" = 1 ]
check "the back cover holds the contacts page and the colophon" sh -c \
    "sed -n '/<div class=\"back\" id=\"back\">/,\$p' '$doc' | grep -q 'id=\"page-contacts\"' &&
     sed -n '/<div class=\"back\" id=\"back\">/,\$p' '$doc' | grep -q '<div class=\"colophon\">'"

# Breaks where an entry, the issue or site.yaml asks; other bindings.
site breaks
sed -i 's/^  writing: horizontal$/  writing: horizontal\n  feature: spread\n  binding: perfect/' \
    "$tmp/breaks/content/site.yaml"
sed -i 's/^---$/---/; 0,/^title:/s//print_break: page\ntitle:/' \
    "$tmp/breaks/content/activities/asahi-yukioroshi.md"
sed -i '0,/^title:/s//print_break:\n  - haguro-otoko-ryori\ntitle:/' "$tmp/breaks/content/issues/5.md"
"$KAIRAN" build -s "$tmp/breaks" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "a site with print breaks builds" [ $? -eq 0 ]
d="$tmp/breaks/public/print/5/5.xhtml"
first=$(grep -m1 -o '<div class="section[^"]*" id="section-1">' "$d")
check "the feature opens on a spread (print.feature: spread), its section with it" \
    [ "$first" = '<div class="section break-spread" id="section-1">' ]
check "  and its photo spans the columns, as wide as 300 dpi allows (1600 px: 135.5 mm)" \
    grep -q '<div class="entry-photo span"><img src="[^"]*" alt="[^"]*" width="1600" height="1200" style="width: 135.467mm" /></div>' "$d"
check "an entry's print_break: page starts its section on a new page" \
    sh -c "grep -B1 '<h1 class=\"section-title\">朝日</h1>' '$d' | grep -q 'class=\"section break-page\"'"
check "the issue's print_break list does the same" \
    sh -c "grep -B1 '<h1 class=\"section-title\">羽黒</h1>' '$d' | grep -q 'class=\"section break-page\"'"
check "no other break" [ "$(grep -c 'break-' "$d")" -eq 3 ]
check "binding: perfect is in pages by 2, with one blank page in reserve" sh -c \
    "grep -q '<meta name=\"print-page-multiple\" content=\"2\" />' '$d' &&
     [ \$(grep -c 'class=\"extra-page\"' '$d') -eq 1 ]"
site everypage
sed -i 's/^  writing: horizontal$/  writing: horizontal\n  section_break: right\n  entry_break: page/' \
    "$tmp/everypage/content/site.yaml"
sed -i 's/^language: ja$/language: en/' "$tmp/everypage/content/site.yaml"
sed -i '/^languages:$/,/^untranslated:/d' "$tmp/everypage/content/site.yaml"
find "$tmp/everypage/content" -name '*.*.md' -delete # a site of one language: no translations
"$KAIRAN" build -s "$tmp/everypage" --now "$NOW" --quiet --cache-dir "$tmp/cache"
d="$tmp/everypage/public/print/5/5.xhtml"
sections=$(grep -c '<div class="section' "$d")
check "print.section_break: right starts each of the $sections sections on a right-hand page" \
    [ "$(grep -c '<div class="section break-right"' "$d")" -eq "$sections" ]
check "print.entry_break: page starts each other article on a new page" \
    [ "$(grep -c '<div class="entry entry-[a-z]* break-page"' "$d")" -eq \
      "$(($(grep -c '<div class="entry entry-[ae]' "$d") - sections))" ]
check "an edition in another language is a leaflet, in pages by 2" sh -c \
    "grep -q '<meta name=\"print-binding\" content=\"leaflet\" />' '$d' &&
     grep -q '<meta name=\"print-page-multiple\" content=\"2\" />' '$d'"
site a5
sed -i 's/^  size: A4$/  size: A5/' "$tmp/a5/content/site.yaml"
"$KAIRAN" build -s "$tmp/a5" --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>/dev/null
check "A5 horizontal text is one column of 120 mm" \
    grep -q '^\.articles, \.toc-list { column-count: 1; column-gap: 5mm; }' \
    "$tmp/a5/public/print/5/5.xhtml"
check "  with pictures two thirds as wide, 80 mm, and at most 48 mm high" \
    grep -q '^\.entry-photo img, \.figure img { width: auto; max-width: 80mm; max-height: 48mm; }' \
    "$tmp/a5/public/print/5/5.xhtml"

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
check "vertical writing is set on the body" grep -q '<body class="writing-vertical size-B5 ' "$d"
check "B5 vertical text is set in three tiers (段) of 68.33 mm, the pages' own columns" \
    grep -q '^html { column-count: 3; column-gap: 5mm; }' "$d"
check "  and its pictures stand one tier high" \
    grep -q '^\.entry-photo img, \.figure img { height: 68.3333mm; max-width: 148mm; }' "$d"
d6="$tmp/b5/public/print/6/6.xhtml"
check "  and its charts are drawn for a tier: 68.33 mm (258.2 px) high" python3 -c '
import re, sys
imgs = re.findall(r"<img src=\"img/chart-[0-9a-f]*\.svg\"[^>]* width=\"([0-9.]+)\" height=\"([0-9.]+)\"",
                  open(sys.argv[1]).read())
sys.exit(not (len(imgs) == 2 and all(h == "258.2" for w, h in imgs)))' "$d6"
check "  and placed no wider than the text block less 20 mm for the title beside them" \
    grep -q '^\.writing-vertical \.chart\.figure img { max-width: 128mm; }' "$d6"
check "  with their labels set vertically" \
    sh -c "cat '$tmp/b5/public/print/6/img/'chart-*.svg | grep -q 'writing-mode=\"tb\">事業実施</text>'"
check "two-digit numbers stand upright (縦中横)" grep -q '<span class="tcy">18</span>人' "$d"
check "numbers of three or more digits do not" sh -c "! grep -q '<span class=\"tcy\">152' '$d'"
check "the vertical document is valid too" xmllint --noout --nonet --valid "$d"

# A PDF that make print-pdf made (here: bytes standing for one) is published beside the document
# it was made from and linked with its size from the issue's page; once the document changes,
# it is left out rather than published with a text that is not the site's.
site pdf
"$KAIRAN" build -s "$tmp/pdf" --now "$NOW" --quiet --cache-dir "$tmp/pdfcache"
mkdir -p "$tmp/pdfcache/print-pdf"
head -c 2345678 /dev/zero | tr '\0' 'x' >"$tmp/pdfcache/print-pdf/5.pdf"
cp "$tmp/pdf/public/print/5/5.xhtml" "$tmp/pdfcache/print-pdf/5.xhtml"
"$KAIRAN" build -s "$tmp/pdf" --now "$NOW" --quiet --cache-dir "$tmp/pdfcache"
check "a PDF made from the document is published beside it" \
    cmp -s "$tmp/pdfcache/print-pdf/5.pdf" "$tmp/pdf/public/print/5/5.pdf"
check "  and the issue's page links it with its size" grep -q \
    '<a class="button" href="/watowa/print/5/5.pdf" type="application/pdf">PDFで読む（2.3 MB）</a>' \
    "$tmp/pdf/public/issues/5/index.html"
check "  but not another issue's page" sh -c "! grep -q 'PDFで読む' '$tmp/pdf/public/issues/6/index.html'"
check "no PDF for issue 6, which has none" [ ! -e "$tmp/pdf/public/print/6/6.pdf" ]
sed -i 's/^title: .*/title: 新しい題/' "$tmp/pdf/content/issues/5.md"
"$KAIRAN" build -s "$tmp/pdf" --now "$NOW" --quiet --cache-dir "$tmp/pdfcache"
check "once the document changes, its old PDF is not published" \
    [ ! -e "$tmp/pdf/public/print/5/5.pdf" ]
check "  nor linked" sh -c "! grep -q 'PDFで読む' '$tmp/pdf/public/issues/5/index.html'"

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
    "$tmp/badcache/print/5.xhtml:42:21: error: the print edition is not valid XHTML 1.1: No declaration for attribute class of element section" "$tmp/err"
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
    "content/activities/kushibiki-otokojuku.md:$line:9: warning: the picture $tmp/small/assets/photos/tiny.png is only 153 dpi at 66.4 mm wide (print needs 300 dpi, so a picture at least 784 pixels wide); it may look blurred in print" "$tmp/err"

finish
