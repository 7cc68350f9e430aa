/* plot: a chart's numbers drawn as SVG nodes: round ticks, labels that wrap, bars, lines and
 * their markers, the legend and the unit, the description. */
#include "markup/plot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/strv.h"
#include "core/xalloc.h"

/* What each kind of chart is called, for the description. */
static const char *const kinds[PLOT_TYPES] = {"棒グラフ", "集合棒グラフ", "積み上げ棒グラフ",
                                              "折れ線グラフ"};

/* Dark and light in turn, PLOT_LIGHTNESS_STEP or more apart in L* (29, 60, 27, 59, 25, 56),
 * and still so as people with protanopia, deuteranopia or tritanopia see them; each at least
 * 3:1 against white, so that a line in it can be seen; blue and orange first. on_fill[] is the
 * colour of a number written on the fill (4.5:1 or more). tests/unit/test_plot.c checks all
 * of this. */
static const char *const fills[PLOT_SERIES] = {"#1c4382", "#e07020", "#6b2c14",
                                               "#1f9e89", "#3f2d76", "#d6589a"};
static const char *const on_fill[PLOT_SERIES] = {"#ffffff", "#000000", "#ffffff",
                                                 "#000000", "#ffffff", "#000000"};
/* Lines are also told apart by their dashes and their markers. */
static const char *const dashes[PLOT_SERIES] = {NULL, "8 3", "2 3", "10 3 2 3", "5 2", "1 2"};

/* The drawing, in SVG user units (CSS pixels when shown at its own size). The width suits a
 * phone's screen; wider screens scale it up to the stylesheet's limit. */
#define WIDTH ((double)PLOT_WIDTH)
#define PAD 8.0
#define FONT 13.0       /* labels */
#define VALUE_FONT 12.0 /* numbers at the bars and points */
#define LINE 17.0       /* a line of labels */
#define PLOT_HEIGHT 180.0
#define BAR 16.0       /* a horizontal bar's thickness */
#define GROUP_BAR 12.0 /* the same, for each bar of a group */
#define BAND_GAP 8.0
#define LABEL_SHARE 0.42 /* of the width, at most, for the labels beside horizontal bars */

const char *plot_series_colour(size_t i)
{
    return fills[i % PLOT_SERIES];
}

