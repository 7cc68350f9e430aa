#!/bin/sh
# kairan serve, end to end: a copy of the example site served on a free loopback port. Fetches
# pages and files (content types, the 404 page, folders, no listings, traversal and symlinks),
# edits an entry and a stylesheet while listening to the event stream, breaks and fixes the
# front matter, then stops the server with SIGINT. HTTP through Python's http.client.
. tests/lib.sh
command -v python3 >/dev/null 2>&1 || skip_suite serve "python3 is not installed"
cp -R content themes assets "$tmp/"
python3 - "$KAIRAN" "$tmp" <<'EOF'
import glob
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from checks import check, done

kairan, site = sys.argv[1], sys.argv[2]
# A saved change must reach the browser; how fast it does is measured by the benchmarks, not
# here (a loaded CI machine is no measure). The bound only ends the wait for a lost change.
limit = 30.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(port, path, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), r.getheader("Location"), body


def start(port, *extra):
    """Starts kairan serve and waits for its first build to end."""
    log = open(os.path.join(site, "serve-%d.log" % port), "w+")
    p = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port)] + list(extra),
                         stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 50
    while time.time() < deadline:
        log.seek(0)
        text = log.read()
        if "kairan: built in" in text or "the build failed" in text:
            return p, log
        if p.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    print(log.read())
    check("the server starts", False)
    done()


def stop(p, log, port, name):
    p.send_signal(signal.SIGINT)
    try:
        code = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        code = "hung"
    check(name + ": SIGINT exits 0", code == 0, "exit %s" % code)
    log.seek(0)
    out = log.read()
    check(name + ": says it stopped", out.rstrip().endswith("kairan: stopped"), out[-300:])
    s = socket.socket()
    check(name + ": port closed", s.connect_ex(("127.0.0.1", port)) != 0)
    s.close()
    left = glob.glob(os.path.join(site, "**", "*staging*"), recursive=True) + \
        glob.glob(os.path.join(site, "**", ".*staging*"), recursive=True)
    check(name + ": no staging folders left", not left, left)
    return out


# The site's own path, from its base_url: pages are served below it.
base_url = re.search(r"^base_url:\s*(\S+)", open(os.path.join(site, "content/site.yaml")).read(),
                     re.M).group(1)
base = re.sub(r"^https?://[^/]+", "", base_url)
base = base if base.endswith("/") else base + "/"
preview = os.path.join(site, ".cache/kairan/preview")

# Files with types the example has no file for, published through the theme's static folder.
static = os.path.join(site, "themes/default/static")
open(os.path.join(static, "sample.xhtml"), "w").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    '<head><title>x</title></head><body><p>x</p></body></html>\n')
open(os.path.join(static, "sample.json"), "w").write('{"a": 1}\n')
secret = "kairan-serve-secret-%d" % os.getpid()
open(os.path.join(site, "secret.txt"), "w").write(secret + "\n")

