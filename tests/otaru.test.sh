#!/bin/sh
# The second example magazine, examples/otaru (Otaru's first-tier coordinator, 令和2年度): it
# builds without a warning with its own theme (which extends default, found among the installed
# themes through KAIRAN_THEMES_DIR, as make does it); the theme's stylesheet and masthead are
# used and its colours reach 7:1; every fact taken from the year-end report is on the built site;
# the self-evaluation table is on the web and in the print edition, with a grade only where the
# report states one.
. tests/lib.sh
site=examples/otaru
out=$tmp/out

KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$site" -o "$out" --now "$NOW" --quiet \
    --cache-dir "$tmp/cache" 2>"$tmp/err"
check "the Otaru site builds" [ $? -eq 0 ]
check "without a warning" [ ! -s "$tmp/err" ]
cat "$tmp/err"
[ -s "$out/index.html" ] || skip_suite otaru "the site did not build"

# make builds both sites, Otaru beside public/ (a Tsuruoka build replaces public/ as a whole).
make -n --no-print-directory site BUILD="$BUILD" >"$tmp/make" 2>&1
check "make site builds Tsuruoka into public/" grep -q 'kairan build -s \. -o public$' "$tmp/make"
check "make site builds Otaru into public-otaru/ with the repository's themes installed" \
    grep -q "KAIRAN_THEMES_DIR=\"$repo\" .*kairan build -s examples/otaru -o public-otaru$" "$tmp/make"

# Without the installed themes there is no default theme to extend.
KAIRAN_THEMES_DIR=/nonexistent "$KAIRAN" build -s "$site" -o "$tmp/alone" --now "$NOW" \
    --quiet --cache-dir "$tmp/cache" 2>"$tmp/alone.err"
check "the Otaru theme really extends default (no default, no build)" [ $? -ne 0 ]
check "and the message names the missing theme" grep -q "default" "$tmp/alone.err"

# ---- the theme (its files are checked with the bundled themes' in tests/theme.test.sh) ----
theme=$site/themes/otaru
check "the self-evaluation is a table of sentences, stacked on a phone" \
    grep -q '<table class="stack"><thead><tr><th class="short">項目</th>' "$out/jiko-hyoka/index.html"
check "the browser's bar takes Otaru's navy (theme.yaml color)" \
    grep -q '<meta name="theme-color" content="#15314f">' "$out/index.html"
check "Tsuruoka's stays green" grep -q 'color: "#14452f"' themes/default/theme.yaml
cp -R "$site" "$tmp/badcolor"
sed -i 's/^color: .*/color: navy/' "$tmp/badcolor/themes/otaru/theme.yaml"
KAIRAN_THEMES_DIR=$repo "$KAIRAN" build -s "$tmp/badcolor" -o "$tmp/badcolor-out" --now "$NOW" \
    --quiet --cache-dir "$tmp/cache" 2>"$tmp/badcolor.err"
check "a colour that is not #rrggbb is refused" [ $? -ne 0 ]
check "with its line and what to write" grep -q \
    "themes/otaru/theme.yaml:[0-9]*:[0-9]*: error: 'color' should be a colour written like #14452f" \
    "$tmp/badcolor.err"
check "its masthead is its own" sh -c "! cmp -s '$theme/templates/partials/header.mustache' \
    themes/default/templates/partials/header.mustache"
check "default's masthead has no Otaru kicker" \
    sh -c "! grep -q masthead-kicker themes/default/templates/partials/header.mustache"
pages=0
plain=0
for f in $(find "$out" -name '*.html' | sort); do
    pages=$((pages + 1))
    grep -q 'class="masthead-kicker">小樽市生活支援体制整備事業</p>' "$f" &&
        grep -q 'href="/otaru/static/style\.[0-9a-f]*\.css">$' "$f" &&
        grep -A1 'static/style\.' "$f" | grep -q 'href="/otaru/static/otaru\.[0-9a-f]*\.css">' ||
        plain=$((plain + 1))
