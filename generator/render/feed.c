#include "render/feed.h"

#include <stdlib.h>
#include <string.h>

#include "core/ical.h"
#include "render/render.h"
#include "core/version.h"
#include "core/xalloc.h"

/* JSON text that cannot end a <script> element or start markup inside it. */
static char *script_safe(json_t *v)
{
    char *raw = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(v);
    struct buf b;
    buf_init(&b);
    for (const char *p = raw; *p; p++) {
        if (*p == '<')
            buf_puts(&b, "\\u003c");
        else if (*p == '>')
            buf_puts(&b, "\\u003e");
        else if (*p == '&')
            buf_puts(&b, "\\u0026");
        else
            buf_putc(&b, *p);
    }
    free(raw);
    return buf_detach(&b, NULL);
}

static json_t *organization(const struct render *r, const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("Organization"));
    json_object_set_new(o, "name", json_string(name ? name : r->site->cfg->title));
    return o;
}

static char *absolute(const struct render *r, const char *url)
{
    return xasprintf("%s%s", r->site->cfg->base_url, url);
}

static char *rfc3339(const struct render *r, struct datetime dt)
{
    struct buf b;
    buf_init(&b);
    tz_format_rfc3339(&b, r->zone, tz_to_utc(r->zone, dt, NULL));
    return buf_detach(&b, NULL);
}

static void set_new_str(json_t *o, const char *key, char *s)
{
    json_object_set_new(o, key, json_string(s));
    free(s);
}

static json_t *place(const json_t *venue)
{
    const char *role = json_string_value(json_object_get(venue, "role"));
    json_t *p = json_object();
    const char *name = json_string_value(json_object_get(venue, "name"));
    if (role && strcmp(role, "remote") == 0) {
        json_object_set_new(p, "@type", json_string("VirtualLocation"));
        json_object_set_new(p, "name", json_string(name ? name : ""));
        const char *url = json_string_value(json_object_get(venue, "url"));
        if (url)
            json_object_set_new(p, "url", json_string(url));
    } else {
        json_object_set_new(p, "@type", json_string("Place"));
        json_object_set_new(p, "name", json_string(name ? name : ""));
        const char *address = json_string_value(json_object_get(venue, "address"));
        if (address)
            json_object_set_new(p, "address", json_string(address));
    }
    return p;
}

char *feed_jsonld(const struct render *r, const struct entry *e, size_t index)
{
    const struct body *b = &r->bodies[index];
    json_t *o = json_object();
    json_object_set_new(o, "@context", json_string("https://schema.org"));
    const char *title = b->title_text ? b->title_text : e->title;
    if (e->kind == KIND_EVENT && e->n_sessions) {
        json_object_set_new(o, "@type", json_string("Event"));
        json_object_set_new(o, "name", json_string(title));
        set_new_str(o, "startDate", rfc3339(r, e->sessions[0].start));
        set_new_str(o, "endDate", rfc3339(r, e->sessions[e->n_sessions - 1].end));
        json_object_set_new(o, "eventStatus",
                            json_string("https://schema.org/EventScheduled"));
        json_t *venues = json_object_get(e->fm, "venues");
        json_t *locations = json_array();
        int physical = 0, remote = 0;
        for (size_t i = 0; i < json_array_size(venues); i++) {
            json_t *v = json_array_get(venues, i);
            const char *role = json_string_value(json_object_get(v, "role"));
            if (role && strcmp(role, "remote") == 0)
                remote = 1;
            else
                physical = 1;
            json_array_append_new(locations, place(v));
        }
        const char *place_text = json_string_value(json_object_get(e->fm, "place"));
        if (!json_array_size(venues) && place_text) {
            json_t *p = json_object();
            json_object_set_new(p, "@type", json_string("Place"));
            json_object_set_new(p, "name", json_string(place_text));
            json_array_append_new(locations, p);
            physical = 1;
        }
        const char *mode = physical && remote ? "Mixed" : remote ? "Online" : "Offline";
        char *mode_url = xasprintf("https://schema.org/%sEventAttendanceMode", mode);
        set_new_str(o, "eventAttendanceMode", mode_url);
        if (json_array_size(locations) == 1)
            json_object_set(o, "location", json_array_get(locations, 0));
        else if (json_array_size(locations) > 1)
            json_object_set(o, "location", locations);
        json_decref(locations);
        const char *organizer = json_string_value(json_object_get(e->fm, "organizer"));
        json_object_set_new(o, "organizer",
                            organization(r, organizer ? organizer : r->site->cfg->publisher));
    } else {
        json_object_set_new(o, "@type", json_string("Article"));
        json_object_set_new(o, "headline", json_string(title));
        if (e->has_date) {
            struct buf d;
            buf_init(&d);
            date_format_iso(&d, e->date.date);
            json_object_set_new(o, "datePublished", json_string(d.data));
            buf_release(&d);
        }
        json_object_set_new(o, "publisher", organization(r, r->site->cfg->publisher));
    }
    if (b->summary)
        json_object_set_new(o, "description", json_string(b->summary));
    set_new_str(o, "url", absolute(r, e->url));
    if (b->has_image)
        set_new_str(o, "image", absolute(r, b->image.full ? b->image.full : b->image.src));
    return script_safe(o);
}

