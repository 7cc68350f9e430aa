#!/bin/sh
# The print edition as PDF, rendered by Vivliostyle as `make print-pdf` renders it (slow: about
# a minute per issue; run by `make check-slow`). For each issue of the examples (Tsuruoka's, set
# horizontally and, in a copy, vertically; Otaru's): the page count is a multiple of 4 (saddle
# stitching), the inner pages are on average at least 85% filled with at most one under half
# (tests/print/fill.py), and tests/print/check_pdf.py passes (page boxes, embedded fonts,
# pictures at 300 dpi, the contents' page numbers, running heads, page numbers, the back cover,
# a QR code per article that reads as its address).
. tests/lib.sh
tools=$BUILD/print-tools

# The QR codes are read back with zbarimg (Debian's zbar-tools), installed here when missing.
if ! command -v zbarimg >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "kairan: installing zbar-tools"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                zbar-tools >/dev/null
    else
        echo "print-pdf: the QR codes need zbarimg; run: sudo apt-get install zbar-tools"
    fi
fi

# check_issue NAME PDF XHTML [SITE_TITLE]: every check on one issue's PDF.
check_issue() {
    check "$1: Vivliostyle renders it" [ -s "$2" ]
    [ -s "$2" ] || return
    pages=$(pdfinfo "$2" | sed -n 's/^Pages: *//p')
    multiple=$(sed -n 's/.*<meta name="print-page-multiple" content="\([0-9]*\)".*/\1/p' "$3")
    check "$1: $pages pages, a multiple of $multiple" [ $((pages % multiple)) -eq 0 ]
    /usr/bin/python3 tests/print/fill.py "$2" >"$tmp/fill"
    summary=$(tail -n 1 "$tmp/fill")
    echo "measured: $1: $summary"
    mean=$(echo "$summary" | sed -n 's/.* mean \([0-9]*\)% .*/\1/p')
    under=$(echo "$summary" | sed -n 's/.* under50 \([0-9]*\)$/\1/p')
    check "$1: inner pages filled $mean% on average (at least 85%)" [ "${mean:-0}" -ge 85 ]
    check "$1: $under inner pages under half filled (at most 1)" [ "${under:-9}" -le 1 ]
    /usr/bin/python3 tests/print/check_pdf.py "$2" "$3" "${4:-和と輪つるおか}" >"$tmp/checks"
    sed "s/^FAIL /FAIL $1: /" "$tmp/checks" | grep '^FAIL'
    add_results "$tmp/checks" >/dev/null
}

# render SITE: builds the site and renders its issues into SITE/pdf as make print-pdf does,
# leaving them in the site's cache; builds again, and checks that each PDF is published beside
# its document and linked with its size from the issue's page.
render() {
    KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$1" -o "$1/out" --now "$NOW" --quiet \
        --cache-dir "$1/cache"
    check "${1##*/}: the site builds" [ $? -eq 0 ]
    PRINT_DIR="$1/out/print" PDF_STORE="$1/cache/print-pdf" \
        sh generator/print/print-pdf.sh "$1/pdf" "$tools" >"$tmp/said" 2>&1
    check "${1##*/}: make print-pdf's script renders every issue" [ $? -eq 0 ]
    grep -v '^kairan: installing' "$tmp/said"
    KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$1" -o "$1/out" --now "$NOW" --quiet \
        --cache-dir "$1/cache"
    for pdf in "$1"/pdf/*.pdf; do
        n=$(basename "$pdf" .pdf)
        check "${1##*/}: issue $n's PDF is published beside its document" \
            cmp -s "$pdf" "$1/out/print/$n/$n.pdf"
        size=$(stat -c %s "$pdf")
        shown=$(awk -v b="$size" 'BEGIN { if (b >= 1000000) printf "%.1f MB", b / 1e6;
            else printf "%d KB", int((b + 999) / 1000) }')
        check "${1##*/}: issue $n's page links it, 「PDFで読む（$shown）」" \
            grep -qF "/print/$n/$n.pdf\" type=\"application/pdf\">PDFで読む（$shown）</a>" \
            "$1/out/issues/$n/index.html"
    done
}

mkdir -p "$tmp/horizontal"
cp -R content assets themes "$tmp/horizontal/"
render "$tmp/horizontal"
for doc in "$tmp"/horizontal/out/print/*/*.xhtml; do
    n=$(basename "$doc" .xhtml)
    check_issue "issue $n" "$tmp/horizontal/pdf/$n.pdf" "$doc"
done

# The same magazine set vertically (縦書き, in four tiers on A4).
mkdir -p "$tmp/vertical"
cp -R content assets themes "$tmp/vertical/"
sed -i 's/^  writing: horizontal$/  writing: vertical/' "$tmp/vertical/content/site.yaml"
check "the vertical copy says writing: vertical" grep -q '^  writing: vertical$' \
    "$tmp/vertical/content/site.yaml"
render "$tmp/vertical"
for doc in "$tmp"/vertical/out/print/*/*.xhtml; do
    n=$(basename "$doc" .xhtml)
    check_issue "issue $n, vertical" "$tmp/vertical/pdf/$n.pdf" "$doc"
    # A chart is drawn for its tier (58.25 mm, 220.1 px) and placed at its own size: no wider
    # than the text block less 20 mm (574.4 px), so that nothing makes its 6 pt type smaller.
    check "issue $n, vertical: every chart a tier high, placed at its own size" python3 -c '
import re, sys
imgs = re.findall(r"<img src=\"img/chart-[0-9a-f]*\.svg\"[^>]* width=\"([0-9.]+)\" height=\"([0-9.]+)\"",
                  open(sys.argv[1]).read())
sys.exit(not all(h == "220.1" and float(w) <= 574.4 for w, h in imgs))' "$doc"
done
check "issue 6, vertical: both of the figures page's charts are there" \
    [ "$(grep -o 'src="img/chart-' "$tmp/vertical/out/print/6/6.xhtml" | wc -l)" -eq 2 ]

# The second example, Otaru's (its own theme, no photographs).
mkdir -p "$tmp/otaru"
cp -R examples/otaru/content examples/otaru/themes "$tmp/otaru/"
render "$tmp/otaru"
title=$(sed -n 's/^title: //p' examples/otaru/content/site.yaml)
for doc in "$tmp"/otaru/out/print/*/*.xhtml; do
    n=$(basename "$doc" .xhtml)
    check_issue "Otaru issue $n" "$tmp/otaru/pdf/$n.pdf" "$doc" "$title"
done

finish
