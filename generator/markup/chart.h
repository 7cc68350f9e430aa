/* chart: bar, grouped bar, stacked bar and line charts drawn from a Markdown table.
 * markdown.c tells a chart reader what it builds; a table that an editor marked with a chart
 * line ({chart=bar title="…"}) goes, with where its cells and the line were written, to
 * chart_new(), which reads the line and the numbers and reports every mistake at its line and
 * column through diag. plot.c then draws it at build time, in the tree (web pages) or as an
 * SVG document (print), and chart_place() puts the figure together: title, chart and table.
 * Nothing is shared between charts: documents may make theirs on different threads. */
#ifndef KAIRAN_CHART_H
#define KAIRAN_CHART_H

#include <libxml/tree.h>
#include <stddef.h>

#include "core/diag.h"
#include "markup/plot.h"

/* A chart tells at most this many series apart, and draws at most this many categories. */
#define CHART_MAX_SERIES PLOT_SERIES
#define CHART_MAX_CATEGORIES 60

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

/* The Markdown being read, and how markdown.c places what is drawn from it. */
struct chart_source {
    struct diag *d;
    const char *path;
    const char *text;
    size_t len;
    /* Turns a byte offset of text into line:col. */
    void (*position)(void *userdata, size_t off, unsigned *line, unsigned *col);
    void *userdata;
    /* The Markdown module's chart hook (markdown.h), or NULL: charts go inline. */
    char *(*place)(const char *svg, size_t len, void *userdata);
    void *place_userdata;
    /* The tier placed charts stand in (print in vertical text), or NULL. Borrowed. */
    const struct plot_tier *tier;
    /* Ruby in a chart's title ({漢字|かんじ}), read as markdown.c reads it in body text, with
     * userdata: adds the title under parent as text and <ruby> elements. The caption shows
     * them; the SVG's title and description and the picture's alt text have the bases alone.
     * NULL: the title is plain text. */
    void (*ruby)(xmlNodePtr parent, const char *text, void *userdata);
};

/* Whether a chart line starts at byte off of text: "{chart" followed by '=', a space or '}',
 * not escaped with a backslash. */
int chart_line_at(const char *text, size_t len, size_t off);

/* A chart reader follows markdown.c through one document: the tables md4c makes, their cells
 * and where their text starts, and the paragraphs; a chart line (a paragraph after a table, or
 * the table's last row) replaces the table with its chart, or reports what is wrong with it.
 * Nodes it takes out of the tree (the chart line, a table print leaves out) are freed with the
 * reader, after markdown.c is done with them. src is copied; its strings are borrowed. */
struct chart_reader *chart_reader_new(const struct chart_source *src);
void chart_reader_free(struct chart_reader *r);
/* A table opens (table NULL when it was too deeply nested to be built); a row; a cell. */
void chart_reader_table(struct chart_reader *r, xmlNodePtr table, unsigned cols);
void chart_reader_row(struct chart_reader *r);
void chart_reader_cell(struct chart_reader *r, xmlNodePtr cell);
/* A paragraph opens. */
void chart_reader_paragraph(struct chart_reader *r);
/* Text of the source at byte off, inside a table cell or not. */
void chart_reader_text(struct chart_reader *r, size_t off, int in_cell);
/* The table closed: its last row may be a chart line. */
void chart_reader_table_end(struct chart_reader *r);
/* Paragraph p closed, its last text at last_off. Returns 1 when it was a chart line (p is then
 * out of the tree), 0 for an ordinary paragraph. */
int chart_reader_paragraph_end(struct chart_reader *r, xmlNodePtr p, size_t last_off);

struct chart;

/* Reads the chart line and the table. Returns a new chart (chart_free frees it), or NULL after
 * reporting each mistake at path:line:col. */
struct chart *chart_new(struct diag *d, const char *path, const struct chart_table *t);
void chart_free(struct chart *c);

/* Replaces table (in its tree) with the chart: a figure holding the title as its caption, the
 * chart and the table. For web pages (img_src NULL) the chart is an inline <svg> whose ids
 * start with id, and the table waits behind a 「数値を表で見る」 <details>; for print, the chart
 * is an <img> of img_src (the document chart_svg_document() made for tier, NULL or the tier of
 * vertical print), and the table follows the figure unless the chart writes every number of
 * it. The table node is moved, not copied. Returns NULL, or the table when it was left out (out
 * of the tree; the caller frees it). */
xmlNodePtr chart_place(const struct chart *c, xmlNodePtr table, const char *id, const char *img_src,
                       const struct plot_tier *tier);
/* Returns the chart as a standalone SVG document (UTF-8, with its XML declaration), in the
 * print edition's fonts, drawn for tier (NULL: its own shape); a new string of *len bytes, the
 * caller frees it. */
char *chart_svg_document(const struct chart *c, const struct plot_tier *tier, size_t *len);

/* Reads a cell as a number: 44, 1,528, -3, 12.5, full-width ４４, optionally followed by a
 * unit (44人, 12.5%). Returns 0 and sets *value and *unit_at (the byte offset in text where the
 * unit starts, after any spaces), or -1 when the cell is not a number. */
int chart_number(const char *text, double *value, size_t *unit_at);

#endif
