#!/usr/bin/python3
"""Random sequences of edits, each followed by an incremental build that must give byte for byte
what a clean build of the same sources gives.

    edit_sequence.py KAIRAN SITE WORK [--seed N] [--steps N] [--compare-every N] [--now TIME]
                     [--kinds body,title,...] [--quiet]

SITE is copied into WORK/site once; every step makes one random change to the copy (an entry's
body, title, summary, reading, date, district, categories or draft flag, a picture, a template,
a partial, site.yaml, theme.yaml, the stylesheet, a new, deleted or renamed entry, a file saved
without a change) and builds it incrementally (the same output folder and cache every time).
Every --compare-every steps, and after the last, WORK/ref is built from nothing (only finished
pictures are reused, which are kept by their content) and the two outputs must hold the same
files with the same modes and bytes. A change the build refuses (a deleted entry that an issue
lists, a renamed one that a body links to) must be refused by the clean build as well; it is
then undone. The same seed always makes the same changes, so a failure can be replayed; the
last line is "N passed, N failed" (tests/checks.py)."""
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, done, usage  # noqa: E402

KINDS = ("body", "title", "summary", "reading", "date", "district", "categories", "draft",
         "picture", "photo", "template", "partial", "site", "theme", "css", "new", "delete",
         "rename", "touch", "translation", "words")
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
WORDS = ("見守り 買い物 サロン 除雪 体操 食堂 送迎 相談 集い 散歩 野菜 季節 お茶 交流 声かけ "
         "公民館 集会所 町内会").split()


def say(args, text):
    if not args["quiet"]:
        print(text, flush=True)


# ---- the site's files ----

def entries(site, kinds=("activities", "events", "issues", "pages")):
    out = []
    for k in kinds:
        folder = os.path.join(site, "content", k)
        if os.path.isdir(folder):
            out += sorted(os.path.join(k, f) for f in os.listdir(folder) if f.endswith(".md"))
    return out


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def split(text):
    """The front matter's lines and the body of an entry's text."""
    lines = text.split("\n")
    end = lines.index("---", 1)
    return lines[1:end], "\n".join(lines[end + 1:])


def join(fm, body):
    return "---\n" + "\n".join(fm) + "\n---\n" + body


def field(fm, name):
    for i, line in enumerate(fm):
        if line.startswith(name + ":"):
            return i
    return -1


def set_field(fm, name, value):
    i = field(fm, name)
    if i >= 0:
        fm[i] = f"{name}: {value}"
    else:
        fm.append(f"{name}: {value}")


def drop_field(fm, name):
    i = field(fm, name)
    if i >= 0:
        del fm[i]
        # the lines of a nested value go with it
        while i < len(fm) and fm[i].startswith(" "):
            del fm[i]


def taxa(site, which):
    """The slugs of site.yaml's districts or categories."""
    text = read(os.path.join(site, "content", "site.yaml"))
    m = re.search(rf"^{which}:\n(.*?)(?=^\S|\Z)", text, re.M | re.S)
    return re.findall(r"^  - slug: (\S+)", m.group(1), re.M) if m else []


def photos(site):
    folder = os.path.join(site, "assets", "photos")
    if not os.path.isdir(folder):
        return []
    return sorted(f for f in os.listdir(folder) if f.endswith(".jpg"))


def templates(site, partials):
    root = os.path.join(site, "themes", "default", "templates")
    folder = os.path.join(root, "partials") if partials else root
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".mustache"))


def sentence(rng):
    return "、".join(rng.sample(WORDS, 2)) + "の" + rng.choice(WORDS) + "をしています。"


# ---- the changes: each returns what it did, or None when it cannot apply here ----

def pick(rng, site, kinds=("activities", "events", "issues", "pages")):
    found = entries(site, kinds)
    return rng.choice(found) if found else None


def change_entry(site, rel, how):
    path = os.path.join(site, "content", rel)
    fm, body = split(read(path))
    body = how(fm, body)
    write(path, join(fm, body))


def edit_body(rng, site):
    rel = pick(rng, site)
    text = "\n" + sentence(rng) + "\n"
    if rng.random() < 0.3:
        target = pick(rng, site, ("activities",))
        if target:
            here = os.path.dirname(rel)
            link = os.path.relpath(target, here) if here != os.path.dirname(target) else \
                os.path.basename(target)
            text += f"\n詳しくは[こちら]({link})へ。\n"
    if rng.random() < 0.2:
        text = f"\n## {rng.choice(WORDS)}について\n" + text
    change_entry(site, rel, lambda fm, body: body.rstrip("\n") + "\n" + text)
    return f"body of {rel}"


