#!/bin/sh
# Time zones with daylight saving time: builds tests/sites/berlin (Europe/Berlin, sessions on
# both sides of the 2026 clock changes, across them, and at a time that happens twice) and
# checks the calendars with Python's icalendar (Debian package python3-icalendar) and zoneinfo,
# the JSON-LD offsets, the month pages and the durations. Then a time that never happens (the
# clocks skip it) must fail the build with a clear message.
. tests/lib.sh
NOW="2026-01-15 09:00"
site=tests/sites/berlin

KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" build -s "$site" -o "$tmp/out" --now "$NOW" --quiet \
    --cache-dir "$tmp/cache" 2>"$tmp/err"
check "the Berlin site builds" [ $? -eq 0 ]
check "without warnings" [ ! -s "$tmp/err" ]
cat "$tmp/err"

py=$(python_with icalendar zoneinfo)
if [ -z "$py" ]; then
    skip "berlin calendar checks" \
        "Python's icalendar is not installed: apt-get install python3-icalendar"
elif [ -d "$tmp/out" ]; then
    "$py" - "$tmp/out" >"$tmp/py" 2>&1 <<'EOF'
import glob
import html.parser
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

import checks
from checks import check

out = sys.argv[1]
berlin = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def utc(*a):
    return datetime(*a, tzinfo=UTC)


# Every session: UID, wall times as written, the instants worked out by hand from the rules
# (CET = UTC+1 until 2026-03-29 01:00 UTC, CEST = UTC+2 until 2026-10-25 01:00 UTC, then CET;
# 02:30 on 25 October happens twice and the first, summer time, is meant), the offsets the
# JSON-LD must carry, and the day of the month page.
sessions = [
    ("course-1", "2026-03-26 19:00", "2026-03-26 21:00",
     utc(2026, 3, 26, 18, 0), utc(2026, 3, 26, 20, 0), "+01:00", "+01:00"),
    ("spring-before-1", "2026-03-28 10:00", "2026-03-28 12:00",
     utc(2026, 3, 28, 9, 0), utc(2026, 3, 28, 11, 0), "+01:00", "+01:00"),
    ("spring-night-1", "2026-03-29 00:30", "2026-03-29 04:00",
     utc(2026, 3, 28, 23, 30), utc(2026, 3, 29, 2, 0), "+01:00", "+02:00"),
    ("spring-after-1", "2026-03-29 10:00", "2026-03-29 12:00",
     utc(2026, 3, 29, 8, 0), utc(2026, 3, 29, 10, 0), "+02:00", "+02:00"),
    ("course-2", "2026-04-02 19:00", "2026-04-02 21:00",
     utc(2026, 4, 2, 17, 0), utc(2026, 4, 2, 19, 0), "+02:00", "+02:00"),
    ("autumn-before-1", "2026-10-24 18:00", "2026-10-24 20:00",
     utc(2026, 10, 24, 16, 0), utc(2026, 10, 24, 18, 0), "+02:00", "+02:00"),
    ("autumn-night-1", "2026-10-25 01:30", "2026-10-25 03:30",
     utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 2, 30), "+02:00", "+01:00"),
    ("autumn-twice-1", "2026-10-25 02:30", "2026-10-25 04:00",
     utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3, 0), "+02:00", "+01:00"),
    ("autumn-after-1", "2026-10-25 18:00", "2026-10-25 20:00",
     utc(2026, 10, 25, 17, 0), utc(2026, 10, 25, 19, 0), "+01:00", "+01:00"),
]
by_uid = {s[0]: s for s in sessions}
# How long the sessions that span a change really last (the clock says otherwise).
durations = {"spring-night-1": timedelta(hours=2, minutes=30),
             "autumn-night-1": timedelta(hours=3),
             "autumn-twice-1": timedelta(hours=2, minutes=30)}

# The hand-worked instants agree with Python's zoneinfo (fold=0: the first of a repeated time).
for uid, ws, we, s, e, so, eo in sessions:
    for wall, want in ((ws, s), (we, e)):
        local = datetime.strptime(wall, "%Y-%m-%d %H:%M").replace(tzinfo=berlin, fold=0)
        check("zoneinfo agrees on %s %s" % (uid, wall), local.astimezone(UTC) == want)


def read_calendar(path):
    try:
        return icalendar.Calendar.from_ical(open(path, "rb").read())
    except Exception as e:
        check("%s parses" % path, False, str(e))
        return None


