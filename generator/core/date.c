#include "core/date.h"

#include "core/intl.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The largest instant whose date still has a four-digit year: 9999-12-31 23:59:59 UTC. */
#define MAX_EPOCH INT64_C(253402300799)

/* For messages only (translated where they are used). */
static const char *const month_names[12] = {
    N_("January"), N_("February"), N_("March"),     N_("April"),   N_("May"),      N_("June"),
    N_("July"),    N_("August"),   N_("September"), N_("October"), N_("November"), N_("December"),
};

/* ---- the calendar ---- */

int date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

int date_is_valid(struct date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= date_days_in_month(d.year, d.month);
}

int date_is_valid_datetime(struct datetime dt)
{
    return date_is_valid(dt.date) && dt.hour >= 0 && dt.hour <= 23 && dt.minute >= 0 &&
           dt.minute <= 59 && dt.second >= 0 && dt.second <= 59;
}

/* Counts in 400-year cycles of 146097 days from a year that starts in March, so the leap day
 * is the last day of its year and month lengths follow a fixed pattern. */
int64_t date_to_days(struct date d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t cycle = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_cycle = y - cycle * 400;
    int64_t month_from_march = d.month > 2 ? d.month - 3 : d.month + 9;
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + d.day - 1;
    int64_t day_of_cycle =
        year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    /* 719468 days separate 0000-03-01 from 1970-01-01. */
    return cycle * 146097 + day_of_cycle - 719468;
}

struct date date_from_days(int64_t days)
{
    /* Keeps every intermediate value and the resulting year well inside an int. */
    const int64_t limit = INT64_C(700000000);
    if (days > limit)
        days = limit;
    if (days < -limit)
        days = -limit;
    int64_t z = days + 719468;
    int64_t cycle = (z >= 0 ? z : z - 146096) / 146097;
    int64_t day_of_cycle = z - cycle * 146097;
    int64_t year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
    int64_t day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    struct date d;
    d.day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    d.month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    d.year = (int)(year_of_cycle + cycle * 400 + (d.month <= 2));
    return d;
}

struct date date_add_days(struct date d, int64_t n)
{
    return date_from_days(date_to_days(d) + n);
}

int64_t date_days_between(struct date from, struct date to)
{
    return date_to_days(to) - date_to_days(from);
}

int date_compare(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int date_compare_datetime(struct datetime a, struct datetime b)
{
    int c = date_compare(a.date, b.date);
    if (c)
        return c;
    long sa = a.hour * 3600L + a.minute * 60L + a.second;
    long sb = b.hour * 3600L + b.minute * 60L + b.second;
    return (sa > sb) - (sa < sb);
}

int date_weekday(struct date d)
{
    /* 1970-01-01 was a Thursday. */
    int64_t w = (date_to_days(d) + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t date_to_seconds(struct datetime dt)
{
    return date_to_days(dt.date) * 86400 + (int64_t)dt.hour * 3600 + (int64_t)dt.minute * 60 +
           dt.second;
}

struct datetime date_from_seconds(int64_t t)
{
    int64_t days = t / 86400, rest = t % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    struct datetime dt;
    dt.date = date_from_days(days);
    dt.hour = (int)(rest / 3600);
    dt.minute = (int)(rest / 60 % 60);
    dt.second = (int)(rest % 60);
    return dt;
}

int date_fiscal_year(struct date d)
{
    return d.month >= 4 ? d.year : d.year - 1;
}

/* ---- parsing ---- */

enum want { WANT_DATE, WANT_DATETIME, WANT_EITHER, WANT_MOMENT };

static const char *expected(enum want w)
{
    switch (w) {
    case WANT_DATE:
        return _("expected YYYY-MM-DD, like 2021-02-19");
    case WANT_DATETIME:
        return _("expected YYYY-MM-DD HH:MM, like 2021-02-19 13:30");
    case WANT_EITHER:
        return _("expected YYYY-MM-DD or YYYY-MM-DD HH:MM, like 2021-02-19 13:30");
    case WANT_MOMENT:
        break;
    }
    return _("expected YYYY-MM-DD, YYYY-MM-DD HH:MM or @SECONDS, like 2021-02-19 13:30");
}

static const char *example(enum want w)
{
    return w == WANT_DATE ? "2021-02-19" : "2021-02-19 13:30";
}

static int fail(struct date_why *why, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct date_why *why, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why) {
        vsnprintf(why->text, sizeof why->text, fmt, ap);
        why->at = at;
    }
    va_end(ap);
    return -1;
}

static size_t count_digits(const char *s, size_t len, size_t i)
{
    size_t n = 0;
    while (i + n < len && s[i + n] >= '0' && s[i + n] <= '9')
        n++;
    return n;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Finds a UTF-8 sequence in s; returns its offset or len. */
static size_t find(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(s + i, needle, n) == 0)
            return i;
    return len;
}

/* Non-ASCII input is most often a date typed the Japanese way; say how to write it. */
static int non_ascii(const char *s, size_t len, size_t first, enum want w, struct date_why *why)
{
    static const char *const wide[] = {"０", "１", "２", "３", "４", "５", "６",
                                       "７", "８", "９", "－", "：", "　", "／"};
    static const char *const words[] = {"年", "月", "日", "時", "分", "令和", "平成", "昭和"};
    static const char *const tildes[] = {"〜", "～"};
    size_t at = len;
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
        size_t p = find(s, len, wide[i]);
        at = p < at ? p : at;
    }
    if (at < len)
        return fail(why, at, _("write it with half-width (ASCII) digits and signs, like %s"),
                    example(w));
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t p = find(s, len, words[i]);
        at = p < at ? p : at;
    }
    if (at < len)
        return fail(why, at, _("write it with digits, hyphens and a colon, like %s"), example(w));
    for (size_t i = 0; i < sizeof tildes / sizeof *tildes; i++) {
        size_t p = find(s, len, tildes[i]);
        at = p < at ? p : at;
    }
    if (at < len)
        return fail(why, at, _("write a single date here, not a range"));
    return fail(why, first, "%s", expected(w));
}

