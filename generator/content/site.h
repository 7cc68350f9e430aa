/* site: the model of the whole site over its loaded entries.
 * site_index() checks what only the whole set can tell (two entries at one URL, an issue's
 * contents naming a missing entry, the print back page) and orders each kind: activities in
 * 50音 order, events by date, issues newest first, pages by weight. The site borrows the
 * entries (it never frees them) and owns only its arrays of pointers. */
#ifndef KAIRAN_SITE_H
#define KAIRAN_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "content/config.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/strmap.h"
#include "content/entry.h"

struct site {
    const struct site_config *cfg;
    const struct language *lang;   /* the language of its pages */
    const struct site *base;       /* another language's: the default language's site; else
                                      NULL */
    struct entry **all;            /* sorted by source path */
    size_t n_all;
    struct entry **kind[KIND_COUNT];
    size_t n_kind[KIND_COUNT];
    struct datetime now;           /* the build clock in the site's time zone */
    /* Each kind's entries by slug (key: the kind's number as one byte, then the slug; value:
     * the entry), for the issues' contents: a big site has thousands of issues. */
    struct strmap by_slug;
};

/* Takes the entries that are to be published (drafts already left out). Returns 0, or -1
 * after reporting conflicts. */
int site_index(struct diag *d, struct site *s, const struct site_config *cfg,
               struct entry **entries, size_t n, struct datetime now);
/* Notes on every original among entries its translations among them (entry->versions), for
 * a site of n_languages languages. */
void site_versions(struct entry **entries, size_t n, size_t n_languages);
/* The site in language lang, over base (the default language's site): each entry as its
 * version in lang when it has one, else itself, unless the site hides untranslated entries;
 * in the orders of site_index. Checks nothing: site_index did. */
void site_index_language(struct site *s, const struct site *base, const struct language *lang);
/* The entries of base and their translations (the versions noted), so that a translation's
 * links lead to the linked entry in its own language. Checks only that no two are published at
 * one address. Returns 0, or -1 after reporting. */
int site_index_versions(struct diag *d, struct site *s, const struct site *base);
void site_release(struct site *s);
/* Finds an entry by its path relative to content/ ("events/x.md"); NULL when none. */
struct entry *site_find_rel(const struct site *s, const char *rel);
/* Finds an entry of a kind by slug; NULL when none. */
struct entry *site_find_slug(const struct site *s, enum entry_kind k, const char *slug);
/* An event is past once its last session has ended by the build clock. */
int site_event_is_past(const struct site *s, const struct entry *e);
/* Fills out with the entries of an issue in print order; returns how many (caller frees
 * *out). */
size_t site_issue_entries(const struct site *s, const struct entry *issue, struct entry ***out);
/* Index of e in s->all (which is sorted by path). */
size_t site_index_of(const struct site *s, const struct entry *e);
/* The prefix that leads from the page at url (relative to the root, like "events/x/") to the
 * site's root: the base path, or with portable as many "../" as url has folders. A new
 * string; the caller frees it. */
char *site_root_for(const struct site *s, const char *url, int portable);
/* Resolves a link as written in from's body. For a relative link to a Markdown file
 * ("../events/x.md#part") returns 1 and sets *to to the entry it names, or NULL when there is
 * none, and *rel to the path looked for (a new string or NULL; the caller frees it). Returns 0
 * for any other link, which is kept as written. Reports nothing. */
int site_link_entry(const struct site *s, const struct entry *from, const char *target,
                    const struct entry **to, char **rel);
/* Where the print document of an issue goes: "print/5/5.xhtml". A new string; the caller
 * frees it. */
char *site_print_path(const struct entry *issue);

#endif
