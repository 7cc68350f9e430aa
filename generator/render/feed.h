/* feed: the machine-readable outputs: Atom feed, sitemap.xml, robots.txt, an .ics per event
 * and events.ics for all upcoming ones, and schema.org JSON-LD for pages. Everything is built
 * from the render's entry data; nothing here reads files. */
#ifndef KAIRAN_FEED_H
#define KAIRAN_FEED_H

#include <stddef.h>

#include "core/buf.h"
#include "content/entry.h"

struct render;

/* Returns a new string of JSON-LD for an entry's page, safe to place inside
 * <script type="application/ld+json"> (no '<', '>' or '&' left unescaped); caller frees. */
char *feed_jsonld(const struct render *r, const struct entry *e, size_t index);
/* The same for the home page (a WebSite and its publisher). */
char *feed_site_jsonld(const struct render *r);
/* Writes feed.xml, sitemap.xml, robots.txt, events.ics and each event's event.ics. Returns 0,
 * or -1 after reporting. */
int feed_write_all(struct render *r);

#endif
