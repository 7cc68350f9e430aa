/* chart: the chart line read, the table's numbers checked, the figure put together, and the
 * tables of a Markdown document followed for their chart lines. */
#include "markup/chart.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/intl.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "markup/dom_tree.h"

/* The kinds of chart as the chart line names them, in the order of enum plot_type. */
static const char *const type_names[PLOT_TYPES] = {"bar", "grouped-bar", "stacked-bar", "line"};

struct chart {
    struct plot p; /* its title plain: ruby's bases alone */
    char *caption; /* the title as written, with ruby; NULL when it has none */
    void (*ruby)(xmlNodePtr parent, const char *text, void *userdata);
    void *ruby_userdata;
};

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
    size_t n = strlen(text), i = 0, len = 0;
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
                 _("unknown chart setting '%s' (a chart line takes chart, title, unit, skip, "
                   "series and horizontal)"),
                 name);
        return;
    }
    if (strv_contains(&st->given, name)) {
        error_at(r, line, col, _("'%s' is given twice in this chart line"), name);
        return;
    }
    strv_push(&st->given, name);
    if (strcmp(name, "horizontal") == 0) {
        if (value)
            error_at(r, line, col, _("'horizontal' takes no value: write it alone"));
        st->horizontal = 1;
        st->horizontal_col = col;
        return;
    }
    if (!value || !value[0]) {
        if (strcmp(name, "chart") == 0)
            error_at(r, line, col,
                     _("say which chart to draw: chart=bar, chart=grouped-bar, chart=stacked-bar "
                       "or chart=line"));
        else
            error_at(r, line, col, _("'%s' needs a value, like %s=\"…\""), name, name);
        return;
    }
    if (strcmp(name, "chart") == 0) {
        for (int i = 0; i < PLOT_TYPES; i++)
            if (strcmp(value, type_names[i]) == 0)
                st->type = i;
        st->type_col = value_col;
        if (st->type < 0)
            error_at(r, line, value_col,
                     _("'%s' is not a kind of chart: write bar, grouped-bar, stacked-bar or line"),
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
                 _("series is rows (each row is a series) or columns (each column is one, the "
                   "default), not '%s'"),
                 value);
    }
}

static int is_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_';
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
                 _("the chart line must end with '}', like {chart=bar title=\"…\"}"));
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
                     _("unexpected '%.*s' in the chart line: settings are written name=value, with "
                       "spaces between them"),
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
                    error_at(r, line, line_col(r, i), _("the value of '%s' has no closing '\"'"),
                             name);
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
                     _("unexpected '%.*s' in the chart line: settings are written name=value, with "
                       "spaces between them"),
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
                 _("a chart needs a title, which is also its caption: add title=\"…\" to the chart "
                   "line"));
    return r->failed ? -1 : 0;
}

/* ---- The table ------------------------------------------------------------------------------ */

static const struct chart_cell *cell(const struct chart_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->cols + col];
}

/* Which rows (or columns) of the table are drawn: indexes into the table, skipped ones left
 * out. Labels in skip that were found are marked in used. */
static size_t pick(const struct chart_table *t, int along_rows, const struct strv *skip, char *used,
                   size_t *out)
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
    c->p.cat = xcalloc(c->p.n_cat, sizeof *c->p.cat);
    c->p.ser = xcalloc(c->p.n_ser, sizeof *c->p.ser);
    c->p.value = xcalloc(c->p.n_cat * c->p.n_ser, sizeof *c->p.value);
    c->p.label = xcalloc(c->p.n_cat * c->p.n_ser, sizeof *c->p.label);
}

