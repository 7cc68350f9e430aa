#!/bin/sh
# Site search (検索): the files the build makes (every part the meta file names and nothing else,
# texts that parse whatever characters they hold, an index no larger than its text, no search at
# all with search: none), what a rebuild after one entry changed writes again, and, in headless
# Chromium, the page's fold against kairan's on every character, results exactly those of a scan
# of every line on the example (read whole and indexed) and on a generated site, and the page as
# residents use it (tests/tools/search_check.py). Without Chromium the browser parts say so.
. tests/lib.sh

python=$(python_with)
[ -n "$python" ] || skip_suite search "python3 is not installed"
browser=""
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && browser=$b && break
done

build() { # SITE OUT [--portable]
    site=$1 out=$2
    shift 2
    "$KAIRAN" build -s "$site" -o "$out" --cache-dir "$site.cache" --now "$NOW" --quiet "$@"
}

# The example, as it is (small: its texts are read whole), and told to make an index.
ex=$tmp/ex
mkdir -p "$ex"
cp -R content assets "$ex/"
ln -s "$repo/themes" "$ex/themes"
build "$ex" "$tmp/ex-web" 2>"$tmp/err"
check "the example builds without a message" [ $? -eq 0 ] && [ ! -s "$tmp/err" ]
build "$ex" "$tmp/ex-files" --portable
cp -R "$ex" "$tmp/exi"
printf 'search: index\n' >>"$tmp/exi/content/site.yaml"
build "$tmp/exi" "$tmp/exi-files" --portable
# A generated site, big enough for an index and for many results.
"$python" bench/corpus.py 300 "$tmp/corpus" >/dev/null
build "$tmp/corpus" "$tmp/corpus-files" --portable
check "the generated site builds" [ -f "$tmp/corpus-files/search/index.html" ]
# A site of few characters and a long phrase said again and again: most keys are common (more
# than 8,192 places), tries grow to the longest key (16), and rare keys are continued.
few=$tmp/few
mkdir -p "$few/content/pages"
ln -s "$repo/themes" "$few/themes"
printf '%s\n' "title: 試験" "base_url: https://example.jp/t/" "search: index" \
    >"$few/content/site.yaml"
"$python" - "$few/content/pages" <<'PY'
import random
import sys

rng = random.Random(7)
words = ["あい", "うえお", "かきく", "アイウ", "えお", "く", "ｶｷ", "あ"]
phrase = "さしすせそたちつてとなにぬねのはひ"
rare = "川山田林森町村駅橋港"
for i in range(300):
    lines = []
    for _ in range(25):
        parts = [rng.choice(words) for _ in range(rng.randint(3, 12))]
        for _ in range(2):
            parts.insert(rng.randint(0, len(parts)), phrase[:rng.randint(12, len(phrase))])
        if rng.random() < 0.3:
            parts.insert(rng.randint(0, len(parts)), rng.choice(rare))
        lines.append("".join(parts))
    with open("%s/p%03d.md" % (sys.argv[1], i), "w", encoding="utf-8") as f:
        f.write("---\ntitle: %s %d\nreading: %s\n---\n%s\n" % (
            rng.choice(words) + rng.choice(words), i, rng.choice(words), "\n\n".join(lines)))
PY
build "$few" "$tmp/few-files" --portable
check "the site of few characters builds" [ -f "$tmp/few-files/search/index.html" ]
# A bigger generated site, where strings such as しています have thousands of entries.
"$python" bench/corpus.py 2000 "$tmp/corpus2k" >/dev/null
build "$tmp/corpus2k" "$tmp/corpus2k-files" --portable

"$python" - "$tmp" <<'PY' >"$tmp/files.out" 2>&1
import json
import os
import re
import sys

from checks import check, done, read_text, site_files

tmp = sys.argv[1]


def meta_of(public):
    page = read_text(os.path.join(public, "search", "index.html"))
    m = re.search(r'<script src="[^"]*(search/meta\.[0-9a-f]{8}\.js)" defer>', page)
    if not m:
        return None, None
    text = read_text(os.path.join(public, m.group(1)))
    return m.group(1), json.loads(text[len("kairanSearch.meta("):text.rindex(")")])


