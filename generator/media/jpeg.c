#include "media/jpeg.h"

#include <string.h>

#include <turbojpeg.h>

#include "core/intl.h"
#include "core/xalloc.h"

int jpeg_read_header(const void *data, size_t len, struct jpeg_header *out, const char **why)
{
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        *why = N_("the picture %s could not be read (the JPEG decoder did not start)");
        return -1;
    }
    int w = 0, h = 0, subsamp = -1, colorspace = -1;
    int rc = tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &subsamp, &colorspace);
    tjDestroy(tj);
    if (rc != 0 || w <= 0 || h <= 0 || colorspace < 0) {
        *why = N_("the picture %s is damaged: its JPEG header cannot be read");
        return -1;
    }
    out->width = (unsigned)w;
    out->height = (unsigned)h;
    out->cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
    return 0;
}

/* libjpeg reports a file that stops early only as a warning, and fills the rest with grey:
 * for a build that must not publish half a photo, that warning is an error. */
static int cut_off(tjhandle tj)
{
    const char *msg = tjGetErrorStr2(tj);
    return msg && strstr(msg, "remature end") != NULL;
}

int jpeg_decode(const void *data, size_t len, unsigned min_width, unsigned min_height,
                unsigned long long max_pixels, struct raster **out, const char **why)
{
    *out = NULL;
    struct jpeg_header hdr;
    if (jpeg_read_header(data, len, &hdr, why) != 0)
        return -1;
    if ((unsigned long long)hdr.width * hdr.height > max_pixels) {
        *why = N_("the picture %s has too many pixels");
        return -1;
    }
    int nsf;
    tjscalingfactor *sf = tjGetScalingFactors(&nsf);
    int w = (int)hdr.width, h = (int)hdr.height;
    for (int i = 0; sf && i < nsf; i++) {
        /* Only reductions; among those covering the wanted size, the smallest. */
        if (sf[i].num > sf[i].denom)
            continue;
        int sw = TJSCALED((int)hdr.width, sf[i]), sh = TJSCALED((int)hdr.height, sf[i]);
        if ((unsigned)sw >= min_width && (unsigned)sh >= min_height && sw <= w && sh <= h &&
            (long long)sw * sh < (long long)w * h) {
            w = sw;
            h = sh;
        }
    }
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        *why = N_("the picture %s could not be read (the JPEG decoder did not start)");
        return -1;
    }
    struct raster *r = raster_new((unsigned)w, (unsigned)h, hdr.cmyk ? RASTER_CMYK : RASTER_RGB);
    int pf = hdr.cmyk ? TJPF_CMYK : TJPF_RGB;
    /* When the result is to be reduced further anyway, the simpler chroma upsampling cannot
     * be seen and saves a fifth of the decoding time. */
    int flags = TJFLAG_LIMITSCANS;
    if ((unsigned)w > min_width && (unsigned)h > min_height)
        flags |= TJFLAG_FASTUPSAMPLE;
    int rc = tjDecompress2(tj, data, (unsigned long)len, r->px, w, 0, h, pf, flags);
    if (rc != 0 && tjGetErrorCode(tj) == TJERR_WARNING && !cut_off(tj))
        rc = 0; /* the picture is whole; libjpeg only remarked on something harmless */
    if (rc != 0) {
        *why = rc != 0 && cut_off(tj)
                   ? N_("the picture %s is cut off: the file ends before the picture does")
                   : N_("the picture %s is damaged: its JPEG data cannot be decoded");
        tjDestroy(tj);
        raster_free(r);
        return -1;
    }
    tjDestroy(tj);
    *out = r;
    return 0;
}

int jpeg_encode(const struct raster *r, int quality, int full_chroma, struct buf *out,
                const char **why)
{
    if (r->kind != RASTER_RGB && r->kind != RASTER_GRAY) {
        *why = N_("the picture %s could not be written as JPEG");
        return -1;
    }
    tjhandle tj = tjInitCompress();
    if (!tj) {
        *why = N_("the picture %s could not be written as JPEG (the encoder did not start)");
        return -1;
    }
    unsigned char *jpg = NULL;
    unsigned long size = 0;
    int pf = r->kind == RASTER_GRAY ? TJPF_GRAY : TJPF_RGB;
    int samp = r->kind == RASTER_GRAY ? TJSAMP_GRAY : full_chroma ? TJSAMP_444 : TJSAMP_420;
    int rc =
        tjCompress2(tj, r->px, (int)r->width, 0, (int)r->height, pf, &jpg, &size, samp, quality, 0);
    if (rc == 0)
        buf_add(out, jpg, size);
    else
        *why = N_("the picture %s could not be written as JPEG");
    tjFree(jpg);
    tjDestroy(tj);
    return rc == 0 ? 0 : -1;
}
