"""What the Python checks of the test suites share: counting checks and printing the last line
tests/run.sh adds up ("N passed, N failed"), reading a script's arguments, and walking the files
of a built site. The shell suites put tests/ on PYTHONPATH (tests/lib.sh); a script run by hand
from tests/ finds this module beside it.

    from checks import check, done
    check("the feed is there", os.path.exists(feed))
    done()                       # prints "N passed, N failed" and exits, 1 when any failed
"""
import os
import sys

passed = failed = 0
show_passes = False  # set True to print a line "ok   NAME" for each check that passes too


def check(name, ok, detail=""):
    """Counts one check; prints "FAIL NAME DETAIL" when ok is false. Returns ok."""
    global passed, failed
    if ok:
        passed += 1
        if show_passes:
            print("ok   " + name)
    else:
        failed += 1
        print(("FAIL " + name + " " + str(detail)).rstrip())
    return ok


def done():
    """Prints the last line and exits: 0 when every check passed, else 1."""
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def usage(text):
    """Prints text (the script's docstring) on stderr and exits with status 2."""
    sys.stderr.write(text.strip() + "\n")
    sys.exit(2)


def arguments(text, least, most=None):
    """The script's arguments: at least `least` and at most `most` (no limit when None) of them,
    or the usage `text` and exit status 2."""
    args = sys.argv[1:]
    if len(args) < least or (most is not None and len(args) > most):
        usage(text)
    return args


def site_files(root, suffixes=None):
    """Every file below root (a built site), in a stable order; only those whose names end in
    one of suffixes (a tuple) when given."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if suffixes is None or name.endswith(suffixes):
                found.append(os.path.join(folder, name))
    return found


def read_text(path):
    """A file's text, read as UTF-8."""
    with open(path, encoding="utf-8") as f:
        return f.read()