def check_vtimezone(name, cal, first_session):
    """The VTIMEZONE: Europe/Berlin, each observance's onset and offsets as zoneinfo has them,
    both 2026 changes present, and the first observance in force before the first session."""
    zones = list(cal.walk("VTIMEZONE"))
    check(name + ": one VTIMEZONE for Europe/Berlin",
          len(zones) == 1 and str(zones[0]["TZID"]) == "Europe/Berlin")
    obs = []
    for o in zones[0].subcomponents if zones else []:
        onset = o.decoded("DTSTART")
        before, after = o.decoded("TZOFFSETFROM"), o.decoded("TZOFFSETTO")
        instant = (onset - before).replace(tzinfo=UTC)
        obs.append((onset, before, after, o.name))
        got_after = instant.astimezone(berlin).utcoffset()
        got_before = (instant - timedelta(seconds=1)).astimezone(berlin).utcoffset()
        check("%s: observance %s offsets" % (name, onset),
              got_after == after and (before == after or got_before == before))
        check("%s: observance %s kind" % (name, onset),
              (o.name == "DAYLIGHT") == bool(instant.astimezone(berlin).dst()))
    h1, h2 = timedelta(hours=1), timedelta(hours=2)
    check(name + ": DAYLIGHT from 2026-03-29 02:00, +0100 to +0200",
          (datetime(2026, 3, 29, 2, 0), h1, h2, "DAYLIGHT") in obs, str(obs))
    if first_session < utc(2026, 10, 25, 1, 0):
        check(name + ": STANDARD from 2026-10-25 03:00, +0200 to +0100",
              (datetime(2026, 10, 25, 3, 0), h2, h1, "STANDARD") in obs, str(obs))
    first = min(obs, default=None)
    check(name + ": the zone's first observance is before the first session",
          first is not None and (first[0] - first[2]).replace(tzinfo=UTC) <= first_session)
    return [(o[0], o[2]) for o in obs]


def by_vtimezone(obs, local):
    """The instant of a wall time as RFC 5545 reads the VTIMEZONE: the observance with the
    latest onset (itself a wall time before the change) at or before it. A repeated time is
    thus read in the observance before the change, the first of the two."""
    best = max((o for o in obs if o[0] <= local), key=lambda o: o[0])
    return (local - best[1]).replace(tzinfo=UTC)


def check_events(name, cal, uids):
    obs = check_vtimezone(name, cal, min(by_uid[u][3] for u in uids))
    seen = []
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"]).split(".")[0]
        seen.append(uid)
        if uid not in by_uid:
            check(name + ": known UID " + uid, False)
            continue
        _, ws, we, s, e, _, _ = by_uid[uid]
        check("%s %s: TZID" % (name, uid),
              ev["DTSTART"].params.get("TZID") == "Europe/Berlin" and
              ev["DTEND"].params.get("TZID") == "Europe/Berlin")
        ds, de = ev.decoded("DTSTART"), ev.decoded("DTEND")
        check("%s %s: wall times" % (name, uid),
              ds.strftime("%Y-%m-%d %H:%M") == ws and de.strftime("%Y-%m-%d %H:%M") == we)
        ns, ne = ds.replace(tzinfo=None), de.replace(tzinfo=None)
        check("%s %s: DTSTART in UTC" % (name, uid), by_vtimezone(obs, ns) == s,
              "%s != %s" % (by_vtimezone(obs, ns), s))
        check("%s %s: DTEND in UTC" % (name, uid), by_vtimezone(obs, ne) == e,
              "%s != %s" % (by_vtimezone(obs, ne), e))
        # icalendar's own reading (pytz) may pick the second of a repeated time; accept
        # either instant that shows this wall time, never another.
        second = ns.replace(tzinfo=berlin, fold=1).astimezone(UTC)
        check("%s %s: icalendar's start" % (name, uid), ds.astimezone(UTC) in (s, second))
        if uid in durations:
            check("%s %s: lasts %s" % (name, uid, durations[uid]),
                  by_vtimezone(obs, ne) - by_vtimezone(obs, ns) == durations[uid])
        check("%s %s: DTSTAMP is --now" % (name, uid),
              ev.decoded("DTSTAMP") == utc(2026, 1, 15, 8, 0))
    check(name + ": the sessions " + " ".join(uids), sorted(seen) == sorted(uids), str(seen))


# events.ics: every session of every upcoming event, once.
cal = read_calendar(os.path.join(out, "events.ics"))
if cal:
    check_events("events.ics", cal, [s[0] for s in sessions])
# event.ics beside each event page: its own sessions.
for uid_prefix in sorted({s[0].rsplit("-", 1)[0] for s in sessions}):
    path = os.path.join(out, "events", uid_prefix, "event.ics")
    cal = read_calendar(path)
    if cal:
        check_events(uid_prefix + "/event.ics", cal,
                     [s[0] for s in sessions if s[0].rsplit("-", 1)[0] == uid_prefix])
    raw = open(path, "rb").read()
    check(uid_prefix + "/event.ics: CRLF line ends", raw.count(b"\n") == raw.count(b"\r\n"))

