#include "render/render.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "render/feed.h"
#include "core/fingerprint.h"
#include "render/bodycache.h"
#include "core/version.h"
#include "core/kana.h"
#include "markup/markdown.h"
#include "print/print.h"
#include "core/xalloc.h"

void render_init(struct render *r)
{
    memset(r, 0, sizeof *r);
}

size_t render_index(const struct render *r, const struct entry *e)
{
    const struct site *s = r->site;
    size_t lo = 0, hi = s->n_all;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->all[mid]->rel, e->rel);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static const char *str_or(const char *s)
{
    return s ? s : "";
}

static void set_str(json_t *obj, const char *key, const char *s)
{
    if (s)
        json_object_set_new(obj, key, json_string(s));
}

/* Sets key to s, sharing the front matter's own string when it holds the same text. */
static void set_str_from(json_t *obj, const char *key, const char *s, const json_t *fm,
                         const char *field)
{
    json_t *v = json_object_get(fm, field);
    if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
        json_object_set(obj, key, v);
    else
        set_str(obj, key, s);
}

static void set_buf(json_t *obj, const char *key, struct buf *b)
{
    json_object_set_new(obj, key, json_stringn(b->data, b->len));
    buf_reset(b);
}

static json_t *date_json(const struct render *r, struct datetime dt, int has_time)
{
    json_t *o = json_object();
    struct buf b;
    buf_init(&b);
    date_format_iso(&b, dt.date);
    set_buf(o, "iso", &b);
    if (has_time) {
        tz_format_rfc3339(&b, r->zone, tz_to_utc(r->zone, dt, NULL));
        set_buf(o, "datetime", &b);
        date_format_time(&b, dt);
        set_buf(o, "time", &b);
    } else {
        date_format_iso(&b, dt.date);
        set_buf(o, "datetime", &b);
    }
    date_format_ja(&b, dt.date, DATE_WEEKDAY);
    set_buf(o, "wareki", &b);
    date_format_ja_month(&b, dt.date.year, dt.date.month, 0);
    set_buf(o, "wareki_short", &b);
    date_format_ja(&b, dt.date, DATE_WEEKDAY | DATE_WESTERN);
    set_buf(o, "western", &b);
    struct date_era era;
    if (date_era(dt.date, &era) == 0) {
        if (era.year == 1)
            buf_printf(&b, "%s元年", era.name);
        else
            buf_printf(&b, "%s%d年", era.name, era.year);
        set_buf(o, "era_year", &b);
    }
    json_object_set_new(o, "year", json_integer(dt.date.year));
    json_object_set_new(o, "month", json_integer(dt.date.month));
    json_object_set_new(o, "day", json_integer(dt.date.day));
    set_str(o, "weekday", date_weekday_ja(date_weekday(dt.date)));
    buf_release(&b);
    return o;
}

/* Date objects by value, so that entries of the same day share one (each holds a dozen
 * strings). */
struct render_dates {
    pthread_mutex_t lock; /* guards the rest: workers add dates as they make entries' data */
    struct date_slot {
        int key[7]; /* year, month, day, hour, minute, second, has_time; key[0] 0: empty */
        json_t *v;
    } *slots;       /* open addressing; cap is a power of two */
    size_t len, cap;
};

static struct render_dates *dates_new(void)
{
    struct render_dates *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->cap = 256;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    return m;
}

static void dates_free(struct render_dates *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        json_decref(m->slots[i].v);
    pthread_mutex_destroy(&m->lock);
    free(m->slots);
    free(m);
}

/* The slot of key, or the empty one where it would go. Called with the lock held. */
static struct date_slot *dates_slot(struct date_slot *slots, size_t cap, const int key[7])
{
    uint64_t x = 0;
    for (int k = 0; k < 7; k++)
        x = (x ^ (uint64_t)(unsigned)key[k]) * 0x100000001B3ULL;
    x ^= x >> 29;
    for (size_t i = (size_t)x & (cap - 1);; i = (i + 1) & (cap - 1))
        if (slots[i].key[0] == 0 || memcmp(slots[i].key, key, sizeof slots[i].key) == 0)
            return &slots[i];
}

json_t *render_date(const struct render *r, struct datetime dt, int has_time)
{
    struct render_dates *m = r->dates;
    /* Years before 1 are refused when dates are read, so key[0] is never 0 here. */
    if (!m || dt.date.year <= 0)
        return date_json(r, dt, has_time);
    int key[7] = {dt.date.year, dt.date.month, dt.date.day, 0, 0, 0, !!has_time};
    if (has_time) {
        key[3] = dt.hour;
        key[4] = dt.minute;
        key[5] = dt.second;
    }
    pthread_mutex_lock(&m->lock);
    struct date_slot *slot = dates_slot(m->slots, m->cap, key);
    json_t *v = slot->v ? json_incref(slot->v) : NULL;
    pthread_mutex_unlock(&m->lock);
    if (v)
        return v;
    /* Made outside the lock; when another thread made the same date meanwhile, its wins. */
    v = date_json(r, dt, has_time);
    pthread_mutex_lock(&m->lock);
    if ((m->len + 1) * 2 > m->cap) {
        struct date_slot *bigger = xcalloc(m->cap * 2, sizeof *bigger);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key[0])
                *dates_slot(bigger, m->cap * 2, m->slots[i].key) = m->slots[i];
        free(m->slots);
        m->slots = bigger;
        m->cap *= 2;
    }
    slot = dates_slot(m->slots, m->cap, key);
    if (slot->v) {
        json_decref(v);
    } else {
        memcpy(slot->key, key, sizeof key);
        slot->v = v;
        m->len++;
    }
    v = json_incref(slot->v);
    pthread_mutex_unlock(&m->lock);
    return v;
}

/* ---- Bodies ------------------------------------------------------------------------------ */

struct body_job {
    struct render *r;
    struct entry *e;
    struct body *out;
    char *dir; /* the entry file's folder, for relative image paths */
    struct bodycache_record rec; /* what the body depends on, noted while it is parsed */
    int unchecked; /* a picture whose file cannot be checked next time: keep no record */
};

/* The prefix that leads from the page at url to the site root. */
static char *root_for(const struct render *r, const char *url)
{
    if (!r->portable)
        return xstrdup(r->site->cfg->base_path);
    struct buf b;
    buf_init(&b);
    for (const char *p = url; *p; p++)
        if (*p == '/')
            buf_puts(&b, "../");
    return buf_detach(&b, NULL);
}

/* Joins dir and a relative path, resolving "." and ".."; NULL if it climbs above the top. */
static char *normalise_path(const char *dir, const char *rel)
{
    struct strv parts = STRV_INIT;
    char *joined = *dir ? xasprintf("%s/%s", dir, rel) : xstrdup(rel);
    char *save = NULL;
    int bad = 0;
    for (char *tok = strtok_r(joined, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (parts.len == 0) {
                bad = 1;
                break;
            }
            free(parts.v[--parts.len]);
            continue;
        }
        strv_push(&parts, tok);
    }
    free(joined);
    char *out = NULL;
    if (!bad) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < parts.len; i++)
            buf_printf(&b, "%s%s", i ? "/" : "", parts.v[i]);
        out = buf_detach(&b, NULL);
    }
    strv_release(&parts);
    return out;
}

static int has_scheme(const char *s)
{
    const char *p = s;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return p != s && *p == ':';
}

int render_link_entry(const struct render *r, const struct entry *from, const char *target,
                      const struct entry **to, char **rel)
{
    *to = NULL;
    *rel = NULL;
    if (has_scheme(target) || target[0] == '/' || target[0] == '#' || target[0] == '?' ||
        target[0] == '\0')
        return 0;
    const char *hash = strchr(target, '#');
    size_t len = hash ? (size_t)(hash - target) : strlen(target);
    if (len < 3 || strncmp(target + len - 3, ".md", 3) != 0)
        return 0; /* a relative link to something else: left as written */
    char *path = xstrndup(target, len);
    const char *slash = strrchr(from->rel, '/');
    char *dir = slash ? xstrndup(from->rel, (size_t)(slash - from->rel)) : xstrdup("");
    *rel = normalise_path(dir, path);
    *to = *rel ? site_find_rel(r->site, *rel) : NULL;
    free(dir);
    free(path);
    return 1;
}

/* Where a link in e's body leads: returns 0 with *url set (a new string) for a link to an
 * entry, 1 for a link kept as written, -1 for a link to a file that is no entry (*url is then
 * NULL and *rel_out, if given, the path it named, a new string or NULL). */
static int resolve_link(const struct render *r, const struct entry *e, const char *target,
                        char **url, char **rel_out)
{
    *url = NULL;
    const struct entry *to;
    char *rel;
    if (!render_link_entry(r, e, target, &to, &rel))
        return 1;
    int rc = -1;
    if (to) {
        const char *hash = strchr(target, '#');
        char *root = root_for(r, e->url);
        *url = xasprintf("%s%s%s%s", root, to->url, r->portable ? "index.html" : "",
                         hash ? hash : "");
        free(root);
        rc = 0;
    }
    if (rel_out)
        *rel_out = rel;
    else
        free(rel);
    return rc;
}

