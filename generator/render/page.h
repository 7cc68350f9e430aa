/* page: the list of the site's pages while they are planned, set up and rendered.
 * A page is noted with its template and, once set up, carries the data its template receives
 * (its context) with the fingerprints of the shared values in it. Pages of entries, lists and
 * calendar months are only noted on the main thread and set up by the worker that renders
 * them, so that no more than one page per thread is held in memory. The page list owns every
 * page's strings and context; the view is borrowed. Used by plan, calendar and pages. */
#ifndef KAIRAN_PAGE_H
#define KAIRAN_PAGE_H

#include <jansson.h>
#include <stddef.h>

#include "core/fingerprint.h"
#include "core/hash.h"
#include "markup/template.h"
#include "render/view.h"

struct list_spec;

struct page {
    const char *template;
    const struct template *compiled; /* looked up before the workers start */
    char *url; /* relative to the root: "", "activities/", "activities/page/2/" */
    char *out; /* output file */
    json_t *ctx;
    struct view_root *root; /* the data at the page's root */
    /* A page only noted (ctx NULL) is set up by the worker that renders it: */
    size_t entry;                 /* an entry's page: the entry's index in site->all */
    const struct list_spec *list; /* a list's page: which list, which page */
    size_t list_page;
    int month;            /* a calendar's page: year * 12 + month - 1; else 0 */
    struct hash identity; /* of the compiled template */
    /* Fingerprints of the shared values in ctx: the entries' data it holds, over its root's
     * (owned; freed with ctx). */
    struct fingerprint_memo *memo;
    /* The entries (indices in site->all) whose data the page shows, in the order it asked for
     * them, noted while it is set up (page_entry, page_reads): with the site's shape, its root
     * and the theme, what the page is made from (render/deps). Owned. */
    size_t *reads;
    size_t n_reads, reads_cap;
    int unchanged; /* render/deps found nothing it is made from changed: keep the last one */
    int reads_body; /* an entry's own page: it shows its entry's body as well as its data */
};

struct pages {
    struct page *v;
    size_t len, cap;
    struct view *view;
    /* The first upcoming events in date order, for the "related" lists of event pages. */
    const struct entry *upcoming[5];
    size_t n_upcoming;
    struct list_spec **lists; /* owned; see plan.h */
    size_t n_lists, lists_cap;
    /* Words of the lists' headings in the page's language, while they are noted (owned). */
    char *other_row, *upcoming_word, *past_word;
    int first_month, last_month; /* the calendar's span, as year * 12 + month - 1 */
};

/* A new page at the end of the list, all zero but its template; owned by the list. */
struct page *page_new(struct pages *ps, const char *template);
/* Adds a page set up now, with what every page's context gets (root, site, static files, the
 * page object); returns its context, owned by the page. */
json_t *page_add(struct pages *ps, const char *template, const char *url, const char *kind,
                 const char *title, const char *title_html, const char *description);
/* Entry i's data for the page being set up (the last one added): a new reference. Notes that
 * the page reads entry i. */
json_t *page_entry(struct pages *ps, size_t i);
/* Notes that the page being set up shows something of entry i that it takes from the entry
 * itself rather than through page_entry (its own page, a calendar's events). */
void page_reads(struct pages *ps, size_t i);
/* The breadcrumbs ホーム › title1 (when not NULL; url1 is in the page's language, without its
 * folder); a new array. */
json_t *page_crumbs(struct pages *ps, const char *title1, const char *url1);
/* For a site of several languages, gives the page being set up (the last one added) its
 * language switch (page.languages) and, when same, its hreflang alternates (page.alternates):
 * paths[k] is its address in language k (relative to the root), NULL where there is none.
 * page_add gives every page but 404 its addresses in every language. */
void page_set_languages(struct pages *ps, const char *const *paths, int same);
/* Frees what a page owns and leaves it empty. */
void page_release(struct page *p);

#endif
