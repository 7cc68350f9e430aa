/* calendar: a page per month with the sessions of events on their days, in a grid that starts
 * on the site's first weekday, and links to the months before and after. The months run from
 * the first event (or the build's month, whichever is earlier) to the last (or the build's
 * month), so that the events list can always link to "this month". */
#ifndef KAIRAN_CALENDAR_H
#define KAIRAN_CALENDAR_H

#include "render/page.h"

/* Notes a page for every month of the calendar's span, for the workers to set up. */
void calendar_plan(struct pages *ps);
/* Sets up the page of month m (year * 12 + month - 1). */
void calendar_page(struct pages *ps, int m);

#endif