static char *link_hook(const char *target, unsigned line, unsigned col, void *userdata)
{
    struct body_job *job = userdata;
    struct render *r = job->r;
    char *url, *rel = NULL;
    int rc = resolve_link(r, job->e, target, &url, &rel);
    if (rc < 0) {
        diag_error(r->d, job->e->source, line, col,
                   "this link points to '%s', which is not an entry in content/%s", target,
                   rel && strstr(rel, "/") ? "" : " (links name the file, like ../events/x.md)");
        job->out->failed = 1;
    } else {
        bodycache_add_link(&job->rec, target, url);
    }
    free(rel);
    return url;
}

/* The srcset "img/a-320.jpg 320w, img/a-640.jpg 640w" with root before each path; returns a
 * new string (NULL for an empty srcset); the caller frees it. */
static char *prefixed_srcset(const char *root, const char *srcset)
{
    struct buf set;
    buf_init(&set);
    for (const char *p = srcset; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        buf_printf(&set, "%s%s", set.len ? ", " : "", root);
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        buf_add(&set, p, n);
        p += n;
    }
    if (!set.len)
        return NULL;
    return buf_detach(&set, NULL);
}

/* What the Markdown module is told about a picture of e's body. */
static void image_out(const struct render *r, const struct entry *e, const struct media_image *img,
                      struct markdown_image *out)
{
    char *root = root_for(r, e->url);
    out->src = xasprintf("%s%s", root, img->src);
    out->srcset = prefixed_srcset(root, img->srcset);
    out->sizes = xstrdup(r->theme->image_sizes);
    out->width = img->width;
    out->height = img->height;
    out->full = img->full ? xasprintf("%s%s", root, img->full) : NULL;
    free(root);
}

static int image_hook(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                      void *userdata)
{
    struct body_job *job = userdata;
    struct render *r = job->r;
    struct media_image img;
    if (media_use(r->media, job->e->source, job->dir, src, line, col, &img) != 0) {
        job->out->failed = 1;
        return -1;
    }
    image_out(r, job->e, &img, out);
    struct bodycache_image noted = {(char *)src, line, col, NULL, 0, 0, 0, *out};
    struct stat st;
    noted.path = media_resolve(r->media, job->dir, src);
    if (noted.path && stat(noted.path, &st) == 0) {
        noted.ino = (uint64_t)st.st_ino;
        noted.size = (uint64_t)st.st_size;
        noted.mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        bodycache_add_image(&job->rec, &noted);
    } else {
        job->unchecked = 1;
    }
    free(noted.path);
    return 0;
}

/* The inside of html when it is one paragraph ("<p>…</p>"), else the title escaped as text
 * (a title like "1. …" reads as a list). Takes over html; returns a new string. */
static char *paragraph_inside(char *html, const char *title)
{
    size_t n = strlen(html);
    if (n >= 7 && strncmp(html, "<p>", 3) == 0 && strcmp(html + n - 4, "</p>") == 0) {
        memmove(html, html + 3, n - 7);
        html[n - 7] = '\0';
        return html;
    }
    free(html);
    struct buf b;
    buf_init(&b);
    buf_xml_escape(&b, title);
    return buf_detach(&b, NULL);
}

char *render_title_xhtml(const struct render *r, const struct entry *e)
{
    const char *title = e->title ? e->title : "";
    struct diag quiet; /* the title's messages came when the site's pages were made */
    diag_init(&quiet);
    struct dom *dom = markdown_parse(&quiet, e->source, 1, title, strlen(title), NULL);
    char *xhtml = paragraph_inside(dom_xhtml(dom), title);
    dom_free(dom);
    diag_release(&quiet);
    return xhtml;
}

/* The title with its ruby as HTML, and as plain text (the base characters only): the title
 * goes through the same Markdown pipeline as bodies, as a one-paragraph document. */
static void render_title(struct render *r, struct body_job *job, struct diag *d)
{
    const struct entry *e = job->e;
    const char *title = e->title ? e->title : "";
    struct dom *dom = markdown_parse(d, e->source, e->title_pos.line, title, strlen(title), NULL);
    job->out->title_html = paragraph_inside(dom_html(dom), title);
    job->out->title_text = dom_text(dom);
    dom_free(dom);
}

/* The key of a body's record in the body cache: everything the conversion reads, except the
 * links and pictures, which the record lists and body_from_cache checks. */
static struct hash body_key(const struct render *r, const struct entry *e)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e6264ULL);
    const char *summary = json_string_value(json_object_get(e->fm, "summary"));
    char *root = root_for(r, e->url);
    const char *parts[] = {KAIRAN_VERSION, e->source, e->rel, e->url, root,
                           e->title ? e->title : "", summary ? summary : "\x01",
                           r->theme->image_sizes ? r->theme->image_sizes : ""};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        hash_update(&h, parts[i], strlen(parts[i]) + 1);
    free(root);
    unsigned char flags[2] = {(unsigned char)r->portable, (unsigned char)(e->body_line & 0xff)};
    hash_update(&h, flags, sizeof flags);
    uint64_t len = e->body_len;
    hash_update(&h, &len, sizeof len);
    hash_update(&h, &e->body_hash, sizeof e->body_hash);
    return hash_final(&h);
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Frees the summary and plain title that only repeat the front matter, which then stands for
 * them: a body of every entry is held through the whole build. */
static void body_borrow(struct body *b, const struct entry *e)
{
    const char *summary = json_string_value(json_object_get(e->fm, "summary"));
    if (summary && b->summary_made && strcmp(summary, b->summary_made) == 0) {
        free(b->summary_made);
        b->summary_made = NULL;
        b->summary = summary;
    } else {
        b->summary = b->summary_made;
    }
    if (b->title_text && e->title && strcmp(b->title_text, e->title) == 0) {
        free(b->title_text);
        b->title_text = NULL;
    }
}

/* Fills the body from its record when every link still leads where it led and every picture
 * is the same file and comes out the same. Returns 0 when it did, -1 when the body must be
 * parsed (the record is then of no use) or failed (reported, job->out->failed set). */
