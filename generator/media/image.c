#include "media/image.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/intl.h"
#include "media/color.h"
#include "core/fs.h"
#include "core/hash.h"
#include "media/jpeg.h"
#include "media/meta.h"
#include "core/strmap.h"
#include "core/xalloc.h"

/* Part of every cache key: raise it whenever the bytes this module writes change. */
#define IMAGE_CODE_VERSION 1
/* The largest side a JPEG file can have. */
#define JPEG_MAX_SIDE 65500
/* Pictures of at most this many colours are kept lossless, as PNG. */
#define FEW_COLOURS 256
/* Source files larger than this are refused before reading. */
#define MAX_FILE_BYTES (1024ll * 1024 * 1024)
/* The largest embedded colour profile accepted, once inflated. */
#define MAX_PROFILE_BYTES (8u << 20)

/* What the cache knows about a source file: if its size, time and inode are unchanged, its
 * content hash is too, and the file need not be read. */
struct known {
    long long size, mtime_s, mtime_ns;
    unsigned long long ino;
    struct hash hash;
};

struct image_ctx {
    struct image_config cfg; /* cache_dir points at cache_dir below */
    struct diag *d;          /* thread-safe by itself */
    char *cache_dir;
    char *img_dir;           /* cache_dir/img */
    unsigned char *srgb_icc; /* embedded in print files; read-only once made */
    size_t srgb_icc_len;
    int show_progress;

    pthread_mutex_t lock; /* guards known, known_dirty and the progress line */
    struct strmap known;  /* source path -> struct known (owned) */
    int known_dirty;
    long long progress_start_ms, progress_last_ms;
    int progress_shown;

    /* Counters, updated by every worker. */
    atomic_size_t decoded, cache_hits, read, failed, done, total;
};

/* Where a picture is used, for messages. */
struct where {
    struct diag *d;
    const char *src;
    const char *path; /* the entry using it, or the picture itself */
    unsigned line, col;
};

/* Reports a problem with the picture w names, at the place that uses it: fmt is a whole
 * sentence, and its arguments name the picture (w->src) where the sentence does. */
static void say(const struct where *w, enum diag_level level, const char *fmt, va_list ap)
{
    diag_vreport(w->d, level, DIAG_INPUT, w->path, w->line, w->col, fmt, ap);
}

static void fail(const struct where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const struct where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(w, DIAG_ERROR, fmt, ap);
    va_end(ap);
}

static void warn(const struct where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(w, DIAG_WARNING, fmt, ap);
    va_end(ap);
}

void image_config_init(struct image_config *c)
{
    memset(c, 0, sizeof *c);
    c->widths[0] = 320;
    c->widths[1] = 640;
    c->widths[2] = 1280;
    c->nwidths = 3;
    c->quality = 82;
    c->print_quality = 95;
    c->print_dpi = 300;
    c->max_megapixels = 50;
    c->background[0] = c->background[1] = c->background[2] = 255;
    c->cache_dir = ".cache/kairan";
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

int image_parse_color(const char *s, unsigned char rgb[3])
{
    if (!s || s[0] != '#')
        return -1;
    size_t n = strlen(s + 1);
    if (n != 3 && n != 6)
        return -1;
    for (size_t i = 1; i <= n; i++)
        if (hexval(s[i]) < 0)
            return -1;
    for (int k = 0; k < 3; k++)
        rgb[k] = n == 3 ? (unsigned char)(hexval(s[1 + k]) * 17)
                        : (unsigned char)(hexval(s[1 + 2 * k]) * 16 + hexval(s[2 + 2 * k]));
    return 0;
}

/* ---- the index of known source files ---- */

static struct known *known_find(struct image_ctx *ctx, const char *path)
{
    return strmap_get(&ctx->known, path, strlen(path));
}

/* Records path's identity and hash; the caller holds ctx->lock. */
static void known_put(struct image_ctx *ctx, const char *path, const struct stat *st, struct hash h)
{
    struct known *k = known_find(ctx, path);
    if (!k) {
        k = xcalloc(1, sizeof *k);
        strmap_add(&ctx->known, path, strlen(path), k, NULL);
    }
    k->size = (long long)st->st_size;
    k->mtime_s = (long long)st->st_mtim.tv_sec;
    k->mtime_ns = (long long)st->st_mtim.tv_nsec;
    k->ino = (unsigned long long)st->st_ino;
    k->hash = h;
    ctx->known_dirty = 1;
}

static int same_file(const struct known *k, const struct stat *st)
{
    return k->size == (long long)st->st_size && k->mtime_s == (long long)st->st_mtim.tv_sec &&
           k->mtime_ns == (long long)st->st_mtim.tv_nsec &&
           k->ino == (unsigned long long)st->st_ino;
}

static int parse_hash(const char *s, struct hash *h)
{
    uint64_t part[2] = {0, 0};
    for (int i = 0; i < 32; i++) {
        int v = hexval(s[i]);
        if (v < 0)
            return -1;
        part[i / 16] = part[i / 16] << 4 | (uint64_t)v;
    }
    h->hi = part[0];
    h->lo = part[1];
    return 0;
}

/* The index is only a shortcut: a line that cannot be read is skipped. */
static void known_load(struct image_ctx *ctx)
{
    char *path = fs_join(ctx->img_dir, "index.tsv");
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char hex[33];
        long long size, ms, mns;
        unsigned long long ino;
        int at = 0;
        struct hash h;
        if (sscanf(line, "%32s %lld %lld %lld %llu %n", hex, &size, &ms, &mns, &ino, &at) != 5 ||
            at == 0 || line[at] == '\0' || parse_hash(hex, &h) != 0)
            continue;
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_size = (off_t)size;
        st.st_mtim.tv_sec = (time_t)ms;
        st.st_mtim.tv_nsec = (long)mns;
        st.st_ino = (ino_t)ino;
        known_put(ctx, line + at, &st, h);
    }
    free(line);
    fclose(f);
    ctx->known_dirty = 0;
}