/* An offset from UTC after a time: Z, +HH, +HHMM or +HH:MM (or with -), at s[i]. Sets *seconds
 * (east of UTC) and returns 0, or fails with a reason. */
static int parse_offset(int *seconds, const char *s, size_t len, size_t i, struct date_why *why)
{
    if (s[i] == 'Z' || s[i] == 'z') {
        *seconds = 0;
        return i + 1 == len ? 0 : fail(why, i + 1, _("unexpected characters after the time zone"));
    }
    size_t sign = i++;
    size_t n = count_digits(s, len, i);
    int hh = number(s + i, n < 2 ? n : 2), mm;
    if (n == 2 && i + 2 == len)
        mm = 0;
    else if (n == 4 && i + 4 == len)
        mm = number(s + i + 2, 2);
    else if (n == 2 && s[i + 2] == ':' && count_digits(s, len, i + 3) == 2 && i + 5 == len)
        mm = number(s + i + 3, 2);
    else
        return fail(why, sign, _("write the offset from UTC with two-digit hours and minutes, like "
                                 "+09:00"));
    if (hh > 23 || mm > 59)
        return fail(why, sign, _("there is no offset %c%02d:%02d (offsets go up to 23:59)"),
                    s[sign], hh, mm);
    *seconds = (hh * 3600 + mm * 60) * (s[sign] == '-' ? -1 : 1);
    return 0;
}

/* offset is NULL unless a time may end in an offset from UTC (--now); *offset is then set to
 * it in seconds, or to NO_OFFSET. */
#define NO_OFFSET INT_MIN
static int parse(struct datetime *out, int *has_time, int *offset, const char *s, size_t len,
                 enum want w, struct date_why *why)
{
    if (offset)
        *offset = NO_OFFSET;
    const char *ex = expected(w);
    if (len == 0)
        return fail(why, 0, _("it is empty (%s)"), ex);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return non_ascii(s, len, i, w, why);
    if (s[0] == ' ' || s[0] == '\t')
        return fail(why, 0, _("remove the space before the date"));
    if (s[len - 1] == ' ' || s[len - 1] == '\t')
        return fail(why, len - 1, _("remove the space at the end"));
    if (find(s, len, "~") < len)
        return fail(why, find(s, len, "~"), _("write a single date here, not a range"));