def edit_title(rng, site):
    rel = pick(rng, site)
    title = f"{rng.choice(WORDS)}の{rng.choice(WORDS)} {rng.randint(1, 999)}"
    if "issues/" in rel:
        title = f"第{rng.randint(1, 99)}号 特集「{rng.choice(WORDS)}」"
    change_entry(site, rel, lambda fm, body: (set_field(fm, "title", title), body)[1])
    return f"title of {rel}: {title}"


def edit_summary(rng, site):
    rel = pick(rng, site)
    if rng.random() < 0.25:
        change_entry(site, rel, lambda fm, body: (drop_field(fm, "summary"), body)[1])
        return f"summary of {rel} removed"
    text = sentence(rng)
    change_entry(site, rel, lambda fm, body: (set_field(fm, "summary", text), body)[1])
    return f"summary of {rel}: {text}"


def edit_reading(rng, site):
    rel = pick(rng, site, ("activities", "events"))
    if not rel:
        return None
    kana = "".join(rng.choice(KANA) for _ in range(rng.randint(3, 8)))
    change_entry(site, rel, lambda fm, body: (set_field(fm, "reading", kana), body)[1])
    return f"reading of {rel}: {kana}"


def edit_date(rng, site):
    rel = pick(rng, site, ("activities", "events", "issues"))
    if not rel:
        return None
    day = f"20{rng.randint(20, 27)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    path = os.path.join(site, "content", rel)
    fm, body = split(read(path))
    if field(fm, "start") >= 0:
        start = f"{day} {rng.randint(9, 14)}:{rng.choice(['00', '30'])}"
        set_field(fm, "start", start)
        if field(fm, "end") >= 0:
            set_field(fm, "end", f"{day} 16:00")
        what = f"start of {rel}: {start}"
    elif field(fm, "sessions") >= 0:
        return None
    else:
        set_field(fm, "date", day)
        what = f"date of {rel}: {day}"
    write(path, join(fm, body))
    return what


def edit_district(rng, site):
    rel = pick(rng, site, ("activities",))
    slugs = taxa(site, "districts")
    if not rel or not slugs:
        return None
    d = rng.choice(slugs)
    change_entry(site, rel, lambda fm, body: (set_field(fm, "district", d), body)[1])
    return f"district of {rel}: {d}"


def edit_categories(rng, site):
    rel = pick(rng, site, ("activities",))
    slugs = taxa(site, "categories")
    if not rel or not slugs:
        return None
    cats = rng.sample(slugs, rng.randint(1, min(3, len(slugs))))
    value = "[" + ", ".join(cats) + "]"
    change_entry(site, rel, lambda fm, body: (set_field(fm, "categories", value), body)[1])
    return f"categories of {rel}: {value}"


def edit_draft(rng, site):
    rel = pick(rng, site, ("activities", "events"))
    if not rel:
        return None
    path = os.path.join(site, "content", rel)
    fm, body = split(read(path))
    if field(fm, "draft") >= 0:
        drop_field(fm, "draft")
        what = f"{rel} published"
    else:
        set_field(fm, "draft", "true")
        what = f"{rel} made a draft"
    write(path, join(fm, body))
    return what


def edit_picture(rng, site):
    """An entry shows another photo (or none)."""
    names = photos(site)
    rel = pick(rng, site, ("activities",))
    if not names or not rel:
        return None
    if rng.random() < 0.2:
        change_entry(site, rel, lambda fm, body: (drop_field(fm, "image"), body)[1])
        return f"{rel} shows no photo"
    name = "photos/" + rng.choice(names)
    change_entry(site, rel, lambda fm, body: (set_field(fm, "image", name), body)[1])
    return f"{rel} shows {name}"


def edit_photo(rng, site):
    """A photo's file replaced by another's bytes, under the same name."""
    names = photos(site)
    if len(names) < 2:
        return None
    a, b = rng.sample(names, 2)
    folder = os.path.join(site, "assets", "photos")
    shutil.copyfile(os.path.join(folder, b), os.path.join(folder, a))
    return f"photo {a} replaced by {b}"


def edit_template(rng, site, partials):
    found = templates(site, partials)
    if not found:
        return None
    path = rng.choice(found)
    lines = read(path).split("\n")
    at = min(len(lines), 2 if not partials else len(lines) - 1)
    lines.insert(max(at, 0), f"<!-- edited {rng.randint(1, 10**6)} -->")
    write(path, "\n".join(lines))
    return f"template {os.path.relpath(path, site)}"


