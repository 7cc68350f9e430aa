/* jpeg: JPEG decoding and encoding with libjpeg-turbo (the only module that uses it).
 * Decoding uses the library's DCT scaling: a 4000-pixel photo wanted at 1280 is decoded
 * straight to 1500 pixels, which is most of why kairan's image work is fast.
 * Fallible functions return 0 or -1 and set *why to a plain sentence for the editor, a message
 * format whose %s is the picture's name, marked for translation but not translated (image.c
 * translates it and reports it with the file's and the entry's names). */
#ifndef KAIRAN_JPEG_H
#define KAIRAN_JPEG_H

#include <stddef.h>

#include "core/buf.h"
#include "media/raster.h"

struct jpeg_header {
    unsigned width, height;
    int cmyk; /* 1 for CMYK and YCCK files (decoded as RASTER_CMYK) */
};

int jpeg_read_header(const void *data, size_t len, struct jpeg_header *out, const char **why);
/* Decodes at the smallest scale (1/8 .. 1) whose result is at least min_width x min_height
 * (or at full size when none is), into *out: RGB, or CMYK with the values as stored in the
 * file. Refuses more than max_pixels pixels (counted at full size) and files that end early.
 * The caller frees *out. */
int jpeg_decode(const void *data, size_t len, unsigned min_width, unsigned min_height,
                unsigned long long max_pixels, struct raster **out, const char **why);
/* Appends r (RGB or GRAY) as a baseline JFIF file to out: quality 1-100, chroma at full
 * resolution (full_chroma) or halved both ways. No other metadata is written. */
int jpeg_encode(const struct raster *r, int quality, int full_chroma, struct buf *out,
                const char **why);

#endif
