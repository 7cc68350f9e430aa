#!/bin/sh
# Checks the bundled themes as files: the templates every site needs exist and extend the
# layout, Mustache tags are balanced, nothing is fetched from another host, the reading sizes
# promised to residents hold, and the large theme only overrides what default has. The themes
# of the example sites under examples/ (examples/otaru/themes/otaru) are held to the same rules.
# Rendering itself is covered by the golden-site tests once templates meet the engine.
. tests/lib.sh

d=themes/default
l=themes/large
# every theme folder: the bundled ones and those of the example sites
all_themes="themes $(ls -d examples/*/themes 2>/dev/null | tr '\n' ' ')"

for t in layout home activity event issue page list 404 \
         partials/head partials/styles partials/header partials/switches partials/breadcrumbs \
         partials/browse partials/footer partials/card partials/facts partials/factbox \
         partials/figure partials/date partials/toc partials/updated partials/tags \
         partials/pagination partials/speech partials/issue-notice offline; do
    check "$d/templates/$t.mustache is missing" test -s "$d/templates/$t.mustache"
done
for f in style.css site.js speech.js worker.js favicon.svg icon.png; do
    check "$d/static/$f is missing" test -s "$d/static/$f"
done
check "the theme has the print edition's stylesheet" test -s "$d/static/print.css"

# every page template is a child of the layout
for t in home activity event issue page list 404; do
    first=$(head -n 1 "$d/templates/$t.mustache")
    check "$t.mustache does not start with {{<layout}}" test "$first" = "{{<layout}}"
done

# sections, inverted sections, parents and blocks close in order, with the same name
balance() {
    python3 - "$1" <<'EOF'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
stack = []
for m in re.finditer(r"\{\{([#^/<$])\s*([^}]*?)\s*\}\}", src):
    line = src.count("\n", 0, m.start()) + 1
    kind, name = m.group(1), m.group(2)
    if kind != "/":
        stack.append((name, line))
    elif not stack or stack[-1][0] != name:
        print(f"{sys.argv[1]}:{line}: {{{{/{name}}}}} closes "
              + (f"{{{{{stack[-1][0]}}}}} from line {stack[-1][1]}" if stack else "nothing"))
        sys.exit(1)
    else:
        stack.pop()
if stack:
    print(f"{sys.argv[1]}:{stack[-1][1]}: {{{{{stack[-1][0]}}}}} is never closed")
    sys.exit(1)
EOF
}
for f in $(find $all_themes -name '*.mustache' | sort); do
    check "$f: unbalanced tags" balance "$f"
done

# only *_html fields, content and the JSON-LD may be written unescaped
for f in $(find $all_themes -name '*.mustache' | sort); do
    raw=$(grep -o '{{{[^}]*}}}' "$f" | grep -v -E '^\{\{\{([a-z_.]*_html|content|page\.jsonld)\}\}\}$')
    check "$f writes untrusted text unescaped: $raw" test -z "$raw"
done

# no external requests: no absolute or protocol-relative URLs in markup, styles or script. The
# scripts fetch only addresses of the site itself: site.js the latest.json its page names
# (data-latest), worker.js the site's own pages (from its scope) and requests it was handed.
ext=$(grep -n -E '(src|href|action|content)="(https?:)?//|url\((["'\'']?)(https?:)?//|@import|fetch\(|XMLHttpRequest' \
      -r $all_themes | grep -v -E 'xmlns="http://www.w3.org/2000/svg"' |
      grep -v -E '^themes/default/static/site\.js:[0-9]+: *fetch\(latest, \{ cache: "no-cache" \}\)|^themes/default/static/worker\.js:[0-9]+: *return fetch\((url, \{ cache: "no-cache" \}|ev\.request)\)')
