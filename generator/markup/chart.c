/* chart: the chart line read, the table's numbers checked, and the chart drawn as SVG nodes. */
#include "markup/chart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "markup/dom_tree.h"

enum chart_type { CHART_BAR, CHART_GROUPED, CHART_STACKED, CHART_LINE, CHART_TYPES };

static const struct {
    const char *name; /* as the chart line writes it */
    const char *what; /* for the description */
} types[CHART_TYPES] = {
    {"bar", "棒グラフ"},
    {"grouped-bar", "集合棒グラフ"},
    {"stacked-bar", "積み上げ棒グラフ"},
    {"line", "折れ線グラフ"},
};

/* Dark and light in turn, CHART_LIGHTNESS_STEP or more apart in L* (29, 60, 27, 59, 25, 56),
 * and still so as people with protanopia, deuteranopia or tritanopia see them; each at least
 * 3:1 against white, so that a line in it can be seen; blue and orange first. on_fill[] is the
 * colour of a number written on the fill (4.5:1 or more). tests/unit/test_chart.c checks all
 * of this. */
static const char *const fills[CHART_MAX_SERIES] = {"#1c4382", "#e07020", "#6b2c14",
                                                    "#1f9e89", "#3f2d76", "#d6589a"};
static const char *const on_fill[CHART_MAX_SERIES] = {"#ffffff", "#000000", "#ffffff",
                                                      "#000000", "#ffffff", "#000000"};
/* Lines are also told apart by their dashes and their markers. */
static const char *const dashes[CHART_MAX_SERIES] = {NULL, "8 3", "2 3", "10 3 2 3", "5 2",
                                                     "1 2"};

/* The drawing, in SVG user units (CSS pixels when shown at its own size). The width suits a
 * phone's screen; wider screens scale it up to the stylesheet's limit. */
#define WIDTH 360.0
#define PAD 8.0
#define FONT 13.0       /* labels */
#define VALUE_FONT 12.0 /* numbers at the bars and points */
#define LINE 17.0       /* a line of labels */
#define PLOT_HEIGHT 180.0
#define BAR 16.0       /* a horizontal bar's thickness */
#define GROUP_BAR 12.0 /* the same, for each bar of a group */
#define BAND_GAP 8.0
#define LABEL_SHARE 0.42 /* of the width, at most, for the labels beside horizontal bars */

struct chart {
    enum chart_type type;
    int horizontal;
    char *title;
    char *unit; /* NULL: none */
    size_t n_cat, n_ser;
    char **cat, **ser; /* labels */
    double *value;     /* [cat * n_ser + ser] */
    char **label;      /* the same cells as written, digits made half-width */
    int skipped;       /* rows or columns of the table left out with skip= */
};

const char *chart_series_colour(size_t i)
{
    return fills[i % CHART_MAX_SERIES];
}

const char *chart_series_text_colour(size_t i)
{
    return on_fill[i % CHART_MAX_SERIES];
}

/* ---- Numbers -------------------------------------------------------------------------------- */

static int is_blank_at(const char *s, size_t n, size_t *len)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t')) {
        *len = 1;
        return 1;
    }
    if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) { /* U+3000, the full-width space */
        *len = 3;
        return 1;
    }
    return 0;
}

/* The character at s as ASCII when it can be part of a number (full-width digits, commas,
 * points and signs too); 0 otherwise. Sets *len to its length in bytes. */
static char number_char(const char *s, size_t n, size_t *len)
{
    uint32_t cp = cjk_decode(s, n, len);
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (char)('0' + (cp - 0xFF10));
    switch (cp) {
    case 0xFF0C:
        return ',';
    case 0xFF0E:
        return '.';
    case 0xFF0B:
        return '+';
    case 0xFF0D:
    case 0x2212:
        return '-';
    }
    return cp < 0x80 ? (char)cp : 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* chart_number, also giving the number as written in ASCII (commas kept) in ascii. */
static int read_number(const char *text, double *value, size_t *unit_at, struct buf *ascii)
{
    size_t n = strlen(text), i = 0, len;
    while (i < n && is_blank_at(text + i, n - i, &len))
        i += len;
    char c = i < n ? number_char(text + i, n - i, &len) : 0;
    char digits[48];
    size_t k = 0;
    buf_reset(ascii);
    if (c == '-' || c == '+') {
        if (c == '-')
            digits[k++] = '-';
        buf_putc(ascii, c);
        i += len;
        c = i < n ? number_char(text + i, n - i, &len) : 0;
    }
    /* The whole part: digits, or groups of three after commas (1,528). */
    size_t group = 0, groups = 0, whole = 0;
    while (is_digit(c) || c == ',') {
        if (c == ',') {
            if (group == 0 || (groups == 0 && group > 3) || (groups > 0 && group != 3))
                return -1;
            groups++;
            group = 0;
        } else {
            if (k + 2 >= sizeof digits)
                return -1;
            digits[k++] = c;
            group++;
            whole++;
        }
        buf_putc(ascii, c);
        i += len;
        c = i < n ? number_char(text + i, n - i, &len) : 0;
    }
    if (whole == 0 || (groups > 0 && group != 3))
        return -1;
    if (c == '.') {
        digits[k++] = '.';
        buf_putc(ascii, '.');
        i += len;
        size_t frac = 0;
        for (c = i < n ? number_char(text + i, n - i, &len) : 0; is_digit(c);
             c = i < n ? number_char(text + i, n - i, &len) : 0) {
            if (k + 2 >= sizeof digits)
                return -1;
            digits[k++] = c;
            buf_putc(ascii, c);
            frac++;
            i += len;
        }
        if (frac == 0)
            return -1;
    }
    digits[k] = '\0';
    while (i < n && is_blank_at(text + i, n - i, &len))
        i += len;
    /* A unit may follow, but no more numbers: "12-3" and "1 2" are not numbers. */
    for (size_t j = i; j < n; j += len)
        if (is_digit(number_char(text + j, n - j, &len)))
            return -1;
    *value = strtod(digits, NULL);
    *unit_at = i;
    return 0;
}

int chart_number(const char *text, double *value, size_t *unit_at)
{
    struct buf ascii;
    buf_init(&ascii);
    int rc = read_number(text, value, unit_at, &ascii);
    buf_release(&ascii);
    return rc;
}

/* ---- Ticks ---------------------------------------------------------------------------------- */

/* The smallest round number (1, 2 or 5 times a power of ten) at or above x. */
static double round_number(double x)
{
    double power = pow(10, floor(log10(x)));
    double f = x / power;
    return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * power;
}

void chart_ticks(double lo, double hi, double *first, double *last, double *step)
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
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == ',';
}

