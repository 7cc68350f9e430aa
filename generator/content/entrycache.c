#include "content/entrycache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/record.h"
#include "core/strmap.h"
#include "core/version.h"
#include "core/xalloc.h"

/* The file: MAGIC and the salt, then records to its end, each: its path in content/, the
 * identity of the file it was made from, the hash of its bytes, their length and the bytes (see
 * put_entry). A build that noted a few entries appends their records (a later record of a path
 * stands for it), and writes the file anew once the records that stand for nothing (older ones,
 * and those of files that went) outnumber a quarter of the others. Numbers are in the machine's
 * own order: the file is this program's, on this machine (the salt names the program). */
static const char MAGIC[] = "kairan entries 3\n";

struct record {
    const char *rel; /* into data */
    struct hash identity;
    const char *blob; /* into data */
    size_t len;
};

/* An entry loaded the long way: its record is made when the cache is saved, from the entry. */
struct note {
    struct hash identity;
    char *warnings; /* or NULL */
};

struct entrycache {
    char *path;
    struct hash salt;
    char *data; /* the file as read; freed by entrycache_save */
    size_t n_read;  /* the records in it, those that stand for nothing any more too */
    int appendable; /* it is whole and of this salt: records may be appended to it */
    struct record *recs;
    size_t n_recs, recs_cap;
    struct strmap index;       /* rel → record number + 1 */
    unsigned char *hit;        /* per record: an entry was loaded from it (each by one thread) */
    atomic_size_t hits;
    pthread_mutex_t lock;      /* guards notes */
    struct strmap notes;       /* rel → struct note */
};

/* ---- writing ---- */

static void put_str(struct buf *b, const char *s)
{
    if (!s) {
        record_put_u32(b, UINT32_MAX);
        return;
    }
    size_t n = strlen(s);
    record_put_u32(b, (uint32_t)n);
    buf_add(b, s, n);
}

static void put_datetime(struct buf *b, struct datetime t)
{
    int32_t v[6] = {t.date.year, t.date.month, t.date.day, t.hour, t.minute, t.second};
    buf_add(b, v, sizeof v);
}

/* JSON as a tag and its contents: objects keep their keys' order. */
static void put_json(struct buf *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        buf_putc(b, 'o');
        record_put_u32(b, (uint32_t)json_object_size(v));
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)v, key, value) {
            put_str(b, key);
            put_json(b, value);
        }
        break;
    }
    case JSON_ARRAY:
        buf_putc(b, 'a');
        record_put_u32(b, (uint32_t)json_array_size(v));
        for (size_t i = 0; i < json_array_size(v); i++)
            put_json(b, json_array_get(v, i));
        break;
    case JSON_STRING:
        buf_putc(b, 's');
        record_put_u32(b, (uint32_t)json_string_length(v));
        buf_add(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        buf_putc(b, 'i');
        record_put_i64(b, (int64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        buf_putc(b, 'r');
        buf_add(b, &d, sizeof d);
        break;
    }
    case JSON_TRUE:
        buf_putc(b, 't');
        break;
    case JSON_FALSE:
        buf_putc(b, 'f');
        break;
    default:
        buf_putc(b, 'n');
        break;
    }
}

