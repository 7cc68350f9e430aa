#!/usr/bin/python3
"""The site benchmark behind `make bench`: builds the synthetic corpora (bench/corpus.py)
with kairan and with Hugo, and writes the table of results to bench/results.md.

    report.py KAIRAN BUILD_DIR [--sizes 1000,10000] [--photos 200] [--out bench/results.md]
                               [--rows ROW,ROW...] [--seed N]
    report.py KAIRAN BUILD_DIR --big 100000 [--out bench/results-100k.md]
    report.py KAIRAN BUILD_DIR --only search [--sizes 1000,10000] [--out bench/results.md]
    report.py KAIRAN BUILD_DIR --only editor [--out bench/results.md]

--rows measures only those rows (make bench: KAIRAN_BENCH_ROWS): photos, hugo, search, thumbs,
editor, serve, edits (the full build, the rebuilds and the copy floor of each size are always
measured). --seed fixes the random edit sequence's seed (KAIRAN_BENCH_SEED); by default it is
new each time and written in the results.

Measured, each as the median of several runs (wall time, CPU time of the process and its
threads, peak RSS from wait4):
  - a full build (no output, no cache) of N entries (and of 1,000 entries with the photo set);
  - a rebuild with nothing changed, and rebuilds after one entry's body, and its title,
    changed;
  - the copy floor: `cp -r` of the built output;
  - Hugo (Debian's hugo, installed when missing and run as root) building the same corpus with
    the lightest site that writes the same kinds of page (bench/hugo-light) and with a theme
    that makes pages like kairan's (bench/hugo);
  - a random sequence of edits on the largest corpus, each built incrementally, compared with
    clean builds byte for byte (tests/tools/edit_sequence.py);
  - kairan serve started cold on a copy of the example site: the time to the first answer and
    to the home page itself;
  - thumbnails against vipsthumbnail, read from the image benchmark's output (BUILD/bench/
    images.out, which make bench writes just before) or run here when it is missing;
  - the editor of kairan serve: on a copy of the example site, in headless Chromium, the time
    from typing in an entry's body to the preview showing it (tests/tools/editor_walk.py);
  - search: full builds with site.yaml's search: none against the builds above (what making
    the index costs), the sizes of the index, of the texts it indexes and of the texts' files,
    and, in headless Chromium on a --portable build, the bytes the search page loads for each
    of 300 queries made from the corpus's text (tests/tools/search_check.py loads).
With --only search, just the search rows: each corpus is written and built 3 times with search
and 3 times without, its search page's loads are measured, and the "search:" rows of the
results file are replaced (with a line saying when and under what load), the rest left as it
was. With --only editor, just the editor's row (typing to preview), in the same way: it
replaces the row (or adds it after the table's last row when there is none) and adds its
explanation under "How to read this" when that lacks one.
"""
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

NOW = "2026-11-23 09:00"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))


