#include "render/view.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/strmap.h"
#include "core/url.h"
#include "core/xalloc.h"
#include "render/data.h"
#include "render/i18n.h"

struct view {
    struct view_options opt;
    /* Values many entries' data share instead of each holding a copy: one object per district
     * and per category (in site.yaml's order), per kind and per issue, made with the first
     * root; and every date object made so far, by value (locked inside: workers add to it). */
    json_t **district_json, **category_json;
    json_t *kind_json[KIND_COUNT]; /* "activity", "event", ... */
    json_t **issue_json;           /* parallel to site->kind[KIND_ISSUE]: number, title, url */
    json_t **issue_pdf;            /* parallel too: the print edition's PDF, or NULL */
    char **issue_print;            /* parallel too: the print document's address, or NULL */
    struct view_dates *dates;
    char *status_words[EVENT_STATUS_COUNT]; /* the badges' words in the view's language */
    char *section_events, *section_other;   /* headings of an issue's contents */
    char *moved;                             /* 延期後の日程 */
    /* How many activities and events each district [0] and category [1] has, in site.yaml's
     * order: counted once, as every root's site object shows them. */
    size_t *taxa_counts[2];
    /* The data for pages at each root, made on the main thread before rendering. */
    struct view_root **roots;
    size_t n_roots, roots_cap;
};

/* The data templates get at one root. An entry's data is made when a page first asks for it
 * and held while there is room, hold entries at most: a site of that size makes each entry's
 * data once; a bigger one lets the least recently asked for go and makes it again when asked,
 * so that memory stays bounded however many entries there are. */
struct view_root {
    char *root;
    json_t *site_json;
    struct fingerprint_memo *memo; /* of site_json and the static map; read-only once made */
    pthread_mutex_t lock;          /* guards the rest: pages on every worker ask for entries */
    json_t **entries;              /* parallel to site->all; NULL when not held */
    struct hash *fps;              /* the fingerprints of the held ones */
    unsigned char *asked;          /* asked for since the clock hand last passed */
    size_t *ring;                  /* the held ones' indices, in the order they came */
    size_t n, held, hold, hand;
};

static const char *str_or(const char *s)
{
    return s ? s : "";
}

static json_t *date_json(const struct view *v, struct datetime dt, int has_time)
{
    json_t *o = json_object();
    struct buf b;
    buf_init(&b);
    date_format_iso(&b, dt.date);
    data_set_buf(o, "iso", &b);
    if (has_time) {
        tz_format_rfc3339(&b, v->opt.zone, tz_to_utc(v->opt.zone, dt, NULL));
        data_set_buf(o, "datetime", &b);
        date_format_time(&b, dt);
        data_set_buf(o, "time", &b);
    } else {
        date_format_iso(&b, dt.date);
        data_set_buf(o, "datetime", &b);
    }
    const struct i18n *words = view_words(v);
    struct buf h;
    buf_init(&h);
    i18n_date(words, dt.date, DATE_WEEKDAY, &b, &h);
    data_set_buf(o, "text", &b);
    data_set_buf(o, "text_html", &h);
    i18n_month(words, dt.date.year, dt.date.month, &b, &h);
    data_set_buf(o, "text_short", &b);
    data_set_buf(o, "text_short_html", &h);
    buf_release(&h);
    date_format_ja(&b, dt.date, DATE_WEEKDAY);
    data_set_buf(o, "wareki", &b);
    date_format_ja_month(&b, dt.date.year, dt.date.month, 0);
    data_set_buf(o, "wareki_short", &b);
    date_format_ja(&b, dt.date, DATE_WEEKDAY | DATE_WESTERN);
    data_set_buf(o, "western", &b);
    struct date_era era;
    if (date_era(dt.date, &era) == 0) {
        if (era.year == 1)
            buf_printf(&b, "%s元年", era.name);
        else
            buf_printf(&b, "%s%d年", era.name, era.year);
        data_set_buf(o, "era_year", &b);
    }
    json_object_set_new(o, "year", json_integer(dt.date.year));
    json_object_set_new(o, "month", json_integer(dt.date.month));
    json_object_set_new(o, "day", json_integer(dt.date.day));
    data_set_str(o, "weekday", i18n_weekday(words, date_weekday(dt.date)));
    buf_release(&b);
    return o;
}

/* Date objects by value, so that entries of the same day share one (each holds a dozen
 * strings). */
struct view_dates {
    pthread_mutex_t lock; /* guards map: workers add dates as they make entries' data */
    /* Keyed by the date's fields (int[7]: year, month, day, hour, minute, second, has_time);
     * each value a reference to its object. */
    struct strmap map;
};

