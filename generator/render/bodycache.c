#include "render/bodycache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"

/* A record is text: a header line and its key, then each field as LENGTH ':' BYTES (or '-' for none) and
 * numbers in decimal, each followed by a newline; the search text first, so that it can be read
 * alone. Raise the version when the format or the Markdown conversion changes. */
#define HEADER "kairan-body 3\n"

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
    XALLOC_GROW(rec->links, rec->n_links + 1, rec->links_cap);
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
    XALLOC_GROW(rec->images, rec->n_images + 1, rec->images_cap);
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
    free(rec->summary);
    free(rec->title_html);
    free(rec->title_text);
    free(rec->toc);
    free(rec->search);
    free(rec->title_search);
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

/* Parses one record (text[0..len), which must be exactly one record for key) into out. */
static int parse_record(const char *text, size_t len, struct hash key,
                        struct bodycache_record *out)
{
    memset(out, 0, sizeof *out);
    char hex[33];
    hash_hex(key, hex);
    size_t head = sizeof HEADER - 1;
    if (len < head + 33 || memcmp(text, HEADER, head) != 0 || memcmp(text + head, hex, 32) != 0 ||
        text[head + 32] != '\n')
        return -1;
    struct cursor c = {text + head + 33, text + len, 0};
    out->search = get_str(&c);
    out->title_search = get_str(&c);
    out->html = get_str(&c);
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
    if (!c.bad && (c.p != c.end || !out->html || !out->summary ||
                   !out->title_html || !out->title_text || !out->toc || !out->search))
        c.bad = 1;
    if (c.bad) {
        bodycache_record_release(out);
        return -1;
    }
    return 0;
}

/* One record's text. */
static void format_record(struct buf *b, struct hash key, const struct bodycache_record *rec)
{
    char hex[33];
    buf_puts(b, HEADER);
    buf_puts(b, hash_hex(key, hex));
    buf_putc(b, '\n');
    put_str(b, rec->search);
    put_str(b, rec->title_search);
    put_str(b, rec->html);
    put_str(b, rec->summary);
    put_str(b, rec->title_html);
    put_str(b, rec->title_text);
    put_str(b, rec->toc);
    put_num(b, rec->minutes);
    put_num(b, (long long)rec->n_links);
    for (size_t i = 0; i < rec->n_links; i++) {
        put_str(b, rec->links[i].target);
        put_str(b, rec->links[i].url);
    }
    put_num(b, (long long)rec->n_images);
    for (size_t i = 0; i < rec->n_images; i++) {
        const struct bodycache_image *m = &rec->images[i];
        put_str(b, m->src);
        put_num(b, m->line);
        put_num(b, m->col);
        put_str(b, m->path);
        put_num(b, (long long)m->ino);
        put_num(b, (long long)m->size);
        put_num(b, m->mtime);
        put_str(b, m->out.src);
        put_str(b, m->out.srcset);
        put_str(b, m->out.sizes);
        put_num(b, m->out.width);
        put_num(b, m->out.height);
        put_str(b, m->out.full);
    }
}

/* ---- packs and the index ---- */

struct slot {
    struct hash key;
    uint32_t pack; /* index into packs */
    uint64_t off, len;
    atomic_uchar used; /* read or written by this build */
    int taken;         /* the slot holds a record */
};

struct pack {
    char *name; /* "pack-PID-TIME.bin" in dir */
    int fd;     /* -1 until opened, or when it cannot be */
    uint64_t size;
};

struct bodycache {
    char *dir;
    pthread_mutex_t lock; /* guards slots, packs and the new pack's end; shared */
    struct slot *slots;   /* open addressing by key.lo; capacity a power of two */
    size_t n, cap;
    struct pack *packs;
    size_t n_packs, packs_cap;
    int own;              /* index of this build's pack, -1 before the first write */
    uint64_t end;         /* where the next record goes in it */
    int changed;          /* the index must be saved */
};

#define INDEX_HEADER "kairan-bodies 1\n"

static struct slot *slot_find(const struct bodycache *c, struct hash key)
{
    if (!c->cap)
        return NULL;
    for (size_t i = (size_t)key.lo & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
        struct slot *s = &c->slots[i];
        if (!s->taken)
            return NULL;
        if (s->key.lo == key.lo && s->key.hi == key.hi)
            return s;
    }
}