static const char *str_of(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Where a session's label and venue come from: -1 the front matter itself (start:), k the
 * k-th item of sessions:, -2 neither (it has none). They point into the front matter, which
 * the record holds as data, so the record says where to point them again. */
static int32_t session_source(const struct entry *e, const struct session *s)
{
    if (!s->label && !s->venue)
        return -2;
    json_t *list = json_object_get(e->fm, "sessions");
    for (size_t k = 0; k < json_array_size(list); k++) {
        json_t *o = json_array_get(list, k);
        if ((s->label && str_of(o, "label") == s->label) ||
            (s->venue && str_of(o, "venue") == s->venue))
            return (int32_t)k;
    }
    return -1;
}

/* An entry as the bytes of its record. */
static void put_entry(struct buf *b, const struct entry *e, const char *warnings)
{
    unsigned char flags[7] = {(unsigned char)e->kind,    (unsigned char)e->draft,
                              (unsigned char)e->menu,    (unsigned char)e->has_date,
                              (unsigned char)e->status,  (unsigned char)e->has_postponed,
                              (unsigned char)e->postponed.all_day};
    buf_add(b, flags, sizeof flags);
    record_put_i64(b, e->number);
    record_put_i64(b, e->weight);
    record_put_i64(b, e->mtime);
    put_datetime(b, e->date);
    put_datetime(b, e->postponed.start);
    put_datetime(b, e->postponed.end);
    uint32_t lines[6] = {e->fm_line, e->body_line, e->title_pos.line, e->title_pos.col,
                         e->image_pos.line, e->image_pos.col};
    buf_add(b, lines, sizeof lines);
    record_put_i64(b, (int64_t)e->body_len);
    buf_add(b, &e->body_hash, sizeof e->body_hash);
    buf_add(b, &e->fm_hash, sizeof e->fm_hash);
    record_put_i64(b, (int64_t)e->fm_len);
    put_str(b, e->rel_slug);
    put_str(b, e->url);
    put_str(b, e->out);
    put_str(b, e->sort_key);
    put_str(b, warnings && *warnings ? warnings : NULL);
    record_put_u32(b, (uint32_t)e->n_sessions);
    for (size_t i = 0; i < e->n_sessions; i++) {
        const struct session *s = &e->sessions[i];
        put_datetime(b, s->start);
        put_datetime(b, s->end);
        buf_putc(b, (char)s->all_day);
        record_put_u32(b, (uint32_t)session_source(e, s));
    }
    put_json(b, e->fm);
}

/* ---- reading ---- */

/* A string of the record: a new one, or NULL for none. */
static char *get_str(struct record_reader *r)
{
    uint32_t n = record_u32(r);
    if (n == UINT32_MAX || r->bad)
        return NULL;
    const char *at = record_take(r, n);
    return at ? xstrndup(at, n) : NULL;
}

static struct datetime get_datetime(struct record_reader *r)
{
    int32_t v[6] = {0};
    const void *at = record_take(r, sizeof v);
    if (at)
        memcpy(v, at, sizeof v);
    return (struct datetime){{v[0], v[1], v[2]}, v[3], v[4], v[5]};
}

/* A JSON value of the record, made without parsing: a new reference, or NULL when the record
 * is damaged. depth stops a damaged record from nesting without end. */
static json_t *get_json(struct record_reader *r, int depth)
{
    const char *tag = record_take(r, 1);
    if (!tag || depth > 64)
        return NULL;
    switch (*tag) {
    case 'o': {
        uint32_t n = record_u32(r);
        json_t *o = json_object();
        for (uint32_t i = 0; i < n && !r->bad; i++) {
            uint32_t klen = record_u32(r);
            const char *key = record_take(r, klen);
            json_t *value = key ? get_json(r, depth + 1) : NULL;
            if (!value || json_object_setn_new_nocheck(o, key, klen, value) != 0)
                r->bad = 1;
        }
        if (r->bad) {
            json_decref(o);
            return NULL;
        }
        return o;
    }
    case 'a': {
        uint32_t n = record_u32(r);
        json_t *a = json_array();
        for (uint32_t i = 0; i < n && !r->bad; i++) {
            json_t *value = get_json(r, depth + 1);
            if (!value || json_array_append_new(a, value) != 0)
                r->bad = 1;
        }
        if (r->bad) {
            json_decref(a);
            return NULL;
        }
        return a;
    }
    case 's': {
        uint32_t n = record_u32(r);
        const char *at = record_take(r, n);
        return at ? json_stringn_nocheck(at, n) : NULL;
    }
    case 'i':
        return r->bad ? NULL : json_integer((json_int_t)record_i64(r));
    case 'r': {
        double d;
        const void *at = record_take(r, sizeof d);
        if (!at)
            return NULL;
        memcpy(&d, at, sizeof d);
        return json_real(d);
    }
    case 't':
        return json_true();
    case 'f':
        return json_false();
    case 'n':
        return json_null();
    default:
        r->bad = 1;
        return NULL;
    }
}

/* Fills e from a record's bytes. Returns 0, or -1 when they are damaged; warnings, when not
 * NULL, gets the record's warnings (a new string or NULL). */
static int get_entry(struct record_reader *r, struct entry *e, char **warnings)
{
    const unsigned char *flags = record_take(r, 7);
    if (!flags || flags[0] >= KIND_COUNT || flags[4] >= EVENT_STATUS_COUNT)
        return -1;
    e->kind = (enum entry_kind)flags[0];
    e->draft = flags[1];
    e->menu = flags[2];
    e->has_date = flags[3];
    e->status = (enum event_status)flags[4];
    e->has_postponed = flags[5];
    e->postponed.all_day = flags[6];
    e->number = (long)record_i64(r);
    e->weight = (long)record_i64(r);
    e->mtime = record_i64(r);
    e->date = get_datetime(r);
    e->postponed.start = get_datetime(r);
    e->postponed.end = get_datetime(r);
    uint32_t lines[6] = {0};
    const void *at = record_take(r, sizeof lines);
    if (at)
        memcpy(lines, at, sizeof lines);
    e->fm_line = lines[0];
    e->body_line = lines[1];
    e->title_pos = (struct yamldoc_pos){lines[2], lines[3]};
    e->image_pos = (struct yamldoc_pos){lines[4], lines[5]};
    e->body_len = (size_t)record_i64(r);
    at = record_take(r, sizeof e->body_hash);
    if (at)
        memcpy(&e->body_hash, at, sizeof e->body_hash);
    at = record_take(r, sizeof e->fm_hash);
    if (at)
        memcpy(&e->fm_hash, at, sizeof e->fm_hash);
    e->fm_len = (size_t)record_i64(r);
    e->rel_slug = get_str(r);
    e->url = get_str(r);
    e->out = get_str(r);
    e->sort_key = get_str(r);
    char *said = get_str(r);
    uint32_t n = record_u32(r);
    if (r->bad || n > (size_t)(r->end - r->p)) {
        free(said);
        return -1;
    }
    e->sessions = n ? xcalloc(n, sizeof *e->sessions) : NULL;
    e->n_sessions = n;
    int32_t *from = xcalloc(n ? n : 1, sizeof *from);
    for (uint32_t i = 0; i < n; i++) {
        e->sessions[i].start = get_datetime(r);
        e->sessions[i].end = get_datetime(r);
        const char *all_day = record_take(r, 1);
        e->sessions[i].all_day = all_day ? *all_day : 0;
        from[i] = (int32_t)record_u32(r);
    }
    e->fm = get_json(r, 0);
    if (r->bad || !json_is_object(e->fm) || !e->url || !e->out || !e->sort_key ||
        r->p != r->end) {
        free(from);
        free(said);
        return -1;
    }
    /* What points into the front matter, pointed again as entry_load points it. */
    e->title = str_of(e->fm, "title");
    e->reading = str_of(e->fm, "reading");
    e->district = str_of(e->fm, "district");
    e->image = str_of(e->fm, e->kind == KIND_ISSUE ? "cover" : "image");
    e->slug = str_of(e->fm, "slug") ? str_of(e->fm, "slug") : e->rel_slug;
    json_t *list = json_object_get(e->fm, "sessions");
    for (uint32_t i = 0; i < n; i++) {
        if (from[i] == -2)
            continue;
        json_t *o = from[i] == -1 ? e->fm : json_array_get(list, (size_t)from[i]);
        e->sessions[i].label = str_of(o, "label");
        e->sessions[i].venue = str_of(o, "venue");
    }
    free(from);
    if (!e->slug) {
        free(said);
        return -1;
    }
    if (warnings)
        *warnings = said;
    else
        free(said);
    return 0;
}

/* ---- the cache ---- */

struct hash entrycache_salt(const struct site_config *cfg)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e6563ULL);
    hash_update(&h, KAIRAN_VERSION, sizeof KAIRAN_VERSION);
    struct stat st;
    struct hash exe = {0, 0};
    if (stat("/proc/self/exe", &st) == 0)
        exe = fs_identity(&st);
    hash_update(&h, &exe, sizeof exe);
    /* The warnings a record keeps are in the language of the build that made it. */
    const char *catalogue = intl_catalogue();
    hash_update(&h, catalogue, strlen(catalogue) + 1);
    for (size_t i = 0; i < cfg->n_districts; i++)
        hash_update(&h, cfg->districts[i].slug, strlen(cfg->districts[i].slug) + 1);
    hash_update(&h, "\n", 1);
    for (size_t i = 0; i < cfg->n_categories; i++)
        hash_update(&h, cfg->categories[i].slug, strlen(cfg->categories[i].slug) + 1);
    hash_update(&h, "\n", 1);
    /* The languages: what tells an original's file name from a translation's. */
    for (size_t i = 0; i < cfg->n_languages; i++) {
        const struct language *l = &cfg->languages[i];
        hash_update(&h, l->code, strlen(l->code) + 1);
        hash_update(&h, l->prefix, strlen(l->prefix) + 1);
    }
    return hash_final(&h);
}