int image_ctx_save(struct image_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    int rc = 0;
    if (ctx->known_dirty) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < strmap_len(&ctx->known); i++) {
            const struct known *k = strmap_value(&ctx->known, i);
            char hex[33];
            buf_printf(&b, "%s %lld %lld %lld %llu %s\n", hash_hex(k->hash, hex), k->size,
                       k->mtime_s, k->mtime_ns, k->ino, strmap_key(&ctx->known, i));
        }
        char *path = fs_join(ctx->img_dir, "index.tsv");
        rc = fs_write_atomic(ctx->d, path, b.data, b.len);
        free(path);
        buf_release(&b);
        if (rc == 0)
            ctx->known_dirty = 0;
    }
    pthread_mutex_unlock(&ctx->lock);
    return rc;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct image_ctx *image_ctx_new(const struct image_config *c, struct diag *d)
{
    struct image_ctx *ctx = xcalloc(1, sizeof *ctx);
    ctx->cfg = *c;
    ctx->d = d;
    ctx->cache_dir = xstrdup(c->cache_dir ? c->cache_dir : ".cache/kairan");
    ctx->cfg.cache_dir = ctx->cache_dir;
    ctx->img_dir = fs_join(ctx->cache_dir, "img");
    ctx->srgb_icc = color_srgb_profile(&ctx->srgb_icc_len);
    ctx->show_progress = c->progress && isatty(STDERR_FILENO);
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->progress_start_ms = now_ms();
    known_load(ctx);
    return ctx;
}

void image_ctx_free(struct image_ctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < strmap_len(&ctx->known); i++)
        free(strmap_value(&ctx->known, i));
    strmap_release(&ctx->known);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx->srgb_icc);
    free(ctx->img_dir);
    free(ctx->cache_dir);
    free(ctx);
}

void image_ctx_expect(struct image_ctx *ctx, size_t total)
{
    atomic_store(&ctx->total, total);
}

void image_ctx_stats(struct image_ctx *ctx, struct image_stats *out)
{
    out->decoded = atomic_load(&ctx->decoded);
    out->cache_hits = atomic_load(&ctx->cache_hits);
    out->read = atomic_load(&ctx->read);
    out->failed = atomic_load(&ctx->failed);
}

/* A run is worth a progress line only once it has taken a second. */
static void progress_step(struct image_ctx *ctx)
{
    size_t done = atomic_fetch_add(&ctx->done, 1) + 1, total = atomic_load(&ctx->total);
    if (!ctx->show_progress || total == 0)
        return;
    long long now = now_ms();
    pthread_mutex_lock(&ctx->lock);
    if (done >= total) {
        if (ctx->progress_shown)
            fputs("\r\033[K", stderr);
        ctx->progress_shown = 0;
    } else if (now - ctx->progress_start_ms >= 1000 && now - ctx->progress_last_ms >= 100) {
        fputc('\r', stderr);
        /* TRANSLATORS: progress while pictures are made: how many are done, of how many. */
        fprintf(stderr, _("pictures %zu/%zu"), done, total);
        ctx->progress_last_ms = now;
        ctx->progress_shown = 1;
    }
    pthread_mutex_unlock(&ctx->lock);
}

