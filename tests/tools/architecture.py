#!/usr/bin/python3
"""The shape of generator/, checked: the include rule between layer folders, no cycle between
modules, no source file over the size limit, and each outside library behind its one module.

    architecture.py [GENERATOR_DIR]

A module is a .c/.h pair; it depends on every module whose header its .c or .h includes. The
layers, from the bottom, are listed in LAYERS (the README's architecture section draws them):
a file may include from its own folder and from folders of a lower layer only. Prints one line
per problem and ends with "N passed, N failed"."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import arguments, check, done  # noqa: E402 (tests/checks.py, one folder up)

# Bottom to top. Folders on one line share a layer and may not include each other.
LAYERS = [
    ["core"],
    ["publish"],
    ["content", "markup", "media"],
    ["render"],
    ["print", "serve"],
    [""],  # the commands: main.c, build.c, scaffold.c, incremental.c
]
RANK = {folder: i for i, row in enumerate(LAYERS) for folder in row}
MAX_LINES = 1600
# Each parsing or I/O library is reached through one module only.
LIBRARIES = {
    "md4c.h": "markup/markdown",
    "yaml.h": "content/yamldoc",
    "jpeglib.h": "media/jpeg",
    "turbojpeg.h": "media/jpeg",
    "lcms2.h": "media/color",
    "microhttpd.h": "serve/serve",
    "qrencode.h": "media/qr",
    "unicase.h": "core/fold",
    "uninorm.h": "core/fold",
    "unictype.h": "core/fold",
    "unistr.h": "core/fold",
    "libintl.h": "core/intl",
    "locale.h": "core/intl",
    "stb_image.h": "media/raster",
    "stb_image_resize.h": "media/raster",
    "stb_image_write.h": "media/raster",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^">]+)[">]', re.M)



def result(ok, text):
    check(text, ok)


def main():
    root = (arguments(__doc__, 0, 1) + ["generator"])[0]
    files = []
    for folder, _, names in os.walk(root):
        for n in names:
            if n.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(folder, n), root))
    files.sort()
    deps = {}
    for f in files:
        module = f[:-2]
        folder = os.path.dirname(f)
        text = open(os.path.join(root, f), encoding="utf-8").read()
        lines = text.count("\n")
        result(lines <= MAX_LINES, "%s has %d lines (at most %d)" % (f, lines, MAX_LINES))
        result(folder in RANK, "%s is in a folder that is no layer" % f)
        deps.setdefault(module, set())
        for kind, name in INCLUDE.findall(text):
            if kind == "<":
                owner = LIBRARIES.get(os.path.basename(name), "")
                if owner != "":
                    result(owner == module,
                           "%s includes <%s>, which only %s may" % (f, name, owner))
                continue
            target = os.path.normpath(name)
            if not os.path.exists(os.path.join(root, target)):
                continue  # headers of the tests or the system
            to = os.path.dirname(target)
            if to != folder:
                result(folder in RANK and to in RANK and RANK[to] < RANK[folder],
                       "%s includes %s: a module includes only from its own folder and the "
                       "folders below it" % (f, name))
            if target[:-2] != module:
                deps[module].add(target[:-2])
    # Cycles between modules (Tarjan's strongly connected components).
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    cycles = [sorted(c) for c in comps if len(c) > 1]
    for c in cycles:
        result(False, "modules that depend on each other: " + " ↔ ".join(c))
    result(not cycles, "the module graph has a cycle")
    done()


main()
