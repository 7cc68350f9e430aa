#include "render/search.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/fold.h"
#include "core/hash.h"
#include "core/xalloc.h"
#include "render/body.h"
#include "render/data.h"
#include "render/i18n.h"
#include "render/ngram.h"

/* About how long a part of the texts is: a result shown loads the one that holds it. */
#define PART_BYTES 16384
/* About how long a part of the index is: a query loads a few of them. */
#define INDEX_PART_BYTES 8192
/* A rare key has at most this many places (about 10 to 20 KB); a key with more is
 * common (see render/ngram.h). */
#define RARE_PLACES 8192
/* The longest key. */
#define KEY_MAX 16
/* Documents made ready at a time: their folded text is what the build holds for search. */
#define BATCH 1024
/* Documents in one index: a bigger site has several, each made and written before the next is
 * begun, so that the build holds one at a time. A multiple of BATCH. */
#define SHARD 16384
/* Texts up to this long are searched by reading them all (site.yaml's search: auto): an
 * index of a small site would be larger than its text, and loading them all is quick. */
#define SCAN_BYTES 200000

/* The front matter's fields that are text a reader sees, by path (a list's items by []). */
static const char *const text_fields[] = {
    "schedule",       "place",         "organizer",      "fee",
    "audience",       "image_alt",     "cover_alt",      "editor",
    "note",           "contact.name",  "contact.phone",  "contact.fax",
    "contact.email",  "venues[].name", "venues[].address", "program[].title",
    "program[].speaker", "program[].affiliation", "program[].time", "sessions[].label",
    "apply.how",      NULL};

/* What a result shows of each kind, as the site names them elsewhere (search.kind.*). */
static const char *const kind_keys[] = {"search.kind.activity", "search.kind.event",
                                        "search.kind.issue", "search.kind.page"};

struct doc {
    size_t entry; /* in site->all */
    int64_t when; /* the date it is ordered by, in seconds; INT64_MIN when it has none */
};

/* One document made ready: its lines' folded code points (the title's and reading's first,
 * each line after a NGRAM_BREAK but the first) and what its text part holds of it. */
struct ready {
    struct fold_cps cps;
    size_t title; /* of cps, the title's and reading's lines */
    char *json;
};

struct run {
    struct view *view;
    const struct bodies *bodies;
    const struct site *site;
    const struct search_options *opt;
    struct doc *docs;
    size_t n_docs;
    struct ready *ready; /* BATCH of them */
    size_t batch_start, batch_len;
    struct ngram *index; /* of the current shard */
    size_t per_text; /* documents in a text part */
    char (*text_hash)[9];
    size_t n_text_parts;
    atomic_int failed;
    atomic_size_t text_bytes; /* of the text parts */
};

static int doc_cmp(const void *x, const void *y)
{
    const struct doc *a = x, *b = y;
    if (a->when != b->when)
        return a->when < b->when ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

static int64_t doc_when(const struct entry *e)
{
    if (e->kind == KIND_EVENT && e->n_sessions)
        return date_to_seconds(e->sessions[0].start);
    if (e->has_date)
        return date_to_seconds(e->date);
    return INT64_MIN;
}

/* Where a document's lines go: folded into cps, and as JSON strings into json. */
struct lines {
    struct fold_cps *cps;
    struct buf *json;
    size_t n;
};

static void add_line(struct lines *l, const char *s, size_t n)
{
    if (l->n++) {
        XALLOC_GROW(l->cps->v, l->cps->len + 1, l->cps->cap);
        l->cps->v[l->cps->len++] = NGRAM_BREAK;
        buf_putc(l->json, ',');
    }
    data_json_string_n(l->json, s, n);
    fold_append(l->cps, s, n);
}

/* Adds text's lines (split at newlines; blank ones left out); text may be NULL. */
static void add_lines(struct lines *l, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        if (strspn(text, " \t\r") < n)
            add_line(l, text, n);
        text = nl ? nl + 1 : NULL;
    }
}

/* Adds the text values at path ("venues[].name") of v. */
static void add_path(struct lines *l, json_t *v, const char *path)
{
    if (!v)
        return;
    if (!*path) {
        if (json_is_string(v))
            add_lines(l, json_string_value(v));
        return;
    }
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    const char *rest = dot ? dot + 1 : "";
    int list = n > 2 && path[n - 2] == '[' && path[n - 1] == ']';
    json_t *child = json_object_getn(v, path, list ? n - 2 : n);
    if (list) {
        size_t i;
        json_t *item;
        json_array_foreach(child, i, item) add_path(l, item, rest);
    } else {
        add_path(l, child, rest);
    }
}

