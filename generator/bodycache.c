#include "bodycache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "fs.h"
#include "xalloc.h"

/* A record is text: a header line, then each field as LENGTH ':' BYTES (or '-' for none) and
 * numbers in decimal, each followed by a newline. Raise the version when the format or the
 * Markdown conversion changes. */
#define HEADER "kairan-body 1\n"

static char *record_path(const char *dir, struct hash key)
{
    char hex[33];
    hash_hex(key, hex);
    return xasprintf("%s/%s", dir, hex);
}

static void put_str(struct buf *b, const char *s)
{
    if (!s) {
        buf_puts(b, "-\n");
        return;
    }
    size_t n = strlen(s);
    buf_printf(b, "%zu:", n);
    buf_add(b, s, n);
    buf_putc(b, '\n');
}

static void put_num(struct buf *b, long long v)
{
    buf_printf(b, "%lld\n", v);
}

struct cursor {
    const char *p, *end;
    int bad;
};

static char *get_str(struct cursor *c)
{
    if (c->bad || c->p >= c->end)
        return c->bad = 1, NULL;
    if (*c->p == '-') {
        if (c->p + 1 >= c->end || c->p[1] != '\n')
            c->bad = 1;
        c->p += 2;
        return NULL;
    }
    size_t n = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && n < ((size_t)1 << 40))
        n = n * 10 + (size_t)(*c->p++ - '0');
    if (c->p >= c->end || *c->p != ':' || (size_t)(c->end - c->p) < n + 2 || c->p[n + 1] != '\n')
        return c->bad = 1, NULL;
    char *s = xstrndup(c->p + 1, n);
    if (strlen(s) != n)
        c->bad = 1; /* a NUL inside: not something we wrote */
    c->p += n + 2;
    return s;
}

static long long get_num(struct cursor *c)
{
    if (c->bad)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(c->p, &end, 10);
    if (errno || end == c->p || end >= c->end || *end != '\n')
        return c->bad = 1, 0;
    c->p = end + 1;
    return v;
}