check "external request in a theme: $ext" test -z "$ext"
check "no web address written into a theme's script" \
    test -z "$(grep -n -E "[\"'](https?:)?//" $d/static/*.js)"
check "a template links a static file without {{root}}" \
    test -z "$(grep -n -E '"\{\{static\.' -r $all_themes)"

# every {{static.x}} a template names exists in the theme (or the theme it extends)
for theme in $d $l $(ls -d examples/*/themes/* 2>/dev/null); do
    for key in $(grep -h -o '{{static\.[a-z0-9_]*}}' -r $theme/templates | sort -u |
                 sed 's/{{static\.\(.*\)}}/\1/'); do
        found=
        for dir in $theme/static $d/static; do
            for f in "$dir"/*; do
                [ "$(basename "$f" | tr './' '__')" = "$key" ] && found=1
            done
        done
        check "$theme names static.$key but has no such file" test -n "$found"
    done
done

# reading sizes: body text 18px or more, line height 1.7 or more, 44px tap targets
size=$(sed -n 's/^ *--size: *\([0-9.]*\)%;.*/\1/p' $d/static/style.css | head -n 1)
lead=$(sed -n 's/^ *--leading: *\([0-9.]*\);.*/\1/p' $d/static/style.css | head -n 1)
tap=$(sed -n 's/^ *--tap: *\([0-9.]*\)rem;.*/\1/p' $d/static/style.css | head -n 1)
check "base size $size% is under 112.5% (18px)" awk -v v="$size" 'BEGIN { exit !(v >= 112.5) }'
check "line height $lead is under 1.7" awk -v v="$lead" 'BEGIN { exit !(v >= 1.7) }'
check "tap target ${tap}rem is under 44px" awk -v v="$tap" 'BEGIN { exit !(v * 16 >= 44) }'
for sel in 'html\[data-size="large"\]' 'html\[data-size="xlarge"\]' 'html\[data-ruby="off"\] rt' \
           ':focus-visible' 'line-break: strict' 'BIZ UDPGothic' '@media print'; do
    check "style.css lacks $sel" grep -q "$sel" $d/static/style.css
done

# the page script (switches, the read-aloud mark, the worker's registration, the new-issue
# notice): small, no dependencies; the switches, the 読み上げ row and the notice start hidden
# for no-JS readers
lines=$(wc -l < $d/static/site.js)
check "site.js has $lines lines (at most 90)" test "$lines" -le 90
for f in site.js speech.js worker.js; do
    check "$f must not import anything" test -z "$(grep -n -E '\bimport\b|require\(|importScripts' $d/static/$f)"
done
check "the switches must start hidden" grep -q 'data-switches hidden' $d/templates/partials/switches.mustache
check "the 読み上げ row must start hidden" grep -q 'data-speech hidden' $d/templates/partials/speech.mustache
check "the new-issue notice must start hidden" grep -q 'data-issue-notice hidden' $d/templates/partials/issue-notice.mustache

# the app icon is a square PNG of 192 or 512 pixels
sig=$(od -A n -t x1 -N 8 $d/static/icon.png | tr -d ' \n')
check "icon.png is not a PNG" test "$sig" = "89504e470d0a1a0a"
w=$(od -A n -t u1 -j 16 -N 4 $d/static/icon.png | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 }')
h=$(od -A n -t u1 -j 20 -N 4 $d/static/icon.png | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 }')
check "icon.png is ${w}x${h}, expected 192x192 or 512x512" \
    test "$w" = "$h" -a \( "$w" = 192 -o "$w" = 512 \)

# the large theme extends default and only replaces files default has (plus its own stylesheet)
check "$l/theme.yaml does not extend default" grep -q '^extends: default$' $l/theme.yaml
for f in $(cd $l && find templates -type f | sort); do
    check "$l/$f overrides nothing in default" test -e "$d/$f"
done
check "$l lacks static/large.css" test -s $l/static/large.css
check "$l must not copy default's style.css" test ! -e $l/static/style.css
check "$l does not load large.css" grep -q 'static.large_css' $l/templates/partials/styles.mustache

# the Otaru example's theme, the same way: its own stylesheet and masthead, nothing else
o=examples/otaru/themes/otaru
check "$o/theme.yaml does not extend default" grep -q '^extends: default$' $o/theme.yaml
for f in $(cd $o && find templates -type f | sort); do
    check "$o/$f overrides nothing in default" test -e "$d/$f"
done
check "$o lacks static/otaru.css" test -s $o/static/otaru.css
check "$o must not copy default's style.css" test ! -e $o/static/style.css
check "$o does not load otaru.css" grep -q 'static.otaru_css' $o/templates/partials/styles.mustache

finish
