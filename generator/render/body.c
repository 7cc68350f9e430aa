#include "render/body.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/intl.h"
#include "core/version.h"
#include "core/xalloc.h"
#include "markup/markdown.h"
#include "markup/prose.h"

/* Changes whenever the same text would convert to other HTML, so that the body cache does not
 * hand back a body converted the old way (2: phone numbers are links; 3: Markdown as the spec
 * has it: titles, every named character, addresses written as valid URLs, one-word ids unique
 * around the theme's, details kept, a picture's alt text as its plain text; 4: tables in
 * scroll boxes; 5: both, and tables of sentences stacked; 6: charts drawn from tables; 7: ruby
 * in a chart's title). */
#define BODY_CONVERSION "8"

/* Search texts kept in memory after they are in the body cache, at most: search reads each
 * once, and reading it back costs more than holding it on all but the biggest sites. */
#define SEARCH_KEPT_BYTES ((size_t)64 << 20)

struct bodies {
    struct bodies_options opt;
    struct body *v; /* parallel to site->all */
    atomic_size_t search_kept; /* bytes of search texts kept; the workers add to it */
};

struct body_job {
    struct bodies *bs;
    struct entry *e;
    struct body *out;
    char *dir;                   /* the entry file's folder, for relative image paths */
    struct bodycache_record rec; /* what the body depends on, noted while it is parsed */
    int unchecked; /* a picture whose file cannot be checked next time: keep no record */
};

/* Where a link in e's body leads: returns 0 with *url set (a new string) for a link to an
 * entry, 1 for a link kept as written, -1 for a link to a file that is no entry (*url is then
 * NULL and *rel_out, if given, the path it named, a new string or NULL). */
