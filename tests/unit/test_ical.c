/* Unit tests of ical, read back by a strict RFC 5545 reader written here: CRLF everywhere,
 * physical lines of at most 75 octets of valid UTF-8, BEGIN/END balance, the required
 * properties of each component, TEXT escaping that round-trips, TZIDs that name a VTIMEZONE,
 * and event times that the VTIMEZONE maps to the right instants.
 *     test_ical --sample FILE   writes the sample calendar that tests/ical.test.sh checks
 *                               with Python's icalendar. */
#include <stdlib.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/ical.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "harness.h"

/* ---- the reader ---- */

struct prop {
    char *name, *params, *value; /* params: the raw text between the name and ':' */
};

struct comp {
    char *name;
    struct prop *props;
    size_t nprops;
    struct comp *kids;
    size_t nkids;
    struct comp *parent;
};

static void comp_release(struct comp *c)
{
    free(c->name);
    for (size_t i = 0; i < c->nprops; i++) {
        free(c->props[i].name);
        free(c->props[i].params);
        free(c->props[i].value);
    }
    free(c->props);
    for (size_t i = 0; i < c->nkids; i++)
        comp_release(&c->kids[i]);
    free(c->kids);
}

/* Independent of ical.c's decoder on purpose: a table of valid lead/continuation ranges. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 0;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += len;
    }
    return 1;
}

static char *error_at(size_t line, const char *what)
{
    return xasprintf("line %zu: %s", line, what);
}

/* Parses a whole file into root (whose kids are the top-level components). Returns NULL, or
 * a new string saying what is wrong; the caller frees it. */
static char *ics_read(const char *data, size_t len, struct comp *root)
{
    memset(root, 0, sizeof *root);
    root->name = xstrdup("(file)");
    if (len < 2 || data[len - 2] != '\r' || data[len - 1] != '\n')
        return xstrdup("the file does not end in CRLF");
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
            return xasprintf("a CR without LF at byte %zu", i);
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            return xasprintf("a LF without CR at byte %zu", i);
    }
    /* Unfold into logical lines, checking each physical line. */
    struct buf logical;
    buf_init(&logical);
    size_t nlines = 0, start = 0, physical = 0;
    char **lines = NULL;
    size_t *line_no = NULL;
    char *err = NULL;
    while (start < len && !err) {
        const char *eol = strstr(data + start, "\r\n");
        size_t n = (size_t)(eol - (data + start));
        physical++;
        if (n > 75) {
            err = error_at(physical, "longer than 75 octets");
        } else if (!valid_utf8((const unsigned char *)data + start, n)) {
            err = error_at(physical, "not valid UTF-8 (a character split by folding?)");
        } else if (n > 0 && (data[start] == ' ' || data[start] == '\t')) {
            if (!nlines)
                err = error_at(physical, "a continuation with nothing to continue");
            else
                buf_add(&logical, data + start + 1, n - 1);
        } else {
            if (nlines)
                lines[nlines - 1] = buf_detach(&logical, NULL);
            lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
            line_no = xrealloc(line_no, (nlines + 1) * sizeof *line_no);
            line_no[nlines] = physical;
            lines[nlines++] = NULL;
            buf_add(&logical, data + start, n);
        }
        start += n + 2;
    }
    if (nlines)
        lines[nlines - 1] = buf_detach(&logical, NULL);
    buf_release(&logical);

    struct comp *cur = root;
    for (size_t i = 0; i < nlines && !err; i++) {
        const char *s = lines[i];
        size_t name_len =
            strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
        if (name_len == 0) {
            err = error_at(line_no[i], "no property name");
            break;
        }
        /* Parameters: ;NAME=VALUE with VALUE quoted or free of ; : , and quotes. */
        size_t p = name_len;
        while (s[p] == ';') {
            p++;
            size_t pn =
                strspn(s + p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
            if (pn == 0 || s[p + pn] != '=') {
                err = error_at(line_no[i], "a parameter without a name");
                break;
            }
            p += pn + 1;
            if (s[p] == '"') {
                const char *q = strchr(s + p + 1, '"');
                if (!q) {
                    err = error_at(line_no[i], "an unclosed quote");
                    break;
                }
                p = (size_t)(q - s) + 1;
            } else {
                p += strcspn(s + p, ";:,\"");
            }
        }
        if (err)
            break;
        if (s[p] != ':') {
            err = error_at(line_no[i], "no ':' after the name and parameters");
            break;
        }
        for (const unsigned char *v = (const unsigned char *)s + p + 1; *v; v++) {
            if ((*v < 0x20 && *v != '\t') || *v == 0x7F) {
                err = error_at(line_no[i], "a control character in a value");
                break;
            }
        }
        if (err)
            break;
        char *name = xstrndup(s, name_len);
        char *params = xstrndup(s + name_len, p - name_len);
        char *value = xstrdup(s + p + 1);
        if (!strcmp(name, "BEGIN")) {
            cur->kids = xrealloc(cur->kids, (cur->nkids + 1) * sizeof *cur->kids);
            /* Children moved by realloc: their own kids' parent pointers must follow. */
            for (size_t k = 0; k < cur->nkids; k++)
                for (size_t g = 0; g < cur->kids[k].nkids; g++)
                    cur->kids[k].kids[g].parent = &cur->kids[k];
            struct comp *c = &cur->kids[cur->nkids++];
            memset(c, 0, sizeof *c);
            c->name = value;
            c->parent = cur;
            cur = c;
            free(name);
            free(params);
        } else if (!strcmp(name, "END")) {
            if (cur == root || strcmp(cur->name, value) != 0)
                err = error_at(line_no[i], "END does not match BEGIN");
            else
                cur = cur->parent;
            free(name);
            free(params);
            free(value);
        } else {
            if (cur == root)
                err = error_at(line_no[i], "a property outside any component");
            cur->props = xrealloc(cur->props, (cur->nprops + 1) * sizeof *cur->props);
            cur->props[cur->nprops++] = (struct prop){name, params, value};
        }
    }
    if (!err && cur != root)
        err = xasprintf("%s is never ended", cur->name);
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
    free(lines);
    free(line_no);
    return err;
}