    size_t n = count_digits(s, len, 0);
    if (n == 8 && (len == 8 || s[8] == ' ' || s[8] == 'T'))
        return fail(why, 0, _("write the date with hyphens, like 2021-02-19"));
    if (n == 0)
        return fail(why, 0, "%s", ex);
    if (n != 4)
        return fail(why, 0, _("write the year with four digits, like 2021-02-19"));
    size_t i = 4;
    for (int part = 0; part < 2; part++) {
        if (i < len && (s[i] == '/' || s[i] == '.'))
            return fail(why, i, _("write the date with hyphens, like 2021-02-19"));
        if (i == len || s[i] != '-')
            return fail(why, i, "%s", ex);
        i++;
        n = count_digits(s, len, i);
        if (n == 1)
            return fail(why, i,
                        part == 0 ? _("write the month with two digits, like 2021-02-19")
                                  : _("write the day with two digits, like 2021-02-09"));
        if (n != 2)
            return fail(why, i, "%s", ex);
        i += 2;
    }
    struct datetime dt = {{number(s, 4), number(s + 5, 2), number(s + 8, 2)}, 0, 0, 0};
    if (dt.date.year == 0)
        return fail(why, 0, _("there is no year 0000"));
    if (dt.date.month < 1 || dt.date.month > 12)
        return fail(why, 5, _("there is no month %02d (months go from 01 to 12)"), dt.date.month);
    if (dt.date.day == 0)
        return fail(why, 8, _("there is no day 00 (days start at 01)"));
    int dim = date_days_in_month(dt.date.year, dt.date.month);
    if (dt.date.day > dim)
        /* TRANSLATORS: a month's name, its year and how many days it has. */
        return fail(why, 8, _("%s %d has only %d days"), _(month_names[dt.date.month - 1]),
                    dt.date.year, dim);

    if (i == len) {
        if (w == WANT_DATETIME)
            return fail(why, i, _("add the time after the date, like %.10s 13:30"), s);
        *out = dt;
        *has_time = 0;
        return 0;
    }
    if (s[i] != ' ' && s[i] != 'T')
        return fail(why, i, _("unexpected characters after the date (%s)"), ex);
    if (w == WANT_DATE)
        return fail(why, i, _("write only a date here, like 2021-02-19, without a time"));
    i++;
    size_t time_at = i;
    n = count_digits(s, len, i);
    if (n == 1)
        return fail(why, i, _("write the hour with two digits, like 09:30"));
    if (n != 2)
        return fail(why, i, "%s", ex);
    dt.hour = number(s + i, 2);
    i += 2;
    if (i == len)
        return fail(why, i, _("add the minutes after the hour, like %02d:00"), dt.hour);
    if (s[i] == '.' || s[i] == 'h')
        return fail(why, i, _("write the time with a colon, like 13:30"));
    if (s[i] != ':')
        return fail(why, i, "%s", ex);
    i++;
    n = count_digits(s, len, i);
    if (n == 1)
        return fail(why, i, _("write the minutes with two digits, like 09:05"));
    if (n != 2)
        return fail(why, i, "%s", ex);
    dt.minute = number(s + i, 2);
    i += 2;
    if (i < len && s[i] == ':') {
        i++;
        if (count_digits(s, len, i) != 2)
            return fail(why, i, _("write the seconds with two digits, like 13:30:00"));
        dt.second = number(s + i, 2);
        i += 2;
    }
    int zone = i < len && (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-');
    if (zone && !offset)
        return fail(why, i,
                    _("leave out the time zone: times are in the site's time zone (site.yaml)"));
    if (zone && parse_offset(offset, s, len, i, why) != 0)
        return -1;
    if (i < len && !zone)
        return fail(why, i, _("unexpected characters after the time (%s)"), ex);
    if (dt.hour == 24 && dt.minute == 0 && dt.second == 0)
        return fail(why, time_at, _("24:00 is not a time of day; write 00:00 of the next day"));
    if (dt.hour > 23)
        return fail(why, time_at, _("there is no hour %02d (hours go from 00 to 23)"), dt.hour);
    if (dt.minute > 59)
        return fail(why, time_at + 3, _("there is no minute %02d (minutes go from 00 to 59)"),
                    dt.minute);
    if (dt.second > 59)
        return fail(why, time_at + 6, _("there is no second %02d (seconds go from 00 to 59)"),
                    dt.second);
    *out = dt;
    *has_time = 1;
    return 0;
}

int date_parse(struct date *out, const char *s, size_t len, struct date_why *why)
{
    struct datetime dt;
    int has_time;
    if (parse(&dt, &has_time, NULL, s, len, WANT_DATE, why) != 0)
        return -1;
    *out = dt.date;
    return 0;
}

int date_parse_datetime(struct datetime *out, const char *s, size_t len, struct date_why *why)
{
    int has_time;
    return parse(out, &has_time, NULL, s, len, WANT_DATETIME, why);
}

int date_parse_either(struct datetime *out, int *has_time, const char *s, size_t len,
                      struct date_why *why)
{
    return parse(out, has_time, NULL, s, len, WANT_EITHER, why);
}

static int parse_epoch(int64_t *out, const char *s, size_t len, size_t base, struct date_why *why)
{
    const char *ex = _("expected a number of seconds since 1970-01-01 00:00 UTC, like 1613709000");
    if (len == 0)
        return fail(why, base, _("it is empty (%s)"), ex);
    size_t n = count_digits(s, len, 0);
    if (n != len)
        return fail(why, base + n, "%s", ex);
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > MAX_EPOCH)
            return fail(why, base, _("%.*s seconds is after the year 9999"),
                        (int)(len > 30 ? 30 : len), s);
    }
    *out = v;
    return 0;
}