/* ---- decoding ---- */

struct decoded {
    struct raster *r; /* as stored (not yet oriented), in sRGB: RGB or RGBA */
    int orientation;
    unsigned width, height; /* the whole source as seen, after orientation */
    int jpeg;
};

/* Why a picture of format f cannot be used: a message format naming the picture (%s). */
static const char *unsupported(enum meta_format f)
{
    switch (f) {
    case META_HEIC:
        return N_("the picture %s is a HEIC photo (the iPhone's own format), which kairan cannot "
                  "read; save it as JPEG instead (on the iPhone: Settings > Camera > Formats > "
                  "Most Compatible)");
    case META_AVIF:
        return N_("the picture %s is an AVIF file, which kairan cannot read; save it as JPEG or "
                  "PNG");
    case META_WEBP:
        return N_("the picture %s is a WebP file, which kairan cannot read; save it as JPEG or "
                  "PNG");
    case META_TIFF:
        return N_("the picture %s is a TIFF file, which kairan cannot read; save it as JPEG or "
                  "PNG");
    case META_SVG:
        return N_("the picture %s is an SVG drawing, which kairan cannot resize; save it as PNG");
    default:
        return N_("the picture %s is not a picture kairan can read (it reads JPEG, PNG, GIF, BMP, "
                  "PSD and TGA)");
    }
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Checks the size from the header, before a single pixel is decoded: a small file can claim
 * billions of pixels (a decompression bomb), and only the header tells. */
static int check_size(const struct where *w, unsigned width, unsigned height,
                      unsigned max_megapixels)
{
    unsigned long long pixels = (unsigned long long)width * height;
    if (pixels > (unsigned long long)max_megapixels * 1000000) {
        fail(w,
             _("the picture %s is %u × %u pixels (%llu megapixels); kairan takes pictures of at "
               "most %u megapixels, so make it smaller"),
             w->src, width, height, (pixels + 500000) / 1000000, max_megapixels);
        return -1;
    }
    /* A thin strip (1 × 100000) passes the pixel count but would be a line across a page, or
     * a page a hundred screens tall on a phone. */
    unsigned long long lo = width < height ? width : height, hi = width < height ? height : width;
    if (hi > lo * IMAGE_MAX_ASPECT) {
        fail(w,
             _("the picture %s is %u × %u pixels, a strip too thin to show on a page (one side may "
               "be at most %d times the other); crop it"),
             w->src, width, height, IMAGE_MAX_ASPECT);
        return -1;
    }
    return 0;
}

/* Decodes data so that the result still covers want_width pixels across (as seen; 0 for the
 * whole picture), converts it to sRGB and reports any problem. */
static int decode(const struct where *w, const void *data, size_t len, unsigned want_width,
                  unsigned max_megapixels, struct decoded *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0) {
        fail(w, _("the picture %s is empty (0 bytes); copy it again from the camera or computer"),
             w->src);
        return -1;
    }
    struct meta m;
    meta_read(data, len, &m);
    const char *why = NULL;
    unsigned long long max_pixels = (unsigned long long)max_megapixels * 1000000;
    int rc = -1;
    out->orientation = m.orientation;
    int swap = m.orientation >= 5;
    struct jpeg_header h = {0, 0, 0};
    if (m.format == META_JPEG) {
        if (m.coding == META_CODING_ARITHMETIC) {
            fail(w,
                 _("the picture %s is an arithmetic-coded JPEG, which kairan cannot read; open it "
                   "and save it again as an ordinary JPEG"),
                 w->src);
        } else if (m.coding == META_CODING_LOSSLESS || m.coding == META_CODING_HIERARCHICAL) {
            fail(w,
                 _("the picture %s is a lossless or hierarchical JPEG, which kairan cannot read; "
                   "open it and save it again as an ordinary JPEG"),
                 w->src);
        } else if (jpeg_read_header(data, len, &h, &why) != 0) {
            fail(w, _(why), w->src);
        } else if (check_size(w, h.width, h.height, max_megapixels) == 0) {
            unsigned seen_w = swap ? h.height : h.width, seen_h = swap ? h.width : h.height;
            unsigned tw = want_width && want_width < seen_w ? want_width : seen_w;
            unsigned th = (unsigned)(((unsigned long long)seen_h * tw + seen_w - 1) / seen_w);
            if (jpeg_decode(data, len, swap ? th : tw, swap ? tw : th, max_pixels, &out->r, &why) !=
                0)
                fail(w, _(why), w->src);
            else
                rc = 0;
            out->jpeg = 1;
        }
    } else if (m.format == META_PNG || m.format == META_GIF || m.format == META_BMP ||
               m.format == META_PSD || m.format == META_PNM ||
               (m.format == META_UNKNOWN && has_suffix(w->src, ".tga"))) {
        unsigned iw, ih;
        if (m.width && m.height && check_size(w, m.width, m.height, max_megapixels) != 0) {
            /* reported */
        } else if (raster_info(data, len, &iw, &ih) != 0) {
            fail(w, _("the picture %s is damaged or is not a picture kairan can read"), w->src);
        } else if (check_size(w, iw, ih, max_megapixels) == 0) {
            if (raster_decode(data, len, max_pixels, &out->r, &why) != 0)
                fail(w, _(why), w->src);
            else
                rc = 0;
        }
    } else {
        fail(w, _(unsupported(m.format)), w->src);
    }
    if (rc == 0) {
        unsigned char *icc = m.icc;
        size_t icc_len = m.icc_len;
        if (m.icc && m.icc_deflated &&
            raster_inflate(m.icc, m.icc_len, MAX_PROFILE_BYTES, &icc, &icc_len) != 0) {
            warn(w, _("the picture %s has a damaged colour profile, so its colours may look wrong"),
                 w->src);
            icc = NULL;
            icc_len = 0;
        }
        const char *warning;
        color_to_srgb(&out->r, icc, icc_len, m.adobe_transform >= 0, &warning);
        if (warning)
            warn(w, _(warning), w->src);
        if (icc != m.icc)
            free(icc);
        /* The full size as seen, even when the decoder scaled down. */
        unsigned fw = out->jpeg ? h.width : out->r->width;
        unsigned fh = out->jpeg ? h.height : out->r->height;
        out->width = swap ? fh : fw;
        out->height = swap ? fw : fh;
    }
    meta_release(&m);
    return rc;
}