static struct view_dates *dates_new(void)
{
    struct view_dates *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    strmap_init(&m->map);
    return m;
}

static void dates_free(struct view_dates *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < strmap_len(&m->map); i++)
        json_decref(strmap_value(&m->map, i));
    strmap_release(&m->map);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

json_t *view_date(const struct view *v, struct datetime dt, int has_time)
{
    struct view_dates *m = v->dates;
    if (!m)
        return date_json(v, dt, has_time);
    int key[7] = {dt.date.year, dt.date.month, dt.date.day, 0, 0, 0, !!has_time};
    if (has_time) {
        key[3] = dt.hour;
        key[4] = dt.minute;
        key[5] = dt.second;
    }
    pthread_mutex_lock(&m->lock);
    json_t *made = strmap_get(&m->map, (const char *)key, sizeof key);
    json_incref(made);
    pthread_mutex_unlock(&m->lock);
    if (made)
        return made;
    /* Made outside the lock; when another thread made the same date meanwhile, its wins. */
    made = date_json(v, dt, has_time);
    pthread_mutex_lock(&m->lock);
    int added;
    size_t at = strmap_add(&m->map, (const char *)key, sizeof key, made, &added);
    if (!added)
        json_decref(made);
    made = json_incref(strmap_value(&m->map, at));
    pthread_mutex_unlock(&m->lock);
    return made;
}

/* ---- Shared JSON -------------------------------------------------------------------------- */

/* Adds map_url to a venue or a contact with an address: the site's map search for that
 * address, an ordinary link that loads nothing until it is followed. */
static void add_map_url(const struct view *v, json_t *o)
{
    const char *search = v->opt.site->cfg->map_search;
    const char *address = json_string_value(json_object_get(o, "address"));
    if (!search || !address)
        return;
    char *query = url_percent_encode(address);
    char *url = xasprintf("%s%s", search, query);
    data_set_str(o, "map_url", url);
    free(url);
    free(query);
}

/* A contact (an entry's, or a district's from site.yaml) for templates: its fields with
 * phone_href, the tel: address of its phone, and map_url. Returns a new object. */
static json_t *contact_json(const struct view *v, const json_t *contact)
{
    json_t *c = json_deep_copy(contact);
    const char *phone = json_string_value(json_object_get(c, "phone"));
    if (phone) {
        char *href = url_tel_href(phone, strlen(phone));
        data_set_str(c, "phone_href", href);
        free(href);
    }
    add_map_url(v, c);
    return c;
}

/* Sets key to text as HTML: escaped, and inside <span lang="LANG"> when lang is not NULL (a
 * text in the site's language on another language's page). */
static void set_marked_html(json_t *o, const char *key, const char *text, const char *lang)
{
    struct buf b;
    buf_init(&b);
    if (lang) {
        buf_puts(&b, "<span lang=\"");
        buf_xml_escape(&b, lang);
        buf_puts(&b, "\">");
    }
    buf_xml_escape(&b, text);
    if (lang)
        buf_puts(&b, "</span>");
    data_set_buf(o, key, &b);
    buf_release(&b);
}

static json_t *taxon_json(const struct view *v, const struct taxon *t, const char *folder)
{
    json_t *o = json_object();
    const struct language *lang = view_language(v);
    const char *name = config_taxon_name(t, lang);
    data_set_str(o, "slug", t->slug);
    data_set_str(o, "name", name);
    /* A name not given in this language is the site's own, marked as such on the page. */
    const char *own = lang->index && name == t->name ? v->opt.site->cfg->languages[0].code : NULL;
    data_set_str(o, "name_lang", own);
    set_marked_html(o, "name_html", name, own);
    if (i18n_kana_order(view_words(v)))
        data_set_str(o, "reading", t->reading);
    char *url = xasprintf("%s%s/%s/", lang->prefix, folder, t->slug);
    data_set_str(o, "url", url);
    free(url);
    if (t->contact)
        json_object_set_new(o, "contact", contact_json(v, t->contact));
    return o;
}

/* An image for templates. src and full are relative to the root like every url (templates
 * write {{root}}{{image.src}}); srcset lists several paths, so it comes with root already
 * in front of each. */
static json_t *image_json(const char *root, const struct media_image *img, const char *alt)
{
    json_t *o = json_object();
    data_set_str(o, "src", img->src);
    data_set_str(o, "full", img->full);
    char *srcset = media_srcset_at(root, img->srcset);
    data_set_str(o, "srcset", srcset);
    free(srcset);
    json_object_set_new(o, "width", json_integer(img->width));
    json_object_set_new(o, "height", json_integer(img->height));
    data_set_str(o, "alt", alt ? alt : "");
    return o;
}

