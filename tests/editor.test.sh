#!/bin/sh
# kairan serve's editor API (/__kairan/api/), over HTTP on a free loopback port, with a copy of
# the example site: the token (none, wrong, in the header or the address), foreign Host and
# Origin (cross-site requests, DNS rebinding), traversal in slugs and file names, symbolic
# links, bodies over their limits and files that are no picture, each refusal leaving content/
# and assets/ exactly as they were; then reading, changing (one line changes, comments kept),
# conflicts, creating, failing the checks (kept as a draft, messages at their fields),
# deleting into the trash, the preview of unsaved text (only its language's pages made, the
# others' addresses sent to serve's preview), translations (listed with their language beside
# their original, read, saved, checked, previewed in their language, created, trashed),
# pictures turned upright with their
# consent recorded, and a picture without consent failing the build. The editor is off on an
# address other computers reach unless --edit says so.
. tests/lib.sh
command -v python3 >/dev/null 2>&1 || skip_suite editor "python3 is not installed"
cp -R content themes assets "$tmp/"
python3 - "$KAIRAN" "$tmp" <<'EOF'
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

from checks import check, done

kairan, site = sys.argv[1], sys.argv[2]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(port, *extra):
    log = open(os.path.join(site, "serve-%d.log" % port), "w+")
    p = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port)] + list(extra),
                         stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        log.seek(0)
        text = log.read()
        if "kairan: open http" in text:
            return p, log, text
        if p.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    print(log.read())
    check("the server starts", False)
    done()


def stop(p):
    p.send_signal(signal.SIGINT)
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        return "hung"