/* The district's number among the site's (1, 2, ...), 0 for none. */
static int district_number(const struct site *s, const struct entry *e)
{
    const struct taxon *t = e->district ? config_district(s->cfg, e->district) : NULL;
    return t ? (int)(t - s->cfg->districts) + 1 : 0;
}

static void prepare(size_t i, void *userdata)
{
    struct run *run = userdata;
    size_t d = run->batch_start + i;
    const struct site *s = run->site;
    const struct entry *e = s->all[run->docs[d].entry];
    const struct body *b = view_body(run->view, e);
    char *text = bodies_search(run->bodies, bodies_index(run->bodies, e));
    if (!text) {
        run->failed = 1;
        text = xstrdup("");
    }
    struct ready *r = &run->ready[i];
    memset(r, 0, sizeof *r);
    struct buf lines_json;
    buf_init(&lines_json);
    struct lines l = {&r->cps, &lines_json, 0};
    const char *title = body_title(b, e);
    add_lines(&l, b->title_search ? b->title_search : title);
    size_t n_title = l.n;
    add_lines(&l, e->reading);
    size_t n_title_index = l.n;
    r->title = r->cps.len;
    add_lines(&l, json_string_value(json_object_get(e->fm, "summary")));
    for (const char *const *f = text_fields; *f; f++)
        add_path(&l, e->fm, *f);
    if (e->kind == KIND_EVENT)
        add_lines(&l, view_status_label(run->view, e->status));
    const struct taxon *district = e->district ? config_district(s->cfg, e->district) : NULL;
    const struct language *lang = view_language(run->view);
    if (district) {
        add_lines(&l, config_taxon_name(district, lang));
        if (config_taxon_name(district, lang) != district->name)
            add_lines(&l, district->name);
        add_lines(&l, district->reading);
    }
    json_t *cats = json_object_get(e->fm, "categories");
    size_t k;
    json_t *c;
    json_array_foreach(cats, k, c)
    {
        const struct taxon *t = config_category(s->cfg, json_string_value(c));
        if (t)
            add_lines(&l, config_taxon_name(t, lang));
    }
    add_lines(&l, text);
    free(text);

    /* What its text part holds: [url, title, kind, district, date, title lines, title and
     * reading lines, [lines]]. */
    struct buf j;
    buf_init(&j);
    buf_grow(&j, lines_json.len + 256);
    buf_putc(&j, '[');
    data_json_string(&j, e->url);
    buf_putc(&j, ',');
    data_json_string(&j, title);
    buf_printf(&j, ",%d,%d,\"", (int)e->kind, district_number(s, e));
    struct buf when;
    buf_init(&when);
    if (e->kind == KIND_EVENT && e->n_sessions)
        i18n_date(view_words(run->view), e->sessions[0].start.date, DATE_WEEKDAY, &when, NULL);
    else if (e->has_date)
        i18n_date(view_words(run->view), e->date.date, DATE_WEEKDAY, &when, NULL);
    buf_puts(&j, when.data ? when.data : "");
    buf_release(&when);
    buf_printf(&j, "\",%zu,%zu,[", n_title, n_title_index);
    buf_add(&j, lines_json.data, lines_json.len);
    buf_puts(&j, "]]");
    buf_release(&lines_json);
    r->json = buf_detach(&j, NULL);
}

/* Appends JSON text to a script: as it is, but for U+2028 and U+2029, which JSON allows in
 * strings and older browsers' scripts read as the end of a line. */
static void put_script_json(struct buf *out, const char *json)
{
    for (const char *p = json; *p;) {
        const char *q = strstr(p, "\xe2\x80");
        while (q && q[2] != '\xa8' && q[2] != '\xa9')
            q = strstr(q + 2, "\xe2\x80");
        if (!q) {
            buf_puts(out, p);
            return;
        }
        buf_add(out, p, (size_t)(q - p));
        buf_puts(out, q[2] == '\xa8' ? "\\u2028" : "\\u2029");
        p = q + 3;
    }
}

/* Hands a file of the search folder to the publisher under its name with the hash of its
 * bytes: search/PREFIX.HASH.js. Copies the hash's 8 hex digits to hex. Returns 0 or -1. */