/* Sets key (the text: 令和3年2月19日（金）13:30〜16:00, or only the days of an all-day session)
 * and key_html (the same as HTML, furigana and all) in o. */
static void set_when(const struct view *v, json_t *o, const char *key, const struct session *s)
{
    struct buf t, h;
    buf_init(&t);
    buf_init(&h);
    /* No end given (end == start): 13:30〜, "from 13:30". */
    int open = !s->all_day && date_compare_datetime(s->end, s->start) == 0;
    i18n_session(view_words(v), s->start, open ? NULL : &s->end, s->all_day, &t, &h);
    data_set_buf(o, key, &t);
    char *html_key = xasprintf("%s_html", key);
    data_set_buf(o, html_key, &h);
    free(html_key);
    buf_release(&t);
    buf_release(&h);
}

const char *view_status_label(const struct view *v, enum event_status status)
{
    return v->status_words[status];
}

const char *view_moved_label(const struct view *v)
{
    return v->moved;
}

const char *view_issue_section(const struct view *v, const struct entry *e)
{
    if (e->kind == KIND_EVENT)
        return v->section_events;
    const struct site_config *cfg = v->opt.site->cfg;
    const struct taxon *district = e->district ? config_district(cfg, e->district) : NULL;
    return district ? config_taxon_name(district, view_language(v)) : v->section_other;
}

json_t *view_status(const struct view *v, const struct entry *e)
{
    if (e->status == EVENT_SCHEDULED)
        return NULL;
    json_t *o = json_object();
    data_set_str(o, "key", entry_status_name(e->status));
    data_set_str(o, "label", view_status_label(v, e->status));
    json_object_set_new(o, entry_status_name(e->status), json_true());
    if (e->has_postponed) {
        set_when(v, o, "new_when", &e->postponed);
        json_object_set_new(o, "new_start",
                            view_date(v, e->postponed.start, !e->postponed.all_day));
    }
    return o;
}

static json_t *session_json(const struct view *v, const struct entry *e, const struct session *s,
                            size_t index)
{
    json_t *o = json_object();
    json_object_set_new(o, "start", view_date(v, s->start, !s->all_day));
    json_object_set_new(o, "end", view_date(v, s->end, !s->all_day));
    json_object_set_new(o, "all_day", json_boolean(s->all_day));
    data_set_str(o, "label", s->label);
    set_when(v, o, "range", s);
    json_object_set_new(o, "index", json_integer((json_int_t)index + 1));
    json_t *venues = json_object_get(e->fm, "venues");
    for (size_t k = 0; s->venue && k < json_array_size(venues); k++) {
        json_t *venue = json_array_get(venues, k);
        const char *id = json_string_value(json_object_get(venue, "id"));
        if (id && strcmp(id, s->venue) == 0)
            json_object_set(o, "venue", venue);
    }
    return o;
}

static void event_fields(const struct view *v, const struct entry *e, json_t *o)
{
    json_t *sessions = json_array();
    for (size_t i = 0; i < e->n_sessions; i++)
        json_array_append_new(sessions, session_json(v, e, &e->sessions[i], i));
    json_object_set_new(o, "sessions", sessions);
    json_object_set_new(o, "multi_session", json_boolean(e->n_sessions > 1));
    if (e->n_sessions) {
        const struct session *first = &e->sessions[0], *last = &e->sessions[e->n_sessions - 1];
        struct session days = {first->start, last->end, 1, NULL, NULL};
        set_when(v, o, "when", e->n_sessions == 1 ? first : &days);
        json_object_set_new(o, "start", view_date(v, first->start, !first->all_day));
        json_object_set_new(o, "end", view_date(v, last->end, !last->all_day));
    }
    json_t *status = view_status(v, e);
    if (status)
        json_object_set_new(o, "status", status);
    json_t *venues = json_object_get(e->fm, "venues");
    json_t *vs = json_array();
    int remote = 0;
    for (size_t k = 0; k < json_array_size(venues); k++) {
        json_t *venue = json_copy(json_array_get(venues, k));
        const char *role = json_string_value(json_object_get(venue, "role"));
        int is_remote = role && strcmp(role, "remote") == 0;
        remote |= is_remote;
        json_object_set_new(venue, "is_main", json_boolean(!is_remote));
        json_object_set_new(venue, "is_remote", json_boolean(is_remote));
        add_map_url(v, venue);
        json_array_append_new(vs, venue);
    }
    json_object_set_new(o, "venues", vs);
    json_object_set_new(o, "has_remote", json_boolean(remote));
    static const char *const copied[] = {"program", "capacity", "participants", "note", NULL};
    for (const char *const *k = copied; *k; k++)
        if (json_object_get(e->fm, *k))
            json_object_set(o, *k, json_object_get(e->fm, *k));
    json_object_set_new(o, "has_program",
                        json_boolean(json_array_size(json_object_get(e->fm, "program")) > 0));
    json_t *apply = json_object_get(e->fm, "apply");
    if (apply) {
        json_t *a = json_object();
        data_set_str(a, "how", json_string_value(json_object_get(apply, "how")));
        const char *deadline = json_string_value(json_object_get(apply, "deadline"));
        struct datetime dt;
        struct date_why why;
        int has_time;
        if (deadline && date_parse_either(&dt, &has_time, deadline, strlen(deadline), &why) == 0)
            json_object_set_new(a, "deadline", view_date(v, dt, 0));
        json_object_set_new(o, "apply", a);
    }
    int past = site_event_is_past(v->opt.site, e);
    json_object_set_new(o, "past", json_boolean(past));
    json_object_set_new(o, "upcoming", json_boolean(!past));
    /* Over and held: not when it was called off, nor postponed to a date not yet known. */
    int held = e->status != EVENT_CANCELLED && (e->status != EVENT_POSTPONED || e->has_postponed);
    json_object_set_new(o, "ended", json_boolean(past && held));
    json_object_set_new(o, "offer_ics", json_boolean(!past && e->status != EVENT_CANCELLED));
    char *ics = xasprintf("%sevent.ics", e->url);
    data_set_str(o, "ics", ics);
    free(ics);
}

