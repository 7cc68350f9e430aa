#!/bin/sh
# What became of an event (status: cancelled, postponed with or without a new date, held in
# writing, moved online) and sessions given as whole days (a date without a time): what the
# event page, the lists, the month calendar, the JSON-LD, the calendar files and the print
# edition say, and the messages for what cannot be.
. tests/lib.sh

site=$tmp/site
mkdir -p "$site/content/events" "$site/content/issues" "$site/themes"
ln -s "$repo/themes/default" "$site/themes/default"
cat >"$site/content/site.yaml" <<'EOF'
title: 状態の試験
base_url: https://example.jp/status/
categories:
  - slug: council
    name: 会議
    reading: かいぎ
EOF
cat >"$site/content/issues/1.md" <<'EOF'
---
number: 1
title: 第1号
date: 2021-03-25
---
第1号です。
EOF
event() { # FILE, then the front matter lines
    f=$1
    shift
    { echo ---; printf '%s\n' "$@"; echo ---; echo 本文です。; } >"$site/content/events/$f.md"
}
event chushi 'title: 中止の会議' 'start: 2026-12-10 10:00' 'end: 2026-12-10 12:00' \
    'status: cancelled' 'categories: [council]' 'issue: 1' 'note: 台風のため取りやめます。' \
    'venues: [{name: 中央会館, address: 鶴岡市1-1}]'
event enki 'title: 延期の研修' 'start: 2026-12-15 13:30' 'status: postponed' \
    'postponed_to: 2027-01-20 13:30' 'issue: 1'
event enki-mitei 'title: 日の決まらない延期' 'start: 2026-12-16 13:30' 'status: postponed'
event shomen 'title: 書面の協議体' 'start: 2021-03-10' 'status: written' 'issue: 1'
event online 'title: オンラインの講座' 'start: 2026-12-20 14:00' 'status: online'
event kengaku 'title: 通いの場見学' 'issue: 1' 'sessions:' \
    '  - start: 2020-12-04' '    label: 見学の一日目' \
    '  - start: 2020-12-07' '    end: 2020-12-08' '    label: 見学の二日目と三日目'
event ima 'title: 今日の見学' 'start: 2026-11-23'
event kako-chushi 'title: 過去の中止' 'start: 2021-01-15 10:00' 'status: cancelled'

out=$tmp/out
"$KAIRAN" build -s "$site" -o "$out" --now "$NOW" --quiet 2>"$tmp/err"
check "the site with every status builds" [ $? -eq 0 ]
check "and says nothing" [ ! -s "$tmp/err" ]
cat "$tmp/err"

has() { grep -qF -- "$2" "$out/$1"; }
lacks() { ! grep -qF -- "$2" "$out/$1"; }

# The event pages: a badge under the title and a notice that says what happened.
check "cancelled: badge" has events/chushi/index.html '<p class="badge badge-status badge-cancelled">中止</p>'
check "cancelled: notice" has events/chushi/index.html 'この催しは中止になりました。'
check "cancelled: no add-to-calendar button" lacks events/chushi/index.html 'カレンダーに追加'
check "postponed: badge" has events/enki/index.html 'badge-postponed">延期</p>'
check "postponed: the new date in words" \
    has events/enki/index.html '新しい日時：<time datetime="2027-01-20T13:30:00+09:00">令和9年1月20日（水）13:30〜</time>'
check "postponed without a date: will be told" \
    has events/enki-mitei/index.html '新しい日時は、決まりしだいお知らせします。'
check "written: notice" has events/shomen/index.html '<strong>書面での開催です。</strong>'
check "written: no venue, said so" has events/shomen/index.html '書面での開催のため、会場はありません。'
check "written and over: ended" has events/shomen/index.html 'この催しは終了しました。'
check "online: badge" has events/online/index.html 'badge-online">オンライン開催</p>'
head_of() { sed -n '/<header class="entry-head">/,/<\/header>/p' "$out/$1"; }
check "scheduled: no badge" eval '! head_of events/kengaku/index.html | grep -q badge-status'
check "cancelled: badge in the head" eval 'head_of events/chushi/index.html | grep -q badge-cancelled'
check "cancelled and over: not ended" lacks events/kako-chushi/index.html 'この催しは終了しました。'
check "no end given: from the start" has events/online/index.html '令和8年12月20日（日）14:00〜</time>'

