#!/bin/sh
# Places residents go to: an event's venues in the search-engine data (a room with an address is
# a Place, an online meeting a VirtualLocation), a map link for every address (an ordinary link
# to a map search; nothing loads from another host), on the web page and not in print; and each
# district's contact from site.yaml, on its page and on its entries' pages that have none.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

site=$tmp/site
mkdir -p "$site/content/events" "$site/content/issues"
ln -s "$repo/themes" "$site/themes"
cat >"$site/content/site.yaml" <<'EOF'
title: 試験通信
base_url: https://example.jp/t/
districts:
  - slug: kushibiki
    name: 櫛引
    contact:
      name: 櫛引地域包括支援センター（例）
      phone: 0235-00-1200
      fax: 0235-00-1201
      email: kushibiki@example.jp
      address: 鶴岡市櫛引0-6
      hours: 平日 8:30〜17:15
      url: https://example.jp/kushibiki/
  - slug: haguro
    name: 羽黒
categories:
  - slug: salon
    name: サロン
EOF
mkdir -p "$site/content/activities"
activity() { # SLUG DISTRICT FRONT-MATTER-LINES...
    slug=$1 district=$2
    shift 2
    { echo ---; echo "title: 活動 $slug"; echo "reading: かつどう"; echo "district: $district"
      echo "categories: [salon]"; echo "date: 2026-11-01"; echo "issue: 1"
      printf '%s\n' "$@"; echo ---; echo 本文。; } >"$site/content/activities/$slug.md"
}
activity plain kushibiki
activity own kushibiki "contact:" "  name: 佐藤 光男" "  phone: 0235-00-4405"
activity far haguro
cat >"$site/content/events/mixed.md" <<'EOF'
---
title: 本会場と中継会場とオンライン
start: 2026-12-09 13:30
end: 2026-12-09 15:00
date: 2026-11-01
issue: 1
venues:
  - id: main
    name: 中央会館 大ホール
    address: 山形県鶴岡市泉町5-30
    role: main
  - id: relay
    name: 藤島庁舎 会議室（中継会場）
    address: 山形県鶴岡市藤島字笹花25
    role: remote
  - id: web
    name: オンライン（Zoom）
    url: https://example.jp/meeting/
    role: remote
  - id: later
    name: オンライン（接続先は申し込みの方に）
    role: remote
---
本文。
EOF
cat >"$site/content/events/relay.md" <<'EOF'
---
title: 中継会場だけの会議
start: 2026-12-10 13:30
date: 2026-11-01
venues:
  - id: main
    name: 中央会館
    address: 山形県鶴岡市泉町5-30
  - id: relay
    name: 温海庁舎 会議室
    address: 山形県鶴岡市温海戊577-1
    role: remote
---
本文。
EOF
cat >"$site/content/issues/1.md" <<'EOF'
---
number: 1
title: 創刊号
date: 2026-11-15
---
本文。
EOF
build() { # NAME: builds $site into $tmp/NAME
    "$KAIRAN" build -s "$site" -o "$tmp/$1" --now "$NOW" --quiet --cache-dir "$tmp/cache" \
        2>"$tmp/$1.err"
}
build default
"$KAIRAN" build -s . -o "$tmp/example" --now "$NOW" --quiet --cache-dir "$tmp/cache-example"
check "the example builds" [ $? -eq 0 ]
check "the site builds without messages" [ $? -eq 0 -a ! -s "$tmp/default.err" ]
printf 'map_search: https://www.openstreetmap.org/search?query=\n' >>"$site/content/site.yaml"
build osm
check "the site builds with another map search" [ $? -eq 0 -a ! -s "$tmp/osm.err" ]
sed -i 's|^map_search: .*|map_search: none|' "$site/content/site.yaml"
build none
check "the site builds without map links" [ $? -eq 0 -a ! -s "$tmp/none.err" ]

repo=$repo /usr/bin/python3 - "$tmp" >"$tmp/py.out" 2>&1 <<'EOF'
import html, json, os, re, sys
from urllib.parse import quote
from checks import check, done, read_text, site_files

tmp = sys.argv[1]
page = lambda build, path: read_text(os.path.join(tmp, build, path))

def jsonld(text):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text).group(1))

mixed = page("default", "events/mixed/index.html")
data = jsonld(mixed)
loc = data["location"]
check("four locations", len(loc) == 4, loc)
kinds = [l["@type"] for l in loc]
check("rooms with an address are Places, the online ones VirtualLocations",
      kinds == ["Place", "Place", "VirtualLocation", "VirtualLocation"], kinds)
check("a Place's address is a PostalAddress",
      loc[1].get("address") == {"@type": "PostalAddress", "streetAddress": "山形県鶴岡市藤島字笹花25"},
      loc[1].get("address"))
check("the main venue's too", isinstance(loc[0].get("address"), dict)
      and loc[0]["address"].get("@type") == "PostalAddress", loc[0])
