#!/usr/bin/python3
"""How full the pages of a print PDF are (the fill measure of the print edition).

Usage: fill.py PDF

Each page is rendered at 20 dpi in grey (pdftoppm). Inside the page's TrimBox less 10% at
every edge, a row (or a column) holds ink when one of its pixels is darker than 200/255; white
gaps narrower than 6 mm between marked rows (or columns) are closed, so that line spacing and the
space around headings count as filled. A page's fill is the smaller of the share of marked rows
and the share of marked columns.

The cover (the first page), the back cover (the last) and the wholly blank pages just before the
back cover (the padding a bound booklet needs) are left out; a blank page anywhere else counts
as empty. Prints one line per page, then
    pages N inner N mean P% under50 N
where mean is over the inner pages and under50 counts inner pages filled less than half.
"""

import re
import subprocess
import sys

DPI = 20
INK = 200           # a pixel darker than this holds ink
GAP_MM = 6.0        # white gaps narrower than this are closed
MARGIN = 0.10       # left out at every edge of the trim box


def run(*args, binary=False):
    return subprocess.run(args, check=True, capture_output=True, text=not binary).stdout


def boxes(pdf):
    """[(media, trim)] per page, each (x0, y0, x1, y1) in points."""
    info = run("pdfinfo", "-box", "-f", "1", "-l", "100000", pdf)
    pages = {}
    for m in re.finditer(r"Page\s+(\d+) (MediaBox|TrimBox):\s+([-\d.]+)\s+([-\d.]+)\s+"
                         r"([-\d.]+)\s+([-\d.]+)", info):
        pages.setdefault(int(m.group(1)), {})[m.group(2)] = [float(v) for v in m.groups()[2:]]
    return [(pages[n]["MediaBox"], pages[n].get("TrimBox", pages[n]["MediaBox"]))
            for n in sorted(pages)]


def read_pgm(data):
    """(width, height, bytes) of a binary PGM."""
    fields = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":
            while data[i:i + 1] != b"\n":
                i += 1
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    assert fields[0] == b"P5" and int(fields[3]) < 256
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[i + 1:i + 1 + w * h]


def share(marked):
    """The share of marked places once white gaps narrower than GAP_MM are closed."""
    gap = GAP_MM / 25.4 * DPI
    filled = list(marked)
    last = None
    for i, m in enumerate(marked):
        if m:
            if last is not None and 0 < i - last - 1 < gap:
                for k in range(last + 1, i):
                    filled[k] = True
            last = i
    return sum(filled) / len(filled) if filled else 0.0


def page_fill(pdf, n, media, trim):
    """(fill, blank) of page n."""
    w, h, px = read_pgm(run("pdftoppm", "-r", str(DPI), "-gray", "-f", str(n), "-l", str(n),
                            pdf, binary=True))
    scale = DPI / 72
    x0 = (trim[0] - media[0]) * scale
    x1 = (trim[2] - media[0]) * scale
    y0 = (media[3] - trim[3]) * scale   # PDF y grows upwards, rows downwards
    y1 = (media[3] - trim[1]) * scale
    dx, dy = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    c0, c1 = round(x0 + dx), round(x1 - dx)
    r0, r1 = round(y0 + dy), round(y1 - dy)
    c1, r1 = min(c1, w), min(r1, h)
    rows = [False] * (r1 - r0)
    cols = [False] * (c1 - c0)
    for r in range(r0, r1):
        line = px[r * w + c0:r * w + c1]
        for c, v in enumerate(line):
            if v < INK:
                rows[r - r0] = True
                cols[c] = True
    blank = not any(rows)
    return min(share(rows), share(cols)), blank


def measure(pdf):
    """[(page, fill, what)] for every page; what is cover, back, padding or inner."""
    pages = boxes(pdf)
    fills = [page_fill(pdf, i + 1, m, t) for i, (m, t) in enumerate(pages)]
    what = ["inner"] * len(pages)
    what[0] = "cover"
    what[-1] = "back"
    k = len(pages) - 2
    while k > 0 and fills[k][1]:
        what[k] = "padding"
        k -= 1
    return [(i + 1, fills[i][0], what[i]) for i in range(len(pages))]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    result = measure(sys.argv[1])
    for page, fill, what in result:
        print("page %d %s %.0f%%" % (page, what, fill * 100))
    inner = [f for _, f, what in result if what == "inner"]
    mean = sum(inner) / len(inner) if inner else 0
    print("pages %d inner %d mean %.0f%% under50 %d" % (
        len(result), len(inner), mean * 100, sum(1 for f in inner if f < 0.5)))


if __name__ == "__main__":
    main()
