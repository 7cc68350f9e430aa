#include "serve/editor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/config.h"
#include "content/entry.h"
#include "content/fmwrite.h"
#include "content/frontmatter.h"
#include "content/yamldoc.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/strmap.h"
#include "core/intl.h"
#include "core/strv.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "media/image.h"
#include "serve/form.h"

struct editor {
    /* Set by editor_new; read-only afterwards. */
    char *source;      /* the site's folder, "." for the current one */
    char *shown;       /* how messages name it: "" for "." (content/x.md), else the folder */
    char *overlay;     /* work/overlay: the unsaved entry, as content/REL */
    char *preview;     /* work/preview: the preview of unsaved text */
    char token[33];
    unsigned port;
    editor_build_fn build;
    void *userdata;
    pthread_mutex_t *build_lock;
    /* Held from reading a file's version to writing it, so that two saves cannot both find
     * the version they expect. Also keeps the overlay to one request at a time. */
    pthread_mutex_t write_lock;
    /* What the preview folder holds, set by each preview that built (under shown_lock, which
     * the HTTP threads take to read it): the prefix of the one language it made ("" for the
     * default, "en/"), NULL before the first preview; and every other language's prefix but
     * the default's, to tell which language a path is in. */
    pthread_mutex_t shown_lock;
    char *shown_prefix;
    struct strv prefixes;
};

const char *editor_token(const struct editor *ed)
{
    return ed->token;
}

const char *editor_preview_dir(const struct editor *ed)
{
    return ed->preview;
}

static int random_token(char out[33])
{
    unsigned char bytes[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, bytes, sizeof bytes);
    close(fd);
    if (n != (ssize_t)sizeof bytes)
        return -1;
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    return 0;
}

struct editor *editor_new(struct diag *d, const struct editor_options *opt)
{
    struct editor *ed = xcalloc(1, sizeof *ed);
    if (opt->token) {
        snprintf(ed->token, sizeof ed->token, "%s", opt->token);
    } else if (random_token(ed->token) != 0) {
        diag_io_error(d, "/dev/urandom", _("cannot be read for the editor's secret token"));
        free(ed);
        return NULL;
    }
    ed->source = xstrdup(opt->source && *opt->source ? opt->source : ".");
    ed->shown = xstrdup(strcmp(ed->source, ".") == 0 ? "" : ed->source);
    ed->overlay = fs_join(opt->work, "overlay");
    ed->preview = fs_join(opt->work, "preview");
    ed->port = opt->port;
    ed->build = opt->build;
    ed->userdata = opt->userdata;
    ed->build_lock = opt->build_lock;
    pthread_mutex_init(&ed->write_lock, NULL);
    pthread_mutex_init(&ed->shown_lock, NULL);
    return ed;
}

void editor_free(struct editor *ed)
{
    if (!ed)
        return;
    fs_remove_tree_at(AT_FDCWD, ed->overlay);
    free(ed->source);
    free(ed->shown);
    free(ed->overlay);
    free(ed->preview);
    free(ed->shown_prefix);
    strv_release(&ed->prefixes);
    pthread_mutex_destroy(&ed->write_lock);
    pthread_mutex_destroy(&ed->shown_lock);
    free(ed);
}

void editor_response_init(struct editor_response *res)
{
    res->status = 500;
    res->type = "application/json; charset=utf-8";
    buf_init(&res->body);
    res->location = NULL;
}

void editor_response_release(struct editor_response *res)
{
    buf_release(&res->body);
    free(res->location);
    res->location = NULL;
}

size_t editor_body_limit(const char *method, const char *path)
{
    if (strcmp(method, "POST") == 0 && strcmp(path, "pictures") == 0)
        return EDITOR_MAX_PICTURE;
    return EDITOR_MAX_JSON;
}

/* ---- Answers. ---- */

/* Sets the answer to v (a reference it takes). */
static void reply(struct editor_response *res, unsigned status, json_t *v)
{
    res->status = status;
    res->type = "application/json; charset=utf-8";
    buf_reset(&res->body);
    char *text = json_dumps(v, JSON_INDENT(1));
    buf_puts(&res->body, text);
    buf_putc(&res->body, '\n');
    free(text);
    json_decref(v);
}

/* An error: a short code for programs and a sentence in Japanese for the editor's page. */
static void refuse(struct editor_response *res, unsigned status, const char *code,
                   const char *message)
{
    json_t *v = json_object();
    json_object_set_new(v, "error", json_string(code));
    json_object_set_new(v, "message", json_string(message));
    reply(res, status, v);
}

/* ---- Who may ask. ---- */

