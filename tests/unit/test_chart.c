/* Unit tests of chart (markup/chart.c): numbers read from cells, the chart line and the table
 * checked with every mistake at its line and column, and the figure made of them, on the web
 * page (inline SVG, the table behind 「数値を表で見る」) and for print (an SVG document and an
 * <img>). Charts are made the way the build makes them: through markdown_parse. What plot.c
 * draws in detail (ticks, palette) is tested in test_plot.c. */
#include <libxml/parser.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/xalloc.h"
#include "harness.h"
#include "markup/chart.h"
#include "markup/dom.h"
#include "markup/markdown.h"

/* ---- Helpers -------------------------------------------------------------------------------- */

/* The messages of parsing md (a body starting on line 1 of body.md); a new string. */
static char *messages(const char *md)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "body.md", 1, md, strlen(md), NULL);
    dom_free(doc);
    char *text = harness_diag_text_trimmed(&d);
    diag_release(&d);
    return text;
}

/* The HTML of md, with its messages in *diag_out when not NULL; a new string. */
static char *html(const char *md, char **diag_out)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "body.md", 1, md, strlen(md), NULL);
    char *out = dom_html(doc);
    dom_free(doc);
    if (diag_out)
        *diag_out = harness_diag_text_trimmed(&d);
    diag_release(&d);
    return out;
}

/* What the print edition's chart hook is given: every SVG document, in order. */
struct placed {
    struct buf svg[4];
    size_t n;
};

static char *place(const char *svg, size_t len, void *userdata)
{
    struct placed *p = userdata;
    if (p->n < 4) {
        buf_init(&p->svg[p->n]);
        buf_add(&p->svg[p->n], svg, len);
    }
    return xasprintf("img/chart-%zu.svg", ++p->n);
}

/* The XHTML of md as the print edition makes it in a tier of vertical text (tier not NULL) or
 * across columns, with the SVG documents in p. */
static char *print_xhtml_in(const char *md, const struct plot_tier *tier, struct placed *p)
{
    struct diag d;
    diag_init(&d);
    memset(p, 0, sizeof *p);
    struct markdown_hooks hooks = {.chart = place, .userdata = p, .chart_tier = tier};
    struct dom *doc = markdown_parse(&d, "body.md", 1, md, strlen(md), &hooks);
    char *out = dom_xhtml(doc);
    CHECK_INT(d.len, 0);
    dom_free(doc);
    diag_release(&d);
    return out;
}

static char *print_xhtml(const char *md, struct placed *p)
{
    return print_xhtml_in(md, NULL, p);
}

