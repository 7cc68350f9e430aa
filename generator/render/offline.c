#include "render/offline.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/intl.h"
#include "core/xalloc.h"
#include "media/icon.h"
#include "render/data.h"

/* The icon sizes browsers ask a manifest for: 192 for the home screen, 512 for the splash. */
static const unsigned icon_sizes[] = {192, 512};

static void add_page(json_t *list, const char *url, const char *title, int pictures)
{
    json_t *o = json_object();
    data_set_str(o, "url", url);
    data_set_str(o, "title", title);
    if (pictures)
        json_object_set_new(o, "pictures", json_true());
    json_array_append_new(list, o);
}

static const char *title_of(const struct view *v, const struct entry *e)
{
    return body_title(view_body(v, e), e);
}

json_t *offline_app_json(const struct site *s, int worker)
{
    json_t *app = json_object();
    data_set_str(app, "manifest", OFFLINE_MANIFEST);
    if (s->n_kind[KIND_ISSUE])
        data_set_str(app, "latest", OFFLINE_LATEST);
    if (worker)
        data_set_str(app, "worker", OFFLINE_WORKER);
    return app;
}

json_t *offline_pages(const struct view *v)
{
    const struct site *s = view_site(v);
    json_t *list = json_array();
    add_page(list, "", "ホーム", 0);
    if (s->n_kind[KIND_ISSUE]) {
        const struct entry *issue = s->kind[KIND_ISSUE][0];
        add_page(list, issue->url, title_of(v, issue), 1);
        struct entry **in;
        size_t n = site_issue_entries(s, issue, &in);
        for (size_t i = 0; i < n; i++)
            add_page(list, in[i]->url, title_of(v, in[i]), 1);
        free(in);
    }
    add_page(list, "activities/", "活動一覧（50音順）", 0);
    const struct entry *contacts = site_find_slug(s, KIND_PAGE, "contacts");
    if (!contacts && s->cfg->print.back_page)
        contacts = site_find_slug(s, KIND_PAGE, s->cfg->print.back_page);
    if (contacts)
        add_page(list, contacts->url, title_of(v, contacts), 0);
    return list;
}

/* The theme's static file called name, or NULL. */
static const struct theme_static *theme_static(const struct theme *t, const char *name)
{
    for (size_t i = 0; i < t->n_statics; i++)
        if (strcmp(t->statics[i].name, name) == 0)
            return &t->statics[i];
    return NULL;
}

/* Makes and publishes the icons; adds each to icons as the manifest lists it. */
static int write_icons(const struct theme *t, struct diag *d, struct publish *pub, json_t *icons)
{
    const struct theme_static *icon = theme_static(t, OFFLINE_ICON_STATIC);
    if (!icon) {
        diag_warning(d, NULL, 0, 0,
                     _("the theme '%s' has no static/%s: the site's app manifest has no icons, "
                       "and browsers do not offer to install the site"),
                     t->dirs.len ? t->dirs.v[0] : "", OFFLINE_ICON_STATIC);
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof icon_sizes / sizeof *icon_sizes; i++) {
        struct buf png;
        buf_init(&png);
        if (icon_png(d, icon->path, icon_sizes[i], &png) != 0) {
            rc = -1;
        } else {
            char hex[33];
            hash_hex(hash_bytes(png.data, png.len), hex);
            char *rel = xasprintf("static/icon-%u.%.10s.png", icon_sizes[i], hex);
            char *size = xasprintf("%ux%u", icon_sizes[i], icon_sizes[i]);
            rc |= publish_write(pub, rel, png.data, png.len);
            json_t *o = json_object();
            data_set_str(o, "src", rel);
            data_set_str(o, "sizes", size);
            data_set_str(o, "type", "image/png");
            data_set_str(o, "purpose", "any");
            json_array_append_new(icons, o);
            free(rel);
            free(size);
        }
        buf_release(&png);
    }
    return rc;
}

static int write_json(struct publish *pub, const char *rel, const json_t *v, size_t flags)
{
    char *text = json_dumps(v, flags | JSON_PRESERVE_ORDER);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, text);
    buf_puts(&b, "\n");
    free(text);
    int rc = publish_write(pub, rel, b.data, b.len);
    buf_release(&b);
    return rc;
}

int offline_write_app(const struct view *v, struct diag *d, struct publish *pub)
{
    const struct site *s = view_site(v);
    const struct site_config *cfg = s->cfg;
    const struct theme *t = view_theme(v);
    json_t *m = json_object();
    data_set_str(m, "name", cfg->title);
    data_set_str(m, "short_name", cfg->short_title ? cfg->short_title : cfg->title);
    data_set_str(m, "description", cfg->description);
    data_set_str(m, "lang", cfg->language);
    data_set_str(m, "dir", "ltr");
    /* The site's own path: the app opens at its home page and keeps to the site. */
    data_set_str(m, "id", cfg->base_path);
    data_set_str(m, "start_url", cfg->base_path);
    data_set_str(m, "scope", cfg->base_path);
    data_set_str(m, "display", "standalone");
    data_set_str(m, "background_color",
                 json_string_value(json_object_get(t->config, "background")));
    data_set_str(m, "theme_color", json_string_value(json_object_get(t->config, "color")));
    json_t *icons = json_array();
    int rc = write_icons(t, d, pub, icons);
    json_object_set_new(m, "icons", icons);
    rc |= write_json(pub, OFFLINE_MANIFEST, m, JSON_INDENT(1));
    json_decref(m);

    if (s->n_kind[KIND_ISSUE]) {
        const struct entry *issue = s->kind[KIND_ISSUE][0];
        json_t *l = json_object();
        json_object_set_new(l, "number", json_integer(issue->number));
        data_set_str(l, "title", title_of(v, issue));
        data_set_str(l, "url", issue->url);
        rc |= write_json(pub, OFFLINE_LATEST, l, JSON_COMPACT);
        json_decref(l);
    }
    return rc ? -1 : 0;
}

int offline_write_worker(const struct view *v, struct diag *d, struct publish *pub,
                         const json_t *pages)
{
    const struct theme *t = view_theme(v);
    const char *script = json_string_value(json_object_get(t->static_map, "worker_js"));
    if (!script) {
        diag_error(d, NULL, 0, 0, _("internal error: the theme has no static/%s for sw.js"),
                   OFFLINE_WORKER_STATIC);
        return -1;
    }
    char version[33];
    hash_hex(publish_digest(pub), version);
    json_t *c = json_object();
    data_set_str(c, "version", version);
    json_t *keep = json_array();
    size_t i;
    json_t *page;
    json_array_foreach(pages, i, page) {
        json_t *k = json_object();
        json_object_set(k, "url", json_object_get(page, "url"));
        if (json_is_true(json_object_get(page, "pictures")))
            json_object_set_new(k, "pictures", json_true());
        json_array_append_new(keep, k);
    }
    json_object_set_new(c, "keep", keep);
    data_set_str(c, "offline", OFFLINE_PAGE);
    char *json = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(c);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "/* kairan: this build's service worker; static/worker.js does the work. */\n");
    buf_printf(&b, "self.kairanWorker = %s;\n", json);
    buf_puts(&b, "importScripts(");
    data_json_string(&b, script);
    buf_puts(&b, ");\n");
    free(json);
    int rc = publish_write(pub, OFFLINE_WORKER, b.data, b.len);
    buf_release(&b);
    return rc;
}