struct raster *image_decode(struct diag *d, const char *name, const void *data, size_t len,
                            unsigned width, unsigned max_megapixels)
{
    struct where w = {d, name, name, 0, 0};
    struct decoded dec;
    if (decode(&w, data, len, width, max_megapixels, &dec) != 0)
        return NULL;
    if (dec.orientation == 1)
        return dec.r;
    struct raster *r = raster_orient(dec.r, dec.orientation);
    raster_free(dec.r);
    return r;
}

/* ---- variants ---- */

static unsigned height_for(unsigned width, unsigned src_w, unsigned src_h)
{
    if (src_w == 0)
        return 1; /* decoders never give a zero width; stay defined if one ever does */
    unsigned long long h = ((unsigned long long)src_h * width * 2 + src_w) / (2ull * src_w);
    return h ? (unsigned)h : 1;
}

/* Resizes the stored picture to seen_w x seen_h as seen, then turns it: resizing first means
 * only the small result is ever copied, and the pixels are the same as turning first. */
static struct raster *first_size(struct raster *stored, int orientation, unsigned seen_w,
                                 unsigned seen_h)
{
    int swap = orientation >= 5;
    unsigned sw = swap ? seen_h : seen_w, sh = swap ? seen_w : seen_h;
    struct raster *r = stored;
    if (stored->width != sw || stored->height != sh)
        r = raster_resize(stored, sw, sh);
    if (orientation != 1) {
        struct raster *t = raster_orient(r, orientation);
        if (r != stored)
            raster_free(r);
        r = t;
    }
    return r == stored ? NULL : r;
}

static int encode(const struct where *w, const struct raster *r, int png, int quality,
                  int full_chroma, struct buf *out)
{
    const char *why;
    if (!png && (r->width > JPEG_MAX_SIDE || r->height > JPEG_MAX_SIDE)) {
        fail(w,
             _("the picture %s is %u × %u pixels; a JPEG cannot have a side longer than 65,500 "
               "pixels"),
             w->src, r->width, r->height);
        return -1;
    }
    if ((png ? raster_encode_png(r, out, &why) : jpeg_encode(r, quality, full_chroma, out, &why))) {
        fail(w, _(why), w->src);
        return -1;
    }
    return 0;
}