/* Punctuation a line does not start with (行頭禁則). */
static int no_line_start(uint32_t cp)
{
    static const uint32_t marks[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF09, 0x300D, 0x300F,
                                     0x3011, 0xFF1A, 0xFF1B, 0x30FC, 0x30FB, 0xFF01, 0xFF1F,
                                     ')', ',', '.', ':', ';'};
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

/* ---- The chart line ------------------------------------------------------------------------- */

struct settings {
    int type; /* -1 until given */
    unsigned type_col;
    char *title, *unit;
    struct strv skip;
    unsigned skip_col;
    int by_rows;
    int horizontal;
    unsigned horizontal_col;
    struct strv given; /* the names seen, to catch one given twice */
};

struct reader {
    struct diag *d;
    const char *path;
    const struct chart_table *t;
    int failed;
};

static void settings_release(struct settings *st)
{
    free(st->title);
    free(st->unit);
    strv_release(&st->skip);
    strv_release(&st->given);
}

/* The column of byte offset off of the chart line. */
static unsigned line_col(const struct reader *r, size_t off)
{
    return r->t->col + (unsigned)cjk_count(r->t->line, off);
}

static void error_at(struct reader *r, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(struct reader *r, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(r->d, DIAG_ERROR, DIAG_INPUT, r->path, line, col, fmt, ap);
    va_end(ap);
    r->failed = 1;
}

/* Splits a skip= value at commas (, ， 、) into st->skip. */
static void split_list(const char *v, struct strv *out)
{
    struct buf item;
    buf_init(&item);
    size_t n = strlen(v), len;
    for (size_t i = 0; i <= n; i += len) {
        len = 1;
        int sep = i == n || v[i] == ',';
        if (!sep && n - i >= 3 &&
            (memcmp(v + i, "\xEF\xBC\x8C", 3) == 0 || memcmp(v + i, "\xE3\x80\x81", 3) == 0)) {
            sep = 1;
            len = 3;
        }
        if (!sep) {
            buf_putc(&item, v[i]);
            continue;
        }
        size_t s = 0, e = item.len, blen;
        while (s < e && is_blank_at(item.data + s, e - s, &blen))
            s += blen;
        while (e > s && (item.data[e - 1] == ' ' || item.data[e - 1] == '\t'))
            e--;
        if (e > s)
            strv_push_owned(out, xstrndup(item.data + s, e - s));
        buf_reset(&item);
    }
    buf_release(&item);
}

/* Takes one setting of the chart line: name, and value (NULL when none was written). */
static void setting(struct reader *r, struct settings *st, const char *name, const char *value,
                    unsigned col, unsigned value_col)
{
    unsigned line = r->t->line_no;
    static const char *const known[] = {"chart", "title", "unit", "skip", "series", "horizontal"};
    int found = 0;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        found |= strcmp(name, known[i]) == 0;
    if (!found) {
        error_at(r, line, col,
                 "unknown chart setting '%s' (a chart line takes chart, title, unit, skip, "
                 "series and horizontal)",
                 name);
        return;
    }
    if (strv_contains(&st->given, name)) {
        error_at(r, line, col, "'%s' is given twice in this chart line", name);
        return;
    }
    strv_push(&st->given, name);
    if (strcmp(name, "horizontal") == 0) {
        if (value)
            error_at(r, line, col, "'horizontal' takes no value: write it alone");
        st->horizontal = 1;
        st->horizontal_col = col;
        return;
    }
    if (!value || !value[0]) {
        if (strcmp(name, "chart") == 0)
            error_at(r, line, col,
                     "say which chart to draw: chart=bar, chart=grouped-bar, chart=stacked-bar "
                     "or chart=line");
        else
            error_at(r, line, col, "'%s' needs a value, like %s=\"…\"", name, name);
        return;
    }
    if (strcmp(name, "chart") == 0) {
        for (int i = 0; i < CHART_TYPES; i++)
            if (strcmp(value, types[i].name) == 0)
                st->type = i;
        st->type_col = value_col;
        if (st->type < 0)
            error_at(r, line, value_col,
                     "'%s' is not a kind of chart: write bar, grouped-bar, stacked-bar or line",
                     value);
    } else if (strcmp(name, "title") == 0) {
        st->title = xstrdup(value);
    } else if (strcmp(name, "unit") == 0) {
        st->unit = xstrdup(value);
    } else if (strcmp(name, "skip") == 0) {
        split_list(value, &st->skip);
        st->skip_col = value_col;
    } else if (strcmp(value, "rows") == 0 || strcmp(value, "columns") == 0) {
        st->by_rows = strcmp(value, "rows") == 0;
    } else {
        error_at(r, line, value_col,
                 "series is rows (each row is a series) or columns (each column is one, the "
                 "default), not '%s'",
                 value);
    }
}

static int is_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
           c == '_';
}

/* Reads {chart=TYPE name=value name="a value" flag}. Returns 0, or -1 after reporting. */
static int read_line(struct reader *r, struct settings *st)
{
    const char *s = r->t->line;
    size_t n = r->t->line_len, len;
    unsigned line = r->t->line_no;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n < 2 || s[n - 1] != '}') {
        error_at(r, line, line_col(r, n),
                 "the chart line must end with '}', like {chart=bar title=\"…\"}");
        return -1;
    }
    size_t i = 1, end = n - 1;
    while (i < end) {
        if (is_blank_at(s + i, end - i, &len)) {
            i += len;
            continue;
        }
        size_t name_at = i;
        while (i < end && is_name_byte(s[i]))
            i++;
        if (i == name_at) {
            cjk_decode(s + i, end - i, &len);
            error_at(r, line, line_col(r, i),
                     "unexpected '%.*s' in the chart line: settings are written name=value, "
                     "with spaces between them",
                     (int)len, s + i);
            return -1;
        }
        char *name = xstrndup(s + name_at, i - name_at);
        char *value = NULL;
        size_t value_at = i;
        if (i < end && s[i] == '=') {
            i++;
            value_at = i;
            if (i < end && s[i] == '"') {
                const char *q = memchr(s + i + 1, '"', end - i - 1);
                if (!q) {
                    error_at(r, line, line_col(r, i),
                             "the value of '%s' has no closing '\"'", name);
                    free(name);
                    return -1;
                }
                value = xstrndup(s + i + 1, (size_t)(q - s) - i - 1);
                i = (size_t)(q - s) + 1;
            } else {
                while (i < end && !is_blank_at(s + i, end - i, &len))
                    i++;
                value = xstrndup(s + value_at, i - value_at);
            }
        }
        if (i < end && !is_blank_at(s + i, end - i, &len)) {
            cjk_decode(s + i, end - i, &len);
            error_at(r, line, line_col(r, i),
                     "unexpected '%.*s' in the chart line: settings are written name=value, "
                     "with spaces between them",
                     (int)len, s + i);
            free(name);
            free(value);
            return -1;
        }
        setting(r, st, name, value, line_col(r, name_at), line_col(r, value_at));
        free(name);
        free(value);
    }
    if (!r->failed && !st->title)
        error_at(r, line, r->t->col,
                 "a chart needs a title, which is also its caption: add title=\"…\" to the chart "
                 "line");
    return r->failed ? -1 : 0;
}

