#include "content/site.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/intl.h"
#include "core/strv.h"
#include "core/url.h"
#include "core/xalloc.h"

static int by_source(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    return strcmp(a->rel, b->rel);
}

static int by_out(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    int c = strcmp(a->out, b->out);
    return c ? c : strcmp(a->rel, b->rel);
}

static int by_reading(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    int c = strcmp(a->sort_key, b->sort_key);
    return c ? c : strcmp(a->slug, b->slug);
}

static int by_start(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    int c = 0;
    if (a->n_sessions && b->n_sessions)
        c = date_compare_datetime(a->sessions[0].start, b->sessions[0].start);
    return c ? c : strcmp(a->slug, b->slug);
}

static int by_number_desc(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    if (a->number != b->number)
        return a->number > b->number ? -1 : 1;
    return strcmp(a->slug, b->slug);
}

static int by_weight(const void *pa, const void *pb)
{
    const struct entry *a = *(struct entry *const *)pa, *b = *(struct entry *const *)pb;
    if (a->weight != b->weight)
        return a->weight < b->weight ? -1 : 1;
    return by_reading(pa, pb);
}

/* Two entries at one URL: names both files, at the later one. Returns 0, or -1 after
 * reporting. */
static int check_addresses(struct diag *d, struct entry **entries, size_t n)
{
    int rc = 0;
    struct entry **tmp = xcalloc(n ? n : 1, sizeof *tmp);
    memcpy(tmp, entries, n * sizeof *entries);
    qsort(tmp, n, sizeof *tmp, by_out);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(tmp[i]->out, tmp[i - 1]->out) == 0) {
            entry_error(d, tmp[i], json_object_get(tmp[i]->fm, "slug") ? "slug" : NULL,
                        _("this entry and %s would both be published at /%s; give one of them "
                          "another file name or slug"),
                        tmp[i - 1]->source, tmp[i]->url);
            rc = -1;
        }
    }
    free(tmp);
    return rc;
}

/* Takes entries as the site's and orders each kind. */
static void site_order(struct site *s, const struct site_config *cfg, const struct language *lang,
                       struct entry **entries, size_t n, struct datetime now)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->lang = lang;
    s->now = now;
    s->all = xcalloc(n ? n : 1, sizeof *s->all);
    memcpy(s->all, entries, n * sizeof *entries);
    s->n_all = n;
    qsort(s->all, n, sizeof *s->all, by_source);
    for (int k = 0; k < KIND_COUNT; k++)
        s->kind[k] = xcalloc(n ? n : 1, sizeof **s->kind);
    for (size_t i = 0; i < n; i++) {
        enum entry_kind k = s->all[i]->kind;
        s->kind[k][s->n_kind[k]++] = s->all[i];
    }
    qsort(s->kind[KIND_ACTIVITY], s->n_kind[KIND_ACTIVITY], sizeof(struct entry *),
          by_reading);
    qsort(s->kind[KIND_EVENT], s->n_kind[KIND_EVENT], sizeof(struct entry *), by_start);
    qsort(s->kind[KIND_ISSUE], s->n_kind[KIND_ISSUE], sizeof(struct entry *), by_number_desc);
    qsort(s->kind[KIND_PAGE], s->n_kind[KIND_PAGE], sizeof(struct entry *), by_weight);
    /* The first of an ordered kind with a slug wins, as a search in that order would find. */
    strmap_init(&s->by_slug);
    for (int k = 0; k < KIND_COUNT; k++) {
        for (size_t i = 0; i < s->n_kind[k]; i++) {
            char *key = xasprintf("%c%s", 'a' + k, s->kind[k][i]->slug);
            int added;
            strmap_add(&s->by_slug, key, strlen(key), s->kind[k][i], &added);
            free(key);
        }
    }
}

int site_index(struct diag *d, struct site *s, const struct site_config *cfg,
               struct entry **entries, size_t n, struct datetime now)
{
    site_order(s, cfg, cfg->languages, entries, n, now);
    int rc = check_addresses(d, entries, n);

