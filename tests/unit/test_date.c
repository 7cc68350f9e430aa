/* Unit tests of date: parsing with exact reasons, the calendar, 和暦, formatting, month grids. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "harness.h"

static struct date D(int y, int m, int d) {
    return (struct date){y, m, d};
}

static struct datetime
DT(int y, int m, int d, int hh, int mm) {
    return (struct datetime){{y, m, d}, hh, mm, 0};
}

/* ---- parsing ---- */

static void
parses_good_dates(void)
{
    struct date d;
    CHECK_INT(date_parse(&d, "2021-02-19", 10, NULL), 0);
    CHECK_INT(d.year, 2021);
    CHECK_INT(d.month, 2);
    CHECK_INT(d.day, 19);
    CHECK_INT(date_parse(&d, "2020-02-29", 10, NULL), 0);
    CHECK_INT(d.day, 29);
    CHECK_INT(date_parse(&d, "2000-02-29", 10, NULL), 0);
    CHECK_INT(date_parse(&d, "0001-01-01", 10, NULL), 0);
    CHECK_INT(date_parse(&d, "9999-12-31", 10, NULL), 0);
    CHECK_INT(d.year, 9999);
    /* The length bounds the input: what follows is not read. */
    CHECK_INT(date_parse(&d, "2021-03-31 garbage", 10, NULL), 0);
    CHECK_INT(d.month, 3);
    CHECK_INT(d.day, 31);
}