static int body_from_cache(struct body_job *job, struct bodycache_record *rec)
{
    struct render *r = job->r;
    for (size_t i = 0; i < rec->n_links; i++) {
        char *url;
        int rc = resolve_link(r, job->e, rec->links[i].target, &url, NULL);
        int same = rc >= 0 && same_str(url, rec->links[i].url);
        free(url);
        if (!same)
            return -1;
    }
    for (size_t i = 0; i < rec->n_images; i++) {
        const struct bodycache_image *m = &rec->images[i];
        char *path = media_resolve(r->media, job->dir, m->src);
        struct stat st;
        int same = path && strcmp(path, m->path) == 0 && stat(path, &st) == 0 &&
                   (uint64_t)st.st_ino == m->ino && (uint64_t)st.st_size == m->size &&
                   (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == m->mtime;
        free(path);
        if (!same)
            return -1;
    }
    /* The same files: using them now registers them for publishing, as parsing would. */
    for (size_t i = 0; i < rec->n_images; i++) {
        const struct bodycache_image *m = &rec->images[i];
        struct media_image img;
        if (media_use(r->media, job->e->source, job->dir, m->src, m->line, m->col, &img) != 0) {
            job->out->failed = 1;
            return -1;
        }
        struct markdown_image out = {0};
        image_out(r, job->e, &img, &out);
        int same = same_str(out.src, m->out.src) && same_str(out.srcset, m->out.srcset) &&
                   same_str(out.sizes, m->out.sizes) && same_str(out.full, m->out.full) &&
                   out.width == m->out.width && out.height == m->out.height;
        free(out.src);
        free(out.srcset);
        free(out.sizes);
        free(out.full);
        if (!same)
            return -1;
    }
    json_error_t err;
    json_t *toc = json_loads(rec->toc, 0, &err);
    if (!json_is_array(toc)) {
        json_decref(toc);
        return -1;
    }
    json_decref(toc);
    struct body *b = job->out;
    b->html = rec->html;
    b->summary_made = rec->summary;
    b->title_html = rec->title_html;
    b->title_text = rec->title_text;
    b->toc = rec->toc;
    rec->html = rec->summary = rec->title_html = rec->title_text = rec->toc = NULL;
    body_borrow(b, job->e);
    b->minutes = rec->minutes;
    return 0;
}

/* Passes on what one body's conversion reported, unchanged. */
static void forward_messages(struct diag *to, const struct diag *from)
{
    for (size_t i = 0; i < from->len; i++) {
        const struct diag_msg *m = &from->msgs[i];
        if (m->kind == DIAG_IO)
            diag_io_error(to, m->path, "%s", m->text);
        else if (m->level == DIAG_ERROR)
            diag_error(to, m->path, m->line, m->col, "%s", m->text);
        else
            diag_warning(to, m->path, m->line, m->col, "%s", m->text);
    }
}

static void body_one(size_t i, void *userdata)
{
    struct body_job *job = &((struct body_job *)userdata)[i];
    struct render *r = job->r;
    struct entry *e = job->e;
    struct hash key = body_key(r, e);
    struct bodycache_record *rec = &job->rec;
    int cached = r->body_cache && bodycache_read(r->body_cache, key, rec) == 0 &&
                 body_from_cache(job, rec) == 0;
    job->out->in_cache = cached;
    bodycache_record_release(rec);
    struct buf text;
    buf_init(&text);
    const char *markdown = NULL;
    if (!cached && !job->out->failed && entry_read_body(r->d, e, &text, &markdown) != 0)
        job->out->failed = 1;
    if (!cached && !job->out->failed) {
        /* Messages go through a diag of this body's own: only a body converted without any
         * is kept for the next build, which would not repeat them. */
        struct diag own;
        diag_init(&own);
        struct markdown_hooks hooks = {link_hook, image_hook, job};
        render_title(r, job, &own);
        struct dom *dom =
            markdown_parse(&own, e->source, e->body_line, markdown, e->body_len, &hooks);
        job->out->html = dom_html(dom);
        json_t *toc = dom_toc(dom);
        job->out->toc = json_dumps(toc, JSON_COMPACT);
        json_decref(toc);
        job->out->minutes = dom_reading_minutes(dom);
        const char *summary = json_string_value(json_object_get(e->fm, "summary"));
        job->out->summary_made = summary ? xstrdup(summary) : dom_summary(dom, 120);
        dom_free(dom);
        forward_messages(r->d, &own);
        if (r->body_cache && own.len == 0 && !job->out->failed && !job->unchecked) {
            struct body *b = job->out;
            rec->html = b->html;
            rec->summary = b->summary_made;
            rec->title_html = b->title_html;
            rec->title_text = b->title_text;
            rec->toc = b->toc;
            rec->minutes = b->minutes;
            if (rec->toc)
                job->out->in_cache = bodycache_write(r->body_cache, key, rec) == 0;
            rec->html = rec->summary = rec->title_html = rec->title_text = rec->toc = NULL;
        }
        body_borrow(job->out, e);
        bodycache_record_release(rec);
        diag_release(&own);
    }
    buf_release(&text);
    if (job->out->html)
        job->out->html_hash = hash_bytes(job->out->html, strlen(job->out->html));
    job->out->cache_key = key;
    if (job->out->in_cache) {
        free(job->out->html);
        job->out->html = NULL;
    }

    if (e->image) {
        if (media_use(r->media, e->source, job->dir, e->image, e->image_pos.line, e->image_pos.col,
                      &job->out->image) == 0)
            job->out->has_image = 1;
        else
            job->out->failed = 1;
    }
}

int render_bodies(struct render *r)
{
    const struct site *s = r->site;
    r->bodies = xcalloc(s->n_all ? s->n_all : 1, sizeof *r->bodies);
    struct body_job *jobs = xcalloc(s->n_all ? s->n_all : 1, sizeof *jobs);
    for (size_t i = 0; i < s->n_all; i++) {
        jobs[i].r = r;
        jobs[i].e = s->all[i];
        jobs[i].out = &r->bodies[i];
        const char *slash = strrchr(s->all[i]->source, '/');
        jobs[i].dir = xstrndup(s->all[i]->source, (size_t)(slash - s->all[i]->source));
    }
    pool_for(r->pool, s->n_all, body_one, jobs);
    int rc = 0;
    for (size_t i = 0; i < s->n_all; i++) {
        rc |= r->bodies[i].failed ? -1 : 0;
        free(jobs[i].dir);
    }
    free(jobs);
    return rc;
}

char *render_body_html(const struct render *r, size_t i)
{
    const struct body *b = &r->bodies[i];
    if (b->html)
        return xstrdup(b->html);
    struct bodycache_record rec;
    char *text = NULL;
    if (b->in_cache && bodycache_read(r->body_cache, b->cache_key, &rec) == 0) {
        text = rec.html;
        rec.html = NULL;
        bodycache_record_release(&rec);
    }
    if (!text)
        diag_io_error(r->d, r->body_cache ? bodycache_dir(r->body_cache) : NULL,
                      "the converted text of %s went missing from the cache during the build; "
                      "build again",
                      r->site->all[i]->source);
    return text;
}

/* ---- Shared JSON -------------------------------------------------------------------------- */

static json_t *taxon_json(const struct taxon *t, const char *folder)
{
    json_t *o = json_object();
    set_str(o, "slug", t->slug);
    set_str(o, "name", t->name);
    set_str(o, "reading", t->reading);
    char *url = xasprintf("%s/%s/", folder, t->slug);
    set_str(o, "url", url);
    free(url);
    return o;
}

/* An image for templates. src and full are relative to the root like every url (templates
 * write {{root}}{{image.src}}); srcset lists several paths, so it comes with root already
 * in front of each. */
static json_t *image_json(const char *root, const struct media_image *img, const char *alt)
{
    json_t *o = json_object();
    set_str(o, "src", img->src);
    set_str(o, "full", img->full);
    char *srcset = prefixed_srcset(root, img->srcset);
    set_str(o, "srcset", srcset);
    free(srcset);
    json_object_set_new(o, "width", json_integer(img->width));
    json_object_set_new(o, "height", json_integer(img->height));
    set_str(o, "alt", alt ? alt : "");
    return o;
}

/* "tel:0235000000" from a phone number as people write it. */
static char *tel_href(const char *phone)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "tel:");
    for (const char *p = phone; *p; p++)
        if ((*p >= '0' && *p <= '9') || (*p == '+' && b.len == 4))
            buf_putc(&b, *p);
    return buf_detach(&b, NULL);
}

static json_t *session_json(const struct render *r, const struct entry *e,
                            const struct session *s, size_t index)
{
    json_t *o = json_object();
    json_object_set_new(o, "start", render_date(r, s->start, 1));
    json_object_set_new(o, "end", render_date(r, s->end, 1));
    set_str(o, "label", s->label);
    struct buf b;
    buf_init(&b);
    date_format_ja_range(&b, s->start, &s->end, DATE_WEEKDAY);
    set_buf(o, "range", &b);
    buf_release(&b);
    json_object_set_new(o, "index", json_integer((json_int_t)index + 1));
    json_t *venues = json_object_get(e->fm, "venues");
    for (size_t v = 0; s->venue && v < json_array_size(venues); v++) {
        json_t *venue = json_array_get(venues, v);
        const char *id = json_string_value(json_object_get(venue, "id"));
        if (id && strcmp(id, s->venue) == 0)
            json_object_set(o, "venue", venue);
    }
    return o;
}

static void event_fields(const struct render *r, const struct entry *e, json_t *o)
{
    json_t *sessions = json_array();
    for (size_t i = 0; i < e->n_sessions; i++)
        json_array_append_new(sessions, session_json(r, e, &e->sessions[i], i));
    json_object_set_new(o, "sessions", sessions);
    json_object_set_new(o, "multi_session", json_boolean(e->n_sessions > 1));
    if (e->n_sessions) {
        struct buf b;
        buf_init(&b);
        const struct session *first = &e->sessions[0], *last = &e->sessions[e->n_sessions - 1];
        if (e->n_sessions == 1)
            date_format_ja_range(&b, first->start, &first->end, DATE_WEEKDAY);
        else
            date_format_ja_day_range(&b, first->start.date, last->end.date, DATE_WEEKDAY);
        set_buf(o, "when", &b);
        buf_release(&b);
        json_object_set_new(o, "start", render_date(r, first->start, 1));
        json_object_set_new(o, "end", render_date(r, last->end, 1));
    }
    json_t *venues = json_object_get(e->fm, "venues");
    json_t *vs = json_array();
    int remote = 0;
    for (size_t v = 0; v < json_array_size(venues); v++) {
        json_t *venue = json_copy(json_array_get(venues, v));
        const char *role = json_string_value(json_object_get(venue, "role"));
        int is_remote = role && strcmp(role, "remote") == 0;
        remote |= is_remote;
        json_object_set_new(venue, "is_main", json_boolean(!is_remote));
        json_object_set_new(venue, "is_remote", json_boolean(is_remote));
        json_array_append_new(vs, venue);
    }
    json_object_set_new(o, "venues", vs);
    json_object_set_new(o, "has_remote", json_boolean(remote));
    static const char *const copied[] = {"program", "capacity", "participants", "note", NULL};
    for (const char *const *k = copied; *k; k++)
        if (json_object_get(e->fm, *k))
            json_object_set(o, *k, json_object_get(e->fm, *k));
    json_t *apply = json_object_get(e->fm, "apply");
    if (apply) {
        json_t *a = json_object();
        set_str(a, "how", json_string_value(json_object_get(apply, "how")));
        const char *deadline = json_string_value(json_object_get(apply, "deadline"));
        struct datetime dt;
        struct date_why why;
        int has_time;
        if (deadline && date_parse_either(&dt, &has_time, deadline, strlen(deadline), &why) == 0)
            json_object_set_new(a, "deadline", render_date(r, dt, 0));
        json_object_set_new(o, "apply", a);
    }
    int past = site_event_is_past(r->site, e);
    json_object_set_new(o, "past", json_boolean(past));
    json_object_set_new(o, "upcoming", json_boolean(!past));
    char *ics = xasprintf("%sevent.ics", e->url);
    set_str(o, "ics", ics);
    free(ics);
}

