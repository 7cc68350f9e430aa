#!/usr/bin/python3
"""kairan serve's editor walked through in headless Chromium, as an editor would use it.

    editor_walk.py KAIRAN SITE SNAPSHOTS      the walk-through, with checks (tests/editor-browser)
    editor_walk.py KAIRAN SITE --bench N      only the time from typing to the preview, N times

SITE is a copy of a site that the walk changes (the example: content/, themes/, assets/ with
assets/photos/). The walk creates an event with two sessions and a photo (alt text and consent
asked for), saves it, edits it and sees the edit in the preview, opens an entry with the
keyboard, opens a translation and makes one with 翻訳を作る, and leaves snapshots of the editor's page in SNAPSHOTS (its DOM as drawn, without
scripts) for validate-html and a11y-check. Prints checks and "N passed, N failed"; with --bench,
one line "typing to preview: MS MS ..." instead."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser, find_chromium  # noqa: E402
from checks import check, done  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(kairan, site):
    port = free_port()
    log = open(os.path.join(site, "editor-walk.log"), "w+")
    p = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port), "--now", "2026-11-23 09:00"],
                         stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        log.seek(0)
        m = re.search(r"(http://127\.0\.0\.1:\d+/__kairan/edit/\?token=[0-9a-f]{32})", log.read())
        if m:
            return p, log, m.group(1), port
        if p.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    sys.stdout.write(log.read())
    p.kill()
    return None, log, None, port


def stop(p):
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()


def frame_text(b):
    return b.js("(function(){try{return document.getElementById('preview').contentDocument"
                ".body.innerText}catch(e){return ''}})()") or ""


def set_value(b, selector, value):
    """Sets a control as a picker would, with the events the page listens to."""
    return b.js("(function(){var e=document.querySelector(%s); if(!e) return false; e.value=%s;"
                "e.dispatchEvent(new Event('input',{bubbles:true}));"
                "e.dispatchEvent(new Event('change',{bubbles:true})); return true})()"
                % (json.dumps(selector), json.dumps(value)))


def focus_end(b, selector):
    b.js("(function(){var e=document.querySelector(%s); e.focus(); "
         "e.setSelectionRange(e.value.length, e.value.length)})()" % json.dumps(selector))


def set_file(b, path):
    doc = b.send("DOM.getDocument", {}, session=True)
    node = b.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"],
                                        "selector": "#picture-file"}, session=True)
    b.send("DOM.setFileInputFiles", {"files": [path], "nodeId": node["nodeId"]}, session=True)


def type_and_wait(b, text, within):
    """Types text at the end of the body and returns the seconds until the preview shows it."""
    focus_end(b, "#body")
    t0 = time.monotonic()
    b.type(text)
    shown = b.until("(function(){try{return document.getElementById('preview').contentDocument"
                    ".body.innerText.indexOf(%s) >= 0}catch(e){return false}})()"
                    % json.dumps(text.strip()), within=within)
    return time.monotonic() - t0 if shown else None


def snapshot(b, folder, name, css):
    """The page's DOM as drawn, without its scripts, with the stylesheet beside it."""
    html = b.js("(function(){var d=document.documentElement.cloneNode(true);"
                "d.querySelectorAll('script').forEach(function(s){s.remove()});"
                "d.querySelectorAll('iframe').forEach(function(f){f.setAttribute('src','about:blank')});"
                "return '<!DOCTYPE html>\\n'+d.outerHTML})()")
    out = os.path.join(folder, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(html)
    with open(os.path.join(out, "editor.css"), "wb") as f:
        f.write(css)


def open_editor(b, url):
    b.open(url)
    return b.until("document.querySelectorAll('#entry-list li').length > 5", within=30)


def open_entry(b, slug):
    b.js("document.querySelector('#entry-list button[data-slug=%s]').click()" % json.dumps(slug))
    return b.until("document.getElementById('entry-form').hidden === false && "
                   "document.querySelector('[data-path=\"slug\"] input').value === %s"
                   % json.dumps(slug), within=20)


def bench(kairan, site, n):
    p, log, url, _ = start(kairan, site)
    if not p:
        print("the server did not start")
        return 1
    b = Browser.start(find_chromium() or "chromium")
    times = []
    try:
        open_editor(b, url)
        open_entry(b, "2021-kenshukai")
        b.until("document.getElementById('preview').getAttribute('data-serial')", within=30)
        for i in range(n):
            took = type_and_wait(b, "計測%dの文。" % i, 10)
            times.append(round(took * 1000) if took is not None else -1)
            time.sleep(0.2)
    finally:
        b.close()
        stop(p)
    print("typing to preview: " + " ".join(str(t) for t in times))
    return 0


def walk(kairan, site, snapshots):
    p, log, url, port = start(kairan, site)
    check("the server starts with the editor", p is not None)
    if not p:
        done()
    b = Browser.start(find_chromium() or "chromium")
    check("the browser starts", b is not None)
    if not b:
        stop(p)
        done()
    css = urllib.request.urlopen("http://127.0.0.1:%d/__kairan/edit/editor.css" % port).read()
    raw = urllib.request.urlopen("http://127.0.0.1:%d/__kairan/edit/" % port).read()
    os.makedirs(os.path.join(snapshots, "page"), exist_ok=True)
    open(os.path.join(snapshots, "page", "index.html"), "wb").write(raw)
    open(os.path.join(snapshots, "page", "editor.css"), "wb").write(css)
    try:
        check("the editor lists the entries", open_editor(b, url))
        check("the token is taken out of the address", b.js("location.search") == "")
        b.key("Tab", "Tab")
        check("the first Tab reaches the skip link",
              b.js("document.activeElement.className") == "skip")

        # A new event with two sessions and a photo.
        set_value(b, "#new-kind", "event")
        b.js("document.querySelector('#new-form button').click()")
        check("a new event's form", b.until("document.getElementById('form-title').textContent"
                                            ".indexOf('新しい') === 0"))
        check("the title field has focus",
              b.js("document.activeElement === document.querySelector('[data-path=\"title\"] input')"))
        b.type("編集画面で作った研修会")
        focus_end(b, '[data-path="reading"] input')
        b.type("へんしゅうがめんでつくったけんしゅうかい")
        set_value(b, '[data-path="district"] select', "kushibiki")
        b.js("document.querySelector('[data-path=\"categories\"] input[value=\"training\"]').click()")
        add = "document.querySelector('[data-path=\"sessions\"] > button')"
        b.js(add + ".click()")
        b.js(add + ".click()")
        check("two sessions to fill in",
              b.js("document.querySelectorAll('[data-path=\"sessions\"] fieldset.item').length") == 2)
        for i, (day, begin, end, label) in enumerate([("2027-02-19", "13:30", "16:00", "1日目"),
                                                        ("2027-02-20", "09:30", "12:00", "2日目")]):
            set_value(b, '[data-path="sessions.%d.start"] input[type=date]' % i, day)
            set_value(b, '[data-path="sessions.%d.start"] input[type=time]' % i, begin)
            set_value(b, '[data-path="sessions.%d.end"] input[type=date]' % i, day)
            set_value(b, '[data-path="sessions.%d.end"] input[type=time]' % i, end)
            set_value(b, '[data-path="sessions.%d.label"] input' % i, label)
        check("the 和暦 is shown beside a date", "令和9年2月19日" in (b.js(
            "document.querySelector('[data-path=\"sessions.0.start\"] .wareki').textContent") or ""))
        set_value(b, '[data-path="sessions.1.end"] input[type=text]', "令和9年2月21日")
        check("a date typed in 和暦 fills the picker", b.js(
            "document.querySelector('[data-path=\"sessions.1.end\"] input[type=date]').value")
            == "2027-02-21")
        set_value(b, '[data-path="sessions.1.end"] input[type=date]', "2027-02-20")
        set_value(b, '[data-path="contact.name"] input', "櫛引地域包括支援センター")
        set_value(b, '[data-path="contact.phone"] input', "0235-00-1200")
        slug = b.js("document.querySelector('[data-path=\"slug\"] input').value")
        check("the slug comes from the reading", slug == "2027-henshuugamendetsukuttakenshuukai",
              slug)
        focus_end(b, "#body")
        b.type("第一部と第二部があります。\n")
        photo = os.path.join(site, "assets/photos/ryori.jpg")
        set_file(b, photo)
        check("a photo asks for its alt text and consent",
              b.until("document.getElementById('picture-dialog').open"))
        check("the alt text field has focus", b.js("document.activeElement.id") == "picture-alt")
        b.js("document.querySelector('#picture-form button[value=ok]').click()")
        check("no alt text: the dialog stays and says so", b.js(
            "document.getElementById('picture-dialog').open && "
            "document.getElementById('picture-msg').textContent.length > 0"))
        b.type("研修会の会場のようす")
        b.js("document.querySelector('input[name=consent][value=yes]').click()")
        b.js("document.querySelector('#picture-form button[value=ok]').click()")
        check("the photo goes into the body with its alt text", b.until(
            "/!\\[研修会の会場のようす\\]\\(photos\\/2027-henshuu[a-z-]*\\.jpg\\)/"
            ".test(document.getElementById('body').value)"))
        check("the photo's consent is recorded", b.js(
            "document.querySelectorAll('[data-path=\"pictures\"] fieldset.item').length") == 1)
        check("the preview shows the unsaved event", b.until(
            "(function(){try{var t=document.getElementById('preview').contentDocument.body"
            ".innerText;return t.indexOf('第一部と第二部') >= 0 && t.indexOf('2日目') >= 0}"
            "catch(e){return false}})()", within=20), frame_text(b)[:300])
        check("the preview shows the photo", b.until(
            "(function(){try{return document.getElementById('preview').contentDocument"
            ".querySelector('img[alt=\"研修会の会場のようす\"]') !== null}catch(e){return false}})()",
            within=10))
        path = os.path.join(site, "content/events/%s.md" % slug)
        check("nothing written before Save", not os.path.exists(path))
        b.js("document.getElementById('save').click()")
        check("saved", b.until("document.getElementById('status').textContent === '保存しました。'",
                               within=20), b.js("document.getElementById('status').textContent"))
        text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        check("the file has both sessions", re.search(
            r"sessions:\n  - start: 2027-02-19 13:30\n    end: 2027-02-19 16:00\n    label: 1日目\n"
            r"  - start: 2027-02-20 09:30\n    end: 2027-02-20 12:00\n    label: 2日目\n", text),
            text)
        check("the file records the photo's consent", re.search(
            r"pictures:\n  - file: photos/2027-henshuu[a-z-]*\.jpg\n    alt: 研修会の会場のようす\n"
            r"    consent: yes\n", text), text)
        check("the file starts with the title, in the kind's order", text.startswith(
            "---\ntitle: 編集画面で作った研修会\nreading: へんしゅうがめんでつくったけんしゅうかい\n"),
            text[:200])

        # Editing it: the preview follows the typing (how fast is measured by make bench).
        check("the saved event is open again", b.until(
            "document.getElementById('form-title').textContent.indexOf('を直す') > 0", within=20))
        b.until("document.getElementById('preview').getAttribute('data-serial')", within=20)
        time.sleep(0.5)  # the rebuild the save set off is over: typing is measured alone
        took = type_and_wait(b, "追記した一文です。", 30)
        check("typing reaches the preview", took is not None, took)
        if took is not None:
            print("typing to preview: %.0f ms" % (took * 1000))
        b.js("document.getElementById('save').click()")
        check("the edit is saved", b.until(
            "document.getElementById('status').textContent === '保存しました。'", within=20))
        time.sleep(0.3)
        now = open(path, encoding="utf-8").read()
        check("the file has the edit", "追記した一文です。" in now and now.replace(
            "追記した一文です。", "") == text, now[-200:])

        # The keyboard: an entry opened from the list with Enter.
        b.js("document.querySelector('#entry-list button[data-slug=\"2021-kenshukai\"]').focus()")
        b.key("Enter", "Enter", "\r")
        check("Enter opens an entry", b.until(
            "document.getElementById('form-title').textContent.indexOf('令和2年度') >= 0", within=20))
        snapshot(b, snapshots, "entry", css)

        # A translation, opened from under its original: its form leaves out what places the
        # entry, and its preview is its language's page.
        b.js("document.querySelector('#entry-list button[data-slug=\"2021-kenshukai\"]"
             "[data-lang=\"en\"]').click()")
        check("a translation opens from the list", b.until(
            "document.getElementById('form-title').textContent.indexOf('Englishの翻訳') === 0",
            within=20))
        check("its form leaves out what comes from the original", b.js(
            "!document.querySelector('#fields [data-path=\"start\"]') && "
            "!document.querySelector('#fields [data-path=\"categories\"]') && "
            "!!document.querySelector('#fields [data-path=\"summary\"]') && "
            "document.querySelectorAll('[data-path=\"venues\"] fieldset.item').length === 3"))
        check("its preview is the English page", b.until(
            "(function(){try{return document.getElementById('preview').contentWindow.location"
            ".pathname === '/__kairan/preview/en/events/2021-kenshukai/index.html'}"
            "catch(e){return false}})()", within=20))
        # 翻訳を作る on the event made above, which has none.
        b.js("document.querySelector('#entry-list button[data-slug=%s]:not([data-lang])').click()"
             % json.dumps(slug))
        b.until("!document.getElementById('translations').hidden && "
                "document.getElementById('form-title').textContent.indexOf('編集画面で作った') >= 0",
                within=20)
        set_value(b, "#translation-lang", "en")
        b.js("document.getElementById('make-translation').click()")
        check("翻訳を作る opens the new translation", b.until(
            "document.getElementById('form-title').textContent.indexOf('Englishの翻訳') === 0",
            within=20))
        made = os.path.join(site, "content/events/%s.en.md" % slug)
        check("... written beside its original, as a draft with the title to translate",
              os.path.exists(made) and open(made, encoding="utf-8").read() ==
              "---\ntitle: 編集画面で作った研修会\ndraft: true\n---\n\n",
              open(made, encoding="utf-8").read() if os.path.exists(made) else "")
        snapshot(b, snapshots, "translation", css)

        # Messages next to their fields.
        set_value(b, "#new-kind", "activity")
        b.js("document.querySelector('#new-form button').click()")
        b.until("document.getElementById('form-title').textContent.indexOf('新しい') === 0")
        focus_end(b, '[data-path="reading"] input')
        b.type("まちがいのかつどう")
        set_value(b, '[data-path="issue"] input', "-3")
        b.js("document.getElementById('save').click()")
        check("a failed check shows its messages", b.until(
            "!document.getElementById('summary').hidden && document.querySelector("
            "'[data-path=\"issue\"] .msg').textContent.length > 0", within=20),
            b.js("document.getElementById('summary').textContent"))
        check("the field is marked invalid", b.js(
            "document.querySelector('[data-path=\"issue\"] input')"
            ".getAttribute('aria-invalid')") == "true")
        snapshot(b, snapshots, "messages", css)
        set_file(b, photo)
        b.until("document.getElementById('picture-dialog').open")
        snapshot(b, snapshots, "picture", css)
        b.js("document.querySelector('#picture-form button[value=cancel]').click()")
    finally:
        b.close()
        stop(p)
    done()


def main():
    args = sys.argv[1:]
    if len(args) == 4 and args[2] == "--bench":
        sys.exit(bench(os.path.abspath(args[0]), args[1], int(args[3])))
    if len(args) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    walk(os.path.abspath(args[0]), args[1], args[2])


main()