static void parses_good_datetimes(void)
{
    static const struct {
        const char *in;
        int h, m, s;
    } cases[] = {
        {"2021-02-19 13:30", 13, 30, 0},     {"2021-02-19T13:30", 13, 30, 0},
        {"2021-02-19 13:30:45", 13, 30, 45}, {"2021-02-19T00:00:00", 0, 0, 0},
        {"2021-02-19 23:59:59", 23, 59, 59}, {"2021-02-19 09:05", 9, 5, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct datetime dt;
        struct date_why why;
        int ok = date_parse_datetime(&dt, cases[i].in, strlen(cases[i].in), &why) == 0 &&
                 dt.date.year == 2021 && dt.date.month == 2 && dt.date.day == 19 &&
                 dt.hour == cases[i].h && dt.minute == cases[i].m && dt.second == cases[i].s;
        harness_case(cases[i].in, ok);
    }
}

static void parses_either_form(void)
{
    struct datetime dt;
    int has_time = -1;
    CHECK_INT(date_parse_either(&dt, &has_time, "2021-02-19", 10, NULL), 0);
    CHECK_INT(has_time, 0);
    CHECK_INT(dt.hour, 0);
    CHECK_INT(date_parse_either(&dt, &has_time, "2021-02-19 13:30", 16, NULL), 0);
    CHECK_INT(has_time, 1);
    CHECK_INT(dt.minute, 30);
}

enum form { F_DATE, F_DATETIME, F_EITHER, F_MOMENT, F_EPOCH };

static const struct bad {
    enum form form;
    const char *in;
    const char *why;
    size_t at;
} bad_cases[] = {
    {F_DATE, "", "it is empty (expected YYYY-MM-DD, like 2021-02-19)", 0},
    {F_DATETIME, "", "it is empty (expected YYYY-MM-DD HH:MM, like 2021-02-19 13:30)", 0},
    {F_DATE, "2021-02-29", "February 2021 has only 28 days", 8},
    {F_DATE, "2100-02-29", "February 2100 has only 28 days", 8},
    {F_DATE, "2021-04-31", "April 2021 has only 30 days", 8},
    {F_DATE, "2021-01-32", "January 2021 has only 31 days", 8},
    {F_DATE, "2021-13-01", "there is no month 13 (months go from 01 to 12)", 5},
    {F_DATE, "2021-00-10", "there is no month 00 (months go from 01 to 12)", 5},
    {F_DATE, "2021-02-00", "there is no day 00 (days start at 01)", 8},
    {F_DATE, "0000-01-01", "there is no year 0000", 0},
    {F_DATE, "2021/02/19", "write the date with hyphens, like 2021-02-19", 4},
    {F_DATE, "2021.02.19", "write the date with hyphens, like 2021-02-19", 4},
    {F_DATE, "2021-02/19", "write the date with hyphens, like 2021-02-19", 7},
    {F_DATE, "20210219", "write the date with hyphens, like 2021-02-19", 0},
    {F_DATE, "21-02-19", "write the year with four digits, like 2021-02-19", 0},
    {F_DATE, "2021-2-19", "write the month with two digits, like 2021-02-19", 5},
    {F_DATE, "2021-02-9", "write the day with two digits, like 2021-02-09", 8},
    {F_DATE, "2021-02-19 13:30", "write only a date here, like 2021-02-19, without a time", 10},
    {F_DATE, "2021-02-19x",
     "unexpected characters after the date (expected YYYY-MM-DD, like "
     "2021-02-19)",
     10},
    {F_DATE, "tomorrow", "expected YYYY-MM-DD, like 2021-02-19", 0},
    {F_DATE, "2021", "expected YYYY-MM-DD, like 2021-02-19", 4},
    {F_DATE, " 2021-02-19", "remove the space before the date", 0},
    {F_DATE, "2021-02-19 ", "remove the space at the end", 10},
    {F_DATE, "２０２１－０２－１９",
     "write it with half-width (ASCII) digits and signs, like "
     "2021-02-19",
     0},
    {F_DATETIME, "2021-02-19　13:30",
     "write it with half-width (ASCII) digits and signs, like "
     "2021-02-19 13:30",
     10},
    {F_DATE, "2021年2月19日", "write it with digits, hyphens and a colon, like 2021-02-19", 4},
    {F_DATE, "令和3年2月19日", "write it with digits, hyphens and a colon, like 2021-02-19", 0},
    {F_DATETIME, "2021-02-19 13:30〜16:00", "write a single date here, not a range", 16},
    {F_DATETIME, "2021-02-19 13:30~16:00", "write a single date here, not a range", 16},
    {F_DATE, "2021-02-19\xff", "expected YYYY-MM-DD, like 2021-02-19", 10},
    {F_DATETIME, "2021-02-19", "add the time after the date, like 2021-02-19 13:30", 10},
    {F_DATETIME, "2020-12-01", "add the time after the date, like 2020-12-01 13:30", 10},
    {F_DATETIME, "2021-02-19 24:00", "24:00 is not a time of day; write 00:00 of the next day", 11},
    {F_DATETIME, "2021-02-19 24:00:00", "24:00 is not a time of day; write 00:00 of the next day",
     11},
    {F_DATETIME, "2021-02-19 24:30", "there is no hour 24 (hours go from 00 to 23)", 11},
    {F_DATETIME, "2021-02-19 13:60", "there is no minute 60 (minutes go from 00 to 59)", 14},
    {F_DATETIME, "2021-02-19 13:30:60", "there is no second 60 (seconds go from 00 to 59)", 17},
    {F_DATETIME, "2021-02-19 9:30", "write the hour with two digits, like 09:30", 11},
    {F_DATETIME, "2021-02-19 09:5", "write the minutes with two digits, like 09:05", 14},
    {F_DATETIME, "2021-02-19 13:30:5", "write the seconds with two digits, like 13:30:00", 17},
    {F_DATETIME, "2021-02-19 13", "add the minutes after the hour, like 13:00", 13},
    {F_DATETIME, "2021-02-19 13.30", "write the time with a colon, like 13:30", 13},
    {F_DATETIME, "2021-02-19 13:30+09:00",
     "leave out the time zone: times are in the site's time zone (site.yaml)", 16},
    {F_DATETIME, "2021-02-19T13:30Z",
     "leave out the time zone: times are in the site's time zone (site.yaml)", 16},
    {F_DATETIME, "2021-02-19 13:30 pm",
     "unexpected characters after the time (expected "
     "YYYY-MM-DD HH:MM, like 2021-02-19 13:30)",
     16},
    {F_DATETIME, "2021-02-19  13:30", "expected YYYY-MM-DD HH:MM, like 2021-02-19 13:30", 11},
    {F_DATETIME, "2021-02-30 25:00", "February 2021 has only 28 days", 8},
    {F_EITHER, "2021-02-19 7:00", "write the hour with two digits, like 09:30", 11},
    {F_EITHER, "soon", "expected YYYY-MM-DD or YYYY-MM-DD HH:MM, like 2021-02-19 13:30", 0},
    {F_MOMENT, "yesterday",
     "expected YYYY-MM-DD, YYYY-MM-DD HH:MM or @SECONDS, like 2021-02-19 13:30", 0},
    {F_MOMENT, "@",
     "it is empty (expected a number of seconds since 1970-01-01 00:00 UTC, like 1613709000)", 1},
    {F_MOMENT, "@16137x",
     "expected a number of seconds since 1970-01-01 00:00 UTC, like 1613709000", 6},
    {F_MOMENT, "@-5", "expected a number of seconds since 1970-01-01 00:00 UTC, like 1613709000",
     1},
    {F_MOMENT, "2021-02-19T13:30:00+9",
     "write the offset from UTC with two-digit hours and minutes, like +09:00", 19},
    {F_MOMENT, "2021-02-19T13:30:00+09:0",
     "write the offset from UTC with two-digit hours and minutes, like +09:00", 19},
    {F_MOMENT, "2021-02-19T13:30:00+09:00:00",
     "write the offset from UTC with two-digit hours and minutes, like +09:00", 19},
    {F_MOMENT, "2021-02-19T13:30+24:00", "there is no offset +24:00 (offsets go up to 23:59)", 16},
    {F_MOMENT, "2021-02-19T13:30-09:60", "there is no offset -09:60 (offsets go up to 23:59)", 16},
    {F_MOMENT, "2021-02-19T13:30 +09:00",
     "unexpected characters after the time (expected YYYY-MM-DD, YYYY-MM-DD HH:MM or @SECONDS, "
     "like 2021-02-19 13:30)",
     16},
    {F_MOMENT, "2021-02-19+09:00",
     "unexpected characters after the date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM or @SECONDS, "
     "like 2021-02-19 13:30)",
     10},
    {F_MOMENT, "9999-12-31T23:00:00-05:00", "it is after the year 9999 in UTC", 0},
    {F_MOMENT, "0001-01-01T08:00:00+09:00", "it is before the year 1 in UTC", 0},
    {F_EITHER, "2021-02-19 13:30+09:00",
     "leave out the time zone: times are in the site's time zone (site.yaml)", 16},
    {F_EPOCH, "",
     "it is empty (expected a number of seconds since 1970-01-01 00:00 UTC, like "
     "1613709000)",
     0},
    {F_EPOCH, " 1613709000",
     "expected a number of seconds since 1970-01-01 00:00 UTC, like 1613709000", 0},
    {F_EPOCH, "253402300800", "253402300800 seconds is after the year 9999", 0},
    {F_EPOCH, "99999999999999999999999", "99999999999999999999999 seconds is after the year 9999",
     0},
};

static void rejects_bad_input_with_reasons(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const struct bad *c = &bad_cases[i];
        struct date_why why = {"(none)", 999};
        struct date d;
        struct datetime dt;
        struct date_moment m;
        int64_t e;
        int has_time, rc = 0;
        size_t len = strlen(c->in);
        switch (c->form) {
        case F_DATE:
            rc = date_parse(&d, c->in, len, &why);
            break;
        case F_DATETIME:
            rc = date_parse_datetime(&dt, c->in, len, &why);
            break;
        case F_EITHER:
            rc = date_parse_either(&dt, &has_time, c->in, len, &why);
            break;
        case F_MOMENT:
            rc = date_parse_moment(&m, c->in, len, &why);
            break;
        case F_EPOCH:
            rc = date_parse_epoch(&e, c->in, len, &why);
            break;
        }
        int ok = rc == -1 && strcmp(why.text, c->why) == 0 && why.at == c->at;
        if (!ok)
            fprintf(stderr, "input \"%s\": rc %d, why \"%s\" at %zu\n  want \"%s\" at %zu\n", c->in,
                    rc, why.text, why.at, c->why, c->at);
        harness_case(c->in, ok);
    }
}