int image_upright(struct diag *d, const char *name, const void *data, size_t len,
                  unsigned max_megapixels, struct buf *out, const char **ext)
{
    struct raster *r = image_decode(d, name, data, len, 0, max_megapixels);
    if (!r)
        return -1;
    int png = r->kind == RASTER_RGBA && raster_has_transparency(r);
    if (r->kind == RASTER_RGBA && !png) {
        static const unsigned char white[3] = {255, 255, 255};
        raster_flatten(r, white);
    }
    struct where w = {d, name, name, 0, 0};
    int rc = encode(&w, r, png, 92, 1, out);
    raster_free(r);
    *ext = png ? "png" : "jpg";
    return rc;
}

/* A name for URLs from the source's file name: lowercase ASCII letters, digits and hyphens. */
static char *slug_of(const char *src)
{
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n && b.len < 48; i++) {
        unsigned char c = (unsigned char)base[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
            buf_putc(&b, (char)c);
        else if (c >= 'A' && c <= 'Z')
            buf_putc(&b, (char)(c - 'A' + 'a'));
        else if (b.len && b.data[b.len - 1] != '-')
            buf_putc(&b, '-');
    }
    while (b.len && b.data[b.len - 1] == '-')
        buf_truncate(&b, b.len - 1);
    if (b.len == 0)
        buf_puts(&b, "image");
    return buf_detach(&b, NULL);
}

/* ---- the cache ---- */

/* A job: one source and everything that decides the bytes made from it. */
struct job {
    struct where w;
    char key[33];
    char *record;    /* cache file listing what the job made */
    struct buf data; /* the source's bytes, once read */
    int have_data;
    struct hash source;
};

static char *cache_file(const struct image_ctx *ctx, const char *key, const char *suffix)
{
    return xasprintf("%s/%.2s/%s%s", ctx->img_dir, key, key, suffix);
}

static int read_source(struct image_ctx *ctx, struct job *j, struct stat *st)
{
    int fd = open(j->w.src, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            fail(&j->w, _("the picture %s is not there; check the file name and folder"), j->w.src);
        else
            diag_errno(ctx->d, j->w.src, errno, _("cannot open"));
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        fail(&j->w, _("the picture %s is not a file"), j->w.src);
        close(fd);
        return -1;
    }
    if ((long long)st->st_size > MAX_FILE_BYTES) {
        fail(&j->w, _("the picture %s is larger than 1 GB; make it smaller"), j->w.src);
        close(fd);
        return -1;
    }
    close(fd);
    buf_reset(&j->data);
    if (fs_read_file(ctx->d, j->w.src, &j->data) != 0)
        return -1;
    j->have_data = 1;
    atomic_fetch_add(&ctx->read, 1);
    j->source = hash_bytes(j->data.data, j->data.len);
    pthread_mutex_lock(&ctx->lock);
    known_put(ctx, j->w.src, st, j->source);
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

/* Finds the source's content hash: from the index when the file is unchanged, else by
 * reading it. */
static int identify(struct image_ctx *ctx, struct job *j)
{
    struct stat st;
    if (stat(j->w.src, &st) != 0) {
        if (errno == ENOENT)
            fail(&j->w, _("the picture %s is not there; check the file name and folder"), j->w.src);
        else
            diag_errno(ctx->d, j->w.src, errno, _("cannot open"));
        return -1;
    }
    pthread_mutex_lock(&ctx->lock);
    struct known *k = S_ISREG(st.st_mode) ? known_find(ctx, j->w.src) : NULL;
    int hit = k && same_file(k, &st);
    if (hit)
        j->source = k->hash;
    pthread_mutex_unlock(&ctx->lock);
    return hit ? 0 : read_source(ctx, j, &st);
}

static void job_key(const struct image_ctx *ctx, struct job *j, const char *op, const char *params)
{
    char hex[33];
    char *text = xasprintf("kairan image %d\n%s\n%s\nsource %s\nbackground %02x%02x%02x\n",
                           IMAGE_CODE_VERSION, op, params, hash_hex(j->source, hex),
                           ctx->cfg.background[0], ctx->cfg.background[1], ctx->cfg.background[2]);
    hash_hex(hash_bytes(text, strlen(text)), j->key);
    free(text);
    free(j->record);
    j->record = cache_file(ctx, j->key, ".txt");
}

/* The record of a finished job: "kairan-image", the source size as seen, the type, then one
 * line per variant. It is written last, so a record means every variant is there. */
struct record {
    unsigned width, height;
    int png;
    unsigned vw[IMAGE_MAX_WIDTHS + 1], vh[IMAGE_MAX_WIDTHS + 1];
    size_t count;
};

static int record_load(const char *path, struct record *rec)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char type[16];
    int ok = fscanf(f, "kairan-image %u %u %15s", &rec->width, &rec->height, type) == 3;
    rec->png = strcmp(type, "png") == 0;
    ok = ok && (rec->png || strcmp(type, "jpeg") == 0);
    rec->count = 0;
    unsigned vw, vh;
    while (ok && fscanf(f, " %u %u", &vw, &vh) == 2 && rec->count <= IMAGE_MAX_WIDTHS) {
        rec->vw[rec->count] = vw;
        rec->vh[rec->count++] = vh;
    }
    fclose(f);
    return ok && rec->count > 0 ? 0 : -1;
}

