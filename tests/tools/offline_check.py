#!/usr/bin/python3
"""The installable, offline magazine in headless Chromium, over http on 127.0.0.1: the site is
loaded, the service worker keeps the pages it should, the server is stopped ("offline") and
the kept pages and their pictures load again; a page never read gives the offline page; a new
build drops the old caches; a returning reader is told of a new issue once.

    offline_check.py site CHROMIUM KAIRAN SITE HTTP_ROOT BASE
    offline_check.py serve CHROMIUM KAIRAN SITE

SITE is a copy of the example magazine's sources, built into HTTP_ROOT + BASE (/watowa/); the
check builds it again (with a new issue) on the way. With serve: kairan serve's preview of SITE
registers no worker and keeps nothing.
"""
import json
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser, serve, stop  # noqa: E402 (tests/browser.py)
from checks import arguments, check, done  # noqa: E402

NOW = "2026-11-23 09:00"

ISSUE_7 = """---
number: 7
title: 第7号 特集「冬の見守り」
date: 2026-11-20
summary: 雪の季節の見守りと除雪の助け合いを特集しました。
contents:
  - asahi-yukioroshi
---

冬を前に、見守りの輪を広げる取り組みを紹介します。
"""


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def build(kairan, site, out):
    r = subprocess.run([kairan, "build", "-s", site, "-o", out, "--now", NOW, "--quiet"],
                       capture_output=True, text=True)
    return r.returncode == 0


def cache_urls(b, origin):
    return b.js("caches.keys().then(function (names) { return Promise.all(names.map("
                "function (n) { return caches.open(n).then(function (c) { return c.keys(); })"
                ".then(function (r) { return r.map(function (x) { return x.url; }); }); })); })"
                ".then(function (l) { return [].concat.apply([], l); })")


def worker_ready(b):
    return b.until("navigator.serviceWorker.controller !== null", 30)


def preview(chromium, kairan, site):
    import socket
    import urllib.error
    import urllib.request
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    log = open(os.path.join(site, "serve.log"), "w+")
    server = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port)], stdout=log,
                              stderr=subprocess.STDOUT)
    web = "http://127.0.0.1:%d/watowa/" % port
    html = ""
    for _ in range(300):
        try:
            html = urllib.request.urlopen(web).read().decode()
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    check("kairan serve's preview answers", "<h1" in html)
    check("... its pages register no worker", "data-worker" not in html and "site." in html)
    # Until its first build is done, serve answers what that build has not made yet with the
    # 準備中 page (503); then a file the preview does not have is 404.
    status = 503
    for _ in range(600):
        try:
            status = urllib.request.urlopen(web + "sw.js").status
        except urllib.error.HTTPError as e:
            status = e.code
        if status != 503:
            break
        time.sleep(0.1)
    check("... and it has no sw.js", status == 404, status)
    b = Browser.start(chromium)
    if b is None:
        print("offline: skipped (Chromium did not start)")
    else:
        b.open(web)
        time.sleep(1)
        check("in the browser, the preview has no service worker and no cache",
              b.js("navigator.serviceWorker.getRegistrations().then(function (r) {"
                   " return r.length; })") == 0 and b.js("caches.keys()") == [])
        b.close()
    server.send_signal(15)
    server.wait(timeout=30)
    done()