static json_t *entry_json(const struct render *r, size_t i)
{
    const struct entry *e = r->site->all[i];
    const struct body *b = &r->bodies[i];
    const struct site_config *cfg = r->site->cfg;
    json_t *o = json_object();
    json_object_set(o, "kind", r->kind_json[e->kind]);
    set_str_from(o, "slug", e->slug, e->fm, "slug");
    set_str(o, "url", e->url);
    set_str_from(o, "title", b->title_text ? b->title_text : e->title, e->fm, "title");
    set_str(o, "title_html", b->title_html);
    set_str_from(o, "reading", e->reading, e->fm, "reading");
    set_str_from(o, "summary", b->summary, e->fm, "summary");
    json_object_set_new(o, "draft", json_boolean(e->draft));
    json_object_set(o, "params", e->fm);
    if (e->has_date)
        json_object_set_new(o, "date", render_date(r, e->date, 0));
    const char *updated = json_string_value(json_object_get(e->fm, "updated"));
    struct datetime dt;
    struct date_why why;
    int has_time;
    if (updated && date_parse_either(&dt, &has_time, updated, strlen(updated), &why) == 0)
        json_object_set_new(o, "updated", render_date(r, dt, 0));
    const struct taxon *district = e->district ? config_district(cfg, e->district) : NULL;
    if (district)
        json_object_set(o, "district", r->district_json[district - cfg->districts]);
    json_t *cats = json_array();
    json_t *fm_cats = json_object_get(e->fm, "categories");
    for (size_t c = 0; c < json_array_size(fm_cats); c++) {
        const struct taxon *t =
            config_category(cfg, str_or(json_string_value(json_array_get(fm_cats, c))));
        if (t)
            json_array_append(cats, r->category_json[t - cfg->categories]);
    }
    json_object_set_new(o, "categories", cats);
    if (b->has_image) {
        const char *alt = json_string_value(
            json_object_get(e->fm, e->kind == KIND_ISSUE ? "cover_alt" : "image_alt"));
        json_object_set_new(o, "image", image_json(r->root, &b->image, alt ? alt : e->title));
    }
    static const char *const copied[] = {"schedule", "place", "organizer", "fee",
                                         "audience", "copies", "editor", NULL};
    for (const char *const *k = copied; *k; k++)
        if (json_object_get(e->fm, *k))
            json_object_set(o, *k, json_object_get(e->fm, *k));
    json_t *contact = json_object_get(e->fm, "contact");
    if (contact) {
        json_t *c = json_copy(contact);
        const char *phone = json_string_value(json_object_get(c, "phone"));
        if (phone) {
            char *href = tel_href(phone);
            set_str(c, "phone_href", href);
            free(href);
        }
        json_object_set_new(o, "contact", c);
    }
    if (e->kind == KIND_EVENT)
        event_fields(r, e, o);
    if (e->kind == KIND_ISSUE) {
        json_object_set_new(o, "number", json_integer(e->number));
        char *print_url = print_document_path(e);
        set_str(o, "print_url", print_url);
        free(print_url);
        if (b->has_image)
            json_object_set(o, "cover", json_object_get(o, "image"));
    } else if (e->number) {
        for (size_t k = 0; k < r->site->n_kind[KIND_ISSUE]; k++) {
            const struct entry *is = r->site->kind[KIND_ISSUE][k];
            if (is->number == e->number)
                json_object_set(o, "issue", r->issue_json[k]);
        }
    }
    return o;
}

static json_t *site_json(const struct render *r)
{
    const struct site *s = r->site;
    const struct site_config *cfg = s->cfg;
    json_t *o = json_object();
    set_str(o, "title", cfg->title);
    set_str(o, "subtitle", cfg->subtitle);
    set_str(o, "description", cfg->description);
    set_str(o, "base_url", cfg->base_url);
    set_str(o, "language", cfg->language);
    set_str(o, "publisher", cfg->publisher);
    json_object_set(o, "params", cfg->raw);

    json_t *districts = json_array(), *categories = json_array();
    for (size_t i = 0; i < cfg->n_districts; i++) {
        json_t *t = taxon_json(&cfg->districts[i], "districts");
        size_t n = 0;
        for (size_t j = 0; j < s->n_kind[KIND_ACTIVITY]; j++)
            n += entry_in_district(s->kind[KIND_ACTIVITY][j], cfg->districts[i].slug);
        json_object_set_new(t, "count", json_integer((json_int_t)n));
        json_array_append_new(districts, t);
    }
    for (size_t i = 0; i < cfg->n_categories; i++) {
        json_t *t = taxon_json(&cfg->categories[i], "categories");
        size_t n = 0;
        for (size_t j = 0; j < s->n_kind[KIND_ACTIVITY]; j++)
            n += entry_in_category(s->kind[KIND_ACTIVITY][j], cfg->categories[i].slug);
        json_object_set_new(t, "count", json_integer((json_int_t)n));
        json_array_append_new(categories, t);
    }
    json_object_set_new(o, "districts", districts);
    json_object_set_new(o, "categories", categories);

    json_t *menu = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_PAGE]; i++) {
        const struct entry *e = s->kind[KIND_PAGE][i];
        if (!e->menu)
            continue;
        json_t *m = json_object();
        set_str(m, "title", e->title);
        set_str(m, "url", e->url);
        json_array_append_new(menu, m);
    }
    json_object_set_new(o, "menu", menu);

    json_t *issues = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_ISSUE]; i++)
        json_array_append_new(issues,
                              render_entry(r, render_index(r, s->kind[KIND_ISSUE][i]), NULL));
    if (s->n_kind[KIND_ISSUE])
        json_object_set(o, "current_issue", json_array_get(issues, 0));
    json_object_set_new(o, "issues", issues);
    json_object_set_new(o, "now", render_date(r, s->now, 1));
    json_object_set_new(o, "year", json_integer(s->now.date.year));
    return o;
}

/* The data templates get at one root. An entry's data is made when a page first asks for it
 * and held while there is room, hold entries at most: a site of that size makes each entry's
 * data once; a bigger one lets the least recently asked for go and makes it again when asked,
 * so that memory stays bounded however many entries there are. */
struct render_root {
    char *root;
    json_t *site_json;
    struct fingerprint_memo *memo; /* of site_json and the static map; read-only once made */
    pthread_mutex_t lock;          /* guards the rest: pages on every worker ask for entries */
    json_t **entries;              /* parallel to site->all; NULL when not held */
    struct hash *fps;              /* the fingerprints of the held ones */
    unsigned char *asked;          /* asked for since the clock hand last passed */
    size_t *ring;                  /* the held ones' indices, in the order they came */
    size_t n, held, hold, hand;
};

static struct render_root *root_new(const char *root, size_t n, size_t hold)
{
    struct render_root *rr = xcalloc(1, sizeof *rr);
    rr->root = xstrdup(root);
    rr->memo = fingerprint_memo_new();
    pthread_mutex_init(&rr->lock, NULL);
    rr->entries = xcalloc(n ? n : 1, sizeof *rr->entries);
    rr->fps = xcalloc(n ? n : 1, sizeof *rr->fps);
    rr->asked = xcalloc(n ? n : 1, 1);
    rr->n = n;
    rr->hold = hold < n ? hold : n ? n : 1;
    rr->ring = xcalloc(rr->hold, sizeof *rr->ring);
    return rr;
}

static void root_free(struct render_root *rr)
{
    for (size_t i = 0; i < rr->n; i++)
        json_decref(rr->entries[i]);
    json_decref(rr->site_json);
    fingerprint_memo_free(rr->memo);
    pthread_mutex_destroy(&rr->lock);
    free(rr->entries);
    free(rr->fps);
    free(rr->asked);
    free(rr->ring);
    free(rr->root);
    free(rr);
}

/* Holds v as entry i's data, letting another go when there is no room: the clock algorithm
 * over the ring of held entries, whose hand passes over (and clears) the ones asked for since
 * its last round. Lock held. */
