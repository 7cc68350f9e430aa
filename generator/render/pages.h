/* pages: renders every page of the site through the theme's templates and hands the bytes to
 * the publisher. The page list is planned on the main thread (plan, calendar); each page is set
 * up, rendered and let go by a worker of the pool, so that memory holds one page per thread. A
 * page whose key (its template's identity and its data) the publisher's manifest already has
 * is kept without rendering. The feed and the print edition are not pages: the build starts
 * them beside this. */
#ifndef KAIRAN_PAGES_H
#define KAIRAN_PAGES_H

#include <jansson.h>

#include "core/pool.h"
#include "publish/publish.h"
#include "render/deps.h"
#include "render/view.h"

struct pages_options {
    struct pool *pool;
    struct publish *pub; /* NULL for `kairan check`: pages are made and checked, not written */
    /* Keep pages the manifest already has. Off for --strict, which must see every render. */
    int incremental;
    /* The search files' meta script, from the root (render/search.h): the search page loads
     * it. NULL: the site has no search page. */
    const char *search;
    /* The pages the service worker keeps from the start (offline_pages), listed on the page it
     * shows offline for any other (offline/, template offline). NULL: the site has no worker
     * and no such page. */
    const json_t *offline;
    /* What the last build's pages were made from (render/deps): with incremental, a page made
     * from the same is kept without being set up; every page set up is noted in it. NULL:
     * none. */
    struct deps *deps;
};

/* Renders every page. Frees the view's roots when done (the pages were their main users).
 * Returns 0, or -1 after reporting. */
int pages_render(struct view *v, const struct pages_options *opt);

#endif
