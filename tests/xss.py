#!/usr/bin/python3
"""Script injection: a site whose every field and body carries attack payloads, and a strict
checker of everything a build writes.

    xss.py make SITE    writes SITE/content (payloads) and SITE/assets/photos/evil.svg (an SVG
                        with scripts, which no entry uses: tests/security.test.sh tries it)
    xss.py check OUT    checks every file under OUT; prints one line per problem and a summary

The checker parses each page with html.parser and fails on: a <script> other than the theme's
own file and JSON-LD blocks (which must parse as JSON and hold no '</script' or '<!--'), any on*
attribute, a javascript:/vbscript:/data: address in a URL attribute (data:image/ rasters allowed
in img), <iframe>, <object>, <embed>, <frame>, <applet>, <base>, <form>, <meta http-equiv>, <svg>,
<math>, <style> outside the head, and <link> outside the head. XML files (feeds, sitemap, XHTML)
must parse as XML and the HTML they carry is checked like a page; .ics files must be well-formed
iCalendar lines; .json and .webmanifest files must parse; sw.js must be the build's service worker
(one assignment of ASCII JSON, then the theme's worker script) and nothing else."""
import html.parser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

from checks import arguments, site_files, usage

# Text payloads: each goes into titles, summaries, names, addresses, alt text and bodies.
TEXT = [
    "<script>alert('T01')</script>",
    "<img src=x onerror=alert('T02')>",
    "\"><script>alert('T03')</script>",
    "'><svg onload=alert('T04')>",
    "</title><script>alert('T05')</script>",
    "</script><script>alert('T06')</script>",
    "<!--<script>alert('T07')//-->",
    "</script><!--T08",
    "<iframe src=javascript:alert('T09')></iframe>",
    "<a href=\"javascript:alert('T10')\">x</a>",
    "<style>body{display:none}</style>T11",
    "<body onload=alert('T12')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('T13')>",
    "<![CDATA[<script>alert('T14')</script>]]>",
    "<object data=javascript:alert('T15')></object>",
    "<embed src=javascript:alert('T16')>",
    "<form action=javascript:alert('T17')><button>x</button></form>",
    "<button formaction=javascript:alert('T18')>x</button>",
    "<svg><script>alert('T19')</script></svg>",
    "<base href=javascript:alert('T20')//>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('T21')\">",
    "<link rel=stylesheet href=javascript:alert('T22')>",
    "<input autofocus onfocus=alert('T23')>",
    "<details open ontoggle=alert('T24')>",
    "{{site.title}}{{{page.jsonld}}}T25",
    "\u2028\u2029</ScRiPt >T26",
    "\" onmouseover=\"alert('T27')\" x=\"",
    "' onmouseover='alert(`T28`)' x='",
    "<scr<script>ipt>alert('T29')</scr</script>ipt>",
    "&lt;script&gt;alert('T30')&lt;/script&gt;",
]

# Address payloads: each goes into Markdown links and pictures. (The url fields of contacts and
# venues take only http and https: tests/security.test.sh checks that these are refused there.)
URLS = [
    "javascript:alert('U01')",
    "JaVaScRiPt:alert('U02')",
    " javascript:alert('U03')",
    "java\tscript:alert('U04')",
    "&#106;avascript:alert('U05')",
    "&#x6A;avascript:alert('U06')",
    "javascript&colon;alert('U07')",
    "vbscript:msgbox('U08')",
    "VBScript:msgbox('U09')",
    "data:text/html,<script>alert('U10')</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgnVTExJyk8L3NjcmlwdD4=",
    "DATA:text/html,U12",
    "javascript://%0aalert('U13')",
    "\x01javascript:alert('U14')",
    "x\" onmouseover=\"alert('U15')",
    "data:image/svg+xml,<svg onload=alert('U16')>",
    "jav&#x09;ascript:alert('U17')",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert('U18')",
]

SVG = """<svg xmlns="http://www.w3.org/2000/svg" onload="alert('S01')" width="10" height="10">
<script>alert('S02')</script><rect width="10" height="10"/></svg>
"""


def q(s):
    """A YAML double-quoted scalar holding s exactly (JSON strings are YAML)."""
    return json.dumps(s, ensure_ascii=False)


