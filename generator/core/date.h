/* date: calendar dates and wall-clock times, as editors type them and as readers see them.
 * Dates are proleptic Gregorian; values are small structs passed by value. Parsing accepts
 * years 0001-9999. Nothing here reports or allocates on its own: a parse returns -1 and fills
 * a struct date_why with a short plain-English reason that the caller (who knows the file,
 * line and column) puts into its diagnostic; formatting appends to the caller's struct buf.
 * Time zones live in tz.h; this module knows wall times and fixed UTC offsets only. */
#ifndef KAIRAN_DATE_H
#define KAIRAN_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct date {
    int year, month, day; /* month 1-12, day 1-31 */
};

/* A wall-clock time without a zone: what an editor writes, in the site's time zone. */
struct datetime {
    struct date date;
    int hour, minute, second;
};

/* Why a parse failed, for a message such as
 *     'start' is not a date and time (February 2021 has only 28 days)
 * text never ends in a full stop; at is the byte offset in the input where the problem is
 * (add it to the value's column to point at it). */
struct date_why {
    char text[384]; /* room for a translation: a Japanese character takes 3 bytes */
    size_t at;
};

/* Parses "YYYY-MM-DD" (exactly; no spaces). Returns 0, or -1 and fills why (may be NULL). */
int date_parse(struct date *out, const char *s, size_t len, struct date_why *why);
/* Parses "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM", each with optional ":SS". 24:00 and leap
 * seconds are rejected. Returns 0, or -1 and fills why (may be NULL). */
int date_parse_datetime(struct datetime *out, const char *s, size_t len, struct date_why *why);
/* Accepts either form above; *has_time tells which (a date alone gives 00:00:00). */
int date_parse_either(struct datetime *out, int *has_time, const char *s, size_t len,
                      struct date_why *why);
/* Parses a count of seconds since 1970-01-01 00:00 UTC in ASCII digits, as SOURCE_DATE_EPOCH
 * holds it (no sign, no spaces; at most 9999-12-31 23:59:59 UTC). Returns 0 or -1 (why). */
int date_parse_epoch(int64_t *out, const char *s, size_t len, struct date_why *why);

/* What --now may say: an instant, as seconds ("@1613709000") or as a date and time with its
 * offset from UTC, the way `date -Iseconds` prints it ("2021-02-19T13:30:00+09:00", also with
 * Z, +0900 or +09); or a wall time in the site's zone ("2021-02-19", "2021-02-19 13:30").
 * tz_parse_now() turns either into an instant. */
struct date_moment {
    int is_epoch;
    int64_t epoch;         /* when is_epoch: seconds since 1970 UTC, within years 1-9999 */
    struct datetime local; /* otherwise (and as written, when an offset was given) */
};
int date_parse_moment(struct date_moment *out, const char *s, size_t len, struct date_why *why);

/* The calendar. */
int date_is_leap_year(int year);
int date_days_in_month(int year, int month); /* 0 for a month outside 1-12 */
int date_is_valid(struct date d);            /* year 1-9999, real month and day */
int date_is_valid_datetime(struct datetime dt);
int date_weekday(struct date d); /* 0 Sunday, 1 Monday, ... 6 Saturday */
/* Days since 1970-01-01 (negative before), and back. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
struct date date_add_days(struct date d, int64_t n);
int64_t date_days_between(struct date from, struct date to); /* to - from */
int date_compare(struct date a, struct date b);              /* <0, 0, >0 */
int date_compare_datetime(struct datetime a, struct datetime b);
/* Seconds since 1970-01-01 00:00 of the wall time read as if it were UTC, and back; with a
 * UTC offset, instant = date_to_seconds(local) - offset. */
int64_t date_to_seconds(struct datetime dt);
struct datetime date_from_seconds(int64_t t);
/* The Japanese fiscal year (年度) a date falls in: April to March, named by the year of its
 * April (2017-03-31 is in fiscal year 2016). */
int date_fiscal_year(struct date d);

