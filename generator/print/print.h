/* print: the print edition, one XHTML 1.1 document per magazine issue.
 * print_issues() converts each issue's entries from Markdown again, for paper: ids prefixed per
 * entry, pictures as print files sized for the print dpi and placed beside the document, links
 * as the web site's full addresses. It renders the theme's templates/print/issue, validates
 * the document against the XHTML 1.1 DTD (from the system catalog, never the network) and
 * hands the document, its stylesheet and its pictures to the publisher under print/SLUG/.
 * Problems are reported through the render's diag; nothing is kept between builds. */
#ifndef KAIRAN_PRINT_H
#define KAIRAN_PRINT_H

#include "content/entry.h"
#include "render/render.h"

/* The page geometry of a print size, in millimetres. */
struct print_format {
    const char *name; /* A4, B5 (JIS), A5 */
    double width, height;
    double top, bottom, inner, outer; /* margins */
    double figure;                    /* the width pictures are placed at in the text */
};

/* The format named by site.yaml's print.size (config only accepts known names); A4 when the
 * name is unknown. */
const struct print_format *print_format(const char *name);

/* Where the print document of an issue goes: "print/5/5.xhtml". A new string; the caller
 * frees it. */
char *print_document_path(const struct entry *issue);

/* Builds, validates and (when r->pub is set) publishes the print edition of every issue.
 * Call after render_bodies. Returns 0, or -1 after reporting. */
int print_issues(struct render *r);

#endif