static size_t count(const struct comp *c, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nprops; i++)
        n += strcmp(c->props[i].name, name) == 0;
    return n;
}

static const struct prop *prop(const struct comp *c, const char *name)
{
    for (size_t i = 0; i < c->nprops; i++)
        if (!strcmp(c->props[i].name, name))
            return &c->props[i];
    return NULL;
}

/* TEXT unescaping; returns NULL for a bad escape or an unescaped ';' or ','. */
static char *unescape(const char *s)
{
    struct buf b;
    buf_init(&b);
    for (; *s; s++) {
        if (*s == ';' || *s == ',') {
            buf_release(&b);
            return NULL;
        }
        if (*s != '\\') {
            buf_putc(&b, *s);
            continue;
        }
        s++;
        if (*s == 'n' || *s == 'N')
            buf_putc(&b, '\n');
        else if (*s == '\\' || *s == ';' || *s == ',')
            buf_putc(&b, *s);
        else {
            buf_release(&b);
            return NULL;
        }
    }
    return buf_detach(&b, NULL);
}

static int is_local_datetime(const char *v)
{
    if (strlen(v) != 15 || v[8] != 'T')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (v[i] < '0' || v[i] > '9'))
            return 0;
    return 1;
}

static int is_offset(const char *v)
{
    size_t n = strlen(v);
    if ((n != 5 && n != 7) || (v[0] != '+' && v[0] != '-'))
        return 0;
    return strspn(v + 1, "0123456789") == n - 1;
}

static int32_t offset_value(const char *v)
{
    int32_t a = ((v[1] - '0') * 10 + (v[2] - '0')) * 3600 + ((v[3] - '0') * 10 + (v[4] - '0')) * 60;
    if (v[5])
        a += (v[5] - '0') * 10 + (v[6] - '0');
    return v[0] == '-' ? -a : a;
}

static struct datetime local_value(const char *v)
{
    int n[6];
    sscanf(v, "%4d%2d%2dT%2d%2d%2d", &n[0], &n[1], &n[2], &n[3], &n[4], &n[5]);
    return (struct datetime){{n[0], n[1], n[2]}, n[3], n[4], n[5]};
}

