/* Unit tests of tz: real zones from /usr/share/zoneinfo (checked against the C library's own
 * reading of the same files), DST gaps and overlaps, footer rules, hand-built TZif data, and
 * the messages for unknown or hostile zone names. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "harness.h"

static struct datetime DT(int y, int m, int d, int hh, int mm) {
    return (struct datetime){{y, m, d}, hh, mm, 0};
}

static int64_t
utc(int y, int m, int d, int hh, int mm)
{
    return date_to_seconds(DT(y, m, d, hh, mm));
}

static struct tz *load(const char *name)
{
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_load(&d, name, "content/site.yaml", 3, 11);
    if (!z) {
        fprintf(stderr, "cannot load %s:\n", name);
        diag_print(&d, stderr);
    }
    diag_release(&d);
    return z;
}

/* The one message a failed load reported, as the user sees it; the caller frees it. */
static char *load_error(const char *dir, const char *name)
{
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_load_dir(&d, dir, name, "content/site.yaml", 3, 11);
    char *msg = NULL;
    if (!z && d.len == 1)
        msg = diag_format(&d.msgs[0]);
    else
        msg = xasprintf("(loaded: %s, %zu messages)", z ? "yes" : "no", d.len);
    tz_free(z);
    diag_release(&d);
    return msg;
}

static void tokyo_is_plus_nine(void)
{
    struct tz *z = load("Asia/Tokyo");
    if (!z) {
        CHECK(z != NULL);
        return;
    }
    CHECK_STR(tz_name(z), "Asia/Tokyo");
    int bad = 0;
    for (int64_t t = utc(1952, 1, 1, 0, 0); t < utc(2150, 1, 1, 0, 0); t += 86400 * 3 + 3607) {
        struct tz_info info;
        tz_lookup(z, t, &info);
        bad += info.offset != 32400 || info.is_dst || strcmp(info.abbr, "JST") != 0;
    }
    CHECK_INT(bad, 0);
    struct tz_transition *tr;
    CHECK_INT(tz_transitions(z, utc(2021, 1, 1, 0, 0), utc(2031, 1, 1, 0, 0), &tr), 0);
    free(tr);
    enum tz_fold fold = TZ_GAP;
    CHECK_INT(tz_to_utc(z, DT(2021, 2, 19, 13, 30), &fold), 1613709000);
    CHECK_INT(fold, TZ_UNIQUE);
    struct datetime local = tz_to_local(z, 1613709000);
    CHECK_INT(date_compare_datetime(local, DT(2021, 2, 19, 13, 30)), 0);
    tz_free(z);
}

static void berlin_changes_in_2021(void)
{
    struct tz *z = load("Europe/Berlin");
    if (!z) {
        CHECK(z != NULL);
        return;
    }
    int64_t spring = utc(2021, 3, 28, 1, 0), autumn = utc(2021, 10, 31, 1, 0);
    CHECK_INT(spring, 1616893200);
    CHECK_INT(autumn, 1635642000);
    struct tz_info info;
    tz_lookup(z, spring - 1, &info);
    CHECK_INT(info.offset, 3600);
    CHECK_STR(info.abbr, "CET");
    CHECK_INT(info.is_dst, 0);
    tz_lookup(z, spring, &info);
    CHECK_INT(info.offset, 7200);
    CHECK_STR(info.abbr, "CEST");
    CHECK_INT(info.is_dst, 1);
    CHECK_INT(tz_offset_at(z, autumn - 1), 7200);
    CHECK_INT(tz_offset_at(z, autumn), 3600);

    struct tz_transition *tr;
    size_t n = tz_transitions(z, utc(2021, 1, 1, 0, 0), utc(2022, 1, 1, 0, 0), &tr);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(tr[0].at, spring);
        CHECK_INT(tr[0].before.offset, 3600);
        CHECK_INT(tr[0].after.offset, 7200);
        CHECK_STR(tr[0].after.abbr, "CEST");
        CHECK_INT(tr[1].at, autumn);
        CHECK_INT(tr[1].before.offset, 7200);
        CHECK_INT(tr[1].after.offset, 3600);
    }
    free(tr);
    tz_free(z);
}