/* Reads the file's records into c; a file of another salt gives none, and a damaged one those
 * before the damage. */
static void read_records(struct entrycache *c)
{
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    int ok = fs_is_file(c->path) && fs_read_file(&quiet, c->path, &text) == 0;
    diag_release(&quiet);
    size_t head = sizeof MAGIC - 1;
    if (!ok || text.len < head + sizeof c->salt || memcmp(text.data, MAGIC, head) != 0 ||
        memcmp(text.data + head, &c->salt, sizeof c->salt) != 0) {
        buf_release(&text);
        return;
    }
    struct record_reader r = {text.data + head + sizeof c->salt, text.data + text.len, 0};
    c->appendable = 1;
    while (r.p < r.end) {
        struct record rec;
        uint32_t rel_len = record_u32(&r);
        rec.rel = record_take(&r, rel_len);
        const void *id = record_take(&r, sizeof rec.identity);
        const void *sum = record_take(&r, sizeof(struct hash));
        rec.len = record_u32(&r);
        rec.blob = record_take(&r, rec.len);
        struct hash want;
        if (!r.bad)
            memcpy(&want, sum, sizeof want);
        if (r.bad || !hash_equal(want, hash_bytes(rec.blob, rec.len))) {
            c->appendable = 0; /* what follows the damage could not be read */
            break;
        }
        memcpy(&rec.identity, id, sizeof rec.identity);
        c->n_read++;
        int added;
        size_t at = strmap_add(&c->index, rec.rel, rel_len, NULL, &added);
        if (added) {
            XALLOC_GROW(c->recs, c->n_recs + 1, c->recs_cap);
            c->recs[c->n_recs++] = rec;
            strmap_set_value(&c->index, at, (void *)(uintptr_t)c->n_recs);
        } else {
            c->recs[(uintptr_t)strmap_value(&c->index, at) - 1] = rec;
        }
    }
    c->data = buf_detach(&text, NULL);
    c->hit = xcalloc(c->n_recs ? c->n_recs : 1, 1);
}