done
check "every page ($pages) has the Otaru masthead and loads otaru.css after style.css ($plain do not)" \
    [ "$pages" -gt 20 -a "$plain" -eq 0 ]
css=$(ls "$out"/static/otaru.*.css 2>/dev/null | head -n 1)
check "otaru.css is published as it is" cmp -s "$css" "$theme/static/otaru.css"
check "style.css comes from default, unchanged" \
    cmp -s "$(ls "$out"/static/style.*.css | head -n 1)" themes/default/static/style.css

# ---- the events ----
ev=$out/events
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
sessions() { sed -n '/<ul class="sessions">/,/<\/ul>/p' "$1" | grep -o '<time datetime="[^"]*">[^<]*</time>'; }
check "8/24 in 和暦" has "$ev/2020-chiiki-fukushi-gakkai/index.html" \
    '<time datetime="2020-08-24">令和2年8月24日（月）</time>'
check "8/24 was online" has "$ev/2020-chiiki-fukushi-gakkai/index.html" 'badge-online">オンライン開催<'
check "8/24's organiser" has "$ev/2020-chiiki-fukushi-gakkai/index.html" '北海道地域福祉学会'
check "8/24's title" has "$ev/2020-chiiki-fukushi-gakkai/index.html" \
    '<h1>北海道地域福祉学会「COVID-19感染対策下における地域福祉活動の展開」</h1>'
kiso=$ev/2020-sc-yosei-kiso/index.html
check "基礎編: two sessions, 8/25 and 8/26" [ "$(sessions "$kiso" | sed 's/.*">//')" = \
    "$(printf '令和2年8月25日（火）</time>\n令和2年8月26日（水）</time>')" ]
check "基礎編: the two days as one span" has "$kiso" '令和2年8月25日（火）〜8月26日（水）'
check "基礎編: in person" has "$kiso" '対面'
check "基礎編: not online" lacks "$kiso" 'badge-status'
check "12/8 in 和暦" has "$ev/2020-sc-kenkyu-kyogikai/index.html" \
    '<time datetime="2020-12-08">令和2年12月8日（火）</time>'
check "12/8's title and organiser" sh -c "grep -qF '<h1>令和2年度生活支援コーディネーター研究協議会</h1>' \
    '$ev/2020-sc-kenkyu-kyogikai/index.html' && grep -qF 全国社会福祉協議会 '$ev/2020-sc-kenkyu-kyogikai/index.html'"
check "12/8: the report gives no way of attending, so no badge" \
    lacks "$ev/2020-sc-kenkyu-kyogikai/index.html" 'badge-status'
check "12/9 in 和暦" has "$ev/2020-sc-yosei-oyo/index.html" \
    '<time datetime="2020-12-09">令和2年12月9日（水）</time>'
check "12/9 was online" has "$ev/2020-sc-yosei-oyo/index.html" 'badge-online">オンライン開催<'
check "応用編's title" has "$ev/2020-sc-yosei-oyo/index.html" '<h1>北海道生活支援コーディネーター養成研修応用編</h1>'

