#include "render/theme.h"

#include <stdlib.h>
#include <string.h>

#include "content/entry.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/intl.h"
#include "media/image.h"
#include "content/schema.h"
#include "core/xalloc.h"
#include "content/yamldoc.h"
#include "render/data.h"

#define MAX_DEPTH 8

static const struct schema_field image_fields[] = {
    {"widths", SCHEMA_ANY, 0, NULL, NULL, "画像の幅"},
    {"sizes", SCHEMA_STRING, 0, NULL, NULL, "画像の表示幅"},
    {"quality", SCHEMA_INT, 0, NULL, NULL, "画質"},
    {"background", SCHEMA_STRING, 0, NULL, NULL, "背景色"},
    {"max_megapixels", SCHEMA_INT, 0, NULL, NULL, "最大画素数"},
    {"print_dpi", SCHEMA_INT, 0, NULL, NULL, "印刷の解像度"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field theme_fields[] = {
    {"name", SCHEMA_STRING, 0, NULL, NULL, "テーマ名"},
    {"description", SCHEMA_STRING, 0, NULL, NULL, "テーマの説明"},
    {"extends", SCHEMA_STRING, 0, NULL, NULL, "元にするテーマ"},
    {"color", SCHEMA_STRING, 0, NULL, NULL, "テーマの色"},
    {"background", SCHEMA_STRING, 0, NULL, NULL, "背景の色"},
    {"images", SCHEMA_OBJECT, 0, image_fields, NULL, "画像の設定"},
    {"optional", SCHEMA_STRINGS, 0, NULL, NULL, "任意の項目"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* color (the colour browsers may paint their own bar with, theme-color) and background (the
 * page's, which an installed app shows while it starts): #rgb or #rrggbb. */
static int check_color(struct schema_ctx *c, const char *key, const char *color)
{
    if (!color)
        return 0;
    size_t n = strlen(color);
    int ok = color[0] == '#' && (n == 4 || n == 7);
    for (size_t i = 1; ok && i < n; i++)
        ok = strchr("0123456789abcdefABCDEF", color[i]) != NULL;
    if (ok)
        return 0;
    schema_error(c, key, 0, _("'%s' should be a colour written like #14452f (a '#' and six "
                              "hexadecimal digits), not '%s'"),
                 key, color);
    return -1;
}

char *theme_find(const struct theme *t, const char *rel)
{
    for (size_t i = 0; i < t->dirs.len; i++) {
        char *p = fs_join(t->dirs.v[i], rel);
        if (fs_is_file(p))
            return p;
        free(p);
    }
    return NULL;
}

/* Template names are paths without the extension: "layout", "partials/head"; t/KEY and
 * plain/KEY are the language's messages. */
static int load_template(const char *name, struct buf *src, char **path, void *userdata)
{
    struct theme_language *l = userdata;
    struct theme *t = l->theme;
    int message = i18n_template(l->words, t->d, name, src, path);
    if (message != 1)
        return message;
    if (strstr(name, "..") || name[0] == '/' || !*name)
        return 1;
    char *rel = xasprintf("templates/%s.mustache", name);
    char *p = theme_find(t, rel);
    free(rel);
    if (!p)
        return 1;
    if (fs_read_file(t->d, p, src) != 0) {
        free(p);
        return -1;
    }
    *path = p;
    return 0;
}

/* Values of images: that the schema's types alone do not rule out. */
static int check_images(struct schema_ctx *c, json_t *images)
{
    static const struct {
        const char *key;
        json_int_t min, max;
    } ranges[] = {{"quality", 1, 100}, {"max_megapixels", 1, 1000}, {"print_dpi", 72, 1200}};
    int rc = 0;
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
        json_t *v = json_object_get(images, ranges[i].key);
        if (!json_is_integer(v))
            continue;
        json_int_t n = json_integer_value(v);
        if (n < ranges[i].min || n > ranges[i].max) {
            char *path = xasprintf("images.%s", ranges[i].key);
            schema_error(c, path, 0, _("'%s' should be a number from %lld to %lld"),
                         ranges[i].key, (long long)ranges[i].min, (long long)ranges[i].max);
            free(path);
            rc = -1;
        }
    }
    json_t *widths = json_object_get(images, "widths");
    for (size_t i = 0; i < json_array_size(widths); i++) {
        json_t *w = json_array_get(widths, i);
        if (!json_is_integer(w) || json_integer_value(w) < 16 || json_integer_value(w) > 8192 ||
            (i > 0 && json_integer_value(w) <= json_integer_value(json_array_get(widths, i - 1)))) {
            char *path = xasprintf("images.widths.%zu", i);
            schema_error(c, path, 0, _("image widths should be whole numbers from 16 to 8192, "
                                       "smallest first"));
            free(path);
            rc = -1;
        }
    }
    if (json_array_size(widths) > 8) {
        schema_error(c, "images.widths", 0, _("at most 8 image widths can be given"));
        rc = -1;
    }
    const char *bg = json_string_value(json_object_get(images, "background"));
    unsigned char rgb[3];
    if (bg && image_parse_color(bg, rgb) != 0) {
        schema_error(c, "images.background", 0, _("'%s' is not a colour (use #rgb or #rrggbb, "
                                                   "like #ffffff)"),
                     bg);
        rc = -1;
    }
    return rc;
}

/* Whether s is a name as templates write it: parts of letters, digits, '_' and '-' (or any
 * non-ASCII text) joined by dots. */
static int is_template_name(const char *s)
{
    size_t part = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '.') {
            if (part == 0)
                return 0;
            part = 0;
        } else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '_' || c == '-') {
            part++;
        } else {
            return 0;
        }
    }
    return part > 0;
}

/* theme.yaml's optional: names the theme's templates use that the data may leave out on every
 * page. Added to t->optional (every theme of the chain adds its own); -1 after reporting a name
 * that cannot be one. */
static int add_optional(struct schema_ctx *c, struct theme *t, const json_t *names)
{
    int rc = 0;
    for (size_t i = 0; i < json_array_size(names); i++) {
        const char *name = json_string_value(json_array_get(names, i));
        if (!name)
            continue; /* the schema check reported it */
        if (!is_template_name(name)) {
            char *path = xasprintf("optional.%zu", i);
            schema_error(c, path, 0, _("'%s' is not a name as templates write it (like status or "
                                       "contact.url)"),
                         name);
            free(path);
            rc = -1;
        } else if (!strv_contains(&t->optional, name)) {
            strv_push(&t->optional, name);
        }
    }
    return rc;
}

/* Adds the folders of theme name (site's, then system's) and of its parents to t->dirs,
 * merging theme.yaml settings so that the child's win. */
static int add_theme(struct diag *d, struct theme *t, const char *source, const char *system_dir,
                     const char *name, const char *wanted_by, int depth)
{
    if (depth >= MAX_DEPTH) {
        diag_error(d, wanted_by, 0, 0, _("themes extend each other too deeply (a loop?)"));
        return -1;
    }
    const char *bases[2] = {source, system_dir};
    size_t before = t->dirs.len;
    for (int i = 0; i < 2; i++) {
        if (!bases[i])
            continue;
        char *themes = fs_join(bases[i], "themes");
        char *dir = fs_join(themes, name);
        free(themes);
        int dup = 0;
        for (size_t j = 0; j < t->dirs.len; j++)
            dup |= strcmp(t->dirs.v[j], dir) == 0;
        if (fs_is_dir(dir) && !dup)
            strv_push_owned(&t->dirs, dir);
        else
            free(dir);
    }
    if (t->dirs.len == before) {
        if (wanted_by)
            diag_error(d, wanted_by, 0, 0, _("the theme '%s' is not installed (no folder "
                                             "themes/%s)"),
                       name, name);
        else
            diag_error(d, "content/site.yaml", 0, 0, _("the theme '%s' is not installed (no "
                                                       "folder themes/%s)"),
                       name, name);
        return -1;
    }

    /* theme.yaml of the most specific folder that has one. */
    const char *parent = NULL;
    char *yaml_path = NULL;
    for (size_t i = before; i < t->dirs.len && !yaml_path; i++) {
        char *p = fs_join(t->dirs.v[i], "theme.yaml");
        if (fs_is_file(p))
            yaml_path = p;
        else
            free(p);
    }
    int rc = 0;
    struct yamldoc doc;
    yamldoc_init(&doc);
    if (yaml_path) {
        if (yamldoc_load_file(d, yaml_path, &doc) != 0) {
            rc = -1;
        } else if (!json_is_object(doc.root)) {
            diag_error(d, yaml_path, 1, 1, _("theme.yaml should be settings like 'name: ...'"));
            rc = -1;
        } else {
            struct schema_ctx c = {d, yaml_path, &doc, 1, 0};
            if (schema_check(&c, doc.root, theme_fields, "") != 0 ||
                check_images(&c, json_object_get(doc.root, "images")) != 0 ||
                check_color(&c, "color", json_string_value(json_object_get(doc.root, "color"))) !=
                    0 ||
                check_color(&c, "background",
                            json_string_value(json_object_get(doc.root, "background"))) != 0 ||
                add_optional(&c, t, json_object_get(doc.root, "optional")) != 0)
                rc = -1;
            /* The child's settings win: only add keys the config lacks so far. */
            const char *key;
            json_t *v;
            json_object_foreach(doc.root, key, v) {
                if (strcmp(key, "extends") != 0 && !json_object_get(t->config, key))
                    json_object_set(t->config, key, v);
            }
            parent = json_string_value(json_object_get(doc.root, "extends"));
        }
    }
    /* Like the theme in site.yaml, a parent is a folder name under themes/, never a path. */
    int name_ok = parent && *parent != '\0' && *parent != '-';
    for (const char *p = parent; name_ok && *p; p++)
        name_ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
    if (rc == 0 && parent && !name_ok) {
        struct schema_ctx c = {d, yaml_path, &doc, 1, 0};
        schema_error(&c, "extends", 0, _("'%s' is not a theme folder name: use a-z, 0-9, '-' and "
                                         "'_' (the name of a folder in themes/)"),
                     parent);
        rc = -1;
    } else if (rc == 0 && parent && strcmp(parent, name) == 0) {
        struct schema_ctx c = {d, yaml_path, &doc, 1, 0};
        schema_error(&c, "extends", 0, _("the theme '%s' extends itself: remove the 'extends' "
                                         "line, or name another theme"),
                     name);
        rc = -1;
    }
    if (rc == 0 && parent) {
        for (size_t i = 0; i < before; i++) {
            const char *last = strrchr(t->dirs.v[i], '/');
            if (last && strcmp(last + 1, parent) == 0) {
                diag_error(d, yaml_path, 0, 0, _("the theme '%s' extends '%s', which extends it "
                                                 "back: remove one of the 'extends' lines"),
                           name, parent);
                rc = -1;
            }
        }
        if (rc == 0)
            rc = add_theme(d, t, source, system_dir, parent, yaml_path, depth + 1);
    }
    yamldoc_release(&doc);
    free(yaml_path);
    return rc;
}

static int cmp_static(const void *pa, const void *pb)
{
    return strcmp(((const struct theme_static *)pa)->name, ((const struct theme_static *)pb)->name);
}

/* Every file under each static/ folder, the most specific theme's copy of each name, with a
 * content hash in its published name. */
static int load_statics(struct diag *d, struct theme *t)
{
    struct strv names = STRV_INIT, paths = STRV_INIT;
    int rc = 0;
    for (size_t i = 0; i < t->dirs.len; i++) {
        char *dir = fs_join(t->dirs.v[i], "static");
        if (fs_is_dir(dir)) {
            struct strv found = STRV_INIT;
            if (fs_list(d, t->dirs.v[i], dir, NULL, &found) != 0)
                rc = -1;
            for (size_t j = 0; j < found.len; j++) {
                /* The print edition's stylesheet goes beside each print document instead. */
                int seen = strcmp(found.v[j], "print.css") == 0;
                for (size_t k = 0; k < names.len; k++)
                    seen |= strcmp(names.v[k], found.v[j]) == 0;
                if (!seen) {
                    strv_push(&names, found.v[j]);
                    strv_push_owned(&paths, fs_join(dir, found.v[j]));
                }
            }
            strv_release(&found);
        }
        free(dir);
    }
    t->statics = xcalloc(names.len ? names.len : 1, sizeof *t->statics);
    t->static_map = json_object();
    for (size_t i = 0; i < names.len && rc == 0; i++) {
        struct buf data;
        buf_init(&data);
        if (fs_read_file(d, paths.v[i], &data) != 0) {
            rc = -1;
            buf_release(&data);
            break;
        }
        char hex[33];
        hash_hex(hash_bytes(data.data, data.len), hex);
        buf_release(&data);
        struct theme_static *s = &t->statics[t->n_statics++];
        s->name = xstrdup(names.v[i]);
        s->path = xstrdup(paths.v[i]);
        const char *dot = strrchr(s->name, '.');
        const char *slash = strrchr(s->name, '/');
        if (dot && (!slash || dot > slash) && dot != s->name)
            s->hashed = xasprintf("static/%.*s.%.10s%s", (int)(dot - s->name), s->name, hex, dot);
        else
            s->hashed = xasprintf("static/%s.%.10s", s->name, hex);
        char *key = xstrdup(s->name);
        for (char *k = key; *k; k++)
            if (*k == '.' || *k == '/' || *k == '-')
                *k = '_';
        json_object_set_new(t->static_map, key, json_string(s->hashed));
        free(key);
    }
    qsort(t->statics, t->n_statics, sizeof *t->statics, cmp_static);
    strv_release(&names);
    strv_release(&paths);
    return rc;
}

static void image_settings(struct theme *t)
{
    /* Defaults are the image module's; a value given has been checked by check_images. */
    struct image_config *c = &t->images;
    image_config_init(c);
    json_t *images = json_object_get(t->config, "images");
    json_t *widths = json_object_get(images, "widths");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(widths) && n < IMAGE_MAX_WIDTHS; i++) {
        json_int_t w = json_integer_value(json_array_get(widths, i));
        if (w >= 16 && w <= 8192)
            c->widths[n++] = (unsigned)w;
    }
    if (n) /* else the defaults, untouched: the loop wrote only valid widths */
        c->nwidths = n;
    t->image_sizes = json_string_value(json_object_get(images, "sizes"));
    if (!t->image_sizes)
        t->image_sizes = "(min-width: 48em) 40em, 100vw";
    json_t *v;
    if ((v = json_object_get(images, "quality")) && json_is_integer(v))
        c->quality = (int)json_integer_value(v);
    if ((v = json_object_get(images, "max_megapixels")) && json_is_integer(v))
        c->max_megapixels = (unsigned)json_integer_value(v);
    if ((v = json_object_get(images, "print_dpi")) && json_is_integer(v))
        c->print_dpi = (unsigned)json_integer_value(v);
    const char *bg = json_string_value(json_object_get(images, "background"));
    if (bg)
        image_parse_color(bg, c->background);
}