static void berlin_gap_and_overlap(void)
{
    struct tz *z = load("Europe/Berlin");
    if (!z) {
        CHECK(z != NULL);
        return;
    }
    enum tz_fold fold;
    /* Winter and summer. */
    CHECK_INT(tz_to_utc(z, DT(2021, 2, 19, 13, 30), &fold), utc(2021, 2, 19, 12, 30));
    CHECK_INT(fold, TZ_UNIQUE);
    CHECK_INT(tz_to_utc(z, DT(2021, 7, 1, 12, 0), &fold), utc(2021, 7, 1, 10, 0));
    CHECK_INT(fold, TZ_UNIQUE);
    /* Spring: 02:00-02:59 does not exist; 02:30 is read with CET, i.e. 03:30 CEST. */
    CHECK_INT(tz_to_utc(z, DT(2021, 3, 28, 1, 59), &fold), utc(2021, 3, 28, 0, 59));
    CHECK_INT(fold, TZ_UNIQUE);
    CHECK_INT(tz_to_utc(z, DT(2021, 3, 28, 2, 30), &fold), utc(2021, 3, 28, 1, 30));
    CHECK_INT(fold, TZ_GAP);
    struct datetime shown = tz_to_local(z, utc(2021, 3, 28, 1, 30));
    CHECK_INT(date_compare_datetime(shown, DT(2021, 3, 28, 3, 30)), 0);
    CHECK_INT(tz_to_utc(z, DT(2021, 3, 28, 2, 0), &fold), utc(2021, 3, 28, 1, 0));
    CHECK_INT(fold, TZ_GAP);
    CHECK_INT(tz_to_utc(z, DT(2021, 3, 28, 3, 0), &fold), utc(2021, 3, 28, 1, 0));
    CHECK_INT(fold, TZ_UNIQUE);
    /* Autumn: 02:00-02:59 happens twice; the first (CEST) is taken. */
    CHECK_INT(tz_to_utc(z, DT(2021, 10, 31, 2, 30), &fold), utc(2021, 10, 31, 0, 30));
    CHECK_INT(fold, TZ_AMBIGUOUS);
    CHECK_INT(tz_to_utc(z, DT(2021, 10, 31, 2, 0), &fold), utc(2021, 10, 31, 0, 0));
    CHECK_INT(fold, TZ_AMBIGUOUS);
    CHECK_INT(tz_to_utc(z, DT(2021, 10, 31, 1, 59), &fold), utc(2021, 10, 30, 23, 59));
    CHECK_INT(fold, TZ_UNIQUE);
    CHECK_INT(tz_to_utc(z, DT(2021, 10, 31, 3, 0), &fold), utc(2021, 10, 31, 2, 0));
    CHECK_INT(fold, TZ_UNIQUE);
    CHECK_INT(tz_to_utc(z, DT(2021, 10, 31, 2, 30), NULL), utc(2021, 10, 31, 0, 30));
    tz_free(z);
}

static void far_future_uses_the_footer(void)
{
    struct tz *z = load("Europe/Berlin");
    if (!z) {
        CHECK(z != NULL);
        return;
    }
    /* Past 2037 no file lists changes; the footer's rule must give them. */
    static const int64_t changes[] = {4109878800, 4128627600,  7265725200,
                                      7283869200, 14744682000, 14762826000};
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
        int spring = i % 2 == 0;
        CHECK_INT(tz_offset_at(z, changes[i] - 1), spring ? 3600 : 7200);
        CHECK_INT(tz_offset_at(z, changes[i]), spring ? 7200 : 3600);
    }
    struct tz_transition *tr;
    size_t n = tz_transitions(z, utc(2200, 1, 1, 0, 0), utc(2201, 1, 1, 0, 0), &tr);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(tr[0].at, 7265725200);
        CHECK_INT(tr[1].at, 7283869200);
        CHECK_STR(tr[1].after.abbr, "CET");
    }
    free(tr);
    enum tz_fold fold;
    CHECK_INT(tz_to_utc(z, DT(2200, 3, 30, 2, 30), &fold), utc(2200, 3, 30, 1, 30));
    CHECK_INT(fold, TZ_GAP);
    tz_free(z);
}

/* The C library reads the same files with its own code: for many zones and instants from
 * 1850 to 2150, the offset and DST flag must agree. (setenv is fine in a one-thread test.) */