static void reason_is_optional(void)
{
    struct date d;
    CHECK_INT(date_parse(&d, "2021-02-30", 10, NULL), -1);
    CHECK_INT(date_parse(&d, "", 0, NULL), -1);
}

static void parses_epochs_and_moments(void)
{
    int64_t e = -1;
    CHECK_INT(date_parse_epoch(&e, "1613709000", 10, NULL), 0);
    CHECK_INT(e, 1613709000);
    CHECK_INT(date_parse_epoch(&e, "0", 1, NULL), 0);
    CHECK_INT(e, 0);
    CHECK_INT(date_parse_epoch(&e, "253402300799", 12, NULL), 0);
    CHECK_INT(e, INT64_C(253402300799));

    struct date_moment m;
    CHECK_INT(date_parse_moment(&m, "@1613709000", 11, NULL), 0);
    CHECK_INT(m.is_epoch, 1);
    CHECK_INT(m.epoch, 1613709000);
    CHECK_INT(date_parse_moment(&m, "2021-02-19 13:30", 16, NULL), 0);
    CHECK_INT(m.is_epoch, 0);
    CHECK_INT(m.local.hour, 13);
    CHECK_INT(date_parse_moment(&m, "2021-02-19", 10, NULL), 0);
    CHECK_INT(m.is_epoch, 0);
    CHECK_INT(m.local.date.day, 19);
    CHECK_INT(m.local.hour, 0);

    /* A date and time with its offset from UTC is an instant, whatever the site's zone. */
    static const char *const same[] = {
        "2021-02-19T13:30:00+09:00", "2021-02-19T13:30+09:00", "2021-02-19 13:30+0900",
        "2021-02-19T13:30:00+09",    "2021-02-19T04:30:00Z",   "2021-02-19T04:30z",
        "2021-02-18T23:30:00-05:00", "2021-02-19T04:30:00-00:00",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        memset(&m, 0, sizeof m);
        int ok = date_parse_moment(&m, same[i], strlen(same[i]), NULL) == 0 && m.is_epoch &&
                 m.epoch == 1613709000;
        harness_case(same[i], ok);
    }
    CHECK_INT(date_parse_moment(&m, "1969-12-31T23:59:59Z", 20, NULL), 0);
    CHECK_INT(m.epoch, -1);
    CHECK_INT(date_parse_moment(&m, "9999-12-31T23:59:59Z", 20, NULL), 0);
    CHECK_INT(m.epoch, INT64_C(253402300799));
}

