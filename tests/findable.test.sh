#!/bin/sh
# The feed and the calendar can be found and hold what readers expect: every page names both in
# its <head>, the home page and the events list link them with plain words, events.ics holds the
# upcoming events and those of the last 12 months, and the feed dates each entry by its
# publication (an undated one by its file's last change, never later than the build's now).
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

"$KAIRAN" build -s . -o "$tmp/example" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the example builds" [ $? -eq 0 ]
"$KAIRAN" build -s . -o "$tmp/portable" --portable --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the example builds with --portable" [ $? -eq 0 ]

# A small site whose events lie on both sides of "12 months before now" (NOW is 2026-11-23
# 09:00), and whose entries are dated in every way the feed knows.
site=$tmp/site
mkdir -p "$site/content/events" "$site/content/activities"
ln -s "$repo/themes" "$site/themes"
cat >"$site/content/site.yaml" <<'EOF'
title: 試験通信
base_url: https://example.jp/t/
districts:
  - slug: kushibiki
    name: 櫛引
categories:
  - slug: salon
    name: サロン
EOF
event() { # SLUG FRONT-MATTER-LINES...
    slug=$1
    shift
    { echo ---; echo "title: 催し $slug"; printf '%s\n' "$@"; echo ---; echo 本文。; } \
        >"$site/content/events/$slug.md"
}
activity() { # SLUG FRONT-MATTER-LINES...
    slug=$1
    shift
    { echo ---; echo "title: 活動 $slug"; echo "reading: かつどう"; echo "district: kushibiki"
      echo "categories: [salon]"; printf '%s\n' "$@"; echo ---; echo 本文。; } \
        >"$site/content/activities/$slug.md"
}
event coming "start: 2026-12-09 13:30" "end: 2026-12-09 15:00"
event spring "start: 2026-06-10 13:30" "date: 2026-05-01"
# Its first session is more than a year old, its last ended after 2025-11-23 09:00.
event series "date: 2025-09-01" "sessions:" "  - start: 2025-10-01 10:00" \
    "    end: 2025-10-01 12:00" "  - start: 2025-11-24 10:00" "    end: 2025-11-24 12:00"
event lastyear "start: 2025-11-20 13:30" "end: 2025-11-20 15:00" "date: 2025-10-01"
activity newer "date: 2026-11-20"
activity older "date: 2026-10-01"
activity fixed "date: 2026-01-10" "updated: 2026-11-22"
activity fresh
touch -d "2026-11-01 12:00 UTC" "$site/content/events/coming.md"
touch -d "2026-11-30 12:00 UTC" "$site/content/activities/fresh.md" # after the build's now
"$KAIRAN" build -s "$site" --now "$NOW" --quiet --cache-dir "$tmp/cache-site" 2>"$tmp/site.err"
check "the small site builds without messages" [ $? -eq 0 -a ! -s "$tmp/site.err" ]

/usr/bin/python3 - "$tmp/example" "$tmp/portable" "$site/public" >"$tmp/py.out" 2>&1 <<'EOF'
import json, os, re, sys
import xml.etree.ElementTree as ET
from checks import check, done, read_text, site_files

example, portable, small = sys.argv[1:4]

def links(html, rel):
    """The attributes of every <link rel=REL> of a page, as dicts."""
    found = []
    for tag in re.findall(r"<link\b[^>]*>", html):
        attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        if attrs.get("rel") == rel:
            found.append(attrs)
    return found

def anchors(html):
    """(attributes, text) of every <a> of a page."""
    return [(dict(re.findall(r'([a-z-]+)="([^"]*)"', a)), text)
            for a, text in re.findall(r"<a\b([^>]*)>(.*?)</a>", html, re.S)]

# Every page names the feed and the calendar in its head, under the site's root.
for root, prefix in ((example, "/watowa/"), (portable, None)):
    pages = site_files(root, (".html",))
    check("pages found in " + root, len(pages) > 30, len(pages))
    for page in pages:
        html = read_text(page)
        if prefix is None:  # relative: as many ../ as the page is deep
            depth = os.path.relpath(page, root).count("/")
            want = "../" * depth
        else:
            want = prefix
        # A page of another language names its language's feed and calendar.
        first = os.path.relpath(page, root).split("/")[0]
        if first in ("easy", "en", "vi"):
            want += first + "/"
        alt = links(html, "alternate")
        feed = [a for a in alt if a.get("type") == "application/atom+xml"]
        cal = [a for a in alt if a.get("type") == "text/calendar"]
        name = os.path.relpath(page, root)
        check(name + ": links the Atom feed", len(feed) == 1 and feed[0]["href"] == want + "feed.xml"
              and feed[0].get("title"), feed)
        check(name + ": links events.ics", len(cal) == 1 and cal[0]["href"] == want + "events.ics"
              and cal[0].get("title"), cal)
        check(name + ": no webcal: address", "webcal:" not in html)