def run(argv, cwd=None, quiet=True):
    """Runs argv; returns (wall seconds, CPU seconds, peak RSS in MiB, exit status)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL if quiet else None,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"bench: {' '.join(argv)} failed ({code}):\n{err[-2000:]}\n")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, code


class Measure:
    def __init__(self, runs):
        self.runs = runs

    @property
    def wall(self):
        return statistics.median(r[0] for r in self.runs)

    @property
    def cpu(self):
        return statistics.median(r[1] for r in self.runs)

    @property
    def rss(self):
        return max(r[2] for r in self.runs)


def repeat(times, argv, before=None, cwd=None):
    runs = []
    for i in range(times):
        if before:
            before(i)
        r = run(argv, cwd=cwd)
        if r[3] != 0:
            raise SystemExit(1)
        runs.append(r)
    return Measure(runs)


# Nothing is deleted until the end (see kairan_site).
def rm(path):
    shutil.rmtree(path, ignore_errors=True)


def count_pages(folder):
    n = 0
    for _, _, files in os.walk(folder):
        n += sum(1 for f in files if f.endswith(".html"))
    return n


def tree_size(folder):
    files = size = 0
    for d, _, names in os.walk(folder):
        for f in names:
            files += 1
            size += os.lstat(os.path.join(d, f)).st_size
    return files, size


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return cpu, os.cpu_count(), ram


def load():
    try:
        return "%.1f / %.1f / %.1f" % os.getloadavg()
    except OSError:
        return "unknown"


def ensure_hugo():
    if shutil.which("hugo"):
        return True
    if os.geteuid() != 0:
        print("bench: hugo is not installed (run make bench as root to install it); "
              "no comparison with Hugo")
        return False
    print("bench: installing hugo to compare with it")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    ok = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "hugo"],
                        env=env, stdout=subprocess.DEVNULL).returncode == 0
    if not ok:
        subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        ok = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                             "hugo"], env=env, stdout=subprocess.DEVNULL).returncode == 0
    return ok and shutil.which("hugo") is not None


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "?"


def corpus(n, folder, build, photos=0):
    argv = [sys.executable, os.path.join(HERE, "corpus.py"), str(n), folder]
    if photos:
        argv += ["--photos", str(photos), os.path.join(build, "bench", "images")]
    subprocess.run(argv, check=True)


def kairan_site(kairan, site, times, change_times):
    """Full builds, no-op rebuilds and one-entry rebuilds of one corpus. Each full build writes
    a new output folder and cache, all removed at the end: creating files right after deleting
    thousands makes ext4 search longer for free inodes, which would time the deletion, not the
    build."""
    out = {}
    runs = []
    for i in range(times):
        public, cache = os.path.join(site, f"public{i}"), os.path.join(site, f"cache{i}")
        runs.append(run([kairan, "build", "-s", site, "-o", public, "--cache-dir", cache,
                         "--now", NOW, "--quiet"]))
        if runs[-1][3] != 0:
            raise SystemExit(1)
    out["full"] = Measure(runs)
    out["pages"] = count_pages(public)
    out["files"], out["bytes"] = tree_size(public)
    build = [kairan, "build", "-s", site, "-o", public, "--cache-dir", cache, "--now", NOW,
             "--quiet"]
    out["noop"] = repeat(5, build)
    target = os.path.join(site, "content", "activities", "act-00005.md")

    def edit(i):
        with open(target, "a") as f:
            f.write(f"\n変更 {i} の追記です。\n")

    out["change"] = repeat(change_times, build, before=edit)

    def retitle(i):
        with open(target, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"^title: .*$", f"title: 見守りの会 題{i}", text, count=1, flags=re.M)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)

    out["title"] = repeat(change_times, build, before=retitle)
    out["noop_after"] = repeat(3, build)
    out["public"] = public
    return out


def search_sizes(public):
    """Bytes of the search folder's files by kind, and of the text they index (the lines the
    texts' files hold, as UTF-8)."""
    folder = os.path.join(public, "search")
    out = {"index": 0, "meta": 0, "texts": 0, "files": 0, "text": 0, "scan": False}
    for name in os.listdir(folder):
        size = os.path.getsize(os.path.join(folder, name))
        out["files"] += 1
        if name.startswith("meta."):
            out["meta"] += size
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                out["scan"] = '"scan":true' in f.read()
        elif name[0] in "kt":
            out["index"] += size
        elif name[0] == "x":
            out["texts"] += size
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            for doc in json.loads(text[text.index(",") + 1:text.rindex(")")]):
                out["text"] += sum(len(line.encode()) for line in doc[7])
    return out


def search_bench(kairan, site, times, with_search):
    """Full builds with and without search (site.yaml's search: none), one after the other
    times over, so that the machine's load moves both alike; the sizes of the search files of
    the build with_search; and the bytes each of 300 queries makes the search page load."""
    config = os.path.join(site, "content", "site.yaml")
    with open(config, encoding="utf-8") as f:
        original = f.read()
    runs = {"with": [], "without": []}
    for i in range(times):
        for kind in ("with", "without"):
            with open(config, "w", encoding="utf-8") as f:
                f.write(original + ("search: none\n" if kind == "without" else ""))
            public = os.path.join(site, f"s{kind}{i}")
            runs[kind].append(run([kairan, "build", "-s", site, "-o", public, "--cache-dir",
                                   public + "-cache", "--now", NOW, "--quiet"]))
            if runs[kind][-1][3] != 0:
                raise SystemExit(1)
    # One entry's body changed, without the index (the last build's search: none stays):
    # what the rest of a rebuild costs.
    build = [kairan, "build", "-s", site, "-o", public, "--cache-dir", public + "-cache",
             "--now", NOW, "--quiet"]
    target = os.path.join(site, "content", "activities", "act-00005.md")

    def edit(i):
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\n検索なしの変更 {i} の追記です。\n")

    change = repeat(5, build, before=edit)
    with open(config, "w", encoding="utf-8") as f:
        f.write(original)
    out = {"change": change, "with": Measure(runs["with"]), "without": Measure(runs["without"]),
           "added": [w[1] - wo[1] for w, wo in zip(runs["with"], runs["without"])],
           "added_wall": [w[0] - wo[0] for w, wo in zip(runs["with"], runs["without"])],
           "sizes": search_sizes(with_search)}
    chromium = next((b for b in ("chromium", "chromium-browser", "google-chrome")
                     if shutil.which(b)), None)
    if not chromium:
        print("bench: Chromium is not installed; no measure of the bytes a query loads")
        return out
    portable = os.path.join(site, "portable")
    if run([kairan, "build", "-s", site, "-o", portable, "--cache-dir",
            os.path.join(site, "pcache"), "--now", NOW, "--quiet", "--portable"])[3] != 0:
        raise SystemExit(1)
    tool = os.path.join(ROOT, "tests", "tools", "search_check.py")
    res = subprocess.run([sys.executable, tool, "loads", chromium, portable, "300", "20"],
                         capture_output=True, text=True, env=dict(
                             os.environ, PYTHONPATH=os.path.join(ROOT, "tests")))
    try:
        out["loads"] = json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print("bench: the search page's loads could not be measured:\n" + res.stderr[-2000:])
    return out


