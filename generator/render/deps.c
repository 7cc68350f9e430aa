#include "render/deps.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/fingerprint.h"
#include "core/fs.h"
#include "core/record.h"
#include "core/strmap.h"
#include "core/version.h"
#include "core/xalloc.h"
#include "render/i18n.h"

/* The file: MAGIC, the identity of the manifest it was written with, the entries' paths in
 * content/ (a count, then each), the pages (a count, then each: its output path, its key, how
 * many entries it read and their numbers in the list of paths), the groups (a count, then each:
 * its name, key, number and text), and the hash of all of that.
 * Numbers are in the machine's own order. */
static const char MAGIC[] = "kairan deps 3\n";

/* A page of the last build, as the file has it. */
struct old_page {
    struct hash key;
    const char *reads; /* into data: n numbers of 4 bytes */
    uint32_t n;
};

/* A page of this build. */
struct slot {
    char *out;
    struct hash key;
    size_t *reads;
    size_t n;
};

/* A group of outputs recorded by name. */
struct group {
    char *name;
    struct hash key;
    long long extra;
    char *text; /* or NULL */
};

struct deps {
    const struct view *v;
    char *path, *manifest;
    struct hash settings; /* the program, site.yaml, the zone, the theme, --portable */
    struct hash shape;    /* the site's shape */
    /* Parallel to site->all: what pages show of each entry's data (a list's item, a
     * calendar's event), and of its body besides (its own page). */
    struct hash *entry_keys, *body_keys;
    /* The last build's pages, when the file counts. */
    char *data;
    size_t len;
    size_t *now_of;       /* per path of the file: 1 + the entry's index now, 0 when it went */
    size_t n_old_rels;
    struct strmap old;    /* output path → struct old_page */
    struct old_page *olds;
    struct group *old_groups;
    size_t n_old_groups;
    /* This build's pages, by their place in the page list, and its groups. */
    struct slot *slots;
    size_t n_slots;
    struct group *groups;
    size_t n_groups, groups_cap;
    atomic_size_t kept;
};

static void put_str(struct hasher *h, const char *s)
{
    static const char none = 1; /* not a string: no text is a lone \x01 */
    if (s)
        hash_update(h, s, strlen(s) + 1);
    else
        hash_update(h, &none, 1);
}

static void put_int(struct hasher *h, int64_t v)
{
    hash_update(h, &v, sizeof v);
}

static void put_datetime(struct hasher *h, struct datetime t)
{
    int v[6] = {t.date.year, t.date.month, t.date.day, t.hour, t.minute, t.second};
    hash_update(h, v, sizeof v);
}

static void put_json(struct hasher *h, const json_t *v)
{
    struct hash fp = v ? fingerprint_json(v, NULL) : (struct hash){0, 0};
    hash_update(h, &fp, sizeof fp);
}

/* The identity of a file on disk, or zero when there is none. */
static struct hash identity_of(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? fs_identity(&st) : (struct hash){0, 0};
}

/* The settings every page is made with. */
static struct hash settings_key(const struct view *v)
{
    const struct site_config *cfg = view_site(v)->cfg;
    const struct theme *theme = view_theme(v);
    struct hasher h;
    hash_init(&h, 0x6b616972616e6473ULL);
    put_str(&h, KAIRAN_VERSION);
    struct hash exe = identity_of("/proc/self/exe");
    hash_update(&h, &exe, sizeof exe);
    put_json(&h, cfg->raw);
    const char *zone = tz_name(view_zone(v));
    put_str(&h, zone);
    char *zone_file = zone ? xasprintf("/usr/share/zoneinfo/%s", zone) : NULL;
    struct hash rules = identity_of(zone_file);
    free(zone_file);
    hash_update(&h, &rules, sizeof rules);
    put_json(&h, theme->static_map);
    put_json(&h, theme->config);
    /* The language's words, which pages take from its catalogue files. */
    put_str(&h, view_language(v)->code);
    struct hash words = i18n_identity(view_words(v));
    hash_update(&h, &words, sizeof words);
    put_int(&h, view_portable(v));
    return hash_final(&h);
}

static void put_session(struct hasher *h, const struct session *s)
{
    put_datetime(h, s->start);
    put_datetime(h, s->end);
    put_int(h, s->all_day);
}

