#include "render/data.h"

#include <stdio.h>
#include <string.h>

void data_set_str(json_t *obj, const char *key, const char *s)
{
    if (s)
        json_object_set_new(obj, key, json_string(s));
}

void data_set_str_from(json_t *obj, const char *key, const char *s, const json_t *fm,
                       const char *field)
{
    json_t *v = json_object_get(fm, field);
    if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
        json_object_set(obj, key, v);
    else
        data_set_str(obj, key, s);
}

void data_set_buf(json_t *obj, const char *key, struct buf *b)
{
    json_object_set_new(obj, key, json_stringn(b->data, b->len));
    buf_reset(b);
}

void data_json_string(struct buf *out, const char *s)
{
    buf_putc(out, '"');
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p; p++) {
        const char *esc = NULL;
        char hex[8];
        if (*p == '"')
            esc = "\\\"";
        else if (*p == '\\')
            esc = "\\\\";
        else if (*p < 0x20)
            esc = (snprintf(hex, sizeof hex, "\\u%04x", *p), hex);
        else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            esc = p[2] == 0xA8 ? "\\u2028" : "\\u2029";
        if (!esc)
            continue;
        buf_add(out, run, (size_t)(p - run));
        buf_puts(out, esc);
        if (*p == 0xE2)
            p += 2;
        run = p + 1;
    }
    buf_add(out, run, (size_t)(p - run));
    buf_putc(out, '"');
}

const char *const data_optional[] = {
    /* The site object, the page's, and the theme's settings. */
    "site.subtitle", "site.description", "site.publisher", "current_issue", "page.description",
    "page.og_image", "theme.color",
    /* Date objects: a date without a time, or before 明治. */
    "time", "era_year",
    /* Entries: an event's status (with the flag of its kind), a contact's phone link, the days
     * of an event without sessions, a session's venue. */
    "status.cancelled", "status.postponed", "status.written", "status.online", "status.new_when",
    "status.new_start", "contact.phone_href", "when", "venue.id", "venue.address", "venue.role",
    "venue.url",
    /* Lists and pages of lists. */
    "list.description", "groups.heading", "groups.id", "pagination.prev", "pagination.next",
    "pages.gap",
    /* The month calendar. */
    "calendar.prev", "calendar.next", "calendar_url", "events.label", "events.status",
    "events.moved",
    /* The print edition. */
    "issue.cover", "timetable.venue", "timetable.label", "timetable.status", "back",
    /* An issue's PDF, once make print-pdf has made one from its current print document. */
    "entry.print_pdf",
    /* The installable app's files: none with --portable, no worker in kairan serve's preview,
     * no latest issue on a site without issues. */
    "site.app", "site.app.latest", "site.app.worker",
    /* A site in several languages: the switch and alternates, an entry listed on another
     * language's pages (foreign), texts in the site's language marked as such (*_lang), the
     * search page's words, a language's home named in the switch, a print document's address
     * in a language that has no edition of an issue. */
    "page.languages", "page.alternates", "page.search_words", "foreign", "title_lang",
    "site.title_lang", "site.subtitle_lang", "site.description_lang", "site.publisher_lang",
    "site.publisher_html", "name_lang", "items.home_label", "entry.print_url",
    NULL,
};
