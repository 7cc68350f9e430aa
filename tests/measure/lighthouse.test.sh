#!/bin/sh
# Lighthouse (mobile, its default: a mid-range phone on a slow 4G line, simulated) on the two
# example sites served over http on 127.0.0.1, with the read-aloud control, the manifest and the
# service worker: performance at least 95 and accessibility 100 on the home page and an event's
# page of each. Lighthouse comes from npm (installed into $BUILD/lighthouse-tools on first use)
# and runs Debian's Chromium. A score moves by a few points from run to run on a busy machine,
# so each page is measured three times and the median counts, as Lighthouse's own docs advise.
# Slow (a few minutes) and dependent on the machine's load: run by `make lighthouse` only, not by
# `make test`, `make check-slow` or CI, whose verdict must be the same on every run of a commit.
. tests/lib.sh
tools=$BUILD/lighthouse-tools
version=12.8.2
chromium=/usr/bin/chromium
[ -x "$chromium" ] || skip_suite lighthouse "Chromium is not installed"
command -v npm >/dev/null 2>&1 || skip_suite lighthouse "npm is not installed"
python=$(python_with json)
[ -n "$python" ] || skip_suite lighthouse "python3 is not installed"
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
    echo "kairan: installing Lighthouse $version from npm into $tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "lighthouse@$version" \
        >/dev/null || skip_suite lighthouse "Lighthouse could not be installed from npm"
fi

"$KAIRAN" build -s . -o "$tmp/http/watowa" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the Tsuruoka example builds" [ $? -eq 0 ]
KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s examples/otaru -o "$tmp/http/otaru" --now "$NOW" \
    --quiet --cache-dir "$tmp/cache-otaru"
check "the Otaru example builds" [ $? -eq 0 ]

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m http.server --bind 127.0.0.1 --directory "$tmp/http" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
"$python" -c 'import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)' "http://127.0.0.1:$port/watowa/"

# measure NAME PATH: three Lighthouse runs of the page; checks the medians.
measure() {
    for run in 1 2 3; do
        "$tools/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$2" --quiet \
            --chrome-path="$chromium" --chrome-flags="--headless=new --no-sandbox" \
            --only-categories=performance,accessibility --output=json \
            --output-path="$tmp/$1-$run.json" >/dev/null 2>"$tmp/$1-$run.err"
    done
    "$python" - "$tmp/$1" <<'PY' >"$tmp/$1.scores"
import json, sys
runs = []
for run in (1, 2, 3):
    try:
        r = json.load(open("%s-%d.json" % (sys.argv[1], run)))
        runs.append((round(r["categories"]["performance"]["score"] * 100),
                     round(r["categories"]["accessibility"]["score"] * 100)))
    except (OSError, ValueError, KeyError, TypeError):
        pass
perf = sorted(p for p, a in runs)
acc = sorted(a for p, a in runs)
print(len(runs), perf[len(perf) // 2] if perf else 0, acc[len(acc) // 2] if acc else 0,
      " ".join(str(p) for p, a in runs))
PY
    read -r n perf acc all <"$tmp/$1.scores"
    echo "measured: lighthouse $1: performance $perf, accessibility $acc (median of $n runs: performance $all)"
    check "$1: Lighthouse ran three times" [ "$n" -eq 3 ]
    check "$1: performance $perf (at least 95)" [ "$perf" -ge 95 ]
    check "$1: accessibility $acc (100)" [ "$acc" -eq 100 ]
}
measure tsuruoka-home watowa/
measure tsuruoka-event watowa/events/2021-kenshukai/
measure otaru-home otaru/
measure otaru-event otaru/events/2020-kyogikai-1/
finish
