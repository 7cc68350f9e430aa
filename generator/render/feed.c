#include "render/feed.h"

#include <stdlib.h>
#include <string.h>

#include "core/ical.h"
#include "core/strv.h"
#include "core/version.h"
#include "core/xalloc.h"
#include "render/i18n.h"

/* An entry as the feed dates it: when it was published and when it last changed, in seconds
 * since 1970 UTC. */
struct feed_item {
    const struct entry *e;
    int64_t published, updated;
};

/* An entry is published on its date: (00:00 that day in the site's zone). One without a date
 * is dated by its file's last change, but never later than the build's now: a fresh copy of
 * the sources has every file newer than the time a reproducible build is fixed to, so such a
 * build still gives the same feed. updated: is the last change when it is not earlier. */
static struct feed_item feed_item(const struct view *v, const struct entry *e, int64_t now_utc)
{
    struct feed_item it = {e, 0, 0};
    if (e->has_date)
        it.published = tz_to_utc(view_zone(v), e->date, NULL);
    else
        it.published = e->mtime < now_utc ? e->mtime : now_utc;
    it.updated = it.published;
    const char *updated = json_string_value(json_object_get(e->fm, "updated"));
    struct datetime dt;
    struct date_why why;
    int has_time;
    if (updated && date_parse_either(&dt, &has_time, updated, strlen(updated), &why) == 0) {
        int64_t t = tz_to_utc(view_zone(v), dt, NULL);
        if (t > it.updated)
            it.updated = t;
    }
    return it;
}

/* Newest publication first (then by path). */
static int newest_first(const void *pa, const void *pb)
{
    const struct feed_item *a = pa, *b = pb;
    if (a->published != b->published)
        return a->published > b->published ? -1 : 1;
    return strcmp(a->e->rel, b->e->rel);
}

static void put_time(const struct view *v, struct buf *out, const char *element, int64_t t)
{
    buf_printf(out, "<%s>", element);
    tz_format_rfc3339(out, view_zone(v), t);
    buf_printf(out, "</%s>", element);
}

/* Whether e is written in the view's language (not one listed in the site's own language on
 * another language's pages). */
static int own(const struct view *v, const struct entry *e)
{
    return !e->lang || e->lang == view_language(v);
}