static int record_save(struct image_ctx *ctx, const char *path, const struct record *rec)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "kairan-image %u %u %s\n", rec->width, rec->height, rec->png ? "png" : "jpeg");
    for (size_t i = 0; i < rec->count; i++)
        buf_printf(&b, "%u %u\n", rec->vw[i], rec->vh[i]);
    int rc = fs_write_atomic(ctx->d, path, b.data, b.len);
    buf_release(&b);
    return rc;
}

static void job_release(struct job *j)
{
    free(j->record);
    buf_release(&j->data);
}

/* ---- web sizes ---- */

static void plan_widths(const struct image_config *c, unsigned src_w, struct record *rec)
{
    rec->count = 0;
    int capped = 0;
    for (size_t i = 0; i < c->nwidths && i < IMAGE_MAX_WIDTHS; i++) {
        if (c->widths[i] == 0 || (rec->count && c->widths[i] <= rec->vw[rec->count - 1]))
            continue;
        if (c->widths[i] >= src_w) {
            capped = 1;
            break;
        }
        rec->vw[rec->count++] = c->widths[i];
    }
    /* Never enlarge: a picture narrower than a width is offered at its own size instead. */
    if (capped || rec->count == 0)
        rec->vw[rec->count++] = src_w;
}

static char *web_file(const struct image_ctx *ctx, const char *key, unsigned width, int png)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, "-%u.%s", width, png ? "png" : "jpg");
    return cache_file(ctx, key, suffix);
}

static int make_web(struct image_ctx *ctx, struct job *j, struct record *rec)
{
    struct decoded dec;
    unsigned widest = ctx->cfg.nwidths ? ctx->cfg.widths[ctx->cfg.nwidths - 1] : 0;
    if (decode(&j->w, j->data.data, j->data.len, widest, ctx->cfg.max_megapixels, &dec) != 0)
        return -1;
    atomic_fetch_add(&ctx->decoded, 1);
    rec->width = dec.width;
    rec->height = dec.height;
    struct raster *r = dec.r;
    int png = 0;
    if (!dec.jpeg) {
        if (r->kind == RASTER_RGBA && !raster_has_transparency(r))
            raster_flatten(r, ctx->cfg.background); /* all opaque: just drops the alpha */
        png = r->kind == RASTER_RGBA || raster_has_few_colours(r, FEW_COLOURS);
    }
    rec->png = png;
    plan_widths(&ctx->cfg, dec.width, rec);
    for (size_t i = 0; i < rec->count; i++)
        rec->vh[i] = height_for(rec->vw[i], dec.width, dec.height);

    int rc = 0;
    struct buf out;
    buf_init(&out);
    /* Largest first; each smaller size is made from the one before, which is much quicker
     * than going back to the full picture and looks the same. */
    struct raster *prev = NULL;
    for (size_t i = rec->count; i-- > 0 && rc == 0;) {
        struct raster *cur;
        if (!prev) {
            cur = first_size(r, dec.orientation, rec->vw[i], rec->vh[i]);
            if (cur) {
                raster_free(r);
                r = NULL;
            } else {
                cur = r; /* already the right size and way up */
                r = NULL;
            }
        } else {
            cur = raster_resize(prev, rec->vw[i], rec->vh[i]);
        }
        raster_free(prev);
        prev = cur;
        buf_reset(&out);
        rc = encode(&j->w, cur, png, ctx->cfg.quality, 0, &out);
        if (rc == 0) {
            char *path = web_file(ctx, j->key, rec->vw[i], png);
            rc = fs_write_atomic(ctx->d, path, out.data, out.len);
            free(path);
        }
    }
    raster_free(prev);
    raster_free(r);
    buf_release(&out);
    return rc == 0 ? record_save(ctx, j->record, rec) : -1;
}