static void root_hold(struct render_root *rr, size_t i, json_t *v, struct hash fp)
{
    size_t at = rr->held;
    if (rr->held == rr->hold) {
        for (;;) {
            size_t k = rr->ring[rr->hand];
            if (!rr->asked[k])
                break;
            rr->asked[k] = 0;
            rr->hand = (rr->hand + 1) % rr->hold;
        }
        size_t k = rr->ring[rr->hand];
        json_decref(rr->entries[k]);
        rr->entries[k] = NULL;
        at = rr->hand;
        rr->hand = (rr->hand + 1) % rr->hold;
    } else {
        rr->held++;
    }
    rr->ring[at] = i;
    rr->entries[i] = json_incref(v);
    rr->fps[i] = fp;
    rr->asked[i] = 1;
}

json_t *render_entry(const struct render *r, size_t i, struct fingerprint_memo *memo)
{
    struct render_root *rr = r->current;
    pthread_mutex_lock(&rr->lock);
    json_t *v = rr->entries[i] ? json_incref(rr->entries[i]) : NULL;
    struct hash fp = rr->fps[i];
    if (v)
        rr->asked[i] = 1;
    pthread_mutex_unlock(&rr->lock);
    if (!v) {
        /* Made outside the lock; if another worker made it meanwhile, theirs is kept. */
        json_t *made = entry_json(r, i);
        struct hash made_fp = fingerprint_json(made, NULL);
        pthread_mutex_lock(&rr->lock);
        if (!rr->entries[i])
            root_hold(rr, i, made, made_fp);
        v = json_incref(rr->entries[i]);
        fp = rr->fps[i];
        pthread_mutex_unlock(&rr->lock);
        json_decref(made);
    }
    if (memo)
        fingerprint_memo_put(memo, v, fp);
    return v;
}

/* The site object's fingerprint as the templates can see it: the build clock (now, year)
 * counts only when some template names it, so that a rebuild a minute later keeps pages. */
static struct hash site_fingerprint(const struct render *r, const json_t *site)
{
    const struct template_set *set = r->theme->templates;
    json_t *seen = json_copy((json_t *)site);
    if (!template_set_mentions(set, "now"))
        json_object_del(seen, "now");
    if (!template_set_mentions(set, "year"))
        json_object_del(seen, "year");
    struct hash h = fingerprint_json(seen, NULL);
    json_decref(seen);
    return h;
}

/* The values every root shares; made with the first. */
static void make_shared(struct render *r)
{
    const struct site *s = r->site;
    const struct site_config *cfg = s->cfg;
    if (!r->dates)
        r->dates = dates_new();
    if (r->district_json)
        return;
    for (int k = 0; k < KIND_COUNT; k++)
        r->kind_json[k] = json_string(entry_kind_name((enum entry_kind)k));
    /* What an article says of the issue it appeared in. */
    r->issue_json = xcalloc(s->n_kind[KIND_ISSUE] + 1, sizeof *r->issue_json);
    for (size_t k = 0; k < s->n_kind[KIND_ISSUE]; k++) {
        const struct entry *is = s->kind[KIND_ISSUE][k];
        json_t *io = json_object();
        json_object_set_new(io, "number", json_integer(is->number));
        set_str(io, "title", is->title);
        set_str(io, "url", is->url);
        r->issue_json[k] = io;
    }
    r->district_json = xcalloc(cfg->n_districts + 1, sizeof *r->district_json);
    for (size_t i = 0; i < cfg->n_districts; i++)
        r->district_json[i] = taxon_json(&cfg->districts[i], "districts");
    r->category_json = xcalloc(cfg->n_categories + 1, sizeof *r->category_json);
    for (size_t i = 0; i < cfg->n_categories; i++)
        r->category_json[i] = taxon_json(&cfg->categories[i], "categories");
}

void render_use_root(struct render *r, const char *root)
{
    for (size_t i = 0; i < r->n_roots; i++) {
        if (strcmp(r->roots[i]->root, root) == 0) {
            r->current = r->roots[i];
            r->root = r->current->root;
            r->site_json = r->current->site_json;
            return;
        }
    }
    make_shared(r);
    struct render_root *rr =
        root_new(root, r->site->n_all, r->hold_entries ? r->hold_entries : RENDER_HOLD_ENTRIES);
    r->roots = xrealloc(r->roots, (r->n_roots + 1) * sizeof *r->roots);
    r->roots[r->n_roots++] = rr;
    r->current = rr;
    r->root = rr->root;
    rr->site_json = site_json(r);
    r->site_json = rr->site_json;
    fingerprint_memo_put(rr->memo, rr->site_json, site_fingerprint(r, rr->site_json));
    fingerprint_memo_add(rr->memo, r->theme->static_map);
}

/* Frees every root's data: with the entries' data held, the largest thing a build holds. */
static void drop_roots(struct render *r)
{
    for (size_t k = 0; k < r->n_roots; k++)
        root_free(r->roots[k]);
    free(r->roots);
    r->roots = NULL;
    r->n_roots = 0;
    r->current = NULL;
    r->root = NULL;
    r->site_json = NULL;
}

/* ---- Pages --------------------------------------------------------------------------------- */

struct page {
    const char *template;
    const struct template *compiled; /* looked up before the workers start */
    char *url; /* relative to the root: "", "activities/", "activities/page/2/" */
    char *out; /* output file */
    json_t *ctx;
    /* An entry's page is only noted (ctx NULL) and set up by the worker that renders it, so
     * that no more than one page per thread is held in memory. */
    size_t entry;
    const struct list_spec *list; /* a list's page (ctx NULL): which list, which page */
    size_t list_page;
    int month;            /* a calendar's page (ctx NULL): year * 12 + month - 1; else 0 */
    struct hash identity; /* of the compiled template */
    /* Fingerprints of the shared values in ctx: the entries' data it holds, over its root's
     * (owned; freed with ctx). */
    struct fingerprint_memo *memo;
};

struct pages {
    struct page *v;
    size_t len, cap;
    struct render *r;
    int failed;
    /* The first upcoming events in date order, for the "related" lists of event pages. */
    const struct entry *upcoming[5];
    size_t n_upcoming;
    struct list_spec **lists; /* owned */
    size_t n_lists;
    int first_month, last_month; /* the calendar's span, as year * 12 + month - 1 */
};

/* A new page at the end of the list, all zero but its template. */
static struct page *page_new(struct pages *ps, const char *template)
{
    if (ps->len == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
    }
    struct page *p = &ps->v[ps->len++];
    memset(p, 0, sizeof *p);
    p->template = template;
    return p;
}

/* Makes the root of the page at url, for a page that workers will set up: they only ever find
 * roots made before they started. */
static void root_before_workers(struct render *r, const char *url)
{
    char *root = root_for(r, url);
    render_use_root(r, root);
    free(root);
}

/* Starts a page's context with what every page gets; returns the context (owned by the page
 * list). */
static json_t *page_add(struct pages *ps, const char *template, const char *url, const char *kind,
                        const char *title, const char *title_html, const char *description)
{
    struct render *r = ps->r;
    const struct site_config *cfg = r->site->cfg;
    struct page *p = page_new(ps, template);
    p->url = xstrdup(url);
    p->out = strcmp(kind, "404") == 0 ? xstrdup("404.html") : xasprintf("%sindex.html", url);
    json_t *ctx = json_object();
    char *root = root_for(r, url);
    render_use_root(r, root);
    p->memo = fingerprint_memo_new_under(r->current->memo);
    set_str(ctx, "root", root);
    free(root);
    set_str(ctx, "index", r->portable ? "index.html" : "");
    json_object_set(ctx, "static", r->theme->static_map);
    json_object_set(ctx, "site", r->site_json);
    json_t *page = json_object();
    set_str(page, "kind", kind);
    set_str(page, "title", title);
    set_str(page, "title_html", title_html);
    set_str(page, "description", description ? description : cfg->description);
    set_str(page, "url", url);
    char *permalink = xasprintf("%s%s", cfg->base_url, url);
    set_str(page, "permalink", permalink);
    set_str(page, "canonical", permalink);
    free(permalink);
    set_str(page, "lang", cfg->language);
    json_object_set_new(page, "is_home", json_boolean(*url == '\0'));
    set_str(page, "og_type", strcmp(kind, "activity") == 0 || strcmp(kind, "event") == 0 ||
                                     strcmp(kind, "page") == 0
                                 ? "article"
                                 : "website");
    json_object_set_new(ctx, "page", page);
    p->ctx = ctx;
    return ctx;
}

/* Entry i's data for the page being set up (the last one added): a new reference. */
static json_t *page_entry(struct pages *ps, size_t i)
{
    return render_entry(ps->r, i, ps->v[ps->len - 1].memo);
}

static json_t *crumbs(const char *title1, const char *url1)
{
    json_t *list = json_array();
    json_t *home = json_object();
    set_str(home, "title", "ホーム");
    set_str(home, "url", "");
    json_array_append_new(list, home);
    if (title1) {
        json_t *c = json_object();
        set_str(c, "title", title1);
        set_str(c, "url", url1);
        json_array_append_new(list, c);
    }
    return list;
}