council=$(grep -l '^categories: \[council\]' "$site"/content/events/*.md | wc -l)
check "three council meetings (2 held in person, 1 in writing), not four ($council)" [ "$council" -eq 3 ]
written=$(grep -l '^status: written' "$site"/content/events/*.md | wc -l)
check "one of them in writing ($written)" [ "$written" -eq 1 ]
shomen=$ev/2020-kyogikai-shomen/index.html
check "書面開催: badge" has "$shomen" 'badge-written">書面開催<'
check "書面開催: no venue, said so" has "$shomen" '書面での開催のため、会場はありません。'
check "書面開催: no venues in its source" \
    sh -c "! grep -q '^venues:' '$site/content/events/2020-kyogikai-shomen.md'"
for f in 2020-kyogikai-1 2020-kyogikai-2 2020-kyogikai-shomen; do
    check "$f: its date is marked as an example" has "$ev/$f/index.html" '（例）'
    check "$f: the counts (4 planned)" has "$ev/$f/index.html" '4回'
done
check "the council category lists the three" \
    [ "$(grep -c 'class="card-title"><a href="/otaru/events/2020-kyogikai' "$out/categories/council/index.html")" -eq 3 ]

# ---- the activities and the pages ----
a=$out/activities
check "地域お役立ち手帳" has "$a/oyakudachi-techo/index.html" '<h1>地域お役立ち手帳</h1>'
check "介護予防小冊子" has "$a/kaigo-yobo-sasshi/index.html" '<h1>介護予防小冊子</h1>'
check "the survey: residents aged 50 and over" has "$a/media-chosa/index.html" '市内に住む50代以上の方'
check "the survey: its results are in the report's 別紙" has "$a/media-chosa/index.html" '別紙'
check "the leaflet and where it was handed out" sh -c "for w in チラシ 介護予防教室 クリニック 薬局 地域包括支援センター; do
    grep -qF \"\$w\" '$a/coordinator-chirashi/index.html' || exit 1; done"
for w in 道（北海道）のアドバイザー 人と交流することができない 地域懇談会 近くの町村 \
         訪問介護連絡協議会 移動支援 自立支援 第2層協議会はコロナ禍のため開かれなかった; do
    check "the year's work per item: $w" has "$out/jiko-hyoka/index.html" "$w"
done
check "contacts: example numbers, said so" has "$out/contacts/index.html" '架空'
check "every phone number is an example one (0134-00-…)" \
    sh -c "! grep -rhoE 'tel:[0-9]+' '$out' | grep -v '^tel:013400'"

# ---- the self-evaluation: web and print ----
check "the legend as the report prints it" has "$out/jiko-hyoka/index.html" \
    '「A：達成できた B：概ね達成できた C：達成できなかった」'
print=$out/print/1/1.xhtml
check "the issue's print edition exists" [ -s "$print" ]
check "the self-evaluation is in the issue's contents" \
    grep -q '^  - jiko-hyoka$' "$site/content/issues/1.md"

py=$(python_with html.parser)
cat >"$tmp/grades.py" <<'EOF'
"""The self-evaluation table of a page: seven items in the report's order, a grade only on
item エ (B, as the report says), 記載なし everywhere else, and grounds and next year's task
written for each.  grades.py FILE NAME"""
import html.parser
import sys

from checks import check, done

ITEMS = ["ア 地域のニーズと資源の状況の見える化、問題提起",
         "イ 地縁組織等多様な主体への協力依頼等の働きかけ",
         "ウ 関係者のネットワーク化",
         "エ 目指す地域の姿・方針の共有、意識の統一",
         "オ 生活支援の担い手の養成やサービスの開発",
         "（3）第1層生活支援体制整備協議会との連携・協働に関する業務",
         "（4）第2層生活支援コーディネーター及び第2層生活支援体制整備協議会との連携・協働に関する業務"]


class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


path, name = sys.argv[1], sys.argv[2]
p = Tables()
p.feed(open(path, encoding="utf-8").read())
table = [t for t in p.tables if t and t[0] == ["項目", "評価", "根拠", "次年度の課題"]]
check(name + ": one self-evaluation table (項目 / 評価 / 根拠 / 次年度の課題)", len(table) == 1,
      [t[0] for t in p.tables if t])
rows = table[0][1:] if table else []
check(name + ": its items are the report's, in order", [r[0] for r in rows] == ITEMS,
      [r[0] for r in rows])
grades = [r[1] for r in rows if len(r) == 4]
check(name + ": seven grade cells", len(grades) == 7, grades)
check(name + ": B on エ only, 記載なし on the six others",
      grades == ["記載なし"] * 3 + ["B"] + ["記載なし"] * 3, grades)
check(name + ": no A or C anywhere in the grade column", not {"A", "C"} & set(grades), grades)
check(name + ": grounds and next year's task for every item",
      all(len(r) == 4 and r[2] and r[3] for r in rows), rows)
done()
EOF
if [ -z "$py" ]; then
    skip "the self-evaluation table" "python3 is not installed"
else
    "$py" "$tmp/grades.py" "$out/jiko-hyoka/index.html" web >"$tmp/g1" 2>&1
    add_results "$tmp/g1"
    "$py" "$tmp/grades.py" "$print" print >"$tmp/g2" 2>&1
    add_results "$tmp/g2"
    # The check catches an invented grade: give item ア an A.
    sed '0,/<td[^>]*>記載なし<\/td>/s//<td>A<\/td>/' "$out/jiko-hyoka/index.html" >"$tmp/invented.html"
    "$py" "$tmp/grades.py" "$tmp/invented.html" invented >"$tmp/g3" 2>&1
    check "an invented grade fails the table check" grep -q '^FAIL invented: B on エ only' "$tmp/g3"
fi

# ---- colours: every text colour pair of the theme reaches 7:1 ----
if [ -n "$py" ]; then
    "$py" - "$theme/static/otaru.css" themes/default/static/style.css >"$tmp/contrast" 2>&1 <<'EOF'
import re
import sys

from checks import check, done

props = {}
for path in reversed(sys.argv[1:]):  # default first, the theme's values win
    root = re.search(r":root\s*{(.*?)}", open(path, encoding="utf-8").read(), re.S).group(1)
    props.update(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", root))


def luminance(hex_colour):
    def channel(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(hex_colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a, b):
    la, lb = sorted((luminance(props[a]), luminance(props[b])), reverse=True)
    return (la + 0.05) / (lb + 0.05)


pairs = [("ink", "paper"), ("ink", "tint"), ("ink-soft", "paper"), ("ink-soft", "tint"),
         ("link", "paper"), ("link", "tint"), ("link-visited", "paper"), ("on-brand", "brand"),
         ("brand", "paper"), ("lamp", "brand"), ("on-brand", "brick"),
         ("alert-line", "alert-bg"), ("ink", "focus")]
for fg, bg in pairs:
    r = ratio(fg, bg)
    check("--%s on --%s: %.1f:1, at least 7:1" % (fg, bg, r), r >= 7.0)
check("the theme changes the masthead colour", props["brand"].lower() != "#14452f", props["brand"])
done()
EOF
    add_results "$tmp/contrast"
fi

# ---- the print edition ----
check "the print edition is valid XHTML 1.1" xmllint --noout --nonet --valid "$print"
for d in '令和2年8月24日（月）' '令和2年8月25日（火）' '令和2年8月26日（水）' '令和2年12月8日（火）' \
         '令和2年12月9日（水）'; do
    check "the print timetable has $d" grep -qF "<td class=\"schedule-date\">$d</td>" "$print"
done
check "the print edition marks the meeting in writing" grep -qF '【書面開催】' "$print"
# An event's note is not printed: the example dates must be marked in what is.
for f in 2020-kyogikai-1 2020-kyogikai-2 2020-kyogikai-shomen; do
    check "$f: its date is marked as an example in print too" \
        sh -c "sed -n '/id=\"event-$f\"/,/<div class=\"facts\">/p' '$print' | grep -qF '（例）'"
done
check "the print edition's back page is the contacts page" grep -qF 'お問い合わせ' "$print"

# ---- the content against the schema, read independently of the generator ----
ypy=$(python_with yaml)
if [ -z "$ypy" ]; then
    skip "the content check" "Python's yaml is not installed: apt-get install python3-yaml"
else
    "$ypy" tests/tools/check_example_content.py "$site" >"$tmp/content" 2>&1
    check "tests/tools/check_example_content.py finds no problem in $site" [ $? -eq 0 ]
    grep -v '0 problem' "$tmp/content"
fi

# ---- links ----
/usr/bin/python3 tests/links.py "$out" /otaru/ >"$tmp/links"
check "every link of the Otaru site resolves" [ $? -eq 0 ]
grep -v passed "$tmp/links"

finish