static int same_text(const char *a, const char *b)
{
    /* The same time whatever the first difference is: the token is compared here. */
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = na != nb;
    for (size_t i = 0; i < na && i < nb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* Whether host is ADDRESS:PORT with this server's port and a numeric address or localhost. */
static int host_is_ours(const struct editor *ed, const char *host)
{
    const char *colon;
    char *name;
    if (host[0] == '[') {
        const char *close_br = strchr(host, ']');
        if (!close_br || close_br[1] != ':')
            return 0;
        colon = close_br + 1;
        name = xstrndup(host + 1, (size_t)(close_br - host - 1));
    } else {
        colon = strrchr(host, ':');
        if (!colon)
            return 0;
        name = xstrndup(host, (size_t)(colon - host));
    }
    char port[16];
    snprintf(port, sizeof port, "%u", ed->port);
    unsigned char addr[16];
    int ok = strcmp(colon + 1, port) == 0 &&
             (strcmp(name, "localhost") == 0 ||
              inet_pton(host[0] == '[' ? AF_INET6 : AF_INET, name, addr) == 1);
    free(name);
    return ok;
}

int editor_host_ok(const struct editor *ed, const char *host, const char *origin)
{
    if (!host || !host_is_ours(ed, host))
        return 0;
    if (!origin)
        return 1;
    /* The page's own address: Host as the browser wrote it. */
    return strncmp(origin, "http://", 7) == 0 && host_is_ours(ed, origin + 7);
}

/* Refuses a request from elsewhere or without the token. Returns 0 when it may go on. */
static int allowed(const struct editor *ed, const struct editor_request *req,
                   struct editor_response *res)
{
    if (!req->host || !host_is_ours(ed, req->host)) {
        refuse(res, 403, "foreign-host",
               "このアドレス（Host）からの依頼には答えません。kairan serve が表示したアドレスで開いて"
               "ください。");
        return -1;
    }
    if (req->origin && !editor_host_ok(ed, req->host, req->origin)) {
        refuse(res, 403, "foreign-origin", "ほかのサイトのページからの依頼には答えません。");
        return -1;
    }
    if (!req->token || !*req->token) {
        refuse(res, 401, "no-token",
               "合言葉（トークン）がありません。kairan serve が表示した編集画面のアドレスを、"
               "?token=… まで含めて開いてください。");
        return -1;
    }
    if (!same_text(req->token, ed->token)) {
        refuse(res, 403, "wrong-token",
               "合言葉（トークン）が違います。kairan serve を起動し直したときは、新しく表示された"
               "アドレスを開いてください。");
        return -1;
    }
    return 0;
}

/* ---- Entries on disk. ---- */

struct item {
    char *rel; /* below content/ */
    enum entry_kind kind;
    char *slug, *title, *district;
    /* The language's code: a translation's, else the default's (NULL when site.yaml cannot
     * be read). */
    const char *lang;
    int translation; /* a translation (of the original at rel without .KEY) */
    int draft;
    int ok; /* it passed its own checks */
};

/* Every entry, each original followed by its translations in site.yaml's order; translations
 * whose original is not there come last. */
struct items {
    struct item *v;
    size_t len;
};

static void items_release(struct items *it)
{
    for (size_t i = 0; i < it->len; i++) {
        free(it->v[i].rel);
        free(it->v[i].slug);
        free(it->v[i].title);
        free(it->v[i].district);
    }
    free(it->v);
    it->v = NULL;
    it->len = 0;
}

/* The kind a file's folder gives, and its name without .md: what an entry that cannot be
 * read is still listed as. */
static void fallback_identity(const char *rel, enum entry_kind *kind, char **slug)
{
    *kind = KIND_COUNT;
    for (int k = 0; k < KIND_COUNT; k++) {
        size_t n = strlen(entry_kind_folder((enum entry_kind)k));
        if (strncmp(rel, entry_kind_folder((enum entry_kind)k), n) == 0 && rel[n] == '/')
            *kind = (enum entry_kind)k;
    }
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    *slug = xstrndup(base, strlen(base) - 3);
}

/* Fills it from a loaded entry (or, when it could not be read, from its file's name). */
static void item_fill(struct item *it, const struct entry *e, const char *rel)
{
    if (e->slug && e->kind < KIND_COUNT) {
        it->kind = e->kind;
        it->slug = xstrdup(e->slug);
    } else {
        fallback_identity(rel, &it->kind, &it->slug);
    }
    it->title = e->title ? xstrdup(e->title) : NULL;
    it->district = e->district ? xstrdup(e->district) : NULL;
    it->draft = e->draft;
}

/* A translation's place in the list: after its original, in its language's order. */
struct tr_place {
    size_t original, lang, file;
};

static int tr_place_cmp(const void *a, const void *b)
{
    const struct tr_place *x = a, *y = b;
    if (x->original != y->original)
        return x->original < y->original ? -1 : 1;
    return x->lang < y->lang ? -1 : x->lang > y->lang;
}

/* Reads every entry (quietly: the build says what is wrong): the originals, then each
 * translation over its original, as the build does. The language codes point into cfg. */
static void list_entries(const struct editor *ed, const struct site_config *cfg, struct items *out)
{
    memset(out, 0, sizeof *out);
    struct diag quiet;
    diag_init(&quiet);
    char *content = fs_join(ed->source, "content");
    struct strv files = STRV_INIT;
    if (fs_is_dir(content))
        fs_list(&quiet, ed->source, content, ".md", &files);
    size_t n = files.len ? files.len : 1;
    struct entry *ents = xcalloc(n, sizeof *ents);
    struct item *items = xcalloc(n, sizeof *items);
    const struct language **langs = xcalloc(n, sizeof *langs);
    size_t *originals = xcalloc(n, sizeof *originals);
    int *placed = xcalloc(n, sizeof *placed);
    struct strmap by_rel = STRMAP_INIT;
    for (size_t i = 0; i < files.len; i++)
        strmap_add(&by_rel, files.v[i], strlen(files.v[i]), NULL, NULL);
    const char *def = cfg->n_languages ? cfg->languages[0].code : NULL;
    for (size_t i = 0; i < files.len; i++) {
        char *orig = NULL;
        langs[i] = entry_translation_of(cfg, files.v[i], &orig);
        originals[i] = orig ? strmap_find(&by_rel, orig, strlen(orig)) : STRMAP_NONE;
        free(orig);
        items[i].rel = xstrdup(files.v[i]);
        if (langs[i])
            continue;
        items[i].lang = def;
        items[i].ok = entry_load(&quiet, cfg, ed->shown, files.v[i], &ents[i]) == 0;
        item_fill(&items[i], &ents[i], files.v[i]);
    }
    for (size_t i = 0; i < files.len; i++) {
        if (!langs[i])
            continue;
        size_t o = originals[i];
        struct item *it = &items[i];
        it->lang = langs[i]->code;
        it->translation = 1;
        if (o != STRMAP_NONE && ents[o].fm && !langs[o]) {
            struct entry e;
            it->ok = entry_load_translation(&quiet, cfg, ed->shown, files.v[i], NULL, langs[i],
                                            &ents[o], &e) == 0 &&
                     items[o].ok;
            item_fill(it, &e, files.v[i]);
            free(it->slug);
            it->kind = items[o].kind;
            it->slug = xstrdup(items[o].slug);
            entry_release(&e);
        } else {
            /* No original to read it over: listed under its original's name, to be fixed. */
            char *orig = NULL;
            entry_translation_of(cfg, files.v[i], &orig);
            fallback_identity(orig, &it->kind, &it->slug);
            free(orig);
        }
    }
    /* Each original, then its translations in the languages' order (sorted by original and
     * language); then the translations without an original. */
    struct tr_place *trs = xcalloc(n, sizeof *trs);
    size_t n_trs = 0;
    for (size_t i = 0; i < files.len; i++)
        if (langs[i] && originals[i] != STRMAP_NONE && !langs[originals[i]])
            trs[n_trs++] = (struct tr_place){originals[i], langs[i]->index, i};
    qsort(trs, n_trs, sizeof *trs, tr_place_cmp);
    out->v = xcalloc(n, sizeof *out->v);
    for (size_t i = 0, t = 0; i < files.len; i++) {
        if (langs[i])
            continue;
        out->v[out->len++] = items[i];
        placed[i] = 1;
        for (; t < n_trs && trs[t].original <= i; t++)
            if (trs[t].original == i) {
                out->v[out->len++] = items[trs[t].file];
                placed[trs[t].file] = 1;
            }
    }
    for (size_t i = 0; i < files.len; i++)
        if (!placed[i])
            out->v[out->len++] = items[i];
    free(trs);
    for (size_t i = 0; i < files.len; i++)
        entry_release(&ents[i]);
    strmap_release(&by_rel);
    free(ents);
    free(items);
    free(langs);
    free(originals);
    free(placed);
    strv_release(&files);
    free(content);
    diag_release(&quiet);
}

/* The original KIND/SLUG (lang NULL) or its translation in the language lang (a code). */
static const struct item *find_item(const struct items *it, enum entry_kind kind, const char *slug,
                                    const char *lang)
{
    for (size_t i = 0; i < it->len; i++)
        if (it->v[i].kind == kind && strcmp(it->v[i].slug, slug) == 0 &&
            it->v[i].translation == (lang != NULL) && (!lang || strcmp(it->v[i].lang, lang) == 0))
            return &it->v[i];
    return NULL;
}

/* The language a request names by its code: *out NULL for the default (or none named), the
 * translation's language else. Returns 0, or -1 after refusing a code site.yaml has not. */
static int pick_language(const struct site_config *cfg, const char *code,
                         const struct language **out, struct editor_response *res)
{
    *out = NULL;
    if (!code || !*code || (cfg->n_languages && strcmp(code, cfg->languages[0].code) == 0))
        return 0;
    for (size_t k = 1; k < cfg->n_languages; k++)
        if (strcmp(cfg->languages[k].code, code) == 0) {
            *out = &cfg->languages[k];
            return 0;
        }
    refuse(res, 400, "bad-lang",
           "その言葉（lang）は site.yaml の languages にありません。言葉のコード（例: en）で"
           "指定してください。");
    return -1;
}

/* content/ABC.md's translation into lang: ABC.KEY.md. Returns a new string. */
static char *translation_rel(const char *original_rel, const struct language *lang)
{
    return xasprintf("%.*s.%s.md", (int)(strlen(original_rel) - 3), original_rel, lang->key);
}

/* The entries as they are now, with the settings they were read with. */
struct listing {
    struct site_config cfg;
    struct items it;
};

static void listing_load(const struct editor *ed, struct listing *l)
{
    struct diag quiet;
    diag_init(&quiet);
    memset(&l->cfg, 0, sizeof l->cfg);
    if (config_load(&quiet, ed->shown, &l->cfg) != 0) {
        config_release(&l->cfg);
        memset(&l->cfg, 0, sizeof l->cfg);
    }
    diag_release(&quiet);
    list_entries(ed, &l->cfg, &l->it);
}

static void listing_release(struct listing *l)
{
    items_release(&l->it);
    config_release(&l->cfg);
}

static char *content_rel(const char *rel)
{
    return xasprintf("content/%s", rel);
}

/* Reads content/REL whole into text; returns 0, or -1 when it is not a plain file there. */
static int read_entry_file(const struct editor *ed, const char *rel, struct buf *text)
{
    char *path = content_rel(rel);
    int root = open(ed->source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = root < 0 ? -1 : fs_open_beneath(root, path, O_RDONLY);
    free(path);
    if (root >= 0)
        close(root);
    if (fd < 0)
        return -1;
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FRONTMATTER_MAX_BYTES) {
        rc = -1;
    } else {
        char chunk[65536];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof chunk)) > 0)
            buf_add(text, chunk, (size_t)n);
        if (n < 0)
            rc = -1;
    }
    close(fd);
    return rc;
}

