#!/bin/sh
# Reads the sample calendar written by test_ical with Python's icalendar (Debian package
# python3-icalendar), an independent reader, and checks its events against Python's zoneinfo.
# Without the package the suite says so and counts nothing.
. tests/lib.sh
py=$(python_with icalendar zoneinfo)
[ -n "$py" ] ||
    skip_suite ical "Python's icalendar is not installed: apt-get install python3-icalendar"
if ! "$BUILD/tests/test_ical" --sample "$tmp/sample.ics"; then
    fail "test_ical --sample"
    finish
fi
"$py" - "$tmp/sample.ics" <<'EOF'
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

from checks import check, done

raw = open(sys.argv[1], "rb").read()
try:
    cal = icalendar.Calendar.from_ical(raw)
except Exception as e:  # the whole file is unreadable
    check("the calendar parses", False, e)
    done()

berlin = ZoneInfo("Europe/Berlin")
check("VERSION", str(cal["VERSION"]) == "2.0")
check("METHOD", str(cal["METHOD"]) == "PUBLISH")
check("X-WR-CALNAME", str(cal["X-WR-CALNAME"]) == "和と輪つるおか")

# The VTIMEZONE: every observance's onset and offsets as zoneinfo has them.
zones = list(cal.walk("VTIMEZONE"))
check("one VTIMEZONE", len(zones) == 1 and str(zones[0]["TZID"]) == "Europe/Berlin")
observances = []
for o in zones[0].subcomponents if zones else []:
    onset_local = o.decoded("DTSTART")
    before, after = o.decoded("TZOFFSETFROM"), o.decoded("TZOFFSETTO")
    instant = (onset_local - before).replace(tzinfo=timezone.utc)
    observances.append((onset_local, after))
    got_after = instant.astimezone(berlin).utcoffset()
    got_before = (instant - timedelta(seconds=1)).astimezone(berlin).utcoffset()
    check("observance %s" % onset_local, got_after == after and
          (before == after or got_before == before), "%s %s" % (got_before, got_after))
    check("observance kind %s" % onset_local,
          (o.name == "DAYLIGHT") == bool(instant.astimezone(berlin).dst()))


def by_vtimezone(local):
    """The instant of a local time as RFC 5545 reads a VTIMEZONE."""
    best = max((x for x in observances if x[0] <= local), key=lambda x: x[0])
    return (local - best[1]).replace(tzinfo=timezone.utc)


# The sessions: (summary, start and end in UTC).
want = [
    ('研修会; 第1回, "特別"\\end\n二行目\nthird\tfourth',
     datetime(2021, 2, 19, 12, 30, tzinfo=timezone.utc),
     datetime(2021, 2, 19, 15, 0, tzinfo=timezone.utc)),
    ("after the spring change", datetime(2021, 3, 28, 8, 0, tzinfo=timezone.utc),
     datetime(2021, 3, 28, 10, 0, tzinfo=timezone.utc)),
    ("twice at 02:30", datetime(2021, 10, 31, 0, 30, tzinfo=timezone.utc),
     datetime(2021, 10, 31, 3, 0, tzinfo=timezone.utc)),
    ("overnight", datetime(2022, 7, 1, 16, 0, tzinfo=timezone.utc),
     datetime(2022, 7, 1, 23, 0, tzinfo=timezone.utc)),
]
events = list(cal.walk("VEVENT"))
check("four sessions", len(events) == len(want), str(len(events)))
for i, (ev, (summary, start, end)) in enumerate(zip(events, want)):
    check("UID %d" % i, str(ev["UID"]) == "kenshu-%d.watowa@example.jp" % (i + 1))
    check("SUMMARY %d" % i, str(ev["SUMMARY"]) == summary, repr(str(ev["SUMMARY"])))
    s, e = ev.decoded("DTSTART"), ev.decoded("DTEND")
    check("TZID %d" % i, ev["DTSTART"].params.get("TZID") == "Europe/Berlin")
    naive_s, naive_e = s.replace(tzinfo=None), e.replace(tzinfo=None)
    # zoneinfo with fold=0 takes the first of a repeated wall time, as RFC 5545 does.
    zs = naive_s.replace(tzinfo=berlin, fold=0).astimezone(timezone.utc)
    ze = naive_e.replace(tzinfo=berlin, fold=0).astimezone(timezone.utc)
    check("start %d" % i, zs == start and by_vtimezone(naive_s) == start, "%s %s" % (zs, start))
    check("end %d" % i, ze == end and by_vtimezone(naive_e) == end, "%s %s" % (ze, end))
    # icalendar itself (through pytz) may take the second of a repeated wall time; accept
    # either instant that shows this wall time, never another.
    second = naive_s.replace(tzinfo=berlin, fold=1).astimezone(timezone.utc)
    check("icalendar start %d" % i, s.astimezone(timezone.utc) in (start, second))
first = events[0] if events else {}
check("DESCRIPTION", str(first.get("DESCRIPTION")) == "説明, 二行目\n三行目; 終わり")
check("LOCATION", str(first.get("LOCATION")) == "会場 A")
check("URL", str(first.get("URL")) == "https://example.jp/watowa/events/kenshu/")
check("DTSTAMP", first.decoded("DTSTAMP") == datetime(2021, 2, 19, 4, 30, tzinfo=timezone.utc))
done()
EOF
