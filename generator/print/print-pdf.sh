#!/bin/sh
# Renders every issue's print document to a PDF with Vivliostyle, offline, in Debian's Chromium
# with the BIZ UD fonts, with as many pages as its binding needs. Installs what is missing first
# (as root; otherwise it prints the command to run). Used by `make print-pdf`.
#
#   generator/print/print-pdf.sh OUT_DIR TOOLS_DIR [VIVLIOSTYLE FLAGS...]
#
# OUT_DIR receives SLUG.pdf for each issue; TOOLS_DIR holds the Vivliostyle CLI from npm. The
# documents are read from PRINT_DIR (default public/print), one folder per issue. With
# PDF_STORE set (make print-pdf sets the site's cache, .cache/kairan/print-pdf), each PDF is
# also left there with the document it was made from: the next build publishes it beside the
# document and links it from the issue's page, for as long as the document stays the same.
#
# Binding: only the typesetter knows how many pages a document makes, and a saddle-stitched
# booklet needs a multiple of 4 (a perfect-bound book or a leaflet, of 2); the document says
# which in <meta name="print-page-multiple">. So each document is rendered, its pages counted,
# and, when pages are missing, rendered again with that many blank pages before the back cover.
# The document holds those pages hidden (#extra-page-1, #extra-page-2, ...); the parameter that
# shows the first N is the CSS "#extra-page-1, ..., #extra-page-N { display: block; }", which
# this script passes with Vivliostyle's --css.
#
# Before adding pages, it tries what a typesetter tries first: the same issue with a little
# less space between lines (the stylesheet's --print-leading, 1.7 lines, set to 1.6). When that
# takes fewer pages, it is the one kept (and padded): fewer pages, none of them left nearly
# empty at the end of the articles.
set -eu
mkdir -p "$1" "$2"
out=$(cd "$1" && pwd)
tools=$(cd "$2" && pwd)
shift 2
print_dir=${PRINT_DIR:-public/print}
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

# extra_pages_css N: the CSS that shows the document's first N blank pages.
extra_pages_css() {
    i=1
    sel=""
    while [ "$i" -le "$1" ]; do
        sel="$sel${sel:+, }#extra-page-$i"
        i=$((i + 1))
    done
    echo "$sel { display: block; }"
}

# render DOC PDF [FLAGS...]: the document (read from its folder, never the network) as PDF.
render() {
    r_doc=$1
    r_pdf=$2
    shift 2
    (cd "$(dirname "$r_doc")" &&
        "$tools/node_modules/.bin/vivliostyle" build "$(basename "$r_doc")" --single-doc \
            -o "$r_pdf" --executable-browser /usr/bin/chromium --log-level silent "$@")
}

pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }

# The leading a page is saved with, when one can be.
tight_css=":root { --print-leading: 1.6; }"

found=0
for doc in "$print_dir"/*/*.xhtml; do
    [ -f "$doc" ] || continue
    found=1
    slug=$(basename "$doc" .xhtml)
    pdf=$out/$slug.pdf
    tight_pdf=$out/$slug.tight.pdf
    multiple=$(sed -n 's/.*<meta name="print-page-multiple" content="\([0-9]*\)".*/\1/p' "$doc")
    render "$doc" "$pdf" "$@"
    n=$(pages "$pdf")
    extra=0
    css=""
    if [ -n "$multiple" ] && [ $((n % multiple)) != 0 ]; then
        render "$doc" "$tight_pdf" "$@" --css "$tight_css"
        if [ "$(pages "$tight_pdf")" -lt "$n" ]; then
            mv "$tight_pdf" "$pdf"
            n=$(pages "$pdf")
            css=$tight_css
        fi
        rm -f "$tight_pdf"
    fi
    # Pages are added until the count is right: a typesetter may lay a blank page where the
    # articles ended (seen in vertical text), so the count is checked after each render.
    while [ -n "$multiple" ] && [ $((n % multiple)) != 0 ] && [ "$extra" -lt $((multiple - 1)) ]; do
        extra=$((extra + multiple - n % multiple))
        [ "$extra" -le $((multiple - 1)) ] || extra=$((multiple - 1))
        render "$doc" "$pdf" "$@" --css "$css $(extra_pages_css "$extra")"
        n=$(pages "$pdf")
    done
    if [ -n "$multiple" ] && [ $((n % multiple)) != 0 ]; then
        echo "kairan: $doc: $n pages with $extra blank pages added, not a multiple of $multiple" >&2
        exit 1
    fi
    echo "kairan: $doc -> $pdf ($n pages${multiple:+, $extra of them blank before the back cover}${css:+, lines closer})"
    if [ -n "${PDF_STORE:-}" ]; then
        mkdir -p "$PDF_STORE"
        cp "$pdf" "$PDF_STORE/$slug.pdf.tmp" && mv "$PDF_STORE/$slug.pdf.tmp" "$PDF_STORE/$slug.pdf"
        cp "$doc" "$PDF_STORE/$slug.xhtml"
    fi
done
if [ "$found" = 0 ]; then
    echo "kairan: no print documents in $print_dir/: run make first" >&2
    exit 1
fi
