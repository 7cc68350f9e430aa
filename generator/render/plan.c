#include "render/plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/kana.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "render/data.h"
#include "render/i18n.h"
#include "render/jsonld.h"

/* A word of the page's language (a new string; the caller frees it). */
static char *word(struct pages *ps, const char *key)
{
    return i18n_text(view_words(ps->view), key, NULL, 0);
}

/* A message as HTML (furigana and all). A new string. */
static char *word_html(struct pages *ps, const char *key)
{
    struct buf h;
    buf_init(&h);
    i18n_format(view_words(ps->view), key, NULL, 0, NULL, &h);
    return buf_detach(&h, NULL);
}

/* An address of the page's language: its folder before path. A new string. */
static char *lang_url(struct pages *ps, const char *path)
{
    return xasprintf("%s%s", view_language(ps->view)->prefix, path);
}

void plan_entry_page(struct pages *ps, size_t i)
{
    struct view *v = ps->view;
    const struct site *s = view_site(v);
    const struct entry *e = s->all[i];
    const struct body *b = view_body(v, e);
    static const char *const templates[] = {"activity", "event", "issue", "page"};
    static const char *const list_titles[] = {"crumbs.activities", "crumbs.events",
                                              "crumbs.issues", NULL};
    static const char *const list_urls[] = {"activities/", "events/", "issues/", NULL};
    json_t *ctx = page_add(ps, templates[e->kind], e->url, entry_kind_name(e->kind),
                           body_title(b, e), b->title_html, b->summary);
    /* Its versions: the original and the translations published. */
    const struct entry *orig = e->original ? e->original : e;
    const struct site_config *cfg = s->cfg;
    const char **paths = xcalloc(cfg->n_languages, sizeof *paths);
    for (size_t k = 0; k < cfg->n_languages; k++)
        paths[k] = orig->versions ? (orig->versions[k] ? orig->versions[k]->url : NULL)
                                  : k == 0 ? orig->url : NULL;
    page_set_languages(ps, paths, 1);
    free(paths);
    page_reads(ps, i);
    ps->v[ps->len - 1].reads_body = 1;
    /* The content is added when the page is rendered: until then its hash stands for it. */
    json_t *data = view_entry(v, ps->v[ps->len - 1].root, i, NULL);
    json_t *entry = json_copy(data);
    json_decref(data);
    json_error_t err;
    json_t *toc = b->toc ? json_loads(b->toc, 0, &err) : NULL;
    if (!toc)
        toc = json_array();
    json_object_set_new(entry, "has_toc", json_boolean(json_array_size(toc) > 2));
    json_object_set_new(entry, "toc", toc);
    json_object_set_new(entry, "reading_minutes", json_integer(b->minutes));
    json_object_set_new(ctx, "entry", entry);
    json_t *page = json_object_get(ctx, "page");
    json_object_set_new(page, "draft", json_boolean(e->draft));
    if (b->has_image) {
        char *og = view_permalink(v, b->image.full ? b->image.full : b->image.src);
        data_set_str(page, "og_image", og);
        free(og);
    }
    char *jsonld = jsonld_entry(v, e);
    data_set_str(page, "jsonld", jsonld);
    free(jsonld);
    char *crumb = list_titles[e->kind] ? word(ps, list_titles[e->kind]) : NULL;
    json_object_set_new(ctx, "breadcrumbs", page_crumbs(ps, crumb, list_urls[e->kind]));
    free(crumb);

    /* Other activities in the same district, or other events. */
    json_t *related = json_array();
    if (e->kind == KIND_ACTIVITY && e->district) {
        for (size_t j = 0; j < s->n_kind[KIND_ACTIVITY] && json_array_size(related) < 6; j++) {
            const struct entry *o = s->kind[KIND_ACTIVITY][j];
            if (o != e && o->district && strcmp(o->district, e->district) == 0)
                json_array_append_new(related, page_entry(ps, site_index_of(s, o)));
        }
    } else if (e->kind == KIND_EVENT) {
        for (size_t j = 0; j < ps->n_upcoming && json_array_size(related) < 4; j++) {
            const struct entry *o = ps->upcoming[j];
            if (o != e)
                json_array_append_new(related, page_entry(ps, site_index_of(s, o)));
        }
    }
    json_object_set_new(ctx, "has_related", json_boolean(json_array_size(related) > 0));
    json_object_set_new(ctx, "related", related);

    if (e->kind == KIND_ISSUE) {
        struct entry **list;
        size_t n = site_issue_entries(s, e, &list);
        json_t *sections = json_array();
        json_t *current = NULL;
        const char *current_name = NULL;
        for (size_t j = 0; j < n; j++) {
            const char *name = view_issue_section(v, list[j]);
            if (!current || strcmp(name, current_name) != 0) {
                current = json_object();
                data_set_str(current, "title", name);
                json_object_set_new(current, "entries", json_array());
                json_array_append_new(sections, current);
                current_name = name;
            }
            json_array_append_new(json_object_get(current, "entries"),
                                  page_entry(ps, site_index_of(s, list[j])));
        }
        free(list);
        json_object_set_new(ctx, "sections", sections);
    }
}

