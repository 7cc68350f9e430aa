#include "media/raster.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include "core/intl.h"
#include "core/xalloc.h"

static unsigned channels_of(enum raster_kind kind)
{
    return kind == RASTER_GRAY ? 1 : kind == RASTER_RGB ? 3 : 4;
}

struct raster *raster_new(unsigned width, unsigned height, enum raster_kind kind)
{
    struct raster *r = xmalloc(sizeof *r);
    r->width = width;
    r->height = height;
    r->kind = kind;
    r->channels = channels_of(kind);
    r->px = xmalloc((size_t)width * height * r->channels);
    return r;
}

void raster_free(struct raster *r)
{
    if (!r)
        return;
    free(r->px);
    free(r);
}

int raster_info(const void *data, size_t len, unsigned *width, unsigned *height)
{
    int w, h, n;
    if (len > INT_MAX || !stbi_info_from_memory(data, (int)len, &w, &h, &n) || w <= 0 || h <= 0)
        return -1;
    *width = (unsigned)w;
    *height = (unsigned)h;
    return 0;
}

/* ---- PNG: the work bounded before stb sees the file ---- */

static uint32_t png_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bytes of rows a PNG with this header holds once inflated: a filter byte and the packed
 * samples of each row, for each of the seven Adam7 passes when it is interlaced. 0 for a
 * colour type that does not exist. */
static uint64_t png_rows_size(uint32_t w, uint32_t h, unsigned depth, unsigned colour,
                              int interlaced)
{
    static const unsigned samples[7] = {1, 0, 3, 1, 2, 0, 4}; /* by colour type */
    static const unsigned x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
    static const unsigned dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
    if (colour > 6 || samples[colour] == 0)
        return 0;
    uint64_t bits = (uint64_t)samples[colour] * depth;
    if (!interlaced)
        return (uint64_t)h * (((uint64_t)w * bits + 7) / 8 + 1);
    uint64_t total = 0;
    for (int p = 0; p < 7; p++) {
        uint64_t pw = w > x0[p] ? ((uint64_t)w - x0[p] + dx[p] - 1) / dx[p] : 0;
        uint64_t ph = h > y0[p] ? ((uint64_t)h - y0[p] + dy[p] - 1) / dy[p] : 0;
        if (pw && ph)
            total += ph * ((pw * bits + 7) / 8 + 1);
    }
    return total;
}

/* stb reserves memory for a PNG's data as its chunks claim it and inflates the image data for
 * as long as the stream goes on, so a file of a few hundred bytes can make it ask for gigabytes.
 * This reads the chunks first, each of which must lie within the file, and inflates the image
 * data into a buffer of the size the header implies (with room for the spare row or so that
 * some encoders write, which stb accepts); a stream that needs more is refused. Returns 0, or
 * -1 with *why. */
static int png_check(const unsigned char *p, size_t len, const char **why)
{
    const char *damaged = N_("the picture %s is damaged or cut off");
    size_t at = 8;
    uint64_t rows = 0;
    int apple = 0, ended = 0;
    struct buf idat;
    buf_init(&idat);
    while (!ended) {
        if (len - at < 12) {
            *why = damaged;
            goto fail;
        }
        uint32_t n = png_u32(p + at);
        const unsigned char *type = p + at + 4, *d = p + at + 8;
        if (n > 0x7FFFFFFFu || n > len - at - 12) {
            *why = damaged;
            goto fail;
        }
        if (memcmp(type, "CgBI", 4) == 0) {
            apple = 1; /* Apple's variant: raw deflate data without the zlib header */
        } else if (memcmp(type, "IHDR", 4) == 0 && n == 13 && rows == 0) {
            rows = png_rows_size(png_u32(d), png_u32(d + 4), d[8], d[9], d[12] == 1);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            buf_add(&idat, d, n);
        } else if (memcmp(type, "IEND", 4) == 0) {
            ended = 1;
        }
        at += 12 + (size_t)n;
    }
    /* No IHDR, no image data or a header stb refuses: stb reports those itself. */
    if (rows == 0 || idat.len == 0 || idat.len > INT_MAX) {
        buf_release(&idat);
        return 0;
    }
    uint64_t room = rows + rows / 16 + 65536;
    if (room > INT_MAX) {
        *why = N_("the picture %s has too many pixels");
        goto fail;
    }
    char *out = xmalloc((size_t)room);
    int got = apple ? stbi_zlib_decode_noheader_buffer(out, (int)room, idat.data, (int)idat.len)
                    : stbi_zlib_decode_buffer(out, (int)room, idat.data, (int)idat.len);
    free(out);
    if (got < 0) {
        /* stb's reason is the thread's own; any other fault of the data is damage. */
        const char *reason = stbi_failure_reason();
        *why = reason && strcmp(reason, "output buffer limit") == 0
                   ? N_("the picture %s is damaged or too large: its picture data unpacks to far "
                        "more than its width and height need; open it in a picture editor and save "
                        "it again")
                   : damaged;
        goto fail;
    }
    buf_release(&idat);
    return 0;
fail:
    buf_release(&idat);
    return -1;
}

