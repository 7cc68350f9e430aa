#!/bin/sh
# Charts from tables (グラフ) on the example site: the figures page draws the completers by year
# as bars and the coordinators' monthly record as grouped bars, each an SVG with a title and a
# description and its table behind 「数値を表で見る」; issue 6 prints the page with the same
# charts as SVG files beside a valid XHTML 1.1 document. In headless Chromium, with JavaScript
# off, the page does not scroll sideways on a phone, the charts take the page's font, the table
# opens with a click and scrolls in its own box, and the print document shows the charts.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

"$KAIRAN" build -s . -o "$tmp/out" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the example builds" [ $? -eq 0 ]
page="$tmp/out/figures/index.html"
doc="$tmp/out/print/6/6.xhtml"

# The web page.
check "the figures page has two charts" [ "$(grep -o '<figure class="chart">' "$page" | wc -l)" -eq 2 ]
for n in 1 2; do
    check "chart $n is an image to screen readers, named by its title and description" \
        grep -q "role=\"img\" aria-labelledby=\"chart-$n-title chart-$n-desc\"" "$page"
    check "chart $n has its title and description" \
        sh -c "grep -q '<title id=\"chart-$n-title\">' '$page' && grep -q '<desc id=\"chart-$n-desc\">' '$page'"
done
check "the completers are drawn as bars, with the year's numbers" grep -qF \
    '<desc id="chart-1-desc">棒グラフ。平成28年度から令和2年度までの5項目の修了者数。最も大きいのは平成30年度の49人、最も小さいのは令和2年度の18人。' "$page"
check "the record is drawn as grouped bars, the two years per item" grep -qF \
    '<desc id="chart-2-desc">集合棒グラフ。個別支援：関係形成から資料作成等事務までの25項目について、令和元年度と令和2年度を比べています。' "$page"
# Bars: 5 for the completers (計 is left out), 2 × 25 and 2 legend swatches for the record.
bars=$(python3 -c 'import re, sys
charts = re.findall(r"<figure class=\"chart\">.*?</figure>", open(sys.argv[1]).read(), re.S)
print(" ".join(str(c.count("<rect ")) for c in charts))' "$page")
check "5 bars for the five years (計 left out), 50 and 2 swatches for the record (got $bars)" \
    [ "$bars" = "5 52" ]
# The record's chart writes each of its fifty counts, as the report gives them.
written=$(python3 -c 'import re, sys
chart = re.findall(r"<figure class=\"chart\">.*?</figure>", open(sys.argv[1]).read(), re.S)[1]
texts = re.findall(r">([^<]*)</text>", chart.split("<details")[0])
counts = "58 69 52 536 190 582 456 477 535 67 289 109 3 338 310 132 137 88 125 56 144 119 326 269 659 45 50 17 608 213 685 104 599 244 8 22 47 7 389 466 176 28 11 105 70 225 154 357 166 1528".split()
missing = [c for c in counts if counts.count(c) > texts.count(c)]
print(" ".join(missing) or "none")' "$page")
check "the record's chart writes all fifty counts at their bars (missing: $written)" \
    [ "$written" = none ]
check "each chart's table is behind 「数値を表で見る」, in a box of its own named after its heading" \
    [ "$(grep -oE '<details class="chart-data"><summary>数値を表で見る</summary><div class="table-scroll" role="region" aria-label="(担い手養成研修の修了者数|第2層生活支援コーディネーターの活動の記録)" tabindex="0"><table' "$page" | wc -l)" -eq 2 ]
check "the tables keep every row (計 too)" \
    grep -qF '<td class="short">計</td><td style="text-align: right" class="num">181人</td>' "$page"

# The print edition of issue 6.
check "issue 6 prints the figures page" grep -q 'toc-item"><a href="#page-figures"' "$doc"
check "the print document is valid XHTML 1.1" xmllint --noout --nonet --valid "$doc"
imgs=$(grep -o 'src="img/chart-[0-9a-f]*\.svg"' "$doc" | sed 's/src="//; s/"$//')
check "both charts are printed as SVG pictures" [ "$(echo "$imgs" | wc -w)" -eq 2 ]
for i in $imgs; do
    check "$i is beside the document and well-formed SVG" \
        sh -c "xmllint --noout --nonet '$tmp/out/print/6/$i' && grep -q '<svg xmlns=\"http://www.w3.org/2000/svg\"' '$tmp/out/print/6/$i'"
done
check "no inline SVG in the print document" sh -c "! grep -q '<svg' '$doc'"
check "the completers' table is printed under its chart (計 is not in the chart)" \
    grep -qF '<div class="chart-data"><table><thead><tr><th>年度</th><th style="text-align: right">修了者数</th>' "$doc"
check "the record's table is not: its chart writes every number" \
    sh -c "! grep -q '<th>年度</th><th style=\"text-align: right\">個別支援' '$doc'"

# In the browser: the portable build opened from the disk, as from a USB stick.
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ] || ! command -v python3 >/dev/null 2>&1; then
    skip "charts in the browser" "Chromium is not installed"
    finish
fi
"$KAIRAN" build -s . -o "$tmp/usb" --portable --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the portable example builds" [ $? -eq 0 ]
python3 - "$browser" "$tmp" >"$tmp/browser.out" 2>&1 <<'PY'
import json
import os
import subprocess
import sys
import time

from checks import check, done

browser, tmp = sys.argv[1:3]
to_r, to_w = os.pipe()
from_r, from_w = os.pipe()


def child_fds():
    os.dup2(to_r, 3)
    os.dup2(from_w, 4)


chrome = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--allow-file-access-from-files", "--remote-debugging-pipe",
     "--user-data-dir=" + os.path.join(tmp, "profile"), "about:blank"],
    pass_fds=(3, 4, to_r, from_w), preexec_fn=child_fds, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
