#include "render/jsonld.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
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

static json_t *organization(const struct view *v, const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("Organization"));
    json_object_set_new(o, "name", json_string(name ? name : view_language(v)->title));
    return o;
}

static void set_new_str(json_t *o, const char *key, char *s)
{
    json_object_set_new(o, key, json_string(s));
    free(s);
}

/* A remote venue without an address is an online meeting; every other venue is a room people
 * go to, a relay room (中継会場) of a remote session too. */
static int venue_online(const json_t *venue)
{
    const char *role = json_string_value(json_object_get(venue, "role"));
    return role && strcmp(role, "remote") == 0 && !json_object_get(venue, "address");
}

/* A venue for schema.org: a room is a Place with its address as a PostalAddress, an online
 * meeting a VirtualLocation with its url when it has one. */
static json_t *place(const json_t *venue)
{
    json_t *p = json_object();
    const char *name = json_string_value(json_object_get(venue, "name"));
    if (venue_online(venue)) {
        json_object_set_new(p, "@type", json_string("VirtualLocation"));
        json_object_set_new(p, "name", json_string(name ? name : ""));
        const char *url = json_string_value(json_object_get(venue, "url"));
        if (url)
            json_object_set_new(p, "url", json_string(url));
    } else {
        json_object_set_new(p, "@type", json_string("Place"));
        json_object_set_new(p, "name", json_string(name ? name : ""));
        const char *address = json_string_value(json_object_get(venue, "address"));
        if (address) {
            json_t *a = json_object();
            json_object_set_new(a, "@type", json_string("PostalAddress"));
            json_object_set_new(a, "streetAddress", json_string(address));
            json_object_set_new(p, "address", a);
        }
    }
    return p;
}

/* A session's start (or end) as JSON-LD writes it: the date alone for a whole day. */
static char *session_time(const struct view *v, const struct session *s, int end)
{
    struct datetime dt = end ? s->end : s->start;
    if (!s->all_day)
        return view_rfc3339(v, dt);
    struct buf b;
    buf_init(&b);
    date_format_iso(&b, dt.date);
    return buf_detach(&b, NULL);
}

static const char *const status_types[EVENT_STATUS_COUNT] = {
    [EVENT_SCHEDULED] = "EventScheduled", [EVENT_CANCELLED] = "EventCancelled",
    [EVENT_POSTPONED] = "EventPostponed", [EVENT_WRITTEN] = "EventScheduled",
    [EVENT_ONLINE] = "EventMovedOnline"};

char *jsonld_entry(const struct view *v, const struct entry *e)
{
    const struct body *b = view_body(v, e);
    json_t *o = json_object();
    json_object_set_new(o, "@context", json_string("https://schema.org"));
    const char *title = body_title(b, e);
    if (e->kind == KIND_EVENT && e->n_sessions) {
        json_object_set_new(o, "@type", json_string("Event"));
        json_object_set_new(o, "name", json_string(title));
        /* A postponed event with a new date is rescheduled: its dates are the new ones. */
        const struct session *first = &e->sessions[0], *last = &e->sessions[e->n_sessions - 1];
        const char *status = status_types[e->status];
        if (e->has_postponed) {
            set_new_str(o, "previousStartDate", session_time(v, first, 0));
            first = last = &e->postponed;
            status = "EventRescheduled";
        }
        set_new_str(o, "startDate", session_time(v, first, 0));
        set_new_str(o, "endDate", session_time(v, last, 1));
        set_new_str(o, "eventStatus", xasprintf("https://schema.org/%s", status));
        json_t *venues = json_object_get(e->fm, "venues");
        json_t *locations = json_array();
        int physical = 0, online = 0;
        for (size_t i = 0; i < json_array_size(venues); i++) {
            json_t *venue = json_array_get(venues, i);
            if (venue_online(venue))
                online = 1;
            else
                physical = 1;
            json_array_append_new(locations, place(venue));
        }
        const char *place_text = json_string_value(json_object_get(e->fm, "place"));
        if (!json_array_size(venues) && place_text) {
            json_t *p = json_object();
            json_object_set_new(p, "@type", json_string("Place"));
            json_object_set_new(p, "name", json_string(place_text));
            json_array_append_new(locations, p);
            physical = 1;
        }
        /* Held in writing, nobody attends: no mode. Moved online: online whatever the venues
         * were. */
        const char *mode = physical && online ? "Mixed" : online ? "Online" : "Offline";
        if (e->status == EVENT_ONLINE)
            mode = "Online";
        if (e->status != EVENT_WRITTEN)
            set_new_str(o, "eventAttendanceMode",
                        xasprintf("https://schema.org/%sEventAttendanceMode", mode));
        if (json_array_size(locations) == 1)
            json_object_set(o, "location", json_array_get(locations, 0));
        else if (json_array_size(locations) > 1)
            json_object_set(o, "location", locations);
        json_decref(locations);
        const char *organizer = json_string_value(json_object_get(e->fm, "organizer"));
        json_object_set_new(o, "organizer",
                            organization(v, organizer ? organizer : view_language(v)->publisher));
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
        json_object_set_new(o, "publisher", organization(v, view_language(v)->publisher));
    }
    if (b->summary)
        json_object_set_new(o, "description", json_string(b->summary));
    /* A site in several languages says which one each page is in. */
    if (view_site(v)->cfg->n_languages > 1 && e->lang)
        json_object_set_new(o, "inLanguage", json_string(e->lang->code));
    set_new_str(o, "url", view_permalink(v, e->url));
    if (b->has_image)
        set_new_str(o, "image", view_permalink(v, b->image.full ? b->image.full : b->image.src));
    return script_safe(o);
}

char *jsonld_site(const struct view *v)
{
    const struct language *lang = view_language(v);
    json_t *o = json_object();
    json_object_set_new(o, "@context", json_string("https://schema.org"));
    json_object_set_new(o, "@type", json_string("WebSite"));
    json_object_set_new(o, "name", json_string(lang->title));
    set_new_str(o, "url", view_permalink(v, lang->prefix));
    if (lang->description)
        json_object_set_new(o, "description", json_string(lang->description));
    json_object_set_new(o, "inLanguage", json_string(lang->code));
    json_object_set_new(o, "publisher", organization(v, lang->publisher));
    return script_safe(o);
}