def edit_site(rng, site):
    path = os.path.join(site, "content", "site.yaml")
    text = read(path)
    choice = rng.randrange(3)
    if choice == 0:
        new = f"description: {sentence(rng)}"
        text = re.sub(r"^description: .*$", new, text, count=1, flags=re.M)
        what = "site.yaml description"
    elif choice == 1:
        names = re.findall(r"^    name: (.*)$", text, re.M)
        if not names:
            return None
        old = rng.choice(names)
        text = text.replace(f"    name: {old}\n", f"    name: {old}{rng.choice(WORDS)}\n", 1)
        what = f"site.yaml: the name {old}"
    else:
        per = rng.choice([6, 10, 12, 20])
        if re.search(r"^per_page: ", text, re.M):
            text = re.sub(r"^per_page: .*$", f"per_page: {per}", text, count=1, flags=re.M)
        else:
            text += f"per_page: {per}\n"
        what = f"site.yaml per_page: {per}"
    write(path, text)
    return what


def edit_theme(rng, site):
    path = os.path.join(site, "themes", "default", "theme.yaml")
    text = read(path)
    color = "#%06x" % rng.randrange(1 << 24)
    text = re.sub(r'^color: "#[0-9a-fA-F]+"', f'color: "{color}"', text, count=1, flags=re.M)
    write(path, text)
    return f"theme.yaml color {color}"


def edit_css(rng, site):
    path = os.path.join(site, "themes", "default", "static", "style.css")
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n.edited-{rng.randint(1, 10**6)} {{ color: inherit; }}\n")
    return "style.css"


def edit_new(rng, site):
    districts, cats = taxa(site, "districts"), taxa(site, "categories")
    if not districts or not cats:
        return None
    slug = f"new-{rng.randint(1, 10**6)}"
    path = os.path.join(site, "content", "activities", slug + ".md")
    if os.path.exists(path):
        return None
    kana = "".join(rng.choice(KANA) for _ in range(rng.randint(3, 8)))
    text = (f"---\ntitle: {rng.choice(WORDS)}の会 {slug}\nreading: {kana}\n"
            f"district: {rng.choice(districts)}\ncategories: [{rng.choice(cats)}]\n"
            f"summary: {sentence(rng)}\n")
    if rng.random() < 0.5:
        text += f"date: 2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
    names = photos(site)
    if names and rng.random() < 0.3:
        text += f"image: photos/{rng.choice(names)}\n"
    text += "---\n" + sentence(rng) + "\n"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write(path, text)
    return f"new activities/{slug}.md"


def edit_delete(rng, site):
    rel = pick(rng, site, ("activities", "events"))
    if not rel:
        return None
    os.remove(os.path.join(site, "content", rel))
    return f"deleted {rel}"


def edit_rename(rng, site):
    rel = pick(rng, site, ("activities", "events"))
    if not rel:
        return None
    folder, name = os.path.split(rel)
    new = os.path.join(folder, f"renamed-{rng.randint(1, 10**6)}.md")
    fm, _ = split(read(os.path.join(site, "content", rel)))
    if field(fm, "slug") >= 0:
        return None
    os.rename(os.path.join(site, "content", rel), os.path.join(site, "content", new))
    return f"renamed {rel} to {new}"


def edit_touch(rng, site):
    rel = pick(rng, site)
    os.utime(os.path.join(site, "content", rel))
    return f"touched {rel}"


def edit_translation(rng, site):
    """An English translation of an activity appears, or one goes."""
    found = [r for r in entries(site, ("activities",)) if r.endswith(".en.md")]
    if found and rng.random() < 0.4:
        rel = rng.choice(sorted(found))
        os.remove(os.path.join(site, "content", rel))
        return f"deleted the translation {rel}"
    rel = pick(rng, site, ("activities",))
    if not rel or rel.count(".") > 1:
        return None
    new = rel[:-3] + ".en.md"
    if os.path.exists(os.path.join(site, "content", new)):
        return None
    write(os.path.join(site, "content", new),
          f"---\ntitle: Translated {rng.randint(1, 10**6)}\n---\nA sentence in English.\n")
    return f"new translation {new}"


def edit_words(rng, site):
    """A word of the theme in one of the site's other languages."""
    path = os.path.join(site, "themes", "default", "i18n", "en.yaml")
    if not os.path.exists(path):
        return None
    text = read(path)
    word = f"Home {rng.randint(1, 10**6)}"
    text, n = re.subn(r"^(crumbs:\n  home: ).*$", lambda m: m.group(1) + word, text, count=1,
                      flags=re.M)
    if not n:
        return None
    write(path, text)
    return f"en.yaml crumbs.home {word}"


def apply(kind, rng, site):
    table = {
        "body": edit_body, "title": edit_title, "summary": edit_summary,
        "reading": edit_reading, "date": edit_date, "district": edit_district,
        "categories": edit_categories, "draft": edit_draft, "picture": edit_picture,
        "photo": edit_photo, "template": lambda r, s: edit_template(r, s, False),
        "partial": lambda r, s: edit_template(r, s, True), "site": edit_site,
        "theme": edit_theme, "css": edit_css, "new": edit_new, "delete": edit_delete,
        "rename": edit_rename, "touch": edit_touch, "translation": edit_translation,
        "words": edit_words,
    }
    return table[kind](rng, site)