/* ---- the calendar ---- */

static void leap_years(void)
{
    CHECK(date_is_leap_year(2020));
    CHECK(date_is_leap_year(2000));
    CHECK(date_is_leap_year(2400));
    CHECK(!date_is_leap_year(1900));
    CHECK(!date_is_leap_year(2100));
    CHECK(!date_is_leap_year(2021));
    CHECK_INT(date_days_in_month(2020, 2), 29);
    CHECK_INT(date_days_in_month(1900, 2), 28);
    CHECK_INT(date_days_in_month(2021, 12), 31);
    CHECK_INT(date_days_in_month(2021, 13), 0);
    CHECK(date_is_valid(D(2024, 2, 29)));
    CHECK(!date_is_valid(D(2023, 2, 29)));
    CHECK(!date_is_valid(D(10000, 1, 1)));
    CHECK(!date_is_valid_datetime(DT(2021, 2, 19, 24, 0)));
    CHECK(date_is_valid_datetime(DT(2021, 2, 19, 23, 59)));
}

static void weekdays_across_centuries(void)
{
    static const struct {
        struct date d;
        int wd;
        long days;
    } known[] = {
        {{1, 1, 1}, 1, -719162},     {{1582, 10, 15}, 5, -141427}, {{1752, 9, 14}, 4, -79366},
        {{1868, 1, 1}, 3, -37255},   {{1900, 1, 1}, 1, -25567},    {{1912, 7, 30}, 2, -20974},
        {{1926, 12, 25}, 6, -15713}, {{1970, 1, 1}, 4, 0},         {{1989, 1, 8}, 0, 6947},
        {{2000, 1, 1}, 6, 10957},    {{2000, 2, 29}, 2, 11016},    {{2019, 5, 1}, 3, 18017},
        {{2021, 2, 19}, 5, 18677},   {{2100, 3, 1}, 1, 47541},     {{9999, 12, 31}, 5, 2932896},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        CHECK_INT(date_weekday(known[i].d), known[i].wd);
        CHECK_INT(date_to_days(known[i].d), known[i].days);
    }
}

/* Walks every day of years 1-9999: each is the day after the previous one by the month
 * lengths, its day number one more, its weekday the next, and conversion round-trips. */
