#!/bin/sh
# Tables on phones: every table of an entry's text sits in a box of its own that scrolls
# sideways (focusable, named for screen readers), short numbers stay on one line, and the page
# itself never scrolls sideways on a 390 px screen; print has no boxes and sets a table of many
# columns smaller. The browser part needs Chromium; without it that part says so.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

site=$tmp/site
mkdir -p "$site/content/activities" "$site/content/issues"
ln -s "$repo/themes" "$site/themes"
cat >"$site/content/site.yaml" <<'EOF'
title: 試験通信
base_url: https://example.jp/t/
districts:
  - slug: kushibiki
    name: 櫛引
categories:
  - slug: salon
    name: サロン
EOF
# A year's record: the district, then visits and people for each month, then the total (26).
{
    printf '%s\n' --- "title: 月ごとの活動の記録" "reading: つきごとのかつどうのきろく" \
        "district: kushibiki" "categories: [salon]" "date: 2026-11-01" "issue: 1" --- "" \
        "## 令和7年度の記録" ""
    row() { printf '| %s ' "$@"; printf '|\n'; }
    row 地区 $(for m in 4 5 6 7 8 9 10 11 12 1 2 3; do printf '%s月回数 %s月人数 ' $m $m; done) 合計
    row --- $(for i in $(seq 25); do printf -- '---: '; done)
    for d in 第一学区 第二学区 櫛引; do
        row "$d" $(for i in $(seq 24); do printf '%s ' $((i * 37 % 130 + 8)); done) 1,234
    done
    printf '\n%s\n' "| 会の名前 | 説明 | ページ |"
    printf '%s\n' "|---|---|---|" \
        "| いきいきサロン | 月に一度、公民館で体操とお茶の時間を楽しむ集まりです | https://example.jp/a/very/long/address/that/does/not/break/anywhere/index.html |"
} >"$site/content/activities/kiroku.md"
printf '%s\n' --- "number: 1" "title: 創刊号" "date: 2026-11-15" --- 本文。 \
    >"$site/content/issues/1.md"
"$KAIRAN" build -s "$site" --now "$NOW" --quiet --cache-dir "$tmp/cache" 2>"$tmp/err"
check "the site builds without messages" [ $? -eq 0 -a ! -s "$tmp/err" ]
"$KAIRAN" build -s "$site" -o "$tmp/portable" --portable --now "$NOW" --quiet \
    --cache-dir "$tmp/cache"
check "… and with --portable" [ $? -eq 0 ]
"$KAIRAN" build -s . -o "$tmp/example" --now "$NOW" --quiet --cache-dir "$tmp/cache-example"
check "the example builds" [ $? -eq 0 ]

/usr/bin/python3 - "$site/public" "$tmp/example" >"$tmp/py.out" 2>&1 <<'EOF'
import os, re, sys
from checks import check, done, read_text, site_files

public, example = sys.argv[1:3]
page = read_text(os.path.join(public, "activities/kiroku/index.html"))
boxes = re.findall(r'<div class="table-scroll"([^>]*)><table', page)
check("both tables are in scroll boxes", len(boxes) == 2, boxes)
check("the first is named after its heading, focusable, a region",
      boxes and boxes[0] == ' role="region" aria-label="令和7年度の記録" tabindex="0"', boxes)
check("the second is named too", len(boxes) == 2 and 'aria-label="令和7年度の記録（2）"' in boxes[1], boxes)
first = re.search(r"<table[ >].*?</table>", page, re.S).group(0)
check("26 columns", len(re.findall(r"<th[ >]", first.split("</tr>")[0])) == 26)
check("a table of 26 columns is very wide", first.startswith('<table class="very-wide">'), first[:40])
check("number cells are marked", first.count('class="num"') == 3 * 25, first.count('class="num"'))
check("short cells are marked", first.count('class="short"') == 26 + 3, first.count('class="short"'))
check("a long text cell is not",
      re.search(r'<td( data-label="[^"]*")?>月に一度、公民館で体操とお茶の時間を楽しむ集まりです</td>', page))

# Every table of every web page, here and in the example, is in its box.
for root in (public, example):
    for f in site_files(root, (".html",)):
        text = read_text(f)
        tables = text.count("<table")
        boxed = len(re.findall(r'<div class="table-scroll" role="region" aria-label="[^"]+" tabindex="0"><table', text))
        calendar = text.count('<table class="cal-table"')  # the month calendar is the theme's
        check(os.path.relpath(f, root) + ": every table in a box", tables - calendar == boxed,
              (tables, calendar, boxed))

prints = site_files(os.path.join(public, "print"), (".xhtml",))
text = read_text(prints[0]) if prints else ""
check("the record is printed", "令和7年度の記録" in text, prints)
check("print has no scroll boxes", "table-scroll" not in text and "tabindex" not in text)
check("print sets the 26-column table smaller", '<table class="very-wide">' in text)
check("and leaves a 3-column one as it is", text.count("<table>") == 1)
done()
EOF
add_results "$tmp/py.out"
css=themes/default/static/style.css
check "the box scrolls sideways" \
    sh -c "sed -n '/^\\.table-scroll {/,/}/p' '$css' | grep -q 'overflow-x: auto'"
