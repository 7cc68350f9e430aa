/* Unit tests of plot (markup/plot.c): round ticks for any range, the palette's promises:
 * neighbouring series PLOT_LIGHTNESS_STEP or more apart in lightness in greyscale and as
 * people with protanopia, deuteranopia and tritanopia see them, lines that stand out from the
 * page, numbers that read on their fills; and charts drawn for a tier of vertical print: a
 * tier high, within its width, their type 6 pt or more, everything inside the drawing. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"
#include "markup/plot.h"

static int is_round(double step)
{
    double power = pow(10, floor(log10(step)));
    double f = step / power;
    return fabs(f - 1) < 1e-9 || fabs(f - 2) < 1e-9 || fabs(f - 5) < 1e-9 || fabs(f - 10) < 1e-9;
}

static void ticks(void)
{
    double first, last, step;
    plot_ticks(0, 49, &first, &last, &step);
    CHECK(first == 0 && last == 50 && step == 10);
    plot_ticks(0, 1528, &first, &last, &step);
    CHECK(first == 0 && last == 2000 && step == 500);
    plot_ticks(0, 0, &first, &last, &step); /* nothing but zeros: still an axis */
    CHECK(first == 0 && last > 0 && step > 0);
    plot_ticks(-3, 7, &first, &last, &step);
    CHECK(first <= -3 && first > -3 - step && last >= 7 && last < 7 + step);
    plot_ticks(0, 0.37, &first, &last, &step);
    CHECK(fabs(step - 0.1) < 1e-12 || fabs(step - 0.2) < 1e-12);
    /* Any range: round steps, three to six ticks from 0 (seven across it), every number
     * inside. */
    unsigned seed = 7;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        double hi = (double)(seed % 100000) / pow(10, seed % 7);
        seed = seed * 1103515245u + 12345u;
        double lo = seed % 3 == 0 ? -hi * (double)(seed % 97) / 100 : 0;
        plot_ticks(lo, hi, &first, &last, &step);
        double n = (last - first) / step + 1;
        int ok = is_round(step) && first <= lo + 1e-9 && last >= hi - 1e-9 && n >= 2.999 &&
                 n <= (lo < 0 ? 7.001 : 6.001);
        if (!ok)
            fprintf(stderr, "  %g..%g: ticks %g..%g by %g\n", lo, hi, first, last, step);
        CHECK(ok);
    }
}

/* ---- The palette ---------------------------------------------------------------------------- */