# Mistakes on the command line, and a port that is taken.
def run(*args):
    r = subprocess.run([kairan] + list(args), capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


code, out = run("serve", "-s", site, "-p", "0")
check("port 0 refused", code == 2 and "'0' is not a port number from 1 to 65535" in out, out)
code, out = run("serve", "-s", site, "-p", "80a")
check("port 80a refused", code == 2 and "'80a' is not a port number" in out, out)
code, out = run("help", "serve")
check("help serve", code == 0 and "Usage: kairan serve" in out and "--no-drafts" in out, out)
taken = socket.socket()
taken.bind(("127.0.0.1", 0))
taken.listen(1)
code, out = run("serve", "-s", site, "-p", str(taken.getsockname()[1]))
check("port in use", code == 3 and "kairan: error: port %d is already in use (is kairan serve "
      "already running?); choose another one, like: kairan serve -p %d" %
      (taken.getsockname()[1], taken.getsockname()[1] + 1) in out, (code, out))
taken.close()
code, out = run("serve", "-s", site, "--bind", "192.0.2.1", "-p", "8088")
check("--bind to an address of no interface", code == 3 and
      "kairan: error: cannot listen on 192.0.2.1 port 8088: " in out, out)
code, out = run("serve", "-s", os.path.join(site, "nowhere"), "-p", str(free_port()))
check("missing site folder", code == 3 and "cannot watch this folder for changes" in out, out)
check("nothing built by failed starts", not os.path.exists(os.path.join(site, ".cache")))

port = free_port()
server, log = start(port)
script_re = re.compile(rb'<script src="/__kairan/live\.js" data-generation="(\d+)"></script>')


def unserved(body):
    """The page as written to disk: without the script serve adds."""
    return re.sub(rb'<script src="/__kairan/live\.js" data-generation="\d+"></script>\n', b"",
                  body)


# --- Serving ---
status, ctype, loc, body = get(port, "/")
check("/ redirects to the site's path", status == 301 and loc == base, (status, loc))
if base != "/":
    status, ctype, loc, body = get(port, base.rstrip("/"))
    check("the site's path without '/' redirects", status == 301 and loc == base, (status, loc))
status, ctype, loc, home = get(port, base)
check("home page", status == 200 and ctype == "text/html; charset=utf-8", (status, ctype))
check("home page has the script", len(script_re.findall(home)) == 1)
check("script sits before </body>", re.search(rb"</script>\n</body>\s*</html>\s*$", home))
disk_home = open(os.path.join(preview, "index.html"), "rb").read()
check("home page is the file plus the script", unserved(home) == disk_home)
status, ctype, loc, body = get(port, base, "HEAD")
check("HEAD", status == 200 and body == b"", (status, len(body)))
status, ctype, loc, body = get(port, base, "POST")
check("POST is refused", status == 405, status)

want_types = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png", ".jpg": "image/jpeg", ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8", ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8", ".txt": "text/plain; charset=utf-8",
}
seen = set()
for path in sorted(glob.glob(os.path.join(preview, "**", "*.*"), recursive=True)):
    ext = os.path.splitext(path)[1]
    if ext not in want_types or ext in seen:
        continue
    seen.add(ext)
    rel = os.path.relpath(path, preview)
    status, ctype, loc, body = get(port, base + rel)
    check("type of " + rel, status == 200 and ctype == want_types[ext], (status, ctype))
    if ext != ".html":
        check("bytes of " + rel, body == open(path, "rb").read())
check("every type was tried", seen == set(want_types), set(want_types) - seen)

nf_disk = open(os.path.join(preview, "404.html"), "rb").read()
status, ctype, loc, body = get(port, base + "no-such-page/")
check("missing page is 404", status == 404 and ctype == "text/html; charset=utf-8", status)
check("404 is the theme's page", unserved(body) == nf_disk)
status, ctype, loc, body = get(port, base + "events")
check("folder without '/' redirects", status == 301 and loc == base + "events/", (status, loc))
status, ctype, loc, body = get(port, base + "events/")
check("folder gives its index.html", status == 200 and b"<html" in body, status)
for folder in ("static/", "img/"):
    status, ctype, loc, body = get(port, base + folder)
    check("no listing of " + folder, status == 404 and unserved(body) == nf_disk, status)

# Reaching outside the output: none may answer with the secret.
os.symlink(os.path.join(site, "secret.txt"), os.path.join(preview, "leak.txt"))
os.symlink(site, os.path.join(preview, "leakdir"))
attempts = [
    "/../secret.txt", base + "../secret.txt", base + "../../secret.txt",
    base + "%2e%2e/%2e%2e/%2e%2e/secret.txt", base + "%2E%2E/%2E%2E/%2E%2E/secret.txt",
    base + "..%2f..%2f..%2fsecret.txt", base + "..%2F..%2F..%2Fsecret.txt",
    base + "%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt", base + "index.html%00",
    base + "index.html%00.css", base + "%00", base + "..\\..\\..\\secret.txt",
    base + "..%5c..%5c..%5csecret.txt", base + "./../../secret.txt", "//" + site + "/secret.txt",
    base + "leak.txt", base + "leakdir/secret.txt", base + "leakdir/", base + "leakdir",
    site + "/secret.txt", "/etc/passwd", base + "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]
for a in attempts:
    status, ctype, loc, body = get(port, a)
    ok = status in (301, 404) and secret.encode() not in body and b"root:" not in body
    if status == 301:
        ok = ok and loc == base
    check("outside refused: " + a, ok, (status, loc))
os.unlink(os.path.join(preview, "leak.txt"))
os.unlink(os.path.join(preview, "leakdir"))

# Drafts are in, with their badge, on the entry page and in lists.
drafts = []
for md in glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True):
    if re.search(r"^draft:\s*true\s*$", open(md, encoding="utf-8").read(), re.M):
        drafts.append(md)