static json_t *entry_json(const struct view *v, const struct view_root *root, size_t i)
{
    const struct entry *e = v->opt.site->all[i];
    const struct body *b = view_body(v, e);
    const struct site_config *cfg = v->opt.site->cfg;
    json_t *o = json_object();
    json_object_set(o, "kind", v->kind_json[e->kind]);
    if (e->lang && e->lang != view_language(v)) {
        /* Listed in its own language on this language's pages (untranslated: fallback). */
        json_t *f = json_object();
        data_set_str(f, "code", e->lang->code);
        data_set_str(f, "name", e->lang->name);
        json_object_set_new(o, "foreign", f);
    }
    data_set_str_from(o, "slug", e->slug, e->fm, "slug");
    data_set_str(o, "url", e->url);
    data_set_str_from(o, "title", body_title(b, e), e->fm, "title");
    data_set_str(o, "title_html", b->title_html);
    data_set_str_from(o, "reading", e->reading, e->fm, "reading");
    data_set_str_from(o, "summary", b->summary, e->fm, "summary");
    json_object_set_new(o, "draft", json_boolean(e->draft));
    json_object_set(o, "params", e->fm);
    if (e->has_date)
        json_object_set_new(o, "date", view_date(v, e->date, 0));
    const char *updated = json_string_value(json_object_get(e->fm, "updated"));
    struct datetime dt;
    struct date_why why;
    int has_time;
    if (updated && date_parse_either(&dt, &has_time, updated, strlen(updated), &why) == 0)
        json_object_set_new(o, "updated", view_date(v, dt, 0));
    const struct taxon *district = e->district ? config_district(cfg, e->district) : NULL;
    if (district)
        json_object_set(o, "district", v->district_json[district - cfg->districts]);
    json_t *cats = json_array();
    json_t *fm_cats = json_object_get(e->fm, "categories");
    for (size_t c = 0; c < json_array_size(fm_cats); c++) {
        const struct taxon *t =
            config_category(cfg, str_or(json_string_value(json_array_get(fm_cats, c))));
        if (t)
            json_array_append(cats, v->category_json[t - cfg->categories]);
    }
    json_object_set_new(o, "categories", cats);
    if (b->has_image) {
        const char *alt = json_string_value(
            json_object_get(e->fm, e->kind == KIND_ISSUE ? "cover_alt" : "image_alt"));
        json_object_set_new(o, "image", image_json(root->root, &b->image, alt ? alt : e->title));
    }
    static const char *const copied[] = {"schedule", "place",  "organizer", "fee",
                                         "audience", "copies", "editor",    NULL};
    for (const char *const *k = copied; *k; k++)
        if (json_object_get(e->fm, *k))
            json_object_set(o, *k, json_object_get(e->fm, *k));
    json_t *contact = json_object_get(e->fm, "contact");
    if (contact)
        json_object_set_new(o, "contact", contact_json(v, contact));
    if (e->kind == KIND_EVENT)
        event_fields(v, e, o);
    if (e->kind == KIND_ISSUE) {
        json_object_set_new(o, "number", json_integer(e->number));
        /* The site's own edition has every issue; another language's, those with entries in it
         * (the print edition says which). */
        for (size_t k = 0; v->issue_print && k < v->opt.site->n_kind[KIND_ISSUE]; k++)
            if (v->opt.site->kind[KIND_ISSUE][k] == e)
                data_set_str(o, "print_url", v->issue_print[k]);
        if (!v->issue_print && !view_language(v)->index) {
            char *print_url = site_print_path(e);
            data_set_str(o, "print_url", print_url);
            free(print_url);
        }
        for (size_t k = 0; v->issue_pdf && k < v->opt.site->n_kind[KIND_ISSUE]; k++)
            if (v->opt.site->kind[KIND_ISSUE][k] == e && v->issue_pdf[k])
                json_object_set(o, "print_pdf", v->issue_pdf[k]);
        if (b->has_image)
            json_object_set(o, "cover", json_object_get(o, "image"));
    } else if (e->number) {
        for (size_t k = 0; k < v->opt.site->n_kind[KIND_ISSUE]; k++) {
            const struct entry *is = v->opt.site->kind[KIND_ISSUE][k];
            if (is->number == e->number)
                json_object_set(o, "issue", v->issue_json[k]);
        }
    }
    return o;
}