    /* Two issues with one number; an issue's contents naming entries that do not exist. */
    for (size_t i = 0; i < s->n_kind[KIND_ISSUE]; i++) {
        struct entry *is = s->kind[KIND_ISSUE][i];
        if (i > 0 && s->kind[KIND_ISSUE][i - 1]->number == is->number) {
            entry_error(d, is, "number", _("issue number %ld is also used by %s"), is->number,
                        s->kind[KIND_ISSUE][i - 1]->source);
            rc = -1;
        }
        json_t *contents = json_object_get(is->fm, "contents");
        for (size_t j = 0; j < json_array_size(contents); j++) {
            const char *slug = json_string_value(json_array_get(contents, j));
            if (!slug)
                continue;
            if (!site_find_slug(s, KIND_ACTIVITY, slug) && !site_find_slug(s, KIND_EVENT, slug) &&
                !site_find_slug(s, KIND_PAGE, slug)) {
                char *path = xasprintf("contents.%zu", j);
                entry_error(d, is, path, _("'%s' is not the slug of any activity, event or page"),
                            slug);
                free(path);
                rc = -1;
            }
        }
    }
    /* An activity naming an issue that does not exist. */
    for (size_t i = 0; i < n; i++) {
        struct entry *e = s->all[i];
        if (e->kind == KIND_ISSUE || e->number == 0)
            continue;
        int found = 0;
        for (size_t j = 0; j < s->n_kind[KIND_ISSUE]; j++)
            found |= s->kind[KIND_ISSUE][j]->number == e->number;
        if (!found) {
            entry_error(d, e, "issue", _("there is no issue number %ld in content/issues"),
                        e->number);
            rc = -1;
        }
    }
    /* An issue's print_break names articles that start a new page in its print edition. */
    for (size_t i = 0; i < s->n_kind[KIND_ISSUE]; i++) {
        struct entry *is = s->kind[KIND_ISSUE][i];
        json_t *breaks = json_object_get(is->fm, "print_break");
        if (!json_array_size(breaks))
            continue;
        struct entry **list;
        size_t n_list = site_issue_entries(s, is, &list);
        for (size_t j = 0; j < json_array_size(breaks); j++) {
            const char *slug = json_string_value(json_array_get(breaks, j));
            int found = 0;
            for (size_t k = 0; slug && k < n_list && !found; k++)
                found = strcmp(list[k]->slug, slug) == 0;
            if (slug && !found) {
                char *path = xasprintf("print_break.%zu", j);
                entry_error(d, is, path, _("'%s' is not the slug of an article in this issue"),
                            slug);
                free(path);
                rc = -1;
            }
        }
        free(list);
    }
    if (cfg->print.back_page && !site_find_slug(s, KIND_PAGE, cfg->print.back_page)) {
        diag_error(d, "content/site.yaml", 0, 0,
                   _("print.back_page names '%s', but there is no page with that slug"),
                   cfg->print.back_page);
        rc = -1;
    }
    return rc;
}

void site_versions(struct entry **entries, size_t n, size_t n_languages)
{
    for (size_t i = 0; i < n; i++) {
        struct entry *t = entries[i], *o = t->original;
        if (!o)
            continue;
        if (!o->versions) {
            o->versions = xcalloc(n_languages, sizeof *o->versions);
            o->versions[0] = o;
        }
        o->versions[t->lang->index] = t;
    }
}

void site_index_language(struct site *s, const struct site *base, const struct language *lang)
{
    struct entry **v = xcalloc(base->n_all ? base->n_all : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < base->n_all; i++) {
        struct entry *e = base->all[i];
        struct entry *t = e->versions ? e->versions[lang->index] : NULL;
        if (t)
            v[n++] = t;
        else if (!base->cfg->hide_untranslated)
            v[n++] = e;
    }
    site_order(s, base->cfg, lang, v, n, base->now);
    s->base = base;
    free(v);
}

int site_index_versions(struct diag *d, struct site *s, const struct site *base)
{
    size_t n = 0;
    for (size_t i = 0; i < base->n_all; i++)
        for (size_t k = 0; base->all[i]->versions && k < base->cfg->n_languages; k++)
            n += k > 0 && base->all[i]->versions[k];
    struct entry **v = xcalloc(base->n_all + n + 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < base->n_all; i++) {
        v[n++] = base->all[i];
        for (size_t k = 1; base->all[i]->versions && k < base->cfg->n_languages; k++)
            if (base->all[i]->versions[k])
                v[n++] = base->all[i]->versions[k];
    }
    site_order(s, base->cfg, base->lang, v, n, base->now);
    int rc = check_addresses(d, v, n);
    free(v);
    return rc;
}

void site_release(struct site *s)
{
    strmap_release(&s->by_slug);
    free(s->all);
    for (int k = 0; k < KIND_COUNT; k++)
        free(s->kind[k]);
    memset(s, 0, sizeof *s);
}