int date_parse_epoch(int64_t *out, const char *s, size_t len, struct date_why *why)
{
    return parse_epoch(out, s, len, 0, why);
}

int date_parse_moment(struct date_moment *out, const char *s, size_t len, struct date_why *why)
{
    memset(out, 0, sizeof *out);
    if (len > 0 && s[0] == '@') {
        out->is_epoch = 1;
        return parse_epoch(&out->epoch, s + 1, len - 1, 1, why);
    }
    int has_time, offset;
    if (parse(&out->local, &has_time, &offset, s, len, WANT_MOMENT, why) != 0)
        return -1;
    if (offset == NO_OFFSET)
        return 0;
    int64_t t = date_to_seconds(out->local) - offset;
    if (t > MAX_EPOCH)
        return fail(why, 0, _("it is after the year 9999 in UTC"));
    if (t < date_to_seconds((struct datetime){{1, 1, 1}, 0, 0, 0}))
        return fail(why, 0, _("it is before the year 1 in UTC"));
    out->is_epoch = 1;
    out->epoch = t;
    return 0;
}

/* ---- 和暦 ---- */

static const struct era {
    const char *name, *latin;
    struct date start;
} eras[] = {
    {"令和", "R", {2019, 5, 1}},  {"平成", "H", {1989, 1, 8}}, {"昭和", "S", {1926, 12, 25}},
    {"大正", "T", {1912, 7, 30}}, {"明治", "M", {1868, 1, 1}},
};

int date_era(struct date d, struct date_era *out)
{
    for (size_t i = 0; i < sizeof eras / sizeof *eras; i++) {
        if (date_compare(d, eras[i].start) >= 0) {
            out->name = eras[i].name;
            out->latin = eras[i].latin;
            out->year = d.year - eras[i].start.year + 1;
            return 0;
        }
    }
    return -1;
}

/* Appends "令和3年" (or 元年), "令和3年（2021年）" or "2021年". */
static void put_year(struct buf *out, struct date d, unsigned flags)
{
    struct date_era era;
    if ((flags & DATE_WESTERN) || date_era(d, &era) != 0) {
        buf_printf(out, "%d年", d.year);
        return;
    }
    buf_puts(out, era.name);
    if (era.year == 1)
        buf_puts(out, "元");
    else
        buf_printf(out, "%d", era.year);
    buf_puts(out, "年");
    if (flags & DATE_BOTH_YEARS)
        buf_printf(out, "（%d年）", d.year);
}