def main():
    if sys.argv[1:2] == ["serve"]:
        chromium, kairan, site = arguments(__doc__, 4, 4)[1:]
        return preview(chromium, kairan, site)
    chromium, kairan, site, http_root, base = arguments(__doc__, 6, 6)[1:]
    out = os.path.join(http_root, base.strip("/"))
    server = serve(os.path.abspath(http_root))
    origin = "http://127.0.0.1:%d" % server.server_address[1]
    web = origin + base

    b = Browser.start(chromium, width=390, height=900)
    if b is None:
        print("offline: skipped (Chromium did not start)")
        done()

    # First visit: the worker installs and keeps the pages; nothing is asked of another host.
    asked = b.requests(web, "navigator.serviceWorker.controller !== null || "
                            "document.readyState === 'complete'")
    check("the home page loads", b.js("document.querySelector('h1') !== null"))
    check("the worker is registered and takes the page", worker_ready(b))
    check("... and nothing is asked of any other host",
          all(u.startswith(origin) or u.startswith("data:") for u in asked),
          [u for u in asked if not u.startswith(origin)])
    check("the first visit shows no new-issue notice",
          b.js("document.querySelector('[data-issue-notice]').hidden"))

    # The manifest: what the installed app is, and Chromium's installability criteria.
    manifest = b.send("Page.getAppManifest", {}, session=True)
    check("the page names its manifest", manifest.get("url") == web + "manifest.webmanifest",
          manifest.get("url"))
    check("the manifest reads without errors", manifest.get("errors") == [],
          manifest.get("errors"))
    m = json.load(open(os.path.join(out, "manifest.webmanifest"), encoding="utf-8"))
    check("the manifest has the site's name, a short name and lang ja",
          m["name"] == "和と輪つるおか" and m["short_name"] and m["lang"] == "ja", m)
    check("the app starts and stays under base_url's path",
          m["start_url"] == base and m["scope"] == base and m["display"] == "standalone", m)
    check("the theme's colours", m["theme_color"] == "#14452f" and
          m["background_color"] == "#fffdf7", m)
    sizes = {}
    for icon in m["icons"]:
        sizes[icon["sizes"]] = png_size(os.path.join(out, icon["src"]))
    check("icons of 192 and 512 pixels, PNG files of those sizes",
          sizes == {"192x192": (192, 192), "512x512": (512, 512)}, sizes)
    errors = b.send("Page.getInstallabilityErrors", {}, session=True)
    check("Chromium finds the site installable", errors.get("installabilityErrors") == [],
          errors)

    # What the worker kept from the start.
    cached = cache_urls(b, origin)
    for rel in ["", "issues/6/", "activities/", "contacts/", "activities/haguro-kaimono/",
                "offline/"]:
        check("kept from the start: /%s" % rel, web + rel in cached)
    check("the current issue's pictures are kept",
          any("/img/cover-6-" in u for u in cached) and any("/img/kaimono-" in u for u in cached))
    check("the stylesheet and scripts are kept",
          any("/static/style." in u for u in cached) and any("/static/site." in u for u in cached))
    check("pages not read yet are not kept", web + "events/" not in cached)
    check("one cache, named for this site's path and this build",
          b.js("caches.keys()") == ["kairan:%s:%s" % (base, open(os.path.join(out, "sw.js"))
                                                     .read().split('"version":"')[1][:32])],
          b.js("caches.keys()"))

    # A page read while online is kept once read.
    b.open(web + "events/2021-kenshukai/")
    b.until("document.readyState === 'complete'")
    time.sleep(0.5)
    check("a page read is kept", web + "events/2021-kenshukai/" in cache_urls(b, origin))

    # Offline: the server is gone.
    stop(server)
    for rel, title in [("", "和と輪つるおか"), ("issues/6/", "第6号"), ("activities/", "活動一覧"),
                       ("contacts/", "相談窓口"), ("events/2021-kenshukai/", "研修会")]:
        b.open(web + rel)
        check("offline, /%s is read from what was kept" % rel,
              title in b.js("document.title") and
              b.js("getComputedStyle(document.body).fontFamily").find("BIZ") >= 0,
              b.js("document.title"))
    b.open(web + "issues/6/")
    pictures = b.js("Array.from(document.images).map(function (i) {"
                    " return i.complete && i.naturalWidth > 0; })")
    check("offline, the current issue's pictures show", pictures and all(pictures), pictures)
    b.open(web + "activities/haguro-kaimono/")
    b.js("window.scrollTo(0, document.body.scrollHeight)")
    time.sleep(0.3)
    pictures = b.js("Array.from(document.querySelectorAll('main img')).map(function (i) {"
                    " return i.complete && i.naturalWidth > 0; })")
    check("offline, an article of the issue shows its pictures", pictures and all(pictures),
          pictures)
    b.open(web + "events/")
    check("offline, a page never read gives the offline page",
          b.js("document.querySelector('h1').textContent") == "インターネットにつながっていません")
    check("... which links what can be read",
          b.js("Array.from(document.querySelectorAll('main li a')).map(function (a) {"
               " return a.getAttribute('href'); })")[:2] == [base, base + "issues/6/"])
    b.open(web + "issues/6/index.html")
    check("offline, a kept page is found by its index.html too",
          "第6号" in b.js("document.title"))

    # A new build with a new issue: a new worker, the old cache dropped, and the notice, once.
    with open(os.path.join(site, "content", "issues", "7.md"), "w", encoding="utf-8") as f:
        f.write(ISSUE_7)
    check("the site builds again with issue 7", build(kairan, site, out))
    server = serve(os.path.abspath(http_root), server.server_address[1])
    b.open(web + "about/")
    check("a returning reader is told of the new issue",
          b.until("!document.querySelector('[data-issue-notice]').hidden"))
    check("... 「新しい号が出ました」 with a link to it",
          b.js("document.querySelector('[data-issue-notice]').textContent").find(
              "新しい号が出ました") >= 0 and
          b.js("document.querySelector('[data-issue-link]').href") == web + "issues/7/" and
          b.js("document.querySelector('[data-issue-link]').textContent") ==
          "第7号 特集「冬の見守り」を読む")
    b.js("document.querySelector('[data-issue-close]').click()")
    check("閉じる closes it", b.js("document.querySelector('[data-issue-notice]').hidden"))
    b.open(web + "about/")
    time.sleep(0.5)
    check("... once: the next page does not say it again",
          b.js("document.querySelector('[data-issue-notice]').hidden"))
    version = open(os.path.join(out, "sw.js")).read().split('"version":"')[1][:32]
    b.js("navigator.serviceWorker.getRegistration().then(function (r) { return r.update(); })")
    check("the new build's worker drops the old cache",
          b.until("caches.keys().then(function (k) { return k.length === 1 && "
                  "k[0] === 'kairan:%s:%s'; })" % (base, version), 30), b.js("caches.keys()"))
    check("... and keeps the new issue", b.until(
        "caches.open('kairan:%s:%s').then(function (c) { return c.match('%sissues/7/'); })"
        ".then(function (r) { return !!r; })" % (base, version, web), 10))
    stop(server)
    b.close()
    done()


if __name__ == "__main__":
    main()
