#!/usr/bin/env python3
"""Every message kairan prints is marked for translation.

    python3 tests/tools/messages.py GENERATOR_DIR

Reads every .c file under GENERATOR_DIR and finds the calls that print or report a message
(diag_error and its siblings, the modules' own reporting functions, printf and fprintf). Their
format must be marked, _("...") or ngettext(...), or be an expression (a message marked where
it was chosen) or "%s" alone: a plain literal with words in it is a message that would reach
the user untranslated. Prints "N passed, N failed" and one line per unmarked message."""
import os
import re
import sys

# The calls that take a message format, and which argument (from 0) it is.
EVERYWHERE = {
    "diag_error": 4, "diag_warning": 4, "diag_io_error": 2, "diag_errno": 3,
    "diag_vreport": 6, "schema_error": 3, "schema_warning": 3, "entry_error": 3,
    "printf": 0, "fprintf": 1, "vfprintf": 1, "fputs": 0, "puts": 0,
}
# Reporting functions of one file, named like other files' helpers.
LOCAL = {
    "content/yamldoc.c": {"report": 2},
    "core/date.c": {"fail": 2},
    "media/image.c": {"fail": 1, "warn": 1},
    "markup/template.c": {"error_at": 3},
    "markup/chart.c": {"error_at": 3},
    "markup/sanitiser.c": {"report": 4},
    "publish/publish.c": {"io_error": 2},
    "main.c": {"usage_error": 1},
}
LITERAL = re.compile(r'^(\s*"(?:[^"\\]|\\.)*")+\s*$', re.S)
DIRECTIVE = re.compile(r"%[-+ #0-9.*$]*(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp%]")


def strip_comments(src):
    """Blanks comments out (keeping newlines and offsets), leaving strings alone."""
    out = list(src)
    i = 0
    while i < len(src):
        c = src[i]
        if c in "\"'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
        elif src.startswith("/*", i):
            j = src.index("*/", i) + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = len(src) if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def argument(src, i):
    """The end of the argument that starts at i (a ',' or the call's ')')."""
    depth = 0
    while i < len(src):
        c = src[i]
        if c in "\"'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return i


def words(literal):
    """The text of a literal format without its directives and the program's name."""
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', literal))
    text = re.sub(r"\\.", " ", DIRECTIVE.sub(" ", text))
    return re.findall(r"[A-Za-z]{2,}", text.replace("kairan", " "))


def check(root):
    problems = []
    calls = 0
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".c"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            src = strip_comments(open(path, encoding="utf-8").read())
            table = dict(EVERYWHERE)
            table.update(LOCAL.get(rel, {}))
            pattern = re.compile(r"(?<![\w.>])(" + "|".join(table) + r")\s*\(")
            for m in pattern.finditer(src):
                line_start = src.rfind("\n", 0, m.start()) + 1
                if re.search(r"\b(void|int|static|char)\b[\s*]*$", src[line_start:m.start()]):
                    continue  # a declaration or definition, not a call
                i = m.end()
                arg = None
                for k in range(table[m.group(1)] + 1):
                    end = argument(src, i)
                    if k == table[m.group(1)]:
                        arg = src[i:end]
                    if end >= len(src) or src[end] == ")":
                        break
                    i = end + 1
                if arg is None:
                    continue
                calls += 1
                if LITERAL.match(arg) and words(arg):
                    line = src.count("\n", 0, m.start()) + 1
                    problems.append("%s:%d: %s(%s) is not marked for translation"
                                    % (rel, line, m.group(1), " ".join(arg.split())[:70]))
    return calls, problems


def main():
    calls, problems = check(sys.argv[1] if len(sys.argv) > 1 else "generator")
    for p in problems:
        print(p)
    ok = calls > 100 and not problems
    if calls <= 100:
        print("only %d calls that print a message were found" % calls)
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