/* 和暦. Eras start on their real first day: 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08,
 * 令和 2019-05-01; 明治 is counted from 1868-01-01 (its year 1 as commonly reckoned; Japan
 * used a lunisolar calendar until 1872, so older Gregorian dates are not converted). */
struct date_era {
    const char *name;  /* "令和" */
    const char *latin; /* "R", for compact forms like R3.2.19 */
    int year;          /* 1 is written 元年 */
};
/* Fills out and returns 0, or returns -1 for a date before 1868 (no era). */
int date_era(struct date d, struct date_era *out);

/* Formatting: each appends to out and never fails. */
enum {
    DATE_WESTERN = 1 << 0, /* 2021年2月19日 instead of 令和3年2月19日 */
    DATE_WEEKDAY = 1 << 1, /* add the weekday: 令和3年2月19日（金） */
    DATE_NO_YEAR = 1 << 2, /* 2月19日 (for lists under a year heading) */
    DATE_BOTH_YEARS = 1 << 3 /* 令和3年（2021年）2月19日: both years, as やさしい日本語 writes */
};
/* 令和3年2月19日（金）; before 1868 always the Western form. */
void date_format_ja(struct buf *out, struct date d, unsigned flags);
/* 令和3年2月 / 2021年2月; the era is the one in effect on the month's first day. */
void date_format_ja_month(struct buf *out, int year, int month, unsigned flags);
/* 平成28年度 / 2016年度 for fiscal year 2016; the era is the one in effect on October 1st,
 * the middle of the fiscal year, so fiscal 2019 is 令和元年度 and fiscal 1988 昭和63年度. */
void date_format_ja_fiscal_year(struct buf *out, int fiscal_year, unsigned flags);
/* 13:30 or 9:05 (the hour unpadded, as Japanese print writes it); seconds only when not 0. */
void date_format_time(struct buf *out, struct datetime dt);
/* A session: 令和3年2月19日（金）13:30〜16:00, or across days
 * 令和3年2月19日（金）13:30〜2月20日（土）12:00 (the year repeated only when it changes);
 * end NULL gives 令和3年2月19日（金）13:30〜. */
void date_format_ja_range(struct buf *out, struct datetime start, const struct datetime *end,
                          unsigned flags);
/* Whole days: 令和3年2月19日（金）〜2月21日（日） (the year repeated only when it changes),
 * or a single date when start == end. */
void date_format_ja_day_range(struct buf *out, struct date start, struct date end, unsigned flags);
/* 2021-02-19 */
void date_format_iso(struct buf *out, struct date d);
/* 2021-02-19T13:30:00 */
void date_format_iso_datetime(struct buf *out, struct datetime dt);
/* RFC 3339 for JSON-LD and Atom: 2021-02-19T13:30:00+09:00 (offset in seconds east of UTC;
 * seconds of an offset, found only in 19th-century local mean time, are dropped). */
void date_format_rfc3339(struct buf *out, struct datetime local, int offset);
/* RFC 3339 in UTC: 2021-02-19T04:30:00Z */
void date_format_rfc3339_utc(struct buf *out, int64_t t);
/* 金 / Fri / fri (for CSS classes); wd 0 Sunday .. 6 Saturday. */
const char *date_weekday_ja(int wd);
const char *date_weekday_en(int wd);
const char *date_weekday_key(int wd);

/* A month as a calendar page shows it: rows of 7 cells starting on week_start. */
enum date_week_start { DATE_WEEK_SUNDAY = 0, DATE_WEEK_MONDAY = 1 };
struct date_month_grid {
    int year, month;
    int rows;       /* 4 to 6 */
    int day[6][7];  /* day of the month, 0 for a blank cell; rows beyond 'rows' are 0 */
    int weekday[7]; /* the weekday of each column (0 Sunday .. 6 Saturday) */
    int prev_year, prev_month, next_year, next_month;
};
/* Fills out for a month (1-12) of a year (1-9999). */
void date_month_grid(struct date_month_grid *out, int year, int month,
                     enum date_week_start week_start);

#endif
