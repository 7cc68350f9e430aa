#!/usr/bin/python3
"""Checks that every internal link, image and stylesheet of a built site resolves to a file.

    links.py PUBLIC_DIR BASE_PATH

BASE_PATH is the path part of the site's base URL ("/watowa/"): absolute links must start with
it. Relative links are resolved against the page's folder. Prints one line per broken link and
a last line "N passed, N failed" (one check per page)."""
import html.parser
import os
import urllib.parse

from checks import arguments, check, done, read_text, site_files


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
    public, base = arguments(__doc__, 2, 2)
    for page in site_files(public, (".html",)):
        parser = Refs()
        parser.feed(read_text(page))
        broken = [f"{ref}: {why}" for ref in parser.refs
                  for why in [target(public, page, base, ref)] if why]
        check(os.path.relpath(page, public), not broken, "; ".join(broken))
    done()


main()
