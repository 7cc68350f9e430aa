#include "render/page.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "render/data.h"

struct page *page_new(struct pages *ps, const char *template)
{
    XALLOC_GROW(ps->v, ps->len + 1, ps->cap);
    struct page *p = &ps->v[ps->len++];
    memset(p, 0, sizeof *p);
    p->template = template;
    return p;
}

json_t *page_add(struct pages *ps, const char *template, const char *url, const char *kind,
                 const char *title, const char *title_html, const char *description)
{
    struct view *v = ps->view;
    const struct site_config *cfg = view_site(v)->cfg;
    struct page *p = page_new(ps, template);
    p->url = xstrdup(url);
    p->out = strcmp(kind, "404") == 0 ? xstrdup("404.html") : xasprintf("%sindex.html", url);
    p->root = view_root_of(v, url);
    p->memo = fingerprint_memo_new_under(view_root_memo(p->root));
    json_t *ctx = json_object();
    data_set_str(ctx, "root", view_root_prefix(p->root));
    data_set_str(ctx, "index", view_portable(v) ? "index.html" : "");
    json_object_set(ctx, "static", view_theme(v)->static_map);
    json_t *theme = json_object();
    data_set_str(theme, "color", json_string_value(json_object_get(view_theme(v)->config, "color")));
    json_object_set_new(ctx, "theme", theme);
    json_object_set(ctx, "site", view_root_site(p->root));
    json_t *page = json_object();
    data_set_str(page, "kind", kind);
    data_set_str(page, "title", title);
    data_set_str(page, "title_html", title_html);
    data_set_str(page, "description", description ? description : cfg->description);
    data_set_str(page, "url", url);
    char *permalink = view_permalink(v, url);
    data_set_str(page, "permalink", permalink);
    data_set_str(page, "canonical", permalink);
    free(permalink);
    data_set_str(page, "lang", cfg->language);
    json_object_set_new(page, "is_home", json_boolean(*url == '\0'));
    data_set_str(page, "og_type",
                 strcmp(kind, "activity") == 0 || strcmp(kind, "event") == 0 ||
                         strcmp(kind, "page") == 0
                     ? "article"
                     : "website");
    json_object_set_new(ctx, "page", page);
    p->ctx = ctx;
    return ctx;
}

void page_reads(struct pages *ps, size_t i)
{
    struct page *p = &ps->v[ps->len - 1];
    XALLOC_GROW(p->reads, p->n_reads + 1, p->reads_cap);
    p->reads[p->n_reads++] = i;
}

json_t *page_entry(struct pages *ps, size_t i)
{
    struct page *p = &ps->v[ps->len - 1];
    page_reads(ps, i);
    return view_entry(ps->view, p->root, i, p->memo);
}

json_t *page_crumbs(const char *title1, const char *url1)
{
    json_t *list = json_array();
    json_t *home = json_object();
    data_set_str(home, "title", "ホーム");
    data_set_str(home, "url", "");
    json_array_append_new(list, home);
    if (title1) {
        json_t *c = json_object();
        data_set_str(c, "title", title1);
        data_set_str(c, "url", url1);
        json_array_append_new(list, c);
    }
    return list;
}

void page_release(struct page *p)
{
    free(p->url);
    free(p->out);
    json_decref(p->ctx);
    fingerprint_memo_free(p->memo);
    free(p->reads);
    p->url = p->out = NULL;
    p->ctx = NULL;
    p->memo = NULL;
    p->reads = NULL;
    p->n_reads = p->reads_cap = 0;
}