static void every_day_round_trips(void)
{
    struct date d = D(1, 1, 1);
    int64_t n = date_to_days(d);
    int wd = date_weekday(d);
    int bad = 0;
    for (;;) {
        struct date back = date_from_days(n);
        if (date_compare(back, d) != 0 || date_weekday(d) != wd || !date_is_valid(d))
            bad++;
        if (d.year == 9999 && d.month == 12 && d.day == 31)
            break;
        if (++d.day > date_days_in_month(d.year, d.month)) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
        n++;
        wd = (wd + 1) % 7;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(n, 2932896);
}

static void arithmetic(void)
{
    CHECK_INT(date_days_between(D(2021, 2, 19), D(2021, 3, 1)), 10);
    CHECK_INT(date_days_between(D(2020, 2, 19), D(2020, 3, 1)), 11);
    CHECK_INT(date_days_between(D(2021, 3, 1), D(2021, 2, 19)), -10);
    CHECK_INT(date_days_between(D(2000, 1, 1), D(2001, 1, 1)), 366);
    struct date d = date_add_days(D(2021, 12, 31), 1);
    CHECK(date_compare(d, D(2022, 1, 1)) == 0);
    d = date_add_days(D(2024, 3, 1), -1);
    CHECK(date_compare(d, D(2024, 2, 29)) == 0);
    d = date_add_days(D(1969, 12, 31), 1);
    CHECK(date_compare(d, D(1970, 1, 1)) == 0);
    CHECK(date_compare(D(2021, 2, 19), D(2021, 2, 20)) < 0);
    CHECK(date_compare(D(2021, 3, 1), D(2021, 2, 28)) > 0);
    CHECK(date_compare(D(2020, 12, 31), D(2021, 1, 1)) < 0);
    CHECK(date_compare_datetime(DT(2021, 2, 19, 13, 30), DT(2021, 2, 19, 13, 31)) < 0);
    CHECK(date_compare_datetime(DT(2021, 2, 19, 13, 30), DT(2021, 2, 19, 13, 30)) == 0);
    CHECK(date_compare_datetime(DT(2021, 2, 20, 0, 0), DT(2021, 2, 19, 23, 59)) > 0);

    CHECK_INT(date_to_seconds(DT(2021, 2, 19, 4, 30)), 1613709000);
    struct datetime dt = date_from_seconds(1613709000);
    CHECK(date_compare_datetime(dt, DT(2021, 2, 19, 4, 30)) == 0);
    dt = date_from_seconds(-1);
    CHECK(date_compare_datetime(dt, (struct datetime){{1969, 12, 31}, 23, 59, 59}) == 0);
    /* Absurd inputs stay defined (the year is clamped, nothing overflows). */
    dt = date_from_seconds(INT64_MAX);
    CHECK(dt.date.year > 1000000);
    dt = date_from_seconds(INT64_MIN);
    CHECK(dt.date.year < -1000000);
}

static void fiscal_years(void)
{
    CHECK_INT(date_fiscal_year(D(2016, 4, 1)), 2016);
    CHECK_INT(date_fiscal_year(D(2017, 3, 31)), 2016);
    CHECK_INT(date_fiscal_year(D(2016, 3, 31)), 2015);
    CHECK_INT(date_fiscal_year(D(2017, 4, 1)), 2017);
}

/* ---- 和暦 ---- */

static char *ja(struct date d, unsigned flags)
{
    struct buf b;
    buf_init(&b);
    date_format_ja(&b, d, flags);
    return buf_detach(&b, NULL);
}

static void era_boundaries(void)
{
    static const struct {
        struct date d;
        const char *want;
    } cases[] = {
        {{1867, 12, 31}, "1867年12月31日"},   {{1868, 1, 1}, "明治元年1月1日"},
        {{1868, 10, 23}, "明治元年10月23日"}, {{1869, 1, 1}, "明治2年1月1日"},
        {{1912, 7, 29}, "明治45年7月29日"},   {{1912, 7, 30}, "大正元年7月30日"},
        {{1913, 1, 1}, "大正2年1月1日"},      {{1926, 12, 24}, "大正15年12月24日"},
        {{1926, 12, 25}, "昭和元年12月25日"}, {{1927, 1, 1}, "昭和2年1月1日"},
        {{1989, 1, 7}, "昭和64年1月7日"},     {{1989, 1, 8}, "平成元年1月8日"},
        {{1990, 1, 1}, "平成2年1月1日"},      {{2019, 4, 30}, "平成31年4月30日"},
        {{2019, 5, 1}, "令和元年5月1日"},     {{2019, 12, 31}, "令和元年12月31日"},
        {{2020, 1, 1}, "令和2年1月1日"},      {{2021, 2, 19}, "令和3年2月19日"},
        {{2100, 1, 1}, "令和82年1月1日"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = ja(cases[i].d, 0);
        CHECK_STR(got, cases[i].want);
        free(got);
    }
    struct date_era era;
    CHECK_INT(date_era(D(2021, 2, 19), &era), 0);
    CHECK_STR(era.name, "令和");
    CHECK_STR(era.latin, "R");
    CHECK_INT(era.year, 3);
    CHECK_INT(date_era(D(1989, 1, 7), &era), 0);
    CHECK_STR(era.latin, "S");
    CHECK_INT(era.year, 64);
    CHECK_INT(date_era(D(1867, 12, 31), &era), -1);
}

static void formats_dates(void)
{
    char *s = ja(D(2021, 2, 19), DATE_WEEKDAY);
    CHECK_STR(s, "令和3年2月19日（金）");
    free(s);
    s = ja(D(2021, 2, 19), DATE_WESTERN | DATE_WEEKDAY);
    CHECK_STR(s, "2021年2月19日（金）");
    free(s);
    s = ja(D(2021, 2, 19), DATE_NO_YEAR | DATE_WEEKDAY);
    CHECK_STR(s, "2月19日（金）");
    free(s);
    s = ja(D(2019, 5, 1), DATE_WEEKDAY);
    CHECK_STR(s, "令和元年5月1日（水）");
    free(s);
    s = ja(D(2000, 1, 2), DATE_WEEKDAY);
    CHECK_STR(s, "平成12年1月2日（日）");
    free(s);

    struct buf b;
    buf_init(&b);
    date_format_ja_month(&b, 2021, 2, 0);
    CHECK_STR(b.data, "令和3年2月");
    buf_reset(&b);
    date_format_ja_month(&b, 2019, 4, 0);
    CHECK_STR(b.data, "平成31年4月");
    buf_reset(&b);
    date_format_ja_month(&b, 2019, 5, 0);
    CHECK_STR(b.data, "令和元年5月");
    buf_reset(&b);
    date_format_ja_month(&b, 1989, 1, 0);
    CHECK_STR(b.data, "昭和64年1月");
    buf_reset(&b);
    date_format_ja_month(&b, 2021, 2, DATE_WESTERN);
    CHECK_STR(b.data, "2021年2月");
    buf_reset(&b);

    date_format_iso(&b, D(2021, 2, 9));
    CHECK_STR(b.data, "2021-02-09");
    buf_reset(&b);
    date_format_iso(&b, D(33, 1, 1));
    CHECK_STR(b.data, "0033-01-01");
    buf_reset(&b);
    date_format_iso_datetime(&b, DT(2021, 2, 19, 9, 5));
    CHECK_STR(b.data, "2021-02-19T09:05:00");
    buf_reset(&b);
    date_format_rfc3339(&b, DT(2021, 2, 19, 13, 30), 9 * 3600);
    CHECK_STR(b.data, "2021-02-19T13:30:00+09:00");
    buf_reset(&b);
    date_format_rfc3339(&b, DT(2021, 2, 19, 8, 0), -(3 * 3600 + 1800));
    CHECK_STR(b.data, "2021-02-19T08:00:00-03:30");
    buf_reset(&b);
    date_format_rfc3339(&b, DT(2021, 2, 19, 8, 0), 0);
    CHECK_STR(b.data, "2021-02-19T08:00:00+00:00");
    buf_reset(&b);
    date_format_rfc3339_utc(&b, 1613709000);
    CHECK_STR(b.data, "2021-02-19T04:30:00Z");
    buf_release(&b);

    CHECK_STR(date_weekday_ja(0), "日");
    CHECK_STR(date_weekday_ja(6), "土");
    CHECK_STR(date_weekday_en(5), "Fri");
    CHECK_STR(date_weekday_key(1), "mon");
}

static void fiscal_year_names(void)
{
    static const struct {
        int fy;
        unsigned flags;
        const char *want;
    } cases[] = {
        {2016, 0, "平成28年度"}, {2016, DATE_WESTERN, "2016年度"}, {2018, 0, "平成30年度"},
        {2019, 0, "令和元年度"}, {2020, 0, "令和2年度"},           {1988, 0, "昭和63年度"},
        {1989, 0, "平成元年度"}, {1926, 0, "大正15年度"},          {1912, 0, "大正元年度"},
        {1867, 0, "1867年度"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct buf b;
        buf_init(&b);
        date_format_ja_fiscal_year(&b, cases[i].fy, cases[i].flags);
        CHECK_STR(b.data, cases[i].want);
        buf_release(&b);
    }
    /* Every day of fiscal 2016 is named 平成28年度. */
    int bad = 0;
    for (struct date d = D(2016, 4, 1); date_compare(d, D(2017, 3, 31)) <= 0;
         d = date_add_days(d, 1)) {
        struct buf b;
        buf_init(&b);
        date_format_ja_fiscal_year(&b, date_fiscal_year(d), 0);
        bad += strcmp(b.data, "平成28年度") != 0;
        buf_release(&b);
    }
    CHECK_INT(bad, 0);
}

static void formats_times_and_ranges(void)
{
    struct buf b;
    buf_init(&b);
    date_format_time(&b, DT(2021, 2, 19, 9, 5));
    CHECK_STR(b.data, "9:05");
    buf_reset(&b);
    date_format_time(&b, (struct datetime){{2021, 2, 19}, 13, 30, 15});
    CHECK_STR(b.data, "13:30:15");
    buf_reset(&b);

    struct datetime start = DT(2021, 2, 19, 13, 30), end = DT(2021, 2, 19, 16, 0);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY);
    CHECK_STR(b.data, "令和3年2月19日（金）13:30〜16:00");
    buf_reset(&b);
    end = DT(2021, 2, 20, 12, 0);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY);
    CHECK_STR(b.data, "令和3年2月19日（金）13:30〜2月20日（土）12:00");
    buf_reset(&b);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY | DATE_NO_YEAR);
    CHECK_STR(b.data, "2月19日（金）13:30〜2月20日（土）12:00");
    buf_reset(&b);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY | DATE_WESTERN);
    CHECK_STR(b.data, "2021年2月19日（金）13:30〜2月20日（土）12:00");
    buf_reset(&b);
    date_format_ja_range(&b, start, NULL, DATE_WEEKDAY);
    CHECK_STR(b.data, "令和3年2月19日（金）13:30〜");
    buf_reset(&b);
    start = DT(2021, 12, 31, 22, 0);
    end = DT(2022, 1, 1, 1, 0);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY | DATE_NO_YEAR);
    CHECK_STR(b.data, "12月31日（金）22:00〜令和4年1月1日（土）1:00");
    buf_reset(&b);
    /* Same Western year, different eras: the era is written again. */
    start = DT(2019, 4, 30, 10, 0);
    end = DT(2019, 5, 1, 10, 0);
    date_format_ja_range(&b, start, &end, 0);
    CHECK_STR(b.data, "平成31年4月30日10:00〜令和元年5月1日10:00");
    buf_reset(&b);
    date_format_ja_range(&b, start, &end, DATE_WESTERN);
    CHECK_STR(b.data, "2019年4月30日10:00〜5月1日10:00");
    buf_reset(&b);

    date_format_ja_day_range(&b, D(2021, 2, 19), D(2021, 2, 21), DATE_WEEKDAY);
    CHECK_STR(b.data, "令和3年2月19日（金）〜2月21日（日）");
    buf_reset(&b);
    date_format_ja_day_range(&b, D(2021, 2, 19), D(2021, 2, 19), DATE_WEEKDAY);
    CHECK_STR(b.data, "令和3年2月19日（金）");
    buf_reset(&b);

    /* やさしい日本語 gives both years; the second year only where it changes, as the first. */
    date_format_ja(&b, D(2019, 5, 1), DATE_WEEKDAY | DATE_BOTH_YEARS);
    CHECK_STR(b.data, "令和元年（2019年）5月1日（水）");
    buf_reset(&b);
    start = DT(2021, 12, 31, 22, 0);
    end = DT(2022, 1, 1, 1, 0);
    date_format_ja_range(&b, start, &end, DATE_WEEKDAY | DATE_BOTH_YEARS);
    CHECK_STR(b.data, "令和3年（2021年）12月31日（金）22:00〜令和4年（2022年）1月1日（土）1:00");
    buf_reset(&b);
    date_format_ja_day_range(&b, D(2021, 2, 19), D(2021, 2, 21), DATE_WEEKDAY | DATE_BOTH_YEARS);
    CHECK_STR(b.data, "令和3年（2021年）2月19日（金）〜2月21日（日）");
    buf_reset(&b);
    date_format_ja_month(&b, 2021, 2, DATE_BOTH_YEARS);
    CHECK_STR(b.data, "令和3年（2021年）2月");
    buf_reset(&b);
    date_format_ja(&b, D(1867, 12, 31), DATE_BOTH_YEARS);
    CHECK_STR(b.data, "1867年12月31日");
    buf_release(&b);
}