static void placed_release(struct placed *p)
{
    for (size_t i = 0; i < p->n && i < 4; i++)
        buf_release(&p->svg[i]);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static const char *completers = "| 年度 | 修了者数 |\n"
                                "|---|---:|\n"
                                "| 平成28年度 | 44人 |\n"
                                "| 平成29年度 | 40人 |\n"
                                "| 平成30年度 | 49人 |\n"
                                "| 令和元年度 | 30人 |\n"
                                "| 令和2年度 | 18人 |\n"
                                "| 計 | 181人 |\n";

/* ---- Numbers ---------------------------------------------------------------------------- */

static void numbers(void)
{
    static const struct {
        const char *text;
        double value;
        const char *unit;
    } good[] = {
        {"44", 44, ""},
        {"44人", 44, "人"},
        {"1,528", 1528, ""},
        {"1,000,000件", 1000000, "件"},
        {"-3", -3, ""},
        {"\xE2\x88\x92"
         "3",
         -3, ""}, /* U+2212 MINUS SIGN */
        {"+7", 7, ""},
        {"12.5%", 12.5, "%"},
        {"0.25", 0.25, ""},
        {"４４", 44, ""},
        {"１，５２８ 件", 1528, "件"},
        {" 18 人 ", 18, "人 "},
        {"0", 0, ""},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double v = -1;
        size_t unit_at = 0;
        int rc = chart_number(good[i].text, &v, &unit_at);
        CHECK_INT(rc, 0);
        if (rc == 0) {
            CHECK(fabs(v - good[i].value) < 1e-9);
            CHECK_STR(good[i].text + unit_at, good[i].unit);
        }
    }
    static const char *const bad[] = {
        "",    "約40", "1,5", "12,34", "1,5280",      "1.",     ".5",   "12-3",
        "1 2", "—",    "abc", "-",     "44人（2回）", "1,,000", ",100", "4,4人"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v;
        size_t unit_at;
        if (chart_number(bad[i], &v, &unit_at) != -1)
            fprintf(stderr, "  '%s' read as a number\n", bad[i]);
        CHECK_INT(chart_number(bad[i], &v, &unit_at), -1);
    }
}

/* ---- Drawn on the web page ------------------------------------------------------------------ */

static void bar_chart_on_the_web(void)
{
    char *md =
        xasprintf("%s\n{chart=bar title=\"担い手養成研修の修了者数\" skip=\"計\"}\n", completers);
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    /* The caption, then the chart, then the table behind its toggle, in one figure. */
    CHECK(strstr(out, "<figure class=\"chart\"><figcaption>担い手養成研修の修了者数</figcaption>"
                      "<svg class=\"chart-svg\" viewBox=\"0 0 360 ") == out);
    CHECK(strstr(out, "role=\"img\" aria-labelledby=\"chart-1-title chart-1-desc\"") != NULL);
    CHECK(strstr(out, "<title id=\"chart-1-title\">担い手養成研修の修了者数</title>") != NULL);
    CHECK(strstr(out, "<desc id=\"chart-1-desc\">棒グラフ。平成28年度から令和2年度までの5項目の"
                      "修了者数。最も大きいのは平成30年度の49人、最も小さいのは令和2年度の18人。"
                      "数値はグラフのあとの表にあります。</desc>") != NULL);
    CHECK(strstr(out, "<details class=\"chart-data\"><summary>数値を表で見る</summary><table>") !=
          NULL);
    CHECK(strstr(out, "</table></details></figure>") != NULL);
    /* Five bars (計 is skipped), each with its number as written; the unit from the cells. */
    CHECK_INT(count(out, "<rect "), 5);
    CHECK_INT(count(out, "fill=\"#1c4382\""), 5);
    for (const char *n = "44人\00040人\00049人\00030人\00018人\0"; *n; n += strlen(n) + 1) {
        char *text = xasprintf(">%s</text>", n);
        CHECK(strstr(out, text) != NULL);
        free(text);
    }
    CHECK(strstr(out, ">181人</text>") == NULL);
    CHECK(strstr(out, ">単位：人</text>") != NULL);
    /* Round ticks: 0, 10, … 50. */
    CHECK(strstr(out, ">0</text>") && strstr(out, ">10</text>") && strstr(out, ">50</text>") &&
          !strstr(out, ">60</text>"));
    /* The table keeps every row, 計 too. */
    CHECK(strstr(out, "<td>計</td>") != NULL);
    /* The labels are the table's own, broken where they fit. */
    CHECK(strstr(out, ">平成28</text>") != NULL && strstr(out, ">年度</text>") != NULL);
    free(out);
    free(msgs);
    free(md);
}

/* The chart line right under the table (md4c reads it as a last row) works the same. */
static void chart_line_as_a_row(void)
{
    char *md = xasprintf("%s{chart=bar title=\"修了者数\" skip=\"計\"}\n", completers);
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, "<figure class=\"chart\">") == out);
    CHECK(strstr(out, "{chart") == NULL);
    CHECK_INT(count(out, "<tr>"), 7); /* the head and six rows: the line is no row */
    free(out);
    free(msgs);
    free(md);
    /* Written with bars around it, and with a bar inside the title. */
    out = html("| a | b |\n|---|---|\n| x | 1 |\n| {chart=bar title=\"A|B\"} |\n", &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, "<title id=\"chart-1-title\">A|B</title>") != NULL);
    CHECK_INT(count(out, "<tr>"), 2);
    free(out);
    free(msgs);
}

