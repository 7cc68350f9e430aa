#!/usr/bin/python3
"""The site search in headless Chromium (tests/search.test.sh runs each part; make bench runs
`loads`). Each part prints its checks and "N passed, N failed"; `loads` prints JSON.

    search_check.py fold CHROMIUM TEST_FOLD SEARCH_JS WORK
        the page's fold is kairan's (core/fold, through build/tests/test_fold): every assigned
        character, and a table of inputs residents type
    search_check.py exact CHROMIUM PUBLIC COUNT SEED [LONGEST]
        COUNT queries made from the site's own texts (and changed the ways residents type
        them; pieces up to LONGEST characters, 12 unless given) find exactly the entries a scan
        of every line finds, title matches first and the newest first within each; PUBLIC is a
        --portable build, opened from files
    search_check.py common CHROMIUM PUBLIC LIMIT QUERY...
        each QUERY (made of strings that many entries have), on a fresh page, finds as many
        entries as a scan of every line, and the index's parts and the meta file it loads come
        to at most LIMIT bytes
    search_check.py page CHROMIUM PORTABLE HTTP_ROOT BASE CORPUS
        the search page as residents use it: PORTABLE is the example built --portable and opened
        from files, HTTP_ROOT a folder served over http that holds the example's normal build
        at BASE (/watowa/), CORPUS a generated site built --portable (for results over 20):
        what is found (readings, ruby, kana, widths, spaces), the count in a live region,
        marks, filters, 20 at a time, the keyboard, the header's box, and no JavaScript
    search_check.py loads CHROMIUM PUBLIC COUNT SEED
        for COUNT queries (from the texts, as above), each on a fresh page: the files the search
        page loaded and their sizes, as JSON (bench/report.py reads it)
"""
import json
import os
import random
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser  # noqa: E402 (tests/browser.py)
from checks import arguments, check, done  # noqa: E402


def start(chromium):
    b = Browser.start(chromium)
    if b is None:
        print("search: skipped (Chromium did not start)")
        done()
    return b


# Inputs whose fold is easy to get wrong: widths, kana, case, compatibility characters,
# combining marks, spaces of every kind.
TRICKY = [
    "ｶﾞｲﾄﾞﾌﾞｯｸ", "ガイドブック", "ｳﾞｧｲｵﾘﾝ", "ヴァイオリン", "ゔぁいおりん", "ﾜﾞ", "ヷ", "わ゛",
    "か゛", "か\u3099", "ｷｬﾝﾌﾟ", "Ｓａｌｏｎ　ＡＢＣ", "STRASSE", "Straße", "STRAẞE", "ΣΑΣ σας",
    "İstanbul", "ǰ", "ﬃ", "①②③", "⑴", "㍻", "㋿", "㈱", "㌔㍍", "㋐", "ヽヾゝゞ", "〜～",
    "大網 雪下ろし", "大網\u3000雪下ろし", "大網\t雪\r下ろし", "\u200b", "Ⅻ", "ℌ", "ｱｲｳｴｵ",
    "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "ﾟ", "ﾞ", "゜", "゛", "ー", "ｰ", "Ꭰꭰ", "ı", "ß", "ᾼ", "ﬀ", "ŉ", "K", "Å",
    "\u00a0", "e\u0301", "é", "Ａ\u0308", "Ä", "한국", "\u1100\u1161", "𠮷野家", "😀", "〻",
    "ヿ", "ゟ", "ヸヹヺ", "ㇰ", "ﹰ", "ﷺ", "½", "x²", "№", "℡", "㎏", "ｍ", "ﾅｶﾞｰﾚ", "（例）",
]


