/* Benchmark: rendering a typical list page, a page template that extends a base layout, which
 * includes three partials (head, nav, footer), over a list of 20 entries. Prints microseconds
 * per render, best of several runs; the target is well under 20 µs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "markup/template.h"

static const char *const theme[] = {
    "page",
    "{{<layout}}\n"
    "{{$title}}{{section.title}} | {{site.title}}{{/title}}\n"
    "{{$main}}\n"
    "<h1>{{section.title}}</h1>\n"
    "<ul class=\"entries\">\n"
    "  {{#entries}}\n"
    "  <li class=\"entry{{#featured}} featured{{/featured}}\">\n"
    "    <a href=\"{{site.base_url}}{{url}}\">{{title}}</a>\n"
    "    <span class=\"district\">{{district.name}}</span>\n"
    "    {{#date}}<time datetime=\"{{date}}\">{{date_ja}}</time>{{/date}}\n"
    "    {{#summary}}<p>{{summary}}</p>{{/summary}}\n"
    "    {{^summary}}<p class=\"none\">概要はありません</p>{{/summary}}\n"
    "  </li>\n"
    "  {{/entries}}\n"
    "</ul>\n"
    "{{/main}}\n"
    "{{/layout}}\n",
    "layout",
    "<!DOCTYPE html>\n"
    "<html lang=\"{{site.language}}\">\n"
    "{{>head}}\n"
    "<body>\n"
    "  {{>nav}}\n"
    "  <main>\n"
    "    {{$main}}\n"
    "    {{/main}}\n"
    "  </main>\n"
    "  {{>footer}}\n"
    "</body>\n"
    "</html>\n",
    "head",
    "<head>\n"
    "  <meta charset=\"utf-8\">\n"
    "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "  <title>{{$title}}{{site.title}}{{/title}}</title>\n"
    "  <meta name=\"description\" content=\"{{site.description}}\">\n"
    "  <link rel=\"stylesheet\" href=\"{{site.base_url}}style.css\">\n"
    "</head>\n",
    "nav",
    "<nav>\n"
    "  <ul>\n"
    "    {{#site.menu}}\n"
    "    <li><a href=\"{{site.base_url}}{{url}}\">{{name}}</a></li>\n"
    "    {{/site.menu}}\n"
    "  </ul>\n"
    "</nav>\n",
    "footer",
    "<footer>\n"
    "  <p>{{site.publisher}}</p>\n"
    "  <p>&copy; {{year}} {{site.title}}</p>\n"
    "</footer>\n",
    NULL,
};

static int load(const char *name, struct buf *src, char **path, void *userdata)
{
    for (const char *const *p = theme; p[0]; p += 2) {
        if (strcmp(p[0], name) == 0) {
            buf_puts(src, p[1]);
            *path = xasprintf("bench/%s.mustache", name);
            return 0;
        }
    }
    return 1;
}

static json_t *make_data(void)
{
    json_t *menu = json_array();
    const char *names[] = {"活動", "研修会", "情報誌", "地区", "お問い合わせ"};
    for (int i = 0; i < 5; i++)
        json_array_append_new(menu, json_pack("{s:s, s:s}", "name", names[i], "url", "x/"));
    json_t *site = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "title", "和と輪つるおか",
                             "description", "鶴岡市内の支え合い活動や研修会の情報をお届けします。",
                             "base_url", "https://example.jp/watowa/", "language", "ja",
                             "publisher", "鶴岡市 生活支援体制整備事業", "menu", menu);
    json_t *entries = json_array();
    for (int i = 0; i < 20; i++) {
        char url[64], title[128];
        snprintf(url, sizeof url, "activities/salon-%02d/", i);
        snprintf(title, sizeof title, "いきいきサロン第%d回 & 茶話会 <参加無料>", i + 1);
        json_t *e = json_pack("{s:s, s:s, s:{s:s}, s:s, s:s, s:b}", "url", url, "title", title,
                              "district", "name", "櫛引", "date", "2024-05-01", "date_ja",
                              "令和6年5月1日", "featured", i % 5 == 0);
        if (i % 3)
            json_object_set_new(
                e, "summary",
                json_string("毎週火曜 10:00〜12:00、公民館で体操とお茶会をしています。"));
        json_array_append_new(entries, e);
    }
    return json_pack("{s:o, s:{s:s}, s:o, s:i}", "site", site, "section", "title", "支え合い活動",
                     "entries", entries, "year", 2024);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    struct diag d;
    diag_init(&d);
    struct template_set *s = template_set_new(&d, load, NULL);
    const struct template *t = template_set_get(s, "page");
    if (!t) {
        diag_print(&d, stderr);
        return 1;
    }
    json_t *data = make_data();
    struct buf out;
    buf_init(&out);
    if (template_render(t, data, &out) != 0) {
        diag_print(&d, stderr);
        return 1;
    }
    size_t page_size = out.len;

    enum { RUNS = 40, RENDERS = 1000 };
    double best = 1e9;
    for (int run = 0; run < RUNS; run++) {
        double start = now();
        for (int i = 0; i < RENDERS; i++) {
            buf_reset(&out);
            template_render(t, data, &out);
        }
        double us = (now() - start) * 1e6 / RENDERS;
        if (us < best)
            best = us;
    }
    printf("template: layout + 3 partials + 20 entries (%zu bytes): %.2f µs per render "
           "(best of %d runs of %d)\n",
           page_size, best, RUNS, RENDERS);
    buf_release(&out);
    json_decref(data);
    template_set_free(s);
    diag_release(&d);
    return 0;
}