int raster_decode(const void *data, size_t len, unsigned long long max_pixels, struct raster **out,
                  const char **why)
{
    *out = NULL;
    int iw, ih, n;
    if (len > INT_MAX || !stbi_info_from_memory(data, (int)len, &iw, &ih, &n) || iw <= 0 ||
        ih <= 0) {
        *why = N_("the picture %s is damaged or is not a picture kairan can read");
        return -1;
    }
    unsigned w = (unsigned)iw, h = (unsigned)ih;
    if ((unsigned long long)w * h > max_pixels) {
        *why = N_("the picture %s has too many pixels");
        return -1;
    }
    if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0 && png_check(data, len, why) != 0)
        return -1;
    int want = n == 1 ? 1 : n == 3 ? 3 : 4;
    unsigned char *px = stbi_load_from_memory(data, (int)len, &iw, &ih, &n, want);
    if (!px || iw <= 0 || ih <= 0 || (unsigned)iw != w || (unsigned)ih != h) {
        stbi_image_free(px);
        *why = N_("the picture %s is damaged or cut off");
        return -1;
    }
    struct raster *r = xmalloc(sizeof *r);
    r->width = w;
    r->height = h;
    r->kind = want == 1 ? RASTER_GRAY : want == 3 ? RASTER_RGB : RASTER_RGBA;
    r->channels = (unsigned)want;
    /* stb allocates with malloc (its default), so the pixels are ours to free(). */
    r->px = px;
    *out = r;
    return 0;
}

struct raster *raster_resize(const struct raster *in, unsigned width, unsigned height)
{
    struct raster *out = raster_new(width, height, in->kind);
    int alpha = in->kind == RASTER_RGBA ? 3 : STBIR_ALPHA_CHANNEL_NONE;
    /* Halving or more: averaging whole areas (a box) loses nothing a finer filter would keep,
     * at half the cost; smaller steps get the sharper Mitchell filter. Either way the average
     * is taken in linear light, so fine detail does not darken in the small sizes. */
    int box = (unsigned long long)width * 2 <= in->width + 1ull &&
              (unsigned long long)height * 2 <= in->height + 1ull;
    stbir_resize_uint8_generic(in->px, (int)in->width, (int)in->height, 0, out->px, (int)width,
                               (int)height, 0, (int)in->channels, alpha, 0, STBIR_EDGE_CLAMP,
                               box ? STBIR_FILTER_BOX : STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_SRGB,
                               NULL);
    return out;
}

