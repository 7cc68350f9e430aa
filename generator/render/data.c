#include "render/data.h"

#include <stdint.h>
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
    data_json_string_n(out, s, strlen(s));
}

/* Whether any of the 8 bytes of x is below 0x20, '"', '\\' or 0xE2 (which starts U+2028 and
 * U+2029): the bytes JSON text for a script must escape or look at. */
static int special8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
#define HAS_ZERO(v) (((v) - ones) & ~(v) & high)
    uint64_t below = (x - ones * 0x20) & ~x & high; /* a byte below 0x20 (and not above 0x7F) */
    return (below | HAS_ZERO(x ^ (ones * '"')) | HAS_ZERO(x ^ (ones * '\\')) |
            HAS_ZERO(x ^ (ones * 0xE2))) != 0;
#undef HAS_ZERO
}

void data_json_string_n(struct buf *out, const char *s, size_t n)
{
    buf_grow(out, n + 2);
    buf_putc(out, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    while (p < end) {
        uint64_t x;
        if (end - p >= 8 && (memcpy(&x, p, 8), !special8(x))) {
            p += 8;
            continue;
        }
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0xE2) {
            p++;
            continue;
        }
        const char *esc = NULL;
        char hex[8];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c < 0x20)
            esc = (snprintf(hex, sizeof hex, "\\u%04x", c), hex);
        else if (end - p >= 3 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            esc = p[2] == 0xA8 ? "\\u2028" : "\\u2029";
        if (!esc) {
            p++;
            continue;
        }
        buf_add(out, run, (size_t)(p - run));
        buf_puts(out, esc);
        p += c == 0xE2 ? 3 : 1;
        run = p;
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