/* How many activities and events each district and each category has: counts[t] for the
 * taxa of site.yaml's list (districts, or with categories set the categories), one pass over
 * the entries. */
static void count_taxa(const struct view *v, int categories, size_t *counts)
{
    const struct site *s = v->opt.site;
    const struct site_config *cfg = s->cfg;
    size_t n_taxa = categories ? cfg->n_categories : cfg->n_districts;
    unsigned char *seen = xcalloc(n_taxa ? n_taxa : 1, 1);
    for (int k = 0; k < 2; k++) {
        struct entry **list = s->kind[k ? KIND_EVENT : KIND_ACTIVITY];
        for (size_t j = 0; j < s->n_kind[k ? KIND_EVENT : KIND_ACTIVITY]; j++) {
            const struct entry *e = list[j];
            if (!categories) {
                const struct taxon *t = e->district ? config_district(cfg, e->district) : NULL;
                if (t)
                    counts[t - cfg->districts]++;
                continue;
            }
            /* A category given twice counts the entry once. */
            memset(seen, 0, n_taxa);
            json_t *cats = json_object_get(e->fm, "categories");
            for (size_t c = 0; c < json_array_size(cats); c++) {
                const char *slug = json_string_value(json_array_get(cats, c));
                const struct taxon *t = slug ? config_category(cfg, slug) : NULL;
                if (t && !seen[t - cfg->categories]) {
                    seen[t - cfg->categories] = 1;
                    counts[t - cfg->categories]++;
                }
            }
        }
    }
    free(seen);
}

/* The taxa (districts or categories) for the site object, each with its count of the
 * activities and events in it. */
static json_t *taxa_json(const struct view *v, const struct taxon *taxa, size_t n,
                         const char *folder, int categories)
{
    const size_t *counts = v->taxa_counts[categories];
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *t = taxon_json(v, &taxa[i], folder);
        json_object_set_new(t, "count", json_integer((json_int_t)counts[i]));
        json_array_append_new(list, t);
    }
    return list;
}

static json_t *site_json(struct view *v, struct view_root *root)
{
    const struct site *s = v->opt.site;
    const struct site_config *cfg = s->cfg;
    const struct language *lang = view_language(v);
    json_t *o = json_object();
    data_set_str(o, "title", lang->title);
    data_set_str(o, "subtitle", lang->subtitle);
    data_set_str(o, "description", lang->description);
    data_set_str(o, "base_url", cfg->base_url);
    char *home_url = view_permalink(v, lang->prefix);
    data_set_str(o, "home_url", home_url);
    free(home_url);
    data_set_str(o, "language", lang->code);
    data_set_str(o, "publisher", lang->publisher);
    /* The site's texts a language has not given of its own are in the site's language. */
    const struct language *def = cfg->languages;
    if (lang->index) {
        const char *keys[] = {"title_lang", "subtitle_lang", "description_lang", "publisher_lang"};
        const char *mine[] = {lang->title, lang->subtitle, lang->description, lang->publisher};
        const char *theirs[] = {cfg->title, cfg->subtitle, cfg->description, cfg->publisher};
        for (int k = 0; k < 4; k++)
            if (mine[k] && mine[k] == theirs[k])
                data_set_str(o, keys[k], def->code);
    }
    if (lang->publisher)
        set_marked_html(o, "publisher_html", lang->publisher,
                        json_string_value(json_object_get(o, "publisher_lang")));
    json_object_set(o, "params", cfg->raw);
    json_object_set_new(o, "search", json_boolean(cfg->search != CONFIG_SEARCH_NONE));
    if (v->opt.app)
        json_object_set_new(o, "app", json_deep_copy(v->opt.app));

    json_object_set_new(
        o, "districts",
        taxa_json(v, cfg->districts, cfg->n_districts, "districts", 0));
    json_object_set_new(
        o, "categories",
        taxa_json(v, cfg->categories, cfg->n_categories, "categories", 1));

    json_t *menu = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_PAGE]; i++) {
        const struct entry *e = s->kind[KIND_PAGE][i];
        if (!e->menu)
            continue;
        json_t *m = json_object();
        data_set_str(m, "title", e->title);
        data_set_str(m, "url", e->url);
        if (e->lang && e->lang != lang)
            data_set_str(m, "title_lang", e->lang->code);
        json_array_append_new(menu, m);
    }
    json_object_set_new(o, "menu", menu);

    json_t *issues = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_ISSUE]; i++)
        json_array_append_new(issues,
                              view_entry(v, root, site_index_of(s, s->kind[KIND_ISSUE][i]), NULL));
    if (s->n_kind[KIND_ISSUE])
        json_object_set(o, "current_issue", json_array_get(issues, 0));
    json_object_set_new(o, "issues", issues);
    json_object_set_new(o, "now", view_date(v, s->now, 1));
    json_object_set_new(o, "year", json_integer(s->now.date.year));
    return o;
}