static void grouped_bars_by_rows(void)
{
    const char *md =
        "| 年度 | 連絡調整 | 事業実施 | 研修参加 |\n"
        "|---|---:|---:|---:|\n"
        "| 令和元年度 | 310 | 132 | 269 |\n"
        "| 令和2年度 | 466 | 176 | 166 |\n"
        "\n"
        "{chart=grouped-bar title=\"活動の記録\" series=rows horizontal unit=\"件\"}\n";
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    /* Three categories, two series: six bars and two legend swatches, in two colours. */
    CHECK_INT(count(out, "<rect "), 8);
    CHECK_INT(count(out, "fill=\"#1c4382\""), 4);
    CHECK_INT(count(out, "fill=\"#e07020\""), 4);
    CHECK(strstr(out, ">令和元年度</text>") && strstr(out, ">令和2年度</text>"));
    CHECK(strstr(out, ">連絡調整</text>") && strstr(out, ">研修参加</text>"));
    CHECK(strstr(out, ">1528</text>") == NULL && strstr(out, ">466</text>") != NULL);
    CHECK(strstr(out, ">単位：件</text>") != NULL);
    CHECK(strstr(out,
                 "集合棒グラフ。連絡調整から研修参加までの3項目について、令和元年度と令和2年度を"
                 "比べています。最も大きいのは連絡調整（令和2年度）の466。") != NULL);
    free(out);
    free(msgs);
}

static void stacked_bars_and_lines(void)
{
    const char *table = "| 地区 | 男性 | 女性 |\n|---|--:|--:|\n| 櫛引 | 12 | 30 |\n"
                        "| 朝日 | 8 | 21 |\n| 温海 | 1.5 | 2 |\n\n";
    char *md = xasprintf("%s{chart=stacked-bar title=\"参加者\"}\n", table);
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    CHECK_INT(count(out, "<rect "), 8); /* 3 stacks of 2, and the legend */
    /* Totals over the stacks, with the decimals their numbers have. */
    CHECK(strstr(out, ">42</text>") && strstr(out, ">29</text>") && strstr(out, ">3.5</text>"));
    /* A number on a dark fill is white, on a light one black. */
    CHECK(strstr(out, "fill=\"#ffffff\">12</text>") != NULL);
    CHECK(strstr(out, "fill=\"#000000\">30</text>") != NULL);
    free(out);
    free(msgs);
    free(md);

    md = xasprintf("%s{chart=line title=\"参加者の移り変わり\"}\n", table);
    out = html(md, &msgs);
    CHECK_STR(msgs, "");
    /* One line per series, dashed apart, and a marker of its own shape at each point. */
    CHECK_INT(count(out, "<polyline "), 2);
    CHECK_INT(count(out, "stroke-dasharray=\"8 3\""), 2); /* the second line and its legend */
    CHECK_INT(count(out, "<circle "), 4);                 /* 3 points and the legend */
    CHECK(strstr(out,
                 "折れ線グラフ。櫛引から温海までの3項目について、男性と女性の移り変わりを示して"
                 "います。") != NULL);
    free(out);
    free(msgs);
    free(md);
}

static void negative_numbers(void)
{
    const char *md = "| 年度 | 増減 |\n|---|--:|\n| 令和元年度 | -3 |\n| 令和2年度 | 5 |\n\n"
                     "{chart=bar title=\"増減\"}\n";
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, ">-3</text>") != NULL && strstr(out, ">5</text>") != NULL);
    CHECK(strstr(out, ">-4</text>") != NULL); /* the axis goes below 0, by round steps */
    free(out);
    free(msgs);
}

/* ---- Drawn for print ------------------------------------------------------------------------ */