def fold(chromium, test_fold, search_js, work):
    out = subprocess.run([test_fold, "--chars"], capture_output=True, text=True, check=True)
    chars = []
    for line in out.stdout.splitlines():
        cp, _, rest = line.partition(":")
        c = chr(int(cp, 16))
        # Characters Python's Unicode (the same version as libunistring's) has assigned; the
        # browser's newer Unicode may give ones assigned later a fold of their own.
        if unicodedata.category(c) in ("Cn", "Cs", "Co"):
            continue
        chars.append([int(cp, 16), "".join(chr(int(h, 16)) for h in rest.split())])
    lines = subprocess.run([test_fold, "--lines"], input="\n".join(TRICKY) + "\n",
                           capture_output=True, text=True, check=True).stdout.split("\n")
    table = [[t, lines[i]] for i, t in enumerate(TRICKY)]
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "fold-data.js"), "w", encoding="utf-8") as f:
        f.write("var CHARS = " + json.dumps(chars) + ";\nvar TABLE = " + json.dumps(table) +
                ";\n")
    with open(os.path.join(work, "fold.html"), "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><meta charset="utf-8"><script src="%s"></script>'
                '<script src="fold-data.js"></script>' % ("file://" + search_js))
    b = start(chromium)
    b.open("file://" + os.path.join(work, "fold.html"))
    got = b.js("""(function () {
        var bad = [];
        CHARS.forEach(function (c) {
          var f = kairanSearch.fold(String.fromCodePoint(c[0]));
          if (f !== c[1]) bad.push(c[0].toString(16) + ": " + escape(f) + " not " + escape(c[1]));
        });
        var table = [];
        TABLE.forEach(function (t) {
          var f = kairanSearch.fold(t[0]);
          if (f !== t[1]) table.push(t[0] + " -> " + f + " not " + t[1]);
        });
        return {n: CHARS.length, bad: bad.slice(0, 20), nbad: bad.length, table: table};
    })()""")
    b.close()
    check("every assigned character folds in the page as in kairan (%d characters)" % got["n"],
          got["nbad"] == 0 and got["n"] > 100000, got["bad"])
    check("%d typed inputs fold in the page as in kairan" % len(TRICKY), not got["table"],
          got["table"])
    folded = dict(zip(TRICKY, lines))
    meet = [("ｶﾞｲﾄﾞﾌﾞｯｸ", "ガイドブック"), ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"), ("ヴァイオリン", "ゔぁいおりん"),
            ("ﾜﾞ", "ヷ"), ("ヷ", "わ゛"), ("か゛", "か\u3099"), ("STRASSE", "Straße"),
            ("Straße", "STRAẞE"), ("大網 雪下ろし", "大網\u3000雪下ろし"), ("e\u0301", "é"),
            ("Ａ\u0308", "Ä")]
    apart = [m for m in meet if folded[m[0]] != folded[m[1]]]
    check("what residents type in other forms meets what editors wrote", not apart, apart)
    check("spaces of every kind are gone", folded["大網\t雪\r下ろし"] == "大網雪下ろし",
          folded["大網\t雪\r下ろし"])
    done()


def site_texts(public):
    """Every document's texts as the search folder holds them: [url, title, kind, district,
    date, title lines, title and reading lines, lines], by number."""
    folder = os.path.join(public, "search")
    names = os.listdir(folder)
    meta = [n for n in names if n.startswith("meta.")][0]
    text = open(os.path.join(folder, meta), encoding="utf-8").read()
    per = json.loads(text[len("kairanSearch.meta("):text.rindex(")")])["x"]["g"]
    docs = {}
    for name in names:
        if name.startswith("x") and name.endswith(".js"):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            head, _, rest = text.partition(",")
            part = int(head[len("kairanSearch.texts("):])
            for i, d in enumerate(json.loads(rest[:rest.rindex(")")])):
                docs[part * per + i] = d
    return [docs[i] for i in range(len(docs))]


def to_katakana(s):
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in s)


def to_hiragana(s):
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in s)


def to_wide(s):
    return "".join(chr(ord(c) + 0xfee0) if "!" <= c <= "~" else c for c in s)


def queries(docs, count, seed, longest=12):
    """Queries as residents might type them: pieces of the texts (1 to 12 characters, or
    longest, at random places), the same in the other kana, in full-width letters and digits,
    with a space in them, two pieces from different places run together (mostly found
    nowhere, though each piece's characters are there), and pieces backwards."""
    rng = random.Random(seed)
    lines = [l for d in docs for l in d[7] if l.strip()]
    out = []

    def piece(n=None):
        line = rng.choice(lines)
        n = n or rng.randint(1, longest)
        n = min(n, len(line))
        at = rng.randint(0, len(line) - n)
        return line[at:at + n]

    while len(out) < count:
        p = piece()
        way = rng.randrange(8)
        if way == 0:
            p = to_katakana(p)
        elif way == 1:
            p = to_hiragana(p)
        elif way == 2:
            p = to_wide(p)
        elif way == 3 and len(p) > 1:
            at = rng.randint(1, len(p) - 1)
            p = p[:at] + rng.choice([" ", "\u3000"]) + p[at:]
        elif way == 4:
            p = piece(rng.randint(2, 5)) + piece(rng.randint(2, 5))
        elif way == 5:
            p = p[::-1]
        if p.strip():
            out.append(p)
    return out


