#!/usr/bin/python3
"""make_entities.py [OUT] -- write HTML's named character references as a C table.

The HTML standard lists 2,231 names, 2,125 of them written with the semicolon that Markdown
(CommonMark) requires; the other 106 are old spellings without it (&amp), which CommonMark does
not read. This writes the 2,125, sorted by name (byte order) for a binary search, with their one
or two code points, to OUT (generator/core/entity_table.inc when not given). The list is a fact
of the standard: it is taken from Python's html.entities.html5, which holds it. The table is
committed; run this again only to check it or when the standard adds a name:

    python3 tests/tools/make_entities.py                  # writes the table
    python3 tests/tools/make_entities.py --check          # exit 1 when the table differs
"""
import html.entities
import os
import sys

HEADER = """\
/* HTML's named character references: each name (without & and ;) and its code points, the
 * second 0 when there is one. Sorted by name in byte order. Written by
 * tests/tools/make_entities.py from the HTML standard's list; do not edit by hand. */
"""


def table():
    rows = []
    for key, value in html.entities.html5.items():
        if not key.endswith(";"):
            continue
        cps = [ord(c) for c in value]
        assert 1 <= len(cps) <= 2, key
        rows.append((key[:-1].encode("ascii"), cps + [0] * (2 - len(cps))))
    rows.sort()
    out = [HEADER]
    line = ""
    for name, (a, b) in rows:
        cell = '{"%s", 0x%X, 0x%X},' % (name.decode(), a, b)
        if len(line) + len(cell) + 1 > 99:
            out.append(line.rstrip() + "\n")
            line = ""
        line += cell + " "
    out.append(line.rstrip() + "\n")
    return "".join(out), len(rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "generator", "core",
                                            "entity_table.inc"))
    args = [a for a in sys.argv[1:] if a != "--check"]
    path = args[0] if args else default
    text, count = table()
    if "--check" in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            same = f.read() == text
        print("%s: %s (%d names)" % (path, "up to date" if same else "differs", count))
        sys.exit(0 if same else 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print("%s: %d names" % (path, count))


if __name__ == "__main__":
    main()