static const char *const weekdays_ja[7] = {"日", "月", "火", "水", "木", "金", "土"};
static const char *const weekdays_en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const weekdays_key[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

const char *date_weekday_ja(int wd)
{
    return weekdays_ja[((wd % 7) + 7) % 7];
}

const char *date_weekday_en(int wd)
{
    return weekdays_en[((wd % 7) + 7) % 7];
}

const char *date_weekday_key(int wd)
{
    return weekdays_key[((wd % 7) + 7) % 7];
}

void date_format_ja(struct buf *out, struct date d, unsigned flags)
{
    if (!(flags & DATE_NO_YEAR))
        put_year(out, d, flags);
    buf_printf(out, "%d月%d日", d.month, d.day);
    if (flags & DATE_WEEKDAY)
        buf_printf(out, "（%s）", date_weekday_ja(date_weekday(d)));
}

void date_format_ja_month(struct buf *out, int year, int month, unsigned flags)
{
    struct date first = {year, month, 1};
    put_year(out, first, flags);
    buf_printf(out, "%d月", month);
}

void date_format_ja_fiscal_year(struct buf *out, int fiscal_year, unsigned flags)
{
    struct date middle = {fiscal_year, 10, 1};
    struct date_era era;
    if ((flags & DATE_WESTERN) || date_era(middle, &era) != 0) {
        buf_printf(out, "%d年度", fiscal_year);
        return;
    }
    /* Counted from the era's first calendar year, as every year of that era is. */
    int year = era.year;
    buf_puts(out, era.name);
    if (year == 1)
        buf_puts(out, "元");
    else
        buf_printf(out, "%d", year);
    buf_puts(out, "年度");
}

void date_format_time(struct buf *out, struct datetime dt)
{
    buf_printf(out, "%d:%02d", dt.hour, dt.minute);
    if (dt.second)
        buf_printf(out, ":%02d", dt.second);
}

/* Whether two dates show the same year part ("令和3年" or "2021年"). */
static int same_year_label(struct date a, struct date b, unsigned flags)
{
    struct buf x, y;
    buf_init(&x);
    buf_init(&y);
    put_year(&x, a, flags);
    put_year(&y, b, flags);
    int same = strcmp(x.data, y.data) == 0;
    buf_release(&x);
    buf_release(&y);
    return same;
}

/* The end of a range: the year only when it changed (even under DATE_NO_YEAR, since the
 * reader could not guess it). */
static void put_end_date(struct buf *out, struct date start, struct date end, unsigned flags)
{
    if (same_year_label(start, end, flags))
        flags |= DATE_NO_YEAR;
    else
        flags &= ~(unsigned)DATE_NO_YEAR;
    date_format_ja(out, end, flags);
}

void date_format_ja_range(struct buf *out, struct datetime start, const struct datetime *end,
                          unsigned flags)
{
    date_format_ja(out, start.date, flags);
    date_format_time(out, start);
    buf_puts(out, "〜");
    if (!end)
        return;
    if (date_compare(start.date, end->date) != 0)
        put_end_date(out, start.date, end->date, flags);
    date_format_time(out, *end);
}

void date_format_ja_day_range(struct buf *out, struct date start, struct date end, unsigned flags)
{
    date_format_ja(out, start, flags);
    if (date_compare(start, end) == 0)
        return;
    buf_puts(out, "〜");
    put_end_date(out, start, end, flags);
}

/* ---- machine forms ---- */

void date_format_iso(struct buf *out, struct date d)
{
    buf_printf(out, "%04d-%02d-%02d", d.year, d.month, d.day);
}

void date_format_iso_datetime(struct buf *out, struct datetime dt)
{
    date_format_iso(out, dt.date);
    buf_printf(out, "T%02d:%02d:%02d", dt.hour, dt.minute, dt.second);
}

void date_format_rfc3339(struct buf *out, struct datetime local, int offset)
{
    date_format_iso_datetime(out, local);
    int a = offset < 0 ? -offset : offset;
    buf_printf(out, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

void date_format_rfc3339_utc(struct buf *out, int64_t t)
{
    date_format_iso_datetime(out, date_from_seconds(t));
    buf_putc(out, 'Z');
}

/* ---- month grids ---- */

void date_month_grid(struct date_month_grid *out, int year, int month,
                     enum date_week_start week_start)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    out->month = month;
    int start = week_start == DATE_WEEK_MONDAY ? 1 : 0;
    for (int c = 0; c < 7; c++)
        out->weekday[c] = (start + c) % 7;
    int first_col = (date_weekday((struct date){year, month, 1}) - start + 7) % 7;
    int days = date_days_in_month(year, month);
    out->rows = (first_col + days + 6) / 7;
    for (int d = 1; d <= days; d++) {
        int cell = first_col + d - 1;
        out->day[cell / 7][cell % 7] = d;
    }
    out->prev_year = month == 1 ? year - 1 : year;
    out->prev_month = month == 1 ? 12 : month - 1;
    out->next_year = month == 12 ? year + 1 : year;
    out->next_month = month == 12 ? 1 : month + 1;
}