static void entry_page(struct pages *ps, size_t i)
{
    struct render *r = ps->r;
    const struct entry *e = r->site->all[i];
    const struct body *b = &r->bodies[i];
    static const char *const templates[] = {"activity", "event", "issue", "page"};
    static const char *const list_titles[] = {"活動一覧", "催し", "号一覧", NULL};
    static const char *const list_urls[] = {"activities/", "events/", "issues/", NULL};
    json_t *ctx = page_add(ps, templates[e->kind], e->url, entry_kind_name(e->kind),
                           b->title_text ? b->title_text : e->title, b->title_html, b->summary);
    /* The content is added when the page is rendered: until then its hash stands for it. */
    json_t *data = render_entry(r, i, NULL);
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
        char *og = xasprintf("%s%s", r->site->cfg->base_url, b->image.full ? b->image.full
                                                                            : b->image.src);
        set_str(page, "og_image", og);
        free(og);
    }
    char *jsonld = feed_jsonld(r, e, i);
    set_str(page, "jsonld", jsonld);
    free(jsonld);
    json_object_set_new(ctx, "breadcrumbs", crumbs(list_titles[e->kind], list_urls[e->kind]));

    /* Other activities in the same district, or other events. */
    json_t *related = json_array();
    const struct site *s = r->site;
    if (e->kind == KIND_ACTIVITY && e->district) {
        for (size_t j = 0; j < s->n_kind[KIND_ACTIVITY] && json_array_size(related) < 6; j++) {
            const struct entry *o = s->kind[KIND_ACTIVITY][j];
            if (o != e && o->district && strcmp(o->district, e->district) == 0)
                json_array_append_new(related, page_entry(ps, render_index(r, o)));
        }
    } else if (e->kind == KIND_EVENT) {
        for (size_t j = 0; j < ps->n_upcoming && json_array_size(related) < 4; j++) {
            const struct entry *o = ps->upcoming[j];
            if (o != e)
                json_array_append_new(related, page_entry(ps, render_index(r, o)));
        }
    }
    json_object_set_new(ctx, "related", related);

    if (e->kind == KIND_ISSUE) {
        struct entry **list;
        size_t n = site_issue_entries(s, e, &list);
        json_t *sections = json_array();
        json_t *current = NULL;
        const char *current_name = NULL;
        for (size_t j = 0; j < n; j++) {
            const char *name = site_issue_section(s, list[j]);
            if (!current || strcmp(name, current_name) != 0) {
                current = json_object();
                set_str(current, "title", name);
                json_object_set_new(current, "entries", json_array());
                json_array_append_new(sections, current);
                current_name = name;
            }
            json_array_append_new(json_object_get(current, "entries"),
                                  page_entry(ps, render_index(r, list[j])));
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
    struct list_group *groups; /* each with its own copy of items */
    size_t n_groups, total, n_pages;
};

static void list_spec_free(struct list_spec *l)
{
    for (size_t g = 0; g < l->n_groups; g++)
        free(l->groups[g].items);
    free(l->groups);
    free(l->url);
    free(l->kind);
    free(l->title);
    free(l->description);
    free(l->calendar_url);
    free(l);
}

/* Sets up page pg (from 0) of list l. */
static void list_page(struct pages *ps, const struct list_spec *l, size_t pg)
{
    struct render *r = ps->r;
    const char *url = l->url, *kind = l->kind, *title = l->title, *description = l->description,
               *calendar_url = l->calendar_url;
    const struct list_group *groups = l->groups;
    size_t n_groups = l->n_groups, total = l->total, n_pages = l->n_pages;
    size_t per = r->site->cfg->per_page;
    char *page_url = pg ? xasprintf("%spage/%zu/", url, pg + 1) : xstrdup(url);
    char *page_title = pg ? xasprintf("%s（%zuページ目）", title, pg + 1) : xstrdup(title);
    json_t *ctx = page_add(ps, "list", page_url, "list", page_title, NULL, description);
    json_t *list = json_object();
    set_str(list, "title", title);
    struct buf escaped;
    buf_init(&escaped);
    buf_xml_escape(&escaped, title);
    set_buf(list, "title_html", &escaped);
    buf_release(&escaped);
    set_str(list, "description", description);
    set_str(list, "kind", kind);
    json_object_set_new(list, "count", json_integer((json_int_t)total));
    json_t *gs = json_array();
    size_t from = pg * per, to = from + per, at = 0;
    for (size_t g = 0; g < n_groups; g++) {
        json_t *items = json_array();
        /* Only this page's slice of the group: at counts the items of earlier groups. */
        size_t k = from > at ? from - at : 0;
        for (; k < groups[g].n && at + k < to; k++)
            json_array_append_new(items, page_entry(ps, render_index(r, groups[g].items[k])));
        at += groups[g].n;
        if (json_array_size(items) == 0 && groups[g].heading) {
            json_decref(items);
            continue;
        }
        json_t *go = json_object();
        set_str(go, "heading", groups[g].heading);
        set_str(go, "id", groups[g].id);
        json_object_set_new(go, "items", items);
        json_array_append_new(gs, go);
    }
    json_object_set_new(list, "groups", gs);
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
        set_str(po, "url", u);
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
    json_object_set_new(ctx, "breadcrumbs", crumbs(NULL, NULL));
    set_str(ctx, "calendar_url", calendar_url);
    free(page_url);
    free(page_title);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Notes the pages of one paginated list: groups of entries (heading + items), split over pages
 * of per_page. The groups are copied. */
static void list_pages(struct pages *ps, const char *url, const char *kind, const char *title,
                       const char *description, struct list_group *groups, size_t n_groups,
                       const char *calendar_url)
{
    struct render *r = ps->r;
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
        l->groups[g].items = xcalloc(groups[g].n ? groups[g].n : 1, sizeof *groups[g].items);
        memcpy(l->groups[g].items, groups[g].items, groups[g].n * sizeof *groups[g].items);
        l->total += groups[g].n;
    }
    size_t per = r->site->cfg->per_page;
    l->n_pages = l->total ? (l->total + per - 1) / per : 1;
    ps->lists = xrealloc(ps->lists, (ps->n_lists + 1) * sizeof *ps->lists);
    ps->lists[ps->n_lists++] = l;
    for (size_t pg = 0; pg < l->n_pages; pg++) {
        struct page *p = page_new(ps, "list");
        p->list = l;
        p->list_page = pg;
        char *page_url = pg ? xasprintf("%spage/%zu/", url, pg + 1) : xstrdup(url);
        root_before_workers(r, page_url);
        free(page_url);
    }
}

/* Activities in 50音 order under あ/か/さ… headings. */
static void kana_groups(struct entry **items, size_t n, struct list_group *groups,
                        size_t *n_groups)
{
    static const char *const ids[] = {"a", "ka", "sa", "ta", "na",
                                      "ha", "ma", "ya", "ra", "wa", "other"};
    *n_groups = 0;
    for (int row = 0; row <= 10; row++) {
        struct list_group *g = &groups[*n_groups];
        g->heading = kana_row_label(row < 10 ? row : -1);
        g->id = ids[row];
        g->items = xcalloc(n ? n : 1, sizeof *g->items);
        g->n = 0;
        for (size_t i = 0; i < n; i++) {
            int er = kana_row(items[i]->reading ? items[i]->reading : "");
            if ((row < 10 && er == row) || (row == 10 && er < 0))
                g->items[g->n++] = items[i];
        }
        if (g->n)
            (*n_groups)++;
        else
            free(g->items);
    }
}

static void free_groups(struct list_group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(groups[i].items);
}

static void activity_lists(struct pages *ps)
{
    const struct site *s = ps->r->site;
    const struct site_config *cfg = s->cfg;
    struct list_group groups[11];
    size_t n_groups;
    struct entry **acts = s->kind[KIND_ACTIVITY];
    size_t n_acts = s->n_kind[KIND_ACTIVITY];

    kana_groups(acts, n_acts, groups, &n_groups);
    list_pages(ps, "activities/", "activities", "活動一覧（50音順）",
               "地域の支え合い活動を50音順に並べています。", groups, n_groups, NULL);
    free_groups(groups, n_groups);

    struct entry **sel = xcalloc(n_acts ? n_acts : 1, sizeof *sel);
    for (size_t d = 0; d < cfg->n_districts; d++) {
        size_t n = 0;
        for (size_t i = 0; i < n_acts; i++)
            if (entry_in_district(acts[i], cfg->districts[d].slug))
                sel[n++] = acts[i];
        kana_groups(sel, n, groups, &n_groups);
        char *url = xasprintf("districts/%s/", cfg->districts[d].slug);
        char *title = xasprintf("%s地区の活動", cfg->districts[d].name);
        list_pages(ps, url, "district", title, NULL, groups, n_groups, NULL);
        free(url);
        free(title);
        free_groups(groups, n_groups);
    }
    for (size_t c = 0; c < cfg->n_categories; c++) {
        size_t n = 0;
        for (size_t i = 0; i < n_acts; i++)
            if (entry_in_category(acts[i], cfg->categories[c].slug))
                sel[n++] = acts[i];
        kana_groups(sel, n, groups, &n_groups);
        char *url = xasprintf("categories/%s/", cfg->categories[c].slug);
        char *title = xasprintf("分類「%s」の活動", cfg->categories[c].name);
        list_pages(ps, url, "category", title, NULL, groups, n_groups, NULL);
        free(url);
        free(title);
        free_groups(groups, n_groups);
    }
    free(sel);

    /* The districts and categories overviews are the lists of taxa themselves. */
    json_t *ctx = page_add(ps, "taxonomy", "districts/", "list", "地区から探す", NULL, NULL);
    json_object_set(ctx, "terms", json_object_get(ps->r->site_json, "districts"));
    json_object_set_new(ctx, "breadcrumbs", crumbs(NULL, NULL));
    ctx = page_add(ps, "taxonomy", "categories/", "list", "分類から探す", NULL, NULL);
    json_object_set(ctx, "terms", json_object_get(ps->r->site_json, "categories"));
    json_object_set_new(ctx, "breadcrumbs", crumbs(NULL, NULL));
}

static void event_list(struct pages *ps)
{
    const struct site *s = ps->r->site;
    size_t n = s->n_kind[KIND_EVENT];
    struct list_group groups[2] = {
        {"これからの催し", "upcoming", xcalloc(n ? n : 1, sizeof(struct entry *)), 0},
        {"終了した催し", "past", xcalloc(n ? n : 1, sizeof(struct entry *)), 0},
    };
    for (size_t i = 0; i < n; i++) {
        struct entry *e = s->kind[KIND_EVENT][i];
        if (!site_event_is_past(s, e))
            groups[0].items[groups[0].n++] = e;
    }
    /* Past events newest first. */
    for (size_t i = n; i-- > 0;) {
        struct entry *e = s->kind[KIND_EVENT][i];
        if (site_event_is_past(s, e))
            groups[1].items[groups[1].n++] = e;
    }
    char *cal = xasprintf("events/%04d/%02d/", s->now.date.year, s->now.date.month);
    list_pages(ps, "events/", "events", "研修会・会議などの催し", NULL, groups, 2, cal);
    free(cal);
    free_groups(groups, 2);

    struct list_group issues = {NULL, "issues", s->kind[KIND_ISSUE], s->n_kind[KIND_ISSUE]};
    list_pages(ps, "issues/", "issues", "これまでの号", NULL, &issues, 1, NULL);
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

static void home_page(struct pages *ps)
{
    struct render *r = ps->r;
    const struct site *s = r->site;
    json_t *ctx = page_add(ps, "home", "", "home", s->cfg->title, NULL, s->cfg->description);
    json_t *upcoming = json_array();
    for (size_t i = 0; i < s->n_kind[KIND_EVENT] && json_array_size(upcoming) < 5; i++)
        if (!site_event_is_past(s, s->kind[KIND_EVENT][i]))
            json_array_append_new(upcoming, page_entry(ps, render_index(r, s->kind[KIND_EVENT][i])));
    json_object_set_new(ctx, "upcoming", upcoming);

    /* Newest activities: by date, newest first; undated ones last. */
    size_t n = s->n_kind[KIND_ACTIVITY];
    struct dated *acts = xcalloc(n ? n : 1, sizeof *acts);
    for (size_t i = 0; i < n; i++)
        acts[i] = (struct dated){s->kind[KIND_ACTIVITY][i], i};
    qsort(acts, n, sizeof *acts, newest_first);
    json_t *recent = json_array();
    for (size_t i = 0; i < n && i < 6; i++)
        json_array_append_new(recent, page_entry(ps, render_index(r, acts[i].e)));
    free(acts);
    json_object_set_new(ctx, "recent", recent);
    if (s->n_kind[KIND_ISSUE])
        json_object_set_new(ctx, "current_issue",
                            page_entry(ps, render_index(r, s->kind[KIND_ISSUE][0])));
    char *jsonld = feed_site_jsonld(r);
    set_str(json_object_get(ctx, "page"), "jsonld", jsonld);
    free(jsonld);
}

/* A month's label for headings and links: 令和3年2月（2021年2月）. */
static char *month_title(int year, int month)
{
    struct buf b;
    buf_init(&b);
    date_format_ja_month(&b, year, month, 0);
    buf_printf(&b, "（%d年%d月）", year, month);
    return buf_detach(&b, NULL);
}

static int month_index(int year, int month)
{
    return year * 12 + month - 1;
}

/* The sessions on one day, as {title, url, time, label} objects. */
/* A session in a calendar month, with its event. */
struct month_session {
    const struct entry *e;
    const struct body *b;
    const struct session *ss;
};

/* The sessions of events (in the site's order) that touch the month from first to last;
 * returns how many, in a new array *out the caller frees. */
static size_t month_sessions(const struct render *r, struct date first, struct date last,
                             struct month_session **out)
{
    const struct site *s = r->site;
    size_t n = 0, cap = 16;
    *out = xcalloc(cap, sizeof **out);
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        const struct entry *e = s->kind[KIND_EVENT][i];
        for (size_t k = 0; k < e->n_sessions; k++) {
            const struct session *ss = &e->sessions[k];
            if (date_compare(ss->start.date, last) > 0 || date_compare(ss->end.date, first) < 0)
                continue;
            if (n == cap) {
                cap *= 2;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            (*out)[n++] = (struct month_session){e, &r->bodies[render_index(r, e)], ss};
        }
    }
    return n;
}

static json_t *day_events(const struct render *r, struct date day, const struct month_session *m,
                          size_t n)
{
    const struct site *s = r->site;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = m[i].e;
        const struct body *b = m[i].b;
        const struct session *ss = m[i].ss;
        if (date_compare(ss->start.date, day) > 0 || date_compare(ss->end.date, day) < 0)
            continue;
        json_t *o = json_object();
        set_str(o, "title", b->title_text ? b->title_text : e->title);
        set_str(o, "url", e->url);
        set_str(o, "label", ss->label);
        struct buf t;
        buf_init(&t);
        if (date_compare(ss->start.date, day) == 0)
            date_format_time(&t, ss->start);
        set_buf(o, "time", &t);
        buf_release(&t);
        json_object_set_new(o, "past", json_boolean(site_event_is_past(s, e)));
        json_object_set_new(o, "draft", json_boolean(e->draft));
        json_array_append_new(list, o);
    }
    return list;
}

/* One page per month from the first event (or the build's month, whichever is earlier) to the
 * last (or the build's month), so the events list can always link to "this month". */
static void calendar_pages(struct pages *ps)
{
    struct render *r = ps->r;
    const struct site *s = r->site;
    int first = month_index(s->now.date.year, s->now.date.month), last = first;
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        const struct entry *e = s->kind[KIND_EVENT][i];
        for (size_t k = 0; k < e->n_sessions; k++) {
            int a = month_index(e->sessions[k].start.date.year, e->sessions[k].start.date.month);
            int z = month_index(e->sessions[k].end.date.year, e->sessions[k].end.date.month);
            first = a < first ? a : first;
            last = z > last ? z : last;
        }
    }
    ps->first_month = first;
    ps->last_month = last;
    for (int m = first; m <= last; m++) {
        page_new(ps, "calendar")->month = m;
        char *url = xasprintf("events/%04d/%02d/", m / 12, m % 12 + 1);
        root_before_workers(r, url);
        free(url);
    }
}