static int put_file(struct run *run, const char *prefix, const struct buf *text, char hex[9])
{
    char full[33];
    hash_hex(hash_bytes(text->data, text->len), full);
    memcpy(hex, full, 8);
    hex[8] = '\0';
    if (!run->opt->pub)
        return 0;
    char *rel = xasprintf("%ssearch/%s.%s.js", view_language(run->view)->prefix, prefix, hex);
    int rc = publish_write(run->opt->pub, rel, text->data, text->len);
    free(rel);
    return rc;
}

static void write_text_part(size_t i, void *userdata)
{
    struct run *run = userdata;
    size_t part = run->batch_start / run->per_text + i;
    size_t from = part * run->per_text, to = from + run->per_text;
    if (to > run->batch_start + run->batch_len)
        to = run->batch_start + run->batch_len;
    struct buf text;
    buf_init(&text);
    buf_printf(&text, "kairanSearch.texts(%zu,[", part);
    for (size_t d = from; d < to; d++) {
        if (d > from)
            buf_putc(&text, ',');
        buf_puts(&text, run->ready[d - run->batch_start].json);
    }
    buf_puts(&text, "]);\n");
    char *prefix = xasprintf("x%zu", part);
    if (put_file(run, prefix, &text, run->text_hash[part]) != 0)
        run->failed = 1;
    atomic_fetch_add(&run->text_bytes, text.len);
    free(prefix);
    buf_release(&text);
}

struct index_job {
    struct run *run;
    size_t shard;
    char (*hash)[9];
};

static void write_index_part(size_t b, void *userdata)
{
    struct index_job *job = userdata;
    struct buf text;
    buf_init(&text);
    buf_printf(&text, "kairanSearch.part(%zu,%zu,", job->shard, b);
    ngram_part(job->run->index, (unsigned)b, &text);
    buf_puts(&text, ");\n");
    char prefix[48];
    snprintf(prefix, sizeof prefix, "k%zu-%zu", job->shard, b);
    if (put_file(job->run, prefix, &text, job->hash[b]) != 0)
        job->run->failed = 1;
    buf_release(&text);
}

/* The hashes of n files, 8 hex digits each, one after the other. */
static json_t *hashes_json(char (*hash)[9], size_t n)
{
    char *all = xmalloc(n * 8 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(all + i * 8, hash[i], 8);
    all[n * 8] = '\0';
    json_t *s = json_string(all);
    free(all);
    return s;
}

/* Splits the current shard's index into parts, writes them, frees the index and returns
 * {"n": parts, "h": hashes}. */
static json_t *write_shard(struct run *run, size_t shard)
{
    unsigned parts = ngram_split(run->index, INDEX_PART_BYTES);
    struct index_job job = {run, shard, xcalloc(parts, sizeof *job.hash)};
    pool_for(run->opt->pool, parts, write_index_part, &job);
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer(parts));
    json_object_set_new(o, "h", hashes_json(job.hash, parts));
    free(job.hash);
    ngram_free(run->index);
    run->index = NULL;
    return o;
}

/* Each document's kind and district, a base64url character each (two when the site has
 * more than 15 districts): kind * 16 + district, or kind * 1024 + district. */
static json_t *docs_json(const struct run *run, int *width)
{
    size_t n_districts = run->site->cfg->n_districts;
    *width = n_districts < 16 ? 1 : 2;
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    struct buf b;
    buf_init(&b);
    for (size_t d = 0; d < run->n_docs; d++) {
        const struct entry *e = run->site->all[run->docs[d].entry];
        unsigned district = (unsigned)district_number(run->site, e);
        if (*width == 1) {
            buf_putc(&b, b64[(unsigned)e->kind * 16 + district]);
        } else {
            unsigned v = (unsigned)e->kind * 1024 + (district & 1023);
            buf_putc(&b, b64[v >> 6]);
            buf_putc(&b, b64[v & 63]);
        }
    }
    json_t *s = json_string(b.data);
    buf_release(&b);
    return s;
}