/* Adds or replaces key; the caller holds the lock (or is alone). */
static struct slot *slot_put(struct bodycache *c, struct hash key, uint32_t pack, uint64_t off,
                             uint64_t len)
{
    if ((c->n + 1) * 2 > c->cap) {
        struct slot *old = c->slots;
        size_t old_cap = c->cap;
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->slots = xcalloc(c->cap, sizeof *c->slots);
        c->n = 0;
        for (size_t i = 0; i < old_cap; i++) {
            if (!old[i].taken)
                continue;
            struct slot *s = slot_put(c, old[i].key, old[i].pack, old[i].off, old[i].len);
            atomic_store(&s->used, atomic_load(&old[i].used));
        }
        free(old);
    }
    size_t i = (size_t)key.lo & (c->cap - 1);
    while (c->slots[i].taken && (c->slots[i].key.lo != key.lo || c->slots[i].key.hi != key.hi))
        i = (i + 1) & (c->cap - 1);
    struct slot *s = &c->slots[i];
    if (!s->taken)
        c->n++;
    s->taken = 1;
    s->key = key;
    s->pack = pack;
    s->off = off;
    s->len = len;
    return s;
}

static uint32_t pack_add(struct bodycache *c, const char *name)
{
    for (size_t i = 0; i < c->n_packs; i++)
        if (strcmp(c->packs[i].name, name) == 0)
            return (uint32_t)i;
    XALLOC_GROW(c->packs, c->n_packs + 1, c->packs_cap);
    c->packs[c->n_packs] = (struct pack){xstrdup(name), -1, 0};
    char *path = fs_join(c->dir, name);
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0) {
        c->packs[c->n_packs].fd = fd;
        c->packs[c->n_packs].size = (uint64_t)st.st_size;
    } else if (fd >= 0) {
        close(fd);
    }
    free(path);
    return (uint32_t)c->n_packs++;
}

static int is_pack_name(const char *s)
{
    size_t n = strlen(s);
    return n > 9 && strncmp(s, "pack-", 5) == 0 && strcmp(s + n - 4, ".bin") == 0 &&
           !strchr(s, '/');
}

struct bodycache *bodycache_open(const char *dir)
{
    struct bodycache *c = xcalloc(1, sizeof *c);
    c->dir = xstrdup(dir);
    c->own = -1;
    pthread_mutex_init(&c->lock, NULL);
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    char *index = fs_join(dir, "index");
    if (fs_is_file(index) && fs_read_file(&quiet, index, &text) == 0 &&
        strncmp(text.data, INDEX_HEADER, sizeof INDEX_HEADER - 1) == 0) {
        char *line = text.data + sizeof INDEX_HEADER - 1, *end = text.data + text.len;
        uint32_t map[4096];
        size_t n_map = 0;
        while (line < end) {
            char *nl = memchr(line, '\n', (size_t)(end - line));
            if (!nl)
                break;
            *nl = '\0';
            unsigned long long k, off, len;
            char hex[33];
            struct hash key = {0, 0};
            if (line[0] == 'p' && line[1] == ' ' && is_pack_name(line + 2) && n_map < 4096) {
                map[n_map++] = pack_add(c, line + 2);
            } else if (sscanf(line, "%32s %llu %llu %llu", hex, &k, &off, &len) == 4 &&
                       strlen(hex) == 32 && k < n_map) {
                for (int i = 0; i < 32; i++) {
                    int v = hex[i] >= '0' && hex[i] <= '9'   ? hex[i] - '0'
                            : hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 'a' + 10
                                                             : -1;
                    if (v < 0)
                        break;
                    if (i < 16)
                        key.hi = key.hi << 4 | (uint64_t)v;
                    else
                        key.lo = key.lo << 4 | (uint64_t)v;
                }
                const struct pack *pk = &c->packs[map[k]];
                if (pk->fd >= 0 && off + len <= pk->size && len > 0)
                    slot_put(c, key, map[k], off, len);
            }
            line = nl + 1;
        }
    }
    free(index);
    buf_release(&text);
    diag_release(&quiet);
    return c;
}

const char *bodycache_dir(const struct bodycache *c)
{
    return c->dir;
}

