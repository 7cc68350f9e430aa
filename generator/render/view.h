/* view: the site as templates see it, as JSON.
 * A view makes each entry's data (title, dates in 和暦, district, pictures, event sessions...)
 * and the site object, at each root: image addresses start with the root, so with --portable
 * every folder depth has its own. Pages, the feed and the print edition ask the view for what
 * they need; nothing in the view knows about them. The view borrows the site, theme, bodies and
 * zone, and owns every value it made until view_drop_roots() or view_free(). */
#ifndef KAIRAN_VIEW_H
#define KAIRAN_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "content/site.h"
#include "core/fingerprint.h"
#include "core/tz.h"
#include "render/body.h"
#include "render/theme.h"

/* A root holds this many entries' data by default: about 40 MB, and every entry of most
 * sites. */
#define VIEW_HOLD_ENTRIES 16384

struct view;
struct view_root;

struct view_options {
    const struct site *site;
    const struct theme *theme;
    const struct bodies *bodies;
    const struct tz *zone;
    int portable;        /* links relative and ending in index.html */
    size_t hold_entries; /* entries' data a root holds at once; 0: VIEW_HOLD_ENTRIES */
    /* site.app: where the app's files are (offline_app_json), or NULL when there are none;
     * borrowed, and unchanged while the view lives. */
    const json_t *app;
};

/* Returns a new view (view_free frees it). */
struct view *view_new(const struct view_options *opt);
void view_free(struct view *v);

const struct site *view_site(const struct view *v);
const struct theme *view_theme(const struct view *v);
/* The language of the view's pages (its site's), its theme words and templates. */
const struct language *view_language(const struct view *v);
const struct theme_language *view_theme_language(const struct view *v);
const struct i18n *view_words(const struct view *v);
struct template_set *view_templates(const struct view *v);
/* The word of an event's status badge (中止...), "" for one held as planned; owned by v. */
const char *view_status_label(const struct view *v, enum event_status status);
/* What the new date of a postponed event is called (延期後の日程); owned by v. */
const char *view_moved_label(const struct view *v);
/* The heading an entry is listed under in an issue's contents: its district's name, or the
 * word for events (研修会・会議), or for the rest (そのほか). Owned by v or the config. */
const char *view_issue_section(const struct view *v, const struct entry *e);
const struct tz *view_zone(const struct view *v);
int view_portable(const struct view *v);
/* The converted body of e. */
const struct body *view_body(const struct view *v, const struct entry *e);
/* Entry i's body as HTML (see bodies_html): a new string, or NULL after reporting. */
char *view_body_html(const struct view *v, size_t i);

/* The root with this prefix ("/watowa/", or "../../" with --portable), made with its site
 * object on first use. Making one is for the main thread, before workers start; finding one
 * that exists is safe on any thread. Owned by the view. */
struct view_root *view_root(struct view *v, const char *prefix);
/* The root of the page at url (relative to the site root, like "events/x/"). */
struct view_root *view_root_of(struct view *v, const char *url);
const char *view_root_prefix(const struct view_root *root);
/* The site object at this root: borrowed; read it, never change it. */
json_t *view_root_site(const struct view_root *root);
/* The fingerprints of the root's shared values (the site object, the theme's static map). */
struct fingerprint_memo *view_root_memo(const struct view_root *root);
/* Entry i's data at root, as templates see it: a new reference (the caller decrefs it), made
 * when the root does not hold it. Read it, never change it. Its fingerprint goes into memo
 * unless memo is NULL. Safe on any thread. */
json_t *view_entry(const struct view *v, struct view_root *root, size_t i,
                   struct fingerprint_memo *memo);
/* Notes that the print edition of issue (an entry of the site) is published as a PDF at url
 * (relative to the site root) of bytes bytes: the issue's data then has print_pdf: { url,
 * size: "2.3 MB" }. For the main thread, before the roots whose data should show it are made
 * (view_drop_roots forgets data made before). */
void view_set_print_pdf(struct view *v, const struct entry *issue, const char *url,
                        long long bytes);
/* Notes that the print document of issue is at url (relative to the site root): the issue's
 * data then has print_url. In another language than the site's, an issue has print_url only
 * when noted (the site's own edition has every issue). For the main thread, before the roots
 * whose data should show it are made. */
void view_set_print_url(struct view *v, const struct entry *issue, const char *url);
/* Frees every root and the data it holds: with the entries' data held, the largest thing a
 * build holds. */
void view_drop_roots(struct view *v);

/* A date object for templates ({iso, wareki, ...}); time fields only when has_time. Returns a
 * new reference to an object that other values may share: read it, never change it. Safe on
 * any thread. */
json_t *view_date(const struct view *v, struct datetime dt, int has_time);
/* An event's status for templates: {key ("cancelled"…), label (中止…), a true flag named by
 * the key, and for a postponed event with a new date new_when (the date in words) and
 * new_start (a date object)}; NULL for an event held as planned. A new reference. */
json_t *view_status(const struct view *v, const struct entry *e);
/* The full address of url (relative to the site root): base_url before it. A new string;
 * the caller frees it. */
char *view_permalink(const struct view *v, const char *url);
/* dt in the site's zone as RFC 3339 ("2021-02-19T13:30:00+09:00"). A new string; the caller
 * frees it. */
char *view_rfc3339(const struct view *v, struct datetime dt);

#endif
