/* Benchmarks of the date layer at the sizes a big site reaches: parsing front-matter times,
 * formatting session ranges, wall time to UTC in a zone with DST, and a calendar file. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/ical.h"
#include "core/tz.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    enum { N = 1000000 };
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_load(&d, "Europe/Berlin", NULL, 0, 0);
    if (!z) {
        diag_print(&d, stderr);
        return 1;
    }
    char text[32];
    long sum = 0;
    double t0 = now();
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "20%02d-%02d-%02d %02d:%02d", i % 100, i % 12 + 1, i % 28 + 1,
                 i % 24, i % 60);
        struct datetime dt;
        sum += date_parse_datetime(&dt, text, 16, NULL) == 0 ? dt.minute : 0;
    }
    double t1 = now();
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < N; i++) {
        struct datetime s = {{2000 + i % 40, i % 12 + 1, i % 28 + 1}, 13, 30, 0};
        struct datetime e = {{2000 + i % 40, i % 12 + 1, i % 28 + 1}, 16, 0, 0};
        buf_reset(&b);
        date_format_ja_range(&b, s, &e, DATE_WEEKDAY);
        sum += (long)b.len;
    }
    double t2 = now();
    for (int i = 0; i < N; i++) {
        struct datetime s = {{2000 + i % 40, i % 12 + 1, i % 28 + 1}, i % 24, 30, 0};
        sum += (long)(tz_to_utc(z, s, NULL) & 1);
    }
    double t3 = now();
    enum { EVENTS = 10000 };
    struct ical_event *ev = calloc(EVENTS, sizeof *ev);
    for (int i = 0; i < EVENTS; i++)
        ev[i] = (struct ical_event){"uid@example.jp",
                                    "研修会のお知らせ",
                                    "説明文, 二行目\n三行目",
                                    "会場",
                                    "https://example.jp/",
                                    {{2020 + i % 5, i % 12 + 1, i % 28 + 1}, 13, 30, 0},
                                    {{2020 + i % 5, i % 12 + 1, i % 28 + 1}, 16, 0, 0},
                                    0,
                                    NULL};
    buf_reset(&b);
    ical_write(&b, "-//kairan//bench//JA", "bench", z, ev, EVENTS, 1613709000);
    double t4 = now();
    printf("date: parse %.0f ns, format range %.0f ns, tz_to_utc %.0f ns per call; "
           ".ics of %d sessions %.1f ms (%zu bytes) [%ld]\n",
           (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, (t3 - t2) / N * 1e9, EVENTS, (t4 - t3) * 1e3,
           b.len, sum % 10);
    free(ev);
    buf_release(&b);
    tz_free(z);
    diag_release(&d);
    return 0;
}
