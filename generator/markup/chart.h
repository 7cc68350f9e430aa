/* chart: bar, grouped bar, stacked bar and line charts drawn as SVG from a Markdown table.
 * markdown.c hands over a table that an editor marked with a chart line ({chart=bar
 * title="…"}) and where its cells and the line were written. chart_new() reads the
 * line and the numbers and reports every mistake at its line and column through diag; the
 * chart is then drawn at build time, in the tree (web pages) or as an SVG document (print):
 * axes with round ticks, the table's own labels as categories, values where they fit, series
 * told apart by lightness as well as hue. Nothing is shared between charts: different
 * documents may make theirs on different threads. */
#ifndef KAIRAN_CHART_H
#define KAIRAN_CHART_H

#include <libxml/tree.h>
#include <stddef.h>

#include "core/diag.h"

/* A chart tells at most this many series apart, and draws at most this many categories. */
#define CHART_MAX_SERIES 6
#define CHART_MAX_CATEGORIES 60
/* Neighbouring series differ in CIE lightness (L*, 0 to 100) by at least this much, so that
 * they stay apart in greyscale and for colour-blind readers (also as protanopia, deuteranopia
 * and tritanopia make them look). */
#define CHART_LIGHTNESS_STEP 20

/* One cell of the table, as the chart reads it. */
struct chart_cell {
    const char *text;   /* plain text, trimmed (ruby readings left out) */
    unsigned line, col; /* where it is written */
};

/* What markdown knows of a table marked as a chart. */
struct chart_table {
    const struct chart_cell *cells; /* rows × cols, row by row, the header row first */
    size_t rows, cols;
    const char *line; /* the chart line as written, from its '{' to its end (no newline) */
    size_t line_len;
    unsigned line_no, col; /* where the '{' is */
};

/* A cell of a Markdown table as markdown.c met it. */
struct chart_source_cell {
    xmlNodePtr node; /* its td or th; NULL when the table was too deeply nested to be built */
    size_t off;      /* where its text starts in the Markdown; SIZE_MAX when it has none */
    unsigned row;    /* 0: the header row */
};

/* The Markdown a table came from, and how markdown.c places what is drawn from it. */
struct chart_source {
    struct diag *d;
    const char *path;
    const char *text;
    size_t len;
    /* Turns a byte offset of text into line:col. */
    void (*position)(void *userdata, size_t off, unsigned *line, unsigned *col);
    void *userdata;
    /* The Markdown module's chart hook (markdown.h), or NULL: the chart goes inline. */
    char *(*place)(const char *svg, size_t len, void *userdata);
    void *place_userdata;
};

/* Whether a chart line starts at byte off of text: "{chart" followed by '=', a space or '}',
 * not escaped with a backslash. */
int chart_line_at(const char *text, size_t len, size_t off);
/* Draws table (cells: rows × cols of them, row by row) in its place as the chart that the
 * chart line starting at line_off asks for; the line runs to the end of its line of text. The
 * chart's ids start with chart-NUMBER. Returns 0, or -1 after reporting (the table stays as
 * it was). */
int chart_from_markdown(const struct chart_source *src, xmlNodePtr table,
                        const struct chart_source_cell *cells, size_t rows, size_t cols,
                        size_t n_cells, size_t line_off, unsigned number);

struct chart;

/* Reads the chart line and the table. Returns a new chart (chart_free frees it), or NULL after
 * reporting each mistake at path:line:col. */
struct chart *chart_new(struct diag *d, const char *path, const struct chart_table *t);
void chart_free(struct chart *c);

/* Replaces table (in its tree) with the chart: a figure holding the title as its caption, the
 * chart and the table. For web pages (img_src NULL) the chart is an inline <svg> whose ids
 * start with id, and the table waits behind a 「数値を表で見る」 <details>; for print, the chart
 * is an <img> of img_src (the document chart_svg_document() made), and the table follows the
 * figure unless the chart writes every number of it (the table is then freed). The table node
 * is moved, not copied. */
void chart_place(const struct chart *c, xmlNodePtr table, const char *id, const char *img_src);
/* Returns the chart as a standalone SVG document (UTF-8, with its XML declaration), in the
 * print edition's fonts; a new string of *len bytes, the caller frees it. */
char *chart_svg_document(const struct chart *c, size_t *len);

/* For tests and the README's promises: the fill of series i and the colour of a number
 * written on it (#rrggbb), and the round ticks chosen for values from lo to hi (first tick,
 * last tick, step: 1, 2 or 5 times a power of ten; three to six ticks from 0, up to seven
 * across it). */
const char *chart_series_colour(size_t i);
const char *chart_series_text_colour(size_t i);
void chart_ticks(double lo, double hi, double *first, double *last, double *step);
/* Reads a cell as a number: 44, 1,528, -3, 12.5, full-width ４４, optionally followed by a
 * unit (44人, 12.5%). Returns 0 and sets *value and *unit_at (the byte offset in text where the
 * unit starts, after any spaces), or -1 when the cell is not a number. */
int chart_number(const char *text, double *value, size_t *unit_at);

#endif
