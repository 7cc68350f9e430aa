/* raster: 8-bit pixels in memory, and everything done to them with stb: decoding the formats
 * other than JPEG (PNG, GIF, BMP, PSD, TGA, PNM), resizing, writing PNG, and inflating PNG
 * colour profiles; plus orientation, flattening and the colour census, written here.
 * A struct raster owns its pixels. Fallible functions return 0 or -1 and set *why to a plain
 * sentence for the editor, a message format whose %s is the picture's name, marked for
 * translation but not translated (image.c translates it and reports it with the file's and the
 * entry's names). */
#ifndef KAIRAN_RASTER_H
#define KAIRAN_RASTER_H

#include <stddef.h>

#include "core/buf.h"

enum raster_kind { RASTER_GRAY, RASTER_RGB, RASTER_RGBA, RASTER_CMYK };

struct raster {
    unsigned char *px; /* rows top to bottom, width * channels bytes each, no padding */
    unsigned width, height;
    unsigned channels; /* 1, 3, 4 or 4, following kind */
    enum raster_kind kind;
};

/* Returns a new raster with uninitialised pixels; the caller frees it with raster_free. */
struct raster *raster_new(unsigned width, unsigned height, enum raster_kind kind);
void raster_free(struct raster *r);

/* Decodes a non-JPEG picture into *out (GRAY, RGB or RGBA; 16-bit samples are rounded to 8),
 * after checking from the header that it has at most max_pixels pixels. A PNG is checked before
 * stb sees it: every chunk must lie within the file, and its image data must inflate to no more
 * than its header implies (plus 1/16 and 64 KiB), so that memory stays bounded by the pixels.
 * The caller frees *out. */
int raster_decode(const void *data, size_t len, unsigned long long max_pixels, struct raster **out,
                  const char **why);
/* Reads width and height from the header only. */
int raster_info(const void *data, size_t len, unsigned *width, unsigned *height);

/* Returns a new raster of the given size, resampled in linear light (alpha-weighted for RGBA);
 * the caller frees it. in must be GRAY, RGB or RGBA. */
struct raster *raster_resize(const struct raster *in, unsigned width, unsigned height);
/* Returns a new raster that shows in as EXIF orientation o (1-8) says it should be seen;
 * the caller frees it. For 1 it is a copy. */
struct raster *raster_orient(const struct raster *in, int o);
/* Replaces an RGBA raster by RGB, composited over the background colour bg. */
void raster_flatten(struct raster *r, const unsigned char bg[3]);
/* 1 when some pixel of an RGBA raster is not fully opaque. */
int raster_has_transparency(const struct raster *r);
/* 1 when the raster has at most max distinct colours (counted as RGB; max at most 1024). */
int raster_has_few_colours(const struct raster *r, unsigned max);

/* Appends r (GRAY, RGB or RGBA) as a PNG file to out. */
int raster_encode_png(const struct raster *r, struct buf *out, const char **why);
/* Inflates zlib data of at most max bytes once inflated into a new buffer *out (caller frees). */
int raster_inflate(const void *data, size_t len, size_t max, unsigned char **out, size_t *out_len);

#endif