/* ---- The table ------------------------------------------------------------------------------ */

static const struct chart_cell *cell(const struct chart_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->cols + col];
}

/* Which rows (or columns) of the table are drawn: indexes into the table, skipped ones left
 * out. Labels in skip that were found are marked in used. */
static size_t pick(const struct chart_table *t, int along_rows, const struct strv *skip,
                   char *used, size_t *out)
{
    size_t count = along_rows ? t->rows : t->cols, n = 0;
    for (size_t i = 1; i < count; i++) {
        const char *label = along_rows ? cell(t, i, 0)->text : cell(t, 0, i)->text;
        int skipped = 0;
        for (size_t k = 0; k < skip->len; k++)
            if (strcmp(skip->v[k], label) == 0)
                skipped = used[k] = 1;
        if (!skipped)
            out[n++] = i;
    }
    return n;
}

/* The label cell of category (or series) i, which is table row or column at. */
static const struct chart_cell *label_cell(const struct chart_table *t, int is_row, size_t at)
{
    return is_row ? cell(t, at, 0) : cell(t, 0, at);
}

static void chart_alloc(struct chart *c)
{
    c->cat = xcalloc(c->n_cat, sizeof *c->cat);
    c->ser = xcalloc(c->n_ser, sizeof *c->ser);
    c->value = xcalloc(c->n_cat * c->n_ser, sizeof *c->value);
    c->label = xcalloc(c->n_cat * c->n_ser, sizeof *c->label);
}

void chart_free(struct chart *c)
{
    if (!c)
        return;
    /* A chart found wrong before its numbers were read has counts but no arrays. */
    for (size_t i = 0; c->cat && i < c->n_cat; i++)
        free(c->cat[i]);
    for (size_t i = 0; c->ser && i < c->n_ser; i++)
        free(c->ser[i]);
    for (size_t i = 0; c->label && i < c->n_cat * c->n_ser; i++)
        free(c->label[i]);
    free(c->cat);
    free(c->ser);
    free(c->value);
    free(c->label);
    free(c->title);
    free(c->unit);
    free(c);
}