void chart_free(struct chart *c)
{
    if (!c)
        return;
    /* A chart found wrong before its numbers were read has counts but no arrays. */
    for (size_t i = 0; c->p.cat && i < c->p.n_cat; i++)
        free(c->p.cat[i]);
    for (size_t i = 0; c->p.ser && i < c->p.n_ser; i++)
        free(c->p.ser[i]);
    for (size_t i = 0; c->p.label && i < c->p.n_cat * c->p.n_ser; i++)
        free(c->p.label[i]);
    free(c->p.cat);
    free(c->p.ser);
    free(c->p.value);
    free(c->p.label);
    free(c->p.title);
    free(c->caption);
    free(c->p.unit);
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
    for (size_t i = 0; i < c->p.n_cat; i++) {
        for (size_t j = 0; j < c->p.n_ser; j++) {
            const struct chart_cell *v =
                by_rows ? cell(t, sers[j], cats[i]) : cell(t, cats[i], sers[j]);
            double x;
            size_t unit_at;
            if (!v->text[0]) {
                error_at(r, v->line, v->col,
                         _("this cell is empty, and a chart needs a number in every cell it draws "
                           "(write 0 for none)"));
                continue;
            }
            if (read_number(v->text, &x, &unit_at, &ascii) != 0) {
                error_at(r, v->line, v->col,
                         _("'%s' is not a number: a chart needs a number in every cell it draws, "
                           "like 44, 1,528 or 12.5 (a unit may follow: 44人)"),
                         v->text);
                continue;
            }
            if (c->p.type == PLOT_STACKED && x < 0) {
                error_at(r, v->line, v->col,
                         _("stacked bars pile up numbers of 0 or more, and this one is %s"),
                         v->text);
                continue;
            }
            const char *u = v->text + unit_at;
            if (!unit)
                unit = xstrdup(u);
            else if (strcmp(unit, u) != 0)
                same_unit = 0;
            c->p.value[i * c->p.n_ser + j] = x;
            buf_puts(&ascii, u);
            c->p.label[i * c->p.n_ser + j] = xstrdup(ascii.data);
        }
    }
    if (!c->p.unit && same_unit && unit && unit[0])
        c->p.unit = xstrdup(unit);
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
    if (st.horizontal && st.type == PLOT_LINE)
        error_at(&r, line, st.horizontal_col,
                 _("a line chart runs across the page and cannot be horizontal; leave 'horizontal' "
                   "out"));
    if (t->rows < 2 || t->cols < 2) {
        error_at(&r, line, t->col,
                 _("the table above has no numbers to draw: a chart needs a row of headings, at "
                   "least one row under it, and a column of numbers beside the labels"));
        settings_release(&st);
        return NULL;
    }
    struct chart *c = xcalloc(1, sizeof *c);
    c->p.type = (enum plot_type)st.type;
    c->p.horizontal = st.horizontal;
    c->p.title = st.title;
    c->p.unit = st.unit;
    st.title = st.unit = NULL;
    size_t most = t->rows > t->cols ? t->rows : t->cols;
    size_t *cats = xcalloc(most, sizeof *cats), *sers = xcalloc(most, sizeof *sers);
    char *used = xcalloc(st.skip.len + 1, 1);
    /* Categories run down the first column (or across the header row, with series=rows). */
    c->p.n_cat = pick(t, !st.by_rows, &st.skip, used, cats);
    c->p.n_ser = pick(t, st.by_rows, &st.skip, used, sers);
    c->p.skipped = c->p.n_cat + 1 < (st.by_rows ? t->cols : t->rows) ||
                   c->p.n_ser + 1 < (st.by_rows ? t->rows : t->cols);
    for (size_t k = 0; k < st.skip.len; k++)
        if (!used[k])
            error_at(&r, line, st.skip_col,
                     _("skip names '%s', but no row or column of the table is labelled so"),
                     st.skip.v[k]);
    if (c->p.n_cat == 0 || c->p.n_ser == 0)
        error_at(&r, line, t->col,
                 (c->p.n_cat == 0) == st.by_rows
                     ? _("the table above has no numbers to draw: every column is skipped")
                     : _("the table above has no numbers to draw: every row is skipped"));
    if (c->p.n_ser > CHART_MAX_SERIES) {
        const struct chart_cell *at = label_cell(t, st.by_rows, sers[CHART_MAX_SERIES]);
        error_at(&r, at->line, at->col,
                 _("a chart tells at most %d series apart, and this table has %zu: leave some out "
                   "with skip=\"…\" or draw two charts"),
                 CHART_MAX_SERIES, c->p.n_ser);
    }
    if (c->p.n_cat > CHART_MAX_CATEGORIES) {
        const struct chart_cell *at = label_cell(t, !st.by_rows, cats[CHART_MAX_CATEGORIES]);
        error_at(&r, at->line, at->col,
                 st.by_rows ? _("a chart draws at most %d columns, and this table has %zu: leave "
                                "some out with skip=\"…\" or draw two charts")
                            : _("a chart draws at most %d rows, and this table has %zu: leave some "
                                "out with skip=\"…\" or draw two charts"),
                 CHART_MAX_CATEGORIES, c->p.n_cat);
    }
    if (c->p.type == PLOT_BAR && c->p.n_ser > 1)
        error_at(&r, line, st.type_col,
                 st.by_rows ? _("a bar chart draws one row of numbers, and this table has %zu: use "
                                "grouped-bar to set them side by side, or stacked-bar to pile them "
                                "up")
                            : _("a bar chart draws one column of numbers, and this table has %zu: "
                                "use grouped-bar to set them side by side, or stacked-bar to pile "
                                "them up"),
                 c->p.n_ser);
    if (c->p.type == PLOT_LINE && c->p.n_cat == 1)
        error_at(&r, line, st.type_col,
                 st.by_rows
                     ? _("a line chart joins two points or more, and this table has one column to "
                         "draw")
                     : _("a line chart joins two points or more, and this table has one row to "
                         "draw"));
    if (!r.failed) {
        chart_alloc(c);
        for (size_t i = 0; i < c->p.n_cat + c->p.n_ser; i++) {
            int is_cat = i < c->p.n_cat;
            size_t at = is_cat ? cats[i] : sers[i - c->p.n_cat];
            const struct chart_cell *l = label_cell(t, is_cat ? !st.by_rows : st.by_rows, at);
            if (!l->text[0])
                error_at(&r, l->line, l->col,
                         _("this label is empty: every row and column a chart draws needs a name"));
            if (is_cat)
                c->p.cat[i] = xstrdup(l->text);
            else
                c->p.ser[i - c->p.n_cat] = xstrdup(l->text);
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

static void set(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

static void set_num(xmlNodePtr n, const char *name, double v)
{
    char s[32];
    snprintf(s, sizeof s, "%g", v);
    set(n, name, s);
}

/* ---- The figure ----------------------------------------------------------------------------- */

xmlNodePtr chart_place(const struct chart *c, xmlNodePtr table, const char *id, const char *img_src,
                       const struct plot_tier *tier)
{
    xmlDocPtr doc = table->doc;
    xmlNodePtr fig = xmlNewDocNode(doc, NULL, BAD_CAST "figure", NULL);
    set(fig, "class", "chart");
    xmlReplaceNode(table, fig);
    if (c->caption)
        c->ruby(xmlNewChild(fig, NULL, BAD_CAST "figcaption", NULL), c->caption,
                c->ruby_userdata);
    else
        xmlNewTextChild(fig, NULL, BAD_CAST "figcaption", BAD_CAST c->p.title);
    double width, height;
    int complete;
    if (img_src) {
        xmlNodePtr img = xmlNewChild(fig, NULL, BAD_CAST "img", NULL);
        set(img, "src", img_src);
        char *alt = plot_describe(&c->p);
        set(img, "alt", alt);
        free(alt);
        xmlFreeNode(plot_svg(&c->p, doc, NULL, tier, &width, &height, &complete));
        set_num(img, "width", width);
        set_num(img, "height", height);
        if (complete)
            return table; /* on paper the chart says it all: every number is written in it */
        xmlNodePtr data = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
        set(data, "class", "chart-data");
        xmlAddNextSibling(fig, data);
        xmlAddChild(data, table);
        return NULL;
    }
    xmlAddChild(fig, plot_svg(&c->p, doc, id, NULL, &width, &height, &complete));
    /* The table opens without a script; on web pages it scrolls in a box of its own, like
     * every table (dom_fit_tables). */
    xmlNodePtr details = xmlNewChild(fig, NULL, BAD_CAST "details", NULL);
    set(details, "class", "chart-data");
    xmlNewTextChild(details, NULL, BAD_CAST "summary", BAD_CAST "数値を表で見る");
    xmlAddChild(details, table);
    return NULL;
}

char *chart_svg_document(const struct chart *c, const struct plot_tier *tier, size_t *len)
{
    return plot_svg_document(&c->p, tier, len);
}

/* ---- From Markdown -------------------------------------------------------------------------- */

/* A cell of the table being read, as markdown.c met it. */
struct source_cell {
    xmlNodePtr node; /* NULL when the table was too deeply nested to be built */
    size_t off;      /* where its text starts; SIZE_MAX when it has none */
    unsigned row;    /* 0: the header row */
};

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
static void cell_position(const struct chart_source *src, const struct source_cell *c, size_t n,
                          size_t i, unsigned *line, unsigned *col)
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

struct chart_reader {
    struct chart_source src;
    xmlNodePtr table; /* the latest table */
    struct source_cell *cells;
    size_t n_cells, cells_cap;
    unsigned rows, cols;
    size_t para_off;  /* where the text of the paragraph being read starts */
    unsigned charts;  /* drawn so far, for their ids */
    xmlNodePtr *gone; /* taken out of the tree, freed with the reader */
    size_t n_gone, gone_cap;
};

struct chart_reader *chart_reader_new(const struct chart_source *src)
{
    struct chart_reader *r = xcalloc(1, sizeof *r);
    r->src = *src;
    r->para_off = SIZE_MAX;
    return r;
}

void chart_reader_free(struct chart_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_gone; i++)
        xmlFreeNode(r->gone[i]);
    free(r->gone);
    free(r->cells);
    free(r);
}

static void discard(struct chart_reader *r, xmlNodePtr n)
{
    xmlUnlinkNode(n);
    XALLOC_GROW(r->gone, r->n_gone + 1, r->gone_cap);
    r->gone[r->n_gone++] = n;
}

void chart_reader_table(struct chart_reader *r, xmlNodePtr table, unsigned cols)
{
    r->table = table;
    r->n_cells = 0;
    r->rows = 0;
    r->cols = cols;
}

void chart_reader_row(struct chart_reader *r)
{
    r->rows++;
}

void chart_reader_cell(struct chart_reader *r, xmlNodePtr cell)
{
    if (!r->table || r->rows == 0)
        return;
    XALLOC_GROW(r->cells, r->n_cells + 1, r->cells_cap);
    r->cells[r->n_cells++] = (struct source_cell){cell, SIZE_MAX, r->rows - 1};
}

void chart_reader_paragraph(struct chart_reader *r)
{
    r->para_off = SIZE_MAX;
}

void chart_reader_text(struct chart_reader *r, size_t off, int in_cell)
{
    if (r->para_off == SIZE_MAX)
        r->para_off = off;
    if (in_cell && r->n_cells > 0 && r->cells[r->n_cells - 1].off == SIZE_MAX)
        r->cells[r->n_cells - 1].off = off;
}

/* Draws the latest table in its place as the chart the line starting at line_off asks for
 * (the line runs to the end of its line of text). A table that cannot be drawn stays. */
static void chart_make(struct chart_reader *r, size_t line_off)
{
    const struct chart_source *src = &r->src;
    xmlNodePtr table = r->table;
    r->table = NULL;
    unsigned line, col;
    src->position(src->userdata, line_off, &line, &col);
    size_t end = line_off;
    while (end < src->len && src->text[end] != '\n')
        end++;
    int nested = !table;
    for (size_t i = 0; i < r->n_cells; i++)
        nested |= !r->cells[i].node;
    if (nested || (size_t)r->rows * r->cols != r->n_cells) {
        diag_error(src->d, src->path, line, col, _("the table above is too deeply nested to draw"));
        return;
    }
    /* Written as a row of the table (no empty line before it), the line may end with a bar. */
    while (end > line_off && (src->text[end - 1] == ' ' || src->text[end - 1] == '\t'))
        end--;
    if (end > line_off && is_cell_bar(src, end - 1))
        for (end--; end > line_off && (src->text[end - 1] == ' ' || src->text[end - 1] == '\t');)
            end--;
    struct chart_cell *read = xcalloc(r->n_cells + 1, sizeof *read);
    struct buf text;
    buf_init(&text);
    for (size_t i = 0; i < r->n_cells; i++) {
        buf_reset(&text);
        dom_text_of(r->cells[i].node, &text);
        size_t s = 0, e = text.len;
        while (s < e && (text.data[s] == ' ' || text.data[s] == '\n' || text.data[s] == '\t'))
            s++;
        while (e > s &&
               (text.data[e - 1] == ' ' || text.data[e - 1] == '\n' || text.data[e - 1] == '\t'))
            e--;
        read[i].text = xstrndup(text.data + s, e - s);
        cell_position(src, r->cells, r->n_cells, i, &read[i].line, &read[i].col);
    }
    buf_release(&text);
    struct chart_table t = {read,           r->rows, r->cols, src->text + line_off,
                            end - line_off, line,    col};
    struct chart *c = chart_new(src->d, src->path, &t);
    if (c && src->ruby) {
        /* The title with its ruby read; its text, readings left out, is the plain title. */
        xmlNodePtr title = xmlNewDocNode(table->doc, NULL, BAD_CAST "span", NULL);
        src->ruby(title, c->p.title, src->userdata);
        struct buf plain;
        buf_init(&plain);
        dom_text_of(title, &plain);
        xmlFreeNode(title);
        if (strcmp(plain.data ? plain.data : "", c->p.title) != 0) {
            c->caption = c->p.title;
            c->p.title = buf_detach(&plain, NULL);
            c->ruby = src->ruby;
            c->ruby_userdata = src->userdata;
        }
        buf_release(&plain);
    }
    if (c) {
        char id[32];
        snprintf(id, sizeof id, "chart-%u", ++r->charts);
        char *img = NULL;
        if (src->place) {
            size_t n;
            char *svg = chart_svg_document(c, src->tier, &n);
            img = src->place(svg, n, src->place_userdata);
            free(svg);
        }
        xmlNodePtr left_out = chart_place(c, table, id, img, src->tier);
        if (left_out)
            discard(r, left_out);
        free(img);
        chart_free(c);
    }
    for (size_t i = 0; i < r->n_cells; i++)
        free((char *)read[i].text);
    free(read);
}

void chart_reader_table_end(struct chart_reader *r)
{
    if (!r->table || r->rows < 2 || r->n_cells == 0)
        return;
    size_t first = r->n_cells;
    while (first > 0 && r->cells[first - 1].row == r->rows - 1)
        first--;
    size_t off = r->cells[first].off;
    xmlNodePtr tr = r->cells[first].node ? r->cells[first].node->parent : NULL;
    if (!tr || !chart_line_at(r->src.text, r->src.len, off))
        return;
    xmlNodePtr body = tr->parent;
    discard(r, tr);
    if (body && !body->children)
        discard(r, body);
    r->n_cells = first;
    r->rows--;
    chart_make(r, off);
}

int chart_reader_paragraph_end(struct chart_reader *r, xmlNodePtr p, size_t last_off)
{
    const struct chart_source *src = &r->src;
    size_t off = r->para_off;
    if (!chart_line_at(src->text, src->len, off))
        return 0;
    const char *nl = memchr(src->text + off, '\n', src->len - off);
    xmlNodePtr prev = p->prev;
    while (prev && prev->type == XML_TEXT_NODE &&
           strspn((const char *)prev->content, " \n") == strlen((const char *)prev->content))
        prev = prev->prev;
    unsigned line, col;
    src->position(src->userdata, off, &line, &col);
    if (nl && last_off != SIZE_MAX && last_off > (size_t)(nl - src->text))
        diag_error(src->d, src->path, line, col,
                   _("a chart line is a line of its own: leave an empty line between it and the "
                     "text after it"));
    else if (!r->table || prev != r->table)
        diag_error(src->d, src->path, line, col,
                   _("a chart line draws the table right above it, and there is none: write it on "
                     "the line after the table"));
    else
        chart_make(r, off);
    discard(r, p);
    return 1;
}