/* ---- month grids ---- */

static void month_grid_monday(void)
{
    struct date_month_grid g;
    date_month_grid(&g, 2021, 2, DATE_WEEK_MONDAY);
    /* February 2021 starts on a Monday and has 28 days: exactly four full rows. */
    CHECK_INT(g.rows, 4);
    CHECK_INT(g.day[0][0], 1);
    CHECK_INT(g.day[3][6], 28);
    CHECK_INT(g.day[4][0], 0);
    CHECK_INT(g.weekday[0], 1);
    CHECK_INT(g.weekday[6], 0);
    CHECK_INT(g.prev_year, 2021);
    CHECK_INT(g.prev_month, 1);
    CHECK_INT(g.next_month, 3);

    date_month_grid(&g, 2021, 5, DATE_WEEK_MONDAY);
    /* May 2021: the 1st is a Saturday (column 5), the 31st a Monday in a sixth row. */
    CHECK_INT(g.rows, 6);
    CHECK_INT(g.day[0][4], 0);
    CHECK_INT(g.day[0][5], 1);
    CHECK_INT(g.day[0][6], 2);
    CHECK_INT(g.day[1][0], 3);
    CHECK_INT(g.day[5][0], 31);
    CHECK_INT(g.day[5][1], 0);
}

static void month_grid_sunday(void)
{
    struct date_month_grid g;
    date_month_grid(&g, 2021, 2, DATE_WEEK_SUNDAY);
    CHECK_INT(g.rows, 5);
    CHECK_INT(g.day[0][0], 0);
    CHECK_INT(g.day[0][1], 1);
    CHECK_INT(g.day[4][0], 28);
    CHECK_INT(g.day[4][1], 0);
    CHECK_INT(g.weekday[0], 0);
    CHECK_INT(g.weekday[6], 6);

    date_month_grid(&g, 2015, 2, DATE_WEEK_SUNDAY);
    CHECK_INT(g.rows, 4); /* 2015-02-01 was a Sunday */
    date_month_grid(&g, 2024, 2, DATE_WEEK_SUNDAY);
    CHECK_INT(g.rows, 5);
    CHECK_INT(g.day[4][4], 29); /* leap day, a Thursday */

    date_month_grid(&g, 2021, 12, DATE_WEEK_SUNDAY);
    CHECK_INT(g.next_year, 2022);
    CHECK_INT(g.next_month, 1);
    date_month_grid(&g, 2021, 1, DATE_WEEK_SUNDAY);
    CHECK_INT(g.prev_year, 2020);
    CHECK_INT(g.prev_month, 12);
}

