#include "media/media.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/hash.h"
#include "core/intl.h"
#include "media/image.h"
#include "core/xalloc.h"

enum state { PENDING, DONE, FAILED };

struct item {
    char *path;      /* the resolved source file */
    double print_mm; /* 0: the web sizes; else the print file for this placed width */
    enum state state;
    struct image_result result;
    struct image_variant print;
    char *srcset;
    size_t def; /* index of the default variant */
};

struct media {
    struct diag *d;
    struct image_ctx *images;
    char *root_real;
    char *assets;
    pthread_mutex_t lock; /* guards items, n, cap and every item's state */
    pthread_cond_t done;  /* signalled when an item leaves PENDING */
    struct item **items;
    size_t n, cap;
};

struct media *media_new(struct diag *d, const struct media_opts *o)
{
    struct media *m = xcalloc(1, sizeof *m);
    m->d = d;
    struct image_config c = *o->images;
    c.cache_dir = o->cache_dir;
    c.progress = 1;
    m->images = image_ctx_new(&c, d);
    m->root_real = realpath(o->source, NULL);
    if (!m->root_real)
        m->root_real = xstrdup(o->source);
    m->assets = fs_join(o->source, "assets");
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->done, NULL);
    return m;
}

void media_free(struct media *m)
{
    for (size_t i = 0; i < m->n; i++) {
        image_result_release(&m->items[i]->result);
        image_variant_release(&m->items[i]->print);
        free(m->items[i]->path);
        free(m->items[i]->srcset);
        free(m->items[i]);
    }
    free(m->items);
    image_ctx_free(m->images);
    free(m->root_real);
    free(m->assets);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->done);
    free(m);
}

/* True when path is a file inside the site folder (after following links); sets *outside when
 * it is a file, but (through '..' or a link) outside the site folder. */
static int inside_site(const struct media *m, const char *path, int *outside)
{
    char *real = realpath(path, NULL);
    if (!real)
        return 0;
    size_t n = strlen(m->root_real);
    int in = strncmp(real, m->root_real, n) == 0 && real[n] == '/';
    int ok = in && fs_is_file(real);
    if (!in && fs_is_file(real))
        *outside = 1;
    free(real);
    return ok;
}

/* The file src names: beside the entry, else under assets/. Returns a new path, or NULL (with
 * *outside set when a file was found, but outside the site folder). */
static char *resolve(const struct media *m, const char *entry_dir, const char *src, int *outside)
{
    char *beside = fs_join(entry_dir, src);
    if (inside_site(m, beside, outside))
        return beside;
    free(beside);
    char *asset = fs_join(m->assets, src);
    if (inside_site(m, asset, outside))
        return asset;
    free(asset);
    return NULL;
}

char *media_resolve(const struct media *m, const char *entry_dir, const char *src)
{
    if (strstr(src, "://") || src[0] == '/')
        return NULL;
    int outside = 0;
    return resolve(m, entry_dir, src, &outside);
}

static void fill(const struct item *it, struct media_image *out)
{
    const struct image_result *r = &it->result;
    memset(out, 0, sizeof *out);
    out->src = r->variants[it->def].public_path;
    out->srcset = it->srcset;
    out->full = r->variants[r->count - 1].public_path;
    out->width = (int)r->variants[it->def].width;
    out->height = (int)r->variants[it->def].height;
    out->src_width = (int)r->width;
    out->src_height = (int)r->height;
}

/* Resolves src as media_use() describes; returns a new path, or NULL after reporting. */
static char *locate(struct media *m, const char *entry_path, const char *entry_dir, const char *src,
                    unsigned line, unsigned col)
{
    if (strstr(src, "://") || src[0] == '/') {
        diag_error(m->d, entry_path, line, col,
                   _("'%s' is not a picture in the site folder: put the file in assets/ (or beside "
                     "this file) and name it by that path"),
                   src);
        return NULL;
    }
    int outside = 0;
    char *path = resolve(m, entry_dir, src, &outside);
    if (!path && outside)
        diag_error(m->d, entry_path, line, col,
                   _("the picture '%s' is outside the site folder (through '..' or a link): kairan "
                     "only publishes files of the site; copy the picture into assets/"),
                   src);
    else if (!path)
        diag_error(m->d, entry_path, line, col,
                   _("the picture '%s' does not exist (looked beside this file and in assets/)"),
                   src);
    return path;
}

/* Finds the item for (path, print_mm) under the lock, waiting while another thread makes it,
 * or adds it as PENDING for the caller to make (*fresh set). Takes over path. */