static double channel(const char *hex, int i)
{
    char two[3] = {hex[1 + 2 * i], hex[2 + 2 * i], '\0'};
    double c = (double)strtol(two, NULL, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(const double rgb[3])
{
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static double lightness(double y)
{
    return y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : 24389.0 / 27 * y;
}

static double contrast(double a, double b)
{
    return (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
}

/* Colours as people with each kind of dichromacy see them (Machado, Oliveira and Fernandes
 * 2009, severity 1), applied to linear RGB; the first is ordinary vision (and greyscale). */
static const double vision[4][3][3] = {
    {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
    {{0.152286, 1.052583, -0.204868},
     {0.114503, 0.786281, 0.099216},
     {-0.003882, -0.048116, 1.051998}},
    {{0.367322, 0.860646, -0.227968},
     {0.280085, 0.672501, 0.047413},
     {-0.011820, 0.042940, 0.968881}},
    {{1.255528, -0.076749, -0.178779},
     {-0.078411, 0.930809, 0.147602},
     {0.004733, 0.691367, 0.303900}},
};

static double seen_lightness(const char *hex, int v)
{
    double rgb[3], seen[3];
    for (int i = 0; i < 3; i++)
        rgb[i] = channel(hex, i);
    for (int r = 0; r < 3; r++) {
        seen[r] = 0;
        for (int c = 0; c < 3; c++)
            seen[r] += vision[v][r][c] * rgb[c];
        seen[r] = fmin(1, fmax(0, seen[r]));
    }
    return lightness(luminance(seen));
}

static void palette(void)
{
    static const char *const names[] = {"ordinary vision and greyscale", "protanopia",
                                        "deuteranopia", "tritanopia"};
    for (size_t s = 0; s < PLOT_SERIES; s++) {
        const char *fill = plot_series_colour(s), *ink = plot_series_text_colour(s);
        double rgb[3], text[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = channel(fill, i);
            text[i] = channel(ink, i);
        }
        /* A line in the colour stands out from the page; a number written on it reads. */
        CHECK(contrast(luminance(rgb), 1.0) >= 3.0);
        CHECK(contrast(luminance(rgb), luminance(text)) >= 4.5);
        for (int v = 0; v < 4 && s + 1 < PLOT_SERIES; v++) {
            double step =
                fabs(seen_lightness(fill, v) - seen_lightness(plot_series_colour(s + 1), v));
            if (step < PLOT_LIGHTNESS_STEP)
                fprintf(stderr, "  series %zu and %zu differ by %.1f in L* with %s\n", s + 1, s + 2,
                        step, names[v]);
            CHECK(step >= PLOT_LIGHTNESS_STEP);
        }
    }
    CHECK_INT(PLOT_LIGHTNESS_STEP, 20);
    CHECK_STR(plot_series_colour(PLOT_SERIES), plot_series_colour(0));
}

/* ---- Drawn for a tier of vertical print ----------------------------------------------------- */

/* The coordinator's monthly record of the example's figures page: 25 items, two years. */
static const char *const record_items[25] = {
    "個別支援：関係形成", "個別支援：直接支援", "個別支援：連絡調整", "地域支援：関係形成",
    "地域支援：協議", "地域支援：調査・情報収集", "地域支援：立ち上げ支援", "地域支援：支援",
    "地域支援：地域への働きかけ", "地域支援：サービス創出", "地域支援：担い手養成",
    "地域支援：マッチング", "地域支援：ネットワーク化", "地域支援：情報発信", "連絡調整",
    "事業実施", "地域ケア会議：個別ケア", "地域ケア会議：自立支援型",
    "地域ケア会議：ネットワーク", "地域ケア会議：推進会議", "包括・法人内部会議", "SC定例会",
    "その他会議", "研修参加", "資料作成等事務"};
static const double record_counts[2][25] = {
    {58, 69, 52, 536, 190, 582, 456, 477, 535, 67, 289, 109, 3, 338, 310, 132, 137, 88, 125, 56,
     144, 119, 326, 269, 659},
    {45, 50, 17, 608, 213, 685, 104, 599, 244, 8, 22, 47, 7, 389, 466, 176, 28, 11, 105, 70, 225,
     154, 357, 166, 1528}};

/* A plot of n categories and series (names and numbers made up when not given); free with
 * plot_release. */
static void plot_make(struct plot *p, enum plot_type type, size_t n_cat, size_t n_ser,
                      const char *const *cats, const double *values)
{
    memset(p, 0, sizeof *p);
    p->type = type;
    p->title = xstrdup("活動の記録");
    p->unit = xstrdup("件");
    p->n_cat = n_cat;
    p->n_ser = n_ser;
    p->cat = xcalloc(n_cat, sizeof *p->cat);
    p->ser = xcalloc(n_ser, sizeof *p->ser);
    p->value = xcalloc(n_cat * n_ser, sizeof *p->value);
    p->label = xcalloc(n_cat * n_ser, sizeof *p->label);
    for (size_t s = 0; s < n_ser; s++)
        p->ser[s] = xasprintf("令和%zu年度", s + 1);
    for (size_t i = 0; i < n_cat; i++) {
        p->cat[i] = cats ? xstrdup(cats[i]) : xasprintf("第%zu地区の集い", i + 1);
        for (size_t s = 0; s < n_ser; s++) {
            double v = values ? values[s * n_cat + i] : (double)((i * 37 + s * 11) % 90 + 5);
            p->value[i * n_ser + s] = v;
            p->label[i * n_ser + s] = xasprintf("%g", v);
        }
    }
}

static void plot_release(struct plot *p)
{
    for (size_t i = 0; i < p->n_cat; i++)
        free(p->cat[i]);
    for (size_t i = 0; i < p->n_cat * p->n_ser; i++)
        free(p->label[i]);
    for (size_t s = 0; s < p->n_ser; s++)
        free(p->ser[s]);
    free(p->cat);
    free(p->ser);
    free(p->value);
    free(p->label);
    free(p->title);
    free(p->unit);
}

/* What a drawing holds, read back from its SVG document. */
struct drawn {
    double width, height;
    double smallest;             /* the smallest type of any text */
    size_t vertical, texts;      /* texts set vertically; all texts */
    size_t outside;              /* texts and bars reaching past the drawing's edges */
    double bar_width;            /* the width most bars have */
    size_t bars;                 /* bars of that width */
    int has_upright_pair;        /* a number of two digits set across within a vertical label */
};

static double number_attr(xmlNodePtr n, const char *name, double fallback)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    double d = v ? atof((const char *)v) : fallback;
    xmlFree(v);
    return d;
}

/* How long s is along a vertical line at size, as a reader's font sets it at most: one em a
 * Japanese character, 0.6 em a Latin one. */
static double vertical_length(const char *s, double size)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x80)
            em += 0.6;
        else if ((*p & 0xC0) != 0x80)
            em += 1;
    return em * size;
}

static void read_drawing(const char *svg, size_t len, struct drawn *out)
{
    memset(out, 0, sizeof *out);
    out->smallest = 1e9;
    xmlDocPtr doc = xmlReadMemory(svg, (int)len, "chart.svg", "UTF-8", XML_PARSE_NONET);
    CHECK(doc != NULL);
    if (!doc)
        return;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    out->width = number_attr(root, "width", 0);
    out->height = number_attr(root, "height", 0);
    double base = number_attr(root, "font-size", 0);
    double widths[64];
    size_t counts[64], kinds = 0;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        double x = number_attr(n, "x", 0), y = number_attr(n, "y", 0);
        if (strcmp((const char *)n->name, "text") == 0) {
            double size = number_attr(n, "font-size", base);
            xmlChar *mode = xmlGetProp(n, BAD_CAST "writing-mode");
            xmlChar *anchor = xmlGetProp(n, BAD_CAST "text-anchor");
            xmlChar *text = xmlNodeGetContent(n);
            out->texts++;
            out->smallest = fmin(out->smallest, size);
            double along = vertical_length((const char *)text, size);
            if (mode) {
                out->vertical++;
                double top = anchor && strcmp((const char *)anchor, "end") == 0      ? y - along
                             : anchor && strcmp((const char *)anchor, "middle") == 0 ? y - along / 2
                                                                                     : y;
                if (x - size / 2 < 0 || x + size / 2 > out->width || top < 0 ||
                    top + along > out->height + 0.5)
                    out->outside++;
            } else {
                if (y - size < 0 || y > out->height + 0.5 || x < 0 || x > out->width)
                    out->outside++;
                size_t digits = strspn((const char *)text, "0123456789");
                if (digits == strlen((const char *)text) && digits <= 2 && digits > 0 &&
                    n->prev && n->next)
                    out->has_upright_pair = 1;
            }
            xmlFree(mode);
            xmlFree(anchor);
            xmlFree(text);
        } else if (strcmp((const char *)n->name, "rect") == 0) {
            double w = number_attr(n, "width", 0), h = number_attr(n, "height", 0);
            if (x < 0 || y < 0 || x + w > out->width + 0.5 || y + h > out->height + 0.5)
                out->outside++;
            size_t k = 0;
            while (k < kinds && fabs(widths[k] - w) > 0.05)
                k++;
            if (k == kinds && kinds < 64) {
                widths[kinds] = w;
                counts[kinds++] = 0;
            }
            if (k < kinds)
                counts[k]++;
        }
    }
    for (size_t k = 0; k < kinds; k++)
        if (counts[k] > out->bars) {
            out->bars = counts[k];
            out->bar_width = widths[k];
        }
    xmlFreeDoc(doc);
}

/* Draws p for tier into *d; returns whether every number is written. */
static int draw_for(const struct plot *p, const struct plot_tier *tier, struct drawn *d)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    double w, h;
    int complete;
    xmlFreeNode(plot_svg(p, doc, NULL, tier, &w, &h, &complete));
    xmlFreeDoc(doc);
    size_t len;
    char *svg = plot_svg_document(p, tier, &len);
    read_drawing(svg, len, d);
    free(svg);
    CHECK(fabs(d->width - w) < 0.05 && fabs(d->height - h) < 0.05);
    return complete;
}