def copy_floor(src, times):
    runs = []
    for i in range(times):
        runs.append(run(["cp", "-r", src, f"{src}-copy{i}"]))
    return Measure(runs)


def hugo_site(site, work, times, theme="hugo"):
    """Hugo builds of the corpus with bench/THEME (its config.yaml names the theme)."""
    h = os.path.join(work, theme)
    rm(h)
    os.makedirs(os.path.join(h, "content"))
    for folder in ("activities", "events", "issues", "pages"):
        src = os.path.join(site, "content", folder)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(h, "content", folder))
    with open(os.path.join(HERE, theme, "config.yaml")) as f:
        config = f.read()
    name = re.search(r"^theme: (\S+)", config, re.M).group(1)
    shutil.copytree(os.path.join(HERE, theme), os.path.join(h, "themes", name))
    with open(os.path.join(h, "config.yaml"), "w") as f:
        f.write("baseURL: https://example.jp/watowa/\n" + config)
    runs = []
    for i in range(times):
        out_dir = os.path.join(h, f"public{i}")
        rm(os.path.join(h, "resources"))
        runs.append(run(["hugo", "--quiet", "-s", h, "-d", out_dir]))
        if runs[-1][3] != 0:
            raise SystemExit(1)
    return Measure(runs), count_pages(out_dir)


def thumbnails(build):
    path = os.path.join(build, "bench", "images.out")
    if not os.path.exists(path):
        res = subprocess.run([os.path.join(build, "bench", "images"), "20"], capture_output=True,
                             text=True)
        text = res.stdout
    else:
        with open(path) as f:
            text = f.read()
    got = {}
    m = re.search(r"kairan, 1 thread: (\d+) ms/photo wall .*?, (\d+) ms/photo CPU", text)
    if m:
        got["k1"] = (int(m.group(1)), int(m.group(2)))
    m = re.search(r"kairan, 2 threads: (\d+) ms/photo wall .*?peak RSS (\d+) MB", text)
    if m:
        got["k2"] = (int(m.group(1)), int(m.group(2)))
    m = re.search(r"vipsthumbnail, 1 core: (\d+) ms/photo wall .*?, (\d+) ms/photo CPU; "
                  r"kairan is ([\d.]+)x faster", text)
    if m:
        got["vips"] = (int(m.group(1)), int(m.group(2)), float(m.group(3)))
    m = re.search(r"(\d+) photos of (\d+x\d+)", text)
    if m:
        got["photos"] = (int(m.group(1)), m.group(2))
    return got