/* Adds to ids the ids the template text gives elements as written: an attribute id="…" or
 * id='…' whose value has no tag in it. */
static void template_ids(const char *text, struct strv *ids)
{
    for (const char *p = text; (p = strstr(p, "id=")) != NULL; p += 3) {
        if (p == text || !strchr(" \t\n", p[-1]) || (p[3] != '"' && p[3] != '\''))
            continue;
        const char *end = strchr(p + 4, p[3]);
        if (!end)
            break;
        size_t n = (size_t)(end - (p + 4));
        char *id = xstrndup(p + 4, n);
        if (n > 0 && !strstr(id, "{{") && !strv_contains(ids, id))
            strv_push_owned(ids, id);
        else
            free(id);
    }
}

/* Fills t->ids from the templates of every theme folder, the print edition's aside: their ids
 * never share a page with a body's. A template that cannot be read is left out quietly here:
 * loading it reports that. */
static void collect_ids(struct theme *t)
{
    struct diag quiet;
    diag_init(&quiet);
    for (size_t i = 0; i < t->dirs.len; i++) {
        char *dir = fs_join(t->dirs.v[i], "templates");
        struct strv files = STRV_INIT;
        if (fs_is_dir(dir))
            fs_list(&quiet, dir, dir, ".mustache", &files);
        for (size_t j = 0; j < files.len; j++) {
            if (strncmp(files.v[j], "print/", 6) == 0)
                continue;
            char *path = fs_join(dir, files.v[j]);
            struct buf text;
            buf_init(&text);
            if (fs_read_file(&quiet, path, &text) == 0)
                template_ids(text.data, &t->ids);
            buf_release(&text);
            free(path);
        }
        strv_release(&files);
        free(dir);
    }
    strv_sort(&t->ids);
    diag_release(&quiet);
}