/* A place in the page links where pages are left out. */
static json_t *gap_json(void)
{
    json_t *o = json_object();
    json_object_set_new(o, "gap", json_true());
    return o;
}

/* One paginated list: groups of entries (heading + items), split over pages of per_page. */
struct list_group {
    const char *heading;
    const char *id;
    struct entry **items;
    size_t n;
};

/* A paginated list, copied when it is noted so that its pages can be set up later by the
 * workers that render them. */
struct list_spec {
    char *url, *kind, *title, *description, *calendar_url;
    char *title_html; /* when the title is not only its text escaped (a name in another
                         language marked), else NULL */
    const char *terms; /* a district's or a category's list: "districts" or "categories" */
    size_t term;       /* then its place in that list of the site object */
    struct list_group *groups; /* each with its own copy of items */
    size_t n_groups, total, n_pages;
};

static void list_spec_free(struct list_spec *l)
{
    for (size_t g = 0; g < l->n_groups; g++) {
        free(l->groups[g].items);
        free((char *)l->groups[g].heading);
    }
    free(l->groups);
    free(l->title_html);
    free(l->url);
    free(l->kind);
    free(l->title);
    free(l->description);
    free(l->calendar_url);
    free(l);
}

/* Sets up page pg (from 0) of list l. */
void plan_list_page(struct pages *ps, const struct list_spec *l, size_t pg)
{
    const struct site *s = view_site(ps->view);
    const char *url = l->url, *kind = l->kind, *title = l->title, *description = l->description,
               *calendar_url = l->calendar_url;
    const struct list_group *groups = l->groups;
    size_t n_groups = l->n_groups, total = l->total, n_pages = l->n_pages;
    size_t per = view_site(ps->view)->cfg->per_page;
    char *page_url = pg ? xasprintf("%spage/%zu/", url, pg + 1) : xstrdup(url);
    char *page_title;
    if (pg) {
        char number[24];
        snprintf(number, sizeof number, "%zu", pg + 1);
        struct i18n_arg args[] = {{"title", title, NULL}, {"page", number, NULL}};
        page_title = i18n_text(view_words(ps->view), "list.page", args, 2);
    } else {
        page_title = xstrdup(title);
    }
    json_t *ctx = page_add(ps, "list", page_url, "list", page_title, NULL, description);
    if (pg) {
        /* The switch leads to the first page of the list in each language (another may have
         * fewer pages); a later page has no equal to name as an alternate. */
        const struct site_config *cfg = s->cfg;
        const char *neutral = url + strlen(view_language(ps->view)->prefix);
        char **paths = xcalloc(cfg->n_languages, sizeof *paths);
        for (size_t k = 0; k < cfg->n_languages; k++)
            paths[k] = xasprintf("%s%s", cfg->languages[k].prefix, neutral);
        page_set_languages(ps, (const char *const *)paths, 0);
        for (size_t k = 0; k < cfg->n_languages; k++)
            free(paths[k]);
        free(paths);
    }
    json_t *list = json_object();
    data_set_str(list, "title", title);
    if (l->title_html) {
        data_set_str(list, "title_html", l->title_html);
    } else {
        struct buf escaped;
        buf_init(&escaped);
        buf_xml_escape(&escaped, title);
        data_set_buf(list, "title_html", &escaped);
        buf_release(&escaped);
    }
    data_set_str(list, "description", description);
    data_set_str(list, "kind", kind);
    json_object_set_new(list, "count", json_integer((json_int_t)total));
    json_t *gs = json_array();
    size_t from = pg * per, to = from + per, at = 0;
    for (size_t g = 0; g < n_groups; g++) {
        json_t *items = json_array();
        /* Only this page's slice of the group: at counts the items of earlier groups. */
        size_t k = from > at ? from - at : 0;
        for (; k < groups[g].n && at + k < to; k++)
            json_array_append_new(items, page_entry(ps, site_index_of(s, groups[g].items[k])));
        at += groups[g].n;
        if (json_array_size(items) == 0 && groups[g].heading) {
            json_decref(items);
            continue;
        }
        json_t *go = json_object();
        data_set_str(go, "heading", groups[g].heading);
        data_set_str(go, "id", groups[g].id);
        json_object_set_new(go, "items", items);
        json_array_append_new(gs, go);
    }
    json_object_set_new(list, "groups", gs);
    if (l->terms) {
        json_t *site = view_root_site(ps->v[ps->len - 1].root);
        json_object_set(list, "term", json_array_get(json_object_get(site, l->terms), l->term));
    }
    json_object_set_new(ctx, "list", list);

    json_t *pag = json_object();
    /* Links to the first and last pages and to the two on each side of this one: a list
     * of every page would grow with the square of the site. */
    json_t *pages = json_array();
    json_t *prev_page = NULL, *next_page = NULL;
    for (size_t k = 0; k < n_pages; k++) {
        int near = k + 2 >= pg && k <= pg + 2;
        if (k != 0 && k + 1 != n_pages && !near) {
            if (k < pg && k + 3 == pg) /* the gap before the window */
                json_array_append_new(pages, gap_json());
            else if (k > pg && k == pg + 3)
                json_array_append_new(pages, gap_json());
            continue;
        }
        json_t *po = json_object();
        json_object_set_new(po, "number", json_integer((json_int_t)k + 1));
        char *u = k ? xasprintf("%spage/%zu/", url, k + 1) : xstrdup(url);
        data_set_str(po, "url", u);
        free(u);
        json_object_set_new(po, "current", json_boolean(k == pg));
        if (k + 1 == pg)
            prev_page = po;
        if (k == pg + 1)
            next_page = po;
        json_array_append_new(pages, po);
    }
    if (prev_page)
        json_object_set(pag, "prev", prev_page);
    if (next_page)
        json_object_set(pag, "next", next_page);
    json_object_set_new(pag, "pages", pages);
    json_object_set_new(pag, "has_pages", json_boolean(n_pages > 1));
    json_object_set_new(ctx, "pagination", pag);
    json_object_set_new(ctx, "breadcrumbs", page_crumbs(ps, NULL, NULL));
    data_set_str(ctx, "calendar_url", calendar_url);
    free(page_url);
    free(page_title);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Notes the pages of one paginated list: groups of entries (heading + items), split over pages
 * of per_page. The groups are copied. Returns the list noted (the page list owns it). */
static struct list_spec *list_pages(struct pages *ps, const char *url, const char *kind, const char *title,
                       const char *description, struct list_group *groups, size_t n_groups,
                       const char *calendar_url)
{
    struct list_spec *l = xcalloc(1, sizeof *l);
    l->url = xstrdup(url);
    l->kind = xstrdup(kind);
    l->title = xstrdup(title);
    l->description = dup_or_null(description);
    l->calendar_url = dup_or_null(calendar_url);
    l->groups = xcalloc(n_groups ? n_groups : 1, sizeof *l->groups);
    l->n_groups = n_groups;
    for (size_t g = 0; g < n_groups; g++) {
        l->groups[g] = groups[g];
        l->groups[g].heading = dup_or_null(groups[g].heading);
        l->groups[g].items = xcalloc(groups[g].n ? groups[g].n : 1, sizeof *groups[g].items);
        memcpy(l->groups[g].items, groups[g].items, groups[g].n * sizeof *groups[g].items);
        l->total += groups[g].n;
    }
    size_t per = view_site(ps->view)->cfg->per_page;
    l->n_pages = l->total ? (l->total + per - 1) / per : 1;
    XALLOC_GROW(ps->lists, ps->n_lists + 1, ps->lists_cap);
    ps->lists[ps->n_lists++] = l;
    for (size_t pg = 0; pg < l->n_pages; pg++) {
        struct page *p = page_new(ps, "list");
        p->list = l;
        p->list_page = pg;
        p->url = pg ? xasprintf("%spage/%zu/", url, pg + 1) : xstrdup(url);
        p->out = xasprintf("%sindex.html", p->url);
        p->root = view_root_of(ps->view, p->url); /* made before the workers start */
    }
    return l;
}

/* Activities in 50音 order under あ/か/さ… headings; in a language that is not Japanese, in
 * the order of their titles under no heading. */
static void kana_groups(struct pages *ps, struct entry **items, size_t n,
                        struct list_group *groups, size_t *n_groups)
{
    if (!i18n_kana_order(view_words(ps->view))) {
        groups[0] = (struct list_group){NULL, "items", xcalloc(n ? n : 1, sizeof *items), n};
        memcpy(groups[0].items, items, n * sizeof *items);
        *n_groups = n ? 1 : 0;
        if (!n)
            free(groups[0].items);
        return;
    }
    const char *other = ps->other_row;
    static const char *const ids[] = {"a",  "ka", "sa", "ta", "na",   "ha",
                                      "ma", "ya", "ra", "wa", "other"};
    /* Each item's row once (the rest: row 10), then the items of each row in their order. */
    unsigned char *rows = xcalloc(n ? n : 1, 1);
    size_t count[11] = {0};
    for (size_t i = 0; i < n; i++) {
        int er = kana_row(items[i]->reading ? items[i]->reading : "");
        rows[i] = (unsigned char)(er < 0 ? 10 : er);
        count[rows[i]]++;
    }
    *n_groups = 0;
    struct list_group *of_row[11] = {NULL};
    for (int row = 0; row <= 10; row++) {
        if (!count[row])
            continue;
        struct list_group *g = &groups[(*n_groups)++];
        g->heading = row < 10 ? kana_row_label(row) : other;
        g->id = ids[row];
        g->items = xcalloc(count[row], sizeof *g->items);
        g->n = 0;
        of_row[row] = g;
    }
    for (size_t i = 0; i < n; i++) {
        struct list_group *g = of_row[rows[i]];
        g->items[g->n++] = items[i];
    }
    free(rows);
}

static void free_groups(struct list_group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(groups[i].items);
}

/* Fills groups[0] with the upcoming events of events[0..n) (in date order, as the site keeps
 * them) and groups[1] with the past ones, newest first. */
static void event_groups(struct pages *ps, struct entry *const *events, size_t n,
                         struct list_group groups[2])
{
    const struct site *s = view_site(ps->view);
    groups[0] = (struct list_group){ps->upcoming_word, "upcoming",
                                    xcalloc(n ? n : 1, sizeof(struct entry *)), 0};
    groups[1] = (struct list_group){ps->past_word, "past",
                                    xcalloc(n ? n : 1, sizeof(struct entry *)), 0};
    for (size_t i = 0; i < n; i++)
        if (!site_event_is_past(s, events[i]))
            groups[0].items[groups[0].n++] = events[i];
    for (size_t i = n; i-- > 0;)
        if (site_event_is_past(s, events[i]))
            groups[1].items[groups[1].n++] = events[i];
}

/* How the entries of a district or a category are listed: its activities in 50音 order, then
 * its events, upcoming and past. */
struct taxonomy {
    const char *folder;         /* districts/SLUG/ */
    const char *kind;           /* the list's kind for templates, and its titles' messages */
    const char *overview;       /* the message of the page listing the taxa, at folder/ */
    int categories;             /* 1: an entry's categories:, 0: its district: */
};

static const struct taxonomy districts = {"districts", "district", "list.districts", 0};
static const struct taxonomy categories = {"categories", "category", "list.categories", 1};

/* Adds the entries of list (in its order) to the selection of each taxon they are in: sel[t]
 * holds n[t] entries. One pass over the list, whatever the number of taxa. */
static void select_taxa(const struct taxonomy *tx, const struct taxon *taxa, size_t n_taxa,
                        struct entry **list, size_t n_list, struct entry ***sel, size_t *n)
{
    struct strmap index;
    strmap_init(&index);
    for (size_t t = 0; t < n_taxa; t++) {
        int added;
        strmap_add(&index, taxa[t].slug, strlen(taxa[t].slug), (void *)(uintptr_t)(t + 1),
                   &added);
    }
    for (size_t t = 0; t < n_taxa; t++)
        n[t] = 0;
    for (size_t i = 0; i < n_list; i++) {
        struct entry *e = list[i];
        json_t *cats = tx->categories ? json_object_get(e->fm, "categories") : NULL;
        size_t n_in = tx->categories ? json_array_size(cats) : e->district != NULL;
        for (size_t c = 0; c < n_in; c++) {
            const char *slug =
                tx->categories ? json_string_value(json_array_get(cats, c)) : e->district;
            size_t t = slug ? (size_t)(uintptr_t)strmap_get(&index, slug, strlen(slug)) : 0;
            /* A category given twice lists the entry once. */
            if (t && (!n[t - 1] || sel[t - 1][n[t - 1] - 1] != e))
                sel[t - 1][n[t - 1]++] = e;
        }
    }
    strmap_release(&index);
}

/* Notes the list of each taxon's activities and events, and sets up the overview of the taxa
 * (which is the site object's list of them). */
static void taxon_lists(struct pages *ps, const struct taxonomy *tx, const struct taxon *taxa,
                        size_t n_taxa)
{
    const struct site *s = view_site(ps->view);
    struct entry **acts = s->kind[KIND_ACTIVITY], **events = s->kind[KIND_EVENT];
    size_t n_acts = s->n_kind[KIND_ACTIVITY], n_events = s->n_kind[KIND_EVENT];
    struct entry ***sel_acts = xcalloc(n_taxa ? n_taxa : 1, sizeof *sel_acts);
    struct entry ***sel_events = xcalloc(n_taxa ? n_taxa : 1, sizeof *sel_events);
    size_t *n_in_acts = xcalloc(n_taxa ? n_taxa : 1, sizeof *n_in_acts);
    size_t *n_in_events = xcalloc(n_taxa ? n_taxa : 1, sizeof *n_in_events);
    for (size_t t = 0; t < n_taxa; t++) {
        sel_acts[t] = xcalloc(n_acts ? n_acts : 1, sizeof **sel_acts);
        sel_events[t] = xcalloc(n_events ? n_events : 1, sizeof **sel_events);
    }
    select_taxa(tx, taxa, n_taxa, acts, n_acts, sel_acts, n_in_acts);
    /* Events carry districts and categories too (a 研修会 is in "training"). */
    select_taxa(tx, taxa, n_taxa, events, n_events, sel_events, n_in_events);
    struct list_group groups[13]; /* 11 rows of the 50音 table, then the events */
    size_t n_groups;
    for (size_t t = 0; t < n_taxa; t++) {
        kana_groups(ps, sel_acts[t], n_in_acts[t], groups, &n_groups);
        size_t n_activities = n_in_acts[t], n = n_in_events[t];
        event_groups(ps, sel_events[t], n, &groups[n_groups]);
        n_groups += 2;
        char *path = xasprintf("%s/%s/", tx->folder, taxa[t].slug);
        char *url = lang_url(ps, path);
        free(path);
        /* The title names what the list holds: 櫛引の活動, 分類「研修・養成」の催し. */
        const char *what = !n ? "activities" : !n_activities ? "events" : "both";
        char *key = xasprintf("list.%s.%s", tx->kind, what);
        const struct language *lang = view_language(ps->view);
        const char *name = config_taxon_name(&taxa[t], lang);
        struct i18n_arg arg = {"name", name, NULL};
        char *title = i18n_text(view_words(ps->view), key, &arg, 1);
        struct list_spec *l = list_pages(ps, url, tx->kind, title, NULL, groups, n_groups, NULL);
        /* The title as HTML: the message's furigana, and the site's own name in another
         * language's title marked with its language. */
        struct buf h, n_html;
        buf_init(&h);
        buf_init(&n_html);
        int marked = lang->index && name == taxa[t].name;
        if (marked) {
            buf_puts(&n_html, "<span lang=\"");
            buf_xml_escape(&n_html, view_site(ps->view)->cfg->languages[0].code);
            buf_puts(&n_html, "\">");
        }
        buf_xml_escape(&n_html, name);
        if (marked)
            buf_puts(&n_html, "</span>");
        struct i18n_arg harg = {"name", name, n_html.data};
        i18n_format(view_words(ps->view), key, &harg, 1, NULL, &h);
        l->title_html = buf_detach(&h, NULL);
        buf_release(&n_html);
        free(key);
        l->terms = tx->folder;
        l->term = t;
        free(url);
        free(title);
        free_groups(groups, n_groups);
        free(sel_acts[t]);
        free(sel_events[t]);
    }
    free(sel_acts);
    free(sel_events);
    free(n_in_acts);
    free(n_in_events);
    char *path = xasprintf("%s/", tx->folder);
    char *url = lang_url(ps, path);
    free(path);
    char *title = word(ps, tx->overview);
    json_t *ctx = page_add(ps, "taxonomy", url, "list", title, NULL, NULL);
    free(title);
    free(url);
    json_t *site = view_root_site(ps->v[ps->len - 1].root);
    json_object_set(ctx, "terms", json_object_get(site, tx->folder));
    json_object_set_new(ctx, "breadcrumbs", page_crumbs(ps, NULL, NULL));
}

static void activity_lists(struct pages *ps)
{
    const struct site *s = view_site(ps->view);
    const struct site_config *cfg = s->cfg;
    struct list_group groups[11];
    size_t n_groups;
    struct entry **acts = s->kind[KIND_ACTIVITY];
    size_t n_acts = s->n_kind[KIND_ACTIVITY];

    kana_groups(ps, acts, n_acts, groups, &n_groups);
    char *url = lang_url(ps, "activities/");
    char *title = word(ps, "list.activities.title");
    char *description = word(ps, "list.activities.description");
    struct list_spec *l = list_pages(ps, url, "activities", title, description, groups,
                                     n_groups, NULL);
    l->title_html = word_html(ps, "list.activities.title");
    free(url);
    free(title);
    free(description);
    free_groups(groups, n_groups);

    taxon_lists(ps, &districts, cfg->districts, cfg->n_districts);
    taxon_lists(ps, &categories, cfg->categories, cfg->n_categories);
}

static void event_list(struct pages *ps)
{
    const struct site *s = view_site(ps->view);
    struct list_group groups[2];
    event_groups(ps, s->kind[KIND_EVENT], s->n_kind[KIND_EVENT], groups);
    char *cal = xasprintf("%sevents/%04d/%02d/", view_language(ps->view)->prefix,
                          s->now.date.year, s->now.date.month);
    char *url = lang_url(ps, "events/");
    char *title = word(ps, "list.events.title");
    list_pages(ps, url, "events", title, NULL, groups, 2, cal)->title_html =
        word_html(ps, "list.events.title");
    free(cal);
    free(url);
    free(title);
    free_groups(groups, 2);

    struct list_group issues = {NULL, "issues", s->kind[KIND_ISSUE], s->n_kind[KIND_ISSUE]};
    url = lang_url(ps, "issues/");
    title = word(ps, "list.issues.title");
    list_pages(ps, url, "issues", title, NULL, &issues, 1, NULL)->title_html =
        word_html(ps, "list.issues.title");
    free(url);
    free(title);
}

struct dated {
    struct entry *e;
    size_t at; /* place in 50音 order: equal dates keep it */
};

/* Newest date first, undated last. */
static int newest_first(const void *pa, const void *pb)
{
    const struct dated *a = pa, *b = pb;
    if (a->e->has_date != b->e->has_date)
        return a->e->has_date ? -1 : 1;
    int c = a->e->has_date ? date_compare(b->e->date.date, a->e->date.date) : 0;
    if (c)
        return c;
    return a->at < b->at ? -1 : a->at > b->at;
}

void plan_home_page(struct pages *ps)
{
    struct view *v = ps->view;
    const struct site *s = view_site(v);
    const struct language *lang = view_language(v);
    json_t *ctx = page_add(ps, "home", lang->prefix, "home", lang->title, NULL, lang->description);
    json_t *upcoming = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_EVENT] && json_array_size(upcoming) < 5; i++)
        if (!site_event_is_past(s, s->kind[KIND_EVENT][i]))
            json_array_append_new(upcoming,
                                  page_entry(ps, site_index_of(s, s->kind[KIND_EVENT][i])));
    json_object_set_new(ctx, "upcoming", upcoming);

    /* Newest activities: by date, newest first; undated ones last. */
    size_t n = s->n_kind[KIND_ACTIVITY];
    struct dated *acts = xcalloc(n ? n : 1, sizeof *acts);
    for (size_t i = 0; i < n; i++)
        acts[i] = (struct dated){s->kind[KIND_ACTIVITY][i], i};
    qsort(acts, n, sizeof *acts, newest_first);
    json_t *recent = json_array();
    for (size_t i = 0; i < n && i < 6; i++)
        json_array_append_new(recent, page_entry(ps, site_index_of(s, acts[i].e)));
    free(acts);
    json_object_set_new(ctx, "recent", recent);
    if (s->n_kind[KIND_ISSUE])
        json_object_set_new(ctx, "current_issue",
                            page_entry(ps, site_index_of(s, s->kind[KIND_ISSUE][0])));
    char *jsonld = jsonld_site(v);
    data_set_str(json_object_get(ctx, "page"), "jsonld", jsonld);
    free(jsonld);
}

void plan_lists(struct pages *ps)
{
    ps->other_row = word(ps, "list.other_row");
    ps->upcoming_word = word(ps, "list.upcoming");
    ps->past_word = word(ps, "list.past");
    activity_lists(ps);
    event_list(ps);
}

void plan_entry_later(struct pages *ps, size_t i)
{
    static const char *const templates[] = {"activity", "event", "issue", "page"};
    const struct entry *e = view_site(ps->view)->all[i];
    struct page *p = page_new(ps, templates[e->kind]);
    p->entry = i;
    p->reads_body = 1;
    p->url = xstrdup(e->url);
    p->out = xstrdup(e->out);
    p->root = view_root_of(ps->view, e->url); /* made before the workers start */
}

void plan_free_lists(struct pages *ps)
{
    for (size_t i = 0; i < ps->n_lists; i++)
        list_spec_free(ps->lists[i]);
    free(ps->lists);
    ps->lists = NULL;
    ps->n_lists = 0;
    free(ps->other_row);
    free(ps->upcoming_word);
    free(ps->past_word);
    ps->other_row = ps->upcoming_word = ps->past_word = NULL;
}
