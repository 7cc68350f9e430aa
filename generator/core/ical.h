/* ical: iCalendar (RFC 5545) files of a site's events, for readers' calendar apps.
 * One VCALENDAR with a VTIMEZONE for the site's zone (built from its transitions over the
 * events' years) and a VEVENT per session, in local time with TZID. Text is escaped, lines are
 * folded at 75 octets without splitting a UTF-8 character, and end in CRLF. Writing appends
 * to a struct buf and cannot fail; invalid UTF-8 in the input is replaced by U+FFFD. */
#ifndef KAIRAN_ICAL_H
#define KAIRAN_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/tz.h"

struct ical_event {
    const char *uid;         /* required; see ical_uid() */
    const char *summary;     /* the rest may be NULL or "" to leave them out */
    const char *description; /* plain text; newlines are kept */
    const char *location;
    const char *url;
    struct datetime start; /* wall times in the calendar's zone */
    struct datetime end;   /* a year of 0 (as in a zeroed struct) means no end given */
    int all_day;           /* 1: whole days; only the dates of start and end count */
    const char *status;    /* STATUS: "CONFIRMED", "CANCELLED" or "TENTATIVE"; NULL: none */
};

/* Appends a whole calendar. prodid names the product ("-//kairan//kairan 1.0//JA"); calname
 * (may be NULL) is the name calendar apps show. dtstamp is when the file was made (the build
 * clock, seconds since 1970 UTC). zone must not be NULL. */
void ical_write(struct buf *out, const char *prodid, const char *calname, const struct tz *zone,
                const struct ical_event *events, size_t n, int64_t dtstamp);

/* A UID that stays the same across builds: from the site's base URL, the entry's slug and the
 * session's number (1 for the first), e.g. "kenshu-2.watowa@example.jp" for
 * https://example.jp/watowa/, kenshu, 2. Returns a new string; the caller frees it. */
char *ical_uid(const char *base_url, const char *slug, size_t session);

/* Appends one content line "name:value" (value already in iCalendar form), folded, with CRLF;
 * and TEXT escaping of s (backslash, semicolon, comma, newline). Exposed for the tests. */
void ical_line(struct buf *out, const char *name, const char *value);
void ical_escape_text(struct buf *out, const char *s);

#endif
