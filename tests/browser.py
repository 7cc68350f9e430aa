"""Headless Chromium driven over its DevTools pipe, for the suites whose behaviour lives in the
browser. One page (tab) per Browser; JavaScript is evaluated in it and its value returned.

    b = Browser.start(chromium)          # None when the browser does not start
    b.open("file:///.../search/index.html?q=...")
    b.until("document.querySelector('mark')")
    b.js("document.title")              # a value, promises awaited
    b.close()

    server = serve("/tmp/x/http")       # a folder over http on 127.0.0.1, in a thread
    "http://127.0.0.1:%d/watowa/" % server.server_address[1]
    stop(server)                        # the port is closed: the site is out of reach
"""
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time


def serve(folder, port=0):
    """Serves folder over http on 127.0.0.1 at port (0: a free one), in a thread of its own;
    returns the server. Every request it answered is in server.requests (paths)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map,
                              **{".webmanifest": "application/manifest+json",
                                 ".js": "text/javascript", ".json": "application/json"})

        def log_message(self, *args):
            pass

        def do_GET(self):
            server.requests.append(self.path)
            super().do_GET()

    def handler(*args, **kw):
        return Quiet(*args, directory=folder, **kw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server):
    """Stops a server made by serve() and closes its port."""
    server.shutdown()
    server.server_close()


def find_chromium():
    """The name of an installed Chromium, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            if os.access(os.path.join(folder, name), os.X_OK):
                return name
    return None


class Browser:
    def __init__(self, proc, out, inp, profile):
        self.proc, self.out, self.inp, self.profile = proc, out, inp, profile
        self.pending = b""
        self.serial = 0
        self.session = None
        self.events = []
        self.recording = False

    @classmethod
    def start(cls, name, width=1280, height=900, javascript=True):
        """Starts Chromium with one blank page; None when it does not come up."""
        profile = tempfile.mkdtemp(prefix="kairan-browser-")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def child_fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        args = [name, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--remote-debugging-pipe", "--user-data-dir=" + profile,
                "--window-size=%d,%d" % (width, height), "--allow-file-access-from-files"]
        if not javascript:
            args.append("--blink-settings=scriptEnabled=false")
        proc = subprocess.Popen(args + ["about:blank"], pass_fds=(3, 4, to_r, from_w),
                                preexec_fn=child_fds, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        b = cls(proc, os.fdopen(to_w, "wb", buffering=0), os.fdopen(from_r, "rb", buffering=0),
                profile)
        try:
            target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            b.session = b.send("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
            b.send("Page.enable", session=True)
            b.send("Runtime.enable", session=True)
            b.send("Network.enable", session=True)
        except (OSError, KeyError, ValueError):
            b.close()
            return None
        return b

    def send(self, method, params=None, session=False):
        self.serial += 1
        msg = {"id": self.serial, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.serial:
                if "error" in m:
                    raise ValueError(m["error"])
                return m.get("result", {})
            if self.recording and m.get("method") == "Network.requestWillBeSent":
                self.events.append(m["params"]["request"]["url"])

    def _read(self):
        while b"\0" not in self.pending:
            chunk = self.inp.read(65536)
            if not chunk:
                raise OSError("the browser went away")
            self.pending += chunk
        raw, self.pending = self.pending.split(b"\0", 1)
        return json.loads(raw)

    def js(self, expr):
        """The value of expr in the page (a promise is awaited)."""
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        if "exceptionDetails" in r:
            raise ValueError(r["exceptionDetails"].get("exception", {}).get("description", r))
        return r.get("result", {}).get("value")

    def until(self, expr, within=15):
        """Waits until expr is true in the page; returns whether it became so."""
        t0 = time.time()
        while time.time() - t0 < within:
            try:
                if self.js(expr):
                    return True
            except ValueError:
                pass
            time.sleep(0.05)
        return False

    def open(self, url):
        """Loads url and waits for it to finish loading."""
        self.send("Page.navigate", {"url": url}, session=True)
        return self.until("document.readyState === 'complete' && location.href !== 'about:blank'")

    def requests(self, url, ready):
        """Loads url, waits until ready (an expression) holds and returns the URLs the page
        requested meanwhile."""
        self.events = []
        self.recording = True
        self.open(url)
        self.until(ready)
        self.js("1")  # collects the events that came in meanwhile
        self.recording = False
        return list(self.events)

    def key(self, key, code, text=None):
        """Presses and releases a key in the page (Tab, Enter, ...)."""
        params = {"key": key, "code": code, "windowsVirtualKeyCode": {
            "Tab": 9, "Enter": 13, "ArrowDown": 40}.get(key, 0)}
        if text:
            params["text"] = text
        self.send("Input.dispatchKeyEvent", dict(params, type="keyDown"), session=True)
        self.send("Input.dispatchKeyEvent", dict(params, type="keyUp"), session=True)

    def type(self, text):
        self.send("Input.insertText", {"text": text}, session=True)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.profile])