static void print_as_an_svg_file(void)
{
    char *md = xasprintf("%s\n{chart=bar title=\"修了者数\" skip=\"計\"}\n", completers);
    struct placed p;
    char *out = print_xhtml(md, &p);
    CHECK_INT(p.n, 1);
    CHECK(strstr(out, "<figure") == NULL && strstr(out, "<svg") == NULL &&
          strstr(out, "<details") == NULL);
    CHECK(strstr(out, "<div class=\"chart figure\"><div class=\"figcaption\">修了者数</div>"
                      "<img src=\"img/chart-1.svg\" alt=\"棒グラフ。") == out);
    CHECK(strstr(out, "width=\"360\" height=\"") != NULL);
    /* 計 is not in the chart: the table follows it. */
    CHECK(strstr(out, "</div><div class=\"chart-data\"><table>") != NULL);
    /* The document: SVG in its namespace, in the print fonts, with a title and description. */
    if (p.n == 1) {
        xmlDocPtr doc =
            xmlReadMemory(p.svg[0].data, (int)p.svg[0].len, "chart.svg", "UTF-8", XML_PARSE_NONET);
        CHECK(doc != NULL);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        CHECK(root && strcmp((const char *)root->name, "svg") == 0 && root->ns &&
              strcmp((const char *)root->ns->href, "http://www.w3.org/2000/svg") == 0);
        CHECK(strstr(p.svg[0].data, "font-family=\"'BIZ UDPGothic'") != NULL);
        CHECK(strstr(p.svg[0].data, "<title>修了者数</title><desc>棒グラフ。") != NULL);
        CHECK(strstr(p.svg[0].data, "role=") == NULL && strstr(p.svg[0].data, "id=") == NULL);
        xmlFreeDoc(doc);
    }
    placed_release(&p);
    free(out);
    free(md);

    /* A chart that writes every number of its table leaves the table out on paper. */
    out =
        print_xhtml("| a | b |\n|---|---|\n| x | 1 |\n| y | 2 |\n\n{chart=bar title=\"t\"}\n", &p);
    CHECK(strstr(out, "chart-data") == NULL && strstr(out, "<table") == NULL);
    CHECK(strstr(out, "<img src=\"img/chart-1.svg\"") != NULL);
    placed_release(&p);
    free(out);
}

/* In vertical text the chart is drawn for the tier: the <img> has the drawing's size, a tier
 * high, and the chart line's horizontal gives way to bars up the page with labels set
 * vertically. */
static void print_in_a_tier(void)
{
    const char *md = "| 年度 | 連絡調整 | 事業実施 | 研修参加 |\n"
                     "|---|---:|---:|---:|\n"
                     "| 令和元年度 | 310 | 132 | 269 |\n"
                     "| 令和2年度 | 466 | 176 | 166 |\n"
                     "\n"
                     "{chart=grouped-bar title=\"活動の記録\" series=rows horizontal unit=\"件\"}\n";
    const struct plot_tier tier = {220.1, 574.4};
    struct placed p;
    char *out = print_xhtml_in(md, &tier, &p);
    CHECK_INT(p.n, 1);
    if (p.n == 1) {
        const char *svg = p.svg[0].data;
        CHECK(strstr(svg, " height=\"220.1\"") != NULL);
        const char *w = strstr(svg, " width=\"");
        double width = w ? atof(w + 8) : 0;
        CHECK(width > 0 && width <= tier.max_width);
        char *img = xasprintf("width=\"%g\" height=\"220.1\"", width);
        CHECK(strstr(out, img) != NULL);
        free(img);
        CHECK(strstr(svg, "writing-mode=\"tb\">連絡調整</text>") != NULL);
    }
    /* Every number is written at its bar: the table is left out, as across columns. */
    CHECK(strstr(out, "chart-data") == NULL);
    placed_release(&p);
    free(out);
}

/* A title may have ruby, as body text does: the caption shows it, on the web and in print;
 * what is read aloud or shown instead of the picture has the bases alone. */