static int resolve_link(const struct bodies_options *o, const struct entry *e, const char *target,
                        char **url, char **rel_out)
{
    *url = NULL;
    const struct entry *to;
    char *rel;
    if (!site_link_entry(o->site, e, target, &to, &rel))
        return 1;
    int rc = -1;
    if (to) {
        const char *hash = strchr(target, '#');
        char *root = site_root_for(o->site, e->url, o->portable);
        *url =
            xasprintf("%s%s%s%s", root, to->url, o->portable ? "index.html" : "", hash ? hash : "");
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
    const struct bodies_options *o = &job->bs->opt;
    char *url, *rel = NULL;
    int rc = resolve_link(o, job->e, target, &url, &rel);
    if (rc < 0 && rel && o->unread && strv_contains(o->unread, rel)) {
        job->out->failed = 1; /* an entry with mistakes of its own, reported with them */
    } else if (rc < 0) {
        if (rel && strstr(rel, "/"))
            diag_error(o->d, job->e->source, line, col,
                       _("this link points to '%s', which is not an entry in content/"), target);
        else
            diag_error(o->d, job->e->source, line, col,
                       _("this link points to '%s', which is not an entry in content/ (links name "
                         "the file, like ../events/x.md)"),
                       target);
        job->out->failed = 1;
    } else {
        bodycache_add_link(&job->rec, target, url);
    }
    free(rel);
    return url;
}

/* What the Markdown module is told about a picture of e's body. */
static void image_out(const struct bodies_options *o, const struct entry *e,
                      const struct media_image *img, struct markdown_image *out)
{
    char *root = site_root_for(o->site, e->url, o->portable);
    out->src = xasprintf("%s%s", root, img->src);
    out->srcset = media_srcset_at(root, img->srcset);
    out->sizes = xstrdup(o->image_sizes);
    out->width = img->width;
    out->height = img->height;
    out->full = img->full ? xasprintf("%s%s", root, img->full) : NULL;
    free(root);
}

/* A picture the entry's pictures: record with consent: no (肖像の同意 not given) is never
 * published: reports it at src's place and returns -1. */
static int check_consent(const struct bodies_options *o, const struct entry *e, const char *src,
                         unsigned line, unsigned col)
{
    int i = entry_picture_refused(e, src);
    if (i < 0)
        return 0;
    diag_error(o->d, e->source, line, col,
               _("'%s' cannot be published: item %d of pictures: says the people it shows did "
                 "not agree (consent: no, 肖像の同意なし); use another picture, or change it to "
                 "consent: yes once they have agreed"),
               src, i + 1);
    return -1;
}

static int image_hook(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                      void *userdata)
{
    struct body_job *job = userdata;
    const struct bodies_options *o = &job->bs->opt;
    struct media_image img;
    if (check_consent(o, job->e, src, line, col) != 0 || media_use(o->media, job->e->source, job->dir, src, line, col, &img) != 0) {
        job->out->failed = 1;
        return -1;
    }
    image_out(o, job->e, &img, out);
    struct bodycache_image noted = {(char *)src, line, col, NULL, 0, 0, 0, *out};
    struct stat st;
    noted.path = media_resolve(o->media, job->dir, src);
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

char *body_title_xhtml(const struct entry *e)
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
static void convert_title(struct body_job *job, struct diag *d)
{
    const struct entry *e = job->e;
    const char *title = e->title ? e->title : "";
    struct dom *dom = markdown_parse(d, e->source, e->title_pos.line, title, strlen(title), NULL);
    job->out->title_html = paragraph_inside(dom_html(dom), title);
    job->out->title_text = dom_text(dom);
    char *search = dom_search_text(dom);
    if (strcmp(search, job->out->title_text) != 0)
        job->out->title_search = search;
    else
        free(search);
    dom_free(dom);
    /* The feed, the browser's tab and search results show the text alone. */
    if (!*job->out->title_text && title[strspn(title, " \t\n")] != '\0')
        diag_warning(d, e->source, e->title_pos.line, e->title_pos.col,
                     _("the title '%s' shows no text, only HTML: write it in words"), title);
}

/* The key of a body's record in the body cache: everything the conversion reads, except the
 * links and pictures, which the record lists and body_from_cache checks. */
static struct hash body_key(const struct bodies_options *o, const struct entry *e)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e6264ULL);
    const char *summary = json_string_value(json_object_get(e->fm, "summary"));
    char *root = site_root_for(o->site, e->url, o->portable);
    const char *parts[] = {KAIRAN_VERSION,
                           BODY_CONVERSION,
                           e->source,
                           e->rel,
                           e->url,
                           root,
                           e->title ? e->title : "",
                           summary ? summary : "\x01",
                           o->image_sizes ? o->image_sizes : ""};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        hash_update(&h, parts[i], strlen(parts[i]) + 1);
    for (size_t i = 0; o->reserved_ids && i < o->reserved_ids->len; i++)
        hash_update(&h, o->reserved_ids->v[i], strlen(o->reserved_ids->v[i]) + 1);
    free(root);
    /* The checks of its language (sentence_length, furigana) decide its warnings. */
    if (e->lang && e->lang->index) {
        uint32_t limit = e->lang->sentence_length;
        hash_update(&h, e->lang->code, strlen(e->lang->code) + 1);
        hash_update(&h, &limit, sizeof limit);
    }
    unsigned char flags[2] = {(unsigned char)o->portable, (unsigned char)(e->body_line & 0xff)};
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

/* Exchanges the converted texts (and reading time) of a body and a body cache record. */
static void body_swap(struct body *b, struct bodycache_record *rec)
{
    char *t;
#define SWAP(x, y) (t = (x), (x) = (y), (y) = t)
    SWAP(b->html, rec->html);
    SWAP(b->summary_made, rec->summary);
    SWAP(b->title_html, rec->title_html);
    SWAP(b->title_text, rec->title_text);
    SWAP(b->toc, rec->toc);
    SWAP(b->search, rec->search);
    SWAP(b->title_search, rec->title_search);
#undef SWAP
    unsigned minutes = b->minutes;
    b->minutes = rec->minutes;
    rec->minutes = minutes;
}

/* Fills the body from its record when every link still leads where it led and every picture
 * is the same file and comes out the same. Returns 0 when it did, -1 when the body must be
 * parsed (the record is then of no use) or failed (reported, job->out->failed set). */
static int body_from_cache(struct body_job *job, struct bodycache_record *rec)
{
    const struct bodies_options *o = &job->bs->opt;
    for (size_t i = 0; i < rec->n_links; i++) {
        char *url;
        int rc = resolve_link(o, job->e, rec->links[i].target, &url, NULL);
        int same = rc >= 0 && same_str(url, rec->links[i].url);
        free(url);
        if (!same)
            return -1;
    }
    for (size_t i = 0; i < rec->n_images; i++) {
        const struct bodycache_image *m = &rec->images[i];
        char *path = media_resolve(o->media, job->dir, m->src);
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
        if (check_consent(o, job->e, m->src, m->line, m->col) != 0 ||
            media_use(o->media, job->e->source, job->dir, m->src, m->line, m->col, &img) != 0) {
            job->out->failed = 1;
            return -1;
        }
        struct markdown_image out = {0};
        image_out(o, job->e, &img, &out);
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
    /* The table of contents as json_dumps wrote it: an array (parsed on the entry's page
     * only; parsing every entry's here would cost a rebuild more than reading them). */
    size_t toc_len = strlen(rec->toc);
    if (toc_len < 2 || rec->toc[0] != '[' || rec->toc[toc_len - 1] != ']')
        return -1;
    body_swap(job->out, rec);
    body_borrow(job->out, job->e);
    return 0;
}

/* What the checks of a body in やさしい日本語 report to. */
struct easy_check {
    struct diag *d;
    const struct entry *e;
    size_t max;
    size_t bare;                 /* kanji runs without a reading */
    struct prose_span first;     /* the first of them */
    char first_text[96];
};

static void long_sentence(const struct prose_span *s, void *userdata)
{
    struct easy_check *c = userdata;
    diag_warning(c->d, c->e->source, s->line, s->col,
                 _("this sentence has %zu characters; in %s a sentence should have at most %zu "
                 "(sentence_length in site.yaml), so cut it in two: 「%s…」"),
                 s->chars, c->e->lang->name ? c->e->lang->name : c->e->lang->code, c->max,
                 s->start);
}

static void bare_kanji(const struct prose_span *s, void *userdata)
{
    struct easy_check *c = userdata;
    if (c->bare++ == 0) {
        c->first = *s;
        snprintf(c->first_text, sizeof c->first_text, "%s", s->start);
    }
}

/* The checks of a body in a language that keeps its sentences short (sentence_length), and of
 * one in やさしい日本語, whose every kanji has its reading over it (written {漢字|かんじ}). */
static void check_easy(struct diag *d, const struct entry *e, const char *markdown)
{
    const struct language *l = e->lang;
    if (!l || (!l->sentence_length && strcmp(l->code, "ja-x-easy") != 0))
        return;
    struct easy_check c = {d, e, l->sentence_length, 0, {0, 0, 0, NULL}, ""};
    if (l->sentence_length)
        prose_long_sentences(markdown, e->body_len, e->body_line, l->sentence_length,
                             long_sentence, &c);
    if (strcmp(l->code, "ja-x-easy") != 0)
        return;
    prose_bare_kanji(markdown, e->body_len, e->body_line, bare_kanji, &c);
    if (c.bare == 1)
        diag_warning(d, e->source, c.first.line, c.first.col,
                     _("「%s」 has no furigana: やさしい日本語 pages show the reading over every "
                     "kanji; write it like {%s|よみ}"),
                     c.first_text, c.first_text);
    else if (c.bare > 1)
        diag_warning(d, e->source, c.first.line, c.first.col,
                     _("「%s」 and %zu more words in kanji have no furigana: やさしい日本語 pages "
                     "show the reading over every kanji; write them like {%s|よみ}"),
                     c.first_text, c.bare - 1, c.first_text);
}

static void body_one(size_t i, void *userdata)
{
    struct body_job *job = &((struct body_job *)userdata)[i];
    const struct bodies_options *o = &job->bs->opt;
    struct entry *e = job->e;
    struct hash key = body_key(o, e);
    struct bodycache_record *rec = &job->rec;
    int cached =
        o->cache && bodycache_read(o->cache, key, rec) == 0 && body_from_cache(job, rec) == 0;
    job->out->in_cache = cached;
    bodycache_record_release(rec);
    struct buf text;
    buf_init(&text);
    const char *markdown = NULL;
    if (!cached && !job->out->failed && entry_read_body(o->d, e, &text, &markdown) != 0)
        job->out->failed = 1;
    if (!cached && !job->out->failed) {
        /* Messages go through a diag of this body's own: only a body converted without any
         * is kept for the next build, which would not repeat them. */
        struct diag own;
        diag_init(&own);
        struct markdown_hooks hooks = {.link = link_hook,
                                       .image = image_hook,
                                       .userdata = job,
                                       .reserved_ids = o->reserved_ids};
        convert_title(job, &own);
        struct dom *dom =
            markdown_parse(&own, e->source, e->body_line, markdown, e->body_len, &hooks);
        check_easy(&own, e, markdown);
        dom_link_phones(dom);
        dom_fit_tables(dom);
        job->out->html = dom_html(dom);
        json_t *toc = dom_toc(dom);
        job->out->toc = json_dumps(toc, JSON_COMPACT);
        json_decref(toc);
        job->out->minutes = dom_reading_minutes(dom);
        job->out->search = dom_search_text(dom);
        const char *summary = json_string_value(json_object_get(e->fm, "summary"));
        job->out->summary_made = summary ? xstrdup(summary) : dom_summary(dom, 120);
        dom_free(dom);
        diag_forward(o->d, &own);
        if (o->cache && own.len == 0 && !job->out->failed && !job->unchecked) {
            /* The record holds the body's texts while it is written, then gives them back. */
            body_swap(job->out, rec);
            if (rec->toc)
                job->out->in_cache = bodycache_write(o->cache, key, rec) == 0;
            body_swap(job->out, rec);
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
        /* Each is read back when it is needed: held for every entry they would fill the
         * memory. Search texts are kept up to SEARCH_KEPT_BYTES. */
        free(job->out->html);
        job->out->html = NULL;
        size_t n = job->out->search ? strlen(job->out->search) + 1 : 0;
        if (n && atomic_fetch_add(&job->bs->search_kept, n) + n > SEARCH_KEPT_BYTES) {
            free(job->out->search);
            job->out->search = NULL;
        }
    }

    if (e->image) {
        if (check_consent(o, e, e->image, e->image_pos.line, e->image_pos.col) == 0 &&
            media_use(o->media, e->source, job->dir, e->image, e->image_pos.line, e->image_pos.col,
                      &job->out->image) == 0)
            job->out->has_image = 1;
        else
            job->out->failed = 1;
    }
}

int bodies_convert(struct bodies **out, const struct bodies_options *opt)
{
    const struct site *s = opt->site;
    struct bodies *bs = xcalloc(1, sizeof *bs);
    atomic_init(&bs->search_kept, 0);
    bs->opt = *opt;
    bs->v = xcalloc(s->n_all ? s->n_all : 1, sizeof *bs->v);
    struct body_job *jobs = xcalloc(s->n_all ? s->n_all : 1, sizeof *jobs);
    for (size_t i = 0; i < s->n_all; i++) {
        jobs[i].bs = bs;
        jobs[i].e = s->all[i];
        jobs[i].out = &bs->v[i];
        const char *slash = strrchr(s->all[i]->source, '/');
        jobs[i].dir = xstrndup(s->all[i]->source, (size_t)(slash - s->all[i]->source));
    }
    pool_for(opt->pool, s->n_all, body_one, jobs);
    int rc = 0;
    for (size_t i = 0; i < s->n_all; i++) {
        rc |= bs->v[i].failed ? -1 : 0;
        free(jobs[i].dir);
    }
    free(jobs);
    *out = bs;
    return rc;
}

const struct body *bodies_get(const struct bodies *bs, size_t i)
{
    return &bs->v[i];
}

size_t bodies_index(const struct bodies *bs, const struct entry *e)
{
    return site_index_of(bs->opt.site, e);
}

char *bodies_search(const struct bodies *bs, size_t i)
{
    const struct bodies_options *o = &bs->opt;
    const struct body *b = &bs->v[i];
    if (b->search)
        return xstrdup(b->search);
    char *text = b->in_cache ? bodycache_read_search(o->cache, b->cache_key) : NULL;
    if (!text)
        diag_io_error(o->d, o->cache ? bodycache_dir(o->cache) : NULL,
                      _("the converted text of %s went missing from the cache during the build; "
                        "build again"),
                      o->site->all[i]->source);
    return text;
}

void bodies_drop_search(struct bodies *bs)
{
    for (size_t i = 0; bs && i < bs->opt.site->n_all; i++) {
        free(bs->v[i].search);
        free(bs->v[i].title_search);
        bs->v[i].search = bs->v[i].title_search = NULL;
    }
}

const char *body_title(const struct body *b, const struct entry *e)
{
    return b->title_text ? b->title_text : e->title;
}

char *bodies_html(const struct bodies *bs, size_t i)
{
    const struct bodies_options *o = &bs->opt;
    const struct body *b = &bs->v[i];
    if (b->html)
        return xstrdup(b->html);
    struct bodycache_record rec;
    char *text = NULL;
    if (b->in_cache && bodycache_read(o->cache, b->cache_key, &rec) == 0) {
        text = rec.html;
        rec.html = NULL;
        bodycache_record_release(&rec);
    }
    if (!text)
        diag_io_error(o->d, o->cache ? bodycache_dir(o->cache) : NULL,
                      _("the converted text of %s went missing from the cache during the build; "
                        "build again"),
                      o->site->all[i]->source);
    return text;
}

void bodies_free(struct bodies *bs)
{
    if (!bs)
        return;
    for (size_t i = 0; i < bs->opt.site->n_all; i++) {
        struct body *b = &bs->v[i];
        free(b->html);
        free(b->summary_made);
        free(b->title_html);
        free(b->title_text);
        free(b->toc);
        free(b->search);
        free(b->title_search);
    }
    free(bs->v);
    free(bs);
}
