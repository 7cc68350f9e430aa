#!/bin/sh
# Renders every issue's print document in public/print/ to a PDF with Vivliostyle, offline,
# in Debian's Chromium with the BIZ UD fonts. Installs what is missing first (as root; otherwise
# it prints the command to run). Used by `make print-pdf`.
#
#   generator/print/print-pdf.sh OUT_DIR TOOLS_DIR [VIVLIOSTYLE FLAGS...]
#
# OUT_DIR receives SLUG.pdf for each issue; TOOLS_DIR holds the Vivliostyle CLI from npm.
set -eu
mkdir -p "$1" "$2"
out=$(cd "$1" && pwd)
tools=$(cd "$2" && pwd)
shift 2
debs="chromium fonts-morisawa-bizud-gothic fonts-morisawa-bizud-mincho poppler-utils"
vivliostyle_version=11.0.0

missing=""
for p in $debs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "kairan: print-pdf needs:$missing; run: sudo apt-get install$missing" >&2
        exit 1
    fi
    echo "kairan: installing$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ ! -x "$tools/node_modules/.bin/vivliostyle" ]; then
    echo "kairan: installing Vivliostyle CLI $vivliostyle_version from npm into $tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
        "@vivliostyle/cli@$vivliostyle_version" >/dev/null
fi

found=0
for doc in public/print/*/*.xhtml; do
    [ -f "$doc" ] || continue
    found=1
    slug=$(basename "$doc" .xhtml)
    pdf=$out/$slug.pdf
    # Vivliostyle reads the document and its pictures from the folder, never the network.
    (cd "$(dirname "$doc")" &&
        "$tools/node_modules/.bin/vivliostyle" build "$slug.xhtml" --single-doc -o "$pdf" \
            --executable-browser /usr/bin/chromium --log-level silent "$@")
    echo "kairan: $doc -> $pdf ($(pdfinfo "$pdf" | sed -n 's/^Pages: *//p') pages)"
done
if [ "$found" = 0 ]; then
    echo "kairan: no print documents in public/print/: run make first" >&2
    exit 1
fi