char *feed_site_jsonld(const struct render *r)
{
    const struct site_config *cfg = r->site->cfg;
    json_t *o = json_object();
    json_object_set_new(o, "@context", json_string("https://schema.org"));
    json_object_set_new(o, "@type", json_string("WebSite"));
    json_object_set_new(o, "name", json_string(cfg->title));
    json_object_set_new(o, "url", json_string(cfg->base_url));
    if (cfg->description)
        json_object_set_new(o, "description", json_string(cfg->description));
    json_object_set_new(o, "inLanguage", json_string(cfg->language));
    json_object_set_new(o, "publisher", organization(r, cfg->publisher));
    return script_safe(o);
}

/* Entries newest first by date (then by path), for the feed. */
static int by_date_desc(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    if (a->has_date != b->has_date)
        return a->has_date ? -1 : 1;
    int c = a->has_date ? date_compare(b->date.date, a->date.date) : 0;
    return c ? c : strcmp(a->rel, b->rel);
}

static void atom(const struct render *r, struct buf *out)
{
    const struct site *s = r->site;
    const struct site_config *cfg = s->cfg;
    struct entry **v = xcalloc(s->n_all ? s->n_all : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->n_all; i++)
        if (s->all[i]->kind != KIND_PAGE)
            v[n++] = s->all[i];
    qsort(v, n, sizeof *v, by_date_desc);
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
    buf_puts(out, "feed.xml\"/>\n  <updated>");
    /* The feed changes when its newest entry does, not with every build. */
    struct datetime newest = {{2000, 1, 1}, 0, 0, 0};
    if (n && v[0]->has_date)
        newest = v[0]->date;
    char *ts = rfc3339(r, newest);
    buf_puts(out, ts);
    free(ts);
    buf_puts(out, "</updated>\n  <author><name>");
    buf_xml_escape(out, cfg->publisher ? cfg->publisher : cfg->title);
    buf_puts(out, "</name></author>\n  <generator version=\"" KAIRAN_VERSION "\">kairan"
                  "</generator>\n");
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = v[i];
        const struct body *b = &r->bodies[render_index(r, e)];
        char *url = absolute(r, e->url);
        buf_puts(out, "  <entry>\n    <title>");
        buf_xml_escape(out, b->title_text ? b->title_text : e->title);
        buf_puts(out, "</title>\n    <id>");
        buf_xml_escape(out, url);
        buf_puts(out, "</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml_escape(out, url);
        buf_puts(out, "\"/>\n    <updated>");
        char *when = rfc3339(r, e->has_date ? e->date : newest);
        buf_puts(out, when);
        free(when);
        buf_puts(out, "</updated>\n");
        if (b->summary) {
            buf_puts(out, "    <summary>");
            buf_xml_escape(out, b->summary);
            buf_puts(out, "</summary>\n");
        }
        buf_puts(out, "  </entry>\n");
        free(url);
    }
    buf_puts(out, "</feed>\n");
    free(v);
}