/* The TZID a DTSTART/DTEND names in its parameters (unquoted); a new string or NULL. */
static char *tzid_param(const struct prop *p)
{
    const char *t = strstr(p->params, ";TZID=");
    if (!t)
        return NULL;
    t += 6;
    if (*t == '"')
        return xstrndup(t + 1, strcspn(t + 1, "\""));
    return xstrndup(t, strcspn(t, ";:"));
}

/* The UTC instant of a local time by the observances of a VTIMEZONE, as a calendar app reads
 * it: the observance with the latest onset not after the time, onsets read in TZOFFSETFROM. */
static int64_t by_vtimezone(const struct comp *vtz, struct datetime local)
{
    int64_t wall = date_to_seconds(local), best_onset = INT64_MIN;
    int32_t off = 0;
    for (size_t i = 0; i < vtz->nkids; i++) {
        const struct comp *o = &vtz->kids[i];
        int64_t onset = date_to_seconds(local_value(prop(o, "DTSTART")->value));
        if (onset <= wall && onset >= best_onset) {
            best_onset = onset;
            off = offset_value(prop(o, "TZOFFSETTO")->value);
        }
    }
    return wall - off;
}

/* Checks what RFC 5545 requires of a calendar; returns NULL or a new string. */
static char *ics_check(const struct comp *root)
{
    if (root->nkids != 1 || strcmp(root->kids[0].name, "VCALENDAR") != 0)
        return xstrdup("not exactly one VCALENDAR");
    const struct comp *cal = &root->kids[0];
    if (count(cal, "VERSION") != 1 || strcmp(prop(cal, "VERSION")->value, "2.0") != 0)
        return xstrdup("VERSION:2.0 missing or repeated");
    if (count(cal, "PRODID") != 1)
        return xstrdup("PRODID missing or repeated");
    if (count(cal, "CALSCALE") > 1 || count(cal, "METHOD") > 1)
        return xstrdup("CALSCALE or METHOD repeated");
    if (cal->nkids == 0)
        return xstrdup("a calendar without components");
    for (size_t i = 0; i < cal->nkids; i++) {
        const struct comp *c = &cal->kids[i];
        if (!strcmp(c->name, "VTIMEZONE")) {
            if (count(c, "TZID") != 1)
                return xstrdup("VTIMEZONE without one TZID");
            if (c->nkids == 0)
                return xstrdup("VTIMEZONE without STANDARD or DAYLIGHT");
            for (size_t k = 0; k < c->nkids; k++) {
                const struct comp *o = &c->kids[k];
                if (strcmp(o->name, "STANDARD") && strcmp(o->name, "DAYLIGHT"))
                    return xasprintf("%s inside VTIMEZONE", o->name);
                if (count(o, "DTSTART") != 1 || count(o, "TZOFFSETFROM") != 1 ||
                    count(o, "TZOFFSETTO") != 1)
                    return xasprintf("%s without DTSTART, TZOFFSETFROM or TZOFFSETTO", o->name);
                if (!is_local_datetime(prop(o, "DTSTART")->value) ||
                    !is_offset(prop(o, "TZOFFSETFROM")->value) ||
                    !is_offset(prop(o, "TZOFFSETTO")->value))
                    return xasprintf("%s with a malformed time or offset", o->name);
            }
        } else if (!strcmp(c->name, "VEVENT")) {
            if (count(c, "UID") != 1 || count(c, "DTSTAMP") != 1 || count(c, "DTSTART") != 1)
                return xstrdup("VEVENT without one UID, DTSTAMP and DTSTART");
            const char *stamp = prop(c, "DTSTAMP")->value;
            char *bare = xstrndup(stamp, 15);
            int stamp_ok = strlen(stamp) == 16 && stamp[15] == 'Z' && is_local_datetime(bare);
            free(bare);
            if (!stamp_ok)
                return xasprintf("DTSTAMP %s is not a UTC date-time", stamp);
            if (count(c, "DTEND") > 1 || count(c, "SUMMARY") > 1 || count(c, "URL") > 1)
                return xstrdup("VEVENT with a repeated property");
            for (size_t k = 0; k < c->nprops; k++) {
                const struct prop *p = &c->props[k];
                if (strcmp(p->name, "DTSTART") && strcmp(p->name, "DTEND"))
                    continue;
                char *tzid = tzid_param(p);
                if (!tzid) {
                    if (strcmp(p->params, ";VALUE=DATE") != 0 || strlen(p->value) != 8)
                        return xasprintf("%s is neither zoned nor a date", p->name);
                    continue;
                }
                int found = 0;
                for (size_t z = 0; z < cal->nkids; z++) {
                    if (strcmp(cal->kids[z].name, "VTIMEZONE"))
                        continue;
                    char *id = unescape(prop(&cal->kids[z], "TZID")->value);
                    found |= id && !strcmp(id, tzid);
                    free(id);
                }
                free(tzid);
                if (!found)
                    return xasprintf("%s names a TZID no VTIMEZONE has", p->name);
                if (!is_local_datetime(p->value))
                    return xasprintf("%s %s is not a local date-time", p->name, p->value);
            }
            static const char *const texts[] = {"UID", "SUMMARY", "DESCRIPTION", "LOCATION"};
            for (size_t k = 0; k < 4; k++) {
                const struct prop *p = prop(c, texts[k]);
                char *u = p ? unescape(p->value) : NULL;
                if (p && !u)
                    return xasprintf("%s is not escaped as TEXT", texts[k]);
                free(u);
            }
        }
    }
    return NULL;
}