struct raster *raster_orient(const struct raster *in, int o)
{
    unsigned w = in->width, h = in->height, c = in->channels;
    int swap = o >= 5 && o <= 8;
    struct raster *out = raster_new(swap ? h : w, swap ? w : h, in->kind);
    /* Shown pixel (x, y) is stored pixel origin + x * dx + y * dy (in pixels). */
    ptrdiff_t row = (ptrdiff_t)w, last_x = (ptrdiff_t)w - 1, last_y = (ptrdiff_t)h - 1;
    ptrdiff_t origin, dx, dy;
    switch (o) {
    case 2:
        origin = last_x, dx = -1, dy = row;
        break;
    case 3:
        origin = last_y * row + last_x, dx = -1, dy = -row;
        break;
    case 4:
        origin = last_y * row, dx = 1, dy = -row;
        break;
    case 5:
        origin = 0, dx = row, dy = 1;
        break;
    case 6:
        origin = last_y * row, dx = -row, dy = 1;
        break;
    case 7:
        origin = last_y * row + last_x, dx = -row, dy = -1;
        break;
    case 8:
        origin = last_x, dx = row, dy = -1;
        break;
    default:
        origin = 0, dx = 1, dy = row;
        break;
    }
    unsigned char *dst = out->px;
    for (unsigned y = 0; y < out->height; y++) {
        ptrdiff_t at = origin + (ptrdiff_t)y * dy;
        if (c == 3) {
            for (unsigned x = 0; x < out->width; x++, at += dx, dst += 3) {
                const unsigned char *s = in->px + at * 3;
                dst[0] = s[0], dst[1] = s[1], dst[2] = s[2];
            }
        } else {
            for (unsigned x = 0; x < out->width; x++, at += dx, dst += c)
                memcpy(dst, in->px + at * (ptrdiff_t)c, c);
        }
    }
    return out;
}

void raster_flatten(struct raster *r, const unsigned char bg[3])
{
    if (r->kind != RASTER_RGBA)
        return;
    size_t n = (size_t)r->width * r->height;
    unsigned char *p = r->px;
    for (size_t i = 0; i < n; i++) {
        unsigned a = p[4 * i + 3];
        for (int k = 0; k < 3; k++)
            p[3 * i + k] = (unsigned char)((p[4 * i + k] * a + bg[k] * (255 - a) + 127) / 255);
    }
    r->px = xrealloc(r->px, n > 0 ? n * 3 : 1);
    r->kind = RASTER_RGB;
    r->channels = 3;
}

int raster_has_transparency(const struct raster *r)
{
    if (r->kind != RASTER_RGBA)
        return 0;
    size_t n = (size_t)r->width * r->height;
    for (size_t i = 0; i < n; i++)
        if (r->px[4 * i + 3] != 255)
            return 1;
    return 0;
}

int raster_has_few_colours(const struct raster *r, unsigned max)
{
    if (r->kind == RASTER_CMYK)
        return 0;
    /* An open-addressed set of colour + 1 (0 marks a free slot), at most half full. */
    uint32_t set[2048];
    memset(set, 0, sizeof set);
    unsigned seen = 0;
    size_t n = (size_t)r->width * r->height;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = r->px + i * r->channels;
        uint32_t key = r->channels == 1 ? (uint32_t)p[0] * 0x010101u
                                        : (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        key += 1;
        uint32_t slot = (key * 2654435761u) >> 21;
        while (set[slot] && set[slot] != key)
            slot = (slot + 1) & 2047;
        if (!set[slot]) {
            if (++seen > max)
                return 0;
            set[slot] = key;
        }
    }
    return 1;
}

static void append(void *context, void *data, int size)
{
    buf_add(context, data, (size_t)size);
}

int raster_encode_png(const struct raster *r, struct buf *out, const char **why)
{
    if (r->kind == RASTER_CMYK ||
        !stbi_write_png_to_func(append, out, (int)r->width, (int)r->height, (int)r->channels, r->px,
                                (int)(r->width * r->channels))) {
        *why = N_("the picture %s could not be written as PNG");
        return -1;
    }
    return 0;
}

int raster_inflate(const void *data, size_t len, size_t max, unsigned char **out, size_t *out_len)
{
    if (len > INT_MAX || max > INT_MAX)
        return -1;
    /* stb inflates into a fixed buffer and fails when it is too small: try growing sizes. */
    for (size_t cap = 65536;; cap *= 4) {
        if (cap > max)
            cap = max;
        char *buf = xmalloc(cap);
        int n = stbi_zlib_decode_buffer(buf, (int)cap, data, (int)len);
        if (n >= 0) {
            *out = (unsigned char *)buf;
            *out_len = (size_t)n;
            return 0;
        }
        free(buf);
        if (cap == max)
            return -1;
    }
}