/* The site's shape: what decides which entries a page reads, and in which order. */
static struct hash shape_key(const struct view *v)
{
    const struct site *s = view_site(v);
    struct hasher h;
    hash_init(&h, 0x6b616972616e7368ULL);
    put_int(&h, (int64_t)s->n_all);
    put_datetime(&h, (struct datetime){s->now.date, 0, 0, 0});
    for (int k = 0; k < KIND_COUNT; k++) {
        put_int(&h, (int64_t)s->n_kind[k]);
        for (size_t i = 0; i < s->n_kind[k]; i++) /* each kind's order */
            put_int(&h, (int64_t)site_index_of(s, s->kind[k][i]));
    }
    for (size_t i = 0; i < s->n_all; i++) {
        const struct entry *e = s->all[i];
        put_str(&h, e->rel);
        put_int(&h, e->kind);
        put_str(&h, e->url);
        put_str(&h, e->out);
        put_str(&h, e->reading);
        put_str(&h, e->sort_key);
        put_str(&h, e->district);
        json_t *cats = json_object_get(e->fm, "categories");
        put_int(&h, (int64_t)json_array_size(cats));
        for (size_t c = 0; c < json_array_size(cats); c++)
            put_str(&h, json_string_value(json_array_get(cats, c)));
        put_int(&h, e->has_date);
        put_datetime(&h, e->date);
        put_int(&h, e->number);
        put_int(&h, e->weight);
        put_int(&h, e->menu);
        put_int(&h, e->draft);
        put_int(&h, e->status);
        put_int(&h, (int64_t)e->n_sessions);
        for (size_t k = 0; k < e->n_sessions; k++)
            put_session(&h, &e->sessions[k]);
        put_int(&h, e->has_postponed);
        if (e->has_postponed)
            put_session(&h, &e->postponed);
        put_int(&h, e->kind == KIND_EVENT && site_event_is_past(s, e));
    }
    return hash_final(&h);
}

struct key_job {
    const struct view *v;
    struct hash *out, *body;
};

/* Entry i's keys: everything of its data that some page can show (its front matter, the
 * title, summary and picture its body gave, whether it is over, its issue), and apart from
 * that what only its own page shows of its body (the HTML, the table of contents). */
static void entry_key(size_t i, void *userdata)
{
    const struct key_job *job = userdata;
    const struct view *v = job->v;
    const struct site *s = view_site(v);
    const struct entry *e = s->all[i];
    const struct body *b = view_body(v, e);
    struct hasher h;
    hash_init(&h, 0x6b616972616e6262ULL);
    put_str(&h, e->rel);
    hash_update(&h, &e->body_hash, sizeof e->body_hash);
    put_int(&h, (int64_t)e->body_len);
    put_int(&h, e->body_line);
    hash_update(&h, &b->html_hash, sizeof b->html_hash);
    put_str(&h, b->toc);
    put_int(&h, b->minutes);
    job->body[i] = hash_final(&h);

    hash_init(&h, 0x6b616972616e656bULL);
    put_str(&h, e->rel);
    hash_update(&h, &e->fm_hash, sizeof e->fm_hash);
    put_int(&h, e->mtime);
    put_int(&h, e->draft);
    /* A translation's fields are its original's with its own over them. */
    if (e->original) {
        hash_update(&h, &e->original->fm_hash, sizeof e->original->fm_hash);
        put_int(&h, e->original->mtime);
    }
    /* The languages it is written in: its page's language switch leads to them. */
    const struct entry *o = e->original ? e->original : e;
    for (size_t k = 0; o->versions && k < s->cfg->n_languages; k++)
        put_str(&h, o->versions[k] ? o->versions[k]->url : NULL);
    put_str(&h, b->summary);
    put_str(&h, b->title_html);
    put_str(&h, b->title_text);
    put_int(&h, b->has_image);
    if (b->has_image) {
        const struct media_image *m = &b->image;
        put_str(&h, m->src);
        put_str(&h, m->srcset);
        put_str(&h, m->full);
        put_int(&h, m->width);
        put_int(&h, m->height);
        put_int(&h, m->src_width);
        put_int(&h, m->src_height);
    }
    put_int(&h, e->kind == KIND_EVENT && site_event_is_past(s, e));
    /* An issue's PDF is in the site object, which every page's key has. */
    if (e->kind != KIND_ISSUE && e->number) {
        /* What its data says of the issue it appeared in. */
        for (size_t k = 0; k < s->n_kind[KIND_ISSUE]; k++) {
            const struct entry *is = s->kind[KIND_ISSUE][k];
            if (is->number != e->number)
                continue;
            put_str(&h, is->title);
            put_str(&h, is->url);
        }
    }
    job->out[i] = hash_final(&h);
}