struct entrycache *entrycache_open(const char *path, struct hash salt)
{
    struct entrycache *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    c->salt = salt;
    strmap_init(&c->index);
    strmap_init(&c->notes);
    pthread_mutex_init(&c->lock, NULL);
    atomic_init(&c->hits, 0);
    read_records(c);
    return c;
}

void entrycache_free(struct entrycache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < strmap_len(&c->notes); i++) {
        struct note *n = strmap_value(&c->notes, i);
        free(n->warnings);
        free(n);
    }
    strmap_release(&c->notes);
    strmap_release(&c->index);
    pthread_mutex_destroy(&c->lock);
    free(c->hit);
    free(c->recs);
    free(c->data);
    free(c->path);
    free(c);
}

int entrycache_load(struct entrycache *c, struct diag *d, const char *source, const char *rel,
                    struct hash identity, struct entry *e)
{
    memset(e, 0, sizeof *e);
    size_t at = (size_t)(uintptr_t)strmap_get(&c->index, rel, strlen(rel));
    if (!at || !c->data || !hash_equal(c->recs[at - 1].identity, identity))
        return -1;
    const struct record *rec = &c->recs[at - 1];
    struct record_reader r = {rec->blob, rec->blob + rec->len, 0};
    char *warnings = NULL;
    if (get_entry(&r, e, &warnings) != 0) {
        entry_release(e);
        return -1;
    }
    if (warnings && diag_load_warnings(d, warnings, strlen(warnings)) != 0) {
        free(warnings);
        entry_release(e);
        return -1;
    }
    free(warnings);
    char *content = fs_join(source, "content");
    e->source = fs_join(content, rel);
    free(content);
    e->rel = xstrdup(rel);
    c->hit[at - 1] = 1;
    atomic_fetch_add(&c->hits, 1);
    return 0;
}

void entrycache_note(struct entrycache *c, const struct entry *e, struct hash identity,
                     const char *warnings)
{
    struct note *n = xcalloc(1, sizeof *n);
    n->identity = identity;
    n->warnings = warnings && *warnings ? xstrdup(warnings) : NULL;
    pthread_mutex_lock(&c->lock);
    int added;
    size_t at = strmap_add(&c->notes, e->rel, strlen(e->rel), n, &added);
    if (!added) {
        struct note *old = strmap_value(&c->notes, at);
        free(old->warnings);
        free(old);
        strmap_set_value(&c->notes, at, n);
    }
    pthread_mutex_unlock(&c->lock);
}