/* Reads every number; reports each cell that is not one. Returns 0 or -1. */
static int read_values(struct reader *r, struct chart *c, const size_t *cats, const size_t *sers,
                       int by_rows)
{
    const struct chart_table *t = r->t;
    struct buf ascii;
    buf_init(&ascii);
    char *unit = NULL;
    int same_unit = 1;
    for (size_t i = 0; i < c->n_cat; i++) {
        for (size_t j = 0; j < c->n_ser; j++) {
            const struct chart_cell *v =
                by_rows ? cell(t, sers[j], cats[i]) : cell(t, cats[i], sers[j]);
            double x;
            size_t unit_at;
            if (!v->text[0]) {
                error_at(r, v->line, v->col,
                         "this cell is empty, and a chart needs a number in every cell it draws "
                         "(write 0 for none)");
                continue;
            }
            if (read_number(v->text, &x, &unit_at, &ascii) != 0) {
                error_at(r, v->line, v->col,
                         "'%s' is not a number: a chart needs a number in every cell it draws, "
                         "like 44, 1,528 or 12.5 (a unit may follow: 44人)",
                         v->text);
                continue;
            }
            if (c->type == CHART_STACKED && x < 0) {
                error_at(r, v->line, v->col,
                         "stacked bars pile up numbers of 0 or more, and this one is %s",
                         v->text);
                continue;
            }
            const char *u = v->text + unit_at;
            if (!unit)
                unit = xstrdup(u);
            else if (strcmp(unit, u) != 0)
                same_unit = 0;
            c->value[i * c->n_ser + j] = x;
            buf_puts(&ascii, u);
            c->label[i * c->n_ser + j] = xstrdup(ascii.data);
        }
    }
    if (!c->unit && same_unit && unit && unit[0])
        c->unit = xstrdup(unit);
    free(unit);
    buf_release(&ascii);
    return r->failed ? -1 : 0;
}

struct chart *chart_new(struct diag *d, const char *path, const struct chart_table *t)
{
    struct reader r = {d, path, t, 0};
    struct settings st;
    memset(&st, 0, sizeof st);
    st.type = -1;
    if (read_line(&r, &st) != 0 || st.type < 0) {
        settings_release(&st);
        return NULL;
    }
    unsigned line = t->line_no;
    if (st.horizontal && st.type == CHART_LINE)
        error_at(&r, line, st.horizontal_col,
                 "a line chart runs across the page and cannot be horizontal; leave "
                 "'horizontal' out");
    if (t->rows < 2 || t->cols < 2) {
        error_at(&r, line, t->col,
                 "the table above has no numbers to draw: a chart needs a row of headings, at "
                 "least one row under it, and a column of numbers beside the labels");
        settings_release(&st);
        return NULL;
    }
    struct chart *c = xcalloc(1, sizeof *c);
    c->type = (enum chart_type)st.type;
    c->horizontal = st.horizontal;
    c->title = st.title;
    c->unit = st.unit;
    st.title = st.unit = NULL;
    size_t most = t->rows > t->cols ? t->rows : t->cols;
    size_t *cats = xcalloc(most, sizeof *cats), *sers = xcalloc(most, sizeof *sers);
    char *used = xcalloc(st.skip.len + 1, 1);
    /* Categories run down the first column (or across the header row, with series=rows). */
    c->n_cat = pick(t, !st.by_rows, &st.skip, used, cats);
    c->n_ser = pick(t, st.by_rows, &st.skip, used, sers);
    c->skipped = c->n_cat + 1 < (st.by_rows ? t->cols : t->rows) ||
                 c->n_ser + 1 < (st.by_rows ? t->rows : t->cols);
    for (size_t k = 0; k < st.skip.len; k++)
        if (!used[k])
            error_at(&r, line, st.skip_col,
                     "skip names '%s', but no row or column of the table is labelled so",
                     st.skip.v[k]);
    if (c->n_cat == 0 || c->n_ser == 0)
        error_at(&r, line, t->col,
                 "the table above has no numbers to draw: every %s is skipped",
                 c->n_cat == 0 ? (st.by_rows ? "column" : "row") : (st.by_rows ? "row" : "column"));
    if (c->n_ser > CHART_MAX_SERIES) {
        const struct chart_cell *at = label_cell(t, st.by_rows, sers[CHART_MAX_SERIES]);
        error_at(&r, at->line, at->col,
                 "a chart tells at most %d series apart, and this table has %zu: leave some out "
                 "with skip=\"…\" or draw two charts",
                 CHART_MAX_SERIES, c->n_ser);
    }
    if (c->n_cat > CHART_MAX_CATEGORIES) {
        const struct chart_cell *at = label_cell(t, !st.by_rows, cats[CHART_MAX_CATEGORIES]);
        error_at(&r, at->line, at->col,
                 "a chart draws at most %d %s, and this table has %zu: leave some out with "
                 "skip=\"…\" or draw two charts",
                 CHART_MAX_CATEGORIES, st.by_rows ? "columns" : "rows", c->n_cat);
    }
    if (c->type == CHART_BAR && c->n_ser > 1)
        error_at(&r, line, st.type_col,
                 "a bar chart draws one %s of numbers, and this table has %zu: use grouped-bar "
                 "to set them side by side, or stacked-bar to pile them up",
                 st.by_rows ? "row" : "column", c->n_ser);
    if (c->type == CHART_LINE && c->n_cat == 1)
        error_at(&r, line, st.type_col,
                 "a line chart joins two points or more, and this table has one %s to draw",
                 st.by_rows ? "column" : "row");
    if (!r.failed) {
        chart_alloc(c);
        for (size_t i = 0; i < c->n_cat + c->n_ser; i++) {
            int is_cat = i < c->n_cat;
            size_t at = is_cat ? cats[i] : sers[i - c->n_cat];
            const struct chart_cell *l = label_cell(t, is_cat ? !st.by_rows : st.by_rows, at);
            if (!l->text[0])
                error_at(&r, l->line, l->col,
                         "this label is empty: every row and column a chart draws needs a name");
            if (is_cat)
                c->cat[i] = xstrdup(l->text);
            else
                c->ser[i - c->n_cat] = xstrdup(l->text);
        }
        read_values(&r, c, cats, sers, st.by_rows);
    }
    free(cats);
    free(sers);
    free(used);
    settings_release(&st);
    if (r.failed) {
        chart_free(c);
        return NULL;
    }
    return c;
}