static void version_of(const char *data, size_t len, char out[33])
{
    hash_hex(hash_bytes(data, len), out);
}

/* ---- Field paths for messages. ---- */

struct spot {
    char *path;
    unsigned line;
};

static void collect_spots(const struct yamldoc *doc, const json_t *v, const char *prefix,
                          struct spot **spots, size_t *n, size_t *cap)
{
    if (json_is_object(v)) {
        const char *k;
        const json_t *f;
        json_object_foreach((json_t *)v, k, f) {
            char *path = *prefix ? xasprintf("%s.%s", prefix, k) : xstrdup(k);
            struct yamldoc_pos pos;
            if (yamldoc_key_pos(doc, path, &pos) == 0) {
                if (*n == *cap) {
                    *cap = *cap ? *cap * 2 : 32;
                    *spots = xrealloc(*spots, *cap * sizeof **spots);
                }
                (*spots)[(*n)++] = (struct spot){xstrdup(path), pos.line};
            }
            collect_spots(doc, f, path, spots, n, cap);
            free(path);
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) {
            char *path = xasprintf("%s.%zu", prefix, i);
            collect_spots(doc, item, path, spots, n, cap);
            free(path);
        }
    }
}

/* Turns the build's messages about the file shown as `shown` into a JSON list of {field,
 * line, column, level, text}: field is the front matter path at the message's line ("title",
 * "sessions.1.start"), "body" past the front matter, "" when it names no line. Returns the
 * list; *errors counts its errors. */
static json_t *messages_for(const struct diag *d, const char *shown, const char *text,
                            unsigned *errors)
{
    struct frontmatter fm;
    struct diag quiet;
    diag_init(&quiet);
    struct yamldoc doc;
    yamldoc_init(&doc);
    struct spot *spots = NULL;
    size_t n = 0, cap = 0;
    int have_fm = frontmatter_split(&quiet, shown, text, strlen(text), &fm) == 0;
    if (have_fm && yamldoc_parse(&quiet, shown, fm.yaml, fm.yaml_len, fm.yaml_line, &doc) == 0)
        collect_spots(&doc, doc.root, "", &spots, &n, &cap);
    json_t *list = json_array();
    *errors = 0;
    for (size_t i = 0; i < d->len; i++) {
        const struct diag_msg *m = &d->msgs[i];
        if (!m->path || strcmp(m->path, shown) != 0)
            continue;
        const char *field = "";
        unsigned best = 0;
        if (have_fm && m->line >= fm.body_line && m->line > 0) {
            field = "body";
        } else {
            for (size_t s = 0; s < n; s++)
                if (spots[s].line <= m->line && spots[s].line >= best) {
                    best = spots[s].line;
                    field = spots[s].path;
                }
        }
        json_t *o = json_object();
        json_object_set_new(o, "field", json_string(field));
        json_object_set_new(o, "line", json_integer(m->line));
        json_object_set_new(o, "column", json_integer(m->col));
        json_object_set_new(o, "level", json_string(m->level == DIAG_ERROR ? "error" : "warning"));
        json_object_set_new(o, "text", json_string(m->text));
        char *whole = diag_format(m);
        json_object_set_new(o, "message", json_string(whole));
        free(whole);
        json_array_append_new(list, o);
        if (m->level == DIAG_ERROR || d->werror)
            (*errors)++;
    }
    for (size_t s = 0; s < n; s++)
        free(spots[s].path);
    free(spots);
    yamldoc_release(&doc);
    diag_release(&quiet);
    return list;
}

/* ---- A posted entry. ---- */

struct draft {
    enum entry_kind kind;
    const char *slug;
    const char *lang; /* a translation's language (a code), or NULL for the original */
    json_t *fields; /* borrowed from the request's JSON */
    const char *body;
    const char *version; /* PUT: the version the form was opened at */
};

/* Reads {"kind", "slug", "lang", "fields", "body", "version"} (kind, slug and lang may come
 * from the address instead). Returns 0, or -1 after refusing. */
static int read_draft(const json_t *root, enum entry_kind kind, const char *slug, const char *lang,
                      struct draft *out, struct editor_response *res)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(root)) {
        refuse(res, 400, "bad-json", "JSON のオブジェクト（{…}）を送ってください。");
        return -1;
    }
    const char *k = json_string_value(json_object_get(root, "kind"));
    const char *s = json_string_value(json_object_get(root, "slug"));
    out->kind = k ? entry_kind_from_name(k) : kind;
    out->slug = s ? s : slug;
    if (out->kind == KIND_COUNT || (k && kind != KIND_COUNT && out->kind != kind)) {
        refuse(res, 400, "bad-kind", "種類（kind）は activity, event, issue, page のどれかです。");
        return -1;
    }
    if (!out->slug || !config_is_slug(out->slug) || strlen(out->slug) > 100 ||
        (slug && strcmp(slug, out->slug) != 0)) {
        refuse(res, 400, "bad-slug",
               "URL用の名前（slug）は半角の小文字・数字・ハイフンだけで、100文字までです"
               "（例: kushibiki-salon）。");
        return -1;
    }
    out->fields = json_object_get(root, "fields");
    if (!json_is_object(out->fields)) {
        refuse(res, 400, "bad-fields", "fields は項目のオブジェクト（{\"title\": …}）です。");
        return -1;
    }
    const char *fs = json_string_value(json_object_get(out->fields, "slug"));
    if (fs && strcmp(fs, out->slug) != 0) {
        refuse(res, 400, "bad-slug", "fields の slug がアドレスの名前と違います。");
        return -1;
    }
    const char *fk = json_string_value(json_object_get(out->fields, "kind"));
    if (fk && entry_kind_from_name(fk) != out->kind) {
        refuse(res, 400, "bad-kind", "fields の kind が種類と違います。");
        return -1;
    }
    json_t *body = json_object_get(root, "body");
    if (body && !json_is_string(body)) {
        refuse(res, 400, "bad-body", "body は文字列です。");
        return -1;
    }
    out->body = body ? json_string_value(body) : "";
    if (strlen(out->body) != (body ? json_string_length(body) : 0)) {
        refuse(res, 400, "bad-body", "本文に NUL 文字は使えません。");
        return -1;
    }
    json_t *l = json_object_get(root, "lang");
    if (l && !json_is_string(l) && !json_is_null(l)) {
        refuse(res, 400, "bad-lang", "lang は言葉のコード（例: en）の文字列です。");
        return -1;
    }
    out->lang = json_string_value(l);
    if (lang && out->lang && strcmp(lang, out->lang) != 0) {
        refuse(res, 400, "bad-lang", "送られた lang がアドレスの言葉と違います。");
        return -1;
    }
    if (lang)
        out->lang = lang;
    if (out->lang && !*out->lang)
        out->lang = NULL;
    out->version = json_string_value(json_object_get(root, "version"));
    return 0;
}

