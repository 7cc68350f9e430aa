#!/bin/sh
# kairan serve's page script in a real browser: headless Chromium driven over its DevTools pipe.
# A page must reload after an edit, take a new stylesheet without reloading, show and update
# the error overlay without reloading, and reload once the mistake is fixed. Without Chromium
# (or python3) the suite says so and counts nothing.
. tests/lib.sh
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
[ -n "$browser" ] && command -v python3 >/dev/null 2>&1 ||
    skip_suite serve-browser "Chromium or python3 is not installed"
cp -R content themes assets "$tmp/"
python3 - "$KAIRAN" "$tmp" "$browser" <<'PY'
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import checks
from checks import check, done

kairan, site, browser = sys.argv[1:4]

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
log = open(os.path.join(site, "serve.log"), "w+")
server = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port)], stdout=log,
                          stderr=subprocess.STDOUT)
# Chromium reads DevTools commands from fd 3 and answers on fd 4, NUL-separated JSON.
to_r, to_w = os.pipe()
from_r, from_w = os.pipe()


def child_fds():
    os.dup2(to_r, 3)
    os.dup2(from_w, 4)


chrome = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--remote-debugging-pipe", "--user-data-dir=" + os.path.join(site, "profile"),
     "about:blank"],
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


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
except (OSError, KeyError) as e:
    print("serve-browser: skipped (the browser did not start: %s)" % e)
    chrome.kill()
    server.send_signal(signal.SIGINT)
    server.wait()
    done()


home = "http://127.0.0.1:%d/" % port
for _ in range(1000):
    try:
        urllib.request.urlopen(home, timeout=5).read()
        break
    except OSError:
        time.sleep(0.05)


def js(expr):
    r = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return r.get("result", {}).get("value")


def until(expr, within=10):
    t0 = time.time()
    while time.time() - t0 < within:
        if js(expr):
            return True
        time.sleep(0.05)
    return False


page = "http://127.0.0.1:%d/watowa/events/2021-kenshukai/" % port
send("Page.navigate", {"url": page}, session)
check("page loads with the script", until(
    "document.readyState === 'complete' && !!document.querySelector("
    "'script[src=\"/__kairan/live.js\"]')"))
time.sleep(0.3)  # the event stream connects
js("window.kairanMark = 1")

entry = os.path.join(site, "content/events/2021-kenshukai.md")
original = open(entry, encoding="utf-8").read()
open(entry, "w", encoding="utf-8").write(original.replace("住み続けたい", "住み続けたいBROWSER", 1))
check("an edit reloads the page", until(
    "!window.kairanMark && document.readyState === 'complete' && "
    "document.body.innerText.includes('住み続けたいBROWSER')"))
time.sleep(0.3)
js("window.kairanMark = 2")

css = os.path.join(site, "themes/default/static/style.css")
open(css, "a").write("\nbody { outline: 7px solid rgb(1, 2, 3); }\n")
check("a stylesheet change applies", until(
    "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'"))
check("... without a reload", js("window.kairanMark") == 2)
check("... with one stylesheet link", js(
    "document.querySelectorAll('link[rel~=stylesheet]').length") == 1)

broken = original.replace("start: 2021-02-19 13:30", "start: 2021-02-31 13:30")
open(entry, "w", encoding="utf-8").write(broken)
check("a mistake shows the overlay", until(
    "!!document.getElementById('kairan-errors') && document.getElementById("
    "'kairan-errors').innerText.includes('2021-kenshukai.md:6:8: error: ')"))
check("... without a reload", js("window.kairanMark") == 2)
check("... over the last good page", js("document.body.innerText.includes('住み続けたいBROWSER')"))
open(entry, "w", encoding="utf-8").write(broken.replace("2021-02-31", "2021-13-01"))
check("another mistake updates it", until(
    "!document.getElementById('kairan-errors').innerText.includes('only 28 days')"))
check("... with its message", js(
    "document.getElementById('kairan-errors').innerText.includes('2021-kenshukai.md:6:8: ')"))
check("... once", js("document.querySelectorAll('#kairan-errors').length") == 1)
check("... without a reload", js("window.kairanMark") == 2)

open(entry, "w", encoding="utf-8").write(original)
check("the fix reloads without the overlay", until(
    "!window.kairanMark && document.readyState === 'complete' && "
    "!document.getElementById('kairan-errors') && "
    "!document.body.innerText.includes('住み続けたいBROWSER')"))

try:
    send("Browser.close")
    chrome.wait(timeout=10)
except (OSError, subprocess.TimeoutExpired):
    chrome.kill()
server.send_signal(signal.SIGINT)
check("server stops", server.wait(timeout=20) == 0)
if checks.failed:
    log.seek(0)
    print(log.read())
done()
PY