/* ---- the file ---- */

/* Reads the last build's records when the file is whole and was written with this manifest. */
static void read_file(struct deps *d)
{
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    int ok = fs_is_file(d->path) && fs_read_file(&quiet, d->path, &text) == 0;
    diag_release(&quiet);
    size_t head = sizeof MAGIC - 1;
    struct hash manifest = identity_of(d->manifest), sum;
    if (!ok || text.len < head + 2 * sizeof sum || memcmp(text.data, MAGIC, head) != 0 ||
        memcmp(text.data + head, &manifest, sizeof manifest) != 0 ||
        (memcpy(&sum, text.data + text.len - sizeof sum, sizeof sum),
         !hash_equal(sum, hash_bytes(text.data, text.len - sizeof sum)))) {
        buf_release(&text);
        return;
    }
    const struct site *s = view_site(d->v);
    struct record_reader r = {text.data + head + sizeof manifest, text.data + text.len - sizeof sum, 0};
    uint32_t n_rels = record_u32(&r);
    if (n_rels > text.len) {
        buf_release(&text);
        return;
    }
    d->now_of = xcalloc(n_rels ? n_rels : 1, sizeof *d->now_of);
    d->n_old_rels = n_rels;
    for (uint32_t i = 0; i < n_rels && !r.bad; i++) {
        uint32_t len = record_u32(&r);
        const char *rel = record_take(&r, len);
        if (!rel)
            break;
        char *copy = xstrndup(rel, len);
        const struct entry *e = site_find_rel(s, copy);
        free(copy);
        if (e)
            d->now_of[i] = site_index_of(s, e) + 1;
    }
    uint32_t n_pages = record_u32(&r);
    if (r.bad || n_pages > text.len) {
        buf_release(&text);
        return;
    }
    d->olds = xcalloc(n_pages ? n_pages : 1, sizeof *d->olds);
    for (uint32_t i = 0; i < n_pages && !r.bad; i++) {
        uint32_t len = record_u32(&r);
        const char *out = record_take(&r, len);
        const char *key = record_take(&r, sizeof(struct hash));
        struct old_page *o = &d->olds[i];
        o->n = record_u32(&r);
        o->reads = o->n <= text.len / 4 ? record_take(&r, (size_t)o->n * 4) : NULL;
        if (r.bad || !o->reads)
            break;
        memcpy(&o->key, key, sizeof o->key);
        int added;
        strmap_add(&d->old, out, len, o, &added);
    }
    uint32_t n_groups = r.bad ? 0 : record_u32(&r);
    if (!r.bad && n_groups <= text.len)
        d->old_groups = xcalloc(n_groups ? n_groups : 1, sizeof *d->old_groups);
    for (uint32_t i = 0; d->old_groups && i < n_groups && !r.bad; i++) {
        struct group *g = &d->old_groups[d->n_old_groups];
        uint32_t len = record_u32(&r);
        const char *name = record_take(&r, len);
        const char *key = record_take(&r, sizeof g->key);
        const char *extra = record_take(&r, sizeof g->extra);
        uint32_t text_len = record_u32(&r);
        const char *said = text_len == UINT32_MAX ? NULL : record_take(&r, text_len);
        if (r.bad)
            break;
        g->name = xstrndup(name, len);
        memcpy(&g->key, key, sizeof g->key);
        memcpy(&g->extra, extra, sizeof g->extra);
        g->text = said ? xstrndup(said, text_len) : NULL;
        d->n_old_groups++;
    }
    if (r.bad || r.p != r.end) {
        strmap_release(&d->old);
        strmap_init(&d->old);
        buf_release(&text);
        return;
    }
    d->data = buf_detach(&text, &d->len);
}

