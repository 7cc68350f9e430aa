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
import html
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import checks  # noqa: E402 (tests/checks.py, one folder up)

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4


def check(ok, what, detail=""):
    checks.check(what, ok, detail)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def squash(s):
    return re.sub(r"\s+", "", s)


def vertical_texts(pdf, pages, xhtml_text):
    """Each page's text in reading order for vertical writing (pdftotext reads it across the
    columns): the glyphs with their boxes (pdftotext -bbox) gathered into vertical lines, the
    lines ordered by tier (段) from the top and within a tier from right to left; what lies
    above the text block (the running head) comes first, what lies below it (the page number)
    last. The tiers are found from the document's own grid (margins, column count and gap)."""
    style = xhtml_text
    mm = lambda name: float(re.search(name + r":\s*([\d.]+)mm", style).group(1)) * MM
    top, bottom = mm("margin-top"), mm("margin-bottom")
    tiers = int(re.search(r"html \{ column-count: (\d+); column-gap: ([\d.]+)mm", style).group(1))
    gap = float(re.search(r"html \{ column-count: \d+; column-gap: ([\d.]+)mm", style).group(1)) * MM
    out = [None]
    for p in range(1, pages + 1):
        xml = run("pdftotext", "-bbox", "-f", str(p), "-l", str(p), pdf, "-")
        boxes = run("pdfinfo", "-box", "-f", str(p), "-l", str(p), pdf)
        media = [float(v) for v in re.search(r"MediaBox:\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)"
                                             r"\s+([-\d.]+)", boxes).groups()]
        trim = [float(v) for v in re.search(r"TrimBox:\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)"
                                            r"\s+([-\d.]+)", boxes).groups()]
        y_top = media[3] - trim[3] + top           # the text block, in pdftotext's y (down)
        height = trim[3] - trim[1] - top - bottom
        pitch = (height + gap) / tiers
        words = [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                            r'yMax="([\d.]+)">([^<]*)</word>', xml)]
        # Vertical lines: glyphs of about one x (within 2 pt of the line's first, so that an
        # upright number or a full stop stays in its line), one under the other without a wide
        # gap.
        # Words set horizontally (tables, the running head, the page number) are lines of their
        # own, so that they do not fall between the vertical lines.
        across = [w for w in words if len(w[4]) > 1 and (w[2] - w[0]) > 1.5 * (w[3] - w[1])]
        words = [w for w in words if w not in across]
        columns = []
        for w in sorted(words, key=lambda w: (w[0] + w[2]) / 2):
            x = (w[0] + w[2]) / 2
            if columns and x - columns[-1][0] <= 2:
                columns[-1][1].append(w)
            else:
                columns.append((x, [w]))
        lines = []
        for x, ws in columns:
            ws.sort(key=lambda w: w[1])
            run_ = [ws[0]]
            for w in ws[1:]:
                size = max(run_[-1][3] - run_[-1][1], 1)
                if w[1] - run_[-1][3] > size * 1.2:
                    lines.append(run_)
                    run_ = []
                run_.append(w)
            lines.append(run_)
        lines += [[w] for w in across]

        def place(line):
            y = line[0][1]
            tier = -1 if y < y_top - 4 else tiers if y > y_top + height + 4 else \
                int((y - y_top) // pitch)
            flat = len(line) == 1 and line[0] in across
            # Above the text block the running head, set horizontally, comes first.
            # Horizontal words read by line, left to right; vertical lines right to left.
            if flat:
                return (tier, tier != -1, round(y), line[0][0], y)
            return (tier, tier == -1, 0, -line[0][0], y)
        lines.sort(key=place)
        out.append("\n".join("".join(w[4] for w in line) for line in lines) + "\n")
    return out


def in_order(part, text):
    """True when part's characters appear in text in order, at most 40 apart: in vertical text
    a title's lines may be read back with a table's cells between them."""
    if part in text:
        return True
    for start in [i for i, c in enumerate(text) if part and c == part[0]]:
        at = start
        for c in part[1:]:
            nxt = text.find(c, at + 1, at + 41)
            if nxt < 0:
                break
            at = nxt
        else:
            return True
    return False


def engine_has_qr_reader():
    return subprocess.run(["sh", "-c", "command -v zbarimg"], capture_output=True).returncode == 0


def qr_codes(pdf, pages):
    """Every QR code's text found on the pages rendered at 300 dpi, in page order."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for p in range(1, pages + 1):
            base = os.path.join(tmp, "p%d" % p)
            run("pdftoppm", "-r", "300", "-gray", "-f", str(p), "-l", str(p), "-singlefile",
                pdf, base)
            r = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                                base + ".pgm"], capture_output=True, text=True)
            found += [line for line in r.stdout.splitlines() if line]
            os.remove(base + ".pgm")
    return found


def contents_numbers(pdf, page, titles, section_titles):
    """{title: page number} as the contents on page `page` print them, read half by half."""
    boxes = run("pdfinfo", "-box", "-f", str(page), "-l", str(page), pdf)
    media = [float(v) for v in re.search(r"MediaBox:\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+"
                                         r"([-\d.]+)", boxes).groups()]
    trim = [float(v) for v in re.search(r"TrimBox:\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+"
                                        r"([-\d.]+)", boxes).groups()]
    mid = (trim[0] + trim[2]) / 2 - media[0]
    top, height = media[3] - trim[3], trim[3] - trim[1]
    found = {}
    for x, w in ((trim[0] - media[0], mid - (trim[0] - media[0])), (mid, trim[2] - media[0] - mid)):
        half = run("pdftotext", "-f", str(page), "-l", str(page), "-layout", "-x", str(int(x)),
                   "-y", str(int(top)), "-W", str(int(w)), "-H", str(int(height)), pdf, "-")
        for t, n in numbers_in_lines(half.splitlines(), titles, section_titles).items():
            found.setdefault(t, n)
    return found


def numbers_in_lines(lines, titles, section_titles):
    """{title: number} from contents lines: a title (perhaps over two lines), a dotted leader, a
    number."""
    found = {}
    pending = ""
    for line in lines:
        bare = line.strip()
        if not bare or bare in section_titles or bare == "もくじ":
            pending = ""
            continue
        # (A title that fills its line leaves no room for the leader's dots.)
        m = re.match(r"(.*?)\s*[.．・…]*\s*(\d+)$", bare)
        if not m:
            pending += bare
            continue
        said = squash(pending + m.group(1))
        pending = ""
        for t in titles:
            if said and (said.endswith(squash(t)) or squash(t).endswith(said)):
                found.setdefault(t, int(m.group(2)))
    return found


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
    back_title = ""
    for div in doc.iter(XHTML + "div"):
        if "entry-intro" in div.get("class", "").split():
            sections[div.get("id")] = "".join(div.find(XHTML + "h2").itertext())
        if div.get("class") == "back-page":
            back_title = "".join(div.find(XHTML + "h2").itertext())
        if "section" in div.get("class", "").split():
            title = div.find(XHTML + "h1").text
            for e in div.iter(XHTML + "div"):
                if "entry" in e.get("class", "").split():
                    sections[e.get("id")] = title

    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    source = open(xhtml, encoding="utf-8").read()
    vertical = 'class="writing-vertical' in source
    text = vertical_texts(pdf, pages, source) if vertical else \
        [None] + [run("pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-")
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
    pictures = [i for i in doc.iter(XHTML + "img") if i.get("class") != "qr"]
    pictures += re.findall(r'url\("img/', open(xhtml, encoding="utf-8").read())
    check(bool(ppi) == bool(pictures) and not low,
          "%d pictures, all at 300 dpi or more (lowest %s)" %
          (len(ppi), min((min(p) for p in ppi), default=0)))

    # The contents' page numbers lead to the pages where the entries start. The contents may
    # be set in columns and a long title may take two lines: each half of the page is read on
    # its own, and a line ending in a dotted leader and a number closes the title above it.
    toc_page = next((p for p in range(1, pages + 1) if "もくじ" in text[p]), 0)
    check(toc_page == 2, "the contents are on page 2 (found on page %d)" % toc_page)
    titles = [t for t, _ in toc]
    if vertical:
        listed = numbers_in_lines(text[max(toc_page, 1)].splitlines(), titles,
                                  set(sections.values()))
    else:
        listed = contents_numbers(pdf, max(toc_page, 1), titles, set(sections.values()))
    check(len(listed) == len(toc), "the contents show a page number for each of its %d lines"
          % len(toc), "(found %d)" % len(listed))
    last = 0
    starts = {}
    for title, target in toc:
        n = listed.get(title)
        if n is None:
            check(False, "page number for '%s'" % title)
            continue
        on_page = 0 < n <= pages and in_order(squash(title)[:8], squash(text[n]))
        check(on_page and n >= last, "'%s' starts on page %d, as the contents say" % (title, n))
        last = n
        if target in sections:
            starts.setdefault(n, sections[target])
    # The running head of a right page names the first section that starts on it.
    for n, section in sorted(starts.items()):
        if n % 2 == (0 if vertical else 1) and n < pages:
            head = text[n].strip().splitlines()[0]
            check(section in head,
                  "the running head of page %d names the section '%s'" % (n, section), head)
    # Left pages are the even ones in a book read left to right, the odd ones in vertical text.
    lefts = [p for p in range(3, pages) if p % 2 == (1 if vertical else 0) and text[p].strip()]
    check(lefts and all(text[p].strip().startswith(site_title) for p in lefts),
          "left pages carry the magazine's name as running head")

    # Page numbers at the foot of numbered pages (blank pages have none); none on the cover.
    numbered = [p for p in range(2, pages) if text[p].strip()]
    check(all(re.search(r"\b%d\s*$" % p, text[p].rstrip()) for p in numbered),
          "pages 2 to %d end with their page number" % (pages - 1))
    check(not re.search(r"\b1\s*$", text[1].rstrip()), "the cover has no page number")

    # The back page with the colophon is the last page.
    colophon = next(("".join(p.itertext()) for p in doc.iter(XHTML + "p")
                     if p.get("class") == "colophon-title"), "?")
    check(squash(colophon) in squash(text[pages]),
          "the colophon (%s) is on the last page (%d)" % (colophon, pages))
    check(squash(back_title) in squash(text[pages]),
          "the back cover holds the page '%s'" % back_title)

    # A QR code beside each article that a phone reads as the article's web address: every
    # page at 300 dpi through zbarimg (zbar-tools).
    wanted = [dd.text for dd in doc.iter(XHTML + "dd") if dd.get("class") == "web url"]
    qr_images = [i for i in doc.iter(XHTML + "img") if i.get("class") == "qr"]
    check(wanted and len(qr_images) == len(wanted),
          "a QR code for each of the %d articles" % len(wanted), "(%d)" % len(qr_images))
    if engine_has_qr_reader():
        read = qr_codes(pdf, pages)
        for url in wanted:
            check(read.count(url) == 1, "the QR code of %s reads as its address" % url,
                  "(read %d times)" % read.count(url))
        check(len(read) == len(wanted), "no other QR code (%d read)" % len(read))
    else:
        check(False, "zbarimg (Debian's zbar-tools) reads the QR codes: it is not installed")

    # Ruby: the readings are set.
    rts = ["".join(rt.itertext()) for rt in doc.iter(XHTML + "rt")]
    check(all(squash(r) in squash("".join(text[1:])) for r in rts[:5]),
          "ruby readings appear in the PDF (%s)" % ("、".join(rts[:5]) or "none in the issue"))

    checks.done()


if __name__ == "__main__":
    main()