static struct view_root *root_new(const char *root, size_t n, size_t hold)
{
    struct view_root *rr = xcalloc(1, sizeof *rr);
    rr->root = xstrdup(root);
    rr->memo = fingerprint_memo_new();
    pthread_mutex_init(&rr->lock, NULL);
    rr->entries = xcalloc(n ? n : 1, sizeof *rr->entries);
    rr->fps = xcalloc(n ? n : 1, sizeof *rr->fps);
    rr->asked = xcalloc(n ? n : 1, 1);
    rr->n = n;
    rr->hold = hold < n ? hold : n ? n : 1;
    rr->ring = xcalloc(rr->hold, sizeof *rr->ring);
    return rr;
}

static void root_free(struct view_root *rr)
{
    for (size_t i = 0; i < rr->n; i++)
        json_decref(rr->entries[i]);
    json_decref(rr->site_json);
    fingerprint_memo_free(rr->memo);
    pthread_mutex_destroy(&rr->lock);
    free(rr->entries);
    free(rr->fps);
    free(rr->asked);
    free(rr->ring);
    free(rr->root);
    free(rr);
}

/* Holds v as entry i's data, letting another go when there is no room: the clock algorithm
 * over the ring of held entries, whose hand passes over (and clears) the ones asked for since
 * its last round. Lock held. */
static void root_hold(struct view_root *rr, size_t i, json_t *v, struct hash fp)
{
    size_t at = rr->held;
    if (rr->held == rr->hold) {
        for (;;) {
            size_t k = rr->ring[rr->hand];
            if (!rr->asked[k])
                break;
            rr->asked[k] = 0;
            rr->hand = (rr->hand + 1) % rr->hold;
        }
        size_t k = rr->ring[rr->hand];
        json_decref(rr->entries[k]);
        rr->entries[k] = NULL;
        at = rr->hand;
        rr->hand = (rr->hand + 1) % rr->hold;
    } else {
        rr->held++;
    }
    rr->ring[at] = i;
    rr->entries[i] = json_incref(v);
    rr->fps[i] = fp;
    rr->asked[i] = 1;
}

json_t *view_entry(const struct view *v, struct view_root *rr, size_t i,
                   struct fingerprint_memo *memo)
{
    pthread_mutex_lock(&rr->lock);
    json_t *data = rr->entries[i] ? json_incref(rr->entries[i]) : NULL;
    struct hash fp = rr->fps[i];
    if (data)
        rr->asked[i] = 1;
    pthread_mutex_unlock(&rr->lock);
    if (!data) {
        /* Made outside the lock; if another worker made it meanwhile, theirs is kept. */
        json_t *made = entry_json(v, rr, i);
        struct hash made_fp = fingerprint_json(made, NULL);
        pthread_mutex_lock(&rr->lock);
        if (!rr->entries[i])
            root_hold(rr, i, made, made_fp);
        data = json_incref(rr->entries[i]);
        fp = rr->fps[i];
        pthread_mutex_unlock(&rr->lock);
        json_decref(made);
    }
    if (memo)
        fingerprint_memo_put(memo, data, fp);
    return data;
}

/* The site object's fingerprint as the templates can see it: the build clock (now, year)
 * counts only when some template names it, so that a rebuild a minute later keeps pages. */
