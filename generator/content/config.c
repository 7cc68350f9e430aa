#include "content/config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fs.h"
#include "content/schema.h"
#include "core/intl.h"
#include "core/url.h"
#include "core/xalloc.h"
#include "content/yamldoc.h"

static const struct schema_field taxon_fields[] = {
    {"slug", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "アドレス名"},
    {"name", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "名前"},
    {"reading", SCHEMA_STRING, 0, NULL, NULL, "読みがな"},
    {"names", SCHEMA_ANY, 0, NULL, NULL, "各言語での名前"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* Where residents of a district turn: every field is shown, so a misspelt one is an error. */
static const struct schema_field contact_fields[] = {
    {"name", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "窓口の名前"},
    {"phone", SCHEMA_PHONE, 0, NULL, NULL, "電話番号"},
    {"fax", SCHEMA_PHONE, 0, NULL, NULL, "FAX番号"},
    {"email", SCHEMA_EMAIL, 0, NULL, NULL, "メールアドレス"},
    {"address", SCHEMA_STRING, 0, NULL, NULL, "住所"},
    {"hours", SCHEMA_STRING, 0, NULL, NULL, "受付時間"},
    {"url", SCHEMA_WEB, 0, NULL, NULL, "ホームページ"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field district_fields[] = {
    {"slug", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "アドレス名"},
    {"name", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "地区名"},
    {"reading", SCHEMA_STRING, 0, NULL, NULL, "読みがな"},
    {"contact", SCHEMA_OBJECT, SCHEMA_CLOSED, contact_fields, NULL, "相談窓口"},
    {"names", SCHEMA_ANY, 0, NULL, NULL, "各言語での名前"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field language_fields[] = {
    {"code", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "言語コード"},
    {"name", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "言語の名前"},
    {"key", SCHEMA_STRING, 0, NULL, NULL, "フォルダーとファイルの印"},
    {"title", SCHEMA_STRING, 0, NULL, NULL, "サイト名"},
    {"subtitle", SCHEMA_STRING, 0, NULL, NULL, "サブタイトル"},
    {"description", SCHEMA_STRING, 0, NULL, NULL, "サイトの説明"},
    {"publisher", SCHEMA_STRING, 0, NULL, NULL, "発行者"},
    {"sentence_length", SCHEMA_INT, 0, NULL, NULL, "一文の長さの上限"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const char *const sizes[] = {"A4", "B5", "A5", NULL};
static const char *const marks[] = {"crop cross", "crop", "cross", "none", NULL};
static const char *const writings[] = {"horizontal", "vertical", NULL};
static const char *const breaks[] = {"none", "page", "right", NULL};
static const char *const feature_breaks[] = {"page", "spread", "none", NULL};
static const char *const bindings[] = {"saddle", "perfect", "leaflet", NULL};
static const char *const week_starts[] = {"monday", "sunday", NULL};
static const char *const searches[] = {"auto", "index", "none", NULL};
static const char *const untranslated[] = {"fallback", "hide", NULL};

static const struct schema_field print_fields[] = {
    {"size", SCHEMA_STRING, 0, NULL, sizes, "用紙の大きさ"},
    {"bleed", SCHEMA_STRING, 0, NULL, NULL, "塗り足し"},
    {"marks", SCHEMA_STRING, 0, NULL, marks, "トンボ"},
    {"writing", SCHEMA_STRING, 0, NULL, writings, "縦書き・横書き"},
    {"back_page", SCHEMA_STRING, 0, NULL, NULL, "裏表紙"},
    {"entry_break", SCHEMA_STRING, 0, NULL, breaks, "記事ごとの改ページ"},
    {"section_break", SCHEMA_STRING, 0, NULL, breaks, "章ごとの改ページ"},
    {"feature", SCHEMA_STRING, 0, NULL, feature_breaks, "特集の改ページ"},
    {"binding", SCHEMA_STRING, 0, NULL, bindings, "製本のしかた"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const struct schema_field site_fields[] = {
    {"title", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "サイト名"},
    {"subtitle", SCHEMA_STRING, 0, NULL, NULL, "サブタイトル"},
    {"short_title", SCHEMA_STRING, 0, NULL, NULL, "短いサイト名"},
    {"description", SCHEMA_STRING, 0, NULL, NULL, "サイトの説明"},
    {"base_url", SCHEMA_STRING, SCHEMA_REQUIRED, NULL, NULL, "公開するアドレス"},
    {"language", SCHEMA_STRING, 0, NULL, NULL, "言語"},
    {"timezone", SCHEMA_STRING, 0, NULL, NULL, "時間帯"},
    {"theme", SCHEMA_STRING, 0, NULL, NULL, "テーマ"},
    {"publisher", SCHEMA_STRING, 0, NULL, NULL, "発行者"},
    {"cache_dir", SCHEMA_STRING, 0, NULL, NULL, "キャッシュの置き場所"},
    {"map_search", SCHEMA_STRING, 0, NULL, NULL, "地図検索のアドレス"},
    {"week_start", SCHEMA_STRING, 0, NULL, week_starts, "週の始まり"},
    {"search", SCHEMA_STRING, 0, NULL, searches, "サイト内検索"},
    {"per_page", SCHEMA_INT, 0, NULL, NULL, "1ページの件数"},
    {"districts", SCHEMA_LIST, 0, district_fields, NULL, "地区"},
    {"categories", SCHEMA_LIST, 0, taxon_fields, NULL, "分野"},
    {"print", SCHEMA_OBJECT, 0, print_fields, NULL, "印刷版"},
    {"languages", SCHEMA_LIST, 0, language_fields, NULL, "言語"},
    {"untranslated", SCHEMA_STRING, 0, NULL, untranslated, "翻訳のない記事"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* Folders at the top of the site that a language's folder must not take. */
static const char *const reserved_keys[] = {"activities", "events", "issues", "districts",
                                            "categories", "img", "static", "print", "page",
                                            "search", "404", NULL};

int config_is_slug(const char *s)
{
    if (!*s || *s == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static const char *str(json_t *obj, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : fallback;
}

/* "3mm", "2.5mm", "0mm": the bleed in millimetres. */
static int parse_bleed(const char *s, double *mm)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || strcmp(end, "mm") != 0 || !(v >= 0 && v <= 10) || *s == '+' || *s == ' ')
        return -1;
    *mm = v;
    return 0;
}

/* A language tag as BCP 47 writes it: a primary language of 2 or 3 letters, then subtags of
 * 1 to 8 letters and digits joined by '-' (ja, ja-x-easy, zh-Hans, pt-BR); a singleton (x)
 * is followed by at least one subtag. */
static int is_language_tag(const char *s)
{
    size_t part = 0, n_parts = 0;
    int letters = 1, singleton = 0;
    for (const char *p = s;; p++) {
        if (*p == '-' || *p == '\0') {
            if (part == 0 || part > 8 || (n_parts == 0 && (part < 2 || part > 3 || !letters)))
                return 0;
            singleton = part == 1;
            n_parts++;
            if (*p == '\0')
                return !singleton;
            part = 0;
            letters = 1;
            continue;
        }
        int alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        if (!alpha && !(*p >= '0' && *p <= '9'))
            return 0;
        letters &= alpha;
        part++;
    }
}

/* languages: in site.yaml, checked: the default (language:) among them without a key, every
 * other with one, codes and keys used once. With no languages:, the default alone. */
static void load_languages(struct schema_ctx *c, struct site_config *out)
{
    json_t *list = json_object_get(out->raw, "languages");
    size_t n = json_array_size(list);
    out->languages = xcalloc(n + 1, sizeof *out->languages);
    struct language *def = &out->languages[0];
    def->code = out->language;
    def->prefix = xstrdup("");
    out->n_languages = 1;
    int found_default = n == 0;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(list, i);
        const char *code = str(item, "code", NULL);
        const char *key = str(item, "key", NULL);
        if (!code)
            continue; /* the schema reported it */
        char *path = xasprintf("languages.%zu.code", i);
        if (!is_language_tag(code))
            schema_error(c, path, 0, _("'%s' is not a language code: write it as BCP 47 does, "
                                     "like en, zh-Hans, pt-BR, or ja-x-easy for やさしい日本語"),
                         code);
        for (size_t j = 0; j < i; j++)
            if (strcmp(str(json_array_get(list, j), "code", ""), code) == 0)
                schema_error(c, path, 0, _("the language '%s' is declared twice"), code);
        free(path);
        struct language *l;
        if (strcmp(code, out->language) == 0) {
            found_default = 1;
            l = def;
            if (key) {
                char *kp = xasprintf("languages.%zu.key", i);
                schema_error(c, kp, 0, _("'%s' is the site's language (language: %s): its pages "
                                       "are at the top of the site, so it has no key"),
                             code, out->language);
                free(kp);
            }
        } else {
            l = &out->languages[out->n_languages];
            l->index = out->n_languages++;
            char *kp = xasprintf("languages.%zu.%s", i, key ? "key" : "code");
            int reserved = 0;
            for (const char *const *r = reserved_keys; key && *r; r++)
                reserved |= strcmp(*r, key) == 0;
            if (!key)
                schema_error(c, kp, 0, _("the language '%s' needs a key: the short name of its "
                                       "folder and of its translations' files, like  key: en  "
                                       "(for /en/ and kushibiki-otokojuku.en.md)"),
                             code);
            else if (!config_is_slug(key))
                schema_error(c, kp, 0, _("'%s' cannot be a language's key: use a-z, 0-9 and '-' "
                                       "(like en or easy)"),
                             key);
            else if (reserved)
                schema_error(c, kp, 0, _("'%s' cannot be a language's key: the site uses /%s/ "
                                       "itself; choose another"),
                             key, key);
            for (size_t j = 1; key && j + 1 < out->n_languages; j++)
                if (out->languages[j].key && strcmp(out->languages[j].key, key) == 0)
                    schema_error(c, kp, 0, _("two languages have the key '%s'"), key);
            free(kp);
            l->key = key;
            l->prefix = key ? xasprintf("%s/", key) : xstrdup("");
        }
        l->code = code;
        l->name = str(item, "name", code);
        l->title = str(item, "title", NULL);
        l->subtitle = str(item, "subtitle", NULL);
        l->description = str(item, "description", NULL);
        l->publisher = str(item, "publisher", NULL);
        json_t *len = json_object_get(item, "sentence_length");
        /* やさしい日本語 keeps sentences short: 50 characters unless the site says otherwise. */
        if (json_is_integer(len))
            l->sentence_length = (unsigned)json_integer_value(len);
        else if (strcmp(code, "ja-x-easy") == 0)
            l->sentence_length = 50;
    }
    if (!found_default)
        schema_error(c, "languages", 1,
                     _("the site's language (language: %s) is not among its languages: add it, "
                       "like  - code: %s  name: 日本語"),
                     out->language, out->language);
    for (size_t i = 0; i < out->n_languages; i++) {
        struct language *l = &out->languages[i];
        l->title = l->title ? l->title : out->title;
        l->subtitle = l->subtitle ? l->subtitle : out->subtitle;
        l->description = l->description ? l->description : out->description;
        l->publisher = l->publisher ? l->publisher : out->publisher;
    }
    out->hide_untranslated = strcmp(str(out->raw, "untranslated", "fallback"), "hide") == 0;
}

/* names: of each district and category: a name (text) for each of the site's languages. */
static void check_names(struct schema_ctx *c, const struct site_config *out, const char *key,
                        const struct taxon *taxa, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *names = json_object_get(json_array_get(json_object_get(out->raw, key), i),
                                        "names");
        char *path = xasprintf("%s.%zu.names", key, i);
        if (names && !json_is_object(names))
            schema_error(c, path, 0, _("'names' should be fields of language codes and names, "
                                     "like  en: Kushibiki"));
        const char *code;
        json_t *v;
        json_object_foreach(taxa[i].names, code, v) {
            char *sub = xasprintf("%s.%s", path, code);
            int known = 0;
            for (size_t k = 0; k < out->n_languages; k++)
                known |= strcmp(out->languages[k].code, code) == 0;
            if (!json_is_string(v))
                schema_error(c, sub, 0, _("the name in '%s' should be text"), code);
            else if (!known)
                schema_warning(c, sub, 1, _("'%s' is not one of the site's languages "
                                          "(languages:): this name is not used"),
                               code);
            free(sub);
        }
        free(path);
    }
}

const struct language *config_language_key(const struct site_config *c, const char *key,
                                           size_t n)
{
    for (size_t i = 1; i < c->n_languages; i++)
        if (c->languages[i].key && strlen(c->languages[i].key) == n &&
            strncmp(c->languages[i].key, key, n) == 0)
            return &c->languages[i];
    return NULL;
}

static int load_taxa(struct schema_ctx *c, json_t *root, const char *key, struct taxon **out,
                     size_t *n)
{
    json_t *list = json_object_get(root, key);
    *n = json_array_size(list);
    *out = xcalloc(*n ? *n : 1, sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        json_t *item = json_array_get(list, i);
        struct taxon *t = &(*out)[i];
        t->slug = str(item, "slug", "");
        t->name = str(item, "name", t->slug);
        t->reading = str(item, "reading", NULL);
        t->contact = json_object_get(item, "contact");
        if (!json_is_object(t->contact))
            t->contact = NULL;
        t->names = json_object_get(item, "names");
        if (!json_is_object(t->names))
            t->names = NULL;
        char *path = xasprintf("%s.%zu.slug", key, i);
        if (*t->slug && !config_is_slug(t->slug))
            schema_error(c, path, 0, _("'%s' cannot be used in web addresses: a slug uses only "
                                       "a-z, 0-9 and '-' (like kushibiki)"),
                         t->slug);
        for (size_t j = 0; j < i; j++)
            if (strcmp((*out)[j].slug, t->slug) == 0)
                schema_error(c, path, 0, _("'%s' is declared twice in %s"), t->slug, key);
        free(path);
    }
    return 0;
}

int config_load(struct diag *d, const char *source, struct site_config *out)
{
    memset(out, 0, sizeof *out);
    char *dir = fs_join(source, "content");
    char *path = fs_join(dir, "site.yaml");
    free(dir);
    int rc = -1;
    struct yamldoc doc;
    yamldoc_init(&doc);
    if (!fs_is_file(path)) {
        diag_error(d, path, 0, 0, _("the site settings file is missing; every site needs "
                                    "content/site.yaml with at least a title and a base_url"));
        goto done;
    }
    if (yamldoc_load_file(d, path, &doc) != 0)
        goto done;
    if (!json_is_object(doc.root)) {
        diag_error(d, path, 1, 1, _("site.yaml should be a list of settings like 'title: ...'"));
        goto done;
    }
    struct schema_ctx c = {d, path, &doc, 1, 0};
    schema_check(&c, doc.root, site_fields, "");
    json_t *root = doc.root;
    out->raw = json_incref(root);
    out->title = str(root, "title", "");
    out->subtitle = str(root, "subtitle", NULL);
    out->short_title = str(root, "short_title", NULL);
    out->description = str(root, "description", NULL);
    out->base_url = str(root, "base_url", "/");
    out->language = str(root, "language", "ja");
    out->timezone = str(root, "timezone", "Asia/Tokyo");
    out->timezone_file = xstrdup(path);
    yamldoc_value_pos(&doc, "timezone", &out->timezone_pos);
    out->theme = str(root, "theme", "default");
    out->publisher = str(root, "publisher", NULL);
    out->cache_dir = str(root, "cache_dir", NULL);
    /* Inside the site folder: no absolute path, no '..' part that could climb out of it. */
    const char *cd = out->cache_dir;
    int climbs = 0;
    for (const char *p = cd; p && *p; p += strcspn(p, "/"), p += *p == '/')
        climbs |= strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0');
    if (cd && (!*cd || cd[0] == '/' || climbs))
        schema_error(&c, "cache_dir", 0, _("'cache_dir' should be a folder inside the site "
                                           "folder, like .cache/kairan"));
    /* Map links are ordinary links to a map site: only a web address can start one. */
    out->map_search = str(root, "map_search", CONFIG_MAP_SEARCH);
    if (strcmp(out->map_search, "none") == 0) {
        out->map_search = NULL;
    } else if (!url_is_web(out->map_search)) {
        schema_error(&c, "map_search", 0,
                     _("'map_search' should be the web address of a map search, to which kairan "
                       "adds a place's address (like %s), or none"),
                     CONFIG_MAP_SEARCH);
    }
    out->week_starts_monday = strcmp(str(root, "week_start", "monday"), "monday") == 0;
    const char *search = str(root, "search", "auto");
    out->search = strcmp(search, "none") == 0    ? CONFIG_SEARCH_NONE
                  : strcmp(search, "index") == 0 ? CONFIG_SEARCH_INDEX
                                                 : CONFIG_SEARCH_AUTO;
    json_t *pp = json_object_get(root, "per_page");
    out->per_page = json_is_integer(pp) && json_integer_value(pp) > 0 &&
                            json_integer_value(pp) < 10000
                        ? (unsigned)json_integer_value(pp)
                        : 12;

    /* base_url: absolute http(s), ending in a slash; its path is where the site lives. */
    const char *u = out->base_url;
    const char *host = url_web_rest(u);
    if (!host || !*host) {
        schema_error(&c, "base_url", 0, _("'base_url' should be the site's full address, like "
                                          "https://example.jp/watowa/"));
        out->base_path = xstrdup("/");
    } else {
        const char *p = strchr(host, '/');
        if (!p)
            out->base_path = xstrdup("/");
        else if (p[strlen(p) - 1] == '/')
            out->base_path = xstrdup(p);
        else
            out->base_path = xasprintf("%s/", p);
        if (u[strlen(u) - 1] != '/') {
            char *fixed = xasprintf("%s/", u);
            json_object_set_new(root, "base_url", json_string(fixed));
            free(fixed);
            out->base_url = str(root, "base_url", "/");
        }
    }
    /* A theme is a folder under themes/: a plain name, never a path. */
    const char *theme = out->theme;
    int name_ok = *theme != '\0' && *theme != '-';
    for (const char *p = theme; *p; p++)
        name_ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
    if (!name_ok)
        schema_error(&c, "theme", 0, _("'%s' is not a theme folder name: use a-z, 0-9, '-' and '_' "
                                       "(like default)"),
                     theme);

    load_taxa(&c, root, "districts", &out->districts, &out->n_districts);
    load_taxa(&c, root, "categories", &out->categories, &out->n_categories);
    json_t *print = json_object_get(root, "print");
    out->print.size = str(print, "size", "A4");
    out->print.bleed = str(print, "bleed", "3mm");
    out->print.marks = str(print, "marks", "crop cross");
    out->print.writing = str(print, "writing", "horizontal");
    out->print.back_page = str(print, "back_page", NULL);
    out->print.entry_break = str(print, "entry_break", "none");
    out->print.section_break = str(print, "section_break", "none");
    out->print.feature = str(print, "feature", "none");
    /* A magazine in Japanese is stapled at the fold; an edition in another language is a
     * leaflet of folded sheets. */
    out->print.binding =
        str(print, "binding", strcmp(out->language, "ja") == 0 ? "saddle" : "leaflet");
    load_languages(&c, out);
    check_names(&c, out, "districts", out->districts, out->n_districts);
    check_names(&c, out, "categories", out->categories, out->n_categories);
    if (parse_bleed(out->print.bleed, &out->print.bleed_mm) != 0)
        schema_error(&c, "print.bleed", 0,
                     _("'%s' is not a bleed width: write it in millimetres from 0mm to 10mm, like "
                       "3mm"),
                     out->print.bleed);
    rc = c.failed ? -1 : 0;
done:
    yamldoc_release(&doc);
    free(path);
    return rc;
}

void config_release(struct site_config *c)
{
    free(c->districts);
    free(c->categories);
    for (size_t i = 0; c->languages && i < c->n_languages; i++)
        free(c->languages[i].prefix);
    free(c->languages);
    free((char *)c->base_path);
    free(c->timezone_file);
    json_decref(c->raw);
    memset(c, 0, sizeof *c);
}

static const struct taxon *find(const struct taxon *v, size_t n, const char *slug)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].slug, slug) == 0)
            return &v[i];
    return NULL;
}

const char *config_taxon_name(const struct taxon *t, const struct language *l)
{
    const char *name = json_string_value(json_object_get(t->names, l->code));
    return name ? name : t->name;
}

const struct taxon *config_district(const struct site_config *c, const char *slug)
{
    return find(c->districts, c->n_districts, slug);
}

const struct taxon *config_category(const struct site_config *c, const char *slug)
{
    return find(c->categories, c->n_categories, slug);
}
