#!/usr/bin/env python3
"""Checks a build of tests/sites/languages (OUT) and of the same site with untranslated: hide
(HIDDEN): the pages of each language, the fallback and hiding rules, the language switch, the
hreflang alternates, the sitemap, one Atom feed (feedparser) and one calendar (icalendar) per
language, dates, JSON-LD and the print editions.

    languages_check.py OUT HIDDEN
"""
import glob
import html.parser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import feedparser
import icalendar

import checks
from checks import check

out, hidden = checks.arguments(__doc__, 2, 2)
BASE = "https://example.jp/kai/"
PATH = "/kai/"
LANGS = {"": "ja", "easy/": "ja-x-easy", "en/": "en"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Page(html.parser.HTMLParser):
    """What a check needs of a page: its lang, its switch's links, its alternates, its links,
    its JSON-LD."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.switch = []      # (href or None for the current language, lang, text)
        self.alternates = {}  # hreflang -> href
        self.links = []
        self.jsonld = []
        self.in_switch = 0
        self.in_jsonld = False
        self.current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "nav" and "languages" in (a.get("class") or "").split():
            self.in_switch = 1
        elif tag == "nav" and self.in_switch:
            self.in_switch += 1
        if self.in_switch and tag in ("a", "span") and "lang" in a:
            self.current = [a.get("href") if tag == "a" else None, a.get("lang"), ""]
            self.switch.append(self.current)
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "href" in a:
            self.links.append((a["href"], a.get("lang")))
        if tag == "script" and a.get("type") == "application/ld+json":
            self.in_jsonld = True

    def handle_endtag(self, tag):
        if tag == "nav" and self.in_switch:
            self.in_switch -= 1
        if tag in ("a", "span"):
            self.current = None
        if tag == "script":
            self.in_jsonld = False

    def handle_data(self, data):
        if self.current is not None:
            self.current[2] += data
        if self.in_jsonld:
            self.jsonld.append(json.loads(data))


def parse(path):
    p = Page()
    p.feed(read(path))
    return p


def file_of(root, href):
    """The file a site-absolute or full address leads to, or None when it is outside."""
    if href.startswith(BASE):
        href = PATH + href[len(BASE):]
    if not href.startswith(PATH):
        return None
    rel = href[len(PATH):].split("#")[0].split("?")[0]
    path = os.path.join(root, rel)
    return os.path.join(path, "index.html") if rel.endswith("/") or not rel else path


def lang_of(rel):
    """The language of a page by its folder."""
    for prefix in ("easy/", "en/"):
        if rel.startswith(prefix):
            return LANGS[prefix]
    return "ja"


pages = {}
for path in checks.site_files(out, (".html",)):
    rel = os.path.relpath(path, out)
    pages[rel] = parse(path)

# ---- Which pages each language has ------------------------------------------------------------
check("the translated activity has its English page", "en/activities/salon/index.html" in pages)
check("and its やさしい日本語 page", "easy/activities/salon/index.html" in pages)
check("an untranslated activity has no English page",
      not os.path.exists(os.path.join(out, "en/activities/walk")))
check("an untranslated event has no page in やさしい日本語",
      not os.path.exists(os.path.join(out, "easy/events/kenshu")))
check("one page for addresses that do not exist, in the site's language",
      os.path.exists(os.path.join(out, "404.html")) and
      not os.path.exists(os.path.join(out, "en/404.html")))
check("one page the worker shows offline, in the site's language",
      os.path.exists(os.path.join(out, "offline/index.html")) and
      not os.path.exists(os.path.join(out, "en/offline")))
for rel, p in pages.items():
    if rel == "404.html":
        continue
    check("<html lang> of " + rel, p.lang == lang_of(rel), p.lang)

# ---- Fallback: listed in Japanese, with a label and lang="ja" --------------------------------
en_home = read(os.path.join(out, "en/index.html"))
m = re.search(r'<h3 class="card-title" lang="ja"><a href="/kai/activities/walk/">羽黒を歩く会</a>',
              en_home)
check("fallback: the English home lists the untranslated activity, marked lang=ja", m)
check("fallback: with the label, in English",
      "Not translated yet (in Japanese)" in en_home.split("walk/")[1].split("</article>")[0])
check("fallback: the translated one links its English page",
      '<a href="/kai/en/activities/salon/">Tea gathering in Kushibiki</a>' in en_home)
en_list = read(os.path.join(out, "en/activities/index.html"))
en_list2 = read(os.path.join(out, "en/activities/page/2/index.html"))
check("fallback: English activities list: both, in the order of the English titles, the "
      "untranslated after", "salon/" in en_list and "walk/" in en_list2)
check("fallback: under no heading of the 50音 table", "あ行" not in en_list and
      'id="items-heading"' in en_list)
easy_events = "".join(read(f) for f in glob.glob(os.path.join(out, "easy/events/index.html")) +
                      glob.glob(os.path.join(out, "easy/events/page/*/index.html")))
check("fallback: やさしい日本語 events list holds the untranslated event in Japanese",
      '<h3 class="card-title" lang="ja"><a href="/kai/events/kenshu/">研修会</a>' in easy_events)
check("fallback: district names given in the language, the others marked lang=ja",
      "Kushibiki" in read(os.path.join(out, "en/districts/index.html")) and
      '<span lang="ja">羽黒</span>' in read(os.path.join(out, "en/districts/index.html")))

# ---- Hide: only what exists in the language ---------------------------------------------------
hidden_home = read(os.path.join(hidden, "en/index.html"))
check("hide: the English home does not list the untranslated activity", "walk/" not in hidden_home)
check("hide: nor the English activities list",
      "walk/" not in read(os.path.join(hidden, "en/activities/index.html")) and
      not os.path.exists(os.path.join(hidden, "en/activities/page/2")))
check("hide: the English events list has the translated event only",
      "kenshu/" in read(os.path.join(hidden, "en/events/index.html")) and
      "kaigi/" not in read(os.path.join(hidden, "en/events/index.html")))
check("hide: the Japanese pages keep everything",
      os.path.exists(os.path.join(hidden, "activities/walk/index.html")) and
      "walk/" in read(os.path.join(hidden, "activities/page/2/index.html")))
check("hide: a district in English counts only the English entries",
      re.findall(r'chip-count">(\d+)<', read(os.path.join(hidden, "en/districts/index.html"))) ==
      ["2", "0"])

# ---- The switch: every page, every language once, links to pages that exist -------------------
for rel, p in pages.items():
    if rel in ("404.html", "offline/index.html"):
        # One page for addresses that do not exist, one the worker shows offline: each in the
        # site's language only, with no switch.
        check(rel + " has no switch", not p.switch)
        continue
    codes = [s[1] for s in p.switch]
    check("switch of %s names each language once" % rel,
          sorted(codes) == sorted(LANGS.values()), codes)
    current = [s for s in p.switch if s[0] is None]
    check("switch of %s marks its own language" % rel,
          len(current) == 1 and current[0][1] == p.lang, current)
    for href, code, text in p.switch:
        if href is None:
            continue
        target = file_of(out, href)
        check("switch of %s: %s leads to a page that exists" % (rel, code),
              target and os.path.exists(target), href)
        if target and os.path.exists(target) and target.endswith(".html"):
            check("switch of %s: %s leads to a page in %s" % (rel, code, code),
                  lang_of(os.path.relpath(target, out)) == code, href)
walk = pages["activities/walk/index.html"]
en_item = [s for s in walk.switch if s[1] == "en"]
check("switch of an untranslated page: English leads to the English home, said so",
      en_item and en_item[0][0] == "/kai/en/" and "(home page)" in en_item[0][2], en_item)
salon = pages["activities/salon/index.html"]
check("switch of a translated page: English leads to its translation",
      [s[0] for s in salon.switch if s[1] == "en"] == ["/kai/en/activities/salon/"])
check("switch of a list's second page: the first page in each language",
      [s[0] for s in pages["activities/page/2/index.html"].switch if s[1] == "en"] ==
      ["/kai/en/activities/"])

# ---- hreflang: targets exist and name the page back -------------------------------------------
with_alternates = 0
for rel, p in pages.items():
    if not p.alternates:
        continue
    with_alternates += 1
    url = BASE + rel[:-len("index.html")]
    check("alternates of %s name the page itself" % rel, p.alternates.get(p.lang) == url,
          p.alternates)
    check("alternates of %s: x-default is the Japanese page" % rel,
          p.alternates.get("x-default") == p.alternates.get("ja"))
    for code, href in p.alternates.items():
        target = file_of(out, href)
        ok = target and os.path.exists(target)
        check("alternate %s of %s exists" % (code, rel), ok, href)
        if ok and code != "x-default":
            other = pages[os.path.relpath(target, out)]
            check("alternate %s of %s names it back" % (code, rel),
                  other.alternates.get(p.lang) == url, other.alternates)
check("pages with alternates", with_alternates > 40, with_alternates)
check("an untranslated page has no alternates", not walk.alternates)
check("a list's second page has no alternates", not pages["activities/page/2/index.html"].alternates)

# ---- sitemap.xml -------------------------------------------------------------------------------
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
tree = ET.parse(os.path.join(out, "sitemap.xml"))
urls = tree.getroot().findall("s:url", NS)
locs = {}
for u in urls:
    loc = u.find("s:loc", NS).text
    locs[loc] = {l.get("hreflang"): l.get("href") for l in u.findall("x:link", NS)}
check("sitemap: every page of every language",
      all(BASE + r[:-len("index.html")] in locs for r in pages
          if r.endswith("index.html") and "/page/" not in r and "events/20" not in r
          and "search/" not in r and r != "offline/index.html"), sorted(locs)[:5])
for loc, alts in locs.items():
    target = file_of(out, loc)
    check("sitemap: %s exists" % loc, target and os.path.exists(target))
    for code, href in alts.items():
        check("sitemap: alternate %s of %s exists" % (code, loc),
              file_of(out, href) and os.path.exists(file_of(out, href)))
        check("sitemap: alternate %s of %s names it back" % (code, loc),
              loc in locs.get(href, {}).values(), href)
check("sitemap: an entry with its translations",
      locs.get(BASE + "activities/salon/") ==
      {"ja": BASE + "activities/salon/", "ja-x-easy": BASE + "easy/activities/salon/",
       "en": BASE + "en/activities/salon/"}, locs.get(BASE + "activities/salon/"))
check("sitemap: the untranslated entry, not in English",
      BASE + "en/activities/walk/" not in locs)
check("robots.txt names the one sitemap",
      read(os.path.join(out, "robots.txt")).strip().endswith("Sitemap: " + BASE + "sitemap.xml"))

# ---- One Atom feed per language ---------------------------------------------------------------
for prefix, code in LANGS.items():
    feed = feedparser.parse(os.path.join(out, prefix + "feed.xml"))
    name = prefix + "feed.xml"
    check(name + " is well-formed Atom", not feed.bozo and feed.version == "atom10",
          feed.get("bozo_exception"))
    check(name + " is in " + code, feed.feed.get("language") == code, feed.feed.get("language"))
    check(name + ": its address is the language's home", feed.feed.link == BASE + prefix)
    links = [e.link for e in feed.entries]
    own = [l for l in links if lang_of(l[len(BASE):]) == code]
    check(name + ": only entries written in " + code, links and own == links, links)
en_feed = feedparser.parse(os.path.join(out, "en/feed.xml"))
check("en/feed.xml: the English titles",
      sorted(e.title for e in en_feed.entries) ==
      ["First issue", "Tea gathering in Kushibiki", "Training day"],
      [e.title for e in en_feed.entries])
check("en/feed.xml: the site's English title", en_feed.feed.title == "Kotoba News")

# ---- One calendar per language ----------------------------------------------------------------
def events_of(path):
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    return [c for c in cal.walk("VEVENT")]


ja_events = events_of(os.path.join(out, "events.ics"))
en_events = events_of(os.path.join(out, "en/events.ics"))
easy_events_ics = events_of(os.path.join(out, "easy/events.ics"))
check("events.ics: the Japanese events (kaigi, kenshu and its new date)", len(ja_events) == 3,
      len(ja_events))
check("en/events.ics: the English event, its planned and its new date",
      sorted(str(e["SUMMARY"]) for e in en_events) ==
      ["Training day (new date)", "[Postponed] Training day"],
      [str(e["SUMMARY"]) for e in en_events])
check("en/events.ics: its own identifiers",
      not {str(e["UID"]) for e in en_events} & {str(e["UID"]) for e in ja_events})
check("en/events.ics: links to the English page",
      all(str(e["URL"]) == BASE + "en/events/kenshu/" for e in en_events))
check("easy/events.ics: no event is written in やさしい日本語", easy_events_ics == [])
check("each English event has its own .ics",
      os.path.exists(os.path.join(out, "en/events/kenshu/event.ics")) and
      len(events_of(os.path.join(out, "en/events/kenshu/event.ics"))) == 2)

# ---- Dates, words and JSON-LD in each language -----------------------------------------------
en_event = read(os.path.join(out, "en/events/kenshu/index.html"))
check("English dates: 19 December 2026 (Sat), 13:30–16:00",
      "19 December 2026 (Sat), 13:30–16:00" in en_event)
check("English words: postponed notice", "This event has been postponed." in en_event)
check("English new date", "16 January 2027 (Sat), from 13:30" in en_event)
easy_salon = read(os.path.join(out, "easy/activities/salon/index.html"))
easy_cal = glob.glob(os.path.join(out, "easy/events/2026/12/index.html"))
cal_text = read(easy_cal[0]) if easy_cal else ""
check("やさしい日本語 dates: both years, the era with its reading",
      "<ruby>令和<rp>(</rp><rt>れいわ</rt><rp>)</rp></ruby>8年（2026年）12月" in cal_text)
check("やさしい日本語 words with furigana",
      "<ruby>字<rp>(</rp><rt>じ</rt><rp>)</rp></ruby>の" in easy_salon)
check("Japanese pages keep 和暦", "令和8年12月19日（土）13:30〜16:00" in
      read(os.path.join(out, "events/kenshu/index.html")))
ld = [d for d in pages["en/events/kenshu/index.html"].jsonld if d.get("@type") == "Event"]
check("JSON-LD of an English page: inLanguage en", ld and ld[0].get("inLanguage") == "en", ld)
ld = [d for d in pages["events/kenshu/index.html"].jsonld if d.get("@type") == "Event"]
check("JSON-LD of its original: inLanguage ja", ld and ld[0].get("inLanguage") == "ja", ld)
ld = [d for d in pages["en/index.html"].jsonld if d.get("@type") == "WebSite"]
check("JSON-LD of the English home: the English site",
      ld and ld[0].get("inLanguage") == "en" and ld[0].get("url") == BASE + "en/", ld)
check("a translation's link leads to the linked entry in its language",
      'href="/kai/en/events/kenshu/"' in read(os.path.join(out, "en/activities/salon/index.html")))
check("a translation's link to an untranslated entry leads to the original",
      'href="/kai/events/kenshu/"' in easy_salon)

# ---- Search per language ----------------------------------------------------------------------
for prefix, n in (("", 6), ("en/", 4), ("easy/", 1)):
    meta = glob.glob(os.path.join(out, prefix + "search/meta.*.js"))
    text = read(meta[0]) if meta else ""
    m = re.search(r'"n":(\d+)', text)
    check(prefix + "search: one index of the language's own entries",
          m and int(m.group(1)) == n, m and m.group(1))
    page = read(os.path.join(out, prefix + "search/index.html"))
    check(prefix + "search page loads its language's index",
          meta and ("/kai/" + prefix + "search/" + os.path.basename(meta[0])) in page)
check("English search page passes its words to the script",
      'data-words-found="Results for “%q”: %n"' in read(os.path.join(out, "en/search/index.html")))
check("Japanese search page leaves them to the script",
      "data-words-" not in read(os.path.join(out, "search/index.html")))

# ---- Print: one edition per issue and language that has its entries ---------------------------
ja_print = read(os.path.join(out, "print/1/1.xhtml"))
en_print = read(os.path.join(out, "en/print/1/1.xhtml"))
easy_print = read(os.path.join(out, "easy/print/1/1.xhtml"))
check("the English edition is a leaflet in English",
      'name="print-binding" content="leaflet"' in en_print and 'xml:lang="en"' in en_print)
check("it holds the entries written in English only",
      'id="activity-salon"' in en_print and 'id="event-kenshu"' in en_print and
      'id="activity-walk"' not in en_print)
check("the やさしい日本語 edition holds its one entry",
      'id="activity-salon"' in easy_print and 'id="event-kenshu"' not in easy_print)
check("its issue text is the site's, marked", 'id="issue-1" xml:lang="ja" lang="ja"' in easy_print)
check("the Japanese edition keeps every entry and its binding",
      'id="activity-walk"' in ja_print and 'content="saddle"' in ja_print)
check("the English issue page links its edition",
      'href="/kai/en/print/1/1.xhtml"' in read(os.path.join(out, "en/issues/1/index.html")))

checks.done()