os.close(to_r)
os.close(from_w)
out = os.fdopen(to_w, "wb", buffering=0)
inp = os.fdopen(from_r, "rb", buffering=0)
pending = b""
serial = 0


def send(method, params=None, session=None):
    global serial, pending
    serial += 1
    msg = {"id": serial, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    while True:
        while b"\0" not in pending:
            chunk = inp.read(65536)
            if not chunk:
                raise OSError("the browser went away")
            pending += chunk
        raw, pending = pending.split(b"\0", 1)
        m = json.loads(raw)
        if m.get("id") == serial:
            return m.get("result", {})


def js(expr):
    r = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return r.get("result", {}).get("value")


def load(url, width):
    send("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600},
         session)
    send("Page.navigate", {"url": url}, session)
    for _ in range(200):
        if js("document.readyState") == "complete":
            break
        time.sleep(0.05)
    js("document.fonts.ready.then(() => 1)")


def click(selector):
    box = js("(() => { const e = document.querySelector(%s); "
             "e.scrollIntoView({behavior: 'instant', block: 'center'}); "
             "const r = e.getBoundingClientRect(); return [r.x + 10, r.y + r.height / 2]; })()"
             % json.dumps(selector))
    for kind in ("mousePressed", "mouseReleased"):
        send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                          "button": "left", "clickCount": 1}, session)


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
except (OSError, KeyError) as e:
    print("charts in the browser: skipped (the browser did not start: %s)" % e)
    chrome.kill()
    done()

# The page's own scripts are off: the charts and their tables need none.
send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
figures = "file://" + os.path.join(tmp, "usb/figures/index.html")
load(figures, 390)
check("on a phone (390 px) the page does not scroll sideways",
      js("document.documentElement.scrollWidth") <= 390,
      js("document.documentElement.scrollWidth"))
widths = js("[...document.querySelectorAll('.chart-svg')].map(s => "
            "[s.getBoundingClientRect().width, s.parentElement.getBoundingClientRect().width])")
check("both charts are drawn", widths and len(widths) == 2, widths)
check("each chart fills its column on a phone",
      all(w[0] > 300 and w[0] <= w[1] + 0.5 for w in widths or []), widths)
check("the charts' labels are in the page's font", js(
    "getComputedStyle(document.querySelector('.chart-svg text')).fontFamily === "
    "getComputedStyle(document.body).fontFamily"))
check("the tables start closed", js(
    "[...document.querySelectorAll('.chart-data .table-scroll')].every(t => !t.checkVisibility())"))
click("details.chart-data summary")
check("a click on 「数値を表で見る」 opens the first table, and only it", js(
    "[...document.querySelectorAll('.chart-data .table-scroll')].map(t => t.checkVisibility())"
    ".join()")
      == "true,false")
js("document.querySelectorAll('details.chart-data')[1].open = true")
check("the record's table scrolls sideways in its own box", js(
    "(() => { const t = document.querySelectorAll('.chart-data .table-scroll')[1]; "
    "return t.scrollWidth > t.clientWidth + 100 && getComputedStyle(t).overflowX === 'auto'; })()"))
check("... and the page still does not", js("document.documentElement.scrollWidth") <= 390)
check("the box can be reached with the keyboard", js(
    "document.querySelectorAll('.chart-data .table-scroll')[1].tabIndex === 0"))
shot = send("Page.captureScreenshot", {"format": "png"}, session)
check("the page can be captured", len(shot.get("data", "")) > 1000)

load(figures, 1280)
widths = js("[...document.querySelectorAll('.chart-svg')].map(s => s.getBoundingClientRect().width)")
check("on a wide screen the charts grow, to a limit",
      widths and all(450 < w <= 505 for w in widths), widths)

# The print document: the charts are pictures that load.
load("file://" + os.path.join(tmp, "usb/print/6/6.xhtml"), 900)
sizes = js("[...document.querySelectorAll('img[src*=\"chart-\"]')].map(i => [i.complete, "
           "i.naturalWidth])")
check("the print document's charts load as pictures",
      sizes and len(sizes) == 2 and all(s[0] and s[1] == 360 for s in sizes), sizes)
chrome.kill()
done()
PY
add_results "$tmp/browser.out"
finish