# The home page and the events list say in words what the two files are for.
for page in ("index.html", "events/index.html"):
    html = read_text(os.path.join(example, page))
    a = anchors(html)
    feed = [x for x, text in a if x.get("href") == "/watowa/feed.xml"]
    cal = [x for x, text in a if x.get("href") == "/watowa/events.ics"]
    check(page + ": a link to the feed, labelled",
          any("新着情報をフィードで受け取る" in text for x, text in a if x.get("href") == "/watowa/feed.xml"))
    check(page + ": the feed link has its type",
          feed and all(x.get("type") == "application/atom+xml" for x in feed), feed)
    check(page + ": a link to events.ics, labelled",
          any("催しの予定をカレンダーに取り込む" in text for x, text in a if x.get("href") == "/watowa/events.ics"))
    check(page + ": the calendar link has its type",
          cal and all(x.get("type") == "text/calendar" for x in cal), cal)
check("an event page has no subscribe links",
      "催しの予定をカレンダーに取り込む" not in read_text(os.path.join(example, "events/2021-kenshukai/index.html")))

# events.ics: upcoming events and those that ended in the 12 months before now.
ics = read_text(os.path.join(small, "events.ics"))
uids = sorted(set(re.findall(r"^UID:([a-z]+)-\d+\.", ics, re.M)))
check("events.ics holds the upcoming and last year's events", uids == ["coming", "series", "spring"], uids)
check("a series is there with all its sessions", len(re.findall(r"^UID:series-", ics, re.M)) == 2)
example_ics = read_text(os.path.join(example, "events.ics"))
past_uids = set(re.findall(r"^UID:([a-z0-9-]+)-\d+\.", example_ics, re.M))
check("the example's calendar leaves out events of 2021",
      not any(u.startswith("2021-") for u in past_uids), past_uids)

# The feed: entries dated by publication, newest first.
atom = "{http://www.w3.org/2005/Atom}"
feed = ET.parse(os.path.join(small, "feed.xml")).getroot()
entries = [(e.find(atom + "title").text, e.find(atom + "published").text if e.find(atom + "published") is not None else None,
            e.find(atom + "updated").text) for e in feed.findall(atom + "entry")]
order = [t.split(" ")[1] for t, p, u in entries]
check("feed entries newest first by publication",
      order == ["fresh", "newer", "coming", "older", "spring", "fixed", "lastyear", "series"], order)
dates = {t.split(" ")[1]: (p, u) for t, p, u in entries}
check("an undated event is dated by its file's last change",
      dates.get("coming") == ("2026-11-01T21:00:00+09:00", "2026-11-01T21:00:00+09:00"), dates.get("coming"))
check("an undated file changed after the build's now is dated now",
      dates.get("fresh") == ("2026-11-23T09:00:00+09:00", "2026-11-23T09:00:00+09:00"), dates.get("fresh"))
check("date: is the publication, updated: the last change",
      dates.get("fixed") == ("2026-01-10T00:00:00+09:00", "2026-11-22T00:00:00+09:00"), dates.get("fixed"))
check("the feed is as new as its newest entry",
      feed.find(atom + "updated").text == "2026-11-23T09:00:00+09:00", feed.find(atom + "updated").text)
done()
EOF
add_results "$tmp/py.out"

# The same sources give the same feed: the files' dates count only up to the build's now.
cp -R "$site" "$tmp/copy"
rm -rf "$tmp/copy/public"
"$KAIRAN" build -s "$tmp/copy" --now "2026-10-15 00:00" --quiet --cache-dir "$tmp/cache-copy"
check "a build before the files' dates dates them at its now" \
    [ "$(grep -c '<published>2026-10-15T00:00:00+09:00</published>' "$tmp/copy/public/feed.xml")" -eq 2 ]
finish