struct entry *site_find_rel(const struct site *s, const char *rel)
{
    size_t lo = 0, hi = s->n_all;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->all[mid]->rel, rel);
        if (c == 0)
            return s->all[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

struct entry *site_find_slug(const struct site *s, enum entry_kind k, const char *slug)
{
    char *key = xasprintf("%c%s", 'a' + (int)k, slug);
    struct entry *e = strmap_get(&s->by_slug, key, strlen(key));
    free(key);
    return e;
}

int site_event_is_past(const struct site *s, const struct entry *e)
{
    if (!e->n_sessions)
        return 0;
    return date_compare_datetime(entry_event_over(e), s->now) < 0;
}

size_t site_issue_entries(const struct site *s, const struct entry *issue, struct entry ***out)
{
    json_t *contents = json_object_get(issue->fm, "contents");
    size_t cap = s->n_all ? s->n_all : 1, n = 0;
    struct entry **v = xcalloc(cap, sizeof *v);
    if (json_array_size(contents)) {
        for (size_t j = 0; j < json_array_size(contents) && n < cap; j++) {
            const char *slug = json_string_value(json_array_get(contents, j));
            struct entry *e = NULL;
            for (int k = 0; slug && !e && k < KIND_COUNT; k++)
                if (k != KIND_ISSUE)
                    e = site_find_slug(s, (enum entry_kind)k, slug);
            if (e)
                v[n++] = e;
        }
    } else {
        /* Activities of this issue grouped by district (in site.yaml order, which editors
         * choose), each group in 50音 order; then the issue's events by date. */
        const struct site_config *cfg = s->cfg;
        for (size_t dd = 0; dd <= cfg->n_districts; dd++) {
            const char *district = dd < cfg->n_districts ? cfg->districts[dd].slug : NULL;
            for (size_t i = 0; i < s->n_kind[KIND_ACTIVITY]; i++) {
                struct entry *e = s->kind[KIND_ACTIVITY][i];
                if (e->number != issue->number)
                    continue;
                int match = district ? e->district && strcmp(e->district, district) == 0
                                     : !e->district || !config_district(cfg, e->district);
                if (match)
                    v[n++] = e;
            }
        }
        for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++)
            if (s->kind[KIND_EVENT][i]->number == issue->number)
                v[n++] = s->kind[KIND_EVENT][i];
    }
    *out = v;
    return n;
}

size_t site_index_of(const struct site *s, const struct entry *e)
{
    size_t lo = 0, hi = s->n_all;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->all[mid]->rel, e->rel);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

char *site_root_for(const struct site *s, const char *url, int portable)
{
    if (!portable)
        return xstrdup(s->cfg->base_path);
    struct buf b;
    buf_init(&b);
    for (const char *p = url; *p; p++)
        if (*p == '/')
            buf_puts(&b, "../");
    return buf_detach(&b, NULL);
}

/* Joins dir and a relative path, resolving "." and ".."; NULL if it climbs above the top. */
static char *normalise_path(const char *dir, const char *rel)
{
    struct strv parts = STRV_INIT;
    char *joined = *dir ? xasprintf("%s/%s", dir, rel) : xstrdup(rel);
    char *save = NULL;
    int bad = 0;
    for (char *tok = strtok_r(joined, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (parts.len == 0) {
                bad = 1;
                break;
            }
            free(parts.v[--parts.len]);
            continue;
        }
        strv_push(&parts, tok);
    }
    free(joined);
    char *out = NULL;
    if (!bad) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < parts.len; i++)
            buf_printf(&b, "%s%s", i ? "/" : "", parts.v[i]);
        out = buf_detach(&b, NULL);
    }
    strv_release(&parts);
    return out;
}

int site_link_entry(const struct site *s, const struct entry *from, const char *target,
                    const struct entry **to, char **rel)
{
    *to = NULL;
    *rel = NULL;
    if (url_has_scheme(target) || target[0] == '/' || target[0] == '#' || target[0] == '?' ||
        target[0] == '\0')
        return 0;
    const char *hash = strchr(target, '#');
    size_t len = hash ? (size_t)(hash - target) : strlen(target);
    if (len < 3 || strncmp(target + len - 3, ".md", 3) != 0)
        return 0; /* a relative link to something else: left as written */
    char *path = xstrndup(target, len);
    const char *slash = strrchr(from->rel, '/');
    char *dir = slash ? xstrndup(from->rel, (size_t)(slash - from->rel)) : xstrdup("");
    *rel = normalise_path(dir, path);
    *to = *rel ? site_find_rel(s, *rel) : NULL;
    /* From a translation, the linked entry in the same language when it has been translated. */
    size_t lang = from->lang ? from->lang->index : 0;
    const struct entry *t = *to && (*to)->versions ? (*to)->versions[lang] : NULL;
    if (t && lang)
        *to = t;
    free(dir);
    free(path);
    return 1;
}

char *site_print_path(const struct entry *issue)
{
    return xasprintf("print/%s/%s.xhtml", issue->slug, issue->slug);
}
