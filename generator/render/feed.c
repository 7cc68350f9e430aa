#include "render/feed.h"

#include <stdlib.h>
#include <string.h>

#include "core/ical.h"
#include "core/strv.h"
#include "core/version.h"
#include "core/xalloc.h"

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

static void atom(const struct view *v, struct buf *out, int64_t now_utc)
{
    const struct site *s = view_site(v);
    const struct site_config *cfg = s->cfg;
    struct feed_item *list = xcalloc(s->n_all ? s->n_all : 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < s->n_all; i++)
        if (s->all[i]->kind != KIND_PAGE)
            list[n++] = feed_item(v, s->all[i], now_utc);
    qsort(list, n, sizeof *list, newest_first);
    if (n > 30)
        n = 30;

    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    buf_xml_escape(out, cfg->language);
    buf_puts(out, "\">\n  <title>");
    buf_xml_escape(out, cfg->title);
    buf_puts(out, "</title>\n");
    if (cfg->subtitle) {
        buf_puts(out, "  <subtitle>");
        buf_xml_escape(out, cfg->subtitle);
        buf_puts(out, "</subtitle>\n");
    }
    buf_puts(out, "  <id>");
    buf_xml_escape(out, cfg->base_url);
    buf_puts(out, "</id>\n  <link rel=\"alternate\" type=\"text/html\" href=\"");
    buf_xml_escape(out, cfg->base_url);
    buf_puts(out, "\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"");
    buf_xml_escape(out, cfg->base_url);
    buf_puts(out, "feed.xml\"/>\n  ");
    /* The feed changes when one of its entries does, not with every build. */
    struct datetime empty = {{2000, 1, 1}, 0, 0, 0};
    int64_t newest = n ? list[0].updated : tz_to_utc(view_zone(v), empty, NULL);
    for (size_t i = 1; i < n; i++)
        if (list[i].updated > newest)
            newest = list[i].updated;
    put_time(v, out, "updated", newest);
    buf_puts(out, "\n  <author><name>");
    buf_xml_escape(out, cfg->publisher ? cfg->publisher : cfg->title);
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

static void sitemap(const struct view *v, struct buf *out)
{
    const struct site *s = view_site(v);
    const struct site_config *cfg = s->cfg;
    struct strv urls = STRV_INIT;
    strv_push(&urls, "");
    static const char *const lists[] = {"activities/", "events/", "issues/", "districts/",
                                        "categories/"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        strv_push(&urls, lists[i]);
    for (size_t i = 0; i < cfg->n_districts; i++)
        strv_push_owned(&urls, xasprintf("districts/%s/", cfg->districts[i].slug));
    for (size_t i = 0; i < cfg->n_categories; i++)
        strv_push_owned(&urls, xasprintf("categories/%s/", cfg->categories[i].slug));
    for (size_t i = 0; i < s->n_all; i++)
        strv_push(&urls, s->all[i]->url);
    strv_sort(&urls);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (size_t i = 0; i < urls.len; i++) {
        buf_puts(out, "  <url><loc>");
        buf_xml_escape(out, cfg->base_url);
        buf_xml_escape(out, urls.v[i]);
        buf_puts(out, "</loc></url>\n");
    }
    buf_puts(out, "</urlset>\n");
    strv_release(&urls);
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
    static const char *const marks[EVENT_STATUS_COUNT] = {
        [EVENT_CANCELLED] = "【中止】", [EVENT_POSTPONED] = "【延期】",
        [EVENT_WRITTEN] = "【書面開催】", [EVENT_ONLINE] = "【オンライン開催】"};
    const char *mark = marks[e->status] ? marks[e->status] : "";
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
        st->uid[at] = ical_uid(view_site(v)->cfg->base_url, e->slug, i + 1);
        const char *label = moved ? "延期後の日程" : s->label;
        st->summary[at] = label ? xasprintf("%s%s（%s）", moved ? "" : mark, title_of(v, e), label)
                                : xasprintf("%s%s", mark, title_of(v, e));
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
    char *prodid = xasprintf("-//kairan %s//%s//JA", KAIRAN_VERSION, view_site(v)->cfg->title);
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
    struct buf out;
    buf_init(&out);
    int rc = 0;
    atom(v, &out, now_utc);
    rc |= publish_write(pub, "feed.xml", out.data, out.len);
    buf_reset(&out);
    sitemap(v, &out);
    rc |= publish_write(pub, "sitemap.xml", out.data, out.len);
    buf_reset(&out);
    buf_printf(&out, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", s->cfg->base_url);
    rc |= publish_write(pub, "robots.txt", out.data, out.len);
    buf_release(&out);

    struct entry **listed = xcalloc(s->n_kind[KIND_EVENT] + 1, sizeof *listed);
    size_t n_listed = 0;
    struct datetime year_ago = year_before(s->now);
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        struct entry *e = s->kind[KIND_EVENT][i];
        char *path = xasprintf("%sevent.ics", e->url);
        rc |= write_ics(v, pub, now_utc, path, title_of(v, e), &e, 1);
        free(path);
        if (e->n_sessions &&
            date_compare_datetime(e->sessions[e->n_sessions - 1].end, year_ago) >= 0)
            listed[n_listed++] = e;
    }
    rc |= write_ics(v, pub, now_utc, "events.ics", s->cfg->title, listed, n_listed);
    free(listed);
    return rc ? -1 : 0;
}