static void agrees_with_the_c_library(void)
{
    static const char *const zones[] = {
        "Asia/Tokyo",        "Europe/Berlin",       "America/New_York",
        "Australia/Sydney",  "Australia/Lord_Howe", "Pacific/Apia",
        "America/Sao_Paulo", "Africa/Casablanca",   "Asia/Kolkata",
        "Pacific/Chatham",   "America/St_Johns",    "Europe/Dublin",
        "Antarctica/Troll",  "Asia/Tehran",         "America/Nuuk",
        "Europe/London",     "America/Santiago",    "Pacific/Kiritimati",
        "Asia/Kathmandu",    "Europe/Moscow",       "UTC",
        "Etc/GMT+9",
    };
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
        struct tz *z = load(zones[i]);
        if (!z) {
            harness_case(zones[i], 0);
            continue;
        }
        char *env = xasprintf(":%s", zones[i]);
        setenv("TZ", env, 1);
        tzset();
        int bad = 0, round_trip = 0;
        int64_t from = utc(1850, 1, 1, 0, 0), to = utc(2150, 1, 1, 0, 0);
        struct tz_transition *tr;
        size_t n = tz_transitions(z, from, to, &tr);
        /* Every instant around each change, plus a walk in steps of a day and a bit. */
        size_t steps = (size_t)((to - from) / 90061) + 1;
        for (size_t k = 0; k < 2 * n + steps; k++) {
            int64_t t =
                k < 2 * n ? tr[k / 2].at - (int64_t)(k % 2) : from + (int64_t)(k - 2 * n) * 90061;
            time_t tt = (time_t)t;
            struct tm tm;
            if (!localtime_r(&tt, &tm))
                continue;
            struct datetime lib = {
                {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, tm.tm_hour, tm.tm_min, tm.tm_sec};
            struct tz_info info;
            tz_lookup(z, t, &info);
            if (date_to_seconds(lib) - t != info.offset || (tm.tm_isdst > 0) != info.is_dst) {
                if (bad++ < 3)
                    fprintf(stderr, "%s at %lld: libc %+lld dst %d, ours %+d dst %d\n", zones[i],
                            (long long)t, (long long)(date_to_seconds(lib) - t), tm.tm_isdst,
                            info.offset, info.is_dst);
            }
            /* Back from wall time: the same instant, or an earlier one showing the same wall
             * time when the wall time happens twice. */
            enum tz_fold fold;
            struct datetime local = tz_to_local(z, t);
            int64_t back = tz_to_utc(z, local, &fold);
            if (!(fold == TZ_UNIQUE ? back == t
                                    : fold == TZ_AMBIGUOUS && back <= t &&
                                          date_compare_datetime(tz_to_local(z, back), local) == 0))
                round_trip++;
        }
        free(tr);
        if (round_trip)
            fprintf(stderr, "%s: %d round trips failed\n", zones[i], round_trip);
        harness_case(zones[i], bad == 0 && round_trip == 0);
        free(env);
        tz_free(z);
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---- POSIX rules ---- */

static struct tz *posix(const char *rule)
{
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_from_posix(&d, rule, "test", 1, 1);
    diag_release(&d);
    return z;
}

/* A zone's rule and its file must agree at every hour of the years the rule governs. */
static int rule_matches_file(const char *rule, const char *zone, int from_year, int to_year)
{
    struct tz *r = posix(rule), *f = load(zone);
    int bad = !r || !f;
    for (int64_t t = utc(from_year, 1, 1, 0, 0); !bad && t < utc(to_year, 1, 1, 0, 0); t += 3600) {
        struct tz_info a, b;
        tz_lookup(r, t, &a);
        tz_lookup(f, t, &b);
        if (a.offset != b.offset || a.is_dst != b.is_dst || strcmp(a.abbr, b.abbr) != 0) {
            fprintf(stderr, "%s vs %s at %lld: %d %s / %d %s\n", rule, zone, (long long)t, a.offset,
                    a.abbr, b.offset, b.abbr);
            bad = 1;
        }
    }
    tz_free(r);
    tz_free(f);
    return !bad;
}

static void posix_rules(void)
{
    harness_case("CET rule = Europe/Berlin",
                 rule_matches_file("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berlin", 1997, 2060));
    harness_case("AEST rule = Australia/Sydney",
                 rule_matches_file("AEST-10AEDT,M10.1.0,M4.1.0/3", "Australia/Sydney", 2009, 2060));
    harness_case("EST rule = America/New_York",
                 rule_matches_file("EST5EDT,M3.2.0,M11.1.0", "America/New_York", 2008, 2060));
    harness_case("<+0545> rule = Asia/Kathmandu",
                 rule_matches_file("<+0545>-5:45", "Asia/Kathmandu", 1987, 2060));

    struct tz *z = posix("JST-9");
    CHECK(z != NULL);
    if (z) {
        CHECK_INT(tz_offset_at(z, 0), 32400);
        CHECK_INT(tz_offset_at(z, INT64_MAX), 32400);
        tz_free(z);
    }
    /* Daylight time all year: the rule's two changes meet, so nothing changes. */
    z = posix("EST5EDT,0/0,J365/25");
    CHECK(z != NULL);
    if (z) {
        struct tz_transition *tr;
        CHECK_INT(tz_transitions(z, utc(2020, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0), &tr), 0);
        free(tr);
        CHECK_INT(tz_offset_at(z, utc(2021, 1, 1, 4, 0)), -4 * 3600);
        CHECK_INT(tz_offset_at(z, utc(2021, 7, 1, 0, 0)), -4 * 3600);
        CHECK_INT(tz_offset_at(z, utc(2021, 12, 31, 23, 0)), -4 * 3600);
        tz_free(z);
    }
    /* Julian days: J60 is March 1st in every year; 59 (zero-based) is Feb 29 or March 1. */
    z = posix("AAA0BBB,J60/0,J300/0");
    if (z) {
        CHECK_INT(tz_offset_at(z, utc(2020, 3, 1, 0, 0) - 1), 0);
        CHECK_INT(tz_offset_at(z, utc(2020, 3, 1, 0, 0)), 3600);
        tz_free(z);
    }
    CHECK(z != NULL);
    z = posix("AAA0BBB,59/0,300/0");
    if (z) {
        CHECK_INT(tz_offset_at(z, utc(2020, 2, 29, 0, 0)), 3600);
        CHECK_INT(tz_offset_at(z, utc(2021, 2, 28, 23, 0)), 0);
        CHECK_INT(tz_offset_at(z, utc(2021, 3, 1, 0, 0)), 3600);
        tz_free(z);
    }
    CHECK(z != NULL);
    /* Both changes in February, so their order swaps between years: 1969 ends daylight time
     * on the 22nd and starts it on the 23rd (daylight to the year's end); 1970 starts it on
     * the 22nd and ends it on the 28th. The change at New Year is listed like any other, and
     * every instant's wall time reads back to it (a fuzzer found it was not). */
    z = posix("AAA-0BBB,M2.4.0,M2.5.6/3");
    if (z) {
        struct tz_transition *tr;
        size_t n = tz_transitions(z, utc(1969, 12, 1, 0, 0), utc(1970, 2, 1, 0, 0), &tr);
        CHECK_INT(n, 1);
        if (n == 1) {
            CHECK(tr[0].at == 0);
            CHECK_INT(tr[0].before.offset, 3600);
            CHECK_INT(tr[0].after.offset, 0);
        }
        free(tr);
        /* Clocks go back an hour at New Year: 00:00-01:00 happens twice, the first taken. */
        enum tz_fold fold;
        CHECK(tz_to_utc(z, tz_to_local(z, 3600), &fold) == 3600);
        CHECK_INT(fold, TZ_UNIQUE);
        CHECK(tz_to_utc(z, tz_to_local(z, -7200), &fold) == -7200);
        CHECK_INT(fold, TZ_UNIQUE);
        CHECK(tz_to_utc(z, tz_to_local(z, 0), &fold) == -3600);
        CHECK_INT(fold, TZ_AMBIGUOUS);
        tz_free(z);
    }
    CHECK(z != NULL);
    /* No dates: the US rule. */
    z = posix("EST5EDT");
    if (z) {
        CHECK_INT(tz_offset_at(z, utc(2021, 3, 14, 7, 0) - 1), -5 * 3600);
        CHECK_INT(tz_offset_at(z, utc(2021, 3, 14, 7, 0)), -4 * 3600);
        tz_free(z);
    }
    CHECK(z != NULL);
}

static void bad_posix_rules(void)
{
    static const char *const bad[] = {
        "",
        "J",
        "JS-9",
        "JST",
        "JST-",
        "JST-9x",
        "JST-25",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0/3",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,J0,J100",
        "CET-1CEST,366,J100",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "<+09-9",
        "<>-9",
        "<+0900000000000000>-9",
        "CET-1:60",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct diag d;
        diag_init(&d);
        struct tz *z = tz_from_posix(&d, bad[i], "x.yaml", 2, 5);
        char *want = xasprintf("x.yaml:2:5: error: '%s' is not a time zone rule (expected a rule "
                               "like JST-9 or CET-1CEST,M3.5.0,M10.5.0/3)",
                               bad[i]);
        char *got = d.len == 1 ? diag_format(&d.msgs[0]) : NULL;
        harness_case(bad[i], z == NULL && got && strcmp(got, want) == 0);
        free(want);
        free(got);
        tz_free(z);
        diag_release(&d);
    }
}

/* ---- TZif data built by hand ---- */

struct zone_spec {
    int version;
    size_t ntimes;
    const int64_t *times;
    const unsigned char *which;
    size_t ntypes;
    const int32_t *offsets;
    const unsigned char *dst;
    const unsigned char *abbr_at;
    const char *chars;
    size_t nchars;
    uint32_t leapcnt;
    const char *footer; /* NULL: none (version 1) */
};

static void put32(struct buf *b, uint32_t v)
{
    unsigned char p[4] = {v >> 24, v >> 16, v >> 8, v};
    buf_add(b, p, 4);
}

static void put_block(struct buf *b, const struct zone_spec *s, int version, unsigned size)
{
    buf_add(b, "TZif", 4);
    buf_putc(b, version == 1 ? 0 : (char)('0' + version));
    for (int i = 0; i < 15; i++)
        buf_putc(b, 0);
    put32(b, 0);
    put32(b, 0);
    put32(b, s->leapcnt);
    put32(b, (uint32_t)s->ntimes);
    put32(b, (uint32_t)s->ntypes);
    put32(b, (uint32_t)s->nchars);
    for (size_t i = 0; i < s->ntimes; i++) {
        if (size == 8)
            put32(b, (uint32_t)((uint64_t)s->times[i] >> 32));
        put32(b, (uint32_t)s->times[i]);
    }
    buf_add(b, s->which, s->ntimes);
    for (size_t i = 0; i < s->ntypes; i++) {
        put32(b, (uint32_t)s->offsets[i]);
        buf_putc(b, (char)s->dst[i]);
        buf_putc(b, (char)s->abbr_at[i]);
    }
    buf_add(b, s->chars, s->nchars);
    for (uint32_t i = 0; i < s->leapcnt * (size + 4); i++)
        buf_putc(b, 0);
}

static void build_tzif(struct buf *b, const struct zone_spec *s)
{
    put_block(b, s, s->version, 4);
    if (s->version >= 2) {
        put_block(b, s, s->version, 8);
        buf_printf(b, "\n%s\n", s->footer ? s->footer : "");
    }
}

static struct tz *from_spec(const struct zone_spec *s, char **error)
{
    struct buf b;
    buf_init(&b);
    build_tzif(&b, s);
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_from_tzif(&d, "Test/Zone", b.data, b.len, "zoneinfo/Test/Zone");
    *error = d.len ? diag_format(&d.msgs[0]) : NULL;
    diag_release(&d);
    buf_release(&b);
    return z;
}

static const int64_t berlin_times[] = {-1693706400, -1680483600, 828234000};
static const unsigned char berlin_which[] = {1, 0, 1};
static const int32_t berlin_offsets[] = {3600, 7200};
static const unsigned char berlin_dst[] = {0, 1};
static const unsigned char berlin_abbr[] = {0, 4};
static const char berlin_chars[] = "CET\0CEST";

static void slim_file_relies_on_footer(void)
{
    /* Like Debian's slim files: few listed changes, the footer for everything after. */
    struct zone_spec s = {2,
                          3,
                          berlin_times,
                          berlin_which,
                          2,
                          berlin_offsets,
                          berlin_dst,
                          berlin_abbr,
                          berlin_chars,
                          sizeof berlin_chars,
                          0,
                          "CET-1CEST,M3.5.0,M10.5.0/3"};
    char *err;
    struct tz *slim = from_spec(&s, &err);
    CHECK(slim != NULL);
    CHECK(err == NULL);
    free(err);
    struct tz *fat = load("Europe/Berlin");
    int bad = !slim || !fat;
    for (int64_t t = utc(1997, 1, 1, 0, 0); !bad && t < utc(2100, 1, 1, 0, 0); t += 1800)
        bad = tz_offset_at(slim, t) != tz_offset_at(fat, t);
    CHECK_INT(bad, 0);
    if (slim) {
        struct tz_transition *tr;
        size_t n = tz_transitions(slim, utc(2021, 1, 1, 0, 0), utc(2022, 1, 1, 0, 0), &tr);
        CHECK_INT(n, 2);
        if (n == 2) {
            CHECK_INT(tr[0].at, 1616893200);
            CHECK_STR(tr[0].before.abbr, "CET");
            CHECK_STR(tr[0].after.abbr, "CEST");
        }
        free(tr);
    }
    tz_free(slim);
    tz_free(fat);

    /* Version 3 and 4 read the same way. */
    s.version = 4;
    struct tz *v4 = from_spec(&s, &err);
    CHECK(v4 != NULL);
    if (v4)
        CHECK_INT(tz_offset_at(v4, 4109878800), 7200);
    tz_free(v4);
    free(err);
}

static void version_one_and_no_transitions(void)
{
    static const int32_t off[] = {32400};
    static const unsigned char dst[] = {0}, at[] = {0};
    static const char chars[] = "JST";
    /* Version 1: 32-bit times, no footer. */
    struct zone_spec s = {1, 0, NULL, NULL, 1, off, dst, at, chars, sizeof chars, 0, NULL};
    char *err;
    struct tz *z = from_spec(&s, &err);
    CHECK(z != NULL);
    if (z) {
        struct tz_info info;
        tz_lookup(z, 1613709000, &info);
        CHECK_INT(info.offset, 32400);
        CHECK_STR(info.abbr, "JST");
    }
    tz_free(z);
    free(err);
    /* No listed changes but a footer: the footer decides at every time. */
    s.version = 2;
    s.footer = "CET-1CEST,M3.5.0,M10.5.0/3";
    z = from_spec(&s, &err);
    CHECK(z != NULL);
    if (z) {
        CHECK_INT(tz_offset_at(z, utc(2021, 7, 1, 0, 0)), 7200);
        CHECK_INT(tz_offset_at(z, utc(1990, 1, 1, 0, 0)), 3600);
    }
    tz_free(z);
    free(err);
}

/* A footer that disagrees with the last listed type: the footer wins from that change on, so
 * offsets change only at instants tz_transitions reports and wall times round-trip. */
static void footer_that_disagrees(void)
{
    struct zone_spec s = {
        2,          3,           berlin_times, berlin_which,        2, berlin_offsets,
        berlin_dst, berlin_abbr, berlin_chars, sizeof berlin_chars, 0, "JST-9"};
    char *err;
    struct tz *z = from_spec(&s, &err);
    CHECK(z != NULL);
    free(err);
    if (!z)
        return;
    CHECK_INT(tz_offset_at(z, berlin_times[2] - 1), 3600);
    CHECK_INT(tz_offset_at(z, berlin_times[2]), 32400);
    struct tz_transition *tr;
    size_t n = tz_transitions(z, berlin_times[2] - 86400, berlin_times[2] + 86400, &tr);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(tr[0].at, berlin_times[2]);
        CHECK_INT(tr[0].before.offset, 3600);
        CHECK_INT(tr[0].after.offset, 32400);
        CHECK_STR(tr[0].after.abbr, "JST");
    }
    free(tr);
    int bad = 0;
    for (int64_t t = berlin_times[2] - 3 * 86400; t < berlin_times[2] + 3 * 86400; t += 600) {
        enum tz_fold fold;
        int64_t back = tz_to_utc(z, tz_to_local(z, t), &fold);
        bad += fold == TZ_GAP || (fold == TZ_UNIQUE && back != t) || back > t;
    }
    CHECK_INT(bad, 0);
    tz_free(z);
}

static void damaged_files(void)
{
    static const struct {
        const char *what;
        int flaw;
    } cases[] = {
        {"it counts leap seconds", 1},
        {"its changes are out of order", 2},
        {"a change names a missing type", 3},
        {"a local time type is out of range", 4},
        {"its rule for future times cannot be read", 5},
        {"its counts do not agree", 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t times[3] = {berlin_times[0], berlin_times[1], berlin_times[2]};
        unsigned char which[3] = {1, 0, 1};
        int32_t offsets[2] = {3600, 7200};
        struct zone_spec s = {2,
                              3,
                              times,
                              which,
                              2,
                              offsets,
                              berlin_dst,
                              berlin_abbr,
                              berlin_chars,
                              sizeof berlin_chars,
                              0,
                              "CET-1CEST,M3.5.0,M10.5.0/3"};
        switch (cases[i].flaw) {
        case 1:
            s.leapcnt = 1;
            break;
        case 2:
            times[2] = times[0];
            break;
        case 3:
            which[1] = 2;
            break;
        case 4:
            offsets[1] = 100000;
            break;
        case 5:
            s.footer = "CET-1CEST,M3.5.0";
            break;
        case 6:
            s.ntypes = 0;
            break;
        }
        char *err;
        struct tz *z = from_spec(&s, &err);
        char *want = xasprintf("zoneinfo/Test/Zone: error: not a valid time zone file (%s); "
                               "reinstalling the Debian package tzdata should repair it",
                               cases[i].what);
        harness_case(cases[i].what, !z && err && strcmp(err, want) == 0);
        if (z || !err || strcmp(err, want) != 0)
            fprintf(stderr, "got: %s\n", err ? err : "(nothing)");
        free(want);
        free(err);
        tz_free(z);
    }
}

/* Every prefix of a real file is refused cleanly (no crash, one message), except the whole. */
static void truncated_files(void)
{
    struct diag d;
    diag_init(&d);
    struct buf data;
    buf_init(&data);
    int bad = fs_read_file(&d, "/usr/share/zoneinfo/Europe/Berlin", &data) != 0;
    for (size_t len = 0; !bad && len < data.len; len++) {
        size_t before = d.len;
        struct tz *z = tz_from_tzif(&d, "Europe/Berlin", data.data, len, "Berlin");
        bad = z != NULL || d.len != before + 1;
        if (bad)
            fprintf(stderr, "prefix of %zu bytes: %s\n", len, z ? "accepted" : "no message");
        tz_free(z);
    }
    struct tz *whole = tz_from_tzif(&d, "Europe/Berlin", data.data, data.len, "Berlin");
    CHECK(whole != NULL);
    tz_free(whole);
    CHECK_INT(bad, 0);
    buf_release(&data);
    diag_release(&d);
}

/* ---- names ---- */

static void unknown_and_hostile_names(void)
{
    static const struct {
        const char *name, *want;
    } cases[] = {
        {"Asia/Tokio", "'Asia/Tokio' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"asia/tokyo", "'asia/tokyo' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"Tokyo", "'Tokyo' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"Europe/Berln", "'Europe/Berln' is not a known time zone (did you mean Europe/Berlin?)"},
        {"right/Asia/Tokyo",
         "'right/Asia/Tokyo' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"Mars/Olympus_Mons",
         "'Mars/Olympus_Mons' is not a known time zone (for example Asia/Tokyo)"},
        {"JST", "'JST' is not a known time zone (write a zone name like Asia/Tokyo, not an "
                "abbreviation)"},
        {"+09:00", "'+09:00' is not a known time zone (write a zone name like Asia/Tokyo, not "
                   "an offset)"},
        {"9", "'9' is not a known time zone (write a zone name like Asia/Tokyo, not an offset)"},
        {"../../../etc/passwd",
         "'../../../etc/passwd' is not a known time zone (for example Asia/Tokyo)"},
        {"/etc/localtime", "'/etc/localtime' is not a known time zone (for example Asia/Tokyo)"},
        {"Asia/../Asia/Tokyo",
         "'Asia/../Asia/Tokyo' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"Asia//Tokyo", "'Asia//Tokyo' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"Asia", "'Asia' is a region, not a time zone (write Region/City, like Asia/Tokyo)"},
        {"zone.tab", "'zone.tab' is not a known time zone (for example Asia/Tokyo)"},
        {"Asia/Tokyo\n", "'Asia/Tokyo?' is not a known time zone (did you mean Asia/Tokyo?)"},
        {"", "'' is not a known time zone (for example Asia/Tokyo)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = load_error("/usr/share/zoneinfo", cases[i].name);
        char *want = xasprintf("content/site.yaml:3:11: error: %s", cases[i].want);
        CHECK_STR(got, want);
        free(got);
        free(want);
    }
    char *got = load_error("/nonexistent/zoneinfo", "Asia/Tokyo");
    CHECK_STR(got, "content/site.yaml:3:11: error: time zones are not installed on this computer "
                   "(/nonexistent/zoneinfo is missing; install the Debian package tzdata), so "
                   "'Asia/Tokyo' cannot be used");
    free(got);
}

static void damaged_file_on_disk(void)
{
    char dir[] = "/tmp/kairan-tz-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    struct diag d;
    diag_init(&d);
    char *path = xasprintf("%s/Test/Zone", dir);
    CHECK_INT(fs_write_file(&d, path, "not a zone", 10), 0);
    char *got = load_error(dir, "Test/Zone");
    char *want = xasprintf("%s: error: not a valid time zone file (it does not start like one); "
                           "reinstalling the Debian package tzdata should repair it",
                           path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    unlink(path);
    char *sub = xasprintf("%s/Test", dir);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(path);
    diag_release(&d);
}

/* ---- --now and RFC 3339 ---- */

static void now_argument(void)
{
    struct tz *tokyo = load("Asia/Tokyo"), *berlin = load("Europe/Berlin");
    if (!tokyo || !berlin) {
        CHECK(0);
        tz_free(tokyo);
        tz_free(berlin);
        return;
    }
    int64_t t = 0;
    struct date_why why;
    CHECK_INT(tz_parse_now(&t, tokyo, "2021-02-19 13:30", 16, &why), 0);
    CHECK_INT(t, 1613709000);
    CHECK_INT(tz_parse_now(&t, tokyo, "@1613709000", 11, &why), 0);
    CHECK_INT(t, 1613709000);
    CHECK_INT(tz_parse_now(&t, tokyo, "2021-02-19", 10, &why), 0);
    CHECK_INT(t, utc(2021, 2, 18, 15, 0));
    CHECK_INT(tz_parse_now(&t, berlin, "2021-02-19T13:30:00", 19, &why), 0);
    CHECK_INT(t, utc(2021, 2, 19, 12, 30));
    CHECK_INT(tz_parse_now(&t, berlin, "2021-02-19T13:30:00+09:00", 25, &why), 0);
    CHECK_INT(t, 1613709000);
    CHECK_INT(tz_parse_now(&t, tokyo, "2021-02-19T12:30:00+08:00", 25, &why), 0);
    CHECK_INT(t, 1613709000);
    CHECK_INT(tz_parse_now(&t, tokyo, "next week", 9, &why), -1);
    CHECK_STR(why.text, "expected YYYY-MM-DD, YYYY-MM-DD HH:MM or @SECONDS, like 2021-02-19 13:30");

    struct buf b;
    buf_init(&b);
    tz_format_rfc3339(&b, tokyo, 1613709000);
    CHECK_STR(b.data, "2021-02-19T13:30:00+09:00");
    buf_reset(&b);
    tz_format_rfc3339(&b, berlin, 1613709000);
    CHECK_STR(b.data, "2021-02-19T05:30:00+01:00");
    buf_reset(&b);
    tz_format_rfc3339(&b, berlin, utc(2021, 7, 1, 10, 0));
    CHECK_STR(b.data, "2021-07-01T12:00:00+02:00");
    buf_reset(&b);
    /* Tokyo's local mean time until 1888 was +09:18:59: not expressible, so UTC. */
    tz_format_rfc3339(&b, tokyo, utc(1880, 1, 1, 0, 0));
    CHECK_STR(b.data, "1880-01-01T00:00:00Z");
    buf_release(&b);
    tz_free(tokyo);
    tz_free(berlin);
}

/* ---- sharing between threads ---- */

struct worker {
    const struct tz *z;
    long sum;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int64_t t = utc(2000, 1, 1, 0, 0); t < utc(2040, 1, 1, 0, 0); t += 86400 * 7 + 3600) {
        w->sum += tz_offset_at(w->z, t);
        struct datetime local = tz_to_local(w->z, t);
        w->sum += (long)(tz_to_utc(w->z, local, NULL) - t);
    }
    return NULL;
}

static void shared_between_threads(void)
{
    struct tz *z = load("Europe/Berlin");
    if (!z) {
        CHECK(0);
        return;
    }
    struct worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){z, 0};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    struct worker alone = {z, 0};
    work(&alone);
    for (int i = 0; i < 4; i++)
        CHECK_INT(w[i].sum, alone.sum);
    tz_free(z);
}

int main(void)
{
    RUN(tokyo_is_plus_nine);
    RUN(berlin_changes_in_2021);
    RUN(berlin_gap_and_overlap);
    RUN(far_future_uses_the_footer);
    agrees_with_the_c_library();

    RUN(posix_rules);
    bad_posix_rules();
    RUN(slim_file_relies_on_footer);
    RUN(version_one_and_no_transitions);
    RUN(footer_that_disagrees);
    damaged_files();
    RUN(truncated_files);
    RUN(unknown_and_hostile_names);
    RUN(damaged_file_on_disk);
    RUN(now_argument);
    RUN(shared_between_threads);
    return HARNESS_DONE();
}