const char *plot_series_text_colour(size_t i)
{
    return on_fill[i % PLOT_SERIES];
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- Ticks ---------------------------------------------------------------------------------- */

/* The smallest round number (1, 2 or 5 times a power of ten) at or above x. */
static double round_number(double x)
{
    double power = pow(10, floor(log10(x)));
    double f = x / power;
    return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * power;
}

void plot_ticks(double lo, double hi, double *first, double *last, double *step)
{
    if (!(hi > lo))
        hi = lo + 1;
    /* At most five steps over the numbers: three to six ticks from 0, seven across it. */
    double s = round_number((hi - lo) / 5);
    /* A small margin against rounding: 49.999999 still ends at 50. */
    *first = floor(lo / s + 1e-9) * s;
    *last = ceil(hi / s - 1e-9) * s;
    *step = s;
}

/* Digits after the point that the ticks of step need. */
static int tick_decimals(double step)
{
    int d = 0;
    while (d < 6 && fabs(step * pow(10, d) - floor(step * pow(10, d) + 0.5)) > 1e-6)
        d++;
    return d;
}

/* Writes v with commas between thousands (1,500) and the given decimals into out. */
static void format_number(char *out, size_t size, double v, int decimals)
{
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", decimals, fabs(v) < 1e-9 ? 0.0 : v);
    const char *p = plain;
    size_t k = 0;
    if (*p == '-')
        out[k++] = *p++;
    size_t whole = strcspn(p, ".");
    for (size_t i = 0; p[i] && k + 2 < size; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = p[i];
    }
    out[k] = '\0';
}

/* ---- Text ----------------------------------------------------------------------------------- */

/* How wide s is at size, a little generously: the font is the reader's, which we cannot
 * measure at build time. Latin letters and digits count 0.6 em, everything else one em. */
static double text_width(const char *s, double size)
{
    double em = 0;
    size_t n = strlen(s), len;
    for (size_t i = 0; i < n; i += len) {
        uint32_t cp = cjk_decode(s + i, n - i, &len);
        em += cp < 0x80 || (cp >= 0xFF61 && cp <= 0xFF9F) ? 0.6 : 1.0;
    }
    return em * size;
}

static int is_word_byte(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == ',';
}

/* Punctuation a line does not start with (行頭禁則). */
static int no_line_start(uint32_t cp)
{
    static const uint32_t marks[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF09, 0x300D, 0x300F,
                                     0x3011, 0xFF1A, 0xFF1B, 0x30FC, 0x30FB, 0xFF01, 0xFF1F,
                                     ')',    ',',    '.',    ':',    ';'};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (cp == marks[i])
            return 1;
    return 0;
}

/* Breaks s greedily into lines no wider than width: between any two characters, but not
 * inside a run of Latin letters and digits (the 28 of 平成28年度) and not before closing
 * punctuation; a piece wider than width gets a line of its own. Adds the lines to out (when
 * not NULL) and returns how many there are. */
static size_t wrap_at(const char *s, double width, double size, struct strv *out)
{
    struct buf line;
    buf_init(&line);
    double used = 0;
    size_t n = strlen(s), len, lines = 0;
    for (size_t i = 0; i < n; i += len) {
        uint32_t cp = cjk_decode(s + i, n - i, &len);
        if (is_word_byte(s[i]))
            for (len = 1; i + len < n && is_word_byte(s[i + len]);)
                len++;
        char piece[256];
        size_t plen = len < sizeof piece ? len : sizeof piece - 1;
        memcpy(piece, s + i, plen);
        piece[plen] = '\0';
        double w = text_width(piece, size);
        if (line.len > 0 && used + w > width && !no_line_start(cp)) {
            if (out)
                strv_push(out, line.data);
            lines++;
            buf_reset(&line);
            used = 0;
        }
        if (line.len == 0 && (s[i] == ' ' || cp == 0x3000))
            continue;
        buf_add(&line, s + i, len);
        used += w;
    }
    if (line.len > 0 || lines == 0) {
        if (out)
            strv_push(out, line.data);
        lines++;
    }
    buf_release(&line);
    return lines;
}

/* Like wrap_at, with lines about equally long: 平成 / 28年度 rather than 平成28年 / 度; a label
 * of two parts (地域支援：調査・情報収集) breaks after its colon when the first part fits. */
static void wrap(const char *s, double width, double size, struct strv *out)
{
    const char *colon = strstr(s, "\xEF\xBC\x9A");
    if (colon && colon[3] && text_width(s, size) > width) {
        char *head = xstrndup(s, (size_t)(colon - s) + 3);
        if (text_width(head, size) <= width) {
            strv_push_owned(out, head);
            wrap(colon + 3, width, size, out);
            return;
        }
        free(head);
    }
    size_t fewest = wrap_at(s, width, size, NULL);
    double even = text_width(s, size) / (double)fewest;
    while (even < width && wrap_at(s, even, size, NULL) > fewest)
        even += size / 4;
    wrap_at(s, fmin(even, width), size, out);
}

/* ---- Drawing -------------------------------------------------------------------------------- */

struct draw {
    const struct plot *c;
    xmlNodePtr svg;
    double width;            /* the drawing's */
    double font, value_font; /* labels, numbers */
    int across;              /* bars across the page */
    double lo, hi, step;     /* the value axis */
    double min, max;         /* the numbers it must hold */
    double x0, x1, y0, y1;   /* the plot area */
    double height;
    size_t unlabelled; /* numbers with no room to be written at their bar or point */
};

static xmlNodePtr add(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static void set(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

/* Sets a length or coordinate: one decimal at most, none when it is whole. */
static void set_num(xmlNodePtr n, const char *name, double v)
{
    char s[32];
    snprintf(s, sizeof s, "%.1f", fabs(v) < 0.05 ? 0.0 : v);
    size_t len = strlen(s);
    if (len > 2 && strcmp(s + len - 2, ".0") == 0)
        s[len - 2] = '\0';
    set(n, name, s);
}

/* A text whose baseline is at y. */
static xmlNodePtr add_text(const struct draw *g, double x, double y, const char *anchor,
                           double size, const char *s)
{
    xmlNodePtr t = xmlNewTextChild(g->svg, NULL, BAD_CAST "text", BAD_CAST s);
    set_num(t, "x", x);
    set_num(t, "y", y);
    if (anchor)
        set(t, "text-anchor", anchor);
    if (size != g->font)
        set_num(t, "font-size", size);
    return t;
}

/* A text set vertically (縦組み), centred on x, from y down (anchor NULL), ending at y ("end")
 * or centred on it ("middle"). Latin letters and digits lie on their side, as in vertical text. */
static xmlNodePtr add_vtext(const struct draw *g, double x, double y, const char *anchor,
                            double size, const char *s)
{
    xmlNodePtr t = add_text(g, x, y, anchor, size, s);
    set(t, "writing-mode", "tb");
    return t;
}

static void add_rect(xmlNodePtr parent, double x, double y, double w, double h, const char *fill)
{
    xmlNodePtr r = add(parent, "rect");
    set_num(r, "x", x);
    set_num(r, "y", y);
    set_num(r, "width", w);
    set_num(r, "height", h);
    set(r, "fill", fill);
    set(r, "stroke", "currentColor");
    set(r, "stroke-width", "0.75");
}

static void add_line(xmlNodePtr parent, double x1, double y1, double x2, double y2, int axis)
{
    xmlNodePtr l = add(parent, "line");
    set_num(l, "x1", x1);
    set_num(l, "y1", y1);
    set_num(l, "x2", x2);
    set_num(l, "y2", y2);
    set(l, "stroke", "currentColor");
    if (axis)
        set(l, "stroke-width", "1.5");
    else
        set(l, "stroke-opacity", "0.3");
}

/* A point of series s as its marker: circle, square, triangle, diamond, triangle down, bar. */
static void add_marker(xmlNodePtr parent, size_t s, double x, double y)
{
    xmlNodePtr m;
    char d[160];
    switch (s % PLOT_SERIES) {
    case 0:
        m = add(parent, "circle");
        set_num(m, "cx", x);
        set_num(m, "cy", y);
        set(m, "r", "4");
        break;
    case 1:
        m = add(parent, "rect");
        set_num(m, "x", x - 3.5);
        set_num(m, "y", y - 3.5);
        set(m, "width", "7");
        set(m, "height", "7");
        break;
    default: {
        static const double shapes[4][8] = {
            {0, -5, 4.5, 3.5, -4.5, 3.5, 0, 0},  /* triangle */
            {0, -5, 5, 0, 0, 5, -5, 0},          /* diamond */
            {0, 5, 4.5, -3.5, -4.5, -3.5, 0, 0}, /* triangle down */
            {-5, -2, 5, -2, 5, 2, -5, 2},        /* bar */
        };
        const double *p = shapes[s % PLOT_SERIES - 2];
        int corners = (s % PLOT_SERIES == 2 || s % PLOT_SERIES == 4) ? 3 : 4;
        size_t k = 0;
        for (int i = 0; i < corners; i++)
            k += (size_t)snprintf(d + k, sizeof d - k, "%s%.1f %.1f", i ? " L" : "M", x + p[2 * i],
                                  y + p[2 * i + 1]);
        snprintf(d + k, sizeof d - k, " Z");
        m = add(parent, "path");
        set(m, "d", d);
        break;
    }
    }
    set(m, "fill", fills[s % PLOT_SERIES]);
    set(m, "stroke", "currentColor");
    set(m, "stroke-width", "0.75");
}

/* Where value v lies along the value axis. */
static double at(const struct draw *g, double v)
{
    double f = (v - g->lo) / (g->hi - g->lo);
    return g->across ? g->x0 + f * (g->x1 - g->x0) : g->y1 - f * (g->y1 - g->y0);
}

static double value(const struct plot *c, size_t cat, size_t ser)
{
    return c->value[cat * c->n_ser + ser];
}

/* A line chart's lines: each series through the middles of the categories' slots, in its
 * colour and dash, width wide. */
static void add_polylines(const struct draw *g, const struct plot *c, double slot,
                          const char *width)
{
    for (size_t s = 0; s < c->n_ser; s++) {
        struct buf pts;
        buf_init(&pts);
        for (size_t i = 0; i < c->n_cat; i++)
            buf_printf(&pts, "%s%.1f,%.1f", i ? " " : "", g->x0 + slot * ((double)i + 0.5),
                       at(g, value(c, i, s)));
        xmlNodePtr pl = add(g->svg, "polyline");
        set(pl, "points", pts.data);
        set(pl, "fill", "none");
        set(pl, "stroke", fills[s]);
        set(pl, "stroke-width", width);
        set(pl, "stroke-linejoin", "round");
        if (dashes[s])
            set(pl, "stroke-dasharray", dashes[s]);
        buf_release(&pts);
    }
}

static const char *label(const struct plot *c, size_t cat, size_t ser)
{
    return c->label[cat * c->n_ser + ser];
}

/* The sum of a stack (numbers are never negative there). */
static double total(const struct plot *c, size_t cat)
{
    double sum = 0;
    for (size_t s = 0; s < c->n_ser; s++)
        sum += value(c, cat, s);
    return sum;
}

/* The label of a stack's total: the sum with the decimals its numbers have, and the unit. */
static void total_label(const struct plot *c, size_t cat, char *out, size_t size)
{
    int decimals = 0;
    for (size_t s = 0; s < c->n_ser; s++) {
        const char *dot = strchr(label(c, cat, s), '.');
        int d = 0;
        while (dot && is_digit(dot[d + 1]))
            d++;
        if (d > decimals)
            decimals = d;
    }
    char num[64];
    format_number(num, sizeof num, total(c, cat), decimals);
    snprintf(out, size, "%s%s", num, c->unit ? c->unit : "");
}

/* The value axis: round ticks over every number (and 0: bars start there, and a line chart
 * that started elsewhere would make small changes look large). */
static void value_range(struct draw *g)
{
    const struct plot *c = g->c;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < c->n_cat; i++) {
        if (c->type == PLOT_STACKED) {
            hi = fmax(hi, total(c, i));
            continue;
        }
        for (size_t s = 0; s < c->n_ser; s++) {
            lo = fmin(lo, value(c, i, s));
            hi = fmax(hi, value(c, i, s));
        }
    }
    g->min = lo;
    g->max = hi;
    plot_ticks(lo, hi, &g->lo, &g->hi, &g->step);
}

/* Fewer ticks, when their labels would touch along a short axis: the next round step. */
static void coarser_ticks(struct draw *g)
{
    double s = round_number(g->step * 1.5);
    g->step = s;
    g->lo = floor(g->min / s + 1e-9) * s;
    g->hi = ceil(g->max / s - 1e-9) * s;
    if (!(g->hi > g->lo))
        g->hi = g->lo + s;
}

static size_t tick_count(const struct draw *g)
{
    return (size_t)floor((g->hi - g->lo) / g->step + 0.5) + 1;
}

static void tick_label(const struct draw *g, size_t k, char *out, size_t size)
{
    format_number(out, size, g->lo + (double)k * g->step, tick_decimals(g->step));
}

/* The unit above the plot on the right, and the legend under it when there are several
 * series. Returns the height they take. */
static double draw_header(struct draw *g)
{
    const struct plot *c = g->c;
    double y = 0;
    if (c->unit) {
        char *u = xasprintf("単位：%s", c->unit);
        add_text(g, WIDTH - PAD, y + FONT, "end", FONT, u);
        free(u);
        y += LINE;
    }
    if (c->n_ser < 2)
        return y > 0 ? y + 4 : 0;
    double x = PAD;
    int line = c->type == PLOT_LINE;
    for (size_t s = 0; s < c->n_ser; s++) {
        double swatch = line ? 24 : 12;
        double w = swatch + 5 + text_width(c->ser[s], FONT);
        if (x > PAD && x + w > WIDTH - PAD) {
            x = PAD;
            y += LINE;
        }
        double mid = y + LINE / 2;
        if (line) {
            xmlNodePtr l = add(g->svg, "line");
            set_num(l, "x1", x);
            set_num(l, "y1", mid);
            set_num(l, "x2", x + swatch);
            set_num(l, "y2", mid);
            set(l, "stroke", fills[s]);
            set(l, "stroke-width", "2.5");
            if (dashes[s])
                set(l, "stroke-dasharray", dashes[s]);
            add_marker(g->svg, s, x + swatch / 2, mid);
        } else {
            add_rect(g->svg, x, mid - 6, 12, 12, fills[s]);
        }
        add_text(g, x + swatch + 5, mid + FONT * 0.35, NULL, FONT, c->ser[s]);
        x += w + 14;
    }
    return y + LINE + 6;
}

/* Vertical bars (縦棒) and lines: categories along the bottom, values up the left. */
static void draw_columns(struct draw *g, double top)
{
    const struct plot *c = g->c;
    char num[64];
    double tick_w = 0;
    for (size_t k = 0; k < tick_count(g); k++) {
        tick_label(g, k, num, sizeof num);
        tick_w = fmax(tick_w, text_width(num, VALUE_FONT));
    }
    g->x0 = PAD + tick_w + 6;
    g->x1 = WIDTH - PAD;
    g->y0 = top + LINE; /* room for the numbers over the tallest bar */
    g->y1 = g->y0 + PLOT_HEIGHT;
    double slot = (g->x1 - g->x0) / (double)c->n_cat;
    struct strv *lines = xcalloc(c->n_cat, sizeof *lines);
    size_t most = 1;
    for (size_t i = 0; i < c->n_cat; i++) {
        wrap(c->cat[i], slot - 4, FONT, &lines[i]);
        if (lines[i].len > most)
            most = lines[i].len;
    }
    double below = g->lo < 0 ? LINE : 0; /* numbers under bars that go below 0 */

    for (size_t k = 0; k < tick_count(g); k++) {
        double v = g->lo + (double)k * g->step, y = at(g, v);
        add_line(g->svg, g->x0, y, g->x1, y, 0);
        tick_label(g, k, num, sizeof num);
        add_text(g, g->x0 - 5, y + VALUE_FONT * 0.35, "end", VALUE_FONT, num);
    }
    for (size_t i = 0; i < c->n_cat; i++) {
        double cx = g->x0 + slot * ((double)i + 0.5);
        for (size_t l = 0; l < lines[i].len; l++)
            add_text(g, cx, g->y1 + below + 4 + LINE * (double)(l + 1) - 4, "middle", FONT,
                     lines[i].v[l]);
    }

    if (c->type == PLOT_LINE)
        add_polylines(g, c, slot, "2.5");
    for (size_t i = 0; i < c->n_cat; i++) {
        double cx = g->x0 + slot * ((double)i + 0.5);
        double group = c->type == PLOT_GROUPED ? fmin(slot * 0.8, 30.0 * (double)c->n_ser)
                                               : fmin(slot * 0.6, 44.0);
        double bw = c->type == PLOT_GROUPED ? group / (double)c->n_ser : group;
        double base = at(g, 0), stack = 0;
        for (size_t s = 0; s < c->n_ser; s++) {
            double v = value(c, i, s);
            const char *text = label(c, i, s);
            double tw = text_width(text, VALUE_FONT);
            if (c->type == PLOT_LINE) {
                double y = at(g, v);
                add_marker(g->svg, s, cx, y);
                /* A number over its point, unless another series' point is in the way. */
                int clear = tw <= slot - 2;
                for (size_t o = 0; o < c->n_ser && clear; o++) {
                    double oy = at(g, value(c, i, o));
                    clear = o == s || !(oy < y && y - oy < VALUE_FONT + 8);
                }
                if (clear)
                    add_text(g, cx, y - 7, "middle", VALUE_FONT, text);
                else
                    g->unlabelled++;
                continue;
            }
            if (c->type == PLOT_STACKED) {
                double y0 = at(g, stack), y1 = at(g, stack + v);
                stack += v;
                add_rect(g->svg, cx - bw / 2, y1, bw, y0 - y1, fills[s]);
                if (y0 - y1 >= VALUE_FONT + 2 && tw <= bw - 4) {
                    xmlNodePtr t = add_text(g, cx, (y0 + y1) / 2 + VALUE_FONT * 0.35, "middle",
                                            VALUE_FONT, text);
                    set(t, "fill", on_fill[s]);
                } else {
                    g->unlabelled++;
                }
                continue;
            }
            double x = c->type == PLOT_GROUPED ? cx - group / 2 + bw * (double)s : cx - bw / 2;
            double y = at(g, v);
            add_rect(g->svg, x, fmin(y, base), bw, fabs(base - y), fills[s]);
            if (tw <= (c->type == PLOT_GROUPED ? bw + 2 : slot - 2))
                add_text(g, x + bw / 2, v < 0 ? y + VALUE_FONT + 2 : y - 4, "middle", VALUE_FONT,
                         text);
            else
                g->unlabelled++;
        }
        if (c->type == PLOT_STACKED && c->n_ser > 1) {
            total_label(c, i, num, sizeof num);
            if (text_width(num, VALUE_FONT) <= slot - 2)
                add_text(g, cx, at(g, stack) - 4, "middle", VALUE_FONT, num);
        }
    }
    add_line(g->svg, g->x0, at(g, 0), g->x1, at(g, 0), 1);
    g->height = g->y1 + below + 4 + LINE * (double)most + 4;
    for (size_t i = 0; i < c->n_cat; i++)
        strv_release(&lines[i]);
    free(lines);
}

/* Horizontal bars (横棒): a band per category down the page, its label on the left. */
static void draw_rows(struct draw *g, double top)
{
    const struct plot *c = g->c;
    char num[64];
    double label_w = 0, value_w = 0, neg_w = 0, tick_w = 0;
    for (size_t i = 0; i < c->n_cat; i++) {
        label_w = fmax(label_w, text_width(c->cat[i], FONT));
        if (c->type == PLOT_STACKED) {
            total_label(c, i, num, sizeof num);
            value_w = fmax(value_w, text_width(num, VALUE_FONT));
            continue;
        }
        for (size_t s = 0; s < c->n_ser; s++) {
            double w = text_width(label(c, i, s), VALUE_FONT);
            if (value(c, i, s) < 0)
                neg_w = fmax(neg_w, w);
            else
                value_w = fmax(value_w, w);
        }
    }
    for (size_t k = 0; k < tick_count(g); k++) {
        tick_label(g, k, num, sizeof num);
        tick_w = fmax(tick_w, text_width(num, VALUE_FONT));
    }
    label_w = fmin(label_w, WIDTH * LABEL_SHARE);
    g->x0 = PAD + label_w + 8 + (neg_w > 0 ? neg_w + 4 : 0);
    g->x1 = WIDTH - PAD - fmax(value_w + 4, tick_w / 2);
    while (tick_count(g) > 2 && (g->x1 - g->x0) / (double)(tick_count(g) - 1) < tick_w + 10)
        coarser_ticks(g);
    double bar = c->type == PLOT_GROUPED ? GROUP_BAR : BAR;
    double bars = c->type == PLOT_GROUPED ? bar * (double)c->n_ser : bar;
    struct strv *lines = xcalloc(c->n_cat, sizeof *lines);
    double *band = xcalloc(c->n_cat, sizeof *band);
    double y = top;
    g->y0 = top;
    for (size_t i = 0; i < c->n_cat; i++) {
        wrap(c->cat[i], label_w, FONT, &lines[i]);
        band[i] = fmax(bars, LINE * (double)lines[i].len) + BAND_GAP;
        y += band[i];
    }
    g->y1 = y;

    for (size_t k = 0; k < tick_count(g); k++) {
        double v = g->lo + (double)k * g->step, x = at(g, v);
        add_line(g->svg, x, g->y0, x, g->y1, 0);
        tick_label(g, k, num, sizeof num);
        add_text(g, x, g->y1 + LINE, "middle", VALUE_FONT, num);
    }
    y = g->y0;
    double base = at(g, 0);
    for (size_t i = 0; i < c->n_cat; i++) {
        double mid = y + band[i] / 2;
        double first = mid - LINE * (double)lines[i].len / 2;
        for (size_t l = 0; l < lines[i].len; l++)
            add_text(g, PAD + label_w, first + LINE * (double)l + FONT, "end", FONT,
                     lines[i].v[l]);
        double stack = 0;
        for (size_t s = 0; s < c->n_ser; s++) {
            double v = value(c, i, s);
            const char *text = label(c, i, s);
            double tw = text_width(text, VALUE_FONT);
            if (c->type == PLOT_STACKED) {
                double x0 = at(g, stack), x1 = at(g, stack + v);
                stack += v;
                add_rect(g->svg, x0, mid - bar / 2, x1 - x0, bar, fills[s]);
                if (x1 - x0 >= tw + 4) {
                    xmlNodePtr t = add_text(g, (x0 + x1) / 2, mid + VALUE_FONT * 0.35,
                                            "middle", VALUE_FONT, text);
                    set(t, "fill", on_fill[s]);
                } else {
                    g->unlabelled++;
                }
                continue;
            }
            double by = c->type == PLOT_GROUPED ? mid - bars / 2 + bar * (double)s : mid - bar / 2;
            double x = at(g, v);
            add_rect(g->svg, fmin(x, base), by, fabs(x - base), bar, fills[s]);
            if (v < 0)
                add_text(g, x - 3, by + bar / 2 + VALUE_FONT * 0.35, "end", VALUE_FONT, text);
            else
                add_text(g, x + 3, by + bar / 2 + VALUE_FONT * 0.35, NULL, VALUE_FONT, text);
        }
        if (c->type == PLOT_STACKED && c->n_ser > 1) {
            total_label(c, i, num, sizeof num);
            add_text(g, at(g, stack) + 3, mid + VALUE_FONT * 0.35, NULL, VALUE_FONT, num);
        }
        y += band[i];
    }
    add_line(g->svg, base, g->y0, base, g->y1, 1);
    g->height = g->y1 + LINE + 6;
    for (size_t i = 0; i < c->n_cat; i++)
        strv_release(&lines[i]);
    free(lines);
    free(band);
}

/* ---- A tier of vertical print ---------------------------------------------------------------- */

/* The sizes a chart for a tier tries, largest first: labels, numbers, a bar standing alone, each
 * bar of a group, the gap between categories. The last is the smallest type that still reads
 * on paper (6 pt). */
struct tier_type {
    double font, value_font, bar, group_bar, gap;
};
static const struct tier_type tier_types[] = {
    {10, 9, 16, 11, 6},
    {9, PLOT_TIER_MIN_FONT, 14, 10, 4},
    {PLOT_TIER_MIN_FONT, PLOT_TIER_MIN_FONT, 12, 9, 3},
};
#define TIER_TYPES (sizeof tier_types / sizeof *tier_types)
#define TIER_PAD 4.0
#define TIER_LEADING 1.25 /* vertical label lines apart, in their size */
#define TIER_MIN_PLOT 0.3 /* of the height, at least, for the bars */

/* How a chart fills its tier. */
struct tier_layout {
    const struct tier_type *t;
    double label_room;   /* along the labels: at most this long */
    double label_len;    /* the longest label line, as wrapped */
    size_t lines;        /* the most lines a label takes */
    double slot, width;  /* a category's width; the drawing's */
    double header;       /* the legend's and the unit's lines */
    double above, below; /* room for numbers over the highest bar, under the lowest */
    double tick_w;       /* the widest tick label */
    double plot;         /* the bars' height */
    int upright;         /* numbers written across the page (they fit their bar), or vertically */
};

/* The legend's swatch (or line) for series s and its name, and the unit, as tier_header lays them
 * out; draw: whether to draw them or only measure. Returns the height they take at width. */
static double tier_header(struct draw *g, const struct tier_type *t, double width, int draw)
{
    const struct plot *c = g->c;
    double line = t->font * 1.5, x = TIER_PAD, y = 0;
    int line_chart = c->type == PLOT_LINE, any = 0;
    char *u = c->unit ? xasprintf("単位：%s", c->unit) : NULL;
    double unit_w = u ? text_width(u, t->font) + 8 : 0;
    for (size_t s = 0; c->n_ser > 1 && s < c->n_ser; s++) {
        double swatch = line_chart ? 18 : t->font;
        double w = swatch + 4 + text_width(c->ser[s], t->font);
        /* The unit stands at the right end of the first line. */
        double room = width - TIER_PAD - (y == 0 ? unit_w : 0);
        if (x > TIER_PAD && x + w > room) {
            x = TIER_PAD;
            y += line;
        }
        double mid = y + line / 2;
        if (draw && line_chart) {
            xmlNodePtr l = add(g->svg, "line");
            set_num(l, "x1", x);
            set_num(l, "y1", mid);
            set_num(l, "x2", x + swatch);
            set_num(l, "y2", mid);
            set(l, "stroke", fills[s]);
            set(l, "stroke-width", "2");
            if (dashes[s])
                set(l, "stroke-dasharray", dashes[s]);
            add_marker(g->svg, s, x + swatch / 2, mid);
        } else if (draw) {
            add_rect(g->svg, x, mid - t->font / 2, t->font, t->font, fills[s]);
        }
        if (draw)
            add_text(g, x + swatch + 4, mid + t->font * 0.35, NULL, t->font, c->ser[s]);
        x += w + 10;
        any = 1;
    }
    if (u && draw)
        add_text(g, width - TIER_PAD, line / 2 + t->font * 0.35, "end", t->font, u);
    free(u);
    return any || c->unit ? y + line + 2 : 0;
}

/* The width of the legend and the unit on one line. */
static double tier_header_width(const struct plot *c, const struct tier_type *t)
{
    double w = 2 * TIER_PAD;
    for (size_t s = 0; c->n_ser > 1 && s < c->n_ser; s++)
        w += (c->type == PLOT_LINE ? 18 : t->font) + 4 + text_width(c->ser[s], t->font) + 10;
    if (c->unit) {
        char *u = xasprintf("単位：%s", c->unit);
        w += text_width(u, t->font) + 8;
        free(u);
    }
    return w;
}

/* The longest number written at a bar or a point of c, at size, and the longest under 0. */
static void number_lengths(const struct plot *c, double size, double *hi, double *lo)
{
    char num[64];
    *hi = *lo = 0;
    for (size_t i = 0; i < c->n_cat; i++) {
        if (c->type == PLOT_STACKED) {
            if (c->n_ser > 1) {
                total_label(c, i, num, sizeof num);
                *hi = fmax(*hi, text_width(num, size));
            }
            continue;
        }
        for (size_t s = 0; s < c->n_ser; s++) {
            double w = text_width(label(c, i, s), size);
            if (value(c, i, s) < 0 && c->type != PLOT_LINE)
                *lo = fmax(*lo, w);
            else
                *hi = fmax(*hi, w);
        }
    }
}

/* Whether cp stands upright in vertical text one em high: kana, kanji, full-width forms and
 * Japanese punctuation (not half-width katakana). */
static int upright_em(uint32_t cp)
{
    return cp >= 0x3000 && !(cp >= 0xFF61 && cp <= 0xFF9F);
}

/* Whether a label's line is set a piece at a time: Japanese with numbers of one or two digits
 * among it, which stand upright (縦中横) as in the text around the chart. Anything else (a
 * word, a longer number) lies on its side within one text. Sets *ems to the line's length in
 * ems when it is. */
static int upright_pieces(const char *s, double *ems)
{
    size_t n = strlen(s), len, digits = 0, run = 0;
    double em = 0;
    for (size_t i = 0; i < n; i += len) {
        uint32_t cp = cjk_decode(s + i, n - i, &len);
        if (is_digit(s[i])) {
            if (++run > 2)
                return 0;
            digits++;
            em += run == 1;
        } else {
            run = 0;
            if (!upright_em(cp))
                return 0;
            em += 1;
        }
    }
    *ems = em;
    return digits > 0;
}

/* How long a label's line is set vertically at size. */
static double vertical_length(const char *s, double size)
{
    double ems;
    return upright_pieces(s, &ems) ? ems * size : text_width(s, size);
}

/* Lays the chart out with type t, its labels at most room long. */
static void tier_try(struct draw *g, const struct plot_tier *tier, const struct tier_type *t,
                     double room, struct tier_layout *out)
{
    const struct plot *c = g->c;
    memset(out, 0, sizeof *out);
    out->t = t;
    out->label_room = room;
    out->lines = 1;
    for (size_t i = 0; i < c->n_cat; i++) {
        struct strv lines = STRV_INIT;
        wrap(c->cat[i], room, t->font, &lines);
        if (lines.len > out->lines)
            out->lines = lines.len;
        for (size_t l = 0; l < lines.len; l++)
            out->label_len = fmax(out->label_len, vertical_length(lines.v[l], t->font));
        strv_release(&lines);
    }
    double bar = c->type == PLOT_GROUPED ? t->group_bar : t->bar;
    double group = c->type == PLOT_GROUPED ? bar * (double)c->n_ser : bar;
    out->slot = fmax((double)out->lines * t->font * TIER_LEADING, group) + t->gap;
    double hi, lo;
    number_lengths(c, t->value_font, &hi, &lo);
    /* Numbers read across when each fits its bar and the gap beside it; otherwise all of them
     * are set vertically, as the text around them is. */
    out->upright = fmax(hi, lo) <= bar + t->gap - 1;
    out->above = (out->upright ? t->value_font : hi) + 5;
    out->below = lo > 0 ? (out->upright ? t->value_font : lo) + 5 : 0;
    char num[64];
    for (size_t k = 0; k < tick_count(g); k++) {
        tick_label(g, k, num, sizeof num);
        out->tick_w = fmax(out->tick_w, text_width(num, t->value_font));
    }
    /* Whole pixels; the legend keeps to one line when the tier is wide enough for it. */
    double bars = ceil(TIER_PAD + out->tick_w + 5 + out->slot * (double)c->n_cat + TIER_PAD);
    double legend = fmin(ceil(tier_header_width(c, t)), floor(tier->max_width));
    out->width = fmax(bars, legend);
    out->header = tier_header(g, t, out->width, 0);
    out->plot = tier->height - out->header - out->above - out->below - 4 - out->label_len - 2;
}

/* Chooses the largest type that fits the tier's width with bars at least TIER_MIN_PLOT of its
 * height; with it, labels in as few lines as leave the bars half the height (or, when none do,
 * the tallest bars). With more categories than the width holds at the smallest type, the
 * narrowest drawing at that type (the page then makes it smaller). */
static void tier_choose(struct draw *g, const struct plot_tier *tier, struct tier_layout *out)
{
    int narrowest = 0;
    for (size_t k = 0; k < TIER_TYPES; k++) {
        const struct tier_type *t = &tier_types[k];
        int tall = 0, few = 0;
        struct tier_layout l, tallest, fewest;
        /* Longer label lines: fewer of them, narrower categories, shorter bars. */
        for (double room = 3 * t->font; room <= tier->height / 2; room += t->font / 2) {
            tier_try(g, tier, t, room, &l);
            if (l.plot < TIER_MIN_PLOT * tier->height)
                break;
            if (l.width <= tier->max_width) {
                if (!tall) {
                    tallest = l;
                    tall = 1;
                }
                if (l.plot >= tier->height / 2 && (!few || l.lines < fewest.lines)) {
                    fewest = l;
                    few = 1;
                }
            } else if (k + 1 == TIER_TYPES && (!narrowest || l.width < out->width)) {
                *out = l;
                narrowest = 1;
            }
        }
        if (few || tall) {
            *out = few ? fewest : tallest;
            return;
        }
    }
    if (!narrowest)
        tier_try(g, tier, &tier_types[TIER_TYPES - 1], 3 * PLOT_TIER_MIN_FONT, out);
}

/* A label's line set vertically from y down, centred on x; in pieces when upright_pieces()
 * says so, each character one em. */
static void add_vlabel(const struct draw *g, double x, double y, double size, const char *s)
{
    double ems;
    size_t n = strlen(s), len;
    if (!upright_pieces(s, &ems)) {
        add_vtext(g, x, y, NULL, size, s);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        if (is_digit(s[i])) {
            while (j < n && is_digit(s[j]))
                j++;
            char num[3] = {s[i], j - i > 1 ? s[i + 1] : '\0', '\0'};
            add_text(g, x, y + size * 0.85, "middle", size, num);
            y += size;
        } else {
            size_t chars = 0;
            while (j < n && !is_digit(s[j])) {
                cjk_decode(s + j, n - j, &len);
                j += len;
                chars++;
            }
            char *piece = xstrndup(s + i, j - i);
            add_vtext(g, x, y, NULL, size, piece);
            free(piece);
            y += size * (double)chars;
        }
        i = j;
    }
}

/* A number at the end of a bar or over a point at (x, y), across or vertically: over it, or
 * under it for a bar below 0. */
static void tier_number(struct draw *g, const struct tier_layout *l, double x, double y, int under,
                        const char *text)
{
    double vf = l->t->value_font;
    if (l->upright)
        add_text(g, x, under ? y + vf + 2 : y - 4, "middle", vf, text);
    else
        add_vtext(g, x, under ? y + 3 : y - 3, under ? NULL : "end", vf, text);
}

/* The top of the value axis, as high as the numbers over the bars allow: each ends under the
 * legend, however long; the top tick's label too. */
static void tier_top(struct draw *g, const struct tier_layout *l)
{
    const struct plot *c = g->c;
    double vf = l->t->value_font, limit = l->header;
    double plot = g->y1 - limit - vf / 2;
    char num[64];
    for (size_t i = 0; i < c->n_cat; i++) {
        for (size_t s = 0; s <= c->n_ser; s++) {
            double v;
            if (s == c->n_ser) {
                if (c->type != PLOT_STACKED || c->n_ser < 2)
                    continue;
                v = total(c, i);
                total_label(c, i, num, sizeof num);
            } else {
                if (c->type == PLOT_STACKED)
                    continue;
                v = value(c, i, s);
                snprintf(num, sizeof num, "%s", label(c, i, s));
            }
            double f = (v - g->lo) / (g->hi - g->lo);
            if (f <= 0)
                continue;
            /* The number's far end: its length over the bar (or the point's marker). */
            double len = (l->upright ? vf + 1 : text_width(num, vf)) + 4 +
                         (c->type == PLOT_LINE ? 3 : 0);
            plot = fmin(plot, (g->y1 - limit - len) / f);
        }
    }
    g->y0 = g->y1 - fmax(plot, 1);
}

/* Columns (縦棒) and lines in a tier of vertical print: categories along the bottom with their
 * labels set vertically, values up the left. */
static void draw_tier(struct draw *g, const struct plot_tier *tier)
{
    const struct plot *c = g->c;
    struct tier_layout l;
    tier_choose(g, tier, &l);
    const struct tier_type *t = l.t;
    double vf = t->value_font;
    g->font = t->font;
    g->value_font = vf;
    g->width = l.width;
    set_num(g->svg, "font-size", t->font);
    tier_header(g, t, g->width, 1);
    g->x0 = TIER_PAD + l.tick_w + 5;
    g->x1 = g->width - TIER_PAD;
    g->y1 = tier->height - 2 - l.label_len - 4 - l.below;
    tier_top(g, &l);
    while (tick_count(g) > 2 && (g->y1 - g->y0) / (double)(tick_count(g) - 1) < vf + 3) {
        coarser_ticks(g);
        tier_top(g, &l);
    }
    char num[64];
    for (size_t k = 0; k < tick_count(g); k++) {
        double v = g->lo + (double)k * g->step, y = at(g, v);
        add_line(g->svg, g->x0, y, g->x1, y, 0);
        tick_label(g, k, num, sizeof num);
        add_text(g, g->x0 - 4, y + vf * 0.35, "end", vf, num);
    }
    double slot = l.slot, spacing = t->font * TIER_LEADING;
    for (size_t i = 0; i < c->n_cat; i++) {
        struct strv lines = STRV_INIT;
        wrap(c->cat[i], l.label_room, t->font, &lines);
        /* Vertical lines run right to left. */
        double cx = g->x0 + slot * ((double)i + 0.5);
        double right = cx + spacing * (double)(lines.len - 1) / 2;
        for (size_t k = 0; k < lines.len; k++)
            add_vlabel(g, right - spacing * (double)k, g->y1 + l.below + 4, t->font,
                       lines.v[k]);
        strv_release(&lines);
    }
    if (c->type == PLOT_LINE)
        add_polylines(g, c, slot, "2");
    double bar = c->type == PLOT_GROUPED ? t->group_bar : t->bar;
    double group = c->type == PLOT_GROUPED ? bar * (double)c->n_ser : bar;
    for (size_t i = 0; i < c->n_cat; i++) {
        double cx = g->x0 + slot * ((double)i + 0.5);
        double base = at(g, 0), stack = 0;
        for (size_t s = 0; s < c->n_ser; s++) {
            double v = value(c, i, s);
            const char *text = label(c, i, s);
            double tw = text_width(text, vf);
            if (c->type == PLOT_LINE) {
                double y = at(g, v);
                add_marker(g->svg, s, cx, y);
                /* A number over its point, unless another series' point is in the way. */
                double need = l.upright ? vf + 8 : tw + 8;
                int clear = 1;
                for (size_t o = 0; o < c->n_ser && clear; o++) {
                    double oy = at(g, value(c, i, o));
                    clear = o == s || !(oy < y && y - oy < need);
                }
                if (clear)
                    tier_number(g, &l, cx, y - 3, 0, text);
                else
                    g->unlabelled++;
                continue;
            }
            if (c->type == PLOT_STACKED) {
                double y0 = at(g, stack), y1 = at(g, stack + v);
                stack += v;
                add_rect(g->svg, cx - bar / 2, y1, bar, y0 - y1, fills[s]);
                xmlNodePtr n = NULL;
                if (y0 - y1 >= vf + 2 && tw <= bar - 4)
                    n = add_text(g, cx, (y0 + y1) / 2 + vf * 0.35, "middle", vf, text);
                else if (y0 - y1 >= tw + 4 && bar >= vf + 2)
                    n = add_vtext(g, cx, (y0 + y1) / 2, "middle", vf, text);
                if (n)
                    set(n, "fill", on_fill[s]);
                else
                    g->unlabelled++;
                continue;
            }
            double x = c->type == PLOT_GROUPED ? cx - group / 2 + bar * (double)s : cx - bar / 2;
            double y = at(g, v);
            add_rect(g->svg, x, fmin(y, base), bar, fabs(base - y), fills[s]);
            tier_number(g, &l, x + bar / 2, y, v < 0, text);
        }
        if (c->type == PLOT_STACKED && c->n_ser > 1) {
            total_label(c, i, num, sizeof num);
            tier_number(g, &l, cx, at(g, stack), 0, num);
        }
    }
    add_line(g->svg, g->x0, at(g, 0), g->x1, at(g, 0), 1);
    g->height = tier->height;
}

/* Names joined as Japanese lists them: 「AとB」, 「A、B、C」. */
static void join_names(struct buf *out, char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(out, n == 2 ? "と" : "、");
        buf_puts(out, names[i]);
    }
}

char *plot_describe(const struct plot *c)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s。", kinds[c->type]);
    if (c->n_cat == 1)
        buf_printf(&b, "「%s」", c->cat[0]);
    else
        buf_printf(&b, "%sから%sまでの%zu項目", c->cat[0], c->cat[c->n_cat - 1], c->n_cat);
    if (c->n_ser == 1) {
        buf_printf(&b, "の%s。", c->ser[0]);
    } else {
        static const char *const how[PLOT_TYPES][2] = {
            {"について、", "を示しています。"},
            {"について、", "を比べています。"},
            {"ごとに、", "を積み上げています。"},
            {"について、", "の移り変わりを示しています。"},
        };
        buf_puts(&b, how[c->type][0]);
        join_names(&b, c->ser, c->n_ser);
        buf_puts(&b, how[c->type][1]);
    }
    size_t hi = 0, lo = 0, n = c->n_cat * c->n_ser;
    for (size_t i = 1; i < n; i++) {
        if (c->value[i] > c->value[hi])
            hi = i;
        if (c->value[i] < c->value[lo])
            lo = i;
    }
    if (c->n_ser == 1 && n > 1)
        buf_printf(&b, "最も大きいのは%sの%s、最も小さいのは%sの%s。", c->cat[hi], c->label[hi],
                   c->cat[lo], c->label[lo]);
    else if (n > 1)
        buf_printf(&b, "最も大きいのは%s（%s）の%s。", c->cat[hi / c->n_ser], c->ser[hi % c->n_ser],
                   c->label[hi]);
    buf_puts(&b, "数値はグラフのあとの表にあります。");
    return buf_detach(&b, NULL);
}