/* Sets up the calendar page of month m (year * 12 + month - 1). */
static void calendar_page(struct pages *ps, int m)
{
    struct render *r = ps->r;
    const struct site *s = r->site;
    int first = ps->first_month, last = ps->last_month;
    enum date_week_start start = s->cfg->week_starts_monday ? DATE_WEEK_MONDAY : DATE_WEEK_SUNDAY;
    int year = m / 12, month = m % 12 + 1;
    struct date_month_grid g;
    date_month_grid(&g, year, month, start);
    char *url = xasprintf("events/%04d/%02d/", year, month);
    char *title = month_title(year, month);
    char *page_title = xasprintf("%sの催し", title);
    json_t *ctx = page_add(ps, "calendar", url, "calendar", page_title, NULL, NULL);
    json_t *cal = json_object();
    set_str(cal, "title", title);
    json_object_set_new(cal, "year", json_integer(year));
    json_object_set_new(cal, "month", json_integer(month));
    json_t *weekdays = json_array();
    for (int c = 0; c < 7; c++) {
        json_t *w = json_object();
        set_str(w, "name", date_weekday_ja(g.weekday[c]));
        set_str(w, "key", date_weekday_key(g.weekday[c]));
        json_array_append_new(weekdays, w);
    }
    json_object_set_new(cal, "weekdays", weekdays);
    struct month_session *sessions;
    size_t n_sessions =
        month_sessions(r, (struct date){year, month, 1},
                       (struct date){year, month, date_days_in_month(year, month)}, &sessions);
    json_t *weeks = json_array(), *flat = json_array();
    for (int row = 0; row < g.rows; row++) {
        json_t *days = json_array();
        for (int c = 0; c < 7; c++) {
            json_t *d = json_object();
            if (g.day[row][c]) {
                struct date day = {year, month, g.day[row][c]};
                json_object_set_new(d, "day", json_integer(g.day[row][c]));
                set_str(d, "weekday", date_weekday_key(g.weekday[c]));
                json_object_set_new(d, "today", json_boolean(date_compare(day, s->now.date) == 0));
                json_t *evs = day_events(r, day, sessions, n_sessions);
                if (json_array_size(evs)) {
                    json_t *entry = json_object();
                    struct buf b;
                    buf_init(&b);
                    date_format_ja(&b, day, DATE_WEEKDAY | DATE_NO_YEAR);
                    set_buf(entry, "date", &b);
                    buf_release(&b);
                    json_object_set(entry, "events", evs);
                    json_array_append_new(flat, entry);
                }
                json_object_set_new(d, "events", evs);
            } else {
                json_object_set_new(d, "blank", json_true());
            }
            json_array_append_new(days, d);
        }
        json_t *week = json_object();
        json_object_set_new(week, "days", days);
        json_array_append_new(weeks, week);
    }
    json_object_set_new(cal, "weeks", weeks);
    json_object_set_new(cal, "days_with_events", flat);
    for (int side = 0; side < 2; side++) {
        int other = side ? m + 1 : m - 1;
        if (other < first || other > last)
            continue;
        json_t *o = json_object();
        char *ou = xasprintf("events/%04d/%02d/", other / 12, other % 12 + 1);
        char *ot = month_title(other / 12, other % 12 + 1);
        set_str(o, "url", ou);
        set_str(o, "title", ot);
        free(ou);
        free(ot);
        json_object_set_new(cal, side ? "next" : "prev", o);
    }
    json_object_set_new(ctx, "calendar", cal);
    json_object_set_new(ctx, "breadcrumbs", crumbs("催し", "events/"));
    free(sessions);
    free(url);
    free(title);
    free(page_title);
}