# Whole days: dates without a time, also in the datetime attribute.
check "whole day: the date alone" \
    has events/kengaku/index.html '<time datetime="2020-12-04">令和2年12月4日（金）</time>'
check "whole days: a span of dates" \
    has events/kengaku/index.html '令和2年12月7日（月）〜12月8日（火）</time>'
check "whole day: no midnight anywhere" lacks events/kengaku/index.html 'T00:00'
check "a whole day is not over until it ends" lacks events/ima/index.html 'この催しは終了しました。'
check "and is over the next day" has events/kengaku/index.html 'この催しは終了しました。'

# Lists and the month calendar carry the badge; the new date of a postponed event is on the
# calendar too.
check "events list: badge" has events/index.html 'badge-cancelled">中止</p>'
card() { # FILE TITLE: the card of TITLE in FILE
    python3 - "$out/$1" "$2" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<article class="card.*?</article>', html, re.S):
    if sys.argv[2] in m.group(0):
        print(m.group(0))
EOF
}
check "cancelled and over: a 中止 card, not 終了" eval \
    'card events/index.html 過去の中止 | grep -q badge-cancelled && ! card events/index.html 過去の中止 | grep -q badge-ended'
check "calendar: badge" has events/2026/12/index.html '<span class="badge badge-status badge-cancelled">中止</span>'
check "calendar: the new date" has events/2027/01/index.html '延期の研修（延期後の日程）'
check "calendar: whole days have no time" lacks events/2020/12/index.html 'cal-time'

# A category that holds only events is titled for them.
check "an events-only category says 催し" has categories/council/index.html '<h1>分類「会議」の催し</h1>'

# JSON-LD.
ld() { # FILE KEY VALUE: the page's Event has KEY == VALUE
    python3 - "$out/$1" "$2" "$3" <<'EOF'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
    o = json.loads(m.group(1))
    if o.get("@type") == "Event":
        got = o.get(sys.argv[2], "(none)")
        sys.exit(0 if str(got) == sys.argv[3] else print(sys.argv[2], "is", got) or 1)
sys.exit(1)
EOF
}
s=https://schema.org
check "ld: cancelled" ld events/chushi/index.html eventStatus $s/EventCancelled
check "ld: rescheduled" ld events/enki/index.html eventStatus $s/EventRescheduled
check "ld: rescheduled start" ld events/enki/index.html startDate 2027-01-20T13:30:00+09:00
check "ld: previous start" ld events/enki/index.html previousStartDate 2026-12-15T13:30:00+09:00
check "ld: postponed, no date" ld events/enki-mitei/index.html eventStatus $s/EventPostponed
check "ld: moved online" ld events/online/index.html eventStatus $s/EventMovedOnline
check "ld: online mode" ld events/online/index.html eventAttendanceMode $s/OnlineEventAttendanceMode
check "ld: written has no attendance mode" ld events/shomen/index.html eventAttendanceMode '(none)'
check "ld: scheduled" ld events/kengaku/index.html eventStatus $s/EventScheduled
check "ld: whole day start" ld events/kengaku/index.html startDate 2020-12-04
check "ld: whole day end" ld events/kengaku/index.html endDate 2020-12-08