static void drawn_for_a_tier(void)
{
    /* A4 in four tiers: 58.25 mm high, 172 mm wide less 20 mm for the title. */
    const struct plot_tier a4 = {220.1, 574.4};
    struct plot p;
    struct drawn d;
    double values[50];
    memcpy(values, record_counts, sizeof values);

    /* The record, asked for as bars across the page (horizontal): in a tier its bars go up,
     * its 25 labels set vertically, every number written, nothing under 6 pt. */
    plot_make(&p, PLOT_GROUPED, 25, 2, record_items, values);
    p.horizontal = 1;
    CHECK(draw_for(&p, &a4, &d));
    CHECK(fabs(d.height - a4.height) < 0.05);
    CHECK(d.width <= a4.max_width && d.width > a4.max_width / 2);
    CHECK(d.smallest >= PLOT_TIER_MIN_FONT);
    CHECK(d.vertical >= 25);
    CHECK_INT(d.outside, 0);
    CHECK_INT(d.bars, 50); /* fifty bars of one width: columns, side by side */
    plot_release(&p);

    /* Five years of completers: the largest type, each label on one line with its year's two
     * digits upright (縦中横), and a narrow drawing. */
    static const char *const years[5] = {"平成28年度", "平成29年度", "平成30年度", "令和元年度",
                                         "令和2年度"};
    static const double completed[5] = {44, 40, 49, 30, 18};
    plot_make(&p, PLOT_BAR, 5, 1, years, completed);
    CHECK(draw_for(&p, &a4, &d));
    CHECK(d.smallest >= 9 && d.width < a4.max_width / 2);
    CHECK(d.has_upright_pair);
    CHECK_INT(d.outside, 0);
    plot_release(&p);

    /* Every kind of chart stays inside a B5 and an A5 tier with type of 6 pt or more while its
     * categories fit the width; stacked numbers too. */
    const struct plot_tier b5 = {258.2, 483.7}, a5 = {321.2, 378.0};
    const struct plot_tier *tiers[] = {&a4, &b5, &a5};
    for (int type = 0; type < PLOT_TYPES; type++)
        for (size_t t = 0; t < 3; t++) {
            plot_make(&p, (enum plot_type)type, 8, 3, NULL, NULL);
            draw_for(&p, tiers[t], &d);
            CHECK(fabs(d.height - tiers[t]->height) < 0.05 && d.width <= tiers[t]->max_width);
            CHECK(d.smallest >= PLOT_TIER_MIN_FONT);
            if (d.outside)
                fprintf(stderr, "  type %d in tier %zu: %zu things outside\n", type, t, d.outside);
            CHECK_INT(d.outside, 0);
            plot_release(&p);
        }

    /* Numbers under 0 hang under their bars, inside the drawing. */
    static const char *const two[2] = {"令和元年度", "令和2年度"};
    static const double change[2] = {-1250, 3};
    plot_make(&p, PLOT_BAR, 2, 1, two, change);
    CHECK(draw_for(&p, &a4, &d));
    CHECK_INT(d.outside, 0);
    plot_release(&p);

    /* More categories than the width holds at 6 pt: the narrowest drawing at 6 pt, wider than
     * the tier (the page then makes it smaller), still with nothing outside it. */
    plot_make(&p, PLOT_GROUPED, 60, 6, NULL, NULL);
    draw_for(&p, &a4, &d);
    CHECK(d.width > a4.max_width && d.smallest >= PLOT_TIER_MIN_FONT);
    CHECK_INT(d.outside, 0);
    plot_release(&p);
}

