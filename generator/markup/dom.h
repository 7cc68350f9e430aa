/* dom: the document tree of one entry body, and everything made from it.
 * markdown_parse() builds a struct dom; this module serialises it to HTML5 (the site) and
 * XHTML 1.1 (the print edition) from the same nodes, and derives the table of contents, plain
 * text, summary and reading time. A struct dom is owned by one thread at a time; different
 * documents may be used in parallel after dom_global_init(). Nothing here fails. */
#ifndef KAIRAN_DOM_H
#define KAIRAN_DOM_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"

struct dom;

/* Prepares libxml2; call once, before any thread starts. */
void dom_global_init(void);

/* Returns a new HTML5 fragment (UTF-8, no trailing newline); the caller frees it. */
char *dom_html(const struct dom *doc);
/* Returns a new XHTML 1.1 fragment: every non-void element has an end tag, ruby has <rb>, and
 * HTML5-only elements become their XHTML 1.1 equivalents (figure becomes div class="figure").
 * The caller frees it. */
char *dom_xhtml(const struct dom *doc);
/* Like dom_xhtml, with every id and every in-page link (href="#...") prefixed by id_prefix
 * (NULL: none), so that entries printed together in one file keep their ids unique. */
char *dom_xhtml_prefixed(const struct dom *doc, const char *id_prefix);
/* Like dom_xhtml_prefixed; with upright set, for vertical writing, numbers of one or two digits
 * standing alone become <span class="tcy">12</span> (縦中横), outside code and ruby readings. */
char *dom_xhtml_print(const struct dom *doc, const char *id_prefix, int upright);

/* Returns a new JSON array of headings, nested by level:
 *     [{"level": 2, "id": "はじめに", "text": "はじめに", "html": "…", "children": [...]}]
 * "text" is plain (ruby readings left out), "html" keeps the markup. The caller decrefs it. */
json_t *dom_toc(const struct dom *doc);
/* Returns the plain text of the whole document (blocks separated by newlines, ruby readings
 * left out, pictures by their alt text), for titles, search and feeds; a new string, the
 * caller frees it. */
char *dom_text(const struct dom *doc);
/* Returns a summary made from the first paragraph: whole if it has at most max_chars
 * characters, else cut after a sentence end (。！？) near max_chars, or at the last word
 * boundary before it followed by "…". Empty when the document has no paragraph. A new
 * string; the caller frees it. */
char *dom_summary(const struct dom *doc, size_t max_chars);
/* Reading time in whole minutes (0 for an empty document). */
unsigned dom_reading_minutes(const struct dom *doc);

/* Makes every phone number written in the text (0235-00-1400, 090-1234-5678) a link that calls
 * it (<a class="tel" href="tel:0235001400">), outside links, code and ruby readings. For web
 * pages: on paper a number is read, not tapped. */
void dom_link_phones(struct dom *doc);
/* Puts every table in a box that scrolls sideways on a narrow screen, for web pages:
 * <div class="table-scroll" role="region" aria-label="…" tabindex="0">, named after the table's
 * caption, else the heading before it (年度ごとの推移, then 年度ごとの推移（2）), else 表. Cells
 * that a theme should keep on one line get a class: "num" for a short number (up to 12
 * characters, half of them or more digits and the signs between them: 1,234, 22人, 4月),
 * "short" for other text of up to 6 characters. A table of 8 columns or more gets class="wide",
 * of 14 or more class="very-wide", as in print, whose XHTML has those classes and no boxes.
 * A plain table of up to 6 columns with a cell of more than 40 characters gets class="stack"
 * and each body cell a data-label (its column's heading), for themes that set its rows as
 * labelled blocks on a phone. */
void dom_fit_tables(struct dom *doc);
/* Frees doc and everything in it; NULL is allowed. */
void dom_free(struct dom *doc);

#endif