struct deps *deps_new(const struct view *v, struct pool *pool, const char *path,
                      const char *manifest)
{
    struct deps *d = xcalloc(1, sizeof *d);
    const struct site *s = view_site(v);
    d->v = v;
    d->path = xstrdup(path);
    d->manifest = xstrdup(manifest);
    strmap_init(&d->old);
    atomic_init(&d->kept, 0);
    d->settings = settings_key(v);
    d->shape = shape_key(v);
    d->entry_keys = xcalloc(s->n_all ? s->n_all : 1, sizeof *d->entry_keys);
    d->body_keys = xcalloc(s->n_all ? s->n_all : 1, sizeof *d->body_keys);
    struct key_job job = {v, d->entry_keys, d->body_keys};
    pool_for(pool, s->n_all, entry_key, &job);
    read_file(d);
    return d;
}

void deps_free(struct deps *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_slots; i++) {
        free(d->slots[i].out);
        free(d->slots[i].reads);
    }
    free(d->slots);
    for (size_t i = 0; i < d->n_groups; i++) {
        free(d->groups[i].name);
        free(d->groups[i].text);
    }
    free(d->groups);
    for (size_t i = 0; i < d->n_old_groups; i++) {
        free(d->old_groups[i].name);
        free(d->old_groups[i].text);
    }
    free(d->old_groups);
    strmap_release(&d->old);
    free(d->olds);
    free(d->now_of);
    free(d->data);
    free(d->entry_keys);
    free(d->body_keys);
    free(d->path);
    free(d->manifest);
    free(d);
}

void deps_begin(struct deps *d, size_t n)
{
    d->slots = xcalloc(n ? n : 1, sizeof *d->slots);
    d->n_slots = n;
}

/* The key of a page made with p's output, root and template from the entries reads. */
static struct hash page_key(const struct deps *d, const struct page *p, const size_t *reads,
                            size_t n)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e706bULL);
    put_str(&h, p->out);
    hash_update(&h, &p->identity, sizeof p->identity);
    hash_update(&h, &d->settings, sizeof d->settings);
    hash_update(&h, &d->shape, sizeof d->shape);
    put_str(&h, view_root_prefix(p->root));
    struct hash site = fingerprint_json(view_root_site(p->root), view_root_memo(p->root));
    hash_update(&h, &site, sizeof site);
    put_int(&h, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        hash_update(&h, &d->entry_keys[reads[i]], sizeof d->entry_keys[reads[i]]);
    /* An entry's own page shows its body too; the lists that show it, only its data. */
    put_int(&h, p->reads_body);
    if (p->reads_body)
        hash_update(&h, &d->body_keys[p->entry], sizeof d->body_keys[p->entry]);
    return hash_final(&h);
}

int deps_unchanged(struct deps *d, size_t k, const struct page *p)
{
    if (!d->data || !p->out || !p->root || k >= d->n_slots)
        return 0;
    const struct old_page *o = strmap_get(&d->old, p->out, strlen(p->out));
    if (!o)
        return 0;
    size_t *reads = xcalloc(o->n ? o->n : 1, sizeof *reads);
    for (uint32_t i = 0; i < o->n; i++) {
        uint32_t at;
        memcpy(&at, o->reads + 4 * (size_t)i, sizeof at);
        if (at >= d->n_old_rels || !d->now_of[at]) {
            free(reads);
            return 0;
        }
        reads[i] = d->now_of[at] - 1;
    }
    if (!hash_equal(page_key(d, p, reads, o->n), o->key)) {
        free(reads);
        return 0;
    }
    struct slot *sl = &d->slots[k];
    free(sl->out);
    free(sl->reads);
    *sl = (struct slot){xstrdup(p->out), o->key, reads, o->n};
    atomic_fetch_add(&d->kept, 1);
    return 1;
}

void deps_note(struct deps *d, size_t k, const struct page *p)
{
    if (k >= d->n_slots || !p->out || !p->root)
        return;
    struct slot *sl = &d->slots[k];
    free(sl->out);
    free(sl->reads);
    sl->out = xstrdup(p->out);
    sl->key = page_key(d, p, p->reads, p->n_reads);
    sl->n = p->n_reads;
    sl->reads = xcalloc(p->n_reads ? p->n_reads : 1, sizeof *sl->reads);
    if (p->n_reads) /* a page that read no entry may have no list at all */
        memcpy(sl->reads, p->reads, p->n_reads * sizeof *sl->reads);
}

