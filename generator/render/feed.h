/* feed: the machine-readable outputs of the site: the Atom feed, sitemap.xml, robots.txt, an
 * .ics per event and events.ics for the upcoming ones and those of the last 12 months. Everything is built from the view and
 * handed to the publisher; nothing here reads files. The build starts it beside the pages. */
#ifndef KAIRAN_FEED_H
#define KAIRAN_FEED_H

#include <stdint.h>

#include "publish/publish.h"
#include "render/view.h"

/* Writes the view's language's feed.xml, events.ics and each of its events' event.ics (under
 * the language's folder) through pub. now_utc (the build clock) stamps the calendars and is the
 * latest date the feed gives an entry without a date: field. Returns 0, or -1 after reporting. */
int feed_write_all(const struct view *v, struct publish *pub, int64_t now_utc);
/* Writes sitemap.xml (every page of every language, each with its addresses in the others when
 * there are several) and robots.txt: sites[k] is language k's site, sites[0] the default's.
 * Returns 0, or -1 after reporting. */
int feed_write_sitemap(const struct site *const *sites, size_t n, struct publish *pub);

#endif