/* The file's bytes go once the build has its entries: for a big site they are many
 * megabytes. */
static void drop_file(struct entrycache *c)
{
    free(c->data);
    c->data = NULL;
}

static void put_record(struct buf *out, const char *rel, struct hash identity, const char *blob,
                       size_t len)
{
    size_t n = strlen(rel);
    record_put_u32(out, (uint32_t)n);
    buf_add(out, rel, n);
    buf_add(out, &identity, sizeof identity);
    struct hash sum = hash_bytes(blob, len);
    buf_add(out, &sum, sizeof sum);
    record_put_u32(out, (uint32_t)len);
    buf_add(out, blob, len);
}

/* Where saved records go: a new file in place of the old (atomic), or the end of the old. */
struct sink {
    struct fs_atomic *whole; /* writing anew */
    int fd;                  /* appending: -1 when not */
    int failed;
    struct buf chunk;        /* records not yet written */
};

/* Writes what the chunk holds once it is large, or (all) when the records are done. */
static void sink_flush(struct sink *k, int all)
{
    if (k->chunk.len < (all ? 1 : (size_t)1 << 20))
        return;
    if (k->whole) {
        fs_atomic_write(k->whole, k->chunk.data, k->chunk.len);
    } else if (!k->failed) {
        const char *p = k->chunk.data;
        size_t n = k->chunk.len;
        while (n > 0 && !k->failed) {
            ssize_t w = write(k->fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                k->failed = 1;
            else
                p += w, n -= (size_t)w;
        }
    }
    buf_reset(&k->chunk);
}

/* Adds the records of the entries given: those noted (made now) and, unless only_noted,
 * those loaded from the file. */
static void put_records(struct entrycache *c, struct sink *k, struct entry *const *entries,
                        size_t n, int only_noted)
{
    struct buf blob;
    buf_init(&blob);
    for (size_t i = 0; i < n; i++) {
        const char *rel = entries[i]->rel;
        const struct note *note = strmap_get(&c->notes, rel, strlen(rel));
        size_t at = (size_t)(uintptr_t)strmap_get(&c->index, rel, strlen(rel));
        if (note) {
            buf_reset(&blob);
            put_entry(&blob, entries[i], note->warnings);
            put_record(&k->chunk, rel, note->identity, blob.data, blob.len);
        } else if (!only_noted && at && c->hit[at - 1]) {
            const struct record *rec = &c->recs[at - 1];
            put_record(&k->chunk, rel, rec->identity, rec->blob, rec->len);
        }
        sink_flush(k, 0);
    }
    sink_flush(k, 1);
    buf_release(&blob);
}

int entrycache_save(struct entrycache *c, struct entry *const *entries, size_t n)
{
    size_t kept = 0, noted = strmap_len(&c->notes);
    for (size_t i = 0; i < n; i++) {
        const char *rel = entries[i]->rel;
        size_t at = (size_t)(uintptr_t)strmap_get(&c->index, rel, strlen(rel));
        kept += at && c->hit[at - 1] && !strmap_get(&c->notes, rel, strlen(rel));
    }
    int rc = 0;
    size_t dead = c->n_read - kept;
    struct sink k = {NULL, -1, 0, {0}};
    buf_init(&k.chunk);
    if (noted && c->appendable && dead * 4 <= kept + noted) {
        /* The new records after the others. */
        k.fd = open(c->path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (k.fd >= 0) {
            put_records(c, &k, entries, n, 1);
            if (close(k.fd) != 0)
                k.failed = 1;
            if (!k.failed)
                noted = 0; /* done */
        }
        k.fd = -1;
    }
    if (noted || dead * 4 > kept + noted) {
        struct diag quiet;
        diag_init(&quiet);
        k.whole = fs_atomic_open(&quiet, c->path);
        if (k.whole) {
            buf_add(&k.chunk, MAGIC, sizeof MAGIC - 1);
            buf_add(&k.chunk, &c->salt, sizeof c->salt);
            put_records(c, &k, entries, n, 0);
            rc = fs_atomic_commit(k.whole);
        } else {
            rc = -1;
        }
        diag_release(&quiet);
    }
    buf_release(&k.chunk);
    drop_file(c);
    return rc;
}

void entrycache_counts(const struct entrycache *c, size_t *hits, size_t *noted)
{
    *hits = atomic_load(&((struct entrycache *)c)->hits);
    *noted = strmap_len(&c->notes);
}