xmlNodePtr plot_svg(const struct plot *c, xmlDocPtr doc, const char *id,
                    const struct plot_tier *tier, double *width, double *height, int *complete)
{
    xmlNodePtr svg = xmlNewDocNode(doc, NULL, BAD_CAST "svg", NULL);
    /* The root's attributes in the order a reader of the markup expects; the box's size is
     * known once everything is drawn. */
    set(svg, "class", "chart-svg");
    set(svg, "viewBox", "");
    set(svg, "width", "");
    set(svg, "height", "");
    set(svg, "role", "img");
    xmlNodePtr title = xmlNewTextChild(svg, NULL, BAD_CAST "title", BAD_CAST c->title);
    char *text = plot_describe(c);
    xmlNodePtr desc = xmlNewTextChild(svg, NULL, BAD_CAST "desc", BAD_CAST text);
    free(text);
    if (id) {
        char *tid = xasprintf("%s-title", id), *did = xasprintf("%s-desc", id);
        char *both = xasprintf("%s %s", tid, did);
        set(title, "id", tid);
        set(desc, "id", did);
        set(svg, "aria-labelledby", both);
        free(tid);
        free(did);
        free(both);
    }
    set_num(svg, "font-size", FONT);
    set(svg, "fill", "currentColor");
    struct draw g = {.c = c,
                     .svg = svg,
                     .width = WIDTH,
                     .font = FONT,
                     .value_font = VALUE_FONT,
                     .across = c->horizontal && !tier,
                     .step = 1};
    value_range(&g);
    if (tier) {
        draw_tier(&g, tier);
    } else {
        double top = draw_header(&g);
        if (c->horizontal)
            draw_rows(&g, top);
        else
            draw_columns(&g, top);
    }
    *width = g.width;
    *height = tier ? g.height : ceil(g.height);
    *complete = !c->skipped && g.unlabelled == 0;
    char box[64];
    snprintf(box, sizeof box, "0 0 %g %g", *width, *height);
    set(svg, "viewBox", box);
    set_num(svg, "width", *width);
    set_num(svg, "height", *height);
    return svg;
}

char *plot_svg_document(const struct plot *c, const struct plot_tier *tier, size_t *len)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    double width, height;
    int complete;
    xmlNodePtr svg = plot_svg(c, doc, NULL, tier, &width, &height, &complete);
    xmlDocSetRootElement(doc, svg);
    xmlSetNs(svg, xmlNewNs(svg, BAD_CAST "http://www.w3.org/2000/svg", NULL));
    xmlUnsetProp(svg, BAD_CAST "class");
    xmlUnsetProp(svg, BAD_CAST "role");
    /* Print has no page fonts to inherit: the print stylesheet's Gothic, by name. */
    set(svg, "font-family",
        "'BIZ UDPGothic', 'BIZ UDGothic', 'Noto Sans CJK JP', 'IPAexGothic', sans-serif");
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    char *out = xstrndup((const char *)mem, (size_t)size);
    xmlFree(mem);
    xmlFreeDoc(doc);
    *len = (size_t)size;
    return out;
}