/* The file for a draft; old is the file as it is now (NULL for a new one). Returns a new
 * string, or NULL after refusing. */
static char *draft_text(const struct draft *dr, const char *old, struct editor_response *res)
{
    struct fmwrite_options opt = {entry_field_order(dr->kind), NULL, 0};
    struct buf oldtext;
    buf_init(&oldtext);
    if (old) {
        buf_puts(&oldtext, old);
        text_normalise(&oldtext);
        struct frontmatter fm;
        struct diag quiet;
        diag_init(&quiet);
        if (frontmatter_split(&quiet, "old", oldtext.data, oldtext.len, &fm) == 0) {
            opt.old_yaml = fm.yaml;
            opt.old_len = fm.yaml_len;
        }
        diag_release(&quiet);
    }
    struct buf body;
    buf_init(&body);
    buf_puts(&body, dr->body);
    text_normalise(&body); /* CRLF from a form, a BOM pasted in */
    struct buf out;
    buf_init(&out);
    int rc = fmwrite_entry(&out, dr->fields, body.data ? body.data : "", &opt);
    buf_release(&body);
    buf_release(&oldtext);
    if (rc != 0) {
        buf_release(&out);
        refuse(res, 422, "unwritable",
               "書けない値があります（数でない数、NUL 文字など）。値を見直してください。");
        return NULL;
    }
    return buf_detach(&out, NULL);
}

/* Puts text at the overlay's content/REL (and nothing else there). Returns 0, or -1. */
static int put_overlay(const struct editor *ed, const char *rel, const char *text,
                       struct diag *d)
{
    fs_remove_tree_at(AT_FDCWD, ed->overlay);
    char *path = content_rel(rel);
    if (fs_mkdirs(d, ed->overlay) != 0) {
        free(path);
        return -1;
    }
    int rc = fs_write_atomic_beneath(d, ed->overlay, path, text, strlen(text));
    free(path);
    return rc;
}

/* Checks text as content/REL by a build that writes nothing. Returns the messages about it;
 * *errors counts the errors among them, or is -1 when the build could not be run. */
static json_t *check_text(struct editor *ed, const char *rel, const char *text, int *errors)
{
    struct diag d;
    diag_init(&d);
    char *content = fs_join(ed->shown, "content");
    char *shown = fs_join(content, rel);
    free(content);
    json_t *list;
    pthread_mutex_lock(ed->build_lock);
    if (put_overlay(ed, rel, text, &d) != 0) {
        *errors = -1;
        list = json_array();
    } else {
        ed->build(&d, ed->overlay, NULL, NULL, ed->userdata);
        unsigned n;
        list = messages_for(&d, shown, text, &n);
        *errors = (int)n;
    }
    pthread_mutex_unlock(ed->build_lock);
    free(shown);
    diag_release(&d);
    return list;
}

static char *rel_for(enum entry_kind kind, const char *slug)
{
    return xasprintf("%s/%s.md", entry_kind_folder(kind), slug);
}

/* Writes text to content/REL. Returns 0, or -1 after refusing. */
static int write_entry(struct editor *ed, const char *rel, const char *text,
                       struct editor_response *res)
{
    struct diag d;
    diag_init(&d);
    char *path = content_rel(rel);
    int rc = fs_write_atomic_beneath(&d, ed->source, path, text, strlen(text));
    free(path);
    if (rc != 0) {
        char *why = d.len ? diag_format(&d.msgs[0]) : xstrdup("");
        char *msg = xasprintf("ファイルを書けませんでした: %s", why);
        refuse(res, 500, "write-failed", msg);
        free(msg);
        free(why);
    }
    diag_release(&d);
    return rc;
}

/* Where the API names an entry: KIND/SLUG, and ?lang=CODE for a translation (lang NULL).
 * Returns a new string. */
static char *entry_location(enum entry_kind kind, const char *slug, const char *lang)
{
    return lang
               ? xasprintf("/__kairan/api/entries/%s/%s?lang=%s", entry_kind_name(kind), slug, lang)
               : xasprintf("/__kairan/api/entries/%s/%s", entry_kind_name(kind), slug);
}

/* Saves a draft as content/REL (checked; a draft that fails is saved with draft: true) and
 * answers with its new version and the messages. lang is the language's code (a
 * translation's, else the default's; NULL without settings), translation whether REL is a
 * translation. created: 201 instead of 200. */
static void save(struct editor *ed, const struct draft *dr, const char *rel, const char *lang,
                 int translation, const char *old, int created, struct editor_response *res)
{
    char *text = draft_text(dr, old, res);
    if (!text)
        return;
    int errors;
    json_t *messages = check_text(ed, rel, text, &errors);
    if (errors < 0) {
        json_decref(messages);
        free(text);
        refuse(res, 500, "check-failed", "確認のための作業用フォルダーを作れませんでした。");
        return;
    }
    int forced_draft = 0;
    if (errors > 0 && !json_is_true(json_object_get(dr->fields, "draft"))) {
        /* Kept as a draft: nothing is lost, and nothing wrong is published. */
        json_t *fields = json_deep_copy(dr->fields);
        json_object_set_new(fields, "draft", json_true());
        struct draft copy = *dr;
        copy.fields = fields;
        free(text);
        text = draft_text(&copy, old, res);
        json_decref(fields);
        if (!text) {
            json_decref(messages);
            return;
        }
        forced_draft = 1;
    }
    if (write_entry(ed, rel, text, res) != 0) {
        json_decref(messages);
        free(text);
        return;
    }
    char version[33];
    version_of(text, strlen(text), version);
    json_t *v = json_object();
    json_object_set_new(v, "kind", json_string(entry_kind_name(dr->kind)));
    json_object_set_new(v, "slug", json_string(dr->slug));
    json_object_set_new(v, "lang", lang ? json_string(lang) : json_null());
    json_object_set_new(v, "path", json_string(rel));
    json_object_set_new(v, "version", json_string(version));
    json_object_set_new(v, "saved", json_true());
    json_object_set_new(v, "draft", json_boolean(forced_draft ||
                                                 json_is_true(json_object_get(dr->fields, "draft"))));
    json_object_set_new(v, "forced_draft", json_boolean(forced_draft));
    json_object_set_new(v, "messages", messages);
    free(res->location);
    res->location = entry_location(dr->kind, dr->slug, translation ? lang : NULL);
    reply(res, errors > 0 ? 422 : created ? 201 : 200, v);
    free(text);
}