int search_write(struct view *v, struct bodies *bodies, const struct search_options *opt,
                 char **meta)
{
    const struct site *s = view_site(v);
    struct run run = {.view = v, .bodies = bodies, .site = s, .opt = opt};
    *meta = NULL;
    run.docs = xcalloc(s->n_all ? s->n_all : 1, sizeof *run.docs);
    size_t text_bytes = 0;
    const struct language *lang = view_language(v);
    for (size_t i = 0; i < s->n_all; i++) {
        /* The language's own entries: not those its pages list in the site's language. */
        if (s->all[i]->lang && s->all[i]->lang != lang)
            continue;
        run.docs[run.n_docs].entry = i;
        run.docs[run.n_docs++].when = doc_when(s->all[i]);
        text_bytes += s->all[i]->body_len + 512;
    }
    qsort(run.docs, run.n_docs, sizeof *run.docs, doc_cmp);
    /* Text parts of about PART_BYTES, a whole number of them to a batch. */
    size_t per = run.n_docs ? PART_BYTES / (text_bytes / run.n_docs + 1) : 1;
    run.per_text = per < 1 ? 1 : per > 64 ? 64 : per;
    while (BATCH % run.per_text)
        run.per_text--;
    run.n_text_parts = (run.n_docs + run.per_text - 1) / run.per_text;
    run.text_hash = xcalloc(run.n_text_parts ? run.n_text_parts : 1, sizeof *run.text_hash);
    run.ready = xcalloc(BATCH, sizeof *run.ready);
    /* A small site's texts may be read whole (site.yaml's search: auto): its index is made all
     * the same, as what decides is how long the texts' parts come out, and dropped. */
    int may_scan = s->cfg->search == CONFIG_SEARCH_AUTO;
    json_t *shards = json_array();

    for (run.batch_start = 0; run.batch_start < run.n_docs; run.batch_start += BATCH) {
        run.batch_len = run.n_docs - run.batch_start < BATCH ? run.n_docs - run.batch_start
                                                             : BATCH;
        pool_for(opt->pool, run.batch_len, prepare, &run);
        if (run.batch_start % SHARD == 0)
            run.index = ngram_new(RARE_PLACES, KEY_MAX);
        for (size_t i = 0; i < run.batch_len; i++) {
            const struct ready *r = &run.ready[i];
            ngram_add(run.index, r->cps.v, r->cps.len, r->title);
        }
        pool_for(opt->pool, (run.batch_len + run.per_text - 1) / run.per_text, write_text_part,
                 &run);
        for (size_t i = 0; i < run.batch_len; i++) {
            free(run.ready[i].cps.v);
            free(run.ready[i].json);
        }
        size_t done = run.batch_start + run.batch_len;
        if (done % SHARD == 0 || done == run.n_docs) {
            if (may_scan && done == run.n_docs && done <= SHARD &&
                run.text_bytes <= SCAN_BYTES) {
                ngram_free(run.index);
                run.index = NULL;
            } else {
                json_array_append_new(shards, write_shard(&run, done / SHARD - (done % SHARD == 0)));
            }
        }
    }
    free(run.ready);

    json_t *m = json_object();
    json_object_set_new(m, "v", json_integer(2));
    json_object_set_new(m, "n", json_integer((json_int_t)run.n_docs));
    json_object_set_new(m, "portable", json_boolean(view_portable(v)));
    json_t *kinds = json_array();
    for (size_t k = 0; k < sizeof kind_keys / sizeof *kind_keys; k++) {
        char *label = i18n_text(view_words(v), kind_keys[k], NULL, 0);
        json_array_append_new(kinds, json_string(label));
        free(label);
    }
    json_object_set_new(m, "kinds", kinds);
    json_t *districts = json_array();
    for (size_t d = 0; d < s->cfg->n_districts; d++) {
        json_t *pair = json_array();
        json_array_append_new(pair, json_string(s->cfg->districts[d].slug));
        json_array_append_new(pair,
                              json_string(config_taxon_name(&s->cfg->districts[d], lang)));
        json_array_append_new(districts, pair);
    }
    json_object_set_new(m, "districts", districts);
    int width;
    json_object_set_new(m, "docs", docs_json(&run, &width));
    json_object_set_new(m, "dw", json_integer(width));
    if (!json_array_size(shards)) {
        json_object_set_new(m, "scan", json_true());
        json_decref(shards);
    } else {
        json_object_set_new(m, "k", shards);
        json_object_set_new(m, "s", json_integer(SHARD));
    }
    json_t *x = json_object();
    json_object_set_new(x, "g", json_integer((json_int_t)run.per_text));
    json_object_set_new(x, "h", hashes_json(run.text_hash, run.n_text_parts));
    json_object_set_new(m, "x", x);
    char *json = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(m);
    struct buf text;
    buf_init(&text);
    buf_puts(&text, "kairanSearch.meta(");
    put_script_json(&text, json);
    buf_puts(&text, ");\n");
    free(json);
    char hex[9];
    if (put_file(&run, "meta", &text, hex) != 0)
        run.failed = 1;
    buf_release(&text);
    *meta = xasprintf("%ssearch/meta.%s.js", lang->prefix, hex);

    ngram_free(run.index);
    free(run.text_hash);
    free(run.docs);
    return run.failed ? -1 : 0;
}
