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
#include "content/entry.h"

struct site {
    const struct site_config *cfg;
    struct entry **all;            /* sorted by source path */
    size_t n_all;
    struct entry **kind[KIND_COUNT];
    size_t n_kind[KIND_COUNT];
    struct datetime now;           /* the build clock in the site's time zone */
};

/* Takes the entries that are to be published (drafts already left out). Returns 0, or -1
 * after reporting conflicts. */
int site_index(struct diag *d, struct site *s, const struct site_config *cfg,
               struct entry **entries, size_t n, struct datetime now);
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
/* The heading an entry is listed under in an issue's contents: its district's name, or
 * 研修会・会議 for events, or そのほか. A string owned by the config or constant. */
const char *site_issue_section(const struct site *s, const struct entry *e);

#endif
