#include "media/color.h"

#include <lcms2.h>
#include <stdlib.h>
#include <string.h>

#include "core/intl.h"
#include "core/xalloc.h"

/* Little CMS reports problems through a callback; ours are reported as warnings instead. */
static void quiet(cmsContext ctx, cmsUInt32Number code, const char *text)
{
    (void)ctx, (void)code, (void)text;
}

static void gray_to_rgb(struct raster **r)
{
    struct raster *in = *r, *out = raster_new(in->width, in->height, RASTER_RGB);
    size_t n = (size_t)in->width * in->height;
    for (size_t i = 0; i < n; i++)
        out->px[3 * i] = out->px[3 * i + 1] = out->px[3 * i + 2] = in->px[i];
    raster_free(in);
    *r = out;
}

/* Without a profile, CMYK can only be shown by the textbook ink formula. */
static void cmyk_to_rgb(struct raster **r, int inverted)
{
    struct raster *in = *r, *out = raster_new(in->width, in->height, RASTER_RGB);
    size_t n = (size_t)in->width * in->height;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s = in->px + 4 * i;
        unsigned k = inverted ? s[3] : 255u - s[3];
        for (int c = 0; c < 3; c++) {
            unsigned v = inverted ? s[c] : 255u - s[c];
            out->px[3 * i + c] = (unsigned char)((v * k + 127) / 255);
        }
    }
    raster_free(in);
    *r = out;
}

static void fallback(struct raster **r, int inverted)
{
    if ((*r)->kind == RASTER_GRAY)
        gray_to_rgb(r);
    else if ((*r)->kind == RASTER_CMYK)
        cmyk_to_rgb(r, inverted);
}

void color_to_srgb(struct raster **r, const void *icc, size_t icc_len, int cmyk_inverted,
                   const char **warning)
{
    *warning = NULL;
    if (!icc || icc_len == 0 || icc_len > 0xFFFFFFFFu) {
        fallback(r, cmyk_inverted);
        return;
    }
    cmsContext ctx = cmsCreateContext(NULL, NULL);
    if (!ctx) {
        fallback(r, cmyk_inverted);
        return;
    }
    cmsSetLogErrorHandlerTHR(ctx, quiet);
    cmsHPROFILE src = cmsOpenProfileFromMemTHR(ctx, icc, (cmsUInt32Number)icc_len);
    cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx);
    struct raster *in = *r;
    cmsUInt32Number in_type = 0, out_type = TYPE_RGB_8, flags = 0;
    cmsColorSpaceSignature space = src ? cmsGetColorSpace(src) : (cmsColorSpaceSignature)0;
    if (in->kind == RASTER_GRAY && space == cmsSigGrayData) {
        in_type = TYPE_GRAY_8;
    } else if (in->kind == RASTER_RGB && space == cmsSigRgbData) {
        in_type = TYPE_RGB_8;
    } else if (in->kind == RASTER_RGBA && space == cmsSigRgbData) {
        in_type = out_type = TYPE_RGBA_8;
        flags = cmsFLAGS_COPY_ALPHA;
    } else if (in->kind == RASTER_CMYK && space == cmsSigCmykData) {
        in_type = cmyk_inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8;
    }
    cmsHTRANSFORM xf = NULL;
    if (in_type && srgb)
        xf = cmsCreateTransformTHR(ctx, src, in_type, srgb, out_type, INTENT_PERCEPTUAL, flags);
    if (!xf) {
        *warning =
            !src ? N_("the picture %s has a damaged colour profile, so its colours may look wrong")
                 : N_("the picture %s has a colour profile that does not fit its pixels, so its "
                      "colours may look wrong");
        fallback(r, cmyk_inverted);
    } else {
        struct raster *out = in;
        if (in->kind == RASTER_GRAY || in->kind == RASTER_CMYK)
            out = raster_new(in->width, in->height, RASTER_RGB);
        /* Row by row: the pixel count of one call is a 32-bit number. */
        size_t in_row = (size_t)in->width * in->channels,
               out_row = (size_t)out->width * out->channels;
        for (unsigned y = 0; y < in->height; y++)
            cmsDoTransform(xf, in->px + y * in_row, out->px + y * out_row, in->width);
        if (out != in) {
            raster_free(in);
            *r = out;
        }
        cmsDeleteTransform(xf);
    }
    if (src)
        cmsCloseProfile(src);
    if (srgb)
        cmsCloseProfile(srgb);
    cmsDeleteContext(ctx);
}

unsigned char *color_srgb_profile(size_t *len)
{
    cmsContext ctx = cmsCreateContext(NULL, NULL);
    cmsSetLogErrorHandlerTHR(ctx, quiet);
    cmsHPROFILE p = cmsCreate_sRGBProfileTHR(ctx);
    cmsUInt32Number n = 0;
    unsigned char *bytes = NULL;
    if (p && cmsSaveProfileToMem(p, NULL, &n) && n > 0) {
        bytes = xmalloc(n);
        if (!cmsSaveProfileToMem(p, bytes, &n)) {
            free(bytes);
            bytes = NULL;
            n = 0;
        }
    }
    if (p)
        cmsCloseProfile(p);
    cmsDeleteContext(ctx);
    /* Little CMS stamps the header with the time it made the profile (bytes 24 to 35): fixed
     * here to 2000-01-01, so that the same picture gives the same bytes on every build. The
     * profile has no ID (bytes 84 to 99 are zero) that the change would spoil. */
    static const unsigned char fixed_date[12] = {0x07, 0xd0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    if (bytes && n >= 128)
        memcpy(bytes + 24, fixed_date, sizeof fixed_date);
    *len = n;
    return bytes;
}
