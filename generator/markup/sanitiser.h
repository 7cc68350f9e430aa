/* sanitiser: raw HTML in Markdown, reduced to what an editor may paste.
 * An allow-list of elements and attributes (text markup, lists, tables, ruby, figures) and of
 * addresses (core/url) decides what is kept in the entry's tree; the rest is dropped with a
 * warning, once per element or attribute name and document. Nothing here fails: bad HTML only
 * loses what cannot be kept. */
#ifndef KAIRAN_SANITISER_H
#define KAIRAN_SANITISER_H

#include <libxml/tree.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/strv.h"

/* Where sanitiser warnings go: line and col of the HTML's first character in the file. */
struct sanitiser_source {
    struct diag *d;
    const char *path;
    unsigned line, col;
    struct strv *reported; /* element and attribute names already warned about */
};

/* Why a tag was not kept: its content is kept (an unknown element is unwrapped) or dropped
 * with it (script, style, iframe, ...). */
enum sanitiser_drop { SANITISER_KEPT, SANITISER_DROP_TAG, SANITISER_DROP_CONTENT };

/* Parses raw HTML and appends what the allow-list keeps under parent, warning about what was
 * dropped. Elements deeper than max_depth below parent are flattened into their ancestor. */
void sanitiser_import_html(const struct sanitiser_source *src, xmlDocPtr doc, xmlNodePtr parent,
                           const char *html, size_t len, int max_depth);
/* Parses one start tag (as md4c hands over inline raw HTML) and returns a new, unlinked
 * element of doc with only allowed attributes, or NULL with *drop saying what to do with the
 * content up to the matching end tag. The element's name is stored in name (lowercase). */
xmlNodePtr sanitiser_clean_tag(const struct sanitiser_source *src, xmlDocPtr doc, const char *tag,
                               size_t len, char name[16], enum sanitiser_drop *drop);
/* The start tags an HTML block begins with and leaves open, like <details> in
 * "<details>\n<summary>Q</summary>", which a Markdown writer closes after the blocks that
 * follow. Returns how many (at most max; 0 when the block leaves open anything but those, or
 * an element the allow-list does not keep) and sets ends[i] to the offset just past tag i. */
size_t sanitiser_leading_open(const char *html, size_t len, size_t *ends, size_t max);
/* Whether html[0..len) is one whole tag, comment, declaration or processing instruction: it
 * ends in its closing '>' (for a tag, the first one outside quotes). md4c hands over inline
 * HTML written over several lines a line at a time. */
int sanitiser_is_whole(const char *html, size_t len);
/* What the allow-list does with an element of this (lowercase) name. */
enum sanitiser_drop sanitiser_element_policy(const char *name);

#endif
