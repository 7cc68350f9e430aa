#include "core/ical.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* RFC 5545 3.1: lines of at most 75 octets, not counting CRLF. */
#define LINE_OCTETS 75

/* Decodes one UTF-8 character at s; returns its length, or 0 when the bytes are not valid
 * UTF-8 (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_char(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n;
    unsigned c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Appends s as valid UTF-8 without control characters; with text set, also escapes it as a
 * TEXT value (RFC 5545 3.3.11), turning every kind of line break into \n. */
static void put_clean(struct buf *out, const char *str, int text)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned cp;
        size_t n = utf8_char(s, &cp);
        if (n == 0) {
            buf_puts(out, "\xEF\xBF\xBD");
            s++;
            continue;
        }
        if (cp == '\r' || cp == '\n') {
            if (text)
                buf_puts(out, "\\n");
            s += cp == '\r' && s[1] == '\n' ? 2 : 1;
            continue;
        }
        if ((cp < 0x20 && cp != '\t') || cp == 0x7F) {
            s++;
            continue;
        }
        if (text && (cp == '\\' || cp == ';' || cp == ','))
            buf_putc(out, '\\');
        buf_add(out, s, n);
        s += n;
    }
}

void ical_escape_text(struct buf *out, const char *s)
{
    put_clean(out, s, 1);
}

/* Writes one logical line folded into physical lines: after every 75 octets (74 after the
 * leading space of a continuation) a CRLF and a space, moved back so as not to split a
 * UTF-8 character. */