check("an online meeting keeps its address", loc[2].get("url") == "https://example.jp/meeting/", loc[2])
check("in person and online: mixed attendance",
      data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode")
relay = jsonld(page("default", "events/relay/index.html"))
check("a relay room is attended in person: offline",
      relay["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode", relay)
check("both rooms are Places", [l["@type"] for l in relay["location"]] == ["Place", "Place"])

def map_links(text):
    return [(html.unescape(href), inner) for href, inner in
            re.findall(r'<a class="map-link" href="([^"]*)">(.*?)</a>', text, re.S)]

google = "https://www.google.com/maps/search/?api=1&query="
addresses = ["山形県鶴岡市泉町5-30", "山形県鶴岡市藤島字笹花25"]
links = map_links(mixed)
check("a map link for each venue with an address, and only those",
      [h for h, i in links] == [google + quote(a, safe="") for a in addresses], links)
check("the link says 地図で見る, with the venue's name for screen readers",
      links and all(inner.startswith("地図で見る") for h, inner in links)
      and re.search(r'<span class="vh">[^<]*中央会館 大ホール', links[0][1]), links)
osm = map_links(page("osm", "events/mixed/index.html"))
check("map_search: names the map site",
      [h for h, i in osm] == ["https://www.openstreetmap.org/search?query=" + quote(a, safe="")
                             for a in addresses], osm)
check("map_search: none leaves them out", map_links(page("none", "events/mixed/index.html")) == [])

# Nothing on any page loads from another host.
for f in site_files(os.path.join(tmp, "default"), (".html",)):
    text = read_text(f)
    srcs = re.findall(r'\ssrc="([^"]*)"', text)
    name = os.path.relpath(f, tmp)
    check(name + ": everything it loads is the site's own",
          all(s.startswith("/t/") for s in srcs) and "<iframe" not in text, srcs)
prints = site_files(os.path.join(tmp, "default", "print"), (".xhtml",))
check("the issue is printed", len(prints) == 1 and "中央会館 大ホール" in read_text(prints[0]), prints)
check("no map link in print", prints and "地図" not in read_text(prints[0]) and "maps" not in read_text(prints[0]))

# A district's contact: on its page, with every field, a number to tap and a map link.
district = page("default", "districts/kushibiki/index.html")
box = re.search(r'<section class="contact-box".*?</section>', district, re.S)
box = box.group(0) if box else ""
check("the district page has its contact", "櫛引の相談窓口" in box and "櫛引地域包括支援センター（例）" in box, box)
check("… a tel: link to call it", 'href="tel:0235001200"' in box, box)
check("… its fax, kept on one line", '<span class="number">0235-00-1201</span>' in box, box)
check("… e-mail, address, hours and web page",
      'href="mailto:kushibiki@example.jp"' in box and "鶴岡市櫛引0-6" in box and "平日 8:30〜17:15" in box
      and 'href="https://example.jp/kushibiki/"' in box, box)
check("… a map link for its address",
      [h for h, i in map_links(box)] == [google + quote("鶴岡市櫛引0-6", safe="")], map_links(box))
check("a district without a contact shows none",
      "contact-box" not in page("default", "districts/haguro/index.html"))
plain = page("default", "activities/plain/index.html")
check("an activity without a contact shows its district's",
      "相談窓口" in plain and "櫛引地域包括支援センター（例）" in plain and 'href="tel:0235001200"' in plain)
own = page("default", "activities/own/index.html")
check("an activity with a contact shows only its own",
      'href="tel:0235004405"' in own and "櫛引地域包括支援センター" not in own and "相談窓口" not in own)
far = page("default", "activities/far/index.html")
check("an activity in a district without a contact shows none", "問い合わせ" not in far and "相談窓口" not in far)
check("print shows an entry's own contact only",
      prints and "0235-00-4405" in read_text(prints[0]) and "0235-00-1200" not in read_text(prints[0]))

# The example: every district page shows its centre and a number to call.
found = re.findall(r"^  - slug: ([a-z-]+)\n(?:    .*\n)*?    contact:\n      name: (.*)\n      phone: (.*)\n",
                   read_text(os.path.join(os.environ["repo"], "content/site.yaml")), re.M)
check("the example's districts have contacts", len(found) >= 8, found)
for slug, name, phone in found:
    text = page("example", "districts/%s/index.html" % slug)
    check("example: districts/%s shows %s" % (slug, name),
          name in text and 'href="tel:%s"' % re.sub(r"\D", "", phone) in text)
done()
EOF
add_results "$tmp/py.out"
check "a printed web page leaves the map links out" \
    grep -q 'map-link' themes/default/static/style.css
check "… inside its print rules" \
    sh -c "sed -n '/@media print/,\$p' themes/default/static/style.css | grep -q '\\.map-link'"

# A map search that is not a web address is an error at its place in site.yaml.
sed -i 's|^map_search: .*|map_search: javascript:alert(1)|' "$site/content/site.yaml"
build bad
check "a map_search that is no web address stops the build" [ $? -eq 1 ]
line=$(grep -n '^map_search:' "$site/content/site.yaml" | cut -d: -f1)
check "… with its line and column" \
    grep -q "^$site/content/site.yaml:$line:13: error: 'map_search' should be the web address" "$tmp/bad.err"
finish