def request(port, method, path, body=None, headers=None, host=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if isinstance(body, str):
        body = body.encode()
    if host is not None:
        c.putrequest(method, path, skip_host=True)
        c.putheader("Host", host)
        for k, v in h.items():
            c.putheader(k, v)
        data = body if isinstance(body, bytes) else (body or "").encode()
        c.putheader("Content-Length", str(len(data)))
        c.endheaders(data)
    else:
        c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = None
    return r.status, parsed, r, data


def tree_hash(*folders):
    """Every file and link below the folders, with its bytes: what a refusal must not change."""
    h = hashlib.sha256()
    for folder in folders:
        for root, dirs, files in sorted(os.walk(os.path.join(site, folder))):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                h.update(p.encode())
                h.update(os.readlink(p).encode() if os.path.islink(p) else open(p, "rb").read())
    return h.hexdigest()


port = free_port()
server, log, text = start(port)
m = re.search(r"http://127\.0\.0\.1:%d/__kairan/edit/\?token=([0-9a-f]{32})" % port, text)
check("serve prints the editor's address with a token", m is not None, text)
token = m.group(1) if m else ""
H = {"X-Kairan-Token": token}
api = "/__kairan/api/"

# ---- Refusals: each leaves content/ and assets/ as they were. ----
before = tree_hash("content", "assets")
outside = os.path.join(site, "outside")
os.mkdir(outside)


def refused(name, want, method, path, body=None, headers=None, host=None):
    status, js, _, raw = request(port, method, path, body, headers, host)
    check(name + ": " + str(want), status == want, (status, raw[:300]))
    check(name + ": says why in JSON", isinstance(js, dict) and js.get("error") and
          js.get("message"), raw[:200])
    check(name + ": content/ and assets/ unchanged", tree_hash("content", "assets") == before)
    check(name + ": nothing written outside", os.listdir(outside) == [])
    return js


new_event = json.dumps({"kind": "event", "slug": "x-new", "fields": {
    "title": "新しい催し", "start": "2027-03-01 10:00"}, "body": "\n本文\n"})
refused("no token", 401, "GET", api + "entries")
refused("no token (POST)", 401, "POST", api + "entries", new_event)
refused("wrong token", 403, "POST", api + "entries", new_event, {"X-Kairan-Token": "0" * 32})
refused("wrong token in the address", 403, "POST", api + "entries?token=" + "1" * 32, new_event)
refused("token too short", 403, "GET", api + "entries", None, {"X-Kairan-Token": token[:10]})
refused("foreign Origin", 403, "POST", api + "entries", new_event,
        dict(H, Origin="http://evil.example"))
refused("foreign Origin with our port", 403, "POST", api + "entries", new_event,
        dict(H, Origin="http://evil.example:%d" % port))
refused("https Origin", 403, "POST", api + "entries", new_event,
        dict(H, Origin="https://127.0.0.1:%d" % port))
refused("foreign Host (DNS rebinding)", 403, "POST", api + "entries", new_event, H,
        host="evil.example:%d" % port)
refused("Host with another port", 403, "POST", api + "entries", new_event, H,
        host="127.0.0.1:%d" % (port + 1))
refused("no Host", 403, "GET", api + "entries", None, H, host="")
status, _, _, _ = request(port, "GET", "/__kairan/edit/", None, None, host="evil.example:%d" % port)
check("the editor's page refuses a foreign Host", status == 403, status)
for slug in ["../../outside/x", "..", ".hidden", "/etc/passwd", "A-Upper", "a/b", "a%2Fb",
             "a\\b", ""]:
    body = json.dumps({"kind": "event", "slug": slug, "fields": {"title": "x",
                                                                 "start": "2027-03-01"}})
    refused("slug %r in POST" % slug, 400, "POST", api + "entries", body, H)
for path in ["entries/event/..%2F..%2Foutside%2Fx", "entries/event/.hidden",
             "entries/event/../../outside", "entries/events/2021-kenshukai",
             "entries/event/2021-kenshukai/x"]:
    refused("traversal %s" % path, 404, "PUT", api + path,
            json.dumps({"fields": {"title": "x"}, "version": "0"}), H)
    refused("traversal %s (DELETE)" % path, 404, "DELETE", api + path, None, H)
refused("kind that is none", 400, "POST", api + "entries",
        json.dumps({"kind": "secret", "slug": "x", "fields": {}}), H)
refused("fields' slug differs from the address", 400, "POST", api + "entries",
        json.dumps({"kind": "page", "slug": "x", "fields": {"slug": "y", "title": "t"}}), H)
refused("not JSON", 400, "POST", api + "entries", "{title: x", H)
refused("oversize JSON", 413, "POST", api + "entries",
        '{"kind": "page", "slug": "big", "fields": {"title": "' + "あ" * (1 << 20) + '"}}', H)
refused("oversize picture", 413, "POST",
        api + "pictures?kind=event&slug=x&name=big.jpg&alt=x&consent=yes",
        b"\xff\xd8" + b"\0" * (21 << 20), H)
refused("not a picture", 422, "POST",
        api + "pictures?kind=event&slug=x&name=note.jpg&alt=x&consent=yes",
        b"this is a text file, not a picture\n", H)
js = refused("a HEIC photo", 422, "POST",
             api + "pictures?kind=event&slug=x&name=IMG_0001.HEIC&alt=x&consent=yes",
             b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, H)
check("a HEIC photo: the message says HEIC", js and "HEIC" in js.get("message", ""), js)
photo = open(os.path.join(site, "assets/photos/ryori.jpg"), "rb").read()
refused("picture without alt text", 400, "POST",
        api + "pictures?kind=event&slug=x&name=a.jpg&consent=yes", photo, H)
refused("picture without consent", 400, "POST",
        api + "pictures?kind=event&slug=x&name=a.jpg&alt=x", photo, H)
refused("picture for a slug with ..", 400, "POST",
        api + "pictures?kind=event&slug=..%2F..%2Foutside&name=a.jpg&alt=x&consent=yes",
        photo, H)
refused("wrong method", 405, "GET", api + "validate", None, H)
refused("unknown address", 404, "GET", api + "secrets", None, H)

# A symbolic link on the way: content/issues leads outside; nothing is written through it.
issues = os.path.join(site, "content/issues")
os.rename(issues, issues + ".real")
os.symlink(outside, issues)
before = tree_hash("content", "assets")
status, js, _, raw = request(port, "POST", api + "entries", json.dumps(
    {"kind": "issue", "slug": "99", "fields": {"number": 99, "title": "号", "date": "2027-01-01"}}),
    H)
check("a linked folder is not written through", status >= 400 and os.listdir(outside) == [],
      (status, raw[:200], os.listdir(outside)))
os.remove(issues)
os.rename(issues + ".real", issues)
before = tree_hash("content", "assets")

# ---- Reading. ----
status, js, _, _ = request(port, "GET", api + "entries", None, H)
check("GET entries", status == 200 and isinstance(js, list) and len(js) > 20, status)
kenshu = [e for e in js or [] if e["slug"] == "2021-kenshukai"]
check("an entry's kind, slug, title, draft", kenshu and kenshu[0]["kind"] == "event" and
      kenshu[0]["title"].startswith("令和2年度") and kenshu[0]["draft"] is False, kenshu)
status, js, _, _ = request(port, "GET", api + "entries?token=" + token)
check("the token in the address works too", status == 200 and isinstance(js, list))
status, js, _, _ = request(port, "GET", api + "entries?kind=event&draft=false", None, H)
check("filtered by kind and draft", status == 200 and js and
      all(e["kind"] == "event" and not e["draft"] for e in js), js and js[:2])
status, js, _, _ = request(port, "GET", api + "entries?district=kushibiki", None, H)
check("filtered by district", status == 200 and js and
      all(e["district"] == "kushibiki" for e in js))
status, js, _, _ = request(port, "GET", api + "schema", None, H)
kinds = {k["kind"]: k for k in (js or {}).get("kinds", [])}
event_fields = {f["name"]: f for f in kinds.get("event", {}).get("fields", [])}
check("the schema has the event's fields with labels",
      event_fields.get("sessions", {}).get("type") == "groups" and
      event_fields["title"]["label"] == "タイトル" and
      [f["name"] for f in event_fields["sessions"]["fields"]] ==
      ["start", "end", "label", "venue"], list(event_fields)[:5])
check("the schema lists site.yaml's districts", any(d["slug"] == "kushibiki"
                                                     for d in js.get("districts", [])))
path = os.path.join(site, "content/events/2021-kenshukai.md")
original = open(path, encoding="utf-8").read()
status, entry, r, _ = request(port, "GET", api + "entries/event/2021-kenshukai", None, H)
check("GET an entry", status == 200 and entry["fields"]["start"] == "2021-02-19 13:30" and
      entry["body"] in original and len(entry["version"]) == 32, status)

# ---- Changing: one line changes; a comment of an unchanged field stays. ----
with_comment = original.replace("\nsummary:", "\n# 一行の紹介\nsummary:", 1)
open(path, "w", encoding="utf-8").write(with_comment)
status, entry, _, _ = request(port, "GET", api + "entries/event/2021-kenshukai", None, H)
fields = entry["fields"]
fields["participants"] = 153
status, js, _, raw = request(port, "PUT", api + "entries/event/2021-kenshukai", json.dumps(
    {"version": entry["version"], "fields": fields, "body": entry["body"]}), H)
check("PUT saves", status == 200 and js["saved"] and not js["messages"], raw[:300])
now = open(path, encoding="utf-8").read()
old_lines, new_lines = with_comment.split("\n"), now.split("\n")
changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
check("only the changed field's line differs", len(old_lines) == len(new_lines) and
      changed == [("participants: 152", "participants: 153")], changed)
check("the comment is kept", "# 一行の紹介\nsummary:" in now)
status, js, _, _ = request(port, "PUT", api + "entries/event/2021-kenshukai", json.dumps(
    {"version": entry["version"], "fields": fields, "body": "上書き"}), H)
check("an old version is a conflict (409)", status == 409 and js["error"] == "conflict" and
      open(path, encoding="utf-8").read() == now, status)
status, js, _, _ = request(port, "PUT", api + "entries/event/2021-kenshukai", json.dumps(
    {"fields": fields, "body": "上書き"}), H)
check("no version: 428", status == 428 and open(path, encoding="utf-8").read() == now, status)
status, cur, _, _ = request(port, "GET", api + "entries/event/2021-kenshukai", None, H)
status, js, _, _ = request(port, "PUT", api + "entries/event/2021-kenshukai", json.dumps(
    {"fields": fields, "body": cur["body"]}), dict(H, **{"If-Match": cur["version"]}))
check("If-Match works as the version", status == 200, status)

# ---- Creating. ----
status, js, r, raw = request(port, "POST", api + "entries", new_event, H)
created = os.path.join(site, "content/events/x-new.md")
check("POST creates: 201", status == 201 and os.path.exists(created), raw[:300])
check("POST: Location", r.getheader("Location") == "/__kairan/api/entries/event/x-new")
check("POST: the file", open(created, encoding="utf-8").read() ==
      "---\ntitle: 新しい催し\nstart: 2027-03-01 10:00\n---\n\n本文\n")
status, js, _, _ = request(port, "POST", api + "entries", new_event, H)
check("POST of an existing one: 409", status == 409, status)
bad = json.dumps({"kind": "event", "slug": "x-bad", "fields": {
    "title": "日付の誤り", "sessions": [{"start": "2027-02-19 13:30"},
                                         {"start": "2027-02-30 09:00"}]}, "body": "本文\n"})
status, js, _, raw = request(port, "POST", api + "entries", bad, H)
bad_path = os.path.join(site, "content/events/x-bad.md")
check("failing the checks: 422 with the build's messages", status == 422 and
      any(m["field"] == "sessions.1.start" and "28 days" in m["text"] for m in js["messages"]),
      raw[:500])
check("failing the checks: kept as a draft", js and js["saved"] and js["draft"] and
      "draft: true" in open(bad_path, encoding="utf-8").read())
status, js, _, raw = request(port, "POST", api + "validate", json.dumps(
    {"kind": "activity", "slug": "x-val", "fields": {"title": "活動", "district": "kushibki"}}), H)
check("validate: field messages", status == 200 and js["ok"] is False and
      any(m["field"] == "district" and "kushibiki" in m["text"] for m in js["messages"]) and
      not os.path.exists(os.path.join(site, "content/activities/x-val.md")), raw[:400])

# ---- Deleting into the trash. ----
status, js, _, raw = request(port, "DELETE", api + "entries/event/x-bad", None, H)
check("DELETE moves to the trash", status == 200 and not os.path.exists(bad_path) and
      os.path.exists(os.path.join(site, js["trash"])) and js["trash"].startswith(
          "content/.trash/events/x-bad-"), raw[:300])
status, js, _, _ = request(port, "GET", api + "entries/event/x-bad", None, H)
check("a deleted entry is gone", status == 404, status)

# ---- The preview of unsaved text: built outside content/. ----
before = tree_hash("content")
draft = {"kind": "event", "slug": "x-new", "fields": {"title": "新しい催し",
                                                      "start": "2027-03-01 10:00"},
         "body": "\nまだ保存していない文\n"}
t0 = time.time()
status, js, _, raw = request(port, "POST", api + "preview", json.dumps(draft), H)
took = time.time() - t0
check("preview builds", status == 200 and js["built"], raw[:300])
status, _, _, page = request(port, "GET", js["url"])
check("the preview shows the unsaved text", status == 200 and
      "まだ保存していない文" in page.decode(), status)
check("the preview wrote nothing in content/", tree_hash("content") == before)
print("preview of unsaved text: %.0f ms (build %d ms)" % (took * 1000, js["ms"]))
# Only the entry's language is made: an original's preview writes no page of the other
# languages (en/, easy/, vi/), whose addresses lead to the site's preview, as saved.
shown = os.path.join(site, ".cache/kairan/editor/preview")
others = [k for k in ("en", "easy", "vi") if os.path.exists(os.path.join(shown, k))]
check("an original's preview makes only the default language's pages",
      os.path.exists(os.path.join(shown, "events/x-new/index.html")) and
      os.path.exists(os.path.join(shown, "index.html")) and others == [], others)
status, _, r, _ = request(port, "GET", "/__kairan/preview/en/events/2021-kenshukai/index.html")
check("another language's page leads to the site's preview (307)", status == 307 and
      r.getheader("Location") == "/watowa/en/events/2021-kenshukai/index.html",
      (status, r.getheader("Location")))
status, _, _, page = request(port, "GET", "/watowa/en/events/2021-kenshukai/index.html")
check("... which has it", status == 200 and 'lang="en"' in page.decode(), status)
status, _, _, _ = request(port, "GET", "/__kairan/preview/events/no-such-entry/index.html")
check("a page the preview's language has not: 404, not sent elsewhere", status == 404, status)

# ---- Translations: listed with their language after their original, opened with the
# original's fields beside them, saved (one line changes), checked (what places the entry is
# the original's), previewed in their own language, created and moved to the trash. ----
status, js, _, _ = request(port, "GET", api + "entries?kind=activity", None, H)
otoko = [(e["lang"], e["translation"], e["path"], e["ok"]) for e in js or []
         if e["slug"] == "kushibiki-otokojuku"]
check("a translation is listed after its original, with its language", otoko == [
    ("ja", False, "activities/kushibiki-otokojuku.md", True),
    ("ja-x-easy", True, "activities/kushibiki-otokojuku.easy.md", True),
    ("en", True, "activities/kushibiki-otokojuku.en.md", True)], otoko)
check("no entry is listed under a file name with its language's key (x.en)",
      not [e["slug"] for e in js or [] if "." in e["slug"]])
en_title = [e["title"] for e in js or [] if e["slug"] == "kushibiki-otokojuku" and e["lang"] == "en"]
check("a translation is listed with its own title", en_title == ["Kushibiki Otoko-juku (men's group)"],
      en_title)
status, js, _, _ = request(port, "GET", api + "entries?lang=en", None, H)
check("filtered by language", status == 200 and len(js) >= 5 and
      all(e["lang"] == "en" and e["translation"] for e in js), js and js[:2])
status, js, _, _ = request(port, "GET", api + "schema", None, H)
check("the schema lists the languages, the default first",
      [(l["code"], l["name"], l["default"]) for l in js.get("languages", [])][:3] ==
      [("ja", "日本語", True), ("ja-x-easy", "やさしい にほんご", False), ("en", "English", False)],
      js.get("languages"))
fields = {f["name"]: f for f in {k["kind"]: k for k in js["kinds"]}["event"]["fields"]}
sessions = {f["name"]: f for f in fields["sessions"]["fields"]}
check("the schema marks what a translation cannot change",
      fields["district"].get("shared") and fields["start"].get("shared") and
      not fields["title"].get("shared") and sessions["start"].get("shared") and
      not sessions["label"].get("shared") and
      {g["name"]: g for g in fields["apply"]["fields"]}["deadline"].get("shared") and
      not {g["name"]: g for g in fields["apply"]["fields"]}["how"].get("shared"))
status, tr, r, _ = request(port, "GET", api + "entries/activity/kushibiki-otokojuku?lang=en", None, H)
check("GET a translation: its own fields, the original's beside them", status == 200 and
      tr["lang"] == "en" and tr["translation"] and tr["path"] ==
      "activities/kushibiki-otokojuku.en.md" and "district" not in tr["fields"] and
      tr["original"]["fields"]["district"] == "kushibiki" and
      tr["original"]["path"] == "activities/kushibiki-otokojuku.md", status)
status, orig, _, _ = request(port, "GET", api + "entries/activity/kushibiki-otokojuku", None, H)
check("GET an original: its translations", status == 200 and orig["lang"] == "ja" and
      [t["lang"] for t in orig["translations"]] == ["ja-x-easy", "en"], orig.get("translations"))
status, js, _, _ = request(port, "GET", api + "entries/activity/kushibiki-otokojuku?lang=vi", None, H)
check("a language without a translation: 404", status == 404 and js["error"] == "no-translation",
      status)
status, js, _, _ = request(port, "GET", api + "entries/activity/kushibiki-otokojuku?lang=fr", None, H)
check("a language site.yaml has not: 400", status == 400 and js["error"] == "bad-lang", status)
en_path = os.path.join(site, "content/activities/kushibiki-otokojuku.en.md")
orig_path = os.path.join(site, "content/activities/kushibiki-otokojuku.md")
en_before, orig_before = (open(en_path, encoding="utf-8").read(),
                          open(orig_path, encoding="utf-8").read())
fields = dict(tr["fields"], summary="A mutual-aid activity in Kushibiki, run by the men of the area.")
status, js, r, raw = request(port, "PUT", api + "entries/activity/kushibiki-otokojuku?lang=en",
                             json.dumps({"version": tr["version"], "fields": fields,
                                         "body": tr["body"]}), H)
en_now = open(en_path, encoding="utf-8").read()
changed = [(a, b) for a, b in zip(en_before.split("\n"), en_now.split("\n")) if a != b]
check("PUT a translation saves it", status == 200 and js["lang"] == "en" and
      js["path"] == "activities/kushibiki-otokojuku.en.md" and r.getheader("Location") ==
      "/__kairan/api/entries/activity/kushibiki-otokojuku?lang=en", raw[:300])
check("... only its summary line changes, the original not at all", len(changed) == 1 and
      changed[0][1].startswith("summary: A mutual-aid activity in Kushibiki, run by") and
      open(orig_path, encoding="utf-8").read() == orig_before, changed)
status, js, _, raw = request(port, "POST", api + "validate", json.dumps(
    {"kind": "activity", "slug": "kushibiki-otokojuku", "lang": "en",
     "fields": dict(fields, district="asahi"), "body": tr["body"]}), H)
check("a translation that changes the district fails, at its field", status == 200 and
      js["ok"] is False and any(m["field"] == "district" and "comes from the original" in m["text"]
                                for m in js["messages"]), raw[:400])
draft = {"kind": "activity", "slug": "kushibiki-otokojuku", "lang": "en", "fields": fields,
         "body": "\nAn English sentence not saved yet.\n"}
status, js, _, raw = request(port, "POST", api + "preview", json.dumps(draft), H)
check("a translation's preview is in its language", status == 200 and js["built"] and
      js["url"] == "/__kairan/preview/en/activities/kushibiki-otokojuku/index.html", raw[:300])
status, _, _, page = request(port, "GET", js["url"])
check("... and shows the unsaved text", status == 200 and
      "An English sentence not saved yet." in page.decode(), status)
made = sorted(n for n in os.listdir(shown) if not n.startswith("."))
check("... made only English pages", os.path.exists(os.path.join(shown, "en/index.html")) and
      not os.path.exists(os.path.join(shown, "activities")) and
      not os.path.exists(os.path.join(shown, "index.html")) and
      not os.path.exists(os.path.join(shown, "easy")), made)
status, _, r, _ = request(port, "GET", "/__kairan/preview/activities/kushibiki-otokojuku/index.html")
check("... the Japanese page leads to the site's preview", status == 307 and
      r.getheader("Location") == "/watowa/activities/kushibiki-otokojuku/index.html",
      (status, r.getheader("Location")))
vi_path = os.path.join(site, "content/activities/kushibiki-otokojuku.vi.md")
make_vi = json.dumps({"kind": "activity", "slug": "kushibiki-otokojuku", "lang": "vi",
                      "fields": {"title": "くしびき男塾", "draft": True}, "body": "\n"})
status, js, r, raw = request(port, "POST", api + "entries", make_vi, H)
check("POST with lang creates a translation beside its original", status == 201 and
      open(vi_path, encoding="utf-8").read() == "---\ntitle: くしびき男塾\ndraft: true\n---\n\n" and
      r.getheader("Location") == "/__kairan/api/entries/activity/kushibiki-otokojuku?lang=vi" and
      js["lang"] == "vi", raw[:300])
status, js, _, _ = request(port, "POST", api + "entries", make_vi, H)
check("POST of a translation that exists: 409", status == 409, status)
status, js, _, _ = request(port, "POST", api + "entries", json.dumps(
    {"kind": "activity", "slug": "no-such-entry", "lang": "vi", "fields": {"title": "x"}}), H)
check("POST of a translation without its original: 404, nothing written", status == 404 and
      not os.path.exists(os.path.join(site, "content/activities/no-such-entry.vi.md")), status)
status, js, _, _ = request(port, "POST", api + "entries", json.dumps(
    {"kind": "activity", "slug": "kushibiki-otokojuku", "lang": "fr", "fields": {"title": "x"}}), H)
check("POST of a translation in a language site.yaml has not: 400", status == 400 and
      js["error"] == "bad-lang" and not os.path.exists(
          os.path.join(site, "content/activities/kushibiki-otokojuku.fr.md")), status)
status, js, _, raw = request(port, "DELETE",
                             api + "entries/activity/kushibiki-otokojuku?lang=vi", None, H)
check("DELETE with lang moves the translation to the trash, not the original", status == 200 and
      not os.path.exists(vi_path) and os.path.exists(orig_path) and
      js["trash"].startswith("content/.trash/activities/kushibiki-otokojuku.vi-"), raw[:300])

# ---- Pictures: turned upright, named safely, consent recorded. ----


def jpeg_size(data):
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    return None


status, js, _, raw = request(port, "POST", api + "pictures?kind=event&slug=x-new&name=..%2F..%2F"
                             "%E6%96%99%E7%90%86.JPG&alt=%E6%96%99%E7%90%86%E6%95%99%E5%AE%A4"
                             "&consent=yes", photo, H)
check("a picture is stored", status == 201 and js["path"].startswith("assets/photos/x-new") and
      ".." not in js["path"], raw[:300])
stored = open(os.path.join(site, js["path"]), "rb").read() if status == 201 else b""
w, h = jpeg_size(photo)
check("turned as its EXIF orientation said", jpeg_size(stored) == (h, w),
      (jpeg_size(stored), (w, h)))
check("its EXIF is gone", b"Exif\0\0" not in stored[:200])
check("the Markdown to insert has the alt text", js.get("markdown") == "![料理教室](%s)" % js["src"])
check("the record has the consent", js.get("record") == {"file": js["src"], "alt": "料理教室",
                                                         "consent": "yes"})
# Recorded without consent and used: the build fails, naming the entry and the file.
status, cur, _, _ = request(port, "GET", api + "entries/event/x-new", None, H)
fields = cur["fields"]
fields["pictures"] = [dict(js["record"], consent="no")]
status, saved, _, raw = request(port, "PUT", api + "entries/event/x-new", json.dumps(
    {"version": cur["version"], "fields": fields, "body": cur["body"] + js["markdown"] + "\n"}), H)
check("a picture without consent fails the checks", status == 422 and any(
    "cannot be published" in m["text"] and js["src"] in m["text"] for m in saved["messages"]),
    raw[:400])
r = subprocess.run([kairan, "check", "-s", site, "--drafts"], capture_output=True, text=True)
check("kairan check names the entry and the picture", r.returncode == 1 and re.search(
    r"content/events/x-new\.md:\d+:\d+: error: '%s' cannot be published" % re.escape(js["src"]),
    r.stderr), r.stderr[-400:])

code = stop(server)
check("serve stops (exit 0)", code == 0, code)

# ---- Another address: the editor is off unless --edit; with it, a warning. ----
port = free_port()
server, log, text = start(port, "--bind", "0.0.0.0")
check("not on loopback: no editor address", "__kairan/edit" not in text, text)
# Until the first build is done every address gets the 準備中 page (503); then 404.
deadline = time.time() + 120
status, _, _, _ = request(port, "GET", api + "entries", None, H)
while status == 503 and time.time() < deadline:
    time.sleep(0.2)
    status, _, _, _ = request(port, "GET", api + "entries", None, H)
check("not on loopback: no API", status == 404, status)
stop(server)
port = free_port()
server, log, text = start(port, "--bind", "0.0.0.0", "--edit")
check("--edit: a warning", "warning: the editor is on at 0.0.0.0" in text, text)
m = re.search(r"token=([0-9a-f]{32})", text)
status, _, _, _ = request(port, "GET", api + "entries", None,
                          {"X-Kairan-Token": m.group(1) if m else ""})
check("--edit: the API answers", status == 200, status)
check("a new token each time", m and m.group(1) != token)
stop(server)
done()
EOF
