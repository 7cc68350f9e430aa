#!/usr/bin/python3
"""Checks that every internal link, image and stylesheet of a built site resolves to a file.

    links.py PUBLIC_DIR BASE_PATH

BASE_PATH is the path part of the site's base URL ("/watowa/"): absolute links must start with
it. Relative links are resolved against the page's folder. Prints one line per broken link and
a last line "N passed, N failed" (one check per page)."""
import html.parser
import os
import sys
import urllib.parse


class Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.refs.append(value)
            elif name == "srcset":
                for candidate in value.split(","):
                    part = candidate.strip().split(" ")[0]
                    if part:
                        self.refs.append(part)


def target(public, page, base, ref):
    url = urllib.parse.urlsplit(ref)
    if url.scheme or url.netloc or not url.path:
        return None  # external, or only a fragment
    path = urllib.parse.unquote(url.path)
    if path.startswith("/"):
        if not path.startswith(base):
            return "outside the base path"
        full = os.path.join(public, path[len(base):])
    else:
        full = os.path.normpath(os.path.join(os.path.dirname(page), path))
    if os.path.isdir(full):
        full = os.path.join(full, "index.html")
    return None if os.path.isfile(full) else "missing"


def main():
    public, base = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for folder, _, files in os.walk(public):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            page = os.path.join(folder, name)
            parser = Refs()
            with open(page, encoding="utf-8") as f:
                parser.feed(f.read())
            broken = [(r, why) for r in parser.refs
                      for why in [target(public, page, base, r)] if why]
            for ref, why in broken:
                print(f"{os.path.relpath(page, public)}: {ref}: {why}")
            if broken:
                failed += 1
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
