/* Benchmark: reading front matter, the step every content file goes through.
 * Prints the time per typical event file, and the throughput on a 20 MB value and a
 * 100 MB body (the largest files the bad-input suite uses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/frontmatter.h"
#include "content/yamldoc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/text.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Splits and parses text once; returns the seconds it took (or -1 on failure). */
static double read_once(const char *text, size_t len)
{
    struct diag d;
    diag_init(&d);
    double t0 = now();
    struct frontmatter fm;
    struct yamldoc doc;
    int rc = frontmatter_split(&d, "bench.md", text, len, &fm);
    if (rc == 0)
        rc = yamldoc_parse(&d, "bench.md", fm.yaml, fm.yaml_len, fm.yaml_line, &doc);
    double t = now() - t0;
    if (rc == 0)
        yamldoc_release(&doc);
    else
        diag_print(&d, stderr);
    diag_release(&d);
    return rc == 0 ? t : -1;
}

int main(void)
{
    const char *event = "---\ntitle: 生活支援コーディネーター養成研修\nreading: せいかつしえん\n"
                        "district: kushibiki\ncategories: [kenshu, salon]\n"
                        "summary: 地域の支え合いを広げるための研修会です。\n"
                        "contact:\n  name: 佐藤 花子\n  phone: 0235-57-2111\n"
                        "  email: info@example.jp\nsessions:\n"
                        "  - {start: 2021-02-19 13:30, end: 2021-02-19 15:00, venue: hall}\n"
                        "  - {start: 2021-02-20 09:30, end: 2021-02-20 12:00, venue: hall}\n"
                        "venues:\n  - id: hall\n    name: 櫛引公民館\n    role: main\n"
                        "program:\n  - title: 講義\n    speaker: 鈴木 一郎\n"
                        "capacity: 40\napply:\n  deadline: 2021-02-10\n  how: 電話で\n"
                        "draft: false\n---\n本文です。\n";
    int n = 20000;
    double total = 0;
    for (int i = 0; i < n; i++) {
        double t = read_once(event, strlen(event));
        if (t < 0)
            return 1;
        total += t;
    }
    printf("frontmatter: typical event file: %.1f us each (%d files)\n", total / n * 1e6, n);

    struct buf b;
    buf_init(&b);
    buf_puts(&b, "---\ntitle: x\nbody: \"");
    for (int i = 0; i < (20 << 20) / 3; i++)
        buf_puts(&b, "あ");
    buf_puts(&b, "\"\n---\n");
    double t = read_once(b.data, b.len);
    printf("frontmatter: 20 MB quoted value: %.0f MB/s\n", (double)b.len / (1 << 20) / t);

    buf_reset(&b);
    buf_puts(&b, "---\ntitle: x\n---\n");
    while (b.len < (100u << 20))
        buf_puts(&b, "地域の支え合い活動を紹介します。Markdown の本文。\n");
    t = read_once(b.data, b.len);
    printf("frontmatter: 100 MB body (checked, not parsed): %.0f MB/s\n",
           (double)b.len / (1 << 20) / t);
    buf_release(&b);
    return 0;
}
