/* markdown: entry bodies from Markdown (GitHub dialect) to a struct dom.
 * The only module that knows md4c. Adds kairan's extensions while building the tree: ruby
 * {漢字|かんじ}, no space at line breaks inside Japanese text, heading ids, figures with
 * captions, links to entries by source path, sanitised raw HTML, and charts drawn from tables
 * marked with a chart line (chart.h); every id one word and unique in the page. Problems in
 * the text are
 * reported through diag with file:line:col; the tree is built anyway (an error fails the build
 * later). markdown_parse() may run on many threads at once for different documents. */
#ifndef KAIRAN_MARKDOWN_H
#define KAIRAN_MARKDOWN_H

#include <stddef.h>

#include "core/diag.h"
#include "core/strv.h"
#include "markup/dom.h"
#include "markup/plot.h"

/* What the image hook knows about one picture. The hook allocates the strings with xmalloc
 * (xstrdup, xasprintf); markdown_parse takes them over and frees them. */
struct markdown_image {
    char *src;            /* URL of the default variant; required */
    char *srcset, *sizes; /* may be NULL */
    int width, height;    /* 0 if unknown */
    char *full;           /* URL of the largest variant to link to; may be NULL */
};

struct markdown_hooks {
    /* Resolves a link target as written (relative, no scheme): returns a new URL string
     * (xmalloc'd; markdown_parse frees it), or NULL to keep the target as written. Reports the
     * error itself when the target names an entry that does not exist. */
    char *(*link)(const char *target, unsigned line, unsigned col, void *userdata);
    /* Resolves an image source as written (relative to the Markdown file, then assets/):
     * fills out (zeroed on entry) and returns 0, or reports the missing file at line:col and
     * returns -1 (the image is then left out). Not called for http(s) URLs. */
    int (*image)(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                 void *userdata);
    /* Places a chart (a table marked with a chart line), given as a standalone SVG document
     * svg[0..len): returns the address an <img> shows it from (a new string; markdown_parse
     * frees it), for documents that cannot hold SVG (the print edition). When the member is
     * NULL or returns NULL, the chart is drawn in the page as <svg>. */
    char *(*chart)(const char *svg, size_t len, void *userdata);
    void *userdata;
    /* Ids the page around the body uses (the theme's), which no id in the body takes; NULL for
     * none. */
    const struct strv *reserved_ids;
    /* For print in vertical text (縦書き): the tier (段) a chart stands in, which it is drawn
     * to fit (plot.h); NULL draws charts in their own shape. Borrowed. */
    const struct plot_tier *chart_tier;
};

/* Parses text[0..len) (UTF-8; NULL reads as empty). path and first_line (the body's first line in its file) place
 * diagnostics. hooks may be NULL, or have NULL members: links and images then keep their
 * targets as written. Returns a new tree (never NULL); the caller frees it with dom_free(). */
struct dom *markdown_parse(struct diag *d, const char *path, unsigned first_line, const char *text,
                           size_t len, const struct markdown_hooks *hooks);

#endif