void bodycache_add_link(struct bodycache_record *rec, const char *target, const char *url)
{
    rec->links = xrealloc(rec->links, (rec->n_links + 1) * sizeof *rec->links);
    rec->links[rec->n_links].target = xstrdup(target);
    rec->links[rec->n_links].url = url ? xstrdup(url) : NULL;
    rec->n_links++;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void bodycache_add_image(struct bodycache_record *rec, const struct bodycache_image *img)
{
    rec->images = xrealloc(rec->images, (rec->n_images + 1) * sizeof *rec->images);
    struct bodycache_image *to = &rec->images[rec->n_images++];
    *to = *img;
    to->src = xstrdup(img->src);
    to->path = xstrdup(img->path);
    to->out.src = dup_or_null(img->out.src);
    to->out.srcset = dup_or_null(img->out.srcset);
    to->out.sizes = dup_or_null(img->out.sizes);
    to->out.full = dup_or_null(img->out.full);
}

void bodycache_record_release(struct bodycache_record *rec)
{
    free(rec->html);
    free(rec->xhtml);
    free(rec->summary);
    free(rec->title_html);
    free(rec->title_text);
    free(rec->toc);
    for (size_t i = 0; i < rec->n_links; i++) {
        free(rec->links[i].target);
        free(rec->links[i].url);
    }
    free(rec->links);
    for (size_t i = 0; i < rec->n_images; i++) {
        struct bodycache_image *m = &rec->images[i];
        free(m->src);
        free(m->path);
        free(m->out.src);
        free(m->out.srcset);
        free(m->out.sizes);
        free(m->out.full);
    }
    free(rec->images);
    memset(rec, 0, sizeof *rec);
}

int bodycache_read(const char *dir, struct hash key, struct bodycache_record *out)
{
    memset(out, 0, sizeof *out);
    char *path = record_path(dir, key);
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    int rc = fs_read_file(&quiet, path, &text);
    diag_release(&quiet);
    free(path);
    if (rc != 0 || text.len < sizeof HEADER - 1 ||
        memcmp(text.data, HEADER, sizeof HEADER - 1) != 0) {
        buf_release(&text);
        return -1;
    }
    struct cursor c = {text.data + sizeof HEADER - 1, text.data + text.len, 0};
    out->html = get_str(&c);
    out->xhtml = get_str(&c);
    out->summary = get_str(&c);
    out->title_html = get_str(&c);
    out->title_text = get_str(&c);
    out->toc = get_str(&c);
    out->minutes = (unsigned)get_num(&c);
    long long n = get_num(&c);
    for (long long i = 0; !c.bad && i < n; i++) {
        char *target = get_str(&c), *url = get_str(&c);
        if (target)
            bodycache_add_link(out, target, url);
        else
            c.bad = 1;
        free(target);
        free(url);
    }
    n = get_num(&c);
    for (long long i = 0; !c.bad && i < n; i++) {
        struct bodycache_image m;
        memset(&m, 0, sizeof m);
        m.src = get_str(&c);
        m.line = (unsigned)get_num(&c);
        m.col = (unsigned)get_num(&c);
        m.path = get_str(&c);
        m.ino = (uint64_t)get_num(&c);
        m.size = (uint64_t)get_num(&c);
        m.mtime = get_num(&c);
        m.out.src = get_str(&c);
        m.out.srcset = get_str(&c);
        m.out.sizes = get_str(&c);
        m.out.width = (int)get_num(&c);
        m.out.height = (int)get_num(&c);
        m.out.full = get_str(&c);
        if (m.src && m.path && !c.bad)
            bodycache_add_image(out, &m);
        else
            c.bad = 1;
        free(m.src);
        free(m.path);
        free(m.out.src);
        free(m.out.srcset);
        free(m.out.sizes);
        free(m.out.full);
    }
    if (!c.bad && (c.p != c.end || !out->html || !out->xhtml || !out->summary ||
                   !out->title_html || !out->title_text || !out->toc))
        c.bad = 1;
    buf_release(&text);
    if (c.bad) {
        bodycache_record_release(out);
        return -1;
    }
    return 0;
}

int bodycache_write(const char *dir, struct hash key, const struct bodycache_record *rec)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, HEADER);
    put_str(&b, rec->html);
    put_str(&b, rec->xhtml);
    put_str(&b, rec->summary);
    put_str(&b, rec->title_html);
    put_str(&b, rec->title_text);
    put_str(&b, rec->toc);
    put_num(&b, rec->minutes);
    put_num(&b, (long long)rec->n_links);
    for (size_t i = 0; i < rec->n_links; i++) {
        put_str(&b, rec->links[i].target);
        put_str(&b, rec->links[i].url);
    }
    put_num(&b, (long long)rec->n_images);
    for (size_t i = 0; i < rec->n_images; i++) {
        const struct bodycache_image *m = &rec->images[i];
        put_str(&b, m->src);
        put_num(&b, m->line);
        put_num(&b, m->col);
        put_str(&b, m->path);
        put_num(&b, (long long)m->ino);
        put_num(&b, (long long)m->size);
        put_num(&b, m->mtime);
        put_str(&b, m->out.src);
        put_str(&b, m->out.srcset);
        put_str(&b, m->out.sizes);
        put_num(&b, m->out.width);
        put_num(&b, m->out.height);
        put_str(&b, m->out.full);
    }
    struct diag quiet;
    diag_init(&quiet);
    char *path = record_path(dir, key);
    /* Unique per thread and process: two builds sharing the cache may write the same record. */
    char *tmp = xasprintf("%s.tmp-%ld-%p", path, (long)getpid(), (void *)&b);
    int rc = (fs_is_dir(dir) || fs_mkdirs(&quiet, dir) == 0) &&
                     fs_write_file(&quiet, tmp, b.data, b.len) == 0 && rename(tmp, path) == 0
                 ? 0
                 : -1;
    if (rc != 0)
        unlink(tmp);
    diag_release(&quiet);
    free(tmp);
    free(path);
    buf_release(&b);
    return rc;
}