/* Reads and checks a calendar; fills root (release it) and returns 1 when all is well. */
static int read_checked(const struct buf *b, struct comp *root)
{
    char *err = ics_read(b->data, b->len, root);
    if (!err)
        err = ics_check(root);
    if (err) {
        fprintf(stderr, "invalid calendar: %s\n%s\n", err, b->data);
        free(err);
        return 0;
    }
    return 1;
}

static const struct comp *find(const struct comp *c, const char *name, size_t nth)
{
    for (size_t i = 0; i < c->nkids; i++)
        if (!strcmp(c->kids[i].name, name) && nth-- == 0)
            return &c->kids[i];
    return NULL;
}

static struct tz *load(const char *name)
{
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_load(&d, name, NULL, 0, 0);
    if (d.len)
        diag_print(&d, stderr);
    diag_release(&d);
    return z;
}

/* ---- the writer ---- */

static struct datetime DT(int y, int m, int d, int hh, int mm) {
    return (struct datetime){{y, m, d}, hh, mm, 0};
}

static const char nasty[] = "研修会; 第1回, \"特別\"\\end\r\n二行目\rthird\x01\tfourth";
static const char nasty_read[] = "研修会; 第1回, \"特別\"\\end\n二行目\nthird\tfourth";

static void escapes_text(void)
{
    struct buf b;
    buf_init(&b);
    ical_escape_text(&b, "a\\b;c,d\ne\r\nf\rg\x01h\tI\x7f");
    CHECK_STR(b.data, "a\\\\b\\;c\\,d\\ne\\nf\\ng"
                      "h\tI");
    buf_reset(&b);
    /* Invalid UTF-8 (a stray byte, a cut sequence, an overlong '/', a surrogate) is replaced. */
    ical_escape_text(&b, "x\xff"
                         "y\xe3\x81"
                         "z\xc0\xaf"
                         "w\xed\xa0\x80");
    CHECK_STR(b.data, "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBDw"
                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    buf_reset(&b);
    ical_escape_text(&b, "令和3年\xF0\x9F\x8C\xB8");
    CHECK_STR(b.data, "令和3年\xF0\x9F\x8C\xB8");
    buf_release(&b);
}

/* Lines of every length made of 1-, 2-, 3- and 4-octet characters fold to physical lines of at
 * most 75 octets, never split a character, and unfold to the original. */
static void folds_every_length(void)
{
    static const char *const chars[] = {"a", "\xC3\xA9", "あ", "\xF0\x9F\x8C\xB8"};
    int bad = 0;
    for (size_t kind = 0; kind < 5; kind++) {
        for (size_t n = 0; n < 120; n++) {
            struct buf value, out;
            buf_init(&value);
            buf_init(&out);
            for (size_t i = 0; i < n; i++)
                buf_puts(&value, chars[kind < 4 ? kind : (i * 7 + n) % 4]);
            ical_line(&out, "DESCRIPTION", value.data);
            struct buf file;
            buf_init(&file);
            buf_puts(&file, "BEGIN:VCALENDAR\r\n");
            buf_add(&file, out.data, out.len);
            buf_puts(&file, "END:VCALENDAR\r\n");
            struct comp root;
            char *err = ics_read(file.data, file.len, &root);
            if (err) {
                fprintf(stderr, "kind %zu, %zu chars: %s\n", kind, n, err);
                bad++;
            }
            free(err);
            comp_release(&root);
            buf_release(&file);
            struct buf unfolded;
            buf_init(&unfolded);
            for (size_t i = 0; i < out.len; i++) {
                if (out.data[i] == '\r' && out.data[i + 1] == '\n') {
                    i += out.data[i + 2] == ' ' ? 2 : 1;
                    continue;
                }
                buf_putc(&unfolded, out.data[i]);
            }
            char *want = xasprintf("DESCRIPTION:%s", value.data);
            bad += strcmp(unfolded.data, want) != 0;
            /* Folding only where needed: a line that fits stays whole. */
            bad += (strlen(want) <= 75) != (strstr(out.data, "\r\n ") == NULL);
            free(want);
            buf_release(&unfolded);
            buf_release(&value);
            buf_release(&out);
        }
    }
    CHECK_INT(bad, 0);
}

static void uids(void)
{
    char *u = ical_uid("https://example.jp/watowa/", "kenshu", 2);
    CHECK_STR(u, "kenshu-2.watowa@example.jp");
    free(u);
    u = ical_uid("https://user@Example.JP:8080/a/b%20c/?q=1#f", "Sapo-to", 1);
    CHECK_STR(u, "sapo-to-1.a.b-20c@example.jp");
    free(u);
    u = ical_uid("http://example.jp", "x", 3);
    CHECK_STR(u, "x-3@example.jp");
    free(u);
    u = ical_uid("", "x", 1);
    CHECK_STR(u, "x-1@localhost");
    free(u);
    /* Stable: the same input gives the same UID; another site gives another. */
    char *a = ical_uid("https://example.jp/watowa/", "kenshu", 1);
    char *b = ical_uid("https://example.jp/watowa/", "kenshu", 1);
    char *c = ical_uid("https://example.jp/other/", "kenshu", 1);
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
}

static void tokyo_calendar(void)
{
    struct tz *z = load("Asia/Tokyo");
    if (!z) {
        CHECK(0);
        return;
    }
    struct ical_event ev[2] = {
        {"kenshu-1.watowa@example.jp", nasty,
         "長い説明。"
         "地域の支え合い活動について、"
         "皆さんと一緒に考える研修会です。\n"
         "持ち物: 筆記用具, 上履き; 飲み物",
         "鶴岡市総合保健福祉センター にこ・ふる", "https://example.jp/watowa/events/kenshu/",
         DT(2021, 2, 19, 13, 30), DT(2021, 2, 19, 16, 0), 0, NULL},
        {"kenshu-2.watowa@example.jp", "2日目", NULL, "", NULL, DT(2021, 2, 20, 9, 0),
         DT(2021, 2, 20, 12, 0), 0, NULL},
    };
    struct buf b;
    buf_init(&b);
    ical_write(&b, "-//kairan//kairan//JA", "和と輪つるおか, 行事", z, ev, 2, 1613709000);
    struct comp root;
    if (read_checked(&b, &root)) {
        const struct comp *cal = &root.kids[0];
        CHECK_STR(prop(cal, "METHOD")->value, "PUBLISH");
        CHECK_STR(prop(cal, "CALSCALE")->value, "GREGORIAN");
        CHECK_STR(prop(cal, "X-WR-CALNAME")->value, "和と輪つるおか\\, 行事");
        const struct comp *vtz = find(cal, "VTIMEZONE", 0);
        CHECK(vtz && vtz->nkids == 1);
        if (vtz && vtz->nkids == 1) {
            CHECK_STR(vtz->kids[0].name, "STANDARD");
            CHECK_STR(prop(&vtz->kids[0], "TZOFFSETFROM")->value, "+0900");
            CHECK_STR(prop(&vtz->kids[0], "TZOFFSETTO")->value, "+0900");
            CHECK_STR(prop(&vtz->kids[0], "TZNAME")->value, "JST");
        }
        const struct comp *e = find(cal, "VEVENT", 0);
        CHECK(e != NULL);
        if (e) {
            CHECK_STR(prop(e, "DTSTAMP")->value, "20210219T043000Z");
            CHECK_STR(prop(e, "DTSTART")->params, ";TZID=Asia/Tokyo");
            CHECK_STR(prop(e, "DTSTART")->value, "20210219T133000");
            CHECK_STR(prop(e, "DTEND")->value, "20210219T160000");
            CHECK_STR(prop(e, "URL")->value, "https://example.jp/watowa/events/kenshu/");
            char *s = unescape(prop(e, "SUMMARY")->value);
            CHECK_STR(s, nasty_read);
            free(s);
            s = unescape(prop(e, "DESCRIPTION")->value);
            CHECK_STR(s, "長い説明。地域の支え合い活動について、皆さんと一緒に考える研修会です。\n"
                         "持ち物: 筆記用具, 上履き; 飲み物");
            free(s);
            s = unescape(prop(e, "LOCATION")->value);
            CHECK_STR(s, "鶴岡市総合保健福祉センター にこ・ふる");
            free(s);
            CHECK_INT(by_vtimezone(vtz, DT(2021, 2, 19, 13, 30)), 1613709000);
        }
        e = find(cal, "VEVENT", 1);
        CHECK(e != NULL);
        if (e) {
            /* Empty and missing fields are left out, not written empty. */
            CHECK(prop(e, "LOCATION") == NULL);
            CHECK(prop(e, "DESCRIPTION") == NULL);
            CHECK(prop(e, "URL") == NULL);
        }
    }
    comp_release(&root);
    buf_release(&b);
    tz_free(z);
}

static void berlin_calendar(void)
{
    struct tz *z = load("Europe/Berlin");
    if (!z) {
        CHECK(0);
        return;
    }
    struct ical_event ev[4] = {
        {"a", "winter", NULL, NULL, NULL, DT(2021, 2, 19, 13, 30), DT(2021, 2, 19, 16, 0), 0, NULL},
        {"b", "after the change", NULL, NULL, NULL, DT(2021, 3, 28, 10, 0), DT(2021, 3, 28, 12, 0),
         0, NULL},
        {"c", "twice", NULL, NULL, NULL, DT(2021, 10, 31, 2, 30), DT(2021, 10, 31, 4, 0), 0,
         NULL},
        {"d", "next summer", NULL, NULL, NULL, DT(2022, 7, 1, 18, 0), DT(2022, 7, 2, 1, 0), 0,
         NULL},
    };
    struct buf b;
    buf_init(&b);
    ical_write(&b, "-//kairan//kairan//JA", NULL, z, ev, 4, 1613709000);
    struct comp root;
    if (read_checked(&b, &root)) {
        const struct comp *cal = &root.kids[0];
        CHECK(prop(cal, "X-WR-CALNAME") == NULL);
        const struct comp *vtz = find(cal, "VTIMEZONE", 0);
        /* January 2021 in CET, then four changes over 2021 and 2022. */
        CHECK_INT(vtz ? vtz->nkids : 0, 5);
        if (vtz && vtz->nkids == 5) {
            static const struct {
                const char *kind, *start, *from, *to, *name;
            } want[] = {
                {"STANDARD", "20210101T000000", "+0100", "+0100", "CET"},
                {"DAYLIGHT", "20210328T020000", "+0100", "+0200", "CEST"},
                {"STANDARD", "20211031T030000", "+0200", "+0100", "CET"},
                {"DAYLIGHT", "20220327T020000", "+0100", "+0200", "CEST"},
                {"STANDARD", "20221030T030000", "+0200", "+0100", "CET"},
            };
            for (size_t i = 0; i < 5; i++) {
                const struct comp *o = &vtz->kids[i];
                CHECK_STR(o->name, want[i].kind);
                CHECK_STR(prop(o, "DTSTART")->value, want[i].start);
                CHECK_STR(prop(o, "TZOFFSETFROM")->value, want[i].from);
                CHECK_STR(prop(o, "TZOFFSETTO")->value, want[i].to);
                CHECK_STR(prop(o, "TZNAME")->value, want[i].name);
            }
            /* Each event's start, read through the VTIMEZONE as an app would, is the instant
             * tz gives (the ambiguous 02:30 included: both take the first one). */
            for (size_t i = 0; i < 4; i++) {
                const struct comp *e = find(cal, "VEVENT", i);
                if (!e)
                    continue;
                struct datetime start = local_value(prop(e, "DTSTART")->value);
                CHECK_INT(by_vtimezone(vtz, start), tz_to_utc(z, ev[i].start, NULL));
            }
        }
    }
    comp_release(&root);
    buf_release(&b);
    tz_free(z);
}

static void odd_events(void)
{
    struct tz *z = load("Asia/Tokyo");
    struct diag d;
    diag_init(&d);
    struct tz *rule = tz_from_posix(&d, "CET-1CEST,M3.5.0,M10.5.0/3", NULL, 0, 0);
    diag_release(&d);
    if (!z || !rule) {
        CHECK(0);
        tz_free(z);
        tz_free(rule);
        return;
    }
    struct ical_event ev[3] = {
        /* Whole days: DTEND is the day after the last. A status. */
        {"all-day", "festival", NULL, NULL, NULL, DT(2021, 2, 19, 0, 0), DT(2021, 2, 21, 0, 0), 1,
         "CANCELLED"},
        /* An end before the start is left out rather than written wrong. */
        {"backwards", "oops", NULL, NULL, NULL, DT(2021, 2, 19, 16, 0), DT(2021, 2, 19, 13, 0), 0,
         NULL},
        /* No end. */
        {"open", "open end", NULL, NULL, NULL, DT(2021, 2, 19, 16, 0), {{0, 0, 0}, 0, 0, 0}, 0,
         NULL},
    };
    struct buf b;
    buf_init(&b);
    ical_write(&b, "-//kairan//kairan//JA", "x", z, ev, 3, 0);
    struct comp root;
    if (read_checked(&b, &root)) {
        const struct comp *cal = &root.kids[0];
        const struct comp *e = find(cal, "VEVENT", 0);
        CHECK_STR(prop(e, "DTSTART")->params, ";VALUE=DATE");
        CHECK_STR(prop(e, "DTSTART")->value, "20210219");
        CHECK_STR(prop(e, "DTEND")->value, "20210222");
        CHECK(prop(find(cal, "VEVENT", 1), "DTEND") == NULL);
        /* STATUS when given, and only then. */
        CHECK_STR(prop(e, "STATUS")->value, "CANCELLED");
        CHECK(prop(find(cal, "VEVENT", 1), "STATUS") == NULL);
        CHECK(prop(find(cal, "VEVENT", 2), "DTEND") == NULL);
        CHECK_STR(prop(e, "DTSTAMP")->value, "19700101T000000Z");
    }
    comp_release(&root);
    buf_reset(&b);

    /* No events at all: still a valid calendar (the zone is its component). */
    ical_write(&b, "-//kairan//kairan//JA", "empty", z, NULL, 0, 1613709000);
    if (read_checked(&b, &root))
        CHECK(find(&root.kids[0], "VEVENT", 0) == NULL);
    comp_release(&root);
    buf_reset(&b);

    /* A zone whose name holds commas: the TZID parameter is quoted, the property escaped. */
    struct ical_event one = {
        "r", "rule", NULL, NULL, NULL, DT(2021, 7, 1, 10, 0), DT(2021, 7, 1, 11, 0), 0, NULL};
    ical_write(&b, "-//kairan//kairan//JA", NULL, rule, &one, 1, 1613709000);
    if (read_checked(&b, &root)) {
        const struct comp *e = find(&root.kids[0], "VEVENT", 0);
        CHECK_STR(prop(e, "DTSTART")->params, ";TZID=\"CET-1CEST,M3.5.0,M10.5.0/3\"");
        CHECK_STR(prop(find(&root.kids[0], "VTIMEZONE", 0), "TZID")->value,
                  "CET-1CEST\\,M3.5.0\\,M10.5.0/3");
    }
    comp_release(&root);
    buf_release(&b);
    tz_free(z);
    tz_free(rule);
}

/* The reader itself must refuse what it is there to catch. */
static void reader_refuses_bad_files(void)
{
    static const struct {
        const char *ics, *error;
    } cases[] = {
        {"BEGIN:VCALENDAR\nEND:VCALENDAR\r\n", "a LF without CR at byte 15"},
        {"BEGIN:VCALENDAR\r\nEND:VCALENDAR", "the file does not end in CRLF"},
        {"BEGIN:VCALENDAR\r\nEND:VEVENT\r\n", "line 2: END does not match BEGIN"},
        {"BEGIN:VCALENDAR\r\n", "VCALENDAR is never ended"},
        {"BEGIN:VCALENDAR\r\nX:"
         "0123456789012345678901234567890123456789012345678901234567890123456789"
         "1234\r\nEND:VCALENDAR\r\n",
         "line 2: longer than 75 octets"},
        {"BEGIN:VCALENDAR\r\nX:\xe3\x81\r\n \x82\r\nEND:VCALENDAR\r\n",
         "line 2: not valid UTF-8 (a character split by folding?)"},
        {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "PRODID missing or repeated"},
        {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
         "DTSTAMP:20210101T000000Z\r\nDTSTART;TZID=Nowhere:20210101T000000\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n",
         "DTSTART names a TZID no VTIMEZONE has"},
        {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
         "DTSTAMP:20210101T000000Z\r\nDTSTART;VALUE=DATE:20210101\r\nSUMMARY:a,b\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n",
         "SUMMARY is not escaped as TEXT"},
        {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
         "DTSTAMP:20210101T000000Z\r\nDTSTART;VALUE=DATE:20210101\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n",
         "VEVENT without one UID, DTSTAMP and DTSTART"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct comp root;
        char *err = ics_read(cases[i].ics, strlen(cases[i].ics), &root);
        if (!err)
            err = ics_check(&root);
        int ok = err && !strcmp(err, cases[i].error);
        if (!ok)
            fprintf(stderr, "case %zu: got \"%s\"\n", i, err ? err : "(accepted)");
        harness_case(cases[i].error, ok);
        free(err);
        comp_release(&root);
    }
}

/* The calendar tests/ical.test.sh reads with Python: sessions around Berlin's changes. */
static int write_sample(const char *path)
{
    struct tz *z = load("Europe/Berlin");
    if (!z)
        return 1;
    struct ical_event ev[4] = {
        {"kenshu-1.watowa@example.jp", nasty, "説明, 二行目\n三行目; 終わり", "会場 A",
         "https://example.jp/watowa/events/kenshu/", DT(2021, 2, 19, 13, 30),
         DT(2021, 2, 19, 16, 0), 0, NULL},
        {"kenshu-2.watowa@example.jp", "after the spring change", NULL, NULL, NULL,
         DT(2021, 3, 28, 10, 0), DT(2021, 3, 28, 12, 0), 0, NULL},
        {"kenshu-3.watowa@example.jp", "twice at 02:30", NULL, NULL, NULL, DT(2021, 10, 31, 2, 30),
         DT(2021, 10, 31, 4, 0), 0, NULL},
        {"kenshu-4.watowa@example.jp", "overnight", NULL, NULL, NULL, DT(2022, 7, 1, 18, 0),
         DT(2022, 7, 2, 1, 0), 0, NULL},
    };
    struct buf b;
    buf_init(&b);
    ical_write(&b, "-//kairan//kairan//JA", "和と輪つるおか", z, ev, 4, 1613709000);
    struct diag d;
    diag_init(&d);
    int rc = fs_write_file(&d, path, b.data, b.len);
    if (d.len)
        diag_print(&d, stderr);
    diag_release(&d);
    buf_release(&b);
    tz_free(z);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--sample"))
        return write_sample(argv[2]);
    RUN(escapes_text);
    RUN(folds_every_length);
    RUN(uids);
    RUN(tokyo_calendar);
    RUN(berlin_calendar);
    RUN(odd_events);
    reader_refuses_bad_files();
    return HARNESS_DONE();
}
