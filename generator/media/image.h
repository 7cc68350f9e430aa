/* image: the photo pipeline. Every picture an entry uses becomes a few web sizes and, for the
 * print edition, one 300 dpi file, all kept in a cache outside public/ and keyed by the
 * source's content, so an unchanged photo is never decoded again.
 * An image_ctx lives for one build and is shared by the worker threads. Each fallible call
 * returns 0 or -1 and reports the problem once, through the build's diag, at the entry that
 * uses the picture, naming the picture. */
#ifndef KAIRAN_IMAGE_H
#define KAIRAN_IMAGE_H

#include <stddef.h>

#include "core/diag.h"
#include "media/raster.h"

#define IMAGE_MAX_WIDTHS 8
/* How many times longer than the other one side of a picture may be (a wide panorama is 6). */
#define IMAGE_MAX_ASPECT 25

struct image_config {
    unsigned widths[IMAGE_MAX_WIDTHS]; /* web widths in pixels, ascending; 320, 640, 1280 */
    size_t nwidths;
    int quality;                 /* web JPEG quality, 1-100; 82 */
    int print_quality;           /* print JPEG quality; 95 */
    unsigned print_dpi;          /* 300 */
    unsigned max_megapixels;     /* larger pictures are refused unread; 50 */
    unsigned char background[3]; /* what transparency becomes in a JPEG; white */
    const char *cache_dir;       /* ".cache/kairan"; the context keeps a copy */
    int progress;                /* 1: show "画像 37/120" on stderr when it is a terminal */
};

struct image_variant {
    char *cache_path;  /* the finished file in the cache, to be linked or copied into public/ */
    char *public_path; /* its place under public/, e.g. "img/salon-3f2a9c01d4-640.jpg" */
    unsigned width, height;
};

struct image_result {
    unsigned width, height;         /* the source as it is seen, after EXIF orientation */
    const char *mime;               /* "image/jpeg" or "image/png" (a constant) */
    struct image_variant *variants; /* ascending width; the last is the largest */
    size_t count;
};

/* Counters for tests and progress; read them with image_ctx_stats. */
struct image_stats {
    size_t decoded;    /* pictures whose pixels were decoded */
    size_t cache_hits; /* requests answered from the cache without decoding */
    size_t read;       /* source files read (an unchanged file is not even read) */
    size_t failed;
};

/* Fills c with the defaults above. */
void image_config_init(struct image_config *c);
/* Parses "#rgb" or "#rrggbb"; returns 0, or -1 when s is neither. */
int image_parse_color(const char *s, unsigned char rgb[3]);

/* Returns a new context (free it with image_ctx_free); d collects every message of the build
 * and must outlive the context. Reads the cache's index of known source files. */
struct image_ctx *image_ctx_new(const struct image_config *c, struct diag *d);
/* Writes the index of source files back to the cache (so the next build need not read them). */
int image_ctx_save(struct image_ctx *ctx);
void image_ctx_free(struct image_ctx *ctx);
/* Says how many pictures this build will process, for the progress line. */
void image_ctx_expect(struct image_ctx *ctx, size_t total);
void image_ctx_stats(struct image_ctx *ctx, struct image_stats *out);

/* Makes (or finds in the cache) the web sizes of the picture at src, used by the entry
 * used_by at line:col. Thread-safe for different sources at once (callers ask once per
 * source). Fills *out, which the caller releases with image_result_release. */
int image_process(struct image_ctx *ctx, const char *src, const char *used_by, unsigned line,
                  unsigned col, struct image_result *out);
void image_result_release(struct image_result *r);
/* Makes the print file for the picture placed placed_mm wide: print_dpi pixels per inch, or
 * the source's own width with a warning when it is too small. The caller releases *out. */
int image_print(struct image_ctx *ctx, const char *src, const char *used_by, unsigned line,
                unsigned col, double placed_mm, struct image_variant *out);
void image_variant_release(struct image_variant *v);

/* Returns a new srcset value: "PREFIXimg/a-320.jpg 320w, PREFIXimg/a-640.jpg 640w"; the
 * caller frees it. prefix may be "" or, for example, "../../". */
char *image_srcset(const struct image_result *r, const char *prefix);

/* Deletes the image cache under cache_dir (kairan clean --cache). */
int image_cache_clean(struct diag *d, const char *cache_dir);

/* Decodes a picture held in memory as image_process does, up to the first resize: the
 * result is oriented, in sRGB, at least width pixels wide when the source is (0: full size).
 * name is the picture's name in messages. Returns a new raster (caller frees) or NULL. */
struct raster *image_decode(struct diag *d, const char *name, const void *data, size_t len,
                            unsigned width, unsigned max_megapixels);

/* Makes a picture sent to kairan serve's editor ready to keep in the site: decoded and checked
 * as image_decode does (not a picture, HEIC, too many pixels: reported at name), turned as its
 * EXIF orientation says and written again without its metadata (so also without the place it
 * was taken): a PNG when it has transparency, else a JPEG of quality 92. Appends the file to
 * out and sets *ext to "png" or "jpg". Returns 0, or -1 after reporting. */
int image_upright(struct diag *d, const char *name, const void *data, size_t len,
                  unsigned max_megapixels, struct buf *out, const char **ext);

#endif
