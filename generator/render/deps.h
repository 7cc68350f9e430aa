/* deps: what each page of the last build was made from, so that a rebuild sets up and renders
 * only the pages that read something that changed.
 * A page is made from: the settings (the program, site.yaml, the time zone, the theme's
 * settings and static files, --portable), its template (with its partials), the site's shape
 * (which entries there are, their addresses, where lists put them and in which order, which
 * events are over, the day of the build clock), the site object at its root, and the entries
 * it reads (page_entry, page_reads), each standing for all a list can show of it: its front
 * matter, its converted title and summary, its picture, the issue it appeared in, whether it
 * is over (an issue's PDF is in the site object); an entry's own page also for its converted
 * body, which no other page shows. A page's key is the hash of those; after a build, the key and the entries
 * read of every page are kept in a file beside the publisher's manifest, and the next build
 * finds a page unchanged when the same entries give the same key: the publisher then keeps
 * the file the last build made, and the page is neither set up nor rendered. The file counts
 * only beside the very manifest it was written with (by the manifest's identity on disk), so
 * that a build that failed, or another output's build, changes nothing. Other outputs kept as
 * a whole (an issue's print edition) are recorded by name the same way (deps_group_note).
 * Nothing here reports: a missing or damaged file means every page is set up. The view is
 * borrowed. */
#ifndef KAIRAN_DEPS_H
#define KAIRAN_DEPS_H

#include <stddef.h>

#include "core/hash.h"
#include "core/pool.h"
#include "render/page.h"
#include "render/view.h"

struct deps;

/* Reads what the last build's pages were made from (the file at path, which counts only when
 * the manifest at manifest is the one it was written with) and works out what this build's
 * are made of: the settings, the site's shape and each entry's key (on the pool), from the
 * entries and their bodies. Returns a new deps; deps_free frees it. */
struct deps *deps_new(const struct view *v, struct pool *pool, const char *path,
                      const char *manifest);
void deps_free(struct deps *d);
/* Makes room for the n pages of this build, by their place in the page list. */
void deps_begin(struct deps *d, size_t n);
/* True when the last build made page k (noted, with its address, root and template known)
 * from the same things as this build would: then k's record is the last one, and the caller
 * keeps the page the last build made. */
int deps_unchanged(struct deps *d, size_t k, const struct page *p);
/* Records page k as set up (p is the page set up, with the entries it read). Safe on any
 * thread for distinct k. */
void deps_note(struct deps *d, size_t k, const struct page *p);
/* Writes the records of this build's pages beside the manifest, which the publisher has
 * written by now. Returns 0, or -1 (the next build then sets every page up). */
int deps_save(struct deps *d);
/* How many pages deps_unchanged found unchanged. */
size_t deps_kept(const struct deps *d);

/* For outputs that are not pages (an issue's print edition) and key themselves: the settings
 * with the site's shape as one key, and entry i's key with its body (i in site->all). */
struct hash deps_base(const struct deps *d);
struct hash deps_entry(const struct deps *d, size_t i);
/* deps_base with the key of every entry: for an output made from all of them (search). */
struct hash deps_whole(const struct deps *d);
/* What the last build recorded under name (deps_group_note): returns 1 and sets *key, *extra
 * and *text (borrowed, or NULL) when it did, else 0. */
int deps_group_last(const struct deps *d, const char *name, struct hash *key, long long *extra,
                    const char **text);
/* Records name with a key, a number and a text (may be NULL) for the next build. For one
 * thread at a time. */
void deps_group_note(struct deps *d, const char *name, struct hash key, long long extra,
                     const char *text);

#endif