# JSON-LD: startDate of the first session, endDate of the last, with the offset in force.
for slug in sorted({s[0].rsplit("-", 1)[0] for s in sessions}):
    page = open(os.path.join(out, "events", slug, "index.html"), encoding="utf-8").read()
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(m.group(1)) if m else {}
    mine = [s for s in sessions if s[0].rsplit("-", 1)[0] == slug]
    want_start = mine[0][1].replace(" ", "T") + ":00" + mine[0][5]
    want_end = mine[-1][2].replace(" ", "T") + ":00" + mine[-1][6]
    check(slug + ": JSON-LD startDate", data.get("startDate") == want_start,
          "%s != %s" % (data.get("startDate"), want_start))
    check(slug + ": JSON-LD endDate", data.get("endDate") == want_end,
          "%s != %s" % (data.get("endDate"), want_end))
    try:
        start = datetime.fromisoformat(data["startDate"])
        end = datetime.fromisoformat(data["endDate"])
        check(slug + ": JSON-LD instants", start == mine[0][3] and end == mine[-1][4])
        if len(mine) == 1 and mine[0][0] in durations:
            check(slug + ": JSON-LD duration", end - start == durations[mine[0][0]])
    except (KeyError, ValueError) as e:
        check(slug + ": JSON-LD dates readable", False, str(e))


class MonthTable(html.parser.HTMLParser):
    """Collects (day, href, time) for each event link in the month table."""

    def __init__(self):
        super().__init__()
        self.day = None
        self.in_day = self.in_time = self.in_table = False
        self.href = None
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "table" and "cal-table" in cls:
            self.in_table = True
        if not self.in_table:
            return
        if tag == "td":
            self.day = None
        elif tag == "span" and "cal-day" in cls:
            self.in_day = True
        elif tag == "span" and "cal-time" in cls:
            self.in_time = True
        elif tag == "a" and "cal-event" in cls:
            self.href = a.get("href")

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        self.in_day = self.in_time = False

    def handle_data(self, text):
        if self.in_day:
            self.day = int(text)
        elif self.in_time and self.href:
            self.found.append((self.day, self.href, text))
            self.href = None


# Month pages: each session once, on the day its wall time falls (not its UTC day).
placed = []
for month in ("03", "04", "10"):
    page = os.path.join(out, "events", "2026", month, "index.html")
    t = MonthTable()
    t.feed(open(page, encoding="utf-8").read())
    placed += [("2026-%s-%02d" % (month, d), href, time) for d, href, time in t.found]
for uid, ws, *_ in sessions:
    slug = uid.rsplit("-", 1)[0]
    h, m = ws[11:].split(":")
    want = (ws[:10], "/berlin/events/%s/" % slug, "%d:%s" % (int(h), m))
    check("month page: %s on %s" % (uid, ws[:10]), placed.count(want) == 1, str(placed))
check("month pages: nothing else", len(placed) == len(sessions), str(placed))
checks.done()
EOF
    add_results "$tmp/py"
fi

# A time the clocks skip is an error at its line and column, and nothing is published.
mkdir -p "$tmp/gap"
cp -R "$site/content" "$tmp/gap/"
cat >"$tmp/gap/content/events/gap.md" <<'EOF'
---
title: At a time that never happens
sessions:
  - start: 2026-03-29 01:00
    end: 2026-03-29 02:15
  - start: 2026-03-29 02:30
    end: 2026-03-29 04:00
---
EOF
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" build -s "$tmp/gap" --now "$NOW" --quiet \
    --cache-dir "$tmp/cache" 2>"$tmp/gap.err"
check "a skipped time fails the build" [ $? -eq 1 ]
check "nothing is published" [ ! -e "$tmp/gap/public" ]
cat >"$tmp/gap.want" <<EOF
$tmp/gap/content/events/gap.md:5:10: error: 'end' is 2026-03-29 02:15, a time that does not exist in Europe/Berlin: that night the clocks go forward from 02:00 to 03:00 (give a time before 02:00, or from 03:00 on)
$tmp/gap/content/events/gap.md:6:12: error: 'start' is 2026-03-29 02:30, a time that does not exist in Europe/Berlin: that night the clocks go forward from 02:00 to 03:00 (give a time before 02:00, or from 03:00 on)
EOF
check "the messages name the field, the time and the change" diff "$tmp/gap.want" "$tmp/gap.err"
# The same with start:/end: at the top, and in kairan check.
cat >"$tmp/gap/content/events/gap.md" <<'EOF'
---
title: At a time that never happens
start: 2026-03-29 02:00
---
EOF
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" check -s "$tmp/gap" --now "$NOW" 2>"$tmp/gap.err" >/dev/null
check "kairan check reports it too" [ $? -eq 1 ]
check "at the top-level start" grep -qF "gap.md:3:8: error: 'start' is 2026-03-29 02:00, a time that does not exist in Europe/Berlin" "$tmp/gap.err"
# The minute before the gap and its end are fine.
cat >"$tmp/gap/content/events/gap.md" <<'EOF'
---
title: Just around the gap
start: 2026-03-29 01:59
end: 2026-03-29 03:00
---
EOF
KAIRAN_THEMES_DIR=$(pwd) "$KAIRAN" check -s "$tmp/gap" --now "$NOW" 2>"$tmp/gap.err" >/dev/null
check "01:59 to 03:00 is accepted" [ $? -eq 0 ]
cat "$tmp/gap.err"

finish