OPEN_PAGE = "document.readyState === 'complete' && !!window.kairanSearch && !!kairanSearch.info"


def exact(chromium, public, count, seed, longest=12):
    docs = site_texts(public)
    qs = queries(docs, count, seed, longest)
    b = start(chromium)
    b.open("file://" + os.path.join(public, "search", "index.html"))
    check("the search page registers its index", b.until(OPEN_PAGE))
    got = b.js("""(async function (queries) {
        var K = kairanSearch, all = [];
        for (var d = 0; d < K.info.n; d++) all.push(d);
        var docs = await K.documents(all);
        var lines = docs.map(function (doc) { return doc[7].map(K.fold); });
        var bad = [], found = 0, many = 0, none = 0;
        for (var q of queries) {
          var r = await K.query(q), f = K.fold(q), title = [], rest = [];
          for (var d = lines.length - 1; d >= 0 && f; d--) {
            var at = lines[d].findIndex(function (l) { return l.indexOf(f) >= 0; });
            if (at < 0) continue;
            (at < docs[d][6] ? title : rest).push(d);
          }
          var want = title.concat(rest);
          if (r.ids.join() !== want.join() || r.total !== want.length)
            bad.push([q, r.ids.slice(0, 10), want.slice(0, 10), r.total, want.length]);
          if (want.length) found++;
          if (want.length > 20) many++;
          if (!want.length) none++;
        }
        return {bad: bad.slice(0, 10), nbad: bad.length, found: found, many: many,
                none: none, scan: !!K.info.scan, docs: docs.length};
    })(%s)""" % json.dumps(qs))
    b.close()
    what = "%d queries on %d entries (%s)" % (len(qs), got["docs"],
                                               "every text read" if got["scan"] else "the index")
    check(what + ": exactly the entries whose lines hold them, best first", got["nbad"] == 0,
          "%d wrong, e.g. %s" % (got["nbad"], got["bad"]))
    check(what + ": some find many, some one, some none (%d/%d/%d)" % (
        got["many"], got["found"], got["none"]),
        got["many"] > 0 and got["none"] > 0 and got["found"] > got["many"])
    done()


def loads(chromium, public, count, seed):
    docs = site_texts(public)
    qs = queries(docs, count, seed)
    b = start(chromium)
    page = "file://" + os.path.join(public, "search", "index.html")
    results = []
    for q in qs:
        from urllib.parse import quote
        urls = b.requests(page + "?q=" + quote(q),
                          "document.querySelector('[data-search-status]').textContent"
                          ".match(/件|見つかりません/)")
        files = [u[len("file://"):].split("?")[0] for u in urls if u.startswith("file://")]
        search = [f for f in files if "/search/" in f and not f.endswith(".html")]
        size = {f: os.path.getsize(f) for f in search if os.path.exists(f)}
        index = sum(v for f, v in size.items() if os.path.basename(f)[0] in "kt")
        texts = sum(v for f, v in size.items() if os.path.basename(f)[0] == "x")
        meta = sum(v for f, v in size.items() if os.path.basename(f).startswith("meta."))
        results.append({"q": q, "index": index, "texts": texts, "meta": meta})
    b.close()
    print(json.dumps(results, ensure_ascii=False))


def common(chromium, public, limit, qs):
    docs = site_texts(public)
    b = start(chromium)
    b.open("file://" + os.path.join(public, "search", "index.html"))
    check("the search page registers its index", b.until(OPEN_PAGE))
    want = b.js("""(async function (queries) {
        var K = kairanSearch, all = [];
        for (var d = 0; d < K.info.n; d++) all.push(d);
        var lines = (await K.documents(all)).map(function (doc) { return doc[7].map(K.fold); });
        return queries.map(function (q) {
          var f = K.fold(q);
          return lines.filter(function (l) { return l.some(function (x) { return x.indexOf(f) >= 0; }); }).length;
        });
    })(%s)""" % json.dumps(qs))
    page = "file://" + os.path.join(public, "search", "index.html")
    from urllib.parse import quote
    for q, n in zip(qs, want):
        urls = b.requests(page + "?q=" + quote(q), SETTLED)
        files = [u[len("file://"):].split("?")[0] for u in urls if u.startswith("file://")]
        index = sum(os.path.getsize(f) for f in files if "/search/" in f and
                    (os.path.basename(f)[0] == "k" or os.path.basename(f).startswith("meta.")))
        status = b.js(STATUS + ".textContent")
        check("「%s」: %d entries, the count said exactly, loading %d bytes of the index" % (
            q, n, index), ("：%d件" % n) in status and index <= limit, (status, index))
    b.close()
    check("the queries find many entries (%s)" % ", ".join(str(n) for n in want),
          max(want) > 1000)
    done()