int theme_load(struct diag *d, struct theme *t, const char *source, const char *system_dir,
               const char *name, const char *const *required, const char *const *codes,
               size_t n)
{
    memset(t, 0, sizeof *t);
    t->d = d;
    t->config = json_object();
    if (add_theme(d, t, source, system_dir, name, NULL, 0) != 0)
        return -1;
    image_settings(t);
    int rc = load_statics(d, t);
    collect_ids(t);
    /* For --strict: what kairan's data, the entries' front matter and the theme itself may
     * leave out on every page of a site is not taken for a misspelt name. */
    struct strv optional = STRV_INIT;
    entry_optional_fields(&optional);
    for (const char *const *o = data_optional; *o; o++)
        strv_push(&optional, *o);
    for (size_t i = 0; i < t->optional.len; i++)
        strv_push(&optional, t->optional.v[i]);
    t->langs = xcalloc(n ? n : 1, sizeof *t->langs);
    for (size_t k = 0; k < n; k++) {
        struct theme_language *l = &t->langs[t->n_langs];
        l->theme = t;
        l->words = i18n_load(d, &t->dirs, codes[k]);
        if (!l->words) {
            rc = -1;
            break;
        }
        if (i18n_failed(l->words))
            rc = -1;
        t->n_langs++;
        l->templates = template_set_new(d, load_template, l);
        for (size_t i = 0; i < optional.len; i++)
            template_set_optional(l->templates, optional.v[i]);
        for (const char *const *r = required; *r; r++) {
            if (!template_set_get(l->templates, *r))
                rc = -1;
        }
    }
    strv_release(&optional);
    t->templates = t->n_langs ? t->langs[0].templates : NULL;
    return rc;
}

void theme_release(struct theme *t)
{
    for (size_t k = 0; k < t->n_langs; k++) {
        template_set_free(t->langs[k].templates);
        i18n_free(t->langs[k].words);
    }
    free(t->langs);
    for (size_t i = 0; i < t->n_statics; i++) {
        free(t->statics[i].name);
        free(t->statics[i].path);
        free(t->statics[i].hashed);
    }
    free(t->statics);
    json_decref(t->static_map);
    json_decref(t->config);
    strv_release(&t->dirs);
    strv_release(&t->optional);
    strv_release(&t->ids);
    memset(t, 0, sizeof *t);
}