def make(site):
    os.makedirs(f"{site}/content/activities", exist_ok=True)
    os.makedirs(f"{site}/content/events", exist_ok=True)
    os.makedirs(f"{site}/content/pages", exist_ok=True)
    os.makedirs(f"{site}/content/issues", exist_ok=True)
    os.makedirs(f"{site}/assets/photos", exist_ok=True)
    with open(f"{site}/assets/photos/evil.svg", "w") as f:
        f.write(SVG)
    with open(f"{site}/content/site.yaml", "w") as f:
        f.write(f"title: {q(TEXT[4] + TEXT[5])}\n")
        f.write(f"subtitle: {q(TEXT[0])}\n")
        f.write(f"description: {q(TEXT[2] + TEXT[7])}\n")
        f.write("base_url: https://example.jp/xss/\n")
        f.write(f"publisher: {q(TEXT[26])}\n")
        f.write("districts:\n")
        for i, t in enumerate(TEXT[:10]):
            f.write(f"  - slug: d{i}\n    name: {q(t)}\n    reading: {q('ちく' + t)}\n")
        f.write("categories:\n")
        for i, t in enumerate(TEXT[10:20]):
            f.write(f"  - slug: c{i}\n    name: {q(t)}\n    reading: {q('ぶんるい' + t)}\n")
    # A picture address with an entity is read as a file name (and is then missing, an error
    # that stops the build): those are only links here; tests/security.test.sh tries them.
    body_links = "\n".join(
        f"- [link {i}]({u}) [ref {i}][r{i}] {'' if '&' in u else f'![pic {i}]({u})'} <{u}>"
        f"\n\n[r{i}]: {u}"
        for i, u in enumerate(URLS)
    )
    raw_html = "\n\n".join(TEXT)
    for i, t in enumerate(TEXT):
        u = URLS[i % len(URLS)]
        if "&" in u:
            u = URLS[0]  # read as a file name in a picture: see body_links
        with open(f"{site}/content/activities/a{i:02d}.md", "w") as f:
            f.write("---\n")
            f.write(f"title: {q(t)}\nreading: {q('かつどう' + t)}\n")
            f.write(f"district: d{i % 10}\ncategories: [c{i % 10}]\n")
            f.write(f"summary: {q(t)}\nschedule: {q(t)}\nplace: {q(t)}\n")
            f.write(f"organizer: {q(t)}\nfee: {q(t)}\naudience: {q(t)}\n")
            f.write(f"contact:\n  name: {q(t)}\n  phone: {q(t)}\n  email: {q(t)}\n")
            f.write(f"  fax: {q(t)}\n  url: {q('https://example.jp/?' + t)}\n")
            f.write(f"image: photos/pic.png\nimage_alt: {q(t)}\n")
            f.write("issue: 1\ndate: 2021-03-01\n---\n")
            f.write(f"## {t}\n\n{t}\n\n{raw_html if i == 0 else ''}\n\n{body_links if i == 1 else ''}\n")
            f.write(f"\n![{t}](photos/pic.png \"{t}\")\n\n[{t}]({u} \"{t}\")\n")
    with open(f"{site}/content/events/ev.md", "w") as f:
        f.write("---\n")
        f.write(f"title: {q(TEXT[5])}\nsummary: {q(TEXT[7])}\n")
        f.write("sessions:\n")
        for i in range(3):
            f.write(f"  - start: 2021-02-1{i + 1} 13:30\n    label: {q(TEXT[i])}\n    venue: v{i}\n")
        f.write("venues:\n")
        for i in range(3):
            f.write(f"  - id: v{i}\n    name: {q(TEXT[i + 3])}\n    address: {q(TEXT[i + 6])}\n")
            f.write(f"    url: {q('HTTPS://example.jp/' + TEXT[i + 26])}\n")
            f.write(f"    role: {'main' if i == 0 else 'remote'}\n")
        f.write("program:\n")
        for i in range(3):
            f.write(f"  - title: {q(TEXT[i + 9])}\n    speaker: {q(TEXT[i + 12])}\n")
            f.write(f"    affiliation: {q(TEXT[i + 15])}\n    time: {q(TEXT[i + 18])}\n")
        f.write(f"organizer: {q(TEXT[21])}\naudience: {q(TEXT[22])}\nnote: {q(TEXT[23])}\n")
        f.write(f"apply:\n  how: {q(TEXT[24])}\n  deadline: 2021-02-01\n")
        f.write(f"contact:\n  name: {q(TEXT[25])}\n  url: {q('http://' + TEXT[27])}\n")
        f.write("participants: 3\nissue: 1\n---\n")
        f.write(f"{TEXT[6]}\n\n<svg><script>alert('E01')</script></svg>\n")
    with open(f"{site}/content/issues/1.md", "w") as f:
        f.write("---\n")
        f.write(f"number: 1\ntitle: {q(TEXT[8])}\nsummary: {q(TEXT[9])}\n")
        f.write(f"editor: {q(TEXT[10])}\ncover: photos/pic.png\ncover_alt: {q(TEXT[11])}\n")
        f.write("date: 2021-03-25\n---\n")
        f.write(f"{TEXT[13]}\n")
    print(f"{len(TEXT)} text payloads, {len(URLS)} address payloads, 1 SVG")


URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data",
             "background", "cite", "longdesc", "manifest", "ping", "content"}
BANNED = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "svg",
          "math", "foreignobject", "portal", "noscript"}
RASTER = re.compile(r"data:image/(png|jpeg|gif|webp|avif);", re.I)


def bad_scheme(value):
    """True if a browser would run value as javascript:/vbscript: or open it as data:."""
    v = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    for part in v.split(","):  # srcset candidates
        part = part.strip()
        if part.startswith(("javascript:", "vbscript:", "data:")):
            return True
    return v.startswith(("javascript:", "vbscript:", "data:"))


class Page(html.parser.HTMLParser):
    def __init__(self, where, known_scripts, fragment=False):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.known = known_scripts
        self.fragment = fragment
        self.problems = []
        self.stack = []
        self.in_head = False
        self.script = None  # (type, text parts) while inside <script>

    def problem(self, what):
        line, col = self.getpos()
        self.problems.append(f"{self.where}:{line}:{col + 1}: {what}")

    def handle_starttag(self, tag, attrs):
        self.check_tag(tag, attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script":
            self.script = (dict(attrs), [])

    def handle_startendtag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def check_tag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problem(f"<{tag}> has an event attribute {name}={value!r}")
            if name in URL_ATTRS and value is not None:
                if name == "content" and not (tag == "meta" and a.get("http-equiv")):
                    continue
                if tag == "img" and name in ("src", "srcset") and RASTER.match(value.strip()):
                    continue
                if bad_scheme(value):
                    self.problem(f"<{tag} {name}={value!r}>: a script or data address")
            if name == "style" and value and re.search(r"expression|javascript|url\(", value, re.I):
                self.problem(f"<{tag} style={value!r}>")
        # The theme's search forms (the header's box, the search page's) ask the site's own
        # search page; any other form is from the content.
        own_search = (tag == "form" and ("data-search-box" in a or "data-search-form" in a) and
                      a.get("method") == "get" and
                      re.search(r"(^|/)search/(index\.html)?$", a.get("action") or ""))
        if tag in BANNED and not own_search:
            self.problem(f"<{tag}> from the content")
        # Only a declaration of the document's own type and encoding (the print edition's, for
        # typesetters that read it as HTML) is allowed; refresh and the like are not.
        declares_type = (str(a.get("http-equiv", "")).lower() == "content-type" and
                         re.fullmatch(r"[a-z]+/[a-z+]+; ?charset=utf-8", str(a.get("content", "")), re.I))
        if tag == "meta" and "http-equiv" in a and not declares_type:
            self.problem(f"<meta http-equiv={a['http-equiv']!r}>")
        if tag in ("style", "link") and (self.fragment or not self.in_head):
            self.problem(f"<{tag}> outside the head")
        if tag == "script":
            src = a.get("src")
            if src is not None:
                if not any(re.search(k, src) for k in self.known):
                    self.problem(f"<script src={src!r}> is not the theme's own")
            elif a.get("type") != "application/ld+json":
                self.problem("an inline <script>")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script" and self.script is not None:
            attrs, parts = self.script
            self.script = None
            if attrs.get("type") == "application/ld+json":
                text = "".join(parts)
                low = text.lower()
                if "</script" in low or "<!--" in low:
                    self.problem("JSON-LD holds '</script' or '<!--'")
                try:
                    json.loads(text)
                except ValueError as e:
                    self.problem(f"JSON-LD does not parse: {e}")
            elif "".join(parts).strip():
                self.problem("a <script> with a src also has text")

    def handle_data(self, data):
        if self.script is not None:
            self.script[1].append(data)


def check_html(where, text, known, fragment=False):
    p = Page(where, known, fragment)
    p.feed(text)
    p.close()
    if p.script is not None:
        p.problem("a <script> is never closed")
    return p.problems


def check_xml(where, text, known):
    try:
        root = ET.fromstring(text.encode())
    except ET.ParseError as e:
        return [f"{where}: not well-formed XML: {e}"]
    problems = []
    if root.tag.endswith("}html") or root.tag == "html":
        return check_html(where, text, known)
    # Feeds may carry HTML as text (RSS description, Atom text constructs of type="html"), which
    # readers render: that is checked as a page. Atom's default type "text" is shown as it is.
    atom = root.tag.startswith("{http://www.w3.org/2005/Atom}")
    for el in root.iter():
        name = el.tag.split("}")[-1]
        html_text = el.get("type") in ("html", "xhtml") if atom else \
            name in ("description", "encoded")
        if html_text:
            body = el.text or "" if el.get("type") != "xhtml" else \
                ET.tostring(el, encoding="unicode")
            problems += check_html(f"{where} <{name}>", body, known, fragment=True)
        for k, v in el.attrib.items():
            if k.split("}")[-1] in ("href", "src") and bad_scheme(v):
                problems.append(f"{where}: <{name} {k}={v!r}>")
    return problems


def check_ics(where, raw):
    problems = []
    if raw and not raw.endswith(b"\r\n"):
        problems.append(f"{where}: does not end with CRLF")
    lines = raw.split(b"\r\n")
    for n, line in enumerate(lines[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"{where}:{n}: a bare line break inside a line")
        if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", line):
            problems.append(f"{where}:{n}: a control character")
        if not line.startswith((b" ", b"\t")) and not re.match(rb"^[A-Z][A-Z0-9-]*[;:]", line):
            problems.append(f"{where}:{n}: not a property line: {line[:60]!r}")
    if lines[0] != b"BEGIN:VCALENDAR":
        problems.append(f"{where}: does not begin with BEGIN:VCALENDAR")
    return problems


def check(out):
    known = [r"^(\.\./)*(/xss/)?static/(site|search|speech)\.[0-9a-f]+\.js$",
             r"^(\.\./)*(/xss/)?search/meta\.[0-9a-f]{8}\.js$"]
    problems = []
    counts = {}
    for path in site_files(out):
        where = os.path.relpath(path, out)
        ext = path.rsplit(".", 1)[-1].lower()
        counts[ext] = counts.get(ext, 0) + 1
        with open(path, "rb") as f:
            raw = f.read()
        if ext in ("html", "htm"):
            problems += check_html(where, raw.decode("utf-8"), known)
        elif ext in ("xml", "xhtml", "rss", "atom"):
            problems += check_xml(where, raw.decode("utf-8"), known)
        elif ext in ("json", "webmanifest"):
            try:
                json.loads(raw)
            except ValueError as e:
                problems.append(f"{where}: not JSON: {e}")
        elif ext == "js" and where == "sw.js":
            # The service worker: one assignment of JSON (ASCII only) and the theme's script.
            m = re.fullmatch(rb"/\* [^\n]*\*/\nself\.kairanWorker = (\{[\x20-\x7e]*\});\n"
                             rb"importScripts\(\"static/worker\.[0-9a-f]{10}\.js\"\);\n", raw)
            try:
                if not m:
                    raise ValueError("not the build's worker")
                json.loads(m.group(1))
            except ValueError as e:
                problems.append(f"{where}: {e}")
        elif ext == "ics":
            problems += check_ics(where, raw)
        elif ext == "js" and where.startswith("search/"):
            # Search data: one call that hands JSON to the page's script, and nothing else.
            m = re.fullmatch(rb"kairanSearch\.(meta|part|texts)\((.*)\);\n", raw, re.S)
            try:
                if not m or "\u2028" in raw.decode() or "\u2029" in raw.decode():
                    raise ValueError("not one call with JSON")
                json.loads(b"[" + m.group(2) + b"]")
            except ValueError as e:
                problems.append(f"{where}: search data that is not one call with JSON: {e}")
        elif ext == "svg" and re.search(rb"<script|\son\w+\s*=", raw, re.I) and \
                not where.startswith("static/"):
            problems.append(f"{where}: an SVG with a script was published")
    for p in problems[:50]:
        print(p)
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    summary = ", ".join(f"{n} .{e}" for e, n in sorted(counts.items()))
    print(f"checked {summary}: {len(problems)} problems")
    return 1 if problems or counts.get("html", 0) < 20 else 0


if __name__ == "__main__":
    command, folder = arguments(__doc__, 2, 2)
    if command == "make":
        make(folder)
    elif command == "check":
        sys.exit(check(folder))
    else:
        usage(__doc__)