static int files_present(const struct image_ctx *ctx, const struct job *j, const struct record *rec)
{
    for (size_t i = 0; i < rec->count; i++) {
        char *path = web_file(ctx, j->key, rec->vw[i], rec->png);
        int ok = fs_is_file(path);
        free(path);
        if (!ok)
            return 0;
    }
    return 1;
}

static void web_params(const struct image_config *c, struct buf *b)
{
    buf_printf(b, "quality %d widths", c->quality);
    for (size_t i = 0; i < c->nwidths && i < IMAGE_MAX_WIDTHS; i++)
        buf_printf(b, " %u", c->widths[i]);
    buf_printf(b, " max %u", c->max_megapixels);
}

int image_process(struct image_ctx *ctx, const char *src, const char *used_by, unsigned line,
                  unsigned col, struct image_result *out)
{
    memset(out, 0, sizeof *out);
    struct job j;
    memset(&j, 0, sizeof j);
    j.w =
        (struct where){ctx->d, src, used_by ? used_by : src, used_by ? line : 0, used_by ? col : 0};
    buf_init(&j.data);
    struct buf params;
    buf_init(&params);
    web_params(&ctx->cfg, &params);
    struct record rec;
    int rc = identify(ctx, &j);
    if (rc == 0) {
        job_key(ctx, &j, "web", params.data);
        if (record_load(j.record, &rec) == 0 && files_present(ctx, &j, &rec)) {
            atomic_fetch_add(&ctx->cache_hits, 1);
        } else {
            struct hash known = j.source;
            rc = j.have_data ? 0 : read_source(ctx, &j, &(struct stat){0});
            /* The file changed since it was last seen, though its size and time did not. */
            if (rc == 0 && (j.source.lo != known.lo || j.source.hi != known.hi))
                job_key(ctx, &j, "web", params.data);
            if (rc == 0)
                rc = make_web(ctx, &j, &rec);
        }
    }
    if (rc == 0) {
        out->width = rec.width;
        out->height = rec.height;
        out->mime = rec.png ? "image/png" : "image/jpeg";
        out->count = rec.count;
        out->variants = xcalloc(rec.count, sizeof *out->variants);
        char *slug = slug_of(src);
        for (size_t i = 0; i < rec.count; i++) {
            struct image_variant *v = &out->variants[i];
            v->width = rec.vw[i];
            v->height = rec.vh[i];
            v->cache_path = web_file(ctx, j.key, rec.vw[i], rec.png);
            v->public_path =
                xasprintf("img/%s-%.10s-%u.%s", slug, j.key, rec.vw[i], rec.png ? "png" : "jpg");
        }
        free(slug);
    } else {
        atomic_fetch_add(&ctx->failed, 1);
    }
    buf_release(&params);
    job_release(&j);
    progress_step(ctx);
    return rc;
}

void image_variant_release(struct image_variant *v)
{
    free(v->cache_path);
    free(v->public_path);
    memset(v, 0, sizeof *v);
}

void image_result_release(struct image_result *r)
{
    for (size_t i = 0; i < r->count; i++)
        image_variant_release(&r->variants[i]);
    free(r->variants);
    memset(r, 0, sizeof *r);
}

char *image_srcset(const struct image_result *r, const char *prefix)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < r->count; i++)
        buf_printf(&b, "%s%s%s %uw", i ? ", " : "", prefix ? prefix : "",
                   r->variants[i].public_path, r->variants[i].width);
    return buf_detach(&b, NULL);
}

/* ---- print ---- */

/* Puts the sRGB profile into a JPEG right after its JFIF header, so that the printer's
 * software knows for certain which colours are meant. */
static void add_profile(const struct image_ctx *ctx, const struct buf *jpg, struct buf *out)
{
    size_t at = 2;
    if (jpg->len > 6 && (unsigned char)jpg->data[2] == 0xFF && (unsigned char)jpg->data[3] == 0xE0)
        at = 4 + ((size_t)(unsigned char)jpg->data[4] << 8 | (unsigned char)jpg->data[5]);
    if (!ctx->srgb_icc || ctx->srgb_icc_len > 65000 || at > jpg->len) {
        buf_add(out, jpg->data, jpg->len);
        return;
    }
    buf_add(out, jpg->data, at);
    size_t seglen = 2 + 12 + 2 + ctx->srgb_icc_len;
    unsigned char head[4 + 14] = {0xFF, 0xE2, (unsigned char)(seglen >> 8), (unsigned char)seglen};
    memcpy(head + 4, "ICC_PROFILE\0\1\1", 14);
    buf_add(out, head, sizeof head);
    buf_add(out, ctx->srgb_icc, ctx->srgb_icc_len);
    buf_add(out, jpg->data + at, jpg->len - at);
}