static void ruby_in_the_title(void)
{
    const char *md = "| 年度 | 人数 |\n|---|--:|\n| 令和元年度 | 3 |\n| 令和2年度 | 5 |\n\n"
                     "{chart=bar title=\"{担|にな}い手の{数|かず}（{櫛引|くし|びき}）\"}\n";
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, "<figcaption><ruby>担<rp>(</rp><rt>にな</rt><rp>)</rp></ruby>い手の"
                      "<ruby>数<rp>(</rp><rt>かず</rt><rp>)</rp></ruby>（<ruby>櫛<rp>(</rp><rt>"
                      "くし</rt><rp>)</rp>引<rp>(</rp><rt>びき</rt><rp>)</rp></ruby>）"
                      "</figcaption>") != NULL);
    CHECK(strstr(out, "<title id=\"chart-1-title\">担い手の数（櫛引）</title>") != NULL);
    CHECK(strstr(out, "{") == NULL && strstr(out, "|") == NULL);
    free(out);
    free(msgs);

    struct placed p;
    out = print_xhtml(md, &p);
    CHECK(strstr(out, "<div class=\"figcaption\"><ruby><rb>担</rb><rp>(</rp><rt>にな</rt>") !=
          NULL);
    CHECK(strstr(out, "alt=\"棒グラフ。") != NULL && strstr(out, "{") == NULL);
    CHECK(p.n == 1 && strstr(p.svg[0].data, "<title>担い手の数（櫛引）</title>") != NULL);
    placed_release(&p);
    free(out);

    /* Braces that are not ruby stay as written. */
    out = html("| a | b |\n|---|---|\n| x | 1 |\n\n{chart=bar title=\"{数} と {|よみ}\"}\n", NULL);
    CHECK(strstr(out, "<figcaption>{数} と {|よみ}</figcaption>") != NULL);
    free(out);
}

/* Without a place for a file, XHTML (which has no SVG) keeps the table. */
static void xhtml_without_a_file(void)
{
    char *md = xasprintf("%s\n{chart=bar title=\"修了者数\"}\n", completers);
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "body.md", 1, md, strlen(md), NULL);
    char *x = dom_xhtml(doc);
    CHECK(strstr(x, "<svg") == NULL && strstr(x, "<table>") != NULL);
    if (!strstr(x, "<div class=\"chart-data details\"><p class=\"summary\"><strong>数値を表で見る"
                   "</strong></p><table>"))
        fprintf(stderr, "  got %s\n", x);
    CHECK(strstr(x, "<div class=\"chart-data details\"><p class=\"summary\"><strong>数値を表で見る"
                    "</strong></p><table>") != NULL);
    /* The chart's labels are no part of the text (search, summaries, reading time). */
    char *text = dom_text(doc);
    CHECK(strstr(text, "単位") == NULL && strstr(text, "平成28年度 44人") != NULL);
    free(text);
    free(x);
    dom_free(doc);
    diag_release(&d);
    free(md);
}

/* ---- Mistakes ------------------------------------------------------------------------------- */

static void check_messages(const char *md, const char *want)
{
    char *got = messages(md);
    CHECK_STR(got, want);
    free(got);
}

static void mistakes_in_the_line(void)
{
    const char *t = "| 年 | 数 |\n|---|---|\n| A | 1 |\n\n";
    char *md;
#define LINE(line, want)                                                                           \
    md = xasprintf("%s%s\n", t, line);                                                             \
    check_messages(md, want);                                                                      \
    free(md)
    LINE("{chart=pie title=\"t\"}",
         "body.md:5:8: error: 'pie' is not a kind of chart: write bar, grouped-bar, stacked-bar "
         "or line");
    LINE("{chart title=\"t\"}",
         "body.md:5:2: error: say which chart to draw: chart=bar, chart=grouped-bar, "
         "chart=stacked-bar or chart=line");
    LINE("{chart=bar}",
         "body.md:5:1: error: a chart needs a title, which is also its caption: add title=\"…\" "
         "to the chart line");
    LINE("{chart=bar titel=\"t\"}",
         "body.md:5:12: error: unknown chart setting 'titel' (a chart line takes chart, title, "
         "unit, skip, series and horizontal)");
    LINE("{chart=bar title=\"t\" title=\"u\"}",
         "body.md:5:22: error: 'title' is given twice in this chart line");
    LINE("{chart=bar title=\"t}", "body.md:5:18: error: the value of 'title' has no closing '\"'");
    LINE("{chart=bar title=\"t\"",
         "body.md:5:21: error: the chart line must end with '}', like {chart=bar title=\"…\"}");
    LINE("{chart=bar title=\"t\" series=down}",
         "body.md:5:29: error: series is rows (each row is a series) or columns (each column "
         "is one, the default), not 'down'");
    LINE("{chart=line title=\"t\" horizontal}",
         "body.md:5:8: error: a line chart joins two points or more, and this table has one row "
         "to draw\n"
         "body.md:5:23: error: a line chart runs across the page and cannot be horizontal; "
         "leave 'horizontal' out");
    LINE("{chart=bar title=\"t\" skip=\"B\"}",
         "body.md:5:27: error: skip names 'B', but no row or column of the table is labelled so");
    LINE("{chart=bar title=\"t\" horizontal=yes}",
         "body.md:5:22: error: 'horizontal' takes no value: write it alone");
    LINE("{chart=bar title=\"t\" 「x」}",
         "body.md:5:22: error: unexpected '「' in the chart line: settings are written "
         "name=value, with spaces between them");
#undef LINE
    /* Where there is no table, or text follows on the next line. */
    check_messages("文です。\n\n{chart=bar title=\"t\"}\n",
                   "body.md:3:1: error: a chart line draws the table right above it, and there "
                   "is none: write it on the line after the table");
    check_messages("| a | b |\n|---|---|\n| x | 1 |\n\n{chart=bar title=\"t\"}\n続きの文。\n",
                   "body.md:5:1: error: a chart line is a line of its own: leave an empty line "
                   "between it and the text after it");
    /* Escaped, it is text. */
    char *msgs;
    char *out = html("| a | b |\n|---|---|\n| x | 1 |\n\n\\{chart=bar}\n", &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, "<p>{chart=bar}</p>") != NULL && strstr(out, "<svg") == NULL);
    free(out);
    free(msgs);
}