struct render_job {
    struct pages *ps;
    int *failed;
};

/* The page's key: everything its bytes depend on. */
static struct hash page_key(const struct page *p, const struct body *b)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e7067ULL);
    hash_update(&h, p->out, strlen(p->out) + 1);
    hash_update(&h, &p->identity, sizeof p->identity);
    struct hash data = fingerprint_json(p->ctx, p->memo);
    hash_update(&h, &data, sizeof data);
    if (b)
        hash_update(&h, &b->html_hash, sizeof b->html_hash);
    return hash_final(&h);
}

/* Renders one set-up page and hands it to the publisher, unless the publisher keeps it as the
 * last build made it. b is the entry's body on an entry's page, else NULL. Returns 0 or -1. */
static int render_page(struct render *r, struct page *p, const struct body *b)
{
    struct hash key = page_key(p, b);
    if (r->pub && r->incremental) {
        int kept = publish_keep(r->pub, p->out, key);
        if (kept <= 0)
            return kept;
    }
    if (b) {
        char *html = render_body_html(r, (size_t)(b - r->bodies));
        if (!html)
            return -1;
        set_str(json_object_get(p->ctx, "entry"), "content", html);
        free(html);
    }
    struct buf out;
    buf_init(&out);
    int rc = 0;
    if (!p->compiled || template_render(p->compiled, p->ctx, &out) != 0)
        rc = -1;
    else if (r->pub && publish_write_keyed(r->pub, p->out, key, out.data, out.len) != 0)
        rc = -1;
    buf_release(&out);
    return rc;
}

static void render_one(size_t i, void *userdata)
{
    struct render_job *job = userdata;
    struct page *p = &job->ps->v[i];
    struct render *r = job->ps->r;
    if (p->ctx) {
        job->failed[i] = render_page(r, p, NULL) != 0;
        json_decref(p->ctx);
        p->ctx = NULL;
        fingerprint_memo_free(p->memo);
        p->memo = NULL;
        return;
    }
    /* An entry's page or a list's, set up here with a private copy of the render (its current
     * root is per page) and a private page list. */
    struct render local = *r;
    struct pages own = *job->ps;
    own.v = NULL;
    own.len = own.cap = 0;
    own.r = &local;
    own.lists = NULL;
    own.n_lists = 0;
    if (p->list)
        list_page(&own, p->list, p->list_page);
    else if (p->month)
        calendar_page(&own, p->month);
    else
        entry_page(&own, p->entry);
    struct page *built = &own.v[0];
    built->compiled = p->compiled;
    built->identity = p->identity;
    job->failed[i] =
        render_page(r, built, p->list || p->month ? NULL : &r->bodies[p->entry]) != 0;
    free(built->url);
    free(built->out);
    json_decref(built->ctx);
    fingerprint_memo_free(built->memo);
    free(own.v);
}

/* Notes an entry's page, to be set up by the worker that renders it. */
static void entry_page_later(struct pages *ps, size_t i)
{
    static const char *const templates[] = {"activity", "event", "issue", "page"};
    const struct entry *e = ps->r->site->all[i];
    struct page *p = page_new(ps, templates[e->kind]);
    p->entry = i;
    root_before_workers(ps->r, e->url);
}

int render_pages(struct render *r)
{
    const struct site *s = r->site;

    struct pages ps = {NULL, 0, 0, r, 0, {NULL}, 0, NULL, 0, 0, 0};
    for (size_t i = 0; i < s->n_kind[KIND_EVENT] && ps.n_upcoming < 5; i++)
        if (!site_event_is_past(s, s->kind[KIND_EVENT][i]))
            ps.upcoming[ps.n_upcoming++] = s->kind[KIND_EVENT][i];
    home_page(&ps);
    for (size_t i = 0; i < s->n_all; i++)
        entry_page_later(&ps, i);
    activity_lists(&ps);
    event_list(&ps);
    calendar_pages(&ps);
    page_add(&ps, "404", "", "404", "ページが見つかりません", NULL, NULL);

    /* Templates compile on first use, which is not thread-safe: look them all up first. */
    const struct template *seen[16];
    struct hash ids[16];
    size_t n_seen = 0;
    for (size_t i = 0; i < ps.len; i++) {
        struct page *p = &ps.v[i];
        p->compiled = template_set_get(r->theme->templates, p->template);
        size_t k = 0;
        while (k < n_seen && seen[k] != p->compiled)
            k++;
        if (k == n_seen && p->compiled && n_seen < 16) {
            seen[n_seen] = p->compiled;
            ids[n_seen++] = template_identity(p->compiled);
        }
        if (p->compiled && k < n_seen)
            p->identity = ids[k];
        else if (p->compiled)
            p->identity = template_identity(p->compiled);
    }
    struct render_job job = {&ps, xcalloc(ps.len ? ps.len : 1, sizeof(int))};
    pool_for(r->pool, ps.len, render_one, &job);
    int rc = 0;
    for (size_t i = 0; i < ps.len; i++) {
        if (job.failed[i])
            rc = -1;
        free(ps.v[i].url);
        free(ps.v[i].out);
        json_decref(ps.v[i].ctx);
        fingerprint_memo_free(ps.v[i].memo);
    }
    free(job.failed);
    free(ps.v);
    for (size_t i = 0; i < ps.n_lists; i++)
        list_spec_free(ps.lists[i]);
    free(ps.lists);
    if (rc == 0 && r->pub)
        rc = feed_write_all(r);
    /* The pages are done with the roots; the print edition makes the few it needs. */
    drop_roots(r);
    return rc;
}

void render_release(struct render *r)
{
    const struct site *s = r->site;
    for (size_t i = 0; s && r->bodies && i < s->n_all; i++) {
        struct body *b = &r->bodies[i];
        free(b->html);
        free(b->summary_made);
        free(b->title_html);
        free(b->title_text);
        free(b->toc);
    }
    drop_roots(r);
    const struct site_config *cfg = s ? s->cfg : NULL;
    for (size_t i = 0; r->district_json && i < cfg->n_districts; i++)
        json_decref(r->district_json[i]);
    for (size_t i = 0; r->category_json && i < cfg->n_categories; i++)
        json_decref(r->category_json[i]);
    free(r->district_json);
    free(r->category_json);
    for (int k = 0; k < KIND_COUNT; k++)
        json_decref(r->kind_json[k]);
    for (size_t k = 0; r->issue_json && k < s->n_kind[KIND_ISSUE]; k++)
        json_decref(r->issue_json[k]);
    free(r->issue_json);
    dates_free(r->dates);
    free(r->bodies);
    memset(r, 0, sizeof *r);
}