STATUS = "document.querySelector('[data-search-status]')"
SETTLED = STATUS + ".textContent.match(/件|見つかりません/)"


def wareki_key(text):
    """(year, month, day) of the 令和 date in a result's facts."""
    import re
    m = re.search(r"令和(\d+|元)年(\d+)月(\d+)日", text)
    return (0 if m.group(1) == "元" else int(m.group(1)), int(m.group(2)), int(m.group(3)))


def result_urls(b):
    return b.js("Array.from(document.querySelectorAll('.search-result-title a'))"
                ".map(function (a) { return a.getAttribute('href'); })")


def search(b, base, q, extra=""):
    from urllib.parse import quote
    b.open(base + "search/" + ("index.html" if base.startswith("file:") else "") + "?q=" +
           quote(q) + extra)
    b.until(SETTLED)
    return result_urls(b)


def page(chromium, portable, http_root, base, corpus):
    import http.server
    import threading
    b = start(chromium)
    files = "file://" + portable + "/"
    # What is found, from files (a USB stick).
    urls = search(b, files, "くしびき")
    kushibiki = ["../activities/kushibiki-idohanbai/index.html",
                 "../activities/kushibiki-otokojuku/index.html",
                 "../events/2026-kushibiki-kaigi/index.html"]
    check("くしびき finds every entry of 櫛引 (by the district's reading)",
          all(u in urls for u in kushibiki), urls)
    check("... and the entry whose text has {櫛引|くしびき}",
          "../events/2021-kenshukai/index.html" in urls, urls)
    check("... titles and readings that hold it first",
          urls[:2] == ["../events/2026-kushibiki-kaigi/index.html",
                       "../activities/kushibiki-otokojuku/index.html"], urls)
    status = b.js(STATUS + ".textContent")
    check("the count is said in the live region", status == "「くしびき」の検索結果：%d件" % len(urls),
          status)
    check("... which is a polite status", b.js(
        STATUS + ".getAttribute('role') === 'status' && " + STATUS +
        ".getAttribute('aria-live') === 'polite'"))
    check("every result links to a page that is there", all(
        os.path.exists(os.path.normpath(os.path.join(portable, "search", u))) for u in urls),
        urls)
    check("the match is marked in the snippet", b.js(
        "Array.from(document.querySelectorAll('.search-result mark')).every(function (m) {"
        " return kairanSearch.fold(m.textContent) === 'くしびき'; }) && "
        "document.querySelectorAll('.search-result-snippet mark').length >= 3"))
    check("a result shows kind, district and date (和暦)", b.js(
        "document.querySelector('.search-result-facts').textContent") ==
        "催し・櫛引・令和8年12月9日（水）")
    for q, want in (("がっさん", "../issues/5/index.html"), ("月山", "../issues/5/index.html"),
                    ("ﾕｷｵﾛｼ", "../activities/asahi-yukioroshi/index.html"),
                    ("大網雪", "../activities/asahi-yukioroshi/index.html"),
                    ("大網　雪下ろし", "../events/2027-kenshukai/index.html"),
                    ("ＹＵＫＩＯＲＯＳＨＩ", None)):
        urls = search(b, files, q)
        if want:
            check("%s finds %s" % (q, want), want in urls, urls)
        else:
            check("%s finds nothing, and says so" % q, urls == [] and b.js(
                STATUS + ".textContent") == "「%s」は見つかりませんでした。" % q)
    urls = search(b, files, "大網雪", "&kind=event")
    check("the kind filter keeps events", urls == ["../events/2027-kenshukai/index.html"], urls)
    urls = search(b, files, "会議", "&district=kushibiki")
    check("the district filter keeps 櫛引's", urls == [
        "../events/2026-kushibiki-kaigi/index.html"], urls)
    check("... and the form shows the filter", b.js(
        "document.getElementById('search-district').value") == "kushibiki")

    # The form and the keyboard.
    b.open(files + "search/index.html")
    b.js("document.getElementById('search-q').focus()")
    b.type("雪下ろし")
    b.key("Enter", "Enter", "\r")
    check("typing and Enter searches", b.until(SETTLED) and "?q=" in b.js("location.href"))
    check("... and keeps the focus in the box", b.js(
        "document.activeElement.id") == "search-q")
    b.key("Tab", "Tab")
    b.key("Tab", "Tab")
    check("Tab reaches the filters", b.js("document.activeElement.id") == "search-kind")
    b.js("document.getElementById('search-kind').value = 'activity';"
         "document.getElementById('search-kind').dispatchEvent(new Event('change', "
         "{bubbles: true}))")
    check("a filter changed searches again", b.until(
        "location.search.indexOf('kind=activity') >= 0 && " + SETTLED) and all(
        "activities/" in u for u in result_urls(b)))

    # The header's box on another page.
    b.open(files + "activities/index.html")
    check("the header's search box shows with JavaScript", b.js(
        "getComputedStyle(document.querySelector('[data-search-box]')).display") == "flex")
    b.js("var f = document.querySelector('[data-search-box]'); f.q.value = 'ﾕｷｵﾛｼ';"
         "f.requestSubmit()")
    check("... and leads to the results", b.until(
        "location.pathname.endsWith('/search/index.html') && " + SETTLED) and
        "../activities/asahi-yukioroshi/index.html" in result_urls(b))

    # 20 at a time, on a site with many entries.
    cfiles = "file://" + corpus + "/"
    urls = search(b, cfiles, "見守り")
    total = int(b.js(STATUS + ".textContent.match(/：(\\d+)件/)[1]"))
    check("many results come 20 at a time", len(urls) == 20 and total > 40, (len(urls), total))
    check("... the status says which", b.js(STATUS + ".textContent").endswith("（1〜20件目）"))
    dates = [wareki_key(t) for t in b.js(
        "Array.from(document.querySelectorAll('.search-result-facts'))"
        ".map(function (p) { return p.textContent; })")]
    ups = sum(1 for x, y in zip(dates, dates[1:]) if y > x)
    check("... newest first (titles that hold it, then the rest)", ups <= 1, dates)
    first = urls
    b.js("document.querySelector('.search-pager a[rel=next]').click()")
    check("the next 20", b.until(STATUS + ".textContent.indexOf('（21〜40件目）') >= 0"))
    second = result_urls(b)
    check("... are others", len(second) == 20 and not set(first) & set(second))
    check("... with the focus on the list", b.js(
        "document.activeElement.classList.contains('search-results')"))
    check("... and the address says the page", "p=2" in b.js("location.search"))
    b.js("history.back()")
    check("back shows the first 20 again", b.until(
        STATUS + ".textContent.indexOf('（1〜20件目）') >= 0") and result_urls(b) == first)

    # Over http, below the site's path.
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def handler(*args, **kw):
        return Quiet(*args, directory=http_root, **kw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    web = "http://127.0.0.1:%d%s" % (server.server_address[1], base)
    urls = search(b, web, "くしびき")
    check("over http the same entries are found", sorted(urls) == sorted(
        base + u[3:].replace("index.html", "") for u in search(b, files, "くしびき")), urls)
    server.shutdown()
    b.close()

    # Without JavaScript: no box, and the lists are the way in.
    b = Browser.start(chromium, javascript=False)
    if b is None:
        print("search without JavaScript: skipped (Chromium did not start)")
        done()
    b.open(files + "index.html")
    check("without JavaScript the header's box is not shown", b.js(
        "getComputedStyle(document.querySelector('[data-search-box]')).display") == "none")
    b.open(files + "search/index.html?q=x")
    check("... and the search page points to the lists", b.js(
        "getComputedStyle(document.querySelector('[data-search-form]')).display === 'none' && "
        "getComputedStyle(document.querySelector('[data-search-nojs]')).display !== 'none' && "
        "!!document.querySelector('[data-search-nojs] a[href=\"../activities/index.html\"]') && "
        "!!document.querySelector('[data-search-nojs] a[href=\"../districts/index.html\"]')"))
    b.close()
    done()


def main():
    args = arguments(__doc__, 1)
    if args[0] == "fold" and len(args) == 5:
        fold(*args[1:])
    elif args[0] == "exact" and len(args) in (5, 6):
        exact(args[1], args[2], int(args[3]), int(args[4]), int(args[5]) if len(args) == 6 else 12)
    elif args[0] == "common" and len(args) >= 5:
        common(args[1], args[2], int(args[3]), args[4:])
    elif args[0] == "page" and len(args) == 6:
        page(*args[1:])
    elif args[0] == "loads" and len(args) == 5:
        loads(args[1], args[2], int(args[3]), int(args[4]))
    else:
        arguments(__doc__, 99)


main()