static void mistakes_in_the_table(void)
{
    /* A cell that is no number, and an empty cell (found from the bars around it). */
    check_messages("| 年度 | 人数 | 回数 |\n|---|--:|--:|\n| 令和元年度 | 約40 | 3 |\n"
                   "| 令和2年度 |  | 2 |\n\n{chart=grouped-bar title=\"t\"}\n",
                   "body.md:3:11: error: '約40' is not a number: a chart needs a number in every "
                   "cell it draws, like 44, 1,528 or 12.5 (a unit may follow: 44人)\n"
                   "body.md:4:11: error: this cell is empty, and a chart needs a number in every "
                   "cell it draws (write 0 for none)");
    /* An empty table: a head and no rows. */
    check_messages("| 年度 | 人数 |\n|---|---|\n\n{chart=bar title=\"t\"}\n",
                   "body.md:4:1: error: the table above has no numbers to draw: a chart needs a "
                   "row of headings, at least one row under it, and a column of numbers beside "
                   "the labels");
    /* Every row skipped. */
    check_messages("| 年度 | 人数 |\n|---|---|\n| 計 | 3 |\n\n{chart=bar title=\"t\" skip=計}\n",
                   "body.md:5:1: error: the table above has no numbers to draw: every row is "
                   "skipped");
    /* Too many series: the seventh is named. */
    check_messages("| 年 | a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|---|\n"
                   "| x | 1 | 2 | 3 | 4 | 5 | 6 | 7 |\n\n{chart=stacked-bar title=\"t\"}\n",
                   "body.md:1:31: error: a chart tells at most 6 series apart, and this table has "
                   "7: leave some out with skip=\"…\" or draw two charts");
    /* A bar chart of two columns; a line through one point; a negative stack. */
    check_messages("| 年 | a | b |\n|---|---|---|\n| x | 1 | 2 |\n\n{chart=bar title=\"t\"}\n",
                   "body.md:5:8: error: a bar chart draws one column of numbers, and this table "
                   "has 2: use grouped-bar to set them side by side, or stacked-bar to pile them "
                   "up");
    check_messages("| 年 | a |\n|---|---|\n| x | 1 |\n\n{chart=line title=\"t\"}\n",
                   "body.md:5:8: error: a line chart joins two points or more, and this table "
                   "has one row to draw");
    check_messages("| 年 | a | b |\n|---|---|---|\n| x | 1 | -2 |\n\n"
                   "{chart=stacked-bar title=\"t\"}\n",
                   "body.md:3:11: error: stacked bars pile up numbers of 0 or more, and this one "
                   "is -2");
    /* A row without a label. */
    check_messages("| 年 | a |\n|---|---|\n| x | 1 |\n|  | 2 |\n\n{chart=bar title=\"t\"}\n",
                   "body.md:4:3: error: this label is empty: every row and column a chart draws "
                   "needs a name");
    /* Too many rows: the first one over is named. */
    struct buf md;
    buf_init(&md);
    buf_puts(&md, "| 年 | a |\n|---|---|\n");
    for (int i = 0; i < CHART_MAX_CATEGORIES + 2; i++)
        buf_printf(&md, "| r%d | %d |\n", i, i);
    buf_puts(&md, "\n{chart=bar title=\"t\"}\n");
    char *want =
        xasprintf("body.md:%d:3: error: a chart draws at most %d rows, and this table has "
                  "%d: leave some out with skip=\"…\" or draw two charts",
                  3 + CHART_MAX_CATEGORIES, CHART_MAX_CATEGORIES, CHART_MAX_CATEGORIES + 2);
    check_messages(md.data, want);
    free(want);
    buf_release(&md);
}