/* Every month of four centuries: each day appears once, in the column of its weekday. */
static void month_grids_agree_with_weekdays(void)
{
    int bad = 0;
    for (int ws = 0; ws < 2; ws++) {
        for (int y = 1900; y < 2300; y++) {
            for (int m = 1; m <= 12; m++) {
                struct date_month_grid g;
                date_month_grid(&g, y, m, ws ? DATE_WEEK_MONDAY : DATE_WEEK_SUNDAY);
                int seen = 0, expect = 1;
                for (int r = 0; r < 6; r++) {
                    for (int c = 0; c < 7; c++) {
                        int d = g.day[r][c];
                        if (!d)
                            continue;
                        bad += d != expect++ || r >= g.rows;
                        bad += date_weekday(D(y, m, d)) != g.weekday[c];
                        seen++;
                    }
                }
                bad += seen != date_days_in_month(y, m);
                bad += g.rows < 4 || g.rows > 6 || g.day[0][6] == 0;
            }
        }
    }
    CHECK_INT(bad, 0);
}

int main(void)
{
    RUN(parses_good_dates);
    parses_good_datetimes();
    RUN(parses_either_form);
    rejects_bad_input_with_reasons();
    RUN(reason_is_optional);
    RUN(parses_epochs_and_moments);
    RUN(leap_years);
    RUN(weekdays_across_centuries);
    RUN(every_day_round_trips);
    RUN(arithmetic);
    RUN(fiscal_years);
    RUN(era_boundaries);
    RUN(formats_dates);
    RUN(fiscal_year_names);
    RUN(formats_times_and_ranges);
    RUN(month_grid_monday);
    RUN(month_grid_sunday);
    RUN(month_grids_agree_with_weekdays);
    return HARNESS_DONE();
}
