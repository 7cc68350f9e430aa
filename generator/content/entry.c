#include "content/entry.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "content/frontmatter.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/kana.h"
#include "content/schema.h"
#include "core/tz.h"
#include "core/url.h"
#include "core/xalloc.h"

static const struct schema_field contact_fields[] = {
    {"name", SCHEMA_STRING, 0, NULL, NULL, "名前"},
    {"phone", SCHEMA_STRING, 0, NULL, NULL, "電話番号"},
    {"email", SCHEMA_STRING, 0, NULL, NULL, "メールアドレス"},
    {"fax", SCHEMA_STRING, 0, NULL, NULL, "FAX番号"},
    {"url", SCHEMA_STRING, 0, NULL, NULL, "ホームページ"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field session_fields[] = {
    {"start", SCHEMA_WHEN, SCHEMA_REQUIRED, NULL, NULL, "開始日時"},
    {"end", SCHEMA_WHEN, 0, NULL, NULL, "終了日時"},
    {"label", SCHEMA_STRING, 0, NULL, NULL, "回の名前"},
    {"venue", SCHEMA_STRING, 0, NULL, NULL, "会場"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const char *const roles[] = {"main", "remote", NULL};

/* In the order of enum event_status. */
static const char *const status_names[] = {"scheduled", "cancelled", "postponed", "written",
                                           "online", NULL};

static const struct schema_field venue_fields[] = {
    {"id", SCHEMA_STRING, 0, NULL, NULL, "会場の記号"},
    {"name", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "会場名"},
    {"address", SCHEMA_STRING, 0, NULL, NULL, "住所"},
    {"role", SCHEMA_STRING, 0, NULL, roles, "会場の役割"},
    {"url", SCHEMA_STRING, 0, NULL, NULL, "ホームページ"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field program_fields[] = {
    {"title", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "演題"},
    {"speaker", SCHEMA_STRING, 0, NULL, NULL, "講師"},
    {"affiliation", SCHEMA_STRING, 0, NULL, NULL, "講師の所属"},
    {"time", SCHEMA_STRING, 0, NULL, NULL, "時間"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field apply_fields[] = {
    {"deadline", SCHEMA_DATE, 0, NULL, NULL, "申込締切日"},
    {"how", SCHEMA_STRING, 0, NULL, NULL, "申込方法"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* 肖像の同意: whether the people a picture shows agreed to its publication. "nobody": it shows
 * no one who could be recognised. A picture recorded with "no" is never published. */
static const char *const consents[] = {"yes", "no", "nobody", NULL};

static const struct schema_field picture_fields[] = {
    {"file", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "ファイル"},
    {"alt", SCHEMA_STRING, 0, NULL, NULL, "写真の説明"},
    {"consent", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, consents, "肖像の同意"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* Where an entry starts in the print edition: on a new page, or on a left-hand page so that it
 * opens across a spread. */
static const char *const print_breaks[] = {"page", "spread", NULL};

/* Fields every kind may have. */
#define COMMON_FIELDS                                                                              \
    {"kind", SCHEMA_STRING, 0, NULL, kind_names, "種類"},                                            \
        {"slug", SCHEMA_STRING, 0, NULL, NULL, "URL用の名前"},                                          \
        {"summary", SCHEMA_STRING, 0, NULL, NULL, "概要"},                                           \
        {"date", SCHEMA_DATE, 0, NULL, NULL, "日付"},                                                \
        {"updated", SCHEMA_DATE, 0, NULL, NULL, "更新日"},                                            \
        {"draft", SCHEMA_BOOL, 0, NULL, NULL, "下書き"},                                             \
        {"pictures", SCHEMA_LIST, 0, picture_fields, NULL, "写真の一覧"}

/* Fields an activity has, and an event may have. */
#define ACTIVITY_FIELDS(req)                                                                       \
    {"title", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "タイトル"},                                 \
        {"reading", SCHEMA_STRING, req, NULL, NULL, "読みがな"},                                       \
        {"district", SCHEMA_STRING, req, NULL, NULL, "地区"},                                        \
        {"categories", SCHEMA_STRINGS, req, NULL, NULL, "分野"},                                     \
        {"schedule", SCHEMA_STRING, 0, NULL, NULL, "活動日時"},                                        \
        {"place", SCHEMA_STRING, 0, NULL, NULL, "場所"},                                             \
        {"organizer", SCHEMA_STRING, 0, NULL, NULL, "主催"},                                         \
        {"contact", SCHEMA_OBJECT, 0, contact_fields, NULL, "連絡先"},                                \
        {"fee", SCHEMA_STRING, 0, NULL, NULL, "参加費"},                                              \
        {"audience", SCHEMA_STRING, 0, NULL, NULL, "対象"},                                          \
        {"image", SCHEMA_STRING, 0, NULL, NULL, "写真"},                                             \
        {"image_alt", SCHEMA_STRING, 0, NULL, NULL, "写真の説明"},                                      \
        {"issue", SCHEMA_INT, 0, NULL, NULL, "掲載号"},                                               \
        {"print_break", SCHEMA_STRING, 0, NULL, print_breaks, "印刷での改ページ"}

static const char *const kind_names[] = {"activity", "event", "issue", "page", NULL};
static const char *const kind_folders[] = {"activities", "events", "issues", "pages"};

static const struct schema_field activity_schema[] = {
    COMMON_FIELDS,
    ACTIVITY_FIELDS(SCHEMA_REQUIRED),
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field event_schema[] = {
    COMMON_FIELDS,
    ACTIVITY_FIELDS(0),
    {"start", SCHEMA_WHEN, 0, NULL, NULL, "開始日時"},
    {"end", SCHEMA_WHEN, 0, NULL, NULL, "終了日時"},
    {"sessions", SCHEMA_LIST, 0, session_fields, NULL, "開催回"},
    {"status", SCHEMA_STRING, 0, NULL, status_names, "開催状況"},
    {"postponed_to", SCHEMA_WHEN, 0, NULL, NULL, "延期後の日時"},
    {"venues", SCHEMA_LIST, 0, venue_fields, NULL, "会場"},
    {"program", SCHEMA_LIST, 0, program_fields, NULL, "プログラム"},
    {"capacity", SCHEMA_INT, 0, NULL, NULL, "定員"},
    {"apply", SCHEMA_OBJECT, 0, apply_fields, NULL, "申込"},
    {"participants", SCHEMA_INT, 0, NULL, NULL, "参加者数"},
    {"note", SCHEMA_STRING, 0, NULL, NULL, "備考"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field issue_schema[] = {
    COMMON_FIELDS,
    {"number", SCHEMA_INT, SCHEMA_REQUIRED, NULL, NULL, "号数"},
    {"title", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "タイトル"},
    {"cover", SCHEMA_STRING, 0, NULL, NULL, "表紙の写真"},
    {"cover_alt", SCHEMA_STRING, 0, NULL, NULL, "表紙の写真の説明"},
    {"copies", SCHEMA_INT, 0, NULL, NULL, "発行部数"},
    {"editor", SCHEMA_STRING, 0, NULL, NULL, "編集"},
    {"contents", SCHEMA_STRINGS, 0, NULL, NULL, "目次"},
    {"print_break", SCHEMA_STRINGS, 0, NULL, NULL, "改ページする記事"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field page_schema[] = {
    COMMON_FIELDS,
    {"title", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "タイトル"},
    {"weight", SCHEMA_INT, 0, NULL, NULL, "並び順"},
    {"menu", SCHEMA_BOOL, 0, NULL, NULL, "メニューに出す"},
    {"print_break", SCHEMA_STRING, 0, NULL, print_breaks, "印刷での改ページ"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field *const schemas[KIND_COUNT] = {activity_schema, event_schema,
                                                               issue_schema, page_schema};

/* The order of the fields in a file that kairan writes: the order of `kairan new`'s templates,
 * with the fields they leave out placed among those they resemble. Every field of the kind's
 * schema appears once (tests/unit/test_entry.c checks it). */
static const char *const activity_order[] = {
    "kind", "slug", "title", "reading", "district", "categories", "summary", "schedule",
    "place", "organizer", "contact", "fee", "audience", "image", "image_alt", "pictures",
    "issue", "date", "updated", "draft", "print_break", NULL};
static const char *const event_order[] = {
    "kind", "slug", "title", "reading", "summary", "district", "categories", "status",
    "postponed_to", "start", "end", "sessions", "venues", "program", "capacity", "apply",
    "participants", "organizer", "contact", "schedule", "place", "fee", "audience", "note",
    "image", "image_alt", "pictures", "issue", "date", "updated", "draft", "print_break", NULL};
static const char *const issue_order[] = {
    "kind", "slug", "number", "title", "date", "cover", "cover_alt", "copies", "editor",
    "summary", "contents", "pictures", "updated", "draft", "print_break", NULL};
static const char *const page_order[] = {
    "kind", "slug", "title", "summary", "date", "updated", "weight", "menu", "pictures",
    "draft", "print_break", NULL};
static const char *const *const orders[KIND_COUNT] = {activity_order, event_order, issue_order,
                                                      page_order};

const struct schema_field *entry_schema(enum entry_kind k)
{
    return schemas[k];
}

const char *const *entry_field_order(enum entry_kind k)
{
    return orders[k];
}

const char *entry_kind_folder(enum entry_kind k)
{
    return kind_folders[k];
}

enum entry_kind entry_kind_from_name(const char *name)
{
    for (int k = 0; k < KIND_COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return (enum entry_kind)k;
    return KIND_COUNT;
}

int entry_picture_refused(const struct entry *e, const char *src)
{
    json_t *list = json_object_get(e->fm, "pictures");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);
        const char *file = json_string_value(json_object_get(p, "file"));
        const char *consent = json_string_value(json_object_get(p, "consent"));
        if (file && consent && strcmp(file, src) == 0 && strcmp(consent, "no") == 0)
            return (int)i;
    }
    return -1;
}

/* Top-level folders of the output that a page's slug must not take. */
static const char *const reserved[] = {"activities", "events", "issues", "districts",
                                       "categories", "img", "static", "print",
                                       "page", "404", NULL};

const char *entry_kind_name(enum entry_kind k)
{
    return kind_names[k];
}

/* Whether field is required in every kind's schema that has it. */
static int required_everywhere(const char *field)
{
    int seen = 0;
    for (int k = 0; k < KIND_COUNT; k++) {
        for (const struct schema_field *f = schemas[k]; f->name; f++) {
            if (strcmp(f->name, field) != 0)
                continue;
            if (!(f->flags & SCHEMA_REQUIRED))
                return 0;
            seen = 1;
        }
    }
    return seen;
}

void entry_optional_fields(struct strv *out)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        for (const struct schema_field *f = schemas[k]; f->name; f++) {
            if (!required_everywhere(f->name) && !strv_contains(out, f->name))
                strv_push(out, f->name);
            for (const struct schema_field *g = f->fields; g && g->name; g++) {
                if (g->flags & SCHEMA_REQUIRED)
                    continue;
                char *name = xasprintf("%s.%s", f->name, g->name);
                if (strv_contains(out, name))
                    free(name);
                else
                    strv_push_owned(out, name);
            }
        }
    }
}

const char *entry_status_name(enum event_status s)
{
    return status_names[s];
}

static struct datetime session_over(const struct session *s)
{
    if (!s->all_day)
        return s->end;
    return (struct datetime){.date = date_add_days(s->end.date, 1)};
}

struct datetime entry_event_over(const struct entry *e)
{
    struct datetime over = session_over(&e->sessions[e->n_sessions - 1]);
    if (e->has_postponed && date_compare_datetime(session_over(&e->postponed), over) > 0)
        over = session_over(&e->postponed);
    return over;
}

void entry_error(struct diag *d, const struct entry *e, const char *field, const char *fmt, ...)
{
    struct yamldoc doc;
    yamldoc_init(&doc);
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    struct frontmatter fm;
    if (e->fm_text) {
        yamldoc_parse(&quiet, e->source, e->fm_text, e->fm_len, e->fm_line, &doc);
    } else if (e->source && frontmatter_read_as(&quiet, entry_file(e), e->source, &text, &fm) == 0 &&
               fm.yaml_len == e->fm_len && fm.yaml_line == e->fm_line) {
        /* An entry from the entry cache: its front matter read back from the file. */
        yamldoc_parse(&quiet, e->source, fm.yaml, fm.yaml_len, fm.yaml_line, &doc);
    }
    buf_release(&text);
    diag_release(&quiet);
    struct schema_ctx c = {d, e->source, &doc, 1, 0};
    va_list ap;
    va_start(ap, fmt);
    schema_verror(&c, field, 0, fmt, ap);
    va_end(ap);
    yamldoc_release(&doc);
}

static const char *get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Names the closest declared slug, for "did you mean". */
static const char *closest(const struct taxon *v, size_t n, const char *slug)
{
    const char *best = NULL;
    unsigned best_d = 3;
    for (size_t i = 0; i < n; i++) {
        unsigned dist = schema_distance(slug, v[i].slug);
        if (dist < best_d) {
            best_d = dist;
            best = v[i].slug;
        }
        if (strcmp(slug, v[i].name) == 0)
            return v[i].slug; /* they wrote 櫛引 where the slug kushibiki was wanted */
    }
    return best;
}

static void check_taxon(struct schema_ctx *c, const struct taxon *v, size_t n, const char *slug,
                        const char *path, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].slug, slug) == 0)
            return;
    const char *near = closest(v, n, slug);
    int district = strcmp(what, "district") == 0;
    if (near)
        schema_error(c, path, 0,
                     district ? _("'%s' is not a district declared in site.yaml; did you mean "
                                  "'%s'?")
                              : _("'%s' is not a category declared in site.yaml; did you mean "
                                  "'%s'?"),
                     slug, near);
    else
        schema_error(c, path, 0,
                     district ? _("'%s' is not a district declared in site.yaml (add it under "
                                  "districts: there, or use a declared one)")
                              : _("'%s' is not a category declared in site.yaml (add it under "
                                  "categories: there, or use a declared one)"),
                     slug);
}

/* A web address field (contact.url, a venue's url) becomes a link on the page: only http and
 * https are allowed, so that no javascript:, data: or other scheme can reach an href. */
static void check_url(struct schema_ctx *c, const json_t *obj, const char *path)
{
    const char *url = get_str(obj, "url");
    if (!url || url_web_rest(url))
        return;
    schema_error(c, path, 0, _("'url' should be a web address starting with https:// or http:// "
                               "(like https://example.jp/salon/)"));
}

static int parse_dt(const json_t *obj, const char *key, struct datetime *out)
{
    const char *s = get_str(obj, key);
    struct date_why why;
    int has_time;
    return s && date_parse_either(out, &has_time, s, strlen(s), &why) == 0;
}

/* parse_dt that also tells whether a time was given: 1 with a time, 0 a date only, -1 when
 * key is missing or not a date (the schema reported that). */
static int parse_when(const json_t *obj, const char *key, struct datetime *out)
{
    const char *s = get_str(obj, key);
    struct date_why why;
    int has_time;
    if (!s || date_parse_either(out, &has_time, s, strlen(s), &why) != 0)
        return -1;
    return has_time;
}

static int session_cmp(const void *pa, const void *pb)
{
    const struct session *a = pa, *b = pb;
    int c = date_compare_datetime(a->start, b->start);
    return c ? c : date_compare_datetime(a->end, b->end);
}

/* status: and postponed_to:, checked: a new date only for a postponed event, and after the
 * event's first session. */
static void load_status(struct schema_ctx *c, struct entry *e)
{
    const char *name = get_str(e->fm, "status");
    for (int i = 0; name && status_names[i]; i++)
        if (strcmp(status_names[i], name) == 0)
            e->status = (enum event_status)i;
    if (!json_object_get(e->fm, "postponed_to"))
        return;
    if (e->status != EVENT_POSTPONED) {
        schema_error(c, "postponed_to", 1, _("'postponed_to' is the new date of a postponed "
                                             "event: add 'status: postponed' or remove it"));
        return;
    }
    int has_time = parse_when(e->fm, "postponed_to", &e->postponed.start);
    if (has_time < 0)
        return;
    e->postponed.all_day = !has_time;
    e->postponed.end = e->postponed.start;
    if (e->n_sessions && date_compare(e->postponed.start.date, e->sessions[0].start.date) <= 0)
        schema_error(c, "postponed_to", 0, _("the new date (%s) should come after the date the "
                                             "event was planned for"),
                     get_str(e->fm, "postponed_to"));
    else
        e->has_postponed = 1;
}

/* Sessions from start/end or from sessions:, checked: end after start, venues declared, no
 * session given twice. */
static void load_sessions(struct schema_ctx *c, struct entry *e)
{
    json_t *fm = e->fm;
    json_t *list = json_object_get(fm, "sessions");
    int has_start = json_object_get(fm, "start") != NULL;
    if (!has_start && !json_array_size(list)) {
        schema_error(c, NULL, 0, _("an event needs a 'start' date and time (or a list of "
                                   "'sessions'); for example: start: 2021-02-19 13:30"));
        return;
    }
    if (has_start && list) {
        schema_error(c, "sessions", 1, _("give either 'start'/'end' or 'sessions', not both"));
        return;
    }
    size_t n = has_start ? 1 : json_array_size(list);
    e->sessions = xcalloc(n, sizeof *e->sessions);
    json_t *venues = json_object_get(fm, "venues");
    for (size_t i = 0; i < n; i++) {
        json_t *obj = has_start ? fm : json_array_get(list, i);
        char *prefix = has_start ? xstrdup("") : xasprintf("sessions.%zu.", i);
        struct session *s = &e->sessions[e->n_sessions];
        int start_time = parse_when(obj, "start", &s->start);
        if (start_time < 0) {
            free(prefix);
            continue; /* already reported by the schema */
        }
        s->all_day = !start_time;
        int end_time = parse_when(obj, "end", &s->end);
        if (end_time < 0) {
            s->end = s->start;
        } else if (end_time != start_time) {
            char *path = xasprintf("%send", prefix);
            schema_error(c, path, 0, _("'end' (%s) should be written like 'start' (%s): both with "
                                       "a time, or both dates only for whole days"),
                         get_str(obj, "end"), get_str(obj, "start"));
            free(path);
        } else if (date_compare_datetime(s->end, s->start) < 0) {
            char *path = xasprintf("%send", prefix);
            schema_error(c, path, 0, _("this session ends (%s) before it starts (%s)"),
                         get_str(obj, "end"), get_str(obj, "start"));
            free(path);
        }
        s->label = get_str(obj, "label");
        s->venue = get_str(obj, "venue");
        if (s->venue) {
            int found = 0;
            for (size_t v = 0; v < json_array_size(venues); v++)
                if (get_str(json_array_get(venues, v), "id") &&
                    strcmp(get_str(json_array_get(venues, v), "id"), s->venue) == 0)
                    found = 1;
            if (!found) {
                char *path = xasprintf("%svenue", prefix);
                schema_error(c, path, 0, _("'%s' is not the id of one of this event's venues"),
                             s->venue);
                free(path);
            }
        }
        for (size_t j = 0; j < e->n_sessions; j++) {
            if (date_compare_datetime(e->sessions[j].start, s->start) == 0 &&
                date_compare_datetime(e->sessions[j].end, s->end) == 0) {
                char *path = xasprintf("%sstart", prefix);
                schema_error(c, path, 0, _("this session repeats session %zu (same start and end)"),
                             j + 1);
                free(path);
            }
        }
        e->n_sessions++;
        free(prefix);
    }
    if (e->n_sessions > 1)
        qsort(e->sessions, e->n_sessions, sizeof *e->sessions, session_cmp);
    load_status(c, e);

    /* Venue ids are unique. */
    for (size_t i = 0; i < json_array_size(venues); i++) {
        const char *id = get_str(json_array_get(venues, i), "id");
        for (size_t j = 0; id && j < i; j++) {
            const char *other = get_str(json_array_get(venues, j), "id");
            if (other && strcmp(id, other) == 0) {
                char *path = xasprintf("venues.%zu.id", i);
                schema_error(c, path, 0, _("two venues have the id '%s'"), id);
                free(path);
            }
        }
    }
}

/* The kind from the first folder of rel (activities/x.md), or KIND_COUNT. */
static enum entry_kind kind_from_folder(const char *rel)
{
    const char *slash = strchr(rel, '/');
    if (!slash)
        return KIND_COUNT;
    for (int k = 0; k < KIND_COUNT; k++)
        if (strlen(kind_folders[k]) == (size_t)(slash - rel) &&
            strncmp(kind_folders[k], rel, (size_t)(slash - rel)) == 0)
            return (enum entry_kind)k;
    return KIND_COUNT;
}

static void place(struct schema_ctx *c, const struct site_config *cfg, struct entry *e)
{
    if (e->original) {
        /* The original's address, under the language's folder. */
        e->slug = e->original->slug;
        e->url = xasprintf("%s%s", e->lang->prefix, e->original->url);
        e->out = xasprintf("%sindex.html", e->url);
        return;
    }
    const char *slug = get_str(e->fm, "slug");
    if (!slug) {
        const char *base = strrchr(e->rel, '/');
        base = base ? base + 1 : e->rel;
        e->rel_slug = xstrndup(base, strlen(base) - 3); /* without .md */
        slug = e->rel_slug;
        const char *dot = strrchr(slug, '.');
        if (dot && config_is_slug(dot + 1) && !config_is_slug(slug)) {
            schema_error(c, NULL, 0, _("'%s' looks like a translation, but '%s' is not the key of "
                                     "a language in site.yaml (languages:); add the language "
                                     "there, or rename the file using only a-z, 0-9 and '-'"),
                         base, dot + 1);
            return;
        }
        if (!config_is_slug(slug)) {
            schema_error(c, NULL, 0, _("the file name '%s' cannot be used as a web address; rename "
                                       "the file using only a-z, 0-9 and '-', or add a field like  "
                                       "slug: kushibiki-salon"),
                         base);
            return;
        }
    } else if (!config_is_slug(slug)) {
        schema_error(c, "slug", 0, _("'%s' cannot be used as a web address: a slug uses only "
                                     "a-z, 0-9 and '-' (like kushibiki-salon)"),
                     slug);
        return;
    }
    e->slug = slug;
    if (e->kind == KIND_PAGE) {
        for (const char *const *r = reserved; *r; r++)
            if (strcmp(*r, slug) == 0)
                schema_error(c, get_str(e->fm, "slug") ? "slug" : NULL, 0,
                             _("a page cannot be called '%s': the site uses /%s/ itself; choose "
                               "another slug"),
                             slug, slug);
        if (config_language_key(cfg, slug, strlen(slug)))
            schema_error(c, get_str(e->fm, "slug") ? "slug" : NULL, 0,
                         _("a page cannot be called '%s': the pages in that language are at "
                           "/%s/; choose another slug"),
                         slug, slug);
        e->url = xasprintf("%s/", slug);
    } else {
        e->url = xasprintf("%s/%s/", kind_folders[e->kind], slug);
    }
    e->out = xasprintf("%sindex.html", e->url);
}

static int entry_check(struct diag *d, const struct site_config *cfg, const char *rel,
                       struct entry *e, const struct yamldoc *doc, unsigned fallback_line);

/* Reads e's file (entry_file) and parses its front matter into *doc, recording on e what a
 * build keeps of it (time, the body's hash and place, the front matter's text). Returns 0, or
 * -1 with the problem reported; *doc is then not set. The caller releases *doc. */
static int read_front(struct diag *d, struct entry *e, struct yamldoc *doc)
{
    struct buf text;
    buf_init(&text);
    struct frontmatter fm;
    if (frontmatter_read_as(d, entry_file(e), e->source, &text, &fm) != 0) {
        buf_release(&text);
        return -1;
    }
    struct stat st;
    if (stat(entry_file(e), &st) == 0)
        e->mtime = (int64_t)st.st_mtim.tv_sec;
    e->body_hash = hash_bytes(fm.body, fm.body_len);
    e->body_len = fm.body_len;
    e->body_line = fm.body_line;
    e->fm_hash = hash_bytes(fm.yaml, fm.yaml_len);
    e->fm_len = fm.yaml_len;
    e->fm_line = fm.yaml_line;
    int rc = yamldoc_parse(d, e->source, fm.yaml, fm.yaml_len, fm.yaml_line, doc);
    buf_release(&text);
    if (rc != 0)
        return -1;
    if (!json_is_object(doc->root)) {
        diag_error(d, e->source, fm.yaml_line, 1,
                   _("the front matter should be fields like 'title: ...', one per line"));
        yamldoc_release(doc);
        return -1;
    }
    return 0;
}

int entry_load(struct diag *d, const struct site_config *cfg, const char *source,
               const char *rel, struct entry *e)
{
    return entry_load_from(d, cfg, source, rel, NULL, e);
}

int entry_load_from(struct diag *d, const struct site_config *cfg, const char *source,
                    const char *rel, const char *file, struct entry *e)
{
    memset(e, 0, sizeof *e);
    char *content = fs_join(source, "content");
    e->source = fs_join(content, rel);
    free(content);
    e->rel = xstrdup(rel);
    if (file)
        e->file = xstrdup(file);

    struct yamldoc doc;
    if (read_front(d, e, &doc) != 0)
        return -1;
    e->fm = json_incref(doc.root);
    e->lang = cfg->languages;
    int rc = entry_check(d, cfg, rel, e, &doc, 1);
    yamldoc_release(&doc);
    return rc;
}

int entry_read_body(struct diag *d, const struct entry *e, struct buf *text, const char **body)
{
    struct frontmatter fm;
    struct diag own;
    diag_init(&own);
    int rc = frontmatter_read_as(&own, entry_file(e), e->source, text, &fm);
    diag_release(&own);
    if (rc != 0 || fm.body_len != e->body_len || fm.body_line != e->body_line ||
        !hash_equal(hash_bytes(fm.body, fm.body_len), e->body_hash)) {
        diag_io_error(d, e->source, _("the file changed while kairan was building the site; build "
                                      "again"));
        return -1;
    }
    *body = fm.body;
    return 0;
}

/* The rest of entry_load: the checks that need the positions in doc. */
static int entry_check(struct diag *d, const struct site_config *cfg, const char *rel,
                       struct entry *e, const struct yamldoc *doc, unsigned fallback_line)
{
    struct schema_ctx c = {d, e->source, doc, fallback_line, 0};
    const char *kind = get_str(e->fm, "kind");
    e->kind = kind ? entry_kind_from_name(kind) : kind_from_folder(rel);
    if (e->kind == KIND_COUNT) {
        if (kind)
            schema_error(&c, "kind", 0, _("'%s' is not a kind of entry (use activity, event, "
                                          "issue or page)"),
                         kind);
        else
            schema_error(&c, NULL, 0, _("kairan cannot tell what this file is: put it in "
                                        "content/activities, events, issues or pages, or add a "
                                        "field like  kind: page"));
        return -1;
    }
    schema_check(&c, e->fm, schemas[e->kind], "");

    e->title = get_str(e->fm, "title");
    e->title_pos = (struct yamldoc_pos){1, 1};
    yamldoc_value_pos(doc, "title", &e->title_pos);
    yamldoc_value_pos(doc, e->kind == KIND_ISSUE ? "cover" : "image", &e->image_pos);
    e->reading = get_str(e->fm, "reading");
    e->district = get_str(e->fm, "district");
    e->image = get_str(e->fm, e->kind == KIND_ISSUE ? "cover" : "image");
    e->draft = json_is_true(json_object_get(e->fm, "draft"));
    e->has_date = parse_dt(e->fm, "date", &e->date);
    json_t *num = json_object_get(e->fm, e->kind == KIND_ISSUE ? "number" : "issue");
    e->number = json_is_integer(num) ? (long)json_integer_value(num) : 0;
    json_t *w = json_object_get(e->fm, "weight");
    e->weight = json_is_integer(w) ? (long)json_integer_value(w) : 0;
    e->menu = json_is_true(json_object_get(e->fm, "menu"));

    if (e->district)
        check_taxon(&c, cfg->districts, cfg->n_districts, e->district, "district", "district");
    json_t *cats = json_object_get(e->fm, "categories");
    for (size_t i = 0; json_is_array(cats) && i < json_array_size(cats); i++) {
        const char *cat = json_string_value(json_array_get(cats, i));
        char *path = xasprintf("categories.%zu", i);
        if (cat)
            check_taxon(&c, cfg->categories, cfg->n_categories, cat, path, "category");
        free(path);
    }
    check_url(&c, json_object_get(e->fm, "contact"), "contact.url");
    json_t *venues = json_object_get(e->fm, "venues");
    for (size_t i = 0; json_is_array(venues) && i < json_array_size(venues); i++) {
        char *path = xasprintf("venues.%zu.url", i);
        check_url(&c, json_array_get(venues, i), path);
        free(path);
    }
    if (e->kind == KIND_EVENT)
        load_sessions(&c, e);
    if (e->kind == KIND_ISSUE && e->number <= 0 && json_is_integer(num))
        schema_error(&c, "number", 0, _("an issue number starts at 1"));
    if (e->kind == KIND_ACTIVITY && e->reading && kana_row(e->reading) < 0)
        schema_warning(&c, "reading", 0, _("'reading' should be written in kana (like "
                                           "くしびきおとこじゅく) so that lists sort in 50音 order"));

    place(&c, cfg, e);
    e->sort_key = kana_sort_key(e->reading ? e->reading : e->title ? e->title : "");
    return c.failed ? -1 : 0;
}

/* Reports field (a session's start or end, as written in obj) when its wall time falls in a
 * gap of zone, when the clocks go forward. Returns 1 if it did. */
static int check_gap(struct diag *d, const struct entry *e, const struct tz *zone,
                     const json_t *obj, const char *prefix, const char *key)
{
    const char *s = get_str(obj, key);
    struct datetime local;
    struct date_why why;
    int has_time;
    enum tz_fold fold;
    if (!s || date_parse_either(&local, &has_time, s, strlen(s), &why) != 0 || !has_time)
        return 0;
    int64_t t = tz_to_utc(zone, local, &fold);
    if (fold != TZ_GAP)
        return 0;
    /* The change that made the gap: the last one at or before t (read with the old offset). */
    struct tz_transition *tr;
    size_t n = tz_transitions(zone, t - 2 * 86400, t + 1, &tr);
    struct datetime from = local, to = local;
    if (n) {
        from = date_from_seconds(tr[n - 1].at + tr[n - 1].before.offset);
        to = date_from_seconds(tr[n - 1].at + tr[n - 1].after.offset);
    }
    free(tr);
    char *field = xasprintf("%s%s", prefix, key);
    entry_error(d, e, field,
                _("'%s' is %s, a time that does not exist in %s: that night the clocks go forward "
                  "from %02d:%02d to %02d:%02d (give a time before %02d:%02d, or from %02d:%02d "
                  "on)"),
                key, s, tz_name(zone), from.hour, from.minute, to.hour, to.minute, from.hour,
                from.minute, to.hour, to.minute);
    free(field);
    return 1;
}

int entry_check_times(struct diag *d, const struct entry *e, const struct tz *zone)
{
    if (e->kind != KIND_EVENT || !e->fm)
        return 0;
    int bad = 0;
    json_t *list = json_object_get(e->fm, "sessions");
    if (json_object_get(e->fm, "start")) {
        bad |= check_gap(d, e, zone, e->fm, "", "start");
        bad |= check_gap(d, e, zone, e->fm, "", "end");
    } else {
        for (size_t i = 0; i < json_array_size(list); i++) {
            char *prefix = xasprintf("sessions.%zu.", i);
            bad |= check_gap(d, e, zone, json_array_get(list, i), prefix, "start");
            bad |= check_gap(d, e, zone, json_array_get(list, i), prefix, "end");
            free(prefix);
        }
    }
    return bad ? -1 : 0;
}

const char *entry_file(const struct entry *e)
{
    return e->file ? e->file : e->source;
}

void entry_release(struct entry *e)
{
    free(e->source);
    free(e->file);
    free(e->rel);
    free(e->url);
    free(e->out);
    free(e->sessions);
    free(e->sort_key);
    free(e->rel_slug);
    free(e->versions);
    json_decref(e->fm);
    free(e->fm_text);
    memset(e, 0, sizeof *e);
}

const struct language *entry_translation_of(const struct site_config *cfg, const char *rel,
                                            char **original_rel)
{
    size_t n = strlen(rel);
    if (n < 3 || strcmp(rel + n - 3, ".md") != 0)
        return NULL;
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    const char *end = rel + n - 3, *dot = end;
    while (dot > base && dot[-1] != '.')
        dot--;
    if (dot == base)
        return NULL; /* no second dot: an original */
    const struct language *l = config_language_key(cfg, dot, (size_t)(end - dot));
    if (l)
        *original_rel = xasprintf("%.*s.md", (int)(dot - 1 - rel), rel);
    return l;
}

/* Fields that place an entry or count something: a translation has the original's. A name
 * ends with ".*" for every item of a list ("sessions.*.start"). */
static const char *const shared_fields[] = {
    "slug", "district", "categories", "issue", "number", "start", "end", "status",
    "postponed_to", "capacity", "participants", "copies", "weight", "menu", "image", "cover",
    "contents", "print_break", "apply.deadline", "sessions.*.start", "sessions.*.end",
    "sessions.*.venue", "venues.*.id", "venues.*.role", "pictures.*.file", "pictures.*.consent",
    NULL};

int entry_field_shared(const char *path)
{
    for (const char *const *f = shared_fields; *f; f++) {
        const char *p = path, *q = *f;
        while (*p && *q) {
            if (q[0] == '*') {
                p += strspn(p, "0123456789");
                q++;
            } else if (*p == *q) {
                p++;
                q++;
            } else {
                break;
            }
        }
        if (!*p && !*q)
            return 1;
    }
    return 0;
}

struct merge_ctx {
    struct schema_ctx *c;
    const char *original; /* its path, for messages */
};

/* Merges the translation's value t (at path) over a copy of the original's o and returns the
 * result (a new reference): groups field by field, lists of groups item by item, anything
 * else the translation's. Reports a shared field given another value, and a list of groups
 * with another number of items. */
static json_t *merge_value(struct merge_ctx *m, json_t *o, json_t *t, const char *path)
{
    if (*path && entry_field_shared(path)) {
        if (o && !json_equal(o, t))
            schema_error(m->c, path, 1, _("'%s' comes from the original (%s) and cannot be "
                                        "changed in a translation: remove this line"),
                         path, m->original);
        else if (!o)
            schema_error(m->c, path, 1, _("'%s' is not in the original (%s); a translation "
                                        "changes only the text: remove this line"),
                         path, m->original);
        return json_incref(o ? o : t);
    }
    if (json_is_object(t) && json_is_object(o)) {
        json_t *out = json_deep_copy(o);
        const char *key;
        json_t *v;
        json_object_foreach(t, key, v) {
            char *sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
            json_object_set_new(out, key, merge_value(m, json_object_get(o, key), v, sub));
            free(sub);
        }
        return out;
    }
    int groups = json_is_array(t) && json_array_size(t) && json_is_object(json_array_get(t, 0));
    if (groups && json_is_array(o) && json_array_size(o) != json_array_size(t)) {
        schema_error(m->c, path, 1, _("'%s' has %zu items here and %zu in the original (%s): "
                                    "give the same items in the same order, translated"),
                     path, json_array_size(t), json_array_size(o), m->original);
        return json_incref(o);
    }
    if (groups && json_is_array(o)) {
        json_t *out = json_array();
        for (size_t i = 0; i < json_array_size(t); i++) {
            char *sub = xasprintf("%s.%zu", path, i);
            json_array_append_new(out, merge_value(m, json_array_get(o, i), json_array_get(t, i),
                                                   sub));
            free(sub);
        }
        return out;
    }
    if (groups) /* a list of groups the original has not: its items must not be shared */
        for (size_t i = 0; i < json_array_size(t); i++) {
            char *sub = xasprintf("%s.%zu", path, i);
            json_decref(merge_value(m, NULL, json_array_get(t, i), sub));
            free(sub);
        }
    if (json_is_object(t)) { /* a group the original has not: check its shared fields */
        const char *key;
        json_t *v;
        json_object_foreach(t, key, v) {
            char *sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
            json_decref(merge_value(m, NULL, v, sub));
            free(sub);
        }
    }
    return json_incref(t);
}

int entry_load_translation(struct diag *d, const struct site_config *cfg, const char *source,
                           const char *rel, const char *file, const struct language *lang,
                           struct entry *original, struct entry *e)
{
    memset(e, 0, sizeof *e);
    char *content = fs_join(source, "content");
    e->source = fs_join(content, rel);
    free(content);
    e->rel = xstrdup(rel);
    if (file)
        e->file = xstrdup(file);
    e->lang = lang;
    e->original = original;
    if (!original) {
        char *orig_rel = NULL;
        entry_translation_of(cfg, rel, &orig_rel);
        diag_error(d, e->source, 1, 1,
                   _("this is a translation (%s, %s) of content/%s, which does not exist: a "
                   "translation sits beside its original and has the original's file name with "
                   ".%s before .md"),
                   lang->code, lang->name, orig_rel ? orig_rel : rel, lang->key);
        free(orig_rel);
        return -1;
    }
    struct yamldoc doc;
    if (read_front(d, e, &doc) != 0)
        return -1;
    struct schema_ctx c = {d, e->source, &doc, 1, 0};
    const char *kind = get_str(doc.root, "kind");
    if (kind && entry_kind_from_name(kind) != original->kind) {
        schema_error(&c, "kind", 0,
                     _("a translation is of the same kind as its original (%s is of the kind "
                       "'%s'): remove this line"),
                     original->source, entry_kind_name(original->kind));
        yamldoc_release(&doc);
        return -1;
    }
    struct merge_ctx m = {&c, original->source};
    json_t *own = json_copy(doc.root);
    json_object_del(own, "kind");
    e->fm = merge_value(&m, original->fm, own, "");
    json_decref(own);
    /* The checks of an original, on the merged fields: only messages about the translation's
     * own lines count (the original's were given with it), so what has no line is dropped. */
    struct diag mine;
    diag_init(&mine);
    int rc = entry_check(&mine, cfg, rel, e, &doc, 0);
    for (size_t i = 0; i < mine.len; i++) {
        const struct diag_msg *msg = &mine.msgs[i];
        if (!msg->line && msg->level != DIAG_ERROR)
            continue;
        if (msg->level == DIAG_ERROR)
            diag_error(d, msg->path, msg->line, msg->col, "%s", msg->text);
        else
            diag_warning(d, msg->path, msg->line, msg->col, "%s", msg->text);
    }
    int failed = rc != 0 || mine.errors != 0 || c.failed;
    diag_release(&mine);
    /* Outside Japanese, lists follow the titles as written, not the original's reading. */
    int japanese = strncmp(lang->code, "ja", 2) == 0 && (!lang->code[2] || lang->code[2] == '-');
    if (!japanese && !json_object_get(doc.root, "reading") && e->title) {
        struct buf key;
        buf_init(&key);
        for (const char *p = e->title; *p; p++)
            buf_putc(&key, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
        buf_putc(&key, '\x01');
        buf_puts(&key, e->title);
        free(e->sort_key);
        e->sort_key = buf_detach(&key, NULL);
    }
    yamldoc_release(&doc);
    return failed ? -1 : 0;
}