int deps_save(struct deps *d)
{
    struct hash manifest = identity_of(d->manifest);
    const struct site *s = view_site(d->v);
    struct buf out;
    buf_init(&out);
    buf_add(&out, MAGIC, sizeof MAGIC - 1);
    buf_add(&out, &manifest, sizeof manifest);
    record_put_u32(&out, (uint32_t)s->n_all);
    for (size_t i = 0; i < s->n_all; i++) {
        size_t n = strlen(s->all[i]->rel);
        record_put_u32(&out, (uint32_t)n);
        buf_add(&out, s->all[i]->rel, n);
    }
    uint32_t n_pages = 0;
    for (size_t k = 0; k < d->n_slots; k++)
        n_pages += d->slots[k].out != NULL;
    record_put_u32(&out, n_pages);
    for (size_t k = 0; k < d->n_slots; k++) {
        const struct slot *sl = &d->slots[k];
        if (!sl->out)
            continue;
        size_t n = strlen(sl->out);
        record_put_u32(&out, (uint32_t)n);
        buf_add(&out, sl->out, n);
        buf_add(&out, &sl->key, sizeof sl->key);
        record_put_u32(&out, (uint32_t)sl->n);
        for (size_t i = 0; i < sl->n; i++)
            record_put_u32(&out, (uint32_t)sl->reads[i]);
    }
    record_put_u32(&out, (uint32_t)d->n_groups);
    for (size_t i = 0; i < d->n_groups; i++) {
        const struct group *g = &d->groups[i];
        size_t n = strlen(g->name);
        record_put_u32(&out, (uint32_t)n);
        buf_add(&out, g->name, n);
        buf_add(&out, &g->key, sizeof g->key);
        buf_add(&out, &g->extra, sizeof g->extra);
        if (g->text) {
            record_put_u32(&out, (uint32_t)strlen(g->text));
            buf_add(&out, g->text, strlen(g->text));
        } else {
            record_put_u32(&out, UINT32_MAX);
        }
    }
    struct hash sum = hash_bytes(out.data, out.len);
    buf_add(&out, &sum, sizeof sum);
    int rc = 0;
    struct diag quiet;
    diag_init(&quiet);
    if (hash_equal(manifest, (struct hash){0, 0}))
        rc = -1; /* no manifest: nothing to write beside */
    else if (!d->data || d->len != out.len || memcmp(d->data, out.data, out.len) != 0)
        rc = fs_write_atomic(&quiet, d->path, out.data, out.len);
    diag_release(&quiet);
    buf_release(&out);
    return rc;
}

size_t deps_kept(const struct deps *d)
{
    return atomic_load(&((struct deps *)d)->kept);
}

struct hash deps_base(const struct deps *d)
{
    struct hash parts[2] = {d->settings, d->shape};
    return hash_bytes(parts, sizeof parts);
}

struct hash deps_whole(const struct deps *d)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e7768ULL);
    struct hash base = deps_base(d);
    hash_update(&h, &base, sizeof base);
    size_t n = view_site(d->v)->n_all;
    hash_update(&h, d->entry_keys, n * sizeof *d->entry_keys);
    hash_update(&h, d->body_keys, n * sizeof *d->body_keys);
    return hash_final(&h);
}

struct hash deps_entry(const struct deps *d, size_t i)
{
    struct hash both[2] = {d->entry_keys[i], d->body_keys[i]};
    return hash_bytes(both, sizeof both);
}

int deps_group_last(const struct deps *d, const char *name, struct hash *key, long long *extra,
                    const char **text)
{
    if (!d->data)
        return 0;
    for (size_t i = 0; i < d->n_old_groups; i++) {
        const struct group *g = &d->old_groups[i];
        if (strcmp(g->name, name) != 0)
            continue;
        *key = g->key;
        *extra = g->extra;
        *text = g->text;
        return 1;
    }
    return 0;
}

void deps_group_note(struct deps *d, const char *name, struct hash key, long long extra,
                     const char *text)
{
    XALLOC_GROW(d->groups, d->n_groups + 1, d->groups_cap);
    d->groups[d->n_groups++] =
        (struct group){xstrdup(name), key, extra, text ? xstrdup(text) : NULL};
}