static int make_print(struct image_ctx *ctx, struct job *j, unsigned want, const char *path,
                      struct record *rec)
{
    struct decoded dec;
    if (decode(&j->w, j->data.data, j->data.len, want, ctx->cfg.max_megapixels, &dec) != 0)
        return -1;
    atomic_fetch_add(&ctx->decoded, 1);
    rec->width = dec.width;
    rec->height = dec.height;
    rec->png = 0;
    rec->count = 1;
    rec->vw[0] = want < dec.width ? want : dec.width;
    rec->vh[0] = height_for(rec->vw[0], dec.width, dec.height);
    struct raster *r = first_size(dec.r, dec.orientation, rec->vw[0], rec->vh[0]);
    if (r)
        raster_free(dec.r);
    else
        r = dec.r;
    raster_flatten(r, ctx->cfg.background);
    struct buf jpg, out;
    buf_init(&jpg);
    buf_init(&out);
    int rc = encode(&j->w, r, 0, ctx->cfg.print_quality, 1, &jpg);
    raster_free(r);
    if (rc == 0) {
        add_profile(ctx, &jpg, &out);
        rc = fs_write_atomic(ctx->d, path, out.data, out.len);
    }
    buf_release(&jpg);
    buf_release(&out);
    return rc == 0 ? record_save(ctx, j->record, rec) : -1;
}

int image_print(struct image_ctx *ctx, const char *src, const char *used_by, unsigned line,
                unsigned col, double placed_mm, struct image_variant *out)
{
    memset(out, 0, sizeof *out);
    struct job j;
    memset(&j, 0, sizeof j);
    j.w =
        (struct where){ctx->d, src, used_by ? used_by : src, used_by ? line : 0, used_by ? col : 0};
    buf_init(&j.data);
    if (!(placed_mm > 0 && placed_mm < 10000)) {
        fail(&j.w, _("the picture %s is placed %g mm wide, which cannot be printed"), j.w.src,
             placed_mm);
        atomic_fetch_add(&ctx->failed, 1);
        return -1;
    }
    unsigned want = (unsigned)lround(placed_mm / 25.4 * ctx->cfg.print_dpi);
    if (want == 0)
        want = 1;
    char params[96];
    snprintf(params, sizeof params, "quality %d width %u max %u", ctx->cfg.print_quality, want,
             ctx->cfg.max_megapixels);
    struct record rec;
    char *path = NULL;
    int rc = identify(ctx, &j);
    if (rc == 0) {
        job_key(ctx, &j, "print", params);
        path = cache_file(ctx, j.key, "-print.jpg");
        if (record_load(j.record, &rec) == 0 && fs_is_file(path)) {
            atomic_fetch_add(&ctx->cache_hits, 1);
        } else {
            struct hash known = j.source;
            rc = j.have_data ? 0 : read_source(ctx, &j, &(struct stat){0});
            if (rc == 0 && (j.source.lo != known.lo || j.source.hi != known.hi)) {
                job_key(ctx, &j, "print", params);
                free(path);
                path = cache_file(ctx, j.key, "-print.jpg");
            }
            if (rc == 0)
                rc = make_print(ctx, &j, want, path, &rec);
        }
    }
    if (rc == 0) {
        if (rec.width < want) {
            /* Told on every build, cached or not, until the editor finds a larger picture. */
            unsigned dpi = (unsigned)lround(rec.width / (placed_mm / 25.4));
            warn(&j.w,
                 _("the picture %s is only %u dpi at %g mm wide (print needs %u dpi, so a picture "
                   "at least %u pixels wide); it may look blurred in print"),
                 j.w.src, dpi, placed_mm, ctx->cfg.print_dpi, want);
        }
        char *slug = slug_of(src);
        out->width = rec.vw[0];
        out->height = rec.vh[0];
        out->cache_path = path;
        path = NULL;
        out->public_path = xasprintf("img/print/%s-%.10s.jpg", slug, j.key);
        free(slug);
    } else {
        atomic_fetch_add(&ctx->failed, 1);
    }
    free(path);
    job_release(&j);
    return rc;
}

/* ---- cleaning ---- */

int image_cache_clean(struct diag *d, const char *cache_dir)
{
    char *dir = fs_join(cache_dir, "img");
    int rc = fs_remove_tree(d, dir);
    free(dir);
    return rc;
}
