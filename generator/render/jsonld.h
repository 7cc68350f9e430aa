/* jsonld: schema.org data for pages, as JSON-LD: an Event or an Article for an entry's page, a
 * WebSite for the home page. Built from the view; the text is safe to place inside
 * <script type="application/ld+json"> (no '<', '>' or '&' left unescaped). */
#ifndef KAIRAN_JSONLD_H
#define KAIRAN_JSONLD_H

#include "render/view.h"

/* Returns the JSON-LD of e's page; a new string, the caller frees it. */
char *jsonld_entry(const struct view *v, const struct entry *e);
/* Returns the JSON-LD of the home page; a new string, the caller frees it. */
char *jsonld_site(const struct view *v);

#endif