def editor_bench(kairan, work, edits=10):
    """Typing to preview in kairan serve's editor, on a copy of the example site: the times in
    milliseconds of edits edits (each typed at the end of an event's body, then waited for in
    the preview), or None when Chromium or the walk is missing."""
    site = os.path.join(work, "editor")
    rm(site)
    os.makedirs(site)
    for part in ("content", "themes", "assets"):
        shutil.copytree(os.path.join(ROOT, part), os.path.join(site, part), symlinks=True)
    walk = os.path.join(ROOT, "tests", "tools", "editor_walk.py")
    try:
        r = subprocess.run([sys.executable, walk, kairan, site, "--bench", str(edits)],
                           capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^typing to preview: ([-\d ]+)$", r.stdout, re.M)
    rm(site)
    if not m:
        sys.stderr.write("bench: the editor's walk did not finish:\n" + r.stdout[-1000:] +
                         r.stderr[-1000:])
        return None
    return [int(t) for t in m.group(1).split()]


EDITOR_ROW = "| example site | editor: typing to preview"
EDITOR_NOTE = ("- *editor: typing to preview*: `kairan serve` on a copy of the example site, its "
               "editor in headless Chromium with an event open; a sentence typed at the end of "
               "the body (Input.insertText), then the time until the preview beside the form "
               "shows it: the editor waits 200 ms for the typing to pause, builds the pages of "
               "the entry's language with the unsaved entry from an overlay folder and reloads "
               "the preview.")


def editor_row(times):
    """The table's row for editor_bench's times (None: not measured)."""
    if not times:
        return f"{EDITOR_ROW} | not measured (no Chromium) | | | ≤ 1 s |"
    done_ = sorted(t for t in times if t >= 0)
    lost = len(times) - len(done_)
    worst = done_[-1] if done_ else 0
    ok = not lost and worst <= 1000
    return (f"{EDITOR_ROW} ({len(times)} edits) | median "
            f"{done_[len(done_) // 2] if done_ else 0} ms, most **{worst} ms**"
            f"{f', {lost} never shown' if lost else ''} | | | ≤ 1 s: {verdict(ok)} |")


def cold_serve(kairan, work, times=3):
    """kairan serve started on a fresh copy of the example site (no cache, no preview): the
    seconds to its first answer for the home page, and to the home page itself; medians, or
    None when it did not answer."""
    import http.client
    import signal
    import socket
    firsts, pages = [], []
    for i in range(times):
        site = os.path.join(work, f"serve{i}")
        rm(site)
        os.makedirs(site)
        for part in ("content", "themes", "assets"):
            shutil.copytree(os.path.join(ROOT, part), os.path.join(site, part), symlinks=True)
        with open(os.path.join(site, "content", "site.yaml"), encoding="utf-8") as f:
            base = re.sub(r"^https?://[^/]+", "",
                          re.search(r"^base_url:\s*(\S+)", f.read(), re.M).group(1))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        t0 = time.monotonic()
        p = subprocess.Popen([kairan, "serve", "-s", site, "-p", str(port), "--now", NOW],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first = page = None
        while page is None and time.monotonic() - t0 < 120 and p.poll() is None:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", base)
                r = c.getresponse()
                r.read()
                c.close()
                if first is None:
                    first = time.monotonic() - t0
                if r.status == 200:
                    page = time.monotonic() - t0
            except OSError:
                time.sleep(0.005)
        p.send_signal(signal.SIGINT)
        p.wait()
        if first is None or page is None:
            return None
        firsts.append(first)
        pages.append(page)
    return statistics.median(firsts), statistics.median(pages)


def edit_sequence(kairan, site, work, seed, steps=8, every=2):
    """The random edit sequence on a corpus: (seed, steps, passed, failed, the failures' lines,
    median and most seconds of the incremental builds)."""
    tool = os.path.join(ROOT, "tests", "tools", "edit_sequence.py")
    folder = os.path.join(work, "edits")
    rm(folder)
    os.makedirs(folder)
    r = subprocess.run([sys.executable, tool, kairan, site, folder, "--seed", str(seed),
                        "--steps", str(steps), "--compare-every", str(every), "--now", NOW],
                       capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "tests")))
    rm(folder)
    m = re.search(r"^(\d+) passed, (\d+) failed$", r.stdout, re.M)
    times = [int(t) for t in re.findall(r" in (\d+) ms$", r.stdout, re.M)]
    fails = [line for line in r.stdout.splitlines() if line.startswith("FAIL")]
    if not m:
        fails.append("no result line: " + (r.stdout + r.stderr)[-500:])
    times.sort()
    return {"seed": seed, "steps": steps, "passed": int(m.group(1)) if m else 0,
            "failed": int(m.group(2)) if m else 1, "fails": fails,
            "median": times[len(times) // 2] if times else 0, "most": times[-1] if times else 0}


def ms(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def search_rows(name, srch):
    """The table's search rows for one corpus from what search_bench measured."""
    rows = []
    with_, without, z = srch["with"], srch["without"], srch["sizes"]
    added_cpu = statistics.median(srch["added"])
    added = statistics.median(srch["added_wall"])
    rows.append(f"| {name} | search: build time ({len(srch['added'])} builds with and without, "
                f"in turn) | {added_cpu:.2f} s CPU, {ms(added)} wall (medians of the differences: "
                f"**{100 * added_cpu / without.cpu:.1f}%** and {100 * added / without.wall:.1f}% "
                f"of a build without search, {without.cpu:.2f} s CPU, {ms(without.wall)} wall; "
                f"with search {with_.cpu:.2f} s CPU) | | | "
                f"≤ 10% (CPU): {verdict(added_cpu <= 0.1 * without.cpu)} |")
    rows.append(f"| {name} | search: index size | {z['index'] / 2**20:,.1f} MiB "
                f"({100 * z['index'] / max(1, z['text']):.0f}% of the {z['text'] / 2**20:,.1f}"
                f" MiB of text it indexes); texts for snippets {z['texts'] / 2**20:,.1f} MiB, "
                f"meta {z['meta'] / 1024:,.0f} KiB; {z['files']:,} files | | | "
                f"≤ 100%: {verdict(z['index'] <= z['text'])} |")
    loads = srch.get("loads")
    if loads:
        idx = sorted(q["index"] + q["meta"] for q in loads)
        tot = sorted(q["index"] + q["meta"] + q["texts"] for q in loads)
        worst = max(loads, key=lambda q: q["index"] + q["meta"])
        rows.append(f"| {name} | search: bytes one query loads ({len(loads)} queries) | "
                    f"index and meta: median {idx[len(idx) // 2] / 1024:,.0f} KiB, 90% "
                    f"{idx[len(idx) * 9 // 10] / 1024:,.0f} KiB, most "
                    f"**{idx[-1] / 1024:,.0f} KiB** («{worst['q']}»); with the texts of "
                    f"the first 20 results at most {tot[-1] / 1024:,.0f} KiB | | | "
                    f"≤ 300 KB: {verdict(idx[-1] <= 300000)} |")
    return rows


def only_search(kairan, build, work, sizes, out_path):
    """Measures the search rows alone and puts them into the results file at out_path."""
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = load()
    rows = {}
    for n in sizes:
        site = os.path.join(work, f"c{n}")
        print(f"bench: {n:,} entries, with and without search")
        corpus(n, site, build)
        public = os.path.join(site, "public")
        if run([kairan, "build", "-s", site, "-o", public, "--cache-dir",
                os.path.join(site, "cache"), "--now", NOW, "--quiet"])[3] != 0:
            raise SystemExit(1)
        rows[f"{n:,}"] = search_rows(f"{n:,}", search_bench(kairan, site, 5, public))
    with open(out_path) as f:
        text = f.read()
    lines = text.split("\n")
    for name, new in rows.items():
        at = [i for i, l in enumerate(lines) if l.startswith(f"| {name} | search: ")]
        if at:
            lines[at[0]:at[-1] + 1] = new
        else:
            last = max(i for i, l in enumerate(lines) if l.startswith(f"| {name} | "))
            lines[last + 1:last + 1] = new
    note = (f"The search rows were measured again on their own (`report.py --only search`) on "
            f"{started:%Y-%m-%d %H:%M} UTC; load average before {load_before}, after {load()}.")
    lines = [l for l in lines if not l.startswith("The search rows were measured again")]
    at = next(i for i, l in enumerate(lines) if l.startswith("| corpus | measure |"))
    lines[at:at] = [note, ""]
    with open(out_path, "w") as f:
        f.write("\n".join(lines))
    for new in rows.values():
        print("\n".join(new))
    print(f"bench: search rows written to {out_path}")


def only_editor(kairan, work, out_path):
    """Measures the editor's row alone and puts it into the results file at out_path."""
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = load()
    print("bench: the editor, typing to preview")
    row = editor_row(editor_bench(kairan, work))
    with open(out_path) as f:
        lines = f.read().split("\n")
    at = [i for i, l in enumerate(lines) if l.startswith(EDITOR_ROW)]
    if at:
        lines[at[0]] = row
    else:
        top = next(i for i, l in enumerate(lines) if l.startswith("| corpus | measure |"))
        last = top
        while last + 1 < len(lines) and lines[last + 1].startswith("|"):
            last += 1
        lines[last + 1:last + 1] = [row]
    if not any(l.startswith("- *editor: typing to preview*") for l in lines):
        read = next((i for i, l in enumerate(lines) if l == "## How to read this"), None)
        if read is not None:
            end = read + 2
            while end < len(lines) and lines[end].startswith("- "):
                end += 1
            lines[end:end] = [EDITOR_NOTE]
    note = (f"The editor's row was measured again on its own (`report.py --only editor`) on "
            f"{started:%Y-%m-%d %H:%M} UTC; load average before {load_before}, after {load()}.")
    lines = [l for l in lines if not l.startswith("The editor's row was measured again")]
    at = next(i for i, l in enumerate(lines) if l.startswith("| corpus | measure |"))
    lines[at:at] = [note, ""]
    with open(out_path, "w") as f:
        f.write("\n".join(lines))
    print(row)
    print(f"bench: the editor's row written to {out_path}")


def verdict(ok):
    return "met" if ok else "**not met**"


ROWS = ("photos", "hugo", "search", "thumbs", "editor", "serve", "edits")


def pct(part, whole):
    return 100 * part / whole if whole else 0


def main():
    args = sys.argv[1:]
    kairan, build = os.path.abspath(args[0]), os.path.abspath(args[1])
    opts = {"--sizes": "1000,10000", "--photos": "200", "--out": None, "--big": None,
            "--only": None, "--rows": ",".join(ROWS), "--seed": None}
    for i in range(2, len(args), 2):
        opts[args[i]] = args[i + 1]
    rows = set(r for r in opts["--rows"].split(",") if r)
    if rows - set(ROWS):
        raise SystemExit(f"bench: unknown rows {', '.join(sorted(rows - set(ROWS)))}; "
                         f"choose from {', '.join(ROWS)}")
    seed = int(opts["--seed"]) if opts["--seed"] else int(time.time()) % 100000
    big = int(opts["--big"]) if opts["--big"] else 0
    out_path = opts["--out"] or os.path.join(ROOT, "bench",
                                             "results-100k.md" if big else "results.md")
    work = os.path.join(build, "bench", "site-work")
    rm(work)
    os.makedirs(work)
    if opts["--only"]:
        if opts["--only"] == "search":
            only_search(kairan, build, work, [int(s) for s in opts["--sizes"].split(",") if s],
                        out_path)
        elif opts["--only"] == "editor":
            only_editor(kairan, work, out_path)
        else:
            raise SystemExit("report.py: --only takes search or editor")
        rm(work)
        return
    cpu, cores, ram = machine()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = load()
    lines = []
    say = lines.append

    if big:
        site = os.path.join(work, f"c{big}")
        print(f"bench: writing a corpus of {big} activities")
        corpus(big, site, build)
        print(f"bench: building it")
        r = kairan_site(kairan, site, 1, 3)
        full, noop, change, title = r["full"], r["noop"], r["change"], r["title"]
        say(f"# kairan: {big:,} entries\n")
        say(f"{started:%Y-%m-%d %H:%M} UTC on {cpu}, {cores} cores, {ram} RAM; load average "
            f"before {load_before}, after {load()}. `make bench-100k`.\n")
        say("| measure | result | target |")
        say("|---|---|---|")
        say(f"| full build | {ms(full.wall)} wall, {full.cpu:.1f} s CPU, {r['pages']:,} pages, "
            f"{r['pages'] / full.wall:,.0f} pages/s | |")
        say(f"| peak RSS | {full.rss:,.0f} MiB | ≤ 512 MiB: {verdict(full.rss <= 512)} |")
        say(f"| rebuild, nothing changed | {ms(noop.wall)} wall, {noop.cpu * 1000:.0f} ms CPU | "
            f"≤ 500 ms: {verdict(noop.wall <= 0.5)} |")
        say(f"| rebuild, one entry's body changed | {ms(change.wall)} wall, {change.cpu:.2f} s "
            f"CPU ({pct(change.cpu, full.cpu):.1f}% of the full build's CPU) | ≤ 1.5 s: "
            f"{verdict(change.wall <= 1.5)} |")
        say(f"| rebuild, one entry's title changed | {ms(title.wall)} wall, {title.cpu:.2f} s CPU "
            f"({pct(title.cpu, full.cpu):.1f}%) | |")
        say(f"| output | {r['files']:,} files, {r['bytes'] / 2**20:,.0f} MiB | |")
    else:
        sizes = [int(s) for s in opts["--sizes"].split(",") if s]
        n_photos = int(opts["--photos"]) if "photos" in rows else 0
        have_hugo = "hugo" in rows and ensure_hugo()
        results = {}
        if n_photos:
            site = os.path.join(work, "c1000p")
            print(f"bench: 1,000 entries and {n_photos} photos")
            corpus(1000, site, build, photos=n_photos)
            results["photos"] = kairan_site(kairan, site, 1, 5)
        edits = None
        for n in sizes:
            site = os.path.join(work, f"c{n}")
            print(f"bench: {n:,} entries")
            corpus(n, site, build)
            r = kairan_site(kairan, site, 3, 5)
            r["copy"] = copy_floor(r["public"], 3)
            if "search" in rows:
                print(f"bench: {n:,} entries with and without search, and the search page's "
                      f"loads")
                r["search"] = search_bench(kairan, site, 5, r["public"])
            if have_hugo:
                print(f"bench: {n:,} entries with Hugo, the lightest site and the heavier one")
                r["hugo_light"], r["hugo_light_pages"] = hugo_site(site, work, 3, "hugo-light")
                r["hugo"], r["hugo_pages"] = hugo_site(site, work, 3)
            if "edits" in rows and n == sizes[-1]:
                print(f"bench: random edits on {n:,} entries (seed {seed})")
                edits = (n, edit_sequence(kairan, site, work, seed))
            results[n] = r
        thumbs = thumbnails(build) if "thumbs" in rows else {}
        editor_times = None
        if "editor" in rows:
            print("bench: the editor, typing to preview")
            editor_times = editor_bench(kairan, work)
        serve = None
        if "serve" in rows:
            print("bench: kairan serve, started cold")
            serve = cold_serve(kairan, work)

        say("# kairan benchmark results\n")
        say(f"Measured by `make bench` on {started:%Y-%m-%d %H:%M} UTC: {cpu}, {cores} cores, "
            f"{ram} RAM, {platform.system()} {platform.release()}. Load average (1/5/15 min) "
            f"before: {load_before}; after: {load()}. The machine is shared: wall times move "
            "with the load, CPU times (user + system, all threads) much less; shares of a full "
            "build are of its CPU time.\n")
        say(f"{version([kairan, '--version'])}; "
            f"{version(['hugo', 'version']) if have_hugo else 'Hugo not measured'}; "
            f"{version(['vipsthumbnail', '--vips-version']) if shutil.which('vipsthumbnail') else 'no vipsthumbnail'}."
            " Each time is the median of 3 runs (5 for rebuilds); peak RSS is the largest.\n")
        say("| corpus | measure | kairan | Hugo | kairan/Hugo | target |")
        say("|---|---|---|---|---|---|")
        if "photos" in results:
            r = results["photos"]
            full, noop, change = r["full"], r["noop"], r["change"]
            name = f"1,000 + {n_photos} photos"
            say(f"| {name} | full build (photos from scratch) | {ms(full.wall)} wall, "
                f"{full.cpu:.1f} s CPU, {r['pages']:,} pages | | | |")
            say(f"| {name} | rebuild, nothing changed | {ms(noop.wall)} wall, "
                f"{noop.cpu * 1000:.0f} ms CPU | | | ≤ 100 ms: {verdict(noop.wall <= 0.1)} |")
            say(f"| {name} | rebuild, one entry changed | {ms(change.wall)} wall, "
                f"{change.cpu * 1000:.0f} ms CPU ({pct(change.cpu, full.cpu):.1f}% of the full "
                f"build) | | | ≤ 5%: {verdict(pct(change.cpu, full.cpu) <= 5)} |")
            say(f"| {name} | peak RSS | {full.rss:,.0f} MiB | | | |")
        for n in sizes:
            r = results[n]
            full, noop, change, title, copy = (r["full"], r["noop"], r["change"], r["title"],
                                               r["copy"])
            rate = r["pages"] / full.wall
            name = f"{n:,}"
            say(f"| {name} | full build | {ms(full.wall)}, {full.cpu:.1f} s CPU, "
                f"{r['pages']:,} pages, **{rate:,.0f} pages/s** | | | |")
            for key, what, target in (("hugo_light", "the lightest Hugo site (bench/hugo-light)",
                                       5), ("hugo", "Hugo with a theme like kairan's "
                                                    "(bench/hugo)", None)):
                hugo = r.get(key)
                if not hugo:
                    continue
                hrate = r[key + "_pages"] / hugo.wall
                goal = f"≥ {target}×: {verdict(rate / hrate >= target)}" if target else ""
                say(f"| {name} | full build against {what} | {rate:,.0f} pages/s | "
                    f"{ms(hugo.wall)}, {hugo.cpu:.1f} s CPU, {r[key + '_pages']:,} pages, "
                    f"**{hrate:,.0f} pages/s** | **{rate / hrate:.2f}×** pages/s | {goal} |")
                say(f"| {name} | peak RSS against {what} | {full.rss:,.0f} MiB | "
                    f"{hugo.rss:,.0f} MiB | **{full.rss / hugo.rss:.2f}** | "
                    f"{'≤ 0.25: ' + verdict(full.rss / hugo.rss <= 0.25) if target else ''} |")
            if not r.get("hugo_light"):
                say(f"| {name} | peak RSS | {full.rss:,.0f} MiB | | | |")
            say(f"| {name} | copy floor (`cp -r` of the output: {r['files']:,} files, "
                f"{r['bytes'] / 2**20:,.0f} MiB) | {ms(copy.wall)} wall, {copy.cpu:.1f} s CPU "
                f"| | full build / floor **{full.wall / copy.wall:.1f}×** wall, "
                f"{full.cpu / max(copy.cpu, 1e-3):.1f}× CPU | ≤ 1.5×: "
                f"{verdict(full.wall / copy.wall <= 1.5)} |")
            say(f"| {name} | rebuild, nothing changed | {ms(noop.wall)} wall, "
                f"{noop.cpu * 1000:.0f} ms CPU ({pct(noop.cpu, full.cpu):.1f}% of the full "
                f"build) | | | ≤ 5%: {verdict(pct(noop.cpu, full.cpu) <= 5)} |")
            say(f"| {name} | rebuild, one entry's body changed | {ms(change.wall)} wall, "
                f"{change.cpu:.2f} s CPU (**{pct(change.cpu, full.cpu):.1f}%** of the full "
                f"build) | | | ≤ 5%: {verdict(pct(change.cpu, full.cpu) <= 5)} |")
            srch = r.get("search")
            if srch and srch.get("change"):
                wo, wc = srch["without"], srch["change"]
                say(f"| {name} | the same without the search index (`search: none`) | "
                    f"{ms(wc.wall)} wall, {wc.cpu:.2f} s CPU ({pct(wc.cpu, wo.cpu):.1f}% of "
                    f"such a full build: {ms(wo.wall)}, {wo.cpu:.1f} s CPU) | | | ≤ 5%: "
                    f"{verdict(pct(wc.cpu, wo.cpu) <= 5)} |")
            say(f"| {name} | rebuild, one entry's title changed (its lists, the 50音 index, "
                f"the feed) | {ms(title.wall)} wall, {title.cpu:.2f} s CPU "
                f"(**{pct(title.cpu, full.cpu):.1f}%**) | | | ≤ 20%: "
                f"{verdict(pct(title.cpu, full.cpu) <= 20)} |")
            if srch:
                for row in search_rows(name, srch):
                    say(row)
        if edits:
            n, e = edits
            ok = e["failed"] == 0
            say(f"| {n:,} | random edits against clean builds (seed {e['seed']}, {e['steps']} "
                f"edits, compared every 2) | {e['passed']} checks passed, {e['failed']} failed"
                f"{': ' + '; '.join(e['fails'])[:300] if e['fails'] else ''}; incremental builds "
                f"median {e['median']:,} ms, most {e['most']:,} ms | | | every one equal: "
                f"{verdict(ok)} |")
        if "k1" in thumbs:
            count, size = thumbs.get("photos", ("?", "?"))
            vips = thumbs.get("vips")
            line = (f"| {count} photos of {size} | thumbnails (1280, 640, 320 wide) | "
                    f"{thumbs['k1'][0]} ms/photo on 1 core ({thumbs['k1'][1]} ms CPU)")
            if "k2" in thumbs:
                line += f", {thumbs['k2'][0]} ms/photo on 2"
            if vips:
                line += (f" | vipsthumbnail: {vips[0]} ms/photo ({vips[1]} ms CPU) | "
                         f"**{vips[2]:.2f}×** faster (CPU) | |")
            else:
                line += " | vipsthumbnail not installed | | |"
            say(line)
        if "serve" in rows:
            if serve:
                say(f"| example site | `kairan serve` started cold: first page answered | "
                    f"**{serve[0] * 1000:,.0f} ms** (the 準備中 page); the home page itself "
                    f"after {ms(serve[1])} | | | ≤ 500 ms: {verdict(serve[0] <= 0.5)} |")
            else:
                say("| example site | `kairan serve` started cold | did not answer | | | "
                    "≤ 500 ms: **not met** |")
        if "editor" in rows:
            say(editor_row(editor_times))
        big_path = os.path.join(ROOT, "bench", "results-100k.md")
        say("\n100,000 entries take longer than the rest together, so they have their own target: "
            "`make bench-100k` writes `bench/results-100k.md`" +
            (" (its last results follow)." if os.path.exists(big_path) else "."))
        if os.path.exists(big_path):
            with open(big_path) as f:
                say("\n" + f.read().split("\n", 1)[1].strip())
        say("\n## How to read this\n")
        say("- *full build*: no output folder and no cache, as on a fresh checkout. pages/s counts "
            "the HTML pages each generator wrote (kairan also writes month calendars, .ics files, "
            "a feed and a sitemap; the lightest Hugo site only its pages, the heavier one its "
            "RSS feeds and sitemap too).")
        say("- *the lightest Hugo site* (`bench/hugo-light`): for each entry a bare page with its "
            "title, date and body, and lists of links with titles only, paginated by 12 (home, "
            "sections, district and category terms); no partials, no image processing. *Hugo "
            "with a theme like kairan's* (`bench/hugo`): facts, table of contents, tags, related "
            "entries and the browse block on every page.")
        say("- *rebuild, nothing changed*: the same command again. kairan looks at every source's "
            "identity on disk (size, inode, modification and change times), checks every output "
            "file against its manifest and stops. *one entry's body changed*: a paragraph "
            "appended to one activity; *title changed*: its title line replaced (its reading "
            "stays, so it keeps its place in the 50音 order). kairan parses only that file, "
            "prepares only the pages that read it, re-renders those whose data changed, and "
            "stages the new version in the one before. The share is of the full build's CPU "
            "time.")
        say("- *copy floor*: `cp -r` of kairan's output folder, the least any generator writing "
            "those files could take.")
        say("- *random edits*: `tests/tools/edit_sequence.py` on the largest corpus: each step "
            "makes one random change (a body, a title, a summary, a reading, a date, a district, "
            "categories, a draft flag, a template, a partial, site.yaml, theme.yaml, the "
            "stylesheet, a new, deleted or renamed entry) and builds incrementally; every second "
            "step the output is compared, file by file and byte for byte, with a build from "
            "nothing. The seed is new on each run (`make test` runs a fixed one on the example).")
        say("- *kairan serve started cold*: a copy of the example site without any cache; the "
            "time from starting `kairan serve` to the first answer for the home page's address, "
            "and to the page itself.")
        say(EDITOR_NOTE)
        say("- *peak RSS*: the largest resident set of the process over the runs (wait4).")
        say("- *thumbnails*: build/bench/images (make bench runs it first): the same photos made "
            "into the same three widths by kairan's image module and by vipsthumbnail, one core.")
        say("- *search*: *build time*: 5 full builds with search and 5 with `search: none` in "
            "site.yaml, one after the other, so that the machine's load moves both alike; the "
            "median of the 5 differences in CPU time (all threads, user and system) against the "
            "median build without search. *index size* counts the index's files (search/k*.js) "
            "against the UTF-8 bytes of the lines they index (titles, readings, summaries, the "
            "front matter's text, district and category names, bodies with ruby readings); the "
            "texts' files (x*.js), which the page reads only for the results it shows, are "
            "those lines again with what a result shows. *bytes one query loads*: the search "
            "page opened from files in headless Chromium with each of 300 queries cut from the "
            "corpus's own lines (1 to 12 characters, in other kana, full-width, with a space, "
            "two pieces run together, backwards), each on a fresh page: the meta file and the "
            "index's parts it loaded, and besides them the texts' files of the 20 results it "
            "shows.")
        say("- Where the time goes is in `bench/profile.md`.")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        f.write(text)
    print(text)
    print(f"bench: written to {out_path}")
    rm(work)

main()