check "numbers stay on one line" grep -q '^\.table-scroll \.num, \.table-scroll \.short {[^}]*white-space: nowrap' "$css"
check "print.css sets very wide tables smaller" \
    sh -c "sed -n '/^table\\.very-wide {/,/}/p' themes/default/static/print.css | grep -q font-size"

# In a browser 390 px wide: the page does not scroll sideways, the record's box does, and every
# number cell, phone number and fax number is one line. A copy of the page measures itself inside a frame 390 px wide (a
# headless window is never narrower than 500 px) and posts the numbers to the frame's page.
browser=""
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
    skip "tables in a browser" "Chromium is not installed"
    finish
fi
measure='<script>(function () {
  var box = document.querySelector(".table-scroll"), cells = 0, broken = 0;
  var keep = Array.prototype.filter.call(document.querySelectorAll(".table-scroll .num, a, .number"),
    function (e) { return e.tagName != "A" || (e.getAttribute("href") || "").indexOf("tel:") == 0; });
  keep.forEach(function (e) {
    var walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), t, lines = 1;
    while ((t = walk.nextNode())) {
      var r = document.createRange(), tops = {};
      r.selectNodeContents(t);
      Array.prototype.forEach.call(r.getClientRects(), function (q) { tops[Math.round(q.top)] = 1; });
      lines = Math.max(lines, Object.keys(tops).length);
    }
    if (lines > 1) broken++;
    cells++;
  });
  parent.postMessage([document.documentElement.scrollWidth, window.innerWidth,
    box ? box.scrollWidth : 0, box ? box.clientWidth : 0, cells, broken].join(" "), "*");
})();</script>'
frame='<!DOCTYPE html><html><body style="margin:0">
<iframe src="measure.html" style="width:390px;height:2400px;border:0"></iframe>
<script>addEventListener("message", function (e) {
  document.documentElement.setAttribute("data-measure", e.data); });</script></body></html>'
measure_page() { # FILE: prints "page-width frame-width box-scroll-width box-width cells broken"
    dir=${1%/*}
    sed "s#</body>#$(printf '%s' "$measure" | tr '\n' ' ' | sed 's/[#&]/\\&/g')</body>#" "$1" \
        >"$dir/measure.html"
    printf '%s\n' "$frame" >"$dir/frame.html"
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size=1280,2400 --virtual-time-budget=3000 --dump-dom "file://$dir/frame.html" \
        2>/dev/null | sed -n 's/.*data-measure="\([0-9 ]*\)".*/\1/p' | head -n 1
    rm -f "$dir/measure.html" "$dir/frame.html"
}
set -- $(measure_page "$tmp/portable/activities/kiroku/index.html")
if [ $# -ne 6 ]; then
    skip "tables in a browser" "the browser gave no measurements"
    finish
fi
check "390 px: the page does not scroll sideways ($1 px for $2)" [ "$1" -le "$2" ]
check "390 px: the record's box scrolls ($3 px in $4)" [ "$3" -gt "$4" ]
check "390 px: all $5 number cells are one line each ($6 are not)" [ "$5" -gt 0 -a "$6" -eq 0 ]
"$KAIRAN" build -s . -o "$tmp/example-portable" --portable --now "$NOW" --quiet \
    --cache-dir "$tmp/cache-example"
for p in index.html figures/index.html contacts/index.html districts/kushibiki/index.html \
    events/2021-kenshukai/index.html events/index.html activities/kushibiki-otokojuku/index.html; do
    set -- $(measure_page "$tmp/example-portable/$p")
    check "390 px: example $p does not scroll sideways (${1:-?} px)" [ "${1:-9999}" -le "${2:-0}" ]
    check "390 px: example $p keeps its numbers on one line (${6:-?} of ${5:-?} broken)" \
        [ "${6:-1}" -eq 0 ]
done

# On a wide screen the facts box is two columns, labels and values: every value (a second and
# third venue too) sits in the value column, right of its label.
facts='<script>(function () {
  var values = 0, misplaced = 0;
  document.querySelectorAll(".fact").forEach(function (f) {
    var dt = f.querySelector("dt");
    f.querySelectorAll("dd").forEach(function (dd) {
      values++;
      if (dd.getBoundingClientRect().left < dt.getBoundingClientRect().right) misplaced++;
    });
  });
  document.documentElement.setAttribute("data-facts", values + " " + misplaced);
})();</script>'
page=$tmp/example-portable/events/2021-kenshukai/index.html
sed "s#</body>#$(printf '%s' "$facts" | tr '\n' ' ' | sed 's/[#&]/\\&/g')</body>#" "$page" \
    >"${page%/*}/facts.html"
set -- $(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --window-size=1280,2400 \
    --virtual-time-budget=3000 --dump-dom "file://${page%/*}/facts.html" 2>/dev/null |
    sed -n 's/.*data-facts="\([0-9 ]*\)".*/\1/p' | head -n 1)
check "1280 px: the event's facts are values right of their labels (${2:-?} of ${1:-?} not)" \
    [ "${1:-0}" -gt 3 -a "${2:-1}" -eq 0 ]
finish