int bodycache_read(struct bodycache *c, struct hash key, struct bodycache_record *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->lock);
    struct slot *s = slot_find(c, key);
    struct slot found = {0};
    int fd = -1;
    if (s) {
        found.off = s->off;
        found.len = s->len;
        fd = c->packs[s->pack].fd;
    }
    pthread_mutex_unlock(&c->lock);
    if (!s || fd < 0 || found.len > ((uint64_t)1 << 31))
        return -1;
    char *text = xmalloc(found.len + 1);
    size_t got = 0;
    while (got < found.len) {
        ssize_t r = pread(fd, text + got, found.len - got, (off_t)(found.off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int rc = got == found.len ? parse_record(text, found.len, key, out) : -1;
    free(text);
    if (rc == 0) {
        pthread_mutex_lock(&c->lock);
        s = slot_find(c, key);
        if (s)
            atomic_store(&s->used, 1);
        pthread_mutex_unlock(&c->lock);
    }
    return rc;
}

/* Reads n bytes at off of fd into text; returns whether all came. */
static int read_at(int fd, char *text, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, text + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got == n;
}

char *bodycache_read_search(struct bodycache *c, struct hash key)
{
    pthread_mutex_lock(&c->lock);
    struct slot *s = slot_find(c, key);
    struct slot found = {0};
    int fd = -1;
    if (s) {
        found.off = s->off;
        found.len = s->len;
        fd = c->packs[s->pack].fd;
    }
    pthread_mutex_unlock(&c->lock);
    if (!s || fd < 0 || found.len > ((uint64_t)1 << 31))
        return NULL;
    /* The header, the key and the search text's length, then the text. */
    size_t head = sizeof HEADER - 1 + 33, first = head + 24;
    if (first > found.len)
        first = (size_t)found.len;
    char prefix[sizeof HEADER - 1 + 33 + 24];
    char hex[33];
    hash_hex(key, hex);
    if (first < head + 3 || !read_at(fd, prefix, first, found.off) ||
        memcmp(prefix, HEADER, sizeof HEADER - 1) != 0 ||
        memcmp(prefix + sizeof HEADER - 1, hex, 32) != 0)
        return NULL;
    size_t n = 0, at = head;
    while (at < first && prefix[at] >= '0' && prefix[at] <= '9' && n < ((size_t)1 << 31))
        n = n * 10 + (size_t)(prefix[at++] - '0');
    if (at >= first || prefix[at] != ':' || at + 1 + n + 1 > found.len)
        return NULL;
    char *text = xmalloc(n + 2);
    if (!read_at(fd, text, n + 1, found.off + at + 1) || text[n] != '\n') {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* Creates this build's pack; the caller holds the lock. */
static int own_pack(struct bodycache *c)
{
    if (c->own >= 0)
        return c->packs[c->own].fd >= 0 ? 0 : -1;
    struct diag quiet;
    diag_init(&quiet);
    int made = fs_is_dir(c->dir) || fs_mkdirs(&quiet, c->dir) == 0;
    diag_release(&quiet);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char *name = xasprintf("pack-%ld-%lld%09ld.bin", (long)getpid(), (long long)ts.tv_sec,
                           (long)ts.tv_nsec);
    char *path = fs_join(c->dir, name);
    int fd = made ? open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    XALLOC_GROW(c->packs, c->n_packs + 1, c->packs_cap);
    c->packs[c->n_packs] = (struct pack){name, fd, 0};
    c->own = (int)c->n_packs++;
    c->end = 0;
    free(path);
    return fd >= 0 ? 0 : -1;
}

int bodycache_write(struct bodycache *c, struct hash key, const struct bodycache_record *rec)
{
    struct buf b;
    buf_init(&b);
    format_record(&b, key, rec);
    pthread_mutex_lock(&c->lock);
    int rc = own_pack(c);
    uint64_t off = c->end;
    int fd = rc == 0 ? c->packs[c->own].fd : -1;
    if (rc == 0)
        c->end += b.len;
    pthread_mutex_unlock(&c->lock);
    /* Each writer has its own stretch of the pack: the writes need no lock. */
    size_t done = 0;
    while (rc == 0 && done < b.len) {
        ssize_t w = pwrite(fd, b.data + done, b.len - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            done += (size_t)w;
    }
    if (rc == 0) {
        pthread_mutex_lock(&c->lock);
        struct slot *s = slot_put(c, key, (uint32_t)c->own, off, b.len);
        atomic_store(&s->used, 1);
        c->changed = 1;
        pthread_mutex_unlock(&c->lock);
    }
    buf_release(&b);
    return rc;
}

/* Copies the record of s into this build's pack (to drop the pack it is in). */
static int move_record(struct bodycache *c, struct slot *s)
{
    if (s->pack == (uint32_t)c->own)
        return 0;
    char *text = xmalloc(s->len);
    int fd = c->packs[s->pack].fd;
    int rc = fd >= 0 && pread(fd, text, s->len, (off_t)s->off) == (ssize_t)s->len &&
                     own_pack(c) == 0 &&
                     pwrite(c->packs[c->own].fd, text, s->len, (off_t)c->end) ==
                         (ssize_t)s->len
                 ? 0
                 : -1;
    free(text);
    if (rc == 0) {
        s->pack = (uint32_t)c->own;
        s->off = c->end;
        c->end += s->len;
    }
    return rc;
}

/* Packs of builds that were stopped before saving the index: no index names them, and an hour
 * later no build is still writing them. */
static void remove_orphans(const struct bodycache *c, const unsigned char *keep)
{
    DIR *dir = opendir(c->dir);
    struct dirent *e;
    time_t now = time(NULL);
    while (dir && (e = readdir(dir)) != NULL) {
        if (!is_pack_name(e->d_name))
            continue;
        int known = 0;
        for (size_t i = 0; i < c->n_packs && !known; i++)
            known = keep[i] && strcmp(c->packs[i].name, e->d_name) == 0;
        char *path = fs_join(c->dir, e->d_name);
        struct stat st;
        if (!known && stat(path, &st) == 0 && st.st_mtime < now - 3600)
            unlink(path);
        free(path);
    }
    if (dir)
        closedir(dir);
}

void bodycache_close(struct bodycache *c)
{
    if (!c)
        return;
    uint64_t live = 0, total = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].taken && atomic_load(&c->slots[i].used))
            live += c->slots[i].len;
    for (size_t i = 0; i < c->n_packs; i++)
        total += (int)i == c->own ? c->end : c->packs[i].size;
    /* Records no build has used lately pile up with every edit: once the packs hold three
     * times what this build used, only what it used is kept, in one pack. */
    int compact = total > 3 * live + (1u << 20);
    if (compact) {
        for (size_t i = 0; i < c->cap; i++) {
            struct slot *s = &c->slots[i];
            if (s->taken && (!atomic_load(&s->used) || move_record(c, s) != 0))
                s->taken = 0;
        }
        c->changed = 1;
    }
    if (c->changed) {
        /* Packs still referenced, numbered as the index will list them. */
        uint32_t *number = xcalloc(c->n_packs + 1, sizeof *number);
        unsigned char *keep = xcalloc(c->n_packs + 1, 1);
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].taken)
                keep[c->slots[i].pack] = 1;
        struct buf b;
        buf_init(&b);
        buf_puts(&b, INDEX_HEADER);
        uint32_t next = 0;
        for (size_t i = 0; i < c->n_packs; i++) {
            if (!keep[i])
                continue;
            number[i] = next++;
            buf_printf(&b, "p %s\n", c->packs[i].name);
        }
        char hex[33];
        for (size_t i = 0; i < c->cap; i++) {
            const struct slot *s = &c->slots[i];
            if (s->taken)
                buf_printf(&b, "%s %u %llu %llu\n", hash_hex(s->key, hex), number[s->pack],
                           (unsigned long long)s->off, (unsigned long long)s->len);
        }
        struct diag quiet;
        diag_init(&quiet);
        char *index = fs_join(c->dir, "index");
        if (fs_write_atomic(&quiet, index, b.data, b.len) == 0) {
            /* Packs nothing points to any more; a pack another build is writing right now is
             * younger than it and stays (its index comes after this one). */
            for (size_t i = 0; i < c->n_packs; i++) {
                if (keep[i])
                    continue;
                char *path = fs_join(c->dir, c->packs[i].name);
                unlink(path);
                free(path);
            }
            remove_orphans(c, keep);
        }
        diag_release(&quiet);
        free(index);
        buf_release(&b);
        free(number);
        free(keep);
    }
    for (size_t i = 0; i < c->n_packs; i++) {
        if (c->packs[i].fd >= 0)
            close(c->packs[i].fd);
        free(c->packs[i].name);
    }
    free(c->packs);
    free(c->slots);
    pthread_mutex_destroy(&c->lock);
    free(c->dir);
    free(c);
}