check("the example has a draft", drafts)
for md in drafts[:1]:
    slug = os.path.splitext(os.path.basename(md))[0]
    found = glob.glob(os.path.join(preview, "*", slug, "index.html"))
    check("draft built: " + slug, len(found) == 1)
    if found:
        rel = os.path.relpath(os.path.dirname(found[0]), preview) + "/"
        status, ctype, loc, body = get(port, base + rel)
        check("draft page badge", status == 200 and "下書き".encode() in body, status)
        lst = rel.split("/")[0] + "/"
        status, ctype, loc, body = get(port, base + lst)
        card = re.search(r'<article class="card is-draft">.*?</article>'.encode(), body, re.S)
        check("draft badge in the list", card and "下書き".encode() in card.group(0))

# --- Live changes ---
status, ctype, loc, home = get(port, base)
gen = script_re.search(home).group(1).decode()
stream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
stream.request("GET", "/__kairan/events?since=" + gen)
sr = stream.getresponse()
check("event stream", sr.status == 200 and
      sr.getheader("Content-Type") == "text/event-stream; charset=utf-8", sr.status)
events = []
lock = threading.Condition()


def listen():
    name = None
    while True:
        try:
            line = sr.readline()
        except Exception:
            line = b""
        if not line:
            with lock:
                events.append("(closed)")
                lock.notify_all()
            return
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line == "" and name:
            with lock:
                events.append(name)
                lock.notify_all()
            name = None


threading.Thread(target=listen, daemon=True).start()


def next_event(timeout=10):
    with lock:
        lock.wait_for(lambda: events, timeout)
        return events.pop(0) if events else None


def wait_for(path, pred, within=limit):
    """Polls path until pred(body) holds; returns the seconds it took, or None."""
    t0 = time.time()
    while time.time() - t0 < within:
        try:
            body = get(port, path)[3]
            if pred(body):
                return time.time() - t0
        except OSError:
            pass
        time.sleep(0.01)
    return None


entry = os.path.join(site, "content/events/2021-kenshukai.md")
original = open(entry, encoding="utf-8").read()
page = base + "events/2021-kenshukai/"
marker = "住み続けたいZZ%d" % os.getpid()
edited = original.replace("住み続けたい", marker, 1)
check("edit applies", edited != original)
t0 = time.time()
open(entry, "w", encoding="utf-8").write(edited)
took = wait_for(page, lambda b: marker.encode() in b)
check("edited entry seen", took is not None, took)
ev = next_event()
check("reload event after an edit", ev == "reload", ev)

css = os.path.join(site, "themes/default/static/style.css")
old_href = re.search(rb'href="([^"]*style\.[0-9a-f]+\.css)"', get(port, page)[3]).group(1)
open(css, "a").write("\n.kairan-serve-test { color: #123456; }\n")
ev = next_event()
check("css event for a stylesheet change", ev == "css", ev)
body = get(port, page)[3]
new_href = re.search(rb'href="([^"]*style\.[0-9a-f]+\.css)"', body).group(1)
check("stylesheet renamed", new_href != old_href, (old_href, new_href))
sheet = os.path.normpath(os.path.join(page, new_href.decode()))
check("new stylesheet served", b"#123456" in get(port, sheet)[3], sheet)

# A mistake: the overlay on every page, the last good site under it.
lines = edited.split("\n")
row = next(i for i, l in enumerate(lines) if l.startswith("start:")) + 1
lines[row - 1] = "start: 2021-02-31 13:30"
open(entry, "w", encoding="utf-8").write("\n".join(lines))
message = ("%s:%d:8: error: 'start' is not a date, or a date and time (like 2021-02-19 or "
           "2021-02-19 13:30): February 2021 has only 28 days" % (entry, row))