# Calendar files: STATUS, a title that says it, whole days as DATE values (DTEND the day
# after, as RFC 5545 counts it), and a postponed event's new date as its own event.
ics() { tr -d '\r' <"$out/$1" | grep -qxF -- "$2"; }
check "ics: cancelled" ics events/chushi/event.ics 'STATUS:CANCELLED'
check "ics: cancelled title" ics events/chushi/event.ics 'SUMMARY:【中止】中止の会議'
check "ics: postponed original date is off" ics events/enki/event.ics 'STATUS:CANCELLED'
check "ics: postponed new date" ics events/enki/event.ics 'DTSTART;TZID=Asia/Tokyo:20270120T133000'
check "ics: postponed new date confirmed" ics events/enki/event.ics 'STATUS:CONFIRMED'
check "ics: whole day start" ics events/kengaku/event.ics 'DTSTART;VALUE=DATE:20201204'
check "ics: whole day end" ics events/kengaku/event.ics 'DTEND;VALUE=DATE:20201205'
check "ics: whole days end" ics events/kengaku/event.ics 'DTEND;VALUE=DATE:20201209'
check "ics: written title" ics events/shomen/event.ics 'SUMMARY:【書面開催】書面の協議体'
py=$(python_with icalendar)
if [ -n "$py" ]; then
    check "an independent reader takes the site's calendar" "$py" -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
st = {str(e["SUMMARY"]): str(e.get("STATUS", "")) for e in cal.walk("VEVENT")}
sys.exit(0 if st.get("【中止】中止の会議") == "CANCELLED" else 1)' "$out/events/chushi/event.ics"
else
    skip "reading the calendar with icalendar" "python3-icalendar is not installed"
fi

# The print edition: the status beside the date, in the timetable too; a whole day's time
# cell says there is none rather than staying empty.
p=print/1/1.xhtml
check "print: status" has $p '<p class="entry-status">【中止】</p>'
check "print: new date" has $p '【延期】新しい日時：令和9年1月20日（水）13:30〜</p>'
check "print: an event's note" has $p '<dt>備考</dt><dd>台風のため取りやめます。</dd>'
check "print: timetable status" has $p '中止の会議【中止】</td>'
check "print: whole day's time" has $p '<td class="schedule-time">—</td>'
check "print: whole days' dates" has $p '<td class="schedule-time">令和2年12月7日（月）〜12月8日（火）</td>'

# What cannot be.
bad() { # NAME EXPECTED-MESSAGE, then the front matter lines
    name=$1 want=$2
    shift 2
    rm -rf "$tmp/bad"
    mkdir -p "$tmp/bad/content/events"
    cp -P -R "$site/themes" "$tmp/bad/"
    cp "$site/content/site.yaml" "$tmp/bad/content/"
    { echo ---; printf '%s\n' "$@"; echo ---; } >"$tmp/bad/content/events/x.md"
    "$KAIRAN" build -s "$tmp/bad" -o "$tmp/bad-out" --now "$NOW" --quiet 2>"$tmp/bad-err"
    if [ $? -ne 0 ] && grep -qF -- "$want" "$tmp/bad-err"; then ok; else
        fail "$name"
        cat "$tmp/bad-err"
    fi
}
bad "a status that is not one" "x.md:4:9: error: 'status' cannot be 'canceled' (use one of: scheduled, cancelled, postponed, written, online)" \
    'title: x' 'start: 2026-12-10' 'status: canceled'
bad "a new date without postponed" "x.md:4:1: error: 'postponed_to' is the new date of a postponed event" \
    'title: x' 'start: 2026-12-10' 'postponed_to: 2027-01-10'
bad "a new date before the old one" "x.md:5:15: error: the new date (2026-12-01) should come after" \
    'title: x' 'start: 2026-12-10' 'status: postponed' 'postponed_to: 2026-12-01'
bad "end with a time, start without" "x.md:4:6: error: 'end' (2026-12-10 12:00) should be written like 'start' (2026-12-10)" \
    'title: x' 'start: 2026-12-10' 'end: 2026-12-10 12:00'
bad "a whole day that ends before it starts" "x.md:4:6: error: this session ends (2026-12-09) before it starts (2026-12-10)" \
    'title: x' 'start: 2026-12-10' 'end: 2026-12-09'
bad "start that is not a date" "x.md:3:8: error: 'start' is not a date, or a date and time (like 2021-02-19 or 2021-02-19 13:30)" \
    'title: x' 'start: 2026-13-10'

finish