static void fold(struct buf *out, const char *s, size_t len)
{
    size_t i = 0, room = LINE_OCTETS;
    while (len - i > room) {
        size_t cut = i + room;
        while (cut > i && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        buf_add(out, s + i, cut - i);
        buf_puts(out, "\r\n ");
        i = cut;
        room = LINE_OCTETS - 1;
    }
    buf_add(out, s + i, len - i);
    buf_puts(out, "\r\n");
}

void ical_line(struct buf *out, const char *name, const char *value)
{
    struct buf line;
    buf_init(&line);
    buf_puts(&line, name);
    buf_putc(&line, ':');
    buf_puts(&line, value);
    fold(out, line.data, line.len);
    buf_release(&line);
}

/* A property whose value is TEXT; left out when s is NULL or empty. */
static void text_line(struct buf *out, const char *name, const char *s)
{
    if (!s || !*s)
        return;
    struct buf v;
    buf_init(&v);
    ical_escape_text(&v, s);
    ical_line(out, name, v.data);
    buf_release(&v);
}

/* A property whose value (a URI) needs no escaping, only cleaning. */
static void plain_line(struct buf *out, const char *name, const char *s)
{
    if (!s || !*s)
        return;
    struct buf v;
    buf_init(&v);
    put_clean(&v, s, 0);
    ical_line(out, name, v.data);
    buf_release(&v);
}

/* ";TZID=name", quoted when the name holds a character that ends a parameter. */
static void put_tzid_param(struct buf *out, const char *name)
{
    struct buf v;
    buf_init(&v);
    put_clean(&v, name, 0);
    int quote = strpbrk(v.data, ":;,") != NULL;
    buf_puts(out, ";TZID=");
    if (quote)
        buf_putc(out, '"');
    for (const char *p = v.data; *p; p++)
        if (*p != '"')
            buf_putc(out, *p);
    if (quote)
        buf_putc(out, '"');
    buf_release(&v);
}

static void put_offset(struct buf *out, int32_t off)
{
    int32_t a = off < 0 ? -off : off;
    buf_printf(out, "%c%02d%02d", off < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
    if (a % 60)
        buf_printf(out, "%02d", (int)(a % 60));
}

static void put_local(struct buf *out, struct datetime dt)
{
    buf_printf(out, "%04d%02d%02dT%02d%02d%02d", dt.date.year, dt.date.month, dt.date.day, dt.hour,
               dt.minute, dt.second);
}

static void observance(struct buf *out, struct datetime onset, const struct tz_info *before,
                       const struct tz_info *after)
{
    const char *kind = after->is_dst ? "DAYLIGHT" : "STANDARD";
    struct buf v;
    buf_init(&v);
    ical_line(out, "BEGIN", kind);
    put_local(&v, onset);
    ical_line(out, "DTSTART", v.data);
    buf_reset(&v);
    put_offset(&v, before->offset);
    ical_line(out, "TZOFFSETFROM", v.data);
    buf_reset(&v);
    put_offset(&v, after->offset);
    ical_line(out, "TZOFFSETTO", v.data);
    text_line(out, "TZNAME", after->abbr);
    ical_line(out, "END", kind);
    buf_release(&v);
}

/* The zone as it was from January 1st of the first year to the end of the last: the rules in
 * effect at the start, then every change, each with the wall time it happens at. */
static void write_vtimezone(struct buf *out, const struct tz *zone, int first_year, int last_year)
{
    struct datetime jan1 = {{first_year, 1, 1}, 0, 0, 0};
    struct datetime after_last = {{last_year + 1, 1, 1}, 0, 0, 0};
    int64_t from = tz_to_utc(zone, jan1, NULL), to = tz_to_utc(zone, after_last, NULL);
    struct tz_info start;
    tz_lookup(zone, from, &start);

    ical_line(out, "BEGIN", "VTIMEZONE");
    text_line(out, "TZID", tz_name(zone));
    observance(out, jan1, &start, &start);
    struct tz_transition *tr;
    size_t n = tz_transitions(zone, from + 1, to, &tr);
    for (size_t i = 0; i < n; i++)
        observance(out, date_from_seconds(tr[i].at + tr[i].before.offset), &tr[i].before,
                   &tr[i].after);
    free(tr);
    ical_line(out, "END", "VTIMEZONE");
}

static void write_event(struct buf *out, const struct tz *zone, const struct ical_event *e,
                        const char *dtstamp)
{
    struct buf name, v;
    buf_init(&name);
    buf_init(&v);
    ical_line(out, "BEGIN", "VEVENT");
    text_line(out, "UID", e->uid);
    ical_line(out, "DTSTAMP", dtstamp);
    /* DTEND must come after DTSTART (RFC 5545 3.6.1): an end that does not is left out. */
    int has_end = e->end.date.year != 0;
    if (e->all_day) {
        buf_printf(&v, "%04d%02d%02d", e->start.date.year, e->start.date.month, e->start.date.day);
        ical_line(out, "DTSTART;VALUE=DATE", v.data);
        if (has_end && date_compare(e->end.date, e->start.date) >= 0) {
            struct date after = date_add_days(e->end.date, 1); /* DTEND is exclusive */
            buf_reset(&v);
            buf_printf(&v, "%04d%02d%02d", after.year, after.month, after.day);
            ical_line(out, "DTEND;VALUE=DATE", v.data);
        }
    } else {
        buf_puts(&name, "DTSTART");
        put_tzid_param(&name, tz_name(zone));
        put_local(&v, e->start);
        ical_line(out, name.data, v.data);
        if (has_end && date_compare_datetime(e->end, e->start) > 0) {
            buf_reset(&name);
            buf_reset(&v);
            buf_puts(&name, "DTEND");
            put_tzid_param(&name, tz_name(zone));
            put_local(&v, e->end);
            ical_line(out, name.data, v.data);
        }
    }
    text_line(out, "SUMMARY", e->summary);
    plain_line(out, "STATUS", e->status);
    text_line(out, "LOCATION", e->location);
    text_line(out, "DESCRIPTION", e->description);
    plain_line(out, "URL", e->url);
    ical_line(out, "END", "VEVENT");
    buf_release(&name);
    buf_release(&v);
}

void ical_write(struct buf *out, const char *prodid, const char *calname, const struct tz *zone,
                const struct ical_event *events, size_t n, int64_t dtstamp)
{
    char stamp[32];
    struct datetime s = date_from_seconds(dtstamp);
    snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02dZ", s.date.year, s.date.month,
             s.date.day, s.hour, s.minute, s.second);

    ical_line(out, "BEGIN", "VCALENDAR");
    ical_line(out, "VERSION", "2.0");
    text_line(out, "PRODID", prodid);
    ical_line(out, "CALSCALE", "GREGORIAN");
    ical_line(out, "METHOD", "PUBLISH");
    text_line(out, "X-WR-CALNAME", calname);
    text_line(out, "X-WR-TIMEZONE", tz_name(zone));
    /* A calendar needs one component; without events the zone alone keeps the file valid. */
    int first = n ? events[0].start.date.year : s.date.year, last = first;
    for (size_t i = 0; i < n; i++) {
        const struct ical_event *e = &events[i];
        first = e->start.date.year < first ? e->start.date.year : first;
        last = e->start.date.year > last ? e->start.date.year : last;
        if (e->end.date.year > last)
            last = e->end.date.year;
    }
    write_vtimezone(out, zone, first, last);
    for (size_t i = 0; i < n; i++)
        write_event(out, zone, &events[i], stamp);
    ical_line(out, "END", "VCALENDAR");
}

/* Keeps letters, digits, '-', '_' (and '.' in a host name) of s, lowercased; anything else
 * becomes '-', so the UID needs no escaping. */
static void put_token(struct buf *out, const char *s, size_t len, int dots)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int keep = isalnum(c) || c == '-' || c == '_' || (dots && c == '.');
        buf_putc(out, keep ? (char)tolower(c) : '-');
    }
}

char *ical_uid(const char *base_url, const char *slug, size_t session)
{
    const char *p = strstr(base_url, "://");
    p = p ? p + 3 : base_url;
    size_t auth = strcspn(p, "/?#");
    const char *host = p;
    for (size_t i = 0; i < auth; i++)
        if (p[i] == '@')
            host = p + i + 1;
    size_t host_len = strcspn(host, ":/?#");
    const char *path = p + auth;
    size_t path_len = strcspn(path, "?#");

    struct buf b;
    buf_init(&b);
    put_token(&b, slug, strlen(slug), 0);
    buf_printf(&b, "-%zu", session);
    for (size_t i = 0; i < path_len;) {
        size_t seg = strcspn(path + i, "/?#");
        if (seg > path_len - i)
            seg = path_len - i;
        if (seg) {
            buf_putc(&b, '.');
            put_token(&b, path + i, seg, 0);
        }
        i += seg + 1;
    }
    buf_putc(&b, '@');
    if (host_len)
        put_token(&b, host, host_len, 1);
    else
        buf_puts(&b, "localhost");
    return buf_detach(&b, NULL);
}