static struct hash site_fingerprint(const struct view *v, const json_t *site)
{
    const struct template_set *set = view_templates(v);
    json_t *seen = json_copy((json_t *)site);
    if (!template_set_mentions(set, "now"))
        json_object_del(seen, "now");
    if (!template_set_mentions(set, "year"))
        json_object_del(seen, "year");
    struct hash h = fingerprint_json(seen, NULL);
    json_decref(seen);
    return h;
}

/* The values every root shares; made with the first. */
static void make_shared(struct view *v)
{
    const struct site *s = v->opt.site;
    const struct site_config *cfg = s->cfg;
    if (!v->dates)
        v->dates = dates_new();
    if (v->district_json)
        return;
    for (int k = 0; k < KIND_COUNT; k++)
        v->kind_json[k] = json_string(entry_kind_name((enum entry_kind)k));
    /* What an article says of the issue it appeared in. */
    v->issue_json = xcalloc(s->n_kind[KIND_ISSUE] + 1, sizeof *v->issue_json);
    for (size_t k = 0; k < s->n_kind[KIND_ISSUE]; k++) {
        const struct entry *is = s->kind[KIND_ISSUE][k];
        json_t *io = json_object();
        json_object_set_new(io, "number", json_integer(is->number));
        data_set_str(io, "title", is->title);
        data_set_str(io, "url", is->url);
        v->issue_json[k] = io;
    }
    v->district_json = xcalloc(cfg->n_districts + 1, sizeof *v->district_json);
    for (size_t i = 0; i < cfg->n_districts; i++)
        v->district_json[i] = taxon_json(v, &cfg->districts[i], "districts");
    v->category_json = xcalloc(cfg->n_categories + 1, sizeof *v->category_json);
    for (size_t i = 0; i < cfg->n_categories; i++)
        v->category_json[i] = taxon_json(v, &cfg->categories[i], "categories");
}

struct view_root *view_root(struct view *v, const char *prefix)
{
    for (size_t i = 0; i < v->n_roots; i++)
        if (strcmp(v->roots[i]->root, prefix) == 0)
            return v->roots[i];
    make_shared(v);
    size_t hold = v->opt.hold_entries ? v->opt.hold_entries : VIEW_HOLD_ENTRIES;
    struct view_root *rr = root_new(prefix, v->opt.site->n_all, hold);
    XALLOC_GROW(v->roots, v->n_roots + 1, v->roots_cap);
    v->roots[v->n_roots++] = rr;
    rr->site_json = site_json(v, rr);
    fingerprint_memo_put(rr->memo, rr->site_json, site_fingerprint(v, rr->site_json));
    fingerprint_memo_add(rr->memo, v->opt.theme->static_map);
    return rr;
}

struct view_root *view_root_of(struct view *v, const char *url)
{
    char *prefix = site_root_for(v->opt.site, url, v->opt.portable);
    struct view_root *rr = view_root(v, prefix);
    free(prefix);
    return rr;
}

const char *view_root_prefix(const struct view_root *root)
{
    return root->root;
}

json_t *view_root_site(const struct view_root *root)
{
    return root->site_json;
}

struct fingerprint_memo *view_root_memo(const struct view_root *root)
{
    return root->memo;
}

/* "2.3 MB", "850 KB": a file's size as a reader is told it (1 MB = 1,000,000 bytes). */
static char *size_text(long long bytes)
{
    if (bytes >= 1000000)
        return xasprintf("%.1f MB", (double)bytes / 1e6);
    return xasprintf("%lld KB", (bytes + 999) / 1000);
}

void view_set_print_pdf(struct view *v, const struct entry *issue, const char *url,
                        long long bytes)
{
    const struct site *s = v->opt.site;
    if (!v->issue_pdf)
        v->issue_pdf = xcalloc(s->n_kind[KIND_ISSUE] + 1, sizeof *v->issue_pdf);
    for (size_t k = 0; k < s->n_kind[KIND_ISSUE]; k++) {
        if (s->kind[KIND_ISSUE][k] != issue)
            continue;
        json_t *o = json_object();
        data_set_str(o, "url", url);
        char *size = size_text(bytes);
        data_set_str(o, "size", size);
        free(size);
        json_object_set_new(o, "bytes", json_integer(bytes));
        json_decref(v->issue_pdf[k]);
        v->issue_pdf[k] = o;
    }
}

void view_set_print_url(struct view *v, const struct entry *issue, const char *url)
{
    const struct site *s = v->opt.site;
    if (!v->issue_print)
        v->issue_print = xcalloc(s->n_kind[KIND_ISSUE] + 1, sizeof *v->issue_print);
    for (size_t k = 0; k < s->n_kind[KIND_ISSUE]; k++) {
        if (s->kind[KIND_ISSUE][k] == issue) {
            free(v->issue_print[k]);
            v->issue_print[k] = xstrdup(url);
        }
    }
}