/* ---- Drawing -------------------------------------------------------------------------------- */

struct draw {
    const struct chart *c;
    xmlNodePtr svg;
    double lo, hi, step; /* the value axis */
    double min, max;     /* the numbers it must hold */
    double x0, x1, y0, y1; /* the plot area */
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
static xmlNodePtr add_text(xmlNodePtr parent, double x, double y, const char *anchor,
                           double size, const char *s)
{
    xmlNodePtr t = xmlNewTextChild(parent, NULL, BAD_CAST "text", BAD_CAST s);
    set_num(t, "x", x);
    set_num(t, "y", y);
    if (anchor)
        set(t, "text-anchor", anchor);
    if (size != FONT)
        set_num(t, "font-size", size);
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
    switch (s % CHART_MAX_SERIES) {
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
        const double *p = shapes[s % CHART_MAX_SERIES - 2];
        int corners = (s % CHART_MAX_SERIES == 2 || s % CHART_MAX_SERIES == 4) ? 3 : 4;
        size_t k = 0;
        for (int i = 0; i < corners; i++)
            k += (size_t)snprintf(d + k, sizeof d - k, "%s%.1f %.1f", i ? " L" : "M",
                                  x + p[2 * i], y + p[2 * i + 1]);
        snprintf(d + k, sizeof d - k, " Z");
        m = add(parent, "path");
        set(m, "d", d);
        break;
    }
    }
    set(m, "fill", fills[s % CHART_MAX_SERIES]);
    set(m, "stroke", "currentColor");
    set(m, "stroke-width", "0.75");
}

/* Where value v lies along the value axis. */
static double at(const struct draw *g, double v)
{
    double f = (v - g->lo) / (g->hi - g->lo);
    return g->c->horizontal ? g->x0 + f * (g->x1 - g->x0) : g->y1 - f * (g->y1 - g->y0);
}

static double value(const struct chart *c, size_t cat, size_t ser)
{
    return c->value[cat * c->n_ser + ser];
}

static const char *label(const struct chart *c, size_t cat, size_t ser)
{
    return c->label[cat * c->n_ser + ser];
}

/* The sum of a stack (numbers are never negative there). */
static double total(const struct chart *c, size_t cat)
{
    double sum = 0;
    for (size_t s = 0; s < c->n_ser; s++)
        sum += value(c, cat, s);
    return sum;
}

/* The label of a stack's total: the sum with the decimals its numbers have, and the unit. */
static void total_label(const struct chart *c, size_t cat, char *out, size_t size)
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
    const struct chart *c = g->c;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < c->n_cat; i++) {
        if (c->type == CHART_STACKED) {
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
    chart_ticks(lo, hi, &g->lo, &g->hi, &g->step);
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
    const struct chart *c = g->c;
    double y = 0;
    if (c->unit) {
        char *u = xasprintf("単位：%s", c->unit);
        add_text(g->svg, WIDTH - PAD, y + FONT, "end", FONT, u);
        free(u);
        y += LINE;
    }
    if (c->n_ser < 2)
        return y > 0 ? y + 4 : 0;
    double x = PAD;
    int line = c->type == CHART_LINE;
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
        add_text(g->svg, x + swatch + 5, mid + FONT * 0.35, NULL, FONT, c->ser[s]);
        x += w + 14;
    }
    return y + LINE + 6;
}

