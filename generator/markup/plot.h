/* plot: draws a chart's numbers as SVG at build time, for markup/chart.c.
 * Bars (one series, grouped, stacked; up the page or across it) and lines, on a value axis of
 * round ticks that always holds 0, with the table's own labels wrapped to fit, each number
 * written at its bar or point where it fits, a legend for several series and the unit. The
 * series are told apart by lightness as well as hue. A struct plot is plain data its maker
 * owns; nothing here keeps state or fails, and plots may be drawn on any thread. */
#ifndef KAIRAN_PLOT_H
#define KAIRAN_PLOT_H

#include <libxml/tree.h>
#include <stddef.h>

/* A plot tells at most this many series apart. */
#define PLOT_SERIES 6
/* Neighbouring series differ in CIE lightness (L*, 0 to 100) by at least this much, so that
 * they stay apart in greyscale and for colour-blind readers (also as protanopia, deuteranopia
 * and tritanopia make them look). */
#define PLOT_LIGHTNESS_STEP 20
/* The drawing's width in SVG units (CSS pixels at its own size): a phone's screen. */
#define PLOT_WIDTH 360

enum plot_type { PLOT_BAR, PLOT_GROUPED, PLOT_STACKED, PLOT_LINE, PLOT_TYPES };

struct plot {
    enum plot_type type;
    int horizontal;      /* bars across the page, labels on the left */
    char *title;         /* the chart's title (its <title>) */
    char *unit;          /* shown as 単位：…; NULL: none */
    size_t n_cat, n_ser; /* at most PLOT_SERIES series */
    char **cat, **ser;   /* labels, as the table writes them */
    double *value;       /* [cat * n_ser + ser] */
    char **label;        /* the same numbers as written, to put at their bars */
    int skipped;         /* the table has numbers the plot leaves out */
};

/* A tier (段) of a page set in vertical text (縦書き), which a printed chart stands in. Such a
 * chart is drawn exactly height high and, when its labels allow, at most max_width wide (SVG
 * units: CSS pixels at print size): its bars always go up the page (a chart line's horizontal
 * would make it too small there), its labels are set vertically under them, and its type is no
 * smaller than 6 pt while the categories fit the width at that size. */
struct plot_tier {
    double height, max_width;
};

/* The smallest type a chart drawn for a tier uses, in CSS pixels (6 pt). */
#define PLOT_TIER_MIN_FONT 8.0

/* Returns the plot as a new <svg> element of doc (not in its tree yet) with its <title> and
 * <desc>, role="img", and aria-labelledby on them when id is not NULL (their ids start with
 * id). tier is NULL for the chart's own shape (PLOT_WIDTH wide), or the tier it is drawn for.
 * Sets *width and *height to its size and *complete to whether every number of its table is
 * written in it. */
xmlNodePtr plot_svg(const struct plot *p, xmlDocPtr doc, const char *id,
                    const struct plot_tier *tier, double *width, double *height, int *complete);
/* Returns the plot as a standalone SVG document (UTF-8, with its XML declaration and
 * namespace), in the print edition's fonts, for tier as plot_svg() draws it; a new string of
 * *len bytes, the caller frees it. */
char *plot_svg_document(const struct plot *p, const struct plot_tier *tier, size_t *len);
/* What a screen reader says about the plot: its kind, what it shows, its largest and smallest
 * numbers, where the numbers are. A new string; the caller frees it. */
char *plot_describe(const struct plot *p);

/* For tests and the README's promises: the fill of series i and the colour of a number
 * written on it (#rrggbb), and the round ticks chosen for numbers from lo to hi (first tick,
 * last tick, step: 1, 2 or 5 times a power of ten; three to six ticks from 0, up to seven
 * across it). */
const char *plot_series_colour(size_t i);
const char *plot_series_text_colour(size_t i);
void plot_ticks(double lo, double hi, double *first, double *last, double *step);

#endif