/* How many times needle occurs in text. */
static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle))
        n++;
    return n;
}

/* A line chart: one line a series, through every category, in the series' colour; the second
 * series dashed. On the page and in a tier of vertical print alike, thinner there. */
static void lines_of_a_line_chart(void)
{
    static const char *const months[4] = {"4月", "5月", "6月", "7月"};
    static const double counts[8] = {12, 15, 9, 20, 7, 11, 14, 10};
    const struct plot_tier a4 = {220.1, 574.4};
    struct plot p;
    plot_make(&p, PLOT_LINE, 4, 2, months, counts);
    for (int tier = 0; tier < 2; tier++) {
        size_t len;
        char *svg = plot_svg_document(&p, tier ? &a4 : NULL, &len);
        CHECK(svg != NULL);
        if (!svg)
            continue;
        CHECK_INT(count_of(svg, "<polyline"), 2);
        const char *line = strstr(svg, "<polyline");
        for (size_t k = 0; line && k < 2; k++, line = strstr(line + 1, "<polyline")) {
            const char *end = strstr(line, "/>");
            char *one = end ? xasprintf("%.*s", (int)(end - line), line) : xstrdup("");
            CHECK(strstr(one, tier ? "stroke-width=\"2\"" : "stroke-width=\"2.5\"") != NULL);
            CHECK(strstr(one, plot_series_colour(k)) != NULL);
            CHECK((strstr(one, "stroke-dasharray=") != NULL) == (k == 1));
            /* Four points: three spaces between them. */
            const char *pts = strstr(one, "points=\"");
            size_t spaces = 0;
            for (const char *c = pts ? pts + 8 : ""; *c && *c != '"'; c++)
                spaces += *c == ' ';
            CHECK_INT(spaces, 3);
            free(one);
        }
        free(svg);
    }
    plot_release(&p);
}

int main(void)
{
    RUN(ticks);
    RUN(palette);
    RUN(drawn_for_a_tier);
    RUN(lines_of_a_line_chart);
    return HARNESS_DONE();
}