static struct item *claim(struct media *m, char *path, double print_mm, int *fresh)
{
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n; i++) {
        struct item *it = m->items[i];
        if (it->print_mm == print_mm && strcmp(it->path, path) == 0) {
            while (it->state == PENDING)
                pthread_cond_wait(&m->done, &m->lock);
            pthread_mutex_unlock(&m->lock);
            free(path);
            *fresh = 0;
            return it;
        }
    }
    XALLOC_GROW(m->items, m->n + 1, m->cap);
    struct item *it = xcalloc(1, sizeof *it);
    it->path = path;
    it->print_mm = print_mm;
    it->state = PENDING;
    m->items[m->n++] = it;
    pthread_mutex_unlock(&m->lock);
    *fresh = 1;
    return it;
}

/* Publishes the outcome of making a claimed item and wakes the threads waiting for it. */
static void settle(struct media *m, struct item *it, int rc)
{
    pthread_mutex_lock(&m->lock);
    it->state = rc == 0 ? DONE : FAILED;
    pthread_cond_broadcast(&m->done);
    pthread_mutex_unlock(&m->lock);
}

/* An item another thread made: reports its failure again at this use. */
static int reuse(struct media *m, const struct item *it, const char *entry_path, unsigned line,
                 unsigned col, const char *src)
{
    if (it->state == DONE)
        return 0;
    diag_error(m->d, entry_path, line, col,
               _("the picture '%s' cannot be used (see the error about it)"), src);
    return -1;
}

int media_use(struct media *m, const char *entry_path, const char *entry_dir, const char *src,
              unsigned line, unsigned col, struct media_image *out)
{
    char *path = locate(m, entry_path, entry_dir, src, line, col);
    if (!path)
        return -1;
    int fresh;
    struct item *it = claim(m, path, 0, &fresh);
    if (!fresh) {
        if (reuse(m, it, entry_path, line, col, src) != 0)
            return -1;
        fill(it, out);
        return 0;
    }
    /* Processing happens outside the lock: other images go on in parallel. */
    int rc = image_process(m->images, it->path, entry_path, line, col, &it->result);
    if (rc == 0 && it->result.count == 0)
        rc = -1;
    if (rc == 0) {
        it->srcset = image_srcset(&it->result, "");
        /* The default is the second size (640 by default), or the only one. */
        it->def = it->result.count > 1 ? 1 : 0;
        fill(it, out);
    }
    settle(m, it, rc);
    return rc;
}

static void fill_print(const struct item *it, struct media_print *out)
{
    out->cache_path = it->print.cache_path;
    const char *slash = strrchr(it->print.public_path, '/');
    out->name = slash ? slash + 1 : it->print.public_path;
    out->width = (int)it->print.width;
    out->height = (int)it->print.height;
}

int media_print(struct media *m, const char *entry_path, const char *entry_dir, const char *src,
                unsigned line, unsigned col, double placed_mm, struct media_print *out)
{
    memset(out, 0, sizeof *out);
    char *path = locate(m, entry_path, entry_dir, src, line, col);
    if (!path)
        return -1;
    int fresh;
    struct item *it = claim(m, path, placed_mm, &fresh);
    if (!fresh) {
        if (reuse(m, it, entry_path, line, col, src) != 0)
            return -1;
        fill_print(it, out);
        return 0;
    }
    int rc = image_print(m->images, it->path, entry_path, line, col, placed_mm, &it->print);
    if (rc == 0)
        fill_print(it, out);
    settle(m, it, rc);
    return rc;
}

/* A file the output needs: where it goes and where it is in the cache. */
struct placement {
    const char *public_path, *cache_path;
};

static int by_public_path(const void *a, const void *b)
{
    return strcmp(((const struct placement *)a)->public_path,
                  ((const struct placement *)b)->public_path);
}

int media_publish(struct media *m, struct publish *p)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        n += m->items[i]->state == DONE ? m->items[i]->result.count : 0;
    struct placement *v = xcalloc(n ? n : 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct item *it = m->items[i];
        for (size_t k = 0; it->state == DONE && k < it->result.count; k++)
            v[n++] = (struct placement){it->result.variants[k].public_path,
                                        it->result.variants[k].cache_path};
    }
    /* Sorted by where they go; two sources with the same bytes share their variants, which are
     * published once. */
    if (n > 1)
        qsort(v, n, sizeof *v, by_public_path);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i].public_path, v[i - 1].public_path) != 0)
            /* The cache file's name holds the hash of its making: it is the key. */
            rc |= publish_file_keyed(p, v[i].public_path,
                                     hash_bytes(v[i].cache_path, strlen(v[i].cache_path)),
                                     v[i].cache_path);
    free(v);
    rc |= image_ctx_save(m->images);
    return rc ? -1 : 0;
}

void media_counts(const struct media *m, unsigned long *decoded, unsigned long *cached)
{
    struct image_stats st;
    image_ctx_stats(m->images, &st);
    *decoded = (unsigned long)st.decoded;
    *cached = (unsigned long)st.cache_hits;
}

char *media_srcset_at(const char *root, const char *srcset)
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