/* ---- The endpoints. ---- */

static void get_entries(struct editor *ed, const struct editor_request *req,
                        struct editor_response *res)
{
    struct listing l;
    listing_load(ed, &l);
    const char *want_kind = req->arg ? req->arg("kind", req->arg_userdata) : NULL;
    const char *want_district = req->arg ? req->arg("district", req->arg_userdata) : NULL;
    const char *want_draft = req->arg ? req->arg("draft", req->arg_userdata) : NULL;
    const char *want_q = req->arg ? req->arg("q", req->arg_userdata) : NULL;
    const char *want_lang = req->arg ? req->arg("lang", req->arg_userdata) : NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < l.it.len; i++) {
        const struct item *e = &l.it.v[i];
        const char *kind = e->kind < KIND_COUNT ? entry_kind_name(e->kind) : "";
        if ((want_kind && *want_kind && strcmp(want_kind, kind) != 0) ||
            (want_district && *want_district &&
             (!e->district || strcmp(want_district, e->district) != 0)) ||
            (want_draft && *want_draft && (strcmp(want_draft, "true") == 0) != e->draft) ||
            (want_lang && *want_lang && (!e->lang || strcmp(want_lang, e->lang) != 0)) ||
            (want_q && *want_q && !strstr(e->title ? e->title : "", want_q) &&
             !strstr(e->slug, want_q)))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(kind));
        json_object_set_new(o, "slug", json_string(e->slug));
        json_object_set_new(o, "lang", e->lang ? json_string(e->lang) : json_null());
        json_object_set_new(o, "translation", json_boolean(e->translation));
        json_object_set_new(o, "title", e->title ? json_string(e->title) : json_null());
        json_object_set_new(o, "draft", json_boolean(e->draft));
        json_object_set_new(o, "district", e->district ? json_string(e->district) : json_null());
        json_object_set_new(o, "path", json_string(e->rel));
        json_object_set_new(o, "ok", json_boolean(e->ok));
        json_array_append_new(list, o);
    }
    listing_release(&l);
    reply(res, 200, list);
}

/* Finds KIND/SLUG, or its translation into lang (a code; NULL or the default's: the
 * original), among l's entries. Returns it (l's), or NULL after refusing: 404, or 400 for a
 * language site.yaml has not. */
static const struct item *lookup(const struct listing *l, enum entry_kind kind, const char *slug,
                                 const char *lang, struct editor_response *res)
{
    const struct language *language;
    if (pick_language(&l->cfg, lang, &language, res) != 0)
        return NULL;
    const struct item *orig = find_item(&l->it, kind, slug, NULL);
    const struct item *found = language ? find_item(&l->it, kind, slug, language->code) : orig;
    if (!found && language && orig)
        refuse(res, 404, "no-translation", "この記事の、その言葉の翻訳はまだありません。");
    else if (!found)
        refuse(res, 404, "no-entry", "その記事はありません（消されたか、名前が変わりました）。");
    return found;
}

/* The file of KIND/SLUG or of its translation into lang (see lookup). Returns a new string, or
 * NULL after refusing. *lang_out (when not NULL) is set to a new copy of the entry's language
 * code, or NULL; *translation (when not NULL) to whether it is a translation. */
static char *locate(struct editor *ed, enum entry_kind kind, const char *slug, const char *lang,
                    char **lang_out, int *translation, struct editor_response *res)
{
    struct listing l;
    listing_load(ed, &l);
    const struct item *found = lookup(&l, kind, slug, lang, res);
    char *rel = found ? xstrdup(found->rel) : NULL;
    if (lang_out)
        *lang_out = found && found->lang ? xstrdup(found->lang) : NULL;
    if (translation)
        *translation = found && found->translation;
    listing_release(&l);
    return rel;
}

/* Puts content/REL's version, fields and body into v (fields null, with its text and the
 * messages, when its front matter cannot be read). Returns 0, or -1 when the file cannot be
 * read. */
static int read_fields(const struct editor *ed, const char *rel, json_t *v)
{
    struct buf text;
    buf_init(&text);
    if (read_entry_file(ed, rel, &text) != 0) {
        buf_release(&text);
        return -1;
    }
    char version[33];
    version_of(text.data ? text.data : "", text.len, version);
    json_object_set_new(v, "path", json_string(rel));
    json_object_set_new(v, "version", json_string(version));
    text_normalise(&text);
    struct diag quiet;
    diag_init(&quiet);
    struct frontmatter fm;
    struct yamldoc doc;
    if (frontmatter_split(&quiet, rel, text.data ? text.data : "", text.len, &fm) == 0 &&
        yamldoc_parse(&quiet, rel, fm.yaml, fm.yaml_len, fm.yaml_line, &doc) == 0) {
        json_object_set(v, "fields", doc.root);
        json_object_set_new(v, "body", json_stringn(fm.body, fm.body_len));
        json_object_set_new(v, "draft", json_boolean(json_is_true(json_object_get(doc.root,
                                                                                  "draft"))));
        yamldoc_release(&doc);
    } else {
        /* Not readable as fields: the page shows the text and says to fix it by hand. */
        json_object_set_new(v, "fields", json_null());
        json_object_set_new(v, "text", json_stringn(text.data ? text.data : "", text.len));
        unsigned n;
        json_object_set_new(v, "messages", messages_for(&quiet, rel, "", &n));
    }
    diag_release(&quiet);
    buf_release(&text);
    return 0;
}

static void get_entry(struct editor *ed, enum entry_kind kind, const char *slug, const char *lang,
                      struct editor_response *res)
{
    struct listing l;
    listing_load(ed, &l);
    const struct item *found = lookup(&l, kind, slug, lang, res);
    json_t *v = found ? json_object() : NULL;
    if (v) {
        json_object_set_new(v, "kind", json_string(entry_kind_name(kind)));
        json_object_set_new(v, "slug", json_string(slug));
        json_object_set_new(v, "lang", found->lang ? json_string(found->lang) : json_null());
        json_object_set_new(v, "translation", json_boolean(found->translation));
    }
    if (v && read_fields(ed, found->rel, v) != 0) {
        refuse(res, 404, "no-entry", "その記事のファイルを読めません。");
        json_decref(v);
        v = NULL;
    }
    const struct item *orig = v ? find_item(&l.it, kind, slug, NULL) : NULL;
    if (v && found->translation) {
        /* What the translation does not say comes from here: the form shows it. */
        json_t *o = json_object();
        if (orig && read_fields(ed, orig->rel, o) == 0)
            json_object_set_new(v, "original", o);
        else
            json_decref(o);
    } else if (v) {
        json_t *list = json_array();
        for (size_t i = 0; i < l.it.len; i++) {
            const struct item *t = &l.it.v[i];
            if (t->translation && t->kind == kind && strcmp(t->slug, slug) == 0) {
                json_t *o = json_object();
                json_object_set_new(o, "lang", json_string(t->lang));
                json_object_set_new(o, "path", json_string(t->rel));
                json_object_set_new(o, "title", t->title ? json_string(t->title) : json_null());
                json_array_append_new(list, o);
            }
        }
        json_object_set_new(v, "translations", list);
    }
    if (v)
        reply(res, 200, v);
    listing_release(&l);
}

static json_t *parse_body(const struct editor_request *req, struct editor_response *res)
{
    json_error_t err;
    json_t *root = req->body ? json_loadb(req->body, req->body_len, 0, &err) : NULL;
    if (!root)
        refuse(res, 400, "bad-json", "送られた内容が JSON として読めません。");
    return root;
}

