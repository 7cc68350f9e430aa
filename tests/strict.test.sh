#!/bin/sh
# --strict and the shipped files: the example site, the golden site and the large theme build
# with --strict and say nothing, because the names kairan's data gives only to some pages are
# declared optional; a misspelt name in a site's own template is still reported, and a theme
# can declare names of its own (theme.yaml, optional:).
. tests/lib.sh

strict() { # NAME SOURCE [more options]: builds SOURCE with --strict; output in $tmp/NAME.err
    name=$1
    src=$2
    shift 2
    "$KAIRAN" build -s "$src" -o "$tmp/out-$name" --cache-dir "$tmp/cache" --now "$NOW" --quiet \
        --strict "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

strict example .
check "the example site builds with --strict" [ $? -eq 0 ]
check "  with nothing to say" [ ! -s "$tmp/example.err" ]
cat "$tmp/example.err"
if [ -d examples/otaru ]; then
    KAIRAN_THEMES_DIR=$repo strict otaru examples/otaru
    check "examples/otaru builds with --strict" [ $? -eq 0 ]
    check "  with nothing to say" [ ! -s "$tmp/otaru.err" ]
    cat "$tmp/otaru.err"
fi
strict golden tests/golden/site
check "the golden site builds with --strict" [ $? -eq 0 ]
check "  with nothing to say" [ ! -s "$tmp/golden.err" ]
cat "$tmp/golden.err"

# The example with the large theme.
mkdir "$tmp/large"
cp -R content assets "$tmp/large/"
sed -i 's/^theme: .*/theme: large/' "$tmp/large/content/site.yaml"
grep -q '^theme: large' "$tmp/large/content/site.yaml" ||
    printf 'theme: large\n' >>"$tmp/large/content/site.yaml"
KAIRAN_THEMES_DIR=$repo strict large "$tmp/large"
check "the large theme builds the example with --strict" [ $? -eq 0 ]
check "  with nothing to say" [ ! -s "$tmp/large.err" ]
cat "$tmp/large.err"

# A site's own copy of a template, with a misspelt name, a misspelt part under a name only some
# events have (status, here one cancelled event) and an optional name kairan knows (contact.fax).
mkdir -p "$tmp/own/themes/default/templates"
cp -R content assets "$tmp/own/"
sed -i 's/^title: /status: cancelled\n&/' "$tmp/own/content/events/2027-kenshukai.md"
sed '7s|{{{title_html}}}|&{{titel}}{{#status.canceled}}!{{/status.canceled}}{{#contact.fax}}{{contact.fax}}{{/contact.fax}}|' \
    themes/default/templates/event.mustache >"$tmp/own/themes/default/templates/event.mustache"
grep -q 'titel' "$tmp/own/themes/default/templates/event.mustache" ||
    fail "the test's template has no misspelt name"
KAIRAN_THEMES_DIR=$repo strict own "$tmp/own"
check "a misspelt name in a site's own template fails --strict" [ $? -eq 1 ]
check "  naming the file, the place and the name" grep -q \
    "^$tmp/own/themes/default/templates/event.mustache:7:[0-9]*: error: '{{titel}}' never has a value on any page (is the name spelled right?)$" \
    "$tmp/own.err"
check "  and a misspelt part under an optional name that some page has" \
    grep -qF "'{{#status.canceled}}' never has a value" "$tmp/own.err"
check "  but not an optional name no page has (contact.fax)" \
    sh -c "! grep -q 'fax' '$tmp/own.err'"
check "  and nothing else" [ "$(wc -l <"$tmp/own.err")" -eq 2 ]

# A theme's own optional names: a child theme that shows a front matter field of its own.
mkdir -p "$tmp/child/themes/bus/templates/partials"
cp -R content assets "$tmp/child/"
sed -i 's/^theme: .*/theme: bus/' "$tmp/child/content/site.yaml"
printf 'name: bus\nextends: default\n' >"$tmp/child/themes/bus/theme.yaml"
sed 's|{{#contact}}|{{#params.bus_stop}}<p>{{params.bus_stop}}</p>{{/params.bus_stop}}&|' \
    themes/default/templates/partials/facts.mustache \
    >"$tmp/child/themes/bus/templates/partials/facts.mustache"
grep -q 'bus_stop' "$tmp/child/themes/bus/templates/partials/facts.mustache" ||
    fail "the test's partial does not use bus_stop"
KAIRAN_THEMES_DIR=$repo strict child "$tmp/child"
check "a theme's own field that no entry has yet fails --strict" [ $? -eq 1 ]
check "  naming it" grep -qF "'{{#params.bus_stop}}' never has a value on any page" \
    "$tmp/child.err"
printf 'optional: [params.bus_stop]\n' >>"$tmp/child/themes/bus/theme.yaml"
KAIRAN_THEMES_DIR=$repo strict child2 "$tmp/child"
check "declared in theme.yaml (optional:), it passes" [ $? -eq 0 ]
check "  with nothing to say" [ ! -s "$tmp/child2.err" ]
cat "$tmp/child2.err"
printf 'optional: ["{{bus}}", "a..b"]\n' >"$tmp/child/themes/bus/theme.yaml"
printf 'name: bus\nextends: default\n' >>"$tmp/child/themes/bus/theme.yaml"
KAIRAN_THEMES_DIR=$repo strict child3 "$tmp/child"
check "a name that cannot be a template name is an error in theme.yaml" [ $? -eq 1 ]
check "  at its place, saying how names are written" grep -qF \
    "$tmp/child/themes/bus/theme.yaml:1:12: error: '{{bus}}' is not a name as templates write it (like status or contact.url)" \
    "$tmp/child3.err"
check "  (each of them)" grep -qF "$tmp/child/themes/bus/theme.yaml:1:23: error: 'a..b' is not a name" \
    "$tmp/child3.err"

finish
