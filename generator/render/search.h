/* search: what the site's search page needs, made when the site is built. Every published
 * entry is a document, numbered by date, oldest first (an event by its first day, the others by
 * their date:), so that newest first is highest first. A document's text is its title, reading,
 * summary, the front matter's text fields, its district's and categories' names, its status
 * and its body, each with the ruby readings, in lines; each line folded (core/fold) and indexed
 * (render/ngram), the title's and reading's lines first, so that a place in them ranks its
 * document first. Everything is written as script files that register their data with the
 * page's script, because a site opened from files (a USB stick) may not fetch JSON:
 * search/meta.HASH.js names the rest and holds each document's kind and district (for the
 * filters); search/kS-N.HASH.js are the parts of index S (one per SHARD documents),
 * search/xN.HASH.js the texts and what a result shows, a few documents each.
 * The hash in a name is of the file's bytes: a rebuild after one entry changed writes again only
 * the files whose bytes changed. The site, view and bodies are borrowed. */
#ifndef KAIRAN_SEARCH_H
#define KAIRAN_SEARCH_H

#include <stddef.h>

#include "core/pool.h"
#include "publish/publish.h"
#include "render/view.h"

struct search_options {
    struct pool *pool;
    struct publish *pub; /* NULL for `kairan check`: made, not written */
};

/* Makes the search files of v's site and hands them to opt->pub. Sets *meta to the path of the
 * file that names the rest, from the site's root ("search/meta.1a2b3c4d.js"), a new string
 * the caller frees. Frees the bodies' search texts (bodies_drop_search). Returns 0, or -1
 * after reporting (a file that could not be written). */
int search_write(struct view *v, struct bodies *bodies, const struct search_options *opt,
                 char **meta);

#endif
