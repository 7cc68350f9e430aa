/* Fuzzes what editors and the command line type: dates, date-times, --now and
 * SOURCE_DATE_EPOCH values, POSIX zone rules; then every format of what parsed, and the
 * iCalendar text escaping and folding of the raw bytes. Broken promises abort. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/ical.h"
#include "core/tz.h"
#include "core/xalloc.h"

static void check_why(const struct date_why *why, size_t len)
{
    if (why->at > len || why->text[0] == '\0' || memchr(why->text, '\0', sizeof why->text) == NULL)
        abort();
}

static void format_all(struct datetime start, struct datetime end)
{
    struct buf b;
    buf_init(&b);
    for (unsigned flags = 0; flags < 8; flags++) {
        date_format_ja(&b, start.date, flags);
        date_format_ja_month(&b, start.date.year, start.date.month, flags);
        date_format_ja_fiscal_year(&b, date_fiscal_year(start.date), flags);
        date_format_ja_range(&b, start, &end, flags);
        date_format_ja_range(&b, start, NULL, flags);
        date_format_ja_day_range(&b, start.date, end.date, flags);
    }
    date_format_iso_datetime(&b, start);
    date_format_rfc3339(&b, start, 9 * 3600);
    date_format_rfc3339_utc(&b, date_to_seconds(start));
    struct date_month_grid g;
    date_month_grid(&g, start.date.year, start.date.month, DATE_WEEK_MONDAY);
    if (g.rows < 4 || g.rows > 6)
        abort();
    if (date_compare(date_from_days(date_to_days(start.date)), start.date) != 0)
        abort();
    buf_release(&b);
}

/* Folding must keep every physical line within 75 octets and never split a character. */
static void check_ical_line(const char *s)
{
    struct buf text, line;
    buf_init(&text);
    buf_init(&line);
    ical_escape_text(&text, s);
    ical_line(&line, "SUMMARY", text.data);
    size_t start = 0;
    for (size_t i = 0; i + 1 < line.len; i++) {
        if (line.data[i] == '\r' && line.data[i + 1] == '\n') {
            if (i - start > 75)
                abort();
            if (i + 3 < line.len && ((unsigned char)line.data[i + 3] & 0xC0) == 0x80)
                abort();
            start = i + 2;
            i++;
        } else if (line.data[i] == '\r' || line.data[i] == '\n') {
            abort();
        }
    }
    buf_release(&text);
    buf_release(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so reading past the length is caught. */
    char *s = xmalloc(size ? size : 1);
    memcpy(s, data, size);
    struct date_why why;
    struct date d;
    struct datetime dt, other = {{2021, 2, 19}, 13, 30, 0};
    struct date_moment m;
    int64_t epoch;
    int has_time;

    if (date_parse(&d, s, size, &why) == 0) {
        if (!date_is_valid(d))
            abort();
        format_all((struct datetime){d, 0, 0, 0}, other);
    } else {
        check_why(&why, size);
    }
    if (date_parse_datetime(&dt, s, size, &why) == 0) {
        if (!date_is_valid_datetime(dt))
            abort();
        format_all(dt, other);
        format_all(other, dt);
    } else {
        check_why(&why, size);
    }
    if (date_parse_either(&dt, &has_time, s, size, &why) != 0)
        check_why(&why, size);
    if (date_parse_moment(&m, s, size, &why) != 0)
        check_why(&why, size);
    if (date_parse_epoch(&epoch, s, size, &why) == 0)
        format_all(date_from_seconds(epoch), other);
    else
        check_why(&why, size);

    char *z = xstrndup(s, size);
    struct diag diag;
    diag_init(&diag);
    struct tz *zone = tz_from_posix(&diag, z, NULL, 0, 0);
    if (zone) {
        struct tz_transition *tr;
        size_t n = tz_transitions(zone, 946684800, 1924992000, &tr);
        for (size_t i = 0; i + 1 < n; i++)
            if (tr[i].at >= tr[i + 1].at)
                abort();
        free(tr);
        int64_t t = 1613709000;
        if (date_parse_moment(&m, s, size, &why) == 0)
            t = m.is_epoch ? m.epoch : tz_to_utc(zone, m.local, NULL);
        struct buf b;
        buf_init(&b);
        tz_format_rfc3339(&b, zone, t);
        struct ical_event ev = {
            "uid", z, z, z, z, tz_to_local(zone, t), tz_to_local(zone, t + 3600), 0, z};
        ical_write(&b, "-//fuzz//fuzz//EN", z, zone, &ev, 1, t);
        buf_release(&b);
        tz_free(zone);
    }
    diag_release(&diag);
    check_ical_line(z);
    free(z);
    free(s);
    return 0;
}