# ---- builds and comparison ----

def snapshot(folder):
    """Every path below folder with its kind, mode and (for files) the hash of its bytes."""
    out = {}
    for d, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(d, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, folder)
            if os.path.isdir(path) and not os.path.islink(path):
                out[rel] = ("d", st.st_mode & 0o7777, None)
            else:
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                out[rel] = ("f", st.st_mode & 0o7777, digest)
    return out


def differences(a, b):
    names = sorted(set(a) | set(b))
    return [n for n in names if a.get(n) != b.get(n)]


def build(args, site, out, cache):
    t0 = time.monotonic()
    r = subprocess.run([args["kairan"], "build", "-s", site, "-o", out, "--cache-dir", cache,
                        "--now", args["now"], "--quiet"], capture_output=True, text=True)
    return r.returncode, r.stderr, time.monotonic() - t0


def clean_build(args, site, work):
    ref, cache = os.path.join(work, "ref"), os.path.join(work, "refcache")
    shutil.rmtree(ref, ignore_errors=True)
    # Only the finished pictures stay: they are kept by their content.
    if os.path.isdir(cache):
        for name in os.listdir(cache):
            if name != "img":
                path = os.path.join(cache, name)
                if os.path.isdir(path):
                    shutil.rmtree(path)
                else:
                    os.remove(path)
    return build(args, site, ref, cache) + (ref,)


def main():
    argv = sys.argv[1:]
    if len(argv) < 3:
        usage(__doc__)
    args = {"kairan": os.path.abspath(argv[0]), "seed": 1, "steps": 20, "compare-every": 1,
            "now": "2026-11-23 09:00", "kinds": ",".join(KINDS), "quiet": False}
    source, work = argv[1], os.path.abspath(argv[2])
    i = 3
    while i < len(argv):
        name = argv[i][2:]
        if name == "quiet":
            args["quiet"] = True
            i += 1
            continue
        if name not in args or i + 1 >= len(argv):
            usage(__doc__)
        args[name] = argv[i + 1]
        i += 2
    seed, steps, every = int(args["seed"]), int(args["steps"]), int(args["compare-every"])
    kinds = [k for k in args["kinds"].split(",") if k]
    if any(k not in KINDS for k in kinds):
        usage(__doc__)
    rng = random.Random(seed)
    site = os.path.join(work, "site")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    for part in ("content", "themes", "assets"):
        if os.path.isdir(os.path.join(source, part)):
            shutil.copytree(os.path.join(source, part), os.path.join(site, part), symlinks=True)
    out, cache = os.path.join(work, "out"), os.path.join(work, "cache")
    code, err, _ = build(args, site, out, cache)
    if not check("seed %d: the first build succeeds" % seed, code == 0, err[-2000:]):
        done()
    times = []
    for step in range(1, steps + 1):
        backup = os.path.join(work, "backup")
        shutil.rmtree(backup, ignore_errors=True)
        shutil.copytree(site, backup, symlinks=True)
        what = None
        while what is None:
            what = apply(rng.choice(kinds), rng, site)
        time.sleep(0.01)  # a new mtime for what changed
        code, err, took = build(args, site, out, cache)
        times.append(took)
        say(args, f"seed {seed} step {step}: {what}: {'built' if code == 0 else 'refused'} "
                  f"in {took * 1000:.0f} ms")
        name = f"seed {seed} step {step} ({what})"
        if code != 0:
            ref_code, ref_err, _, _ = clean_build(args, site, work)
            check(f"{name}: a clean build refuses it too", ref_code != 0,
                  f"the incremental build said:\n{err[-1500:]}")
            # Undone: the sources as they were before the step.
            shutil.rmtree(site)
            shutil.move(backup, site)
            time.sleep(0.01)
            code, err, _ = build(args, site, out, cache)
            if not check(f"{name}: undone, it builds again", code == 0, err[-1500:]):
                break
        if step % every and step != steps:
            continue
        ref_code, ref_err, _, ref = clean_build(args, site, work)
        if not check(f"{name}: the clean build succeeds", ref_code == 0, ref_err[-1500:]):
            break
        diff = differences(snapshot(out), snapshot(ref))
        if not check(f"{name}: the incremental build is the clean build", not diff,
                     "; differing: " + ", ".join(diff[:10])):
            break
    shutil.rmtree(os.path.join(work, "backup"), ignore_errors=True)
    if times:
        times.sort()
        say(args, f"seed {seed}: {len(times)} incremental builds, median "
                  f"{times[len(times) // 2] * 1000:.0f} ms, most {times[-1] * 1000:.0f} ms")
    done()


main()