/* The file's version must be the one the form was opened at. Returns 0 when it is. */
static int same_version(const char *want, const char *have, struct editor_response *res)
{
    if (!want || !*want) {
        refuse(res, 428, "no-version",
               "どの版を直したのか分かりません（version か If-Match を送ってください）。");
        return -1;
    }
    if (strcmp(want, have) != 0) {
        json_t *v = json_object();
        json_object_set_new(v, "error", json_string("conflict"));
        json_object_set_new(v, "message",
                            json_string("この記事は、編集画面を開いたあとでほかの場所で変更されました。"
                                        "読み込み直すか、別の名前で保存してください。"));
        json_object_set_new(v, "version", json_string(have));
        reply(res, 409, v);
        return -1;
    }
    return 0;
}

/* The lang of the address (?lang=CODE), or NULL. */
static const char *address_lang(const struct editor_request *req)
{
    const char *lang = req->arg ? req->arg("lang", req->arg_userdata) : NULL;
    return lang && *lang ? lang : NULL;
}

static void put_entry(struct editor *ed, const struct editor_request *req, enum entry_kind kind,
                      const char *slug, struct editor_response *res)
{
    json_t *root = parse_body(req, res);
    if (!root)
        return;
    struct draft dr;
    if (read_draft(root, kind, slug, address_lang(req), &dr, res) != 0) {
        json_decref(root);
        return;
    }
    if (!dr.version)
        dr.version = req->if_match;
    pthread_mutex_lock(&ed->write_lock);
    char *lang = NULL;
    int translation = 0;
    char *rel = locate(ed, kind, slug, dr.lang, &lang, &translation, res);
    struct buf text;
    buf_init(&text);
    if (rel && read_entry_file(ed, rel, &text) != 0) {
        refuse(res, 404, "no-entry", "その記事のファイルを読めません。");
    } else if (rel) {
        char version[33];
        version_of(text.data ? text.data : "", text.len, version);
        if (same_version(dr.version, version, res) == 0)
            save(ed, &dr, rel, lang, translation, text.data ? text.data : "", 0, res);
    }
    pthread_mutex_unlock(&ed->write_lock);
    buf_release(&text);
    free(rel);
    free(lang);
    json_decref(root);
}

/* Where a new entry, or a new translation, goes: refuses 409 when there is one already (and
 * 404 for a translation without its original). Returns a new string, or NULL after refusing;
 * *language is the translation's language (l's), or NULL. */
static char *new_rel(const struct listing *l, const struct draft *dr,
                     const struct language **language, struct editor_response *res)
{
    if (pick_language(&l->cfg, dr->lang, language, res) != 0)
        return NULL;
    const struct item *orig = find_item(&l->it, dr->kind, dr->slug, NULL);
    if (!*language) {
        if (!orig)
            return rel_for(dr->kind, dr->slug);
        refuse(res, 409, "exists",
               "同じ種類で同じURL用の名前の記事がもうあります。別の名前にしてください。");
    } else if (!orig) {
        refuse(res, 404, "no-entry",
               "翻訳する元の記事がありません。先に元の記事を保存してください。");
    } else if (find_item(&l->it, dr->kind, dr->slug, (*language)->code)) {
        refuse(res, 409, "exists", "この記事の、その言葉の翻訳はもうあります。");
    } else {
        return translation_rel(orig->rel, *language);
    }
    return NULL;
}

static void post_entry(struct editor *ed, const struct editor_request *req,
                       struct editor_response *res)
{
    json_t *root = parse_body(req, res);
    if (!root)
        return;
    struct draft dr;
    if (read_draft(root, KIND_COUNT, NULL, NULL, &dr, res) != 0) {
        json_decref(root);
        return;
    }
    pthread_mutex_lock(&ed->write_lock);
    struct listing l;
    listing_load(ed, &l);
    const struct language *language = NULL;
    char *rel = new_rel(&l, &dr, &language, res);
    if (rel) {
        char *path = content_rel(rel);
        char *full = fs_join(ed->source, path);
        struct stat st;
        if (lstat(full, &st) == 0) {
            refuse(res, 409, "exists",
                   "同じ名前のファイルがもうあります。別の名前にしてください。");
        } else {
            if (!language)
                dr.lang = NULL;
            const char *code = language ? language->code
                                        : l.cfg.n_languages ? l.cfg.languages[0].code : NULL;
            save(ed, &dr, rel, code, language != NULL, NULL, 1, res);
        }
        free(path);
        free(full);
    }
    listing_release(&l);
    pthread_mutex_unlock(&ed->write_lock);
    free(rel);
    json_decref(root);
}

static void delete_entry(struct editor *ed, const struct editor_request *req,
                         enum entry_kind kind, const char *slug, struct editor_response *res)
{
    pthread_mutex_lock(&ed->write_lock);
    char *rel = locate(ed, kind, slug, address_lang(req), NULL, NULL, res);
    struct buf text;
    buf_init(&text);
    if (rel && read_entry_file(ed, rel, &text) != 0) {
        refuse(res, 404, "no-entry", "その記事のファイルを読めません。");
    } else if (rel) {
        char version[33];
        version_of(text.data ? text.data : "", text.len, version);
        if (!req->if_match || same_version(req->if_match, version, res) == 0) {
            time_t now = time(NULL);
            struct tm tm;
            localtime_r(&now, &tm);
            char stamp[32];
            strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
            char *from = content_rel(rel);
            char *base = xstrndup(rel, strlen(rel) - 3);
            char *to = NULL;
            int rc = -1;
            for (unsigned i = 1; rc != 0 && i < 100; i++) {
                free(to);
                to = i == 1 ? xasprintf("content/.trash/%s-%s.md", base, stamp)
                            : xasprintf("content/.trash/%s-%s-%u.md", base, stamp, i);
                rc = fs_move_beneath(ed->source, from, to);
                if (rc != 0 && errno != EEXIST)
                    break;
            }
            if (rc == 0) {
                json_t *v = json_object();
                json_object_set_new(v, "deleted", json_string(rel));
                json_object_set_new(v, "trash", json_string(to));
                reply(res, 200, v);
            } else {
                refuse(res, 500, "trash-failed", "ごみ箱（content/.trash）に移せませんでした。");
            }
            free(from);
            free(base);
            free(to);
        }
    }
    pthread_mutex_unlock(&ed->write_lock);
    buf_release(&text);
    free(rel);
}

/* The file of a draft's KIND/SLUG (or its translation): the existing one's, or where a new one
 * would go. Returns a new string, or NULL after refusing a language site.yaml has not. */
static char *draft_rel(struct editor *ed, const struct draft *dr, struct editor_response *res)
{
    struct listing l;
    listing_load(ed, &l);
    const struct language *language;
    char *rel = NULL;
    if (pick_language(&l.cfg, dr->lang, &language, res) == 0) {
        const struct item *orig = find_item(&l.it, dr->kind, dr->slug, NULL);
        const struct item *found = language ? find_item(&l.it, dr->kind, dr->slug,
                                                        language->code)
                                            : orig;
        if (found) {
            rel = xstrdup(found->rel);
        } else {
            char *orig_rel = orig ? xstrdup(orig->rel) : rel_for(dr->kind, dr->slug);
            rel = language ? translation_rel(orig_rel, language) : xstrdup(orig_rel);
            free(orig_rel);
        }
    }
    listing_release(&l);
    return rel;
}

