/* body: every entry's Markdown converted once for the web pages.
 * bodies_convert() turns each body and title into HTML on the worker pool, links resolved
 * against the site and pictures made through media, and keeps what it made in the body cache
 * for the next build. A struct bodies owns the converted texts; the site, media, pool, cache
 * and diag given in its options are borrowed and must outlive it. Problems are reported
 * through the options' diag, at the entry's file and line. */
#ifndef KAIRAN_BODY_H
#define KAIRAN_BODY_H

#include <stddef.h>

#include "content/site.h"
#include "core/diag.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/strv.h"
#include "media/media.h"
#include "render/bodycache.h"

/* One entry's converted body. */
struct body {
    /* HTML5 fragment. NULL when it waits in the body cache: bodies_html() reads it back
     * (only one page uses it, and held for every entry it would fill the memory). */
    char *html;
    /* Plain text: the front matter's summary: (borrowed from the entry) when it has one, else
     * summary_made, made from the body (owned). */
    const char *summary;
    char *summary_made;
    char *title_html; /* the title with ruby */
    char *title_text; /* the title without ruby readings; NULL when that is the entry's title */
    char *toc;        /* the table of contents as compact JSON (an array), read on its page */
    /* What search reads (dom_search_text): the body's text and its lines with ruby again with
     * the readings, NULL when it waits in the body cache (bodies_search reads it back: when a
     * build has held 64 MB of them, or the body was not converted); and the title's, NULL when
     * the title has no ruby. Freed once the search index is made (bodies_drop_search). */
    char *search, *title_search;
    struct hash html_hash; /* of html: stands for it in page keys */
    unsigned minutes;
    int has_image;
    struct media_image image; /* the entry's image: or cover: field */
    int failed;
    struct hash cache_key; /* of its record in the body cache, when in_cache */
    int in_cache;
};

struct bodies;

struct bodies_options {
    struct diag *d;
    const struct site *site;
    struct media *media;
    struct pool *pool;
    struct bodycache *cache; /* converted bodies kept between builds, or NULL for none */
    const char *image_sizes; /* the theme's sizes attribute for pictures in the text */
    const struct strv *reserved_ids; /* the theme's own ids, which no id in a body takes */
    /* Entries that could not be read (their mistakes are reported), as paths in content/: a
     * link to one is not reported again as a link to no entry. NULL for none. */
    const struct strv *unread;
    int portable;            /* links relative and ending in index.html */
};

/* Converts every entry of the site. Sets *out to a new struct bodies (bodies_free frees it)
 * whether or not all went well. Returns 0, or -1 after reporting. */
int bodies_convert(struct bodies **out, const struct bodies_options *opt);
void bodies_free(struct bodies *b);
/* The body of site->all[i]; owned by b. */
const struct body *bodies_get(const struct bodies *b, size_t i);
/* The index of e among the bodies (in the site they were converted over, which may hold more
 * entries than a language's site). */
size_t bodies_index(const struct bodies *b, const struct entry *e);
/* Entry i's body as HTML: a new string the caller frees, read back from the body cache when
 * the body does not hold it. NULL after reporting when it cannot be read back. Safe on any
 * thread. */
char *bodies_html(const struct bodies *b, size_t i);
/* Entry i's search text (see struct body): a new string the caller frees, read back from the
 * body cache when the body does not hold it; NULL after reporting when it cannot be. Safe on
 * any thread. */
char *bodies_search(const struct bodies *b, size_t i);
/* Frees every body's search texts: the index has been made. */
void bodies_drop_search(struct bodies *b);
/* Returns the title of e in XHTML 1.1, for the print edition (ruby with <rb>); a new string,
 * the caller frees it. Its messages were given when the bodies were converted. */
char *body_title_xhtml(const struct entry *e);
/* The title as pages show it: the title without ruby readings. Borrowed from b or e. */
const char *body_title(const struct body *b, const struct entry *e);

#endif
