/* render: turns the site model into pages.
 * render_bodies() converts every entry's Markdown (links resolved against the site, images
 * through media); render_pages() builds each page's data as JSON, renders it through the
 * theme's templates on the worker pool and hands the bytes to the publisher. The struct
 * render owns the converted bodies and the shared JSON; the site, theme, media and publisher
 * are borrowed. */
#ifndef KAIRAN_RENDER_H
#define KAIRAN_RENDER_H

#include <jansson.h>

#include "render/bodycache.h"
#include "core/diag.h"
#include "core/hash.h"
#include "media/media.h"
#include "core/pool.h"
#include "publish/publish.h"
#include "content/site.h"
#include "render/theme.h"
#include "core/tz.h"

struct render_root;
struct fingerprint_memo;

/* A root holds this many entries' data by default: about 40 MB, and every entry of most
 * sites. */
#define RENDER_HOLD_ENTRIES 16384

/* One entry's converted body. */
struct body {
    /* HTML5 fragment. NULL when it waits in the body cache: render_body_html() reads it back
     * (only one page uses it, and held for every entry it would fill the memory). */
    char *html;
    /* Plain text: the front matter's summary: (borrowed from the entry) when it has one, else
     * summary_made, made from the body (owned). */
    const char *summary;
    char *summary_made;
    char *title_html;/* the title with ruby */
    char *title_text;/* the title without ruby readings; NULL when that is the entry's title */
    char *toc;       /* the table of contents as compact JSON (an array), read on its page */
    struct hash html_hash; /* of html: stands for it in page keys */
    unsigned minutes;
    int has_image;
    struct media_image image; /* the entry's image: or cover: field */
    int failed;
    struct hash cache_key; /* of its record in the body cache, when in_cache */
    int in_cache;
};

struct render {
    struct diag *d;
    const struct site *site;
    const struct theme *theme;
    struct media *media;
    struct publish *pub;   /* NULL for `kairan check` */
    struct pool *pool;
    const struct tz *zone;
    const char *cache_dir; /* where a print document that fails validation is kept to read */
    int portable;
    int64_t now_utc;
    /* Pages whose key (template identity, data) the publisher's manifest already has are kept
     * without rendering. Off for --strict, which must see every render. */
    int incremental;
    /* Converted bodies kept between builds (borrowed), or NULL for none. */
    struct bodycache *body_cache;

    struct body *bodies;   /* parallel to site->all */
    /* Values many entries' data share instead of each holding a copy: one object per district
     * and per category (in site.yaml's order), per kind and per issue, made with the first
     * root; and every date
     * object made so far, by value (locked inside: workers add to it). */
    json_t **district_json, **category_json;
    json_t *kind_json[KIND_COUNT]; /* "activity", "event", ... */
    json_t **issue_json;           /* parallel to site->kind[KIND_ISSUE]: number, title, url */
    struct render_dates *dates;
    /* The data for pages at one root: image URLs start with the root, so with --portable
     * each folder depth has its own. Made on the main thread, before rendering. */
    struct render_root **roots;
    size_t n_roots;
    struct render_root *current; /* the root of the page being set up */
    const char *root;            /* its prefix */
    json_t *site_json;           /* its site object */
    /* How many entries' data a root holds at once (0: RENDER_HOLD_ENTRIES); beyond it, the
     * least recently used is let go and made again when a page asks for it. */
    size_t hold_entries;
};

void render_init(struct render *r);
/* Converts every entry's Markdown. Returns 0, or -1 after reporting. */
int render_bodies(struct render *r);
/* Renders every page and feed. Returns 0, or -1 after reporting. */
int render_pages(struct render *r);
void render_release(struct render *r);
/* Entry i's body as HTML: a new string the caller frees, read back from the body cache when
 * the body does not hold it. NULL after reporting when it cannot be read back. */
char *render_body_html(const struct render *r, size_t i);
/* Index of e in site->all. */
size_t render_index(const struct render *r, const struct entry *e);
/* Resolves a link as written in from's body. For a relative link to a Markdown file
 * ("../events/x.md#part") returns 1 and sets *to to the entry it names, or NULL when there is
 * none, and *rel to the path looked for (a new string or NULL; the caller frees it). Returns 0
 * for any other link, which is kept as written. Reports nothing. */
int render_link_entry(const struct render *r, const struct entry *from, const char *target,
                      const struct entry **to, char **rel);
/* Returns the title of e in XHTML 1.1, for the print edition (ruby with <rb>); a new string,
 * the caller frees it. */
char *render_title_xhtml(const struct render *r, const struct entry *e);
/* Makes root the current one (r->current, r->root, r->site_json), making its site object on
 * first use. Main thread only. */
void render_use_root(struct render *r, const char *root);
/* Entry i's data at the current root, as templates see it: a new reference (the caller
 * decrefs it), made when the root does not hold it. Read it, never change it. Its fingerprint
 * goes into memo unless memo is NULL. Safe on any thread. */
json_t *render_entry(const struct render *r, size_t i, struct fingerprint_memo *memo);
/* A date object for templates ({iso, wareki, ...}); time fields only when has_time. Returns a
 * new reference to an object that other values may share: read it, never change it. Safe on
 * any thread. */
json_t *render_date(const struct render *r, struct datetime dt, int has_time);

#endif