void view_drop_roots(struct view *v)
{
    for (size_t k = 0; k < v->n_roots; k++)
        root_free(v->roots[k]);
    free(v->roots);
    v->roots = NULL;
    v->n_roots = v->roots_cap = 0;
}

struct view *view_new(const struct view_options *opt)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->opt = *opt;
    static const char *const keys[EVENT_STATUS_COUNT] = {
        [EVENT_CANCELLED] = "status.cancelled", [EVENT_POSTPONED] = "status.postponed",
        [EVENT_WRITTEN] = "status.written", [EVENT_ONLINE] = "status.online"};
    for (int k = 0; k < EVENT_STATUS_COUNT; k++)
        v->status_words[k] = keys[k] ? i18n_text(view_words(v), keys[k], NULL, 0) : xstrdup("");
    v->section_events = i18n_text(view_words(v), "issue.section.events", NULL, 0);
    v->section_other = i18n_text(view_words(v), "issue.section.other", NULL, 0);
    v->moved = i18n_text(view_words(v), "calendar.moved", NULL, 0);
    const struct site_config *cfg = opt->site->cfg;
    for (int c = 0; c < 2; c++) {
        size_t n = c ? cfg->n_categories : cfg->n_districts;
        v->taxa_counts[c] = xcalloc(n ? n : 1, sizeof *v->taxa_counts[c]);
        count_taxa(v, c, v->taxa_counts[c]);
    }
    return v;
}

void view_free(struct view *v)
{
    if (!v)
        return;
    const struct site *s = v->opt.site;
    const struct site_config *cfg = s->cfg;
    view_drop_roots(v);
    for (size_t i = 0; v->district_json && i < cfg->n_districts; i++)
        json_decref(v->district_json[i]);
    for (size_t i = 0; v->category_json && i < cfg->n_categories; i++)
        json_decref(v->category_json[i]);
    free(v->district_json);
    free(v->category_json);
    free(v->taxa_counts[0]);
    free(v->taxa_counts[1]);
    for (int k = 0; k < KIND_COUNT; k++)
        json_decref(v->kind_json[k]);
    for (size_t k = 0; v->issue_json && k < s->n_kind[KIND_ISSUE]; k++)
        json_decref(v->issue_json[k]);
    free(v->issue_json);
    for (size_t k = 0; v->issue_pdf && k < s->n_kind[KIND_ISSUE]; k++)
        json_decref(v->issue_pdf[k]);
    free(v->issue_pdf);
    for (size_t k = 0; v->issue_print && k < s->n_kind[KIND_ISSUE]; k++)
        free(v->issue_print[k]);
    free(v->issue_print);
    dates_free(v->dates);
    for (int k = 0; k < EVENT_STATUS_COUNT; k++)
        free(v->status_words[k]);
    free(v->section_events);
    free(v->section_other);
    free(v->moved);
    free(v);
}

const struct site *view_site(const struct view *v)
{
    return v->opt.site;
}

const struct theme *view_theme(const struct view *v)
{
    return v->opt.theme;
}

const struct language *view_language(const struct view *v)
{
    const struct site *s = v->opt.site;
    return s->lang ? s->lang : s->cfg->languages;
}

const struct theme_language *view_theme_language(const struct view *v)
{
    size_t k = view_language(v)->index;
    return &v->opt.theme->langs[k < v->opt.theme->n_langs ? k : 0];
}

const struct i18n *view_words(const struct view *v)
{
    return view_theme_language(v)->words;
}

struct template_set *view_templates(const struct view *v)
{
    return view_theme_language(v)->templates;
}

const struct tz *view_zone(const struct view *v)
{
    return v->opt.zone;
}

int view_portable(const struct view *v)
{
    return v->opt.portable;
}

const struct body *view_body(const struct view *v, const struct entry *e)
{
    return bodies_get(v->opt.bodies, bodies_index(v->opt.bodies, e));
}

char *view_body_html(const struct view *v, size_t i)
{
    return bodies_html(v->opt.bodies, bodies_index(v->opt.bodies, v->opt.site->all[i]));
}

char *view_permalink(const struct view *v, const char *url)
{
    return xasprintf("%s%s", v->opt.site->cfg->base_url, url);
}

char *view_rfc3339(const struct view *v, struct datetime dt)
{
    struct buf b;
    buf_init(&b);
    tz_format_rfc3339(&b, v->opt.zone, tz_to_utc(v->opt.zone, dt, NULL));
    return buf_detach(&b, NULL);
}