/* Vertical bars (縦棒) and lines: categories along the bottom, values up the left. */
static void draw_columns(struct draw *g, double top)
{
    const struct chart *c = g->c;
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
        add_text(g->svg, g->x0 - 5, y + VALUE_FONT * 0.35, "end", VALUE_FONT, num);
    }
    for (size_t i = 0; i < c->n_cat; i++) {
        double cx = g->x0 + slot * ((double)i + 0.5);
        for (size_t l = 0; l < lines[i].len; l++)
            add_text(g->svg, cx, g->y1 + below + 4 + LINE * (double)(l + 1) - 4, "middle", FONT,
                     lines[i].v[l]);
    }

    if (c->type == CHART_LINE) {
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
            set(pl, "stroke-width", "2.5");
            set(pl, "stroke-linejoin", "round");
            if (dashes[s])
                set(pl, "stroke-dasharray", dashes[s]);
            buf_release(&pts);
        }
    }
    for (size_t i = 0; i < c->n_cat; i++) {
        double cx = g->x0 + slot * ((double)i + 0.5);
        double group = c->type == CHART_GROUPED ? fmin(slot * 0.8, 30.0 * (double)c->n_ser)
                                                : fmin(slot * 0.6, 44.0);
        double bw = c->type == CHART_GROUPED ? group / (double)c->n_ser : group;
        double base = at(g, 0), stack = 0;
        for (size_t s = 0; s < c->n_ser; s++) {
            double v = value(c, i, s);
            const char *text = label(c, i, s);
            double tw = text_width(text, VALUE_FONT);
            if (c->type == CHART_LINE) {
                double y = at(g, v);
                add_marker(g->svg, s, cx, y);
                /* A number over its point, unless another series' point is in the way. */
                int clear = tw <= slot - 2;
                for (size_t o = 0; o < c->n_ser && clear; o++) {
                    double oy = at(g, value(c, i, o));
                    clear = o == s || !(oy < y && y - oy < VALUE_FONT + 8);
                }
                if (clear)
                    add_text(g->svg, cx, y - 7, "middle", VALUE_FONT, text);
                else
                    g->unlabelled++;
                continue;
            }
            if (c->type == CHART_STACKED) {
                double y0 = at(g, stack), y1 = at(g, stack + v);
                stack += v;
                add_rect(g->svg, cx - bw / 2, y1, bw, y0 - y1, fills[s]);
                if (y0 - y1 >= VALUE_FONT + 2 && tw <= bw - 4) {
                    xmlNodePtr t = add_text(g->svg, cx, (y0 + y1) / 2 + VALUE_FONT * 0.35,
                                            "middle", VALUE_FONT, text);
                    set(t, "fill", on_fill[s]);
                } else {
                    g->unlabelled++;
                }
                continue;
            }
            double x = c->type == CHART_GROUPED ? cx - group / 2 + bw * (double)s : cx - bw / 2;
            double y = at(g, v);
            add_rect(g->svg, x, fmin(y, base), bw, fabs(base - y), fills[s]);
            if (tw <= (c->type == CHART_GROUPED ? bw + 2 : slot - 2))
                add_text(g->svg, x + bw / 2, v < 0 ? y + VALUE_FONT + 2 : y - 4, "middle",
                         VALUE_FONT, text);
            else
                g->unlabelled++;
        }
        if (c->type == CHART_STACKED && c->n_ser > 1) {
            total_label(c, i, num, sizeof num);
            if (text_width(num, VALUE_FONT) <= slot - 2)
                add_text(g->svg, cx, at(g, stack) - 4, "middle", VALUE_FONT, num);
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
    const struct chart *c = g->c;
    char num[64];
    double label_w = 0, value_w = 0, neg_w = 0, tick_w = 0;
    for (size_t i = 0; i < c->n_cat; i++) {
        label_w = fmax(label_w, text_width(c->cat[i], FONT));
        if (c->type == CHART_STACKED) {
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
    double bar = c->type == CHART_GROUPED ? GROUP_BAR : BAR;
    double bars = c->type == CHART_GROUPED ? bar * (double)c->n_ser : bar;
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
        add_text(g->svg, x, g->y1 + LINE, "middle", VALUE_FONT, num);
    }
    y = g->y0;
    double base = at(g, 0);
    for (size_t i = 0; i < c->n_cat; i++) {
        double mid = y + band[i] / 2;
        double first = mid - LINE * (double)lines[i].len / 2;
        for (size_t l = 0; l < lines[i].len; l++)
            add_text(g->svg, PAD + label_w, first + LINE * (double)l + FONT, "end", FONT,
                     lines[i].v[l]);
        double stack = 0;
        for (size_t s = 0; s < c->n_ser; s++) {
            double v = value(c, i, s);
            const char *text = label(c, i, s);
            double tw = text_width(text, VALUE_FONT);
            if (c->type == CHART_STACKED) {
                double x0 = at(g, stack), x1 = at(g, stack + v);
                stack += v;
                add_rect(g->svg, x0, mid - bar / 2, x1 - x0, bar, fills[s]);
                if (x1 - x0 >= tw + 4) {
                    xmlNodePtr t = add_text(g->svg, (x0 + x1) / 2, mid + VALUE_FONT * 0.35,
                                            "middle", VALUE_FONT, text);
                    set(t, "fill", on_fill[s]);
                } else {
                    g->unlabelled++;
                }
                continue;
            }
            double by = c->type == CHART_GROUPED ? mid - bars / 2 + bar * (double)s : mid - bar / 2;
            double x = at(g, v);
            add_rect(g->svg, fmin(x, base), by, fabs(x - base), bar, fills[s]);
            if (v < 0)
                add_text(g->svg, x - 3, by + bar / 2 + VALUE_FONT * 0.35, "end", VALUE_FONT, text);
            else
                add_text(g->svg, x + 3, by + bar / 2 + VALUE_FONT * 0.35, NULL, VALUE_FONT, text);
        }
        if (c->type == CHART_STACKED && c->n_ser > 1) {
            total_label(c, i, num, sizeof num);
            add_text(g->svg, at(g, stack) + 3, mid + VALUE_FONT * 0.35, NULL, VALUE_FONT, num);
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

/* Names joined as Japanese lists them: 「AとB」, 「A、B、C」. */
static void join_names(struct buf *out, char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(out, n == 2 ? "と" : "、");
        buf_puts(out, names[i]);
    }
}

/* What a screen reader says about the chart: its kind, what it shows, its largest and
 * smallest numbers, and where the numbers are. A new string. */
static char *describe(const struct chart *c)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s。", types[c->type].what);
    if (c->n_cat == 1)
        buf_printf(&b, "「%s」", c->cat[0]);
    else
        buf_printf(&b, "%sから%sまでの%zu項目", c->cat[0], c->cat[c->n_cat - 1], c->n_cat);
    if (c->n_ser == 1) {
        buf_printf(&b, "の%s。", c->ser[0]);
    } else {
        static const char *const how[CHART_TYPES][2] = {
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
        buf_printf(&b, "最も大きいのは%s（%s）の%s。", c->cat[hi / c->n_ser],
                   c->ser[hi % c->n_ser], c->label[hi]);
    buf_puts(&b, "数値はグラフのあとの表にあります。");
    return buf_detach(&b, NULL);
}

/* Draws the chart as a new <svg> element of doc (not yet in its tree), with its title and
 * description; ids start with id (none when id is NULL). Sets *height to its height and
 * *complete to whether every number of the table is written in the chart. */
static xmlNodePtr draw(const struct chart *c, xmlDocPtr doc, const char *id, double *height,
                       int *complete)
{
    xmlNodePtr svg = xmlNewDocNode(doc, NULL, BAD_CAST "svg", NULL);
    /* The root's attributes in the order a reader of the markup expects; the box's height is
     * known once everything is drawn. */
    set(svg, "class", "chart-svg");
    set(svg, "viewBox", "");
    set_num(svg, "width", WIDTH);
    set(svg, "height", "");
    set(svg, "role", "img");
    xmlNodePtr title = xmlNewTextChild(svg, NULL, BAD_CAST "title", BAD_CAST c->title);
    char *text = describe(c);
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
    struct draw g = {.c = c, .svg = svg, .step = 1};
    value_range(&g);
    double top = draw_header(&g);
    if (c->horizontal)
        draw_rows(&g, top);
    else
        draw_columns(&g, top);
    *height = ceil(g.height);
    *complete = !c->skipped && g.unlabelled == 0;
    char box[64];
    snprintf(box, sizeof box, "0 0 %g %g", WIDTH, *height);
    set(svg, "viewBox", box);
    set_num(svg, "height", *height);
    return svg;
}

void chart_place(const struct chart *c, xmlNodePtr table, const char *id, const char *img_src)
{
    xmlDocPtr doc = table->doc;
    xmlNodePtr fig = xmlNewDocNode(doc, NULL, BAD_CAST "figure", NULL);
    set(fig, "class", "chart");
    xmlReplaceNode(table, fig);
    xmlNewTextChild(fig, NULL, BAD_CAST "figcaption", BAD_CAST c->title);
    double height;
    int complete;
    if (img_src) {
        xmlNodePtr img = add(fig, "img");
        set(img, "src", img_src);
        char *alt = describe(c);
        set(img, "alt", alt);
        free(alt);
        xmlFreeNode(draw(c, doc, NULL, &height, &complete));
        set_num(img, "width", WIDTH);
        set_num(img, "height", height);
        if (complete) {
            /* On paper the chart says it all: every number is written in it. */
            xmlFreeNode(table);
            return;
        }
        xmlNodePtr data = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
        set(data, "class", "chart-data");
        xmlAddNextSibling(fig, data);
        xmlAddChild(data, table);
        return;
    }
    xmlAddChild(fig, draw(c, doc, id, &height, &complete));
    xmlNodePtr details = add(fig, "details");
    set(details, "class", "chart-data");
    xmlNewTextChild(details, NULL, BAD_CAST "summary", BAD_CAST "数値を表で見る");
    /* The table may be wider than a phone: it scrolls in its own box, which the keyboard can
     * reach. */
    xmlNodePtr box = add(details, "div");
    set(box, "class", "chart-table");
    set(box, "role", "region");
    set(box, "tabindex", "0");
    char *name = xasprintf("%sの数値", c->title);
    set(box, "aria-label", name);
    free(name);
    xmlAddChild(box, table);
}

char *chart_svg_document(const struct chart *c, size_t *len)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    double height;
    int complete;
    xmlNodePtr svg = draw(c, doc, NULL, &height, &complete);
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

/* ---- From Markdown -------------------------------------------------------------------------- */

int chart_line_at(const char *text, size_t len, size_t off)
{
    if (off == SIZE_MAX || off > len || len - off < 7 || memcmp(text + off, "{chart", 6) != 0 ||
        (off > 0 && text[off - 1] == '\\'))
        return 0;
    char next = text[off + 6];
    return next == '=' || next == ' ' || next == '\t' || next == '}';
}

static int is_cell_bar(const struct chart_source *src, size_t i)
{
    return src->text[i] == '|' && !(i > 0 && src->text[i - 1] == '\\');
}

static size_t skip_blanks(const struct chart_source *src, size_t i)
{
    while (i < src->len && (src->text[i] == ' ' || src->text[i] == '\t'))
        i++;
    return i;
}

/* Where an empty cell opened by the bar at i is: the space after the bar, as an editor would
 * put the cursor to type in it. */
static size_t inside_bar(const struct chart_source *src, size_t i)
{
    size_t j = skip_blanks(src, i + 1);
    return j < i + 2 ? j : i + 2;
}

/* Where the empty cell d cells after (d > 0) or before (d < 0) the one whose text starts at off
 * is written, in the same line. */
static size_t cell_beside(const struct chart_source *src, size_t off, long d)
{
    long bars = 0;
    size_t i = off;
    if (d > 0) {
        for (; i < src->len && src->text[i] != '\n'; i++)
            if (is_cell_bar(src, i) && ++bars == d)
                return inside_bar(src, i);
        return i;
    }
    while (i > 0 && src->text[i - 1] != '\n') {
        i--;
        if (is_cell_bar(src, i) && ++bars == 1 - d)
            return inside_bar(src, i);
    }
    return skip_blanks(src, i);
}

/* Where cell i is written: its text, or for an empty cell the place after the bar that opens
 * it, found from a cell with text in its row; for a row without any, its line. */
static void cell_position(const struct chart_source *src, const struct chart_source_cell *c,
                          size_t n, size_t i, unsigned *line, unsigned *col)
{
    size_t off = c[i].off;
    for (size_t d = 1; off == SIZE_MAX; d++) {
        int left = i >= d && c[i - d].row == c[i].row;
        int right = i + d < n && c[i + d].row == c[i].row;
        if (!left && !right)
            break;
        if (left && c[i - d].off != SIZE_MAX)
            off = cell_beside(src, c[i - d].off, (long)d);
        else if (right && c[i + d].off != SIZE_MAX)
            off = cell_beside(src, c[i + d].off, -(long)d);
    }
    if (off != SIZE_MAX) {
        src->position(src->userdata, off, line, col);
        return;
    }
    *line = 0;
    *col = 0;
    for (size_t j = 0; j < n; j++) {
        if (c[j].off == SIZE_MAX)
            continue;
        unsigned l;
        src->position(src->userdata, c[j].off, &l, col);
        /* Rows are lines in a row, but for the delimiter row under the header. */
        long rows = (long)c[i].row - (long)c[j].row;
        rows += (c[j].row == 0 && c[i].row > 0) - (c[i].row == 0 && c[j].row > 0);
        *line = (unsigned)((long)l + rows);
        *col = 1;
        return;
    }
}

int chart_from_markdown(const struct chart_source *src, xmlNodePtr table,
                        const struct chart_source_cell *cells, size_t rows, size_t cols,
                        size_t n_cells, size_t line_off, unsigned number)
{
    unsigned line, col;
    src->position(src->userdata, line_off, &line, &col);
    size_t end = line_off;
    while (end < src->len && src->text[end] != '\n')
        end++;
    int nested = !table;
    for (size_t i = 0; i < n_cells; i++)
        nested |= !cells[i].node;
    if (nested || rows * cols != n_cells) {
        diag_error(src->d, src->path, line, col, "the table above is too deeply nested to draw");
        return -1;
    }
    /* Written as a row of the table (no empty line before it), the line may end with a bar. */
    while (end > line_off && (src->text[end - 1] == ' ' || src->text[end - 1] == '\t'))
        end--;
    if (end > line_off && is_cell_bar(src, end - 1))
        for (end--; end > line_off && (src->text[end - 1] == ' ' || src->text[end - 1] == '\t');)
            end--;
    struct chart_cell *read = xcalloc(n_cells + 1, sizeof *read);
    struct buf text;
    buf_init(&text);
    for (size_t i = 0; i < n_cells; i++) {
        buf_reset(&text);
        dom_text_of(cells[i].node, &text);
        size_t s = 0, e = text.len;
        while (s < e && (text.data[s] == ' ' || text.data[s] == '\n' || text.data[s] == '\t'))
            s++;
        while (e > s && (text.data[e - 1] == ' ' || text.data[e - 1] == '\n' ||
                         text.data[e - 1] == '\t'))
            e--;
        read[i].text = xstrndup(text.data + s, e - s);
        cell_position(src, cells, n_cells, i, &read[i].line, &read[i].col);
    }
    buf_release(&text);
    struct chart_table t = {read, rows, cols, src->text + line_off, end - line_off, line, col};
    struct chart *c = chart_new(src->d, src->path, &t);
    if (c) {
        char id[32];
        snprintf(id, sizeof id, "chart-%u", number);
        char *img = NULL;
        if (src->place) {
            size_t n;
            char *svg = chart_svg_document(c, &n);
            img = src->place(svg, n, src->place_userdata);
            free(svg);
        }
        chart_place(c, table, id, img);
        free(img);
        chart_free(c);
    }
    for (size_t i = 0; i < n_cells; i++)
        free((char *)read[i].text);
    free(read);
    return c ? 0 : -1;
}