escaped = message.replace("&", "&amp;").replace("'", "&apos;").encode()
took = wait_for(page, lambda b: b"kairan-errors" in b)
check("overlay seen", took is not None, took)
ev = next_event()
check("errors event", ev == "errors", ev)
for path in (base, page, base + "events/", base + "about/", base + "no-such-page/"):
    status, ctype, loc, body = get(port, path)
    check("overlay on " + path, b'<div id="kairan-errors" role="alert"' in body and
          b'<li style="margin:0 0 0.4rem">' + escaped + b"</li>" in body, status)
check("last good page kept", marker.encode() in get(port, page)[3])
status, ctype, loc, body = get(port, sheet)
check("no overlay in a stylesheet", b"kairan-errors" not in body)
log.seek(0)
check("terminal prints the same message", message in log.read())

open(entry, "w", encoding="utf-8").write(original)
took = wait_for(page, lambda b: b"kairan-errors" not in b and marker.encode() not in b)
check("fixed page without overlay", took is not None, took)
ev = next_event()
check("reload event after the fix", ev == "reload", ev)

# Nothing of serve mode on disk: not in the preview files, and no SOURCE/public.
leaked = [f for f in glob.glob(os.path.join(preview, "**", "*"), recursive=True)
          if os.path.isfile(f) and b"__kairan" in open(f, "rb").read()]
check("script never written to files", not leaked, leaked[:3])
check("SOURCE/public untouched", not os.path.exists(os.path.join(site, "public")))

# Ctrl-C with an event stream still open.
out = stop(server, log, port, "serve")
with lock:
    lock.wait_for(lambda: events, 5)
check("event stream ends on stop", events == ["(closed)"], events)

# --no-drafts: the draft's page is gone.
port = free_port()
server, log = start(port, "--no-drafts")
for md in drafts[:1]:
    slug = os.path.splitext(os.path.basename(md))[0]
    status = get(port, base + rel)[0]
    check("--no-drafts leaves out " + slug, status == 404, status)
# Ctrl-C while a build runs: the build ends, then the server, leaving nothing behind.
open(entry, "w", encoding="utf-8").write(original.replace("住み続けたい", "住み続けたいYY", 1))
time.sleep(0.15)
out = stop(server, log, port, "serve --no-drafts (stopped while building)")
check("--no-drafts says so", "drafts left out" in out)

# A cold start (a copy of the site without its cache): the server answers at once, with the
# 準備中 page while the first build makes the pages, and with the page once it has.
cold = site + "-cold"
os.makedirs(cold)
for part in ("content", "themes", "assets"):
    subprocess.run(["cp", "-R", os.path.join(site, part), cold], check=True)
port = free_port()
log = open(os.path.join(site, "serve-cold.log"), "w+")
started = time.time()
server = subprocess.Popen([kairan, "serve", "-s", cold, "-p", str(port)], stdout=log,
                          stderr=subprocess.STDOUT)
first = None
while time.time() < started + 50 and first is None and server.poll() is None:
    try:
        first = get(port, base)
        answered = time.time() - started
    except OSError:
        time.sleep(0.01)
log.seek(0)
text = log.read()
check("cold: the first request is answered",
      first is not None and answered < limit, first and answered)
check("cold: before the first build ends", "built in" not in text, text[-300:])
status, ctype, loc, body = first or (0, "", "", b"")
check("cold: with the 準備中 page", status == 503 and "準備中".encode() in body and
      b'http-equiv="refresh"' in body and len(script_re.findall(body)) == 1, (status, body[:200]))
took = wait_for(base, lambda b: "準備中".encode() not in b and b"<html" in b, within=50)
check("cold: then with the home page", took is not None and get(port, base)[0] == 200, took)
out = stop(server, log, port, "serve (cold)")
check("cold: the address comes before the build",
      out.index("kairan: open http") < out.index("kairan: built in"), out[:500])

done()
EOF
