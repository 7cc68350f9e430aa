#!/usr/bin/python3
"""Checks a print PDF made from a kairan print document, with poppler's command-line tools.

Usage: check_pdf.py PDF XHTML SITE_TITLE [vivliostyle|weasyprint]
WeasyPrint draws its crop marks inside the bleed, so for it that one check is left out.
Prints one line per check ("ok ..." or "FAIL ...") and a last line "N passed, N failed".
"""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import checks  # noqa: E402 (tests/checks.py, one folder up)

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4


def check(ok, what):
    checks.check(what, ok)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def squash(s):
    return re.sub(r"\s+", "", s)


def main():
    checks.show_passes = True
    args = checks.arguments(__doc__, 3, 4)
    pdf, xhtml, site_title = args[:3]
    engine = args[3] if len(args) > 3 else "vivliostyle"
    doc = ET.parse(xhtml).getroot()

    # The contents as the document lists them: (title, target id).
    toc = []
    for item in doc.iter(XHTML + "li"):
        if "toc-item" in item.get("class", "").split():
            a = item.find(XHTML + "a")
            toc.append(("".join(a.itertext()).strip(), a.get("href")[1:]))
    sections = {}
    for div in doc.iter(XHTML + "div"):
        if div.get("class") == "section":
            title = div.find(XHTML + "h1").text
            for e in div.iter(XHTML + "div"):
                if "entry" in e.get("class", "").split():
                    sections[e.get("id")] = title

    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    text = [None] + [run("pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-")
                     for p in range(1, pages + 1)]

    # No Type 3 fonts: print shops' preflight rejects them.
    fonts = run("pdffonts", pdf)
    check("Type 3" not in fonts, "no Type 3 fonts")
    check(re.search(r"BIZ-?UD", fonts), "the BIZ UD fonts are embedded")

    # Trim size, 3 mm bleed, and room for crop marks outside it.
    boxes = run("pdfinfo", "-box", "-f", "1", "-l", "1", pdf)

    def box(name):
        m = re.search(name + r":\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", boxes)
        return [float(v) for v in m.groups()]
    media, bleed, trim = box("MediaBox"), box("BleedBox"), box("TrimBox")
    check(abs((trim[2] - trim[0]) - 210 * MM) < 1 and abs((trim[3] - trim[1]) - 297 * MM) < 1,
          "the trim box is A4 (%.1f x %.1f pt)" % (trim[2] - trim[0], trim[3] - trim[1]))
    check(all(abs(abs(b - t) - 3 * MM) < 0.2 for b, t in zip(bleed, trim)),
          "the bleed box is 3 mm outside the trim box on every side")
    if engine == "vivliostyle":
        check(media[0] < bleed[0] - 5 and media[2] > bleed[2] + 5,
              "the media box leaves room for crop marks outside the bleed")

    # Every picture at 300 dpi or more where it is placed.
    rows = [line.split() for line in run("pdfimages", "-list", pdf).splitlines()[2:]]
    ppi = [(int(r[12]), int(r[13])) for r in rows if r[2] == "image"]
    low = [p for p in ppi if min(p) < 299]
    check(ppi and not low, "%d pictures, all at 300 dpi or more (lowest %s)" %
          (len(ppi), min((min(p) for p in ppi), default=0)))

    # The contents' page numbers lead to the pages where the entries start.
    listed = {}
    for line in text[2].splitlines():
        m = re.match(r"\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
        if m:
            listed[squash(m.group(1))] = int(m.group(2))
    check(len(listed) == len(toc), "the contents show a page number for each of its %d lines"
          % len(toc))
    last = 0
    for title, target in toc:
        n = listed.get(squash(title))
        if n is None:
            check(False, "page number for '%s'" % title)
            continue
        on_page = 0 < n <= pages and squash(title)[:8] in squash(text[n])
        check(on_page and n > last, "'%s' starts on page %d, as the contents say" % (title, n))
        last = n
        if target in sections and n % 2 == 1:
            head = text[n].strip().splitlines()[0]
            check(sections[target] in head,
                  "the running head of page %d names the section '%s'" % (n, sections[target]))
    evens = [p for p in range(4, pages) if p % 2 == 0 and text[p].strip()]
    check(evens and all(text[p].strip().startswith(site_title) for p in evens),
          "left pages carry the magazine's name as running head")

    # Page numbers at the foot of numbered pages; none on the cover.
    check(all(re.search(r"\b%d\s*$" % p, text[p].rstrip()) for p in range(2, pages)),
          "pages 2 to %d end with their page number" % (pages - 1))
    check(not re.search(r"\b1\s*$", text[1].rstrip()), "the cover has no page number")

    # The back page with the colophon is the last page.
    check("発行部数" in text[pages], "the colophon is on the last page (%d)" % pages)
    check(pages >= len(toc) + 2, "%d pages for %d contents lines" % (pages, len(toc)))

    # Ruby: the readings are set.
    rts = ["".join(rt.itertext()) for rt in doc.iter(XHTML + "rt")]
    check(rts and all(squash(r) in squash("".join(text[1:])) for r in rts[:5]),
          "ruby readings appear in the PDF (%s)" % "、".join(rts[:5]))

    checks.done()


if __name__ == "__main__":
    main()