static void atom(const struct view *v, struct buf *out, int64_t now_utc)
{
    const struct site *s = view_site(v);
    const struct language *lang = view_language(v);
    struct feed_item *list = xcalloc(s->n_all ? s->n_all : 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < s->n_all; i++)
        if (s->all[i]->kind != KIND_PAGE && own(v, s->all[i]))
            list[n++] = feed_item(v, s->all[i], now_utc);
    qsort(list, n, sizeof *list, newest_first);
    if (n > 30)
        n = 30;

    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    char *home = view_permalink(v, lang->prefix);
    buf_xml_escape(out, lang->code);
    buf_puts(out, "\">\n  <title>");
    buf_xml_escape(out, lang->title);
    buf_puts(out, "</title>\n");
    if (lang->subtitle) {
        buf_puts(out, "  <subtitle>");
        buf_xml_escape(out, lang->subtitle);
        buf_puts(out, "</subtitle>\n");
    }
    buf_puts(out, "  <id>");
    buf_xml_escape(out, home);
    buf_puts(out, "</id>\n  <link rel=\"alternate\" type=\"text/html\" href=\"");
    buf_xml_escape(out, home);
    buf_puts(out, "\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"");
    buf_xml_escape(out, home);
    buf_puts(out, "feed.xml\"/>\n  ");
    free(home);
    /* The feed changes when one of its entries does, not with every build. */
    struct datetime empty = {{2000, 1, 1}, 0, 0, 0};
    int64_t newest = n ? list[0].updated : tz_to_utc(view_zone(v), empty, NULL);
    for (size_t i = 1; i < n; i++)
        if (list[i].updated > newest)
            newest = list[i].updated;
    put_time(v, out, "updated", newest);
    buf_puts(out, "\n  <author><name>");
    buf_xml_escape(out, lang->publisher ? lang->publisher : lang->title);
    buf_puts(out, "</name></author>\n  <generator version=\"" KAIRAN_VERSION "\">kairan"
                  "</generator>\n");
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = list[i].e;
        const struct body *b = view_body(v, e);
        char *url = view_permalink(v, e->url);
        buf_puts(out, "  <entry>\n    <title>");
        buf_xml_escape(out, body_title(b, e));
        buf_puts(out, "</title>\n    <id>");
        buf_xml_escape(out, url);
        buf_puts(out, "</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml_escape(out, url);
        buf_puts(out, "\"/>\n    ");
        put_time(v, out, "published", list[i].published);
        buf_puts(out, "\n    ");
        put_time(v, out, "updated", list[i].updated);
        buf_puts(out, "\n");
        if (b->summary) {
            buf_puts(out, "    <summary>");
            buf_xml_escape(out, b->summary);
            buf_puts(out, "</summary>\n");
        }
        buf_puts(out, "  </entry>\n");
        free(url);
    }
    buf_puts(out, "</feed>\n");
    free(list);
}

/* A page of the sitemap: its address, and its addresses in every language (NULL where it has
 * none) when the site has several. */
struct sitemap_page {
    const char *url;
    char **versions;
};

static int by_url(const void *pa, const void *pb)
{
    return strcmp(((const struct sitemap_page *)pa)->url, ((const struct sitemap_page *)pb)->url);
}

/* The pages of every language (sites[k] is language k's site, sites[0] the default's), each
 * with its alternates in the others (xhtml:link, as search engines read them). */
static void sitemap(const struct site *const *sites, size_t n_sites, struct buf *out)
{
    const struct site_config *cfg = sites[0]->cfg;
    struct strv neutral = STRV_INIT;
    strv_push(&neutral, "");
    static const char *const lists[] = {"activities/", "events/", "issues/", "districts/",
                                        "categories/"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        strv_push(&neutral, lists[i]);
    for (size_t i = 0; i < cfg->n_districts; i++)
        strv_push_owned(&neutral, xasprintf("districts/%s/", cfg->districts[i].slug));
    for (size_t i = 0; i < cfg->n_categories; i++)
        strv_push_owned(&neutral, xasprintf("categories/%s/", cfg->categories[i].slug));
    size_t cap = n_sites * neutral.len + 1;
    for (size_t k = 0; k < n_sites; k++)
        cap += sites[k]->n_all;
    struct sitemap_page *pages = xcalloc(cap, sizeof *pages);
    struct strv owned = STRV_INIT;
    size_t n = 0;
    for (size_t k = 0; k < n_sites; k++) {
        /* The lists and the home page: in every language. */
        for (size_t i = 0; i < neutral.len; i++) {
            struct sitemap_page *p = &pages[n++];
            char *url = xasprintf("%s%s", sites[k]->lang->prefix, neutral.v[i]);
            strv_push_owned(&owned, url);
            p->url = url;
            if (n_sites > 1) {
                p->versions = xcalloc(n_sites, sizeof *p->versions);
                for (size_t j = 0; j < n_sites; j++)
                    p->versions[j] = xasprintf("%s%s", sites[j]->lang->prefix, neutral.v[i]);
            }
        }
        /* The entries written in the language (not the originals its pages list). */
        for (size_t i = 0; i < sites[k]->n_all; i++) {
            const struct entry *e = sites[k]->all[i];
            if (e->lang && e->lang != sites[k]->lang)
                continue;
            struct sitemap_page *p = &pages[n++];
            p->url = e->url;
            const struct entry *o = e->original ? e->original : e;
            if (n_sites > 1 && o->versions) {
                p->versions = xcalloc(n_sites, sizeof *p->versions);
                for (size_t j = 0; j < n_sites; j++)
                    p->versions[j] = o->versions[j] ? xstrdup(o->versions[j]->url) : NULL;
            }
        }
    }
    qsort(pages, n, sizeof *pages, by_url);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if (n_sites > 1)
        buf_puts(out, " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    buf_puts(out, ">\n");
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, "  <url><loc>");
        buf_xml_escape(out, cfg->base_url);
        buf_xml_escape(out, pages[i].url);
        buf_puts(out, "</loc>");
        for (size_t j = 0; pages[i].versions && j < n_sites; j++) {
            if (!pages[i].versions[j])
                continue;
            buf_puts(out, "\n    <xhtml:link rel=\"alternate\" hreflang=\"");
            buf_xml_escape(out, sites[j]->lang->code);
            buf_puts(out, "\" href=\"");
            buf_xml_escape(out, cfg->base_url);
            buf_xml_escape(out, pages[i].versions[j]);
            buf_puts(out, "\"/>");
        }
        buf_puts(out, pages[i].versions ? "\n  </url>\n" : "</url>\n");
        for (size_t j = 0; pages[i].versions && j < n_sites; j++)
            free(pages[i].versions[j]);
        free(pages[i].versions);
    }
    buf_puts(out, "</urlset>\n");
    free(pages);
    strv_release(&owned);
    strv_release(&neutral);
}

/* Strings an ical_event points to, owned here until the calendar is written. */
struct ical_strings {
    char **uid, **summary, **description, **url;
};

static const char *title_of(const struct view *v, const struct entry *e)
{
    const struct body *b = view_body(v, e);
    return body_title(b, e);
}

/* The calendar events of one entry, one per session: the main venue unless the session
 * names another, and the session's label after the title (研修会（補講）). */
static size_t ical_events(const struct view *v, const struct entry *e, struct ical_event *out,
                          struct ical_strings *st, size_t at)
{
    const struct body *b = view_body(v, e);
    json_t *venues = json_object_get(e->fm, "venues");
    const char *main_venue = json_string_value(json_object_get(e->fm, "place"));
    for (size_t k = 0; k < json_array_size(venues); k++) {
        json_t *venue = json_array_get(venues, k);
        const char *role = json_string_value(json_object_get(venue, "role"));
        if (!role || strcmp(role, "main") == 0) {
            main_venue = json_string_value(json_object_get(venue, "name"));
            break;
        }
    }
    /* Calendar apps that ignore STATUS still show the title: it says what became of the
     * event. A postponed event's new date is one more event after its sessions. */
    const struct i18n *words = view_words(v);
    const char *title = title_of(v, e);
    struct i18n_arg marked[] = {{"label", view_status_label(v, e->status), NULL},
                                {"title", title, NULL}};
    char *with_mark = e->status == EVENT_SCHEDULED ? xstrdup(title)
                                                   : i18n_text(words, "ics.status", marked, 2);
    const struct language *lang = view_language(v);
    char *base = view_permalink(v, lang->prefix);
    int called_off = e->status == EVENT_CANCELLED || e->status == EVENT_POSTPONED;
    for (size_t i = 0; i < e->n_sessions + (size_t)e->has_postponed; i++, at++) {
        int moved = i == e->n_sessions;
        const struct session *s = moved ? &e->postponed : &e->sessions[i];
        const char *location = main_venue;
        for (size_t k = 0; s->venue && k < json_array_size(venues); k++) {
            json_t *venue = json_array_get(venues, k);
            const char *id = json_string_value(json_object_get(venue, "id"));
            if (id && strcmp(id, s->venue) == 0)
                location = json_string_value(json_object_get(venue, "name"));
        }
        st->uid[at] = ical_uid(base, e->slug, i + 1);
        const char *label = moved ? view_moved_label(v) : s->label;
        struct i18n_arg args[] = {{"title", moved ? title : with_mark, NULL},
                                  {"label", label ? label : "", NULL}};
        st->summary[at] =
            label ? i18n_text(words, "ics.session", args, 2) : xstrdup(with_mark);
        st->description[at] = xstrdup(b->summary ? b->summary : "");
        st->url[at] = view_permalink(v, e->url);
        out[at] = (struct ical_event){
            .uid = st->uid[at],
            .summary = st->summary[at],
            .description = st->description[at],
            .location = location,
            .url = st->url[at],
            .start = s->start,
            .end = s->end,
            .all_day = s->all_day,
            .status = moved ? "CONFIRMED" : called_off ? "CANCELLED" : NULL,
        };
    }
    free(with_mark);
    free(base);
    return at;
}

static int write_ics(const struct view *v, struct publish *pub, int64_t now_utc,
                     const char *out_path, const char *calname, struct entry *const *events,
                     size_t n_events)
{
    size_t n = 0;
    for (size_t i = 0; i < n_events; i++)
        n += events[i]->n_sessions + (size_t)events[i]->has_postponed;
    size_t cap = n ? n : 1;
    struct ical_event *ev = xcalloc(cap, sizeof *ev);
    struct ical_strings st = {xcalloc(cap, sizeof(char *)), xcalloc(cap, sizeof(char *)),
                              xcalloc(cap, sizeof(char *)), xcalloc(cap, sizeof(char *))};
    size_t at = 0;
    for (size_t i = 0; i < n_events; i++)
        at = ical_events(v, events[i], ev, &st, at);
    struct buf out;
    buf_init(&out);
    /* The language of the text, as PRODID names it: its primary subtag in capitals. */
    const struct language *lang = view_language(v);
    char code[4] = {0};
    for (size_t k = 0; k < 3 && lang->code[k] && lang->code[k] != '-'; k++)
        code[k] = (char)(lang->code[k] >= 'a' && lang->code[k] <= 'z' ? lang->code[k] - 32
                                                                      : lang->code[k]);
    char *prodid = xasprintf("-//kairan %s//%s//%s", KAIRAN_VERSION, lang->title, code);
    ical_write(&out, prodid, calname, view_zone(v), ev, at, now_utc);
    free(prodid);
    int rc = publish_write(pub, out_path, out.data, out.len);
    buf_release(&out);
    for (size_t i = 0; i < at; i++) {
        free(st.uid[i]);
        free(st.summary[i]);
        free(st.description[i]);
        free(st.url[i]);
    }
    free(st.uid);
    free(st.summary);
    free(st.description);
    free(st.url);
    free(ev);
    return rc;
}

/* The same wall time twelve months before t (29 February becomes the 28th). */
static struct datetime year_before(struct datetime t)
{
    t.date.year--;
    int days = date_days_in_month(t.date.year, t.date.month);
    if (t.date.day > days)
        t.date.day = days;
    return t;
}

int feed_write_all(const struct view *v, struct publish *pub, int64_t now_utc)
{
    const struct site *s = view_site(v);
    const struct language *lang = view_language(v);
    struct buf out;
    buf_init(&out);
    int rc = 0;
    atom(v, &out, now_utc);
    char *path = xasprintf("%sfeed.xml", lang->prefix);
    rc |= publish_write(pub, path, out.data, out.len);
    free(path);
    buf_release(&out);

    struct entry **listed = xcalloc(s->n_kind[KIND_EVENT] + 1, sizeof *listed);
    size_t n_listed = 0;
    struct datetime year_ago = year_before(s->now);
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        struct entry *e = s->kind[KIND_EVENT][i];
        if (!own(v, e))
            continue; /* its calendar is in its own language */
        path = xasprintf("%sevent.ics", e->url);
        rc |= write_ics(v, pub, now_utc, path, title_of(v, e), &e, 1);
        free(path);
        if (e->n_sessions &&
            date_compare_datetime(e->sessions[e->n_sessions - 1].end, year_ago) >= 0)
            listed[n_listed++] = e;
    }
    path = xasprintf("%sevents.ics", lang->prefix);
    rc |= write_ics(v, pub, now_utc, path, lang->title, listed, n_listed);
    free(path);
    free(listed);
    return rc ? -1 : 0;
}

int feed_write_sitemap(const struct site *const *sites, size_t n, struct publish *pub)
{
    struct buf out;
    buf_init(&out);
    sitemap(sites, n, &out);
    int rc = publish_write(pub, "sitemap.xml", out.data, out.len);
    buf_reset(&out);
    buf_printf(&out, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n",
               sites[0]->cfg->base_url);
    rc |= publish_write(pub, "robots.txt", out.data, out.len);
    buf_release(&out);
    return rc ? -1 : 0;
}