static void validate(struct editor *ed, const struct editor_request *req,
                     struct editor_response *res)
{
    json_t *root = parse_body(req, res);
    if (!root)
        return;
    struct draft dr;
    if (read_draft(root, KIND_COUNT, NULL, NULL, &dr, res) == 0) {
        pthread_mutex_lock(&ed->write_lock);
        char *rel = draft_rel(ed, &dr, res);
        struct buf old;
        buf_init(&old);
        int had = rel && read_entry_file(ed, rel, &old) == 0;
        char *text = rel ? draft_text(&dr, had ? (old.data ? old.data : "") : NULL, res) : NULL;
        if (text) {
            int errors;
            json_t *messages = check_text(ed, rel, text, &errors);
            json_t *v = json_object();
            json_object_set_new(v, "ok", json_boolean(errors == 0));
            json_object_set_new(v, "messages", messages);
            json_object_set_new(v, "text", json_string(text));
            reply(res, 200, v);
            free(text);
        }
        pthread_mutex_unlock(&ed->write_lock);
        buf_release(&old);
        free(rel);
    }
    json_decref(root);
}

/* Notes that the preview folder now holds only lang's pages (of cfg's languages), or every
 * language's (lang NULL). */
static void note_preview(struct editor *ed, const struct site_config *cfg,
                         const struct language *lang)
{
    pthread_mutex_lock(&ed->shown_lock);
    free(ed->shown_prefix);
    ed->shown_prefix = lang ? xstrdup(lang->prefix) : NULL;
    strv_release(&ed->prefixes);
    for (size_t k = 0; k < cfg->n_languages; k++)
        if (*cfg->languages[k].prefix)
            strv_push(&ed->prefixes, cfg->languages[k].prefix);
    pthread_mutex_unlock(&ed->shown_lock);
}

int editor_preview_elsewhere(struct editor *ed, const char *rel)
{
    pthread_mutex_lock(&ed->shown_lock);
    const char *in = "";
    for (size_t i = 0; i < ed->prefixes.len; i++)
        if (strncmp(rel, ed->prefixes.v[i], strlen(ed->prefixes.v[i])) == 0)
            in = ed->prefixes.v[i];
    int elsewhere = ed->shown_prefix && strcmp(in, ed->shown_prefix) != 0;
    pthread_mutex_unlock(&ed->shown_lock);
    return elsewhere;
}

static void preview(struct editor *ed, const struct editor_request *req,
                    struct editor_response *res)
{
    json_t *root = parse_body(req, res);
    if (!root)
        return;
    struct draft dr;
    if (read_draft(root, KIND_COUNT, NULL, NULL, &dr, res) == 0) {
        pthread_mutex_lock(&ed->write_lock);
        char *rel = draft_rel(ed, &dr, res);
        char *text = rel ? draft_text(&dr, NULL, res) : NULL;
        if (text) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            struct diag d;
            diag_init(&d);
            /* Only the pages of the entry's language: a translation's, else the default's.
             * Without readable settings, every language (the build says what is wrong). */
            struct diag quiet;
            diag_init(&quiet);
            struct site_config cfg = {0};
            const struct language *lang = NULL;
            if (config_load(&quiet, ed->shown, &cfg) == 0) {
                char *orig = NULL;
                lang = entry_translation_of(&cfg, rel, &orig);
                free(orig);
                if (!lang)
                    lang = &cfg.languages[0];
            }
            diag_release(&quiet);
            pthread_mutex_lock(ed->build_lock);
            int rc = put_overlay(ed, rel, text, &d);
            if (rc == 0)
                rc = ed->build(&d, ed->overlay, ed->preview, lang ? lang->code : NULL,
                               ed->userdata);
            if (rc == 0)
                note_preview(ed, &cfg, lang);
            pthread_mutex_unlock(ed->build_lock);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            char *content = fs_join(ed->shown, "content");
            char *shown = fs_join(content, rel);
            unsigned n;
            json_t *v = json_object();
            json_object_set_new(v, "built", json_boolean(rc == 0));
            json_object_set_new(v, "ms", json_integer((t1.tv_sec - t0.tv_sec) * 1000 +
                                                      (t1.tv_nsec - t0.tv_nsec) / 1000000));
            const char *prefix = lang ? lang->prefix : "";
            char *url = dr.kind == KIND_PAGE
                            ? xasprintf("/__kairan/preview/%s%s/index.html", prefix, dr.slug)
                            : xasprintf("/__kairan/preview/%s%s/%s/index.html", prefix,
                                        entry_kind_folder(dr.kind), dr.slug);
            json_object_set_new(v, "url", json_string(url));
            json_object_set_new(v, "messages", messages_for(&d, shown, text, &n));
            if (rc != 0 && n == 0 && d.len) {
                /* The build failed elsewhere: say so, whatever file it names. */
                char *first = diag_format(&d.msgs[0]);
                json_object_set_new(v, "problem", json_string(first));
                free(first);
            }
            reply(res, 200, v);
            free(url);
            free(content);
            free(shown);
            diag_release(&d);
            config_release(&cfg);
            free(text);
        }
        pthread_mutex_unlock(&ed->write_lock);
        free(rel);
    }
    json_decref(root);
}

/* ---- Pictures. ---- */

/* A file name for an uploaded picture: the entry's slug, then the ASCII letters and digits of
 * the name sent (lowercased, other runs as one '-'), then ext. Returns a new string. */
static char *picture_name(const char *slug, const char *sent, const char *ext)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, slug);
    const char *dot = sent ? strrchr(sent, '.') : NULL;
    size_t n = sent ? (dot ? (size_t)(dot - sent) : strlen(sent)) : 0;
    int dash = 1;
    size_t start = b.len;
    for (size_t i = 0; i < n && b.len - start < 40; i++) {
        char c = sent[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash)
                buf_putc(&b, '-');
            buf_putc(&b, c);
            dash = 0;
        } else {
            dash = 1;
        }
    }
    if (b.len == start)
        buf_puts(&b, "-photo");
    buf_printf(&b, ".%s", ext);
    return buf_detach(&b, NULL);
}