static void sitemap(const struct render *r, struct buf *out)
{
    const struct site *s = r->site;
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

static const char *title_of(const struct render *r, const struct entry *e)
{
    const struct body *b = &r->bodies[render_index(r, e)];
    return b->title_text ? b->title_text : e->title;
}

/* The calendar events of one entry, one per session: the main venue unless the session
 * names another, and the session's label after the title (研修会（補講）). */
static size_t ical_events(const struct render *r, const struct entry *e, struct ical_event *out,
                          struct ical_strings *st, size_t at)
{
    const struct body *b = &r->bodies[render_index(r, e)];
    json_t *venues = json_object_get(e->fm, "venues");
    const char *main_venue = json_string_value(json_object_get(e->fm, "place"));
    for (size_t v = 0; v < json_array_size(venues); v++) {
        json_t *venue = json_array_get(venues, v);
        const char *role = json_string_value(json_object_get(venue, "role"));
        if (!role || strcmp(role, "main") == 0) {
            main_venue = json_string_value(json_object_get(venue, "name"));
            break;
        }
    }
    for (size_t i = 0; i < e->n_sessions; i++, at++) {
        const struct session *s = &e->sessions[i];
        const char *location = main_venue;
        for (size_t v = 0; s->venue && v < json_array_size(venues); v++) {
            json_t *venue = json_array_get(venues, v);
            const char *id = json_string_value(json_object_get(venue, "id"));
            if (id && strcmp(id, s->venue) == 0)
                location = json_string_value(json_object_get(venue, "name"));
        }
        st->uid[at] = ical_uid(r->site->cfg->base_url, e->slug, i + 1);
        st->summary[at] = s->label ? xasprintf("%s（%s）", title_of(r, e), s->label)
                                   : xstrdup(title_of(r, e));
        st->description[at] = xstrdup(b->summary ? b->summary : "");
        st->url[at] = absolute(r, e->url);
        out[at] = (struct ical_event){
            .uid = st->uid[at],
            .summary = st->summary[at],
            .description = st->description[at],
            .location = location,
            .url = st->url[at],
            .start = s->start,
            .end = s->end,
        };
    }
    return at;
}

static int write_ics(struct render *r, const char *out_path, const char *calname,
                     struct entry *const *events, size_t n_events)
{
    size_t n = 0;
    for (size_t i = 0; i < n_events; i++)
        n += events[i]->n_sessions;
    size_t cap = n ? n : 1;
    struct ical_event *ev = xcalloc(cap, sizeof *ev);
    struct ical_strings st = {xcalloc(cap, sizeof(char *)), xcalloc(cap, sizeof(char *)),
                              xcalloc(cap, sizeof(char *)), xcalloc(cap, sizeof(char *))};
    size_t at = 0;
    for (size_t i = 0; i < n_events; i++)
        at = ical_events(r, events[i], ev, &st, at);
    struct buf out;
    buf_init(&out);
    char *prodid = xasprintf("-//kairan %s//%s//JA", KAIRAN_VERSION, r->site->cfg->title);
    ical_write(&out, prodid, calname, r->zone, ev, at, r->now_utc);
    free(prodid);
    int rc = publish_write(r->pub, out_path, out.data, out.len);
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

int feed_write_all(struct render *r)
{
    const struct site *s = r->site;
    struct buf out;
    buf_init(&out);
    int rc = 0;
    atom(r, &out);
    rc |= publish_write(r->pub, "feed.xml", out.data, out.len);
    buf_reset(&out);
    sitemap(r, &out);
    rc |= publish_write(r->pub, "sitemap.xml", out.data, out.len);
    buf_reset(&out);
    buf_printf(&out, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", s->cfg->base_url);
    rc |= publish_write(r->pub, "robots.txt", out.data, out.len);
    buf_release(&out);

    struct entry **upcoming = xcalloc(s->n_kind[KIND_EVENT] + 1, sizeof *upcoming);
    size_t n_up = 0;
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        struct entry *e = s->kind[KIND_EVENT][i];
        char *path = xasprintf("%sevent.ics", e->url);
        rc |= write_ics(r, path, title_of(r, e), &e, 1);
        free(path);
        if (!site_event_is_past(s, e))
            upcoming[n_up++] = e;
    }
    rc |= write_ics(r, "events.ics", s->cfg->title, upcoming, n_up);
    free(upcoming);
    return rc ? -1 : 0;
}
