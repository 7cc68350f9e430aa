/* dom_tree: the libxml2 side of struct dom, shared by markdown.c, dom.c, sanitiser.c and chart.c
 * only. The tree is an XML document whose root <div> holds the body's blocks, in the HTML5 form
 * (ruby without <rb> or <rp>, figure/figcaption); dom.c derives the XHTML 1.1 form when asked
 * and writes the <rp> parentheses. The raw HTML sanitiser (sanitiser.h) imports pasted HTML
 * into it. */
#ifndef KAIRAN_DOM_TREE_H
#define KAIRAN_DOM_TREE_H

#include <libxml/tree.h>

#include "core/buf.h"

struct dom {
    xmlDocPtr doc;
    xmlNodePtr root; /* the <div> whose children are the body */
};

/* Returns a new empty tree; the caller frees it with dom_free(). */
struct dom *dom_new(void);

/* Whether n is an element of this name. */
int dom_is_element(xmlNodePtr n, const char *name);
/* The next node in document order below top, not descending into n when skip is set; NULL
 * after the last. */
xmlNodePtr dom_walk_next(xmlNodePtr n, xmlNodePtr top, int skip);
/* Appends the text below top to out: ruby readings left out, a picture's alt text in its
 * place, blocks on lines of their own, table cells separated by a space. */
void dom_text_of(xmlNodePtr top, struct buf *out);
/* Whether an element of this name has no end tag in HTML (br, img, hr, input, ...). */
int dom_is_void(const char *name);

#endif
