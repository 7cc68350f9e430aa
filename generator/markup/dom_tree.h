/* dom_tree: the libxml2 side of struct dom, shared by markdown.c and dom.c only.
 * The tree is an XML document whose root <div> holds the body's blocks, in the HTML5 form
 * (ruby without <rb> or <rp>, figure/figcaption); dom.c derives the XHTML 1.1 form when asked
 * and writes the <rp> parentheses.
 * Also the raw HTML sanitiser, which markdown.c calls while it builds the tree. */
#ifndef KAIRAN_DOM_TREE_H
#define KAIRAN_DOM_TREE_H

#include <libxml/tree.h>

#include "core/buf.h"
#include "core/diag.h"
#include "markup/dom.h"
#include "core/strv.h"

struct dom {
    xmlDocPtr doc;
    xmlNodePtr root; /* the <div> whose children are the body */
};

/* Returns a new empty tree; the caller frees it with dom_free(). */
struct dom *dom_new(void);

/* Where sanitiser warnings go: line and col of the HTML's first character in the file. */
struct dom_source {
    struct diag *d;
    const char *path;
    unsigned line, col;
    struct strv *reported; /* element and attribute names already warned about */
};

/* Why a tag was not kept: its content is kept (an unknown element is unwrapped) or dropped
 * with it (script, style, iframe, ...). */
enum dom_drop { DOM_KEPT, DOM_DROP_TAG, DOM_DROP_CONTENT };

/* Parses raw HTML and appends what the allow-list keeps under parent, warning about what was
 * dropped. Elements deeper than max_depth below parent are flattened into their ancestor. */
void dom_import_html(const struct dom_source *src, xmlDocPtr doc, xmlNodePtr parent,
                     const char *html, size_t len, int max_depth);
/* Parses one start tag (as md4c hands over inline raw HTML) and returns a new, unlinked
 * element of doc with only allowed attributes, or NULL with *drop saying what to do with the
 * content up to the matching end tag. The element's name is stored in name (lowercase). */
xmlNodePtr dom_sanitize_tag(const struct dom_source *src, xmlDocPtr doc, const char *tag,
                            size_t len, char name[16], enum dom_drop *drop);
/* What the allow-list does with an element of this (lowercase) name. */
enum dom_drop dom_element_policy(const char *name);
/* Appends the text below top to out: ruby readings left out, blocks on lines of their own,
 * table cells separated by a space. */
void dom_text_of(xmlNodePtr top, struct buf *out);
/* Whether an element of this name has no end tag in HTML (br, img, hr, input, ...). */
int dom_is_void(const char *name);

#endif
