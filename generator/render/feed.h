/* feed: the machine-readable outputs of the site: the Atom feed, sitemap.xml, robots.txt, an
 * .ics per event and events.ics for the upcoming ones and those of the last 12 months. Everything is built from the view and
 * handed to the publisher; nothing here reads files. The build starts it beside the pages. */
#ifndef KAIRAN_FEED_H
#define KAIRAN_FEED_H

#include <stdint.h>

#include "publish/publish.h"
#include "render/view.h"

/* Writes feed.xml, sitemap.xml, robots.txt, events.ics and each event's event.ics through pub.
 * now_utc (the build clock) stamps the calendars and is the latest date the feed gives an entry
 * without a date: field. Returns 0, or -1 after reporting. */
int feed_write_all(const struct view *v, struct publish *pub, int64_t now_utc);

#endif
