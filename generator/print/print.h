/* print: the print edition, one XHTML 1.1 document per magazine issue.
 * print_issues() converts each issue's entries from Markdown again, for paper: ids prefixed per
 * entry, pictures as print files sized for the print dpi and placed beside the document, links
 * as the web site's full addresses. It renders the theme's templates/print/issue, validates
 * the document against the XHTML 1.1 DTD (from the system catalog, never the network) and
 * hands the document, its stylesheet and its pictures to the publisher under print/SLUG/.
 * Problems are reported through the options' diag; nothing is kept between builds. */
#ifndef KAIRAN_PRINT_H
#define KAIRAN_PRINT_H

#include "core/diag.h"
#include "core/pool.h"
#include "media/media.h"
#include "publish/publish.h"
#include "render/deps.h"
#include "render/view.h"

/* The page geometry of a print size, in millimetres. */
struct print_format {
    const char *name; /* A4, B5 (JIS), A5 */
    double width, height;
    double top, bottom, inner, outer; /* margins */
    int columns;                      /* of horizontal text */
    int tiers;                        /* 段 of vertical text */
    double gap;                       /* between two columns or tiers */
};

/* The format named by site.yaml's print.size (config only accepts known names); A4 when the
 * name is unknown. */
const struct print_format *print_format(const char *name);

/* The grid of one print edition: the text block and how it divides. For horizontal text the
 * columns stand side by side across the text block's width; for vertical text the tiers (段)
 * are stacked down its height, and a column's measure is a tier's height. */
struct print_grid {
    int vertical;
    int columns;       /* columns, or tiers */
    double text_width; /* the text block */
    double text_height;
    double measure;        /* one column's line length: its width, or a tier's height */
    double picture;        /* the width of a picture in horizontal text: a column's, or two
                            * thirds of a single column's */
    double picture_height; /* the most a picture in a column is high: 0.6 of that width, so
                            * that a picture that does not fit at a column's foot leaves
                            * little empty */
    double chart_width;    /* in vertical text, the widest a chart in a tier is placed: the
                            * text block less room for its title beside it */
    double gap;
};

/* The grid of a size and a writing direction ("horizontal" or "vertical"). */
void print_grid(struct print_grid *out, const struct print_format *f, const char *writing);

struct print_options {
    struct diag *d;
    struct pool *pool;
    struct publish *pub;   /* NULL for `kairan check`: documents are made and validated only */
    struct media *media;   /* makes the 300 dpi pictures */
    const char *cache_dir; /* where a document that fails validation is kept to read, or NULL */
    const char *pdf_dir;   /* where make print-pdf leaves SLUG.pdf with the SLUG.xhtml it was
                            * made from, or NULL */
    int incremental;       /* keep a document the last build published byte for byte */
    /* What the last build's issues were made from (render/deps): with incremental, an issue
     * made from the same (its entries, the template, the settings, the site's shape and its
     * PDF's files) is kept whole without being converted, its warnings said again. Each
     * issue's key and the warnings are noted in it for the next build. NULL: none. */
    struct deps *deps;
};

/* Builds, validates and (when opt->pub is set) publishes the print edition of every issue
 * (site_print_path() says where). The entries' data come from the view at the root "". An
 * issue's PDF in opt->pdf_dir that was made from exactly this document is published beside it
 * (print/SLUG/SLUG.pdf) and noted in the view (view_set_print_pdf), for the issue's web page to
 * link; the caller makes the pages after this, once it has dropped the view's roots. Returns
 * 0, or -1 after reporting. */
int print_issues(struct view *v, const struct print_options *opt);

#endif
