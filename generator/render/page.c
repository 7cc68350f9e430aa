#include "render/page.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "render/data.h"
#include "render/i18n.h"

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
    const struct language *lang = view_language(v);
    data_set_str(ctx, "root", view_root_prefix(p->root));
    /* The home page of the page's language: where its links to the lists start. */
    char *home = xasprintf("%s%s", view_root_prefix(p->root), lang->prefix);
    data_set_str(ctx, "home", home);
    free(home);
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
    data_set_str(page, "url", url);
    char *permalink = view_permalink(v, url);
    data_set_str(page, "permalink", permalink);
    data_set_str(page, "canonical", permalink);
    free(permalink);
    data_set_str(page, "lang", lang->code);
    data_set_str(page, "description", description ? description : lang->description);
    json_object_set_new(page, "is_home", json_boolean(*url == '\0'));
    data_set_str(page, "og_type",
                 strcmp(kind, "activity") == 0 || strcmp(kind, "event") == 0 ||
                         strcmp(kind, "page") == 0
                     ? "article"
                     : "website");
    json_object_set_new(ctx, "page", page);
    p->ctx = ctx;
    if (cfg->n_languages > 1 && strcmp(kind, "404") != 0 && strcmp(kind, "offline") != 0) {
        /* Every page but an entry's is made in every language, at the same address under
         * the language's folder. */
        const char *neutral = url;
        if (*lang->prefix && strncmp(url, lang->prefix, strlen(lang->prefix)) == 0)
            neutral = url + strlen(lang->prefix);
        char **paths = xcalloc(cfg->n_languages, sizeof *paths);
        for (size_t k = 0; k < cfg->n_languages; k++)
            paths[k] = xasprintf("%s%s", cfg->languages[k].prefix, neutral);
        page_set_languages(ps, (const char *const *)paths, 1);
        for (size_t k = 0; k < cfg->n_languages; k++)
            free(paths[k]);
        free(paths);
    }
    return ctx;
}

void page_set_languages(struct pages *ps, const char *const *paths, int same)
{
    struct view *v = ps->view;
    const struct site_config *cfg = view_site(v)->cfg;
    const struct language *lang = view_language(v);
    const struct theme *theme = view_theme(v);
    json_t *page = json_object_get(ps->v[ps->len - 1].ctx, "page");
    if (cfg->n_languages < 2)
        return;
    json_t *items = json_array(), *alternates = json_array();
    for (size_t k = 0; k < cfg->n_languages; k++) {
        const struct language *l = &cfg->languages[k];
        json_t *it = json_object();
        data_set_str(it, "code", l->code);
        data_set_str(it, "name", l->name);
        json_object_set_new(it, "current", json_boolean(l == lang));
        /* A language without this page: its home page, said so in its own words. */
        json_object_set_new(it, "home", json_boolean(!paths[k]));
        data_set_str(it, "url", paths[k] ? paths[k] : l->prefix);
        if (!paths[k] && k < theme->n_langs) {
            char *label = i18n_text(theme->langs[k].words, "languages.home", NULL, 0);
            data_set_str(it, "home_label", label);
            free(label);
        }
        json_array_append_new(items, it);
        if (paths[k] && same) {
            json_t *a = json_object();
            data_set_str(a, "hreflang", l->code);
            char *url = view_permalink(v, paths[k]);
            data_set_str(a, "url", url);
            free(url);
            json_array_append_new(alternates, a);
        }
    }
    /* Search engines send a reader whose language the site has not to the site's own. */
    if (paths[0] && same) {
        json_t *a = json_object();
        data_set_str(a, "hreflang", "x-default");
        char *url = view_permalink(v, paths[0]);
        data_set_str(a, "url", url);
        free(url);
        json_array_append_new(alternates, a);
    }
    json_t *languages = json_object();
    json_object_set_new(languages, "items", items);
    json_object_set_new(page, "languages", languages);
    json_object_del(page, "alternates"); /* what page_add supposed, when called after it */
    if (json_array_size(alternates) > 2)
        json_object_set_new(page, "alternates", alternates);
    else
        json_decref(alternates); /* the page alone in its language: no alternate to name */
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

json_t *page_crumbs(struct pages *ps, const char *title1, const char *url1)
{
    json_t *list = json_array();
    json_t *home = json_object();
    char *word = i18n_text(view_words(ps->view), "crumbs.home", NULL, 0);
    data_set_str(home, "title", word);
    free(word);
    data_set_str(home, "url", view_language(ps->view)->prefix);
    json_array_append_new(list, home);
    if (title1) {
        json_t *c = json_object();
        data_set_str(c, "title", title1);
        char *url = xasprintf("%s%s", view_language(ps->view)->prefix, url1);
        data_set_str(c, "url", url);
        free(url);
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