static void post_picture(struct editor *ed, const struct editor_request *req,
                         struct editor_response *res)
{
    const char *kind_name = req->arg ? req->arg("kind", req->arg_userdata) : NULL;
    const char *slug = req->arg ? req->arg("slug", req->arg_userdata) : NULL;
    const char *name = req->arg ? req->arg("name", req->arg_userdata) : NULL;
    const char *alt = req->arg ? req->arg("alt", req->arg_userdata) : NULL;
    const char *consent = req->arg ? req->arg("consent", req->arg_userdata) : NULL;
    enum entry_kind kind = kind_name ? entry_kind_from_name(kind_name) : KIND_COUNT;
    if (req->body_too_large) {
        char *msg = xasprintf("写真が大きすぎます（%d MB まで）。小さくしてから送ってください。",
                              EDITOR_MAX_PICTURE >> 20);
        refuse(res, 413, "too-large", msg);
        free(msg);
        return;
    }
    if (kind == KIND_COUNT || !slug || !config_is_slug(slug) || strlen(slug) > 100) {
        refuse(res, 400, "bad-entry", "どの記事の写真か（kind と slug）を送ってください。");
        return;
    }
    if (!alt || !*alt) {
        refuse(res, 400, "no-alt",
               "写真の説明（alt）を書いてください。目の不自由な方の読み上げに使います。");
        return;
    }
    if (!consent || (strcmp(consent, "yes") != 0 && strcmp(consent, "nobody") != 0 &&
                     strcmp(consent, "no") != 0)) {
        refuse(res, 400, "no-consent",
               "写っている人の同意（consent: yes / nobody / no）を選んでください。");
        return;
    }
    if (!req->body || req->body_len == 0) {
        refuse(res, 400, "no-picture", "写真のファイルが送られていません。");
        return;
    }
    struct diag d;
    diag_init(&d);
    struct buf file;
    buf_init(&file);
    const char *ext = "jpg";
    const char *shown = name && *name ? name : "写真";
    if (image_upright(&d, shown, req->body, req->body_len, 50, &file, &ext) != 0) {
        char *why = d.len ? xstrdup(d.msgs[0].text) : xstrdup("is not a picture");
        char *msg = xasprintf("この写真は使えません: %s %s", shown, why);
        json_t *v = json_object();
        json_object_set_new(v, "error", json_string("not-a-picture"));
        json_object_set_new(v, "message", json_string(msg));
        reply(res, 422, v);
        free(msg);
        free(why);
        buf_release(&file);
        diag_release(&d);
        return;
    }
    /* In assets/photos/ when the site keeps its photos there, else beside the entry. */
    char *photos = fs_join(ed->source, "assets/photos");
    int in_assets = fs_is_dir(photos);
    free(photos);
    char *base = picture_name(slug, name, ext);
    char *rel = NULL, *src = NULL;
    pthread_mutex_lock(&ed->write_lock);
    for (unsigned i = 1; i < 1000; i++) {
        char *fname = base;
        if (i > 1) {
            const char *dot = strrchr(base, '.');
            fname = xasprintf("%.*s-%u%s", (int)(dot - base), base, i, dot);
        }
        free(rel);
        free(src);
        rel = in_assets ? xasprintf("assets/photos/%s", fname)
                        : xasprintf("content/%s/%s", entry_kind_folder(kind), fname);
        src = in_assets ? xasprintf("photos/%s", fname) : xstrdup(fname);
        if (fname != base)
            free(fname);
        char *full = fs_join(ed->source, rel);
        struct stat st;
        int taken = lstat(full, &st) == 0;
        free(full);
        if (!taken)
            break;
    }
    int rc = fs_write_atomic_beneath(&d, ed->source, rel, file.data, file.len);
    pthread_mutex_unlock(&ed->write_lock);
    if (rc != 0) {
        refuse(res, 500, "write-failed", "写真を保存できませんでした。");
    } else {
        json_t *record = json_object();
        json_object_set_new(record, "file", json_string(src));
        json_object_set_new(record, "alt", json_string(alt));
        json_object_set_new(record, "consent", json_string(consent));
        json_t *v = json_object();
        json_object_set_new(v, "path", json_string(rel));
        json_object_set_new(v, "src", json_string(src));
        json_object_set_new(v, "record", record);
        struct buf md;
        buf_init(&md);
        buf_puts(&md, "![");
        for (const char *p = alt; *p; p++) {
            if (*p == '[' || *p == ']' || *p == '\\')
                buf_putc(&md, '\\');
            if (*p != '\n' && *p != '\r')
                buf_putc(&md, *p);
        }
        buf_printf(&md, "](%s)", src);
        json_object_set_new(v, "markdown", json_string(md.data));
        buf_release(&md);
        reply(res, 201, v);
    }
    free(base);
    free(rel);
    free(src);
    buf_release(&file);
    diag_release(&d);
}

static void get_schema(struct editor *ed, struct editor_response *res)
{
    struct diag quiet;
    diag_init(&quiet);
    struct site_config cfg = {0};
    int have_cfg = config_load(&quiet, ed->shown, &cfg) == 0;
    diag_release(&quiet);
    json_t *v = form_describe(have_cfg ? &cfg : NULL);
    char *photos = fs_join(ed->source, "assets/photos");
    json_object_set_new(v, "pictures_in", json_string(fs_is_dir(photos) ? "assets/photos"
                                                                        : "beside the entry"));
    free(photos);
    if (have_cfg)
        json_object_set_new(v, "site_title", json_string(cfg.title ? cfg.title : ""));
    config_release(&cfg);
    reply(res, 200, v);
}

/* Splits "entries/KIND/SLUG" into its kind and slug; returns 0, or -1 for another shape. */
static int entry_address(const char *path, enum entry_kind *kind, char **slug)
{
    if (strncmp(path, "entries/", 8) != 0)
        return -1;
    const char *k = path + 8;
    const char *slash = strchr(k, '/');
    if (!slash || strchr(slash + 1, '/'))
        return -1;
    char *kname = xstrndup(k, (size_t)(slash - k));
    *kind = entry_kind_from_name(kname);
    free(kname);
    *slug = xstrdup(slash + 1);
    return 0;
}

static void method_not_allowed(struct editor_response *res, const char *allow)
{
    char *msg = xasprintf("このアドレスには %s で依頼してください。", allow);
    refuse(res, 405, "method", msg);
    free(msg);
}

void editor_handle(struct editor *ed, const struct editor_request *req,
                   struct editor_response *res)
{
    if (allowed(ed, req, res) != 0)
        return;
    const char *m = req->method;
    const char *p = req->path;
    if (req->body_too_large && strcmp(p, "pictures") != 0) {
        char *msg = xasprintf("送られた内容が大きすぎます（%d MB まで）。", EDITOR_MAX_JSON >> 20);
        refuse(res, 413, "too-large", msg);
        free(msg);
        return;
    }
    enum entry_kind kind;
    char *slug = NULL;
    if (strcmp(p, "entries") == 0) {
        if (strcmp(m, "GET") == 0)
            get_entries(ed, req, res);
        else if (strcmp(m, "POST") == 0)
            post_entry(ed, req, res);
        else
            method_not_allowed(res, "GET か POST");
    } else if (entry_address(p, &kind, &slug) == 0) {
        if (kind == KIND_COUNT || !config_is_slug(slug) || fs_rel_problem(slug)) {
            refuse(res, 404, "no-entry",
                   "そのアドレスの記事はありません（entries/種類/URL用の名前 の形です）。");
        } else if (strcmp(m, "GET") == 0) {
            get_entry(ed, kind, slug, address_lang(req), res);
        } else if (strcmp(m, "PUT") == 0) {
            put_entry(ed, req, kind, slug, res);
        } else if (strcmp(m, "DELETE") == 0) {
            delete_entry(ed, req, kind, slug, res);
        } else {
            method_not_allowed(res, "GET, PUT か DELETE");
        }
        free(slug);
    } else if (strcmp(p, "validate") == 0) {
        if (strcmp(m, "POST") == 0)
            validate(ed, req, res);
        else
            method_not_allowed(res, "POST");
    } else if (strcmp(p, "preview") == 0) {
        if (strcmp(m, "POST") == 0)
            preview(ed, req, res);
        else
            method_not_allowed(res, "POST");
    } else if (strcmp(p, "pictures") == 0) {
        if (strcmp(m, "POST") == 0)
            post_picture(ed, req, res);
        else
            method_not_allowed(res, "POST");
    } else if (strcmp(p, "schema") == 0) {
        if (strcmp(m, "GET") == 0)
            get_schema(ed, res);
        else
            method_not_allowed(res, "GET");
    } else {
        refuse(res, 404, "unknown", "API にそのアドレスはありません。");
    }
}