/* A table with errors stays a table, and the line goes; the rest of the page is untouched. */
static void a_broken_chart_leaves_the_table(void)
{
    char *msgs;
    char *out =
        html("| a | b |\n|---|---|\n| x | y |\n\n{chart=bar title=\"t\"}\n\n後の文。\n", &msgs);
    CHECK(strstr(msgs, "'y' is not a number") != NULL);
    CHECK_STR(out, "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>x</td>"
                   "<td>y</td></tr></tbody></table><p>後の文。</p>");
    free(out);
    free(msgs);
}

/* A captioned picture in a chart's table, in the line under it and in the chart line (found
 * by fuzzing: the chart freed pictures whose captions were still to be placed). */
static void pictures_inside_a_chart(void)
{
    const char *md = "| a | b |\n|---|---|\n| x ![x](p.jpg \"写真\") | 1 |\n"
                     "| y ![z](q.jpg \"図\") | 2 |\n"
                     "{chart=bar title=\"t\" unit=\"![w](r.jpg '絵')\"}\n";
    char *msgs;
    char *out = html(md, &msgs);
    CHECK_STR(msgs, "");
    CHECK(strstr(out, "title=\"写真\"") != NULL && strstr(out, "<svg") != NULL);
    free(out);
    free(msgs);
    struct placed p;
    out = print_xhtml(md, &p); /* every number is in the chart: the table goes on paper */
    CHECK(strstr(out, "<table") == NULL && strstr(out, "<img src=\"img/chart-1.svg\"") != NULL);
    placed_release(&p);
    free(out);
    out = html("| a | b |\n|---|---|\n| x | 1 |\n\n{chart=bar title=\"t\"} ![w](r.jpg \"絵\")\n",
               &msgs);
    CHECK(strstr(msgs, "the chart line must end with '}'") != NULL);
    free(out);
    free(msgs);
}

/* Two charts on one page have ids of their own. */
static void ids_are_unique(void)
{
    char *md = xasprintf("%s\n{chart=bar title=\"一\" skip=\"計\"}\n\n%s\n{chart=line title=\"二\" "
                         "skip=\"計\"}\n",
                         completers, completers);
    char *out = html(md, NULL);
    CHECK(strstr(out, "id=\"chart-1-title\"") && strstr(out, "id=\"chart-2-title\"") &&
          strstr(out, "aria-labelledby=\"chart-2-title chart-2-desc\""));
    free(out);
    free(md);
}

int main(void)
{
    dom_global_init();
    RUN(numbers);
    RUN(bar_chart_on_the_web);
    RUN(chart_line_as_a_row);
    RUN(grouped_bars_by_rows);
    RUN(stacked_bars_and_lines);
    RUN(negative_numbers);
    RUN(print_as_an_svg_file);
    RUN(print_in_a_tier);
    RUN(ruby_in_the_title);
    RUN(xhtml_without_a_file);
    RUN(mistakes_in_the_line);
    RUN(mistakes_in_the_table);
    RUN(a_broken_chart_leaves_the_table);
    RUN(pictures_inside_a_chart);
    RUN(ids_are_unique);
    return HARNESS_DONE();
}