for name in ("ex-web", "ex-files", "exi-files", "corpus-files", "few-files"):
    public = os.path.join(tmp, name)
    path, meta = meta_of(public)
    if not check("%s: the search page names its meta file" % name, meta is not None):
        continue
    named = {path}
    for sh, index in enumerate(meta.get("k", [])):
        named |= {"search/k%d-%d.%s.js" % (sh, b, index["h"][8 * b:8 * b + 8])
                  for b in range(index["n"])}
    named |= {"search/x%d.%s.js" % (p, meta["x"]["h"][8 * p:8 * p + 8])
              for p in range(len(meta["x"]["h"]) // 8)}
    there = {os.path.relpath(f, public) for f in site_files(os.path.join(public, "search"))}
    check("%s: the search folder holds the page and the files meta names, no other" % name,
          there == named | {"search/index.html"}, sorted(there ^ (named | {"search/index.html"})))
    bad = []
    for f in sorted(named):
        text = read_text(os.path.join(public, f))
        m = re.fullmatch(r'kairanSearch\.(meta|part|texts)\((.*)\);\n', text, re.S)
        if not m:
            bad.append(f)
    check("%s: every file registers its data with kairanSearch" % name, not bad, bad)
    check("%s: a document for every entry (%d)" % (name, meta["n"]), meta["n"] > 20)
    if name in ("ex-web", "ex-files"):
        check("%s: a small site's texts are read whole, no index" % name,
              meta.get("scan") is True and "k" not in meta)
    else:
        check("%s: an index, in one shard" % name, len(meta.get("k", [])) == 1 and
              not meta.get("scan"))
    # The texts' own size against the index's: the index no larger than what it indexes.
    if name == "corpus-files":
        text_bytes = 0
        for p in range(len(meta["x"]["h"]) // 8):
            t = read_text(os.path.join(public, "search/x%d.%s.js" % (p, meta["x"]["h"][8 * p:8 * p + 8])))
            for d in json.loads(t[t.index(",") + 1:t.rindex(")")]):
                text_bytes += sum(len(l.encode()) for l in d[7])
        index_bytes = sum(os.path.getsize(os.path.join(public, f)) for f in named
                          if os.path.basename(f)[0] in "kt")
        check("the index (%d bytes) is no larger than the text it indexes (%d)" % (
            index_bytes, text_bytes), index_bytes <= text_bytes)

# Every page has the header's box, hidden until JavaScript shows it.
public = os.path.join(tmp, "ex-web")
def has_box(f):
    """The box in the page's language: the Japanese name on the site's own pages."""
    rel = os.path.relpath(f, public)
    if rel.split("/")[0] in ("easy", "en", "vi"):
        return re.search(r'role="search" aria-label="[^"]+" data-search-box hidden>', read_text(f))
    return 'role="search" aria-label="サイト内検索" data-search-box hidden>' in read_text(f)
boxes = [f for f in site_files(public, (".html",)) if not has_box(f) and "/print/" not in f]
check("every page has the search box, hidden without JavaScript", not boxes, boxes[:5])
page = read_text(os.path.join(public, "search", "index.html"))
check("the search page's form waits for JavaScript, its links to the lists do not",
      "data-search-form hidden>" in page and '<div class="search-nojs" data-search-nojs>' in page)
done()
PY
add_results "$tmp/files.out"

# Texts that need escaping, and search: none.
odd=$tmp/odd
mkdir -p "$odd/content/pages"
ln -s "$repo/themes" "$odd/themes"
printf '%s\n' "title: 試験" "base_url: https://example.jp/t/" "search: none" \
    >"$odd/content/site.yaml"
printf '%s\n' --- 'title: 引用符"と\\と</script>と 改行' "reading: しけん" --- \
    "本文に「\"」と「\\」と U+2028 $(printf '\342\200\250') の行。" >"$odd/content/pages/odd.md"
build "$odd" "$tmp/odd-none" 2>"$tmp/err"
check "search: none builds" [ $? -eq 0 ] && [ ! -s "$tmp/err" ]
check "... with no search page" [ ! -e "$tmp/odd-none/search" ]
check "... and no search box" sh -c "! grep -rq --include='*.html' 'data-search-box' '$tmp/odd-none'"
sed -i 's/^search: none$/search: index/' "$odd/content/site.yaml"
build "$odd" "$tmp/odd-files" --portable
"$python" - "$tmp/odd-files" <<'PY' >"$tmp/odd.out" 2>&1
import glob
import json
import sys

from checks import check, done, read_text

texts = glob.glob(sys.argv[1] + "/search/x0.*.js")
text = read_text(texts[0]) if texts else ""
check("a text part with quotes, backslashes and U+2028 is one line of JavaScript",
      text.count("\n") == 1 and "\u2028" not in text, text)
doc = json.loads(text[text.index(",") + 1:text.rindex(")")])[0]
check("... whose JSON holds the text as the page shows it",
      doc[1] == '引用符"と\\とと 改行' and any('「\"」と「\\」' in l and "\u2028" in l
                                        for l in doc[7]), doc)
done()
PY
add_results "$tmp/odd.out"

# A rebuild after one entry changed writes again only the files whose bytes changed: its text
# part, the meta file, and the parts of the index that hold the keys of its new line.
site=$tmp/corpus
build "$site" "$tmp/inc"
ls -i "$tmp/inc/search" | sort -k2 >"$tmp/before"
added=追記した段落です。雪囲いの準備について。
printf '\n%s\n' "$added" >>"$site/content/activities/act-00007.md"
build "$site" "$tmp/inc"
ls -i "$tmp/inc/search" | sort -k2 >"$tmp/after"
"$python" - "$tmp/before" "$tmp/after" "$added" "$tmp/inc/search" <<'PY' >"$tmp/inc.out" 2>&1
import glob
import json
import sys

from checks import check, done, read_text


def files(path):
    out = {}
    for line in open(path):
        ino, name = line.split()
        out[name] = ino
    return out


def bucket(key, n):
    h = 0x811C9DC5
    for byte in key.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h & (n - 1)


before, after = files(sys.argv[1]), files(sys.argv[2])
added, folder = sys.argv[3], sys.argv[4]
text = read_text(glob.glob(folder + "/meta.*.js")[0])
parts = json.loads(text[len("kairanSearch.meta("):text.rindex(")")])["k"][0]["n"]
# An entry is in the part of its own string, or of a shorter one within it (up to 16
# characters); ASCII here folds as it is.
keys = {added[i:i + n] for n in range(1, 17) for i in range(len(added) - n + 1)}
may = {"k0-%d" % bucket(k, parts) for k in keys}
new = [n for n in after if n not in before]
new_parts = {n.split(".")[0] for n in new if n[0] in "kt"}
check("a rebuild writes again only the index parts with keys of the new line (%d of %d)" % (
    len(new_parts), parts), new_parts and new_parts <= may, sorted(new_parts - may))
check("... the changed entry's texts, one part", len([n for n in new if n[0] == "x"]) == 1, new)
check("... and the meta file", len([n for n in new if n.startswith("meta.")]) == 1, new)
kept = [n for n in after if n != "index.html" and n not in new]
check("... every other file is kept as it was (%d)" % len(kept),
      all(before[n] == after[n] for n in kept))
done()
PY
add_results "$tmp/inc.out"

if [ -z "$browser" ]; then
    skip "search in a browser" "Chromium is not installed"
    finish
fi
"$python" tests/tools/search_check.py fold "$browser" "$BUILD/tests/test_fold" \
    "$repo/themes/default/static/search.js" "$tmp/fold" >"$tmp/fold.out" 2>&1
add_results "$tmp/fold.out"
for run in "ex-files 300 1" "exi-files 1500 2" "corpus-files 800 3" "few-files 800 4 40"; do
    set -- $run
    "$python" tests/tools/search_check.py exact "$browser" "$tmp/$1" "$2" "$3" $4 \
        >"$tmp/exact.out" 2>&1
    add_results "$tmp/exact.out"
done
# Queries of common strings: the exact count, and no more of the index than 300 KB (a
# 10,000-entry site is allowed that; this one has 2,000).
"$python" tests/tools/search_check.py common "$browser" "$tmp/corpus2k-files" 300000 \
    しています をしています。 います。 ています。地域 ボランティア コーディネーター について \
    生活支援コーディネーター しています。集会所 集いをしています 地域の見守り \
    >"$tmp/common.out" 2>&1
add_results "$tmp/common.out"
mkdir -p "$tmp/http"
cp -R "$tmp/ex-web" "$tmp/http/watowa"
"$python" tests/tools/search_check.py page "$browser" "$tmp/ex-files" "$tmp/http" /watowa/ \
    "$tmp/corpus-files" >"$tmp/page.out" 2>&1
add_results "$tmp/page.out"
finish
