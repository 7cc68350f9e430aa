/* Tests of the photo pipeline. Every test picture is made here, in memory, so each test says
 * exactly what is in its input: JPEGs through libjpeg-turbo with hand-written EXIF and ICC
 * segments, PNGs byte by byte (stored deflate blocks), colour profiles with Little CMS.
 * Outputs are decoded again and their pixels compared with colours worked out independently. */
#include <dirent.h>
#include <fcntl.h>
#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <turbojpeg.h>
#include <unistd.h>

#include <stb_image.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"
#include "media/image.h"
#include "media/meta.h"
#include "media/raster.h"

static char tmpdir[64];

/* ---- making test pictures ---- */

struct rgb {
    unsigned char r, g, b;
};

static const struct rgb RED = {255, 0, 0}, GREEN = {0, 255, 0}, BLUE = {0, 0, 255},
                        WHITE = {255, 255, 255};

static unsigned char *fill_quadrants(unsigned w, unsigned h, const struct rgb q[4])
{
    unsigned char *px = xmalloc((size_t)w * h * 3);
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            const struct rgb *c = &q[(y >= h / 2) * 2 + (x >= w / 2)];
            unsigned char *p = px + ((size_t)y * w + x) * 3;
            p[0] = c->r, p[1] = c->g, p[2] = c->b;
        }
    }
    return px;
}

static void put16be(struct buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 2);
}

/* An APP1 EXIF segment in the given byte order with an orientation tag, and, to check that
 * it never reaches the site, a GPS latitude and a description naming a place. */
static void exif_segment(struct buf *out, int orientation, int big_endian)
{
    struct buf t;
    buf_init(&t);
#define P16(v)                                                                                     \
    (big_endian ? put16be(&t, (v))                                                                 \
                : (buf_putc(&t, (char)((v)&255)), buf_putc(&t, (char)((v) >> 8))))
#define P32(v)                                                                                     \
    (big_endian ? (P16(((v) >> 16) & 0xFFFF), P16((v)&0xFFFF))                                     \
                : (P16((v)&0xFFFF), P16(((v) >> 16) & 0xFFFF)))
    buf_add(&t, big_endian ? "MM\0*" : "II*\0", 4);
    P32(8u);
    P16(3u);                                   /* IFD0: description, orientation, GPS IFD pointer */
    P16(0x010Eu), P16(2u), P32(20u), P32(50u); /* ImageDescription at offset 50 */
    P16(0x0112u), P16(3u), P32(1u), P16((unsigned)orientation), P16(0u);
    P16(0x8825u), P16(4u), P32(1u), P32(70u); /* GPS IFD at offset 70 */
    P32(0u);
    buf_add(&t, "GPS-SECRET Tsuruoka\0", 20); /* offset 50 */
    P16(1u);                                  /* GPS IFD: latitude ref "N" */
    P16(1u), P16(2u), P32(2u);
    buf_add(&t, "N\0\0\0", 4);
    P32(0u);
#undef P16
#undef P32
    unsigned char head[4] = {0xFF, 0xE1};
    size_t len = 2 + 6 + t.len;
    head[2] = (unsigned char)(len >> 8), head[3] = (unsigned char)len;
    buf_add(out, head, 4);
    buf_add(out, "Exif\0\0", 6);
    buf_add(out, t.data, t.len);
    buf_release(&t);
}

/* APP2 ICC_PROFILE segments, split into chunks of at most chunk bytes. */
static void icc_segments(struct buf *out, const unsigned char *icc, size_t len, size_t chunk)
{
    unsigned count = (unsigned)((len + chunk - 1) / chunk);
    for (unsigned i = 0; i < count; i++) {
        size_t n = len - i * chunk < chunk ? len - i * chunk : chunk;
        unsigned char head[4] = {0xFF, 0xE2};
        size_t seglen = 2 + 14 + n;
        head[2] = (unsigned char)(seglen >> 8), head[3] = (unsigned char)seglen;
        buf_add(out, head, 4);
        buf_add(out, "ICC_PROFILE\0", 12);
        buf_putc(out, (char)(i + 1));
        buf_putc(out, (char)count);
        buf_add(out, icc + i * chunk, n);
    }
}

struct jpeg_opts {
    int pf;          /* TJPF_RGB or TJPF_CMYK */
    int flags;       /* TJFLAG_PROGRESSIVE... */
    int orientation; /* 0: no EXIF */
    int big_endian;
    const unsigned char *icc;
    size_t icc_len;
};

/* A JPEG of px (RGB or CMYK) at quality 95 with full-resolution colour, so flat areas come
 * back within a level or two; extra segments go right after SOI. */
static void make_jpeg(struct buf *out, const unsigned char *px, unsigned w, unsigned h,
                      const struct jpeg_opts *o)
{
    tjhandle tj = tjInitCompress();
    unsigned char *jpg = NULL;
    unsigned long size = 0;
    int rc = tjCompress2(tj, px, (int)w, 0, (int)h, o->pf, &jpg, &size, TJSAMP_444, 95, o->flags);
    if (rc != 0)
        fprintf(stderr, "make_jpeg: %s\n", tjGetErrorStr2(tj));
    buf_add(out, jpg, 2);
    if (o->orientation)
        exif_segment(out, o->orientation, o->big_endian);
    if (o->icc)
        icc_segments(out, o->icc, o->icc_len, 400);
    buf_add(out, jpg + 2, size - 2);
    tjFree(jpg);
    tjDestroy(tj);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void put32be(struct buf *b, uint32_t v)
{
    put16be(b, v >> 16);
    put16be(b, v & 0xFFFF);
}

static void png_chunk(struct buf *out, const char *type, const void *data, size_t len)
{
    put32be(out, (uint32_t)len);
    size_t at = out->len;
    buf_add(out, type, 4);
    buf_add(out, data, len);
    put32be(out, crc32_of((const unsigned char *)out->data + at, len + 4));
}

/* zlib with stored (uncompressed) blocks: valid input for any inflater. */
static void zlib_stored(struct buf *out, const unsigned char *p, size_t n)
{
    buf_putc(out, 0x78);
    buf_putc(out, 0x01);
    size_t at = 0;
    do {
        size_t k = n - at < 65535 ? n - at : 65535;
        buf_putc(out, (char)(at + k == n));
        unsigned char len[4] = {(unsigned char)k, (unsigned char)(k >> 8), (unsigned char)~k,
                                (unsigned char)(~k >> 8)};
        buf_add(out, len, 4);
        buf_add(out, p + at, k);
        at += k;
    } while (at < n);
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    put32be(out, b << 16 | a);
}

/* A PNG of w x h samples (big-endian when depth is 16) in colour type ct (0 grey, 2 RGB,
 * 6 RGBA), with an optional iCCP profile. */
static void make_png(struct buf *out, unsigned w, unsigned h, int depth, int ct,
                     const unsigned char *samples, const unsigned char *icc, size_t icc_len)
{
    unsigned channels = ct == 0 ? 1 : ct == 2 ? 3 : 4;
    size_t row = (size_t)w * channels * (unsigned)depth / 8;
    buf_add(out, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13] = {0};
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
        ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    ihdr[8] = (unsigned char)depth, ihdr[9] = (unsigned char)ct;
    png_chunk(out, "IHDR", ihdr, 13);
    if (icc) {
        struct buf z;
        buf_init(&z);
        buf_add(&z, "test\0\0", 6);
        zlib_stored(&z, icc, icc_len);
        png_chunk(out, "iCCP", z.data, z.len);
        buf_release(&z);
    }
    struct buf raw, z;
    buf_init(&raw);
    buf_init(&z);
    for (unsigned y = 0; y < h; y++) {
        buf_putc(&raw, 0);
        if (samples)
            buf_add(&raw, samples + y * row, row);
    }
    zlib_stored(&z, (const unsigned char *)raw.data, raw.len);
    png_chunk(out, "IDAT", z.data, z.len);
    png_chunk(out, "IEND", "", 0);
    buf_release(&raw);
    buf_release(&z);
}

/* A PNG of w x h pixels in colour type ct (without PLTE), interlaced or not, whose IDAT
 * holds raw_len bytes of zeros (filter 0, black) however many its rows need. */
static void make_png_raw(struct buf *out, unsigned w, unsigned h, int ct, int interlaced,
                         size_t raw_len)
{
    buf_add(out, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13] = {0};
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
        ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    ihdr[8] = 8, ihdr[9] = (unsigned char)ct, ihdr[12] = (unsigned char)interlaced;
    png_chunk(out, "IHDR", ihdr, 13);
    unsigned char *raw = xcalloc(raw_len ? raw_len : 1, 1);
    struct buf z;
    buf_init(&z);
    zlib_stored(&z, raw, raw_len);
    png_chunk(out, "IDAT", z.data, z.len);
    png_chunk(out, "IEND", "", 0);
    buf_release(&z);
    free(raw);
}

/* An RGB profile with D65 white, these primaries and one tone curve for the three channels
 * (taken over and freed), as the bytes of an ICC file: a new buffer of *len bytes. */
static unsigned char *rgb_profile(const cmsCIExyYTRIPLE *prim, cmsToneCurve *c, size_t *len)
{
    cmsCIExyY white = {0.3127, 0.3290, 1.0};
    cmsToneCurve *curves[3] = {c, c, c};
    cmsHPROFILE p = cmsCreateRGBProfile(&white, prim, curves);
    cmsUInt32Number n = 0;
    cmsSaveProfileToMem(p, NULL, &n);
    unsigned char *bytes = xmalloc(n);
    cmsSaveProfileToMem(p, bytes, &n);
    cmsCloseProfile(p);
    cmsFreeToneCurve(c);
    *len = n;
    return bytes;
}

/* Adobe RGB (1998): D65 white, its primaries, gamma 563/256. */
static unsigned char *adobe_rgb_profile(size_t *len)
{
    cmsCIExyYTRIPLE prim = {{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
    return rgb_profile(&prim, cmsBuildGamma(NULL, 563.0 / 256.0), len);
}

/* Display P3: D65 white, DCI-P3 primaries, the sRGB tone curve. */
static unsigned char *display_p3_profile(size_t *len)
{
    cmsCIExyYTRIPLE prim = {{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
    double params[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
    return rgb_profile(&prim, cmsBuildParametricToneCurve(NULL, 4, params), len);
}

/* A CMYK printer profile that is deliberately odd: it prints what the ink formula gives but
 * with red and blue swapped, so a test can tell that the profile was used. */
static int odd_cmyk_sampler(const cmsUInt16Number in[], cmsUInt16Number out[], void *cargo)
{
    (void)cargo;
    double k = 1 - in[3] / 65535.0, rgb[3];
    for (int i = 0; i < 3; i++)
        rgb[i] = (1 - in[i] / 65535.0) * k;
    double t = rgb[0];
    rgb[0] = rgb[2], rgb[2] = t;
    /* sRGB to Lab through the sRGB profile's own numbers (linearise, matrix, D50 Lab). */
    cmsHPROFILE srgb = cmsCreate_sRGBProfile(), lab = cmsCreateLab4Profile(NULL);
    cmsHTRANSFORM xf =
        cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
    double rgb100[3] = {rgb[0], rgb[1], rgb[2]};
    cmsCIELab l;
    cmsDoTransform(xf, rgb100, &l, 1);
    cmsDeleteTransform(xf);
    cmsCloseProfile(srgb);
    cmsCloseProfile(lab);
    cmsFloat2LabEncoded(out, &l);
    return 1;
}

static unsigned char *odd_cmyk_profile(size_t *len)
{
    cmsHPROFILE p = cmsCreateProfilePlaceholder(NULL);
    cmsSetProfileVersion(p, 4.3);
    cmsSetDeviceClass(p, cmsSigOutputClass);
    cmsSetColorSpace(p, cmsSigCmykData);
    cmsSetPCS(p, cmsSigLabData);
    cmsPipeline *pipe = cmsPipelineAlloc(NULL, 4, 3);
    cmsStage *clut = cmsStageAllocCLut16bit(NULL, 5, 4, 3, NULL);
    cmsStageSampleCLut16bit(clut, odd_cmyk_sampler, NULL, 0);
    /* The A curves, CLUT, B curves shape of a lutAtoBType tag. */
    cmsPipelineInsertStage(pipe, cmsAT_END, cmsStageAllocToneCurves(NULL, 4, NULL));
    cmsPipelineInsertStage(pipe, cmsAT_END, clut);
    cmsPipelineInsertStage(pipe, cmsAT_END, cmsStageAllocToneCurves(NULL, 3, NULL));
    cmsWriteTag(p, cmsSigAToB0Tag, pipe);
    cmsWriteTag(p, cmsSigMediaWhitePointTag, cmsD50_XYZ());
    cmsPipelineFree(pipe);
    cmsUInt32Number n = 0;
    cmsSaveProfileToMem(p, NULL, &n);
    unsigned char *bytes = xmalloc(n);
    cmsSaveProfileToMem(p, bytes, &n);
    cmsCloseProfile(p);
    *len = n;
    return bytes;
}

/* ---- independent colour arithmetic for the expectations ---- */

static double srgb_encode(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

static double srgb_decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* lin: linear RGB in the source space; m: its RGB -> XYZ (D65) matrix. */
static struct rgb to_srgb(const double lin[3], const double m[9])
{
    static const double inv[9] = {3.2404542, -1.5371385, -0.4985314, -0.9692660, 1.8760108,
                                  0.0415560, 0.0556434,  -0.2040259, 1.0572252};
    double xyz[3], out[3];
    for (int i = 0; i < 3; i++)
        xyz[i] = m[3 * i] * lin[0] + m[3 * i + 1] * lin[1] + m[3 * i + 2] * lin[2];
    for (int i = 0; i < 3; i++)
        out[i] =
            srgb_encode(inv[3 * i] * xyz[0] + inv[3 * i + 1] * xyz[1] + inv[3 * i + 2] * xyz[2]);
    return (struct rgb){(unsigned char)lround(out[0] * 255), (unsigned char)lround(out[1] * 255),
                        (unsigned char)lround(out[2] * 255)};
}

/* ---- running the pipeline ---- */

static char *tmp_path(const char *name)
{
    return fs_join(tmpdir, name);
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *path = tmp_path(name);
    struct diag d;
    diag_init(&d);
    fs_write_file(&d, path, data, len);
    diag_release(&d);
    return path;
}

struct session {
    struct diag d;
    struct image_config cfg;
    struct image_ctx *ctx;
    char *cache;
};

static void session_open(struct session *s, const char *cache_name)
{
    diag_init(&s->d);
    image_config_init(&s->cfg);
    s->cache = tmp_path(cache_name);
    s->cfg.cache_dir = s->cache;
    s->ctx = NULL;
}

static struct image_ctx *session_ctx(struct session *s)
{
    if (!s->ctx)
        s->ctx = image_ctx_new(&s->cfg, &s->d);
    return s->ctx;
}

static void session_close(struct session *s)
{
    image_ctx_free(s->ctx);
    diag_release(&s->d);
    free(s->cache);
}

struct pixels {
    unsigned char *px;
    int w, h, n;
};

static int load(const char *path, struct pixels *p)
{
    p->px = stbi_load(path, &p->w, &p->h, &p->n, 4);
    return p->px ? 0 : -1;
}

static int near(const unsigned char *px, struct rgb want, int tol)
{
    return abs(px[0] - want.r) <= tol && abs(px[1] - want.g) <= tol && abs(px[2] - want.b) <= tol;
}

static const unsigned char *at(const struct pixels *p, int x, int y)
{
    return p->px + ((size_t)y * p->w + x) * 4;
}

static int check_colour(const struct pixels *p, int x, int y, struct rgb want, int tol)
{
    const unsigned char *c = at(p, x, y);
    if (near(c, want, tol))
        return 1;
    fprintf(stderr, "  pixel (%d, %d) is (%d, %d, %d), want (%d, %d, %d) +-%d\n", x, y, c[0], c[1],
            c[2], want.r, want.g, want.b, tol);
    return 0;
}

static int file_contains(const char *path, const char *needle, size_t n)
{
    struct buf b;
    buf_init(&b);
    struct diag d;
    diag_init(&d);
    fs_read_file(&d, path, &b);
    diag_release(&d);
    int found = 0;
    for (size_t i = 0; i + n <= b.len && !found; i++)
        found = memcmp(b.data + i, needle, n) == 0;
    buf_release(&b);
    return found;
}

/* ---- the tests ---- */

static void every_exif_orientation_is_applied(void)
{
    /* Stored: red top left, green top right, blue bottom left, white bottom right. The table
     * says which colour each shown corner has for each orientation, from the EXIF spec. */
    static const struct {
        int o;
        struct rgb tl, tr, bl, br;
    } cases[] = {
        {1, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}},
        {2, {0, 255, 0}, {255, 0, 0}, {255, 255, 255}, {0, 0, 255}},
        {3, {255, 255, 255}, {0, 0, 255}, {0, 255, 0}, {255, 0, 0}},
        {4, {0, 0, 255}, {255, 255, 255}, {255, 0, 0}, {0, 255, 0}},
        {5, {255, 0, 0}, {0, 0, 255}, {0, 255, 0}, {255, 255, 255}},
        {6, {0, 0, 255}, {255, 0, 0}, {255, 255, 255}, {0, 255, 0}},
        {7, {255, 255, 255}, {0, 255, 0}, {0, 0, 255}, {255, 0, 0}},
        {8, {0, 255, 0}, {255, 255, 255}, {255, 0, 0}, {0, 0, 255}},
    };
    struct rgb q[4] = {RED, GREEN, BLUE, WHITE};
    unsigned char *px = fill_quadrants(96, 48, q);
    struct session s;
    session_open(&s, "cache-orient");
    s.cfg.widths[0] = 40, s.cfg.widths[1] = 1280, s.cfg.nwidths = 2;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct buf b;
        buf_init(&b);
        struct jpeg_opts o = {TJPF_RGB, 0, cases[i].o, (int)(i % 2), NULL, 0};
        make_jpeg(&b, px, 96, 48, &o);
        char name[32];
        snprintf(name, sizeof name, "orient%d.jpg", cases[i].o);
        char *path = write_tmp(name, b.data, b.len);
        struct image_result r;
        int rc = image_process(session_ctx(&s), path, "content/a.md", 3, 5, &r);
        CHECK_INT(rc, 0);
        int swap = cases[i].o >= 5;
        CHECK_INT(r.width, swap ? 48 : 96);
        CHECK_INT(r.height, swap ? 96 : 48);
        CHECK_INT(r.count, 2);
        struct pixels p;
        if (rc == 0 && r.count == 2 && load(r.variants[1].cache_path, &p) == 0) {
            int w = p.w, h = p.h;
            CHECK_INT(w, swap ? 48 : 96);
            int ok = check_colour(&p, 4, 4, cases[i].tl, 12) &&
                     check_colour(&p, w - 5, 4, cases[i].tr, 12) &&
                     check_colour(&p, 4, h - 5, cases[i].bl, 12) &&
                     check_colour(&p, w - 5, h - 5, cases[i].br, 12);
            if (!ok)
                fprintf(stderr, "  orientation %d\n", cases[i].o);
            CHECK(ok);
            stbi_image_free(p.px);
        }
        /* The small size is turned the same way. */
        CHECK_INT(r.variants[0].width, 40);
        CHECK_INT(r.variants[0].height, swap ? 80 : 20);
        image_result_release(&r);
        free(path);
        buf_release(&b);
    }
    CHECK_INT(diag_error_count(&s.d), 0);
    session_close(&s);
    free(px);
}

static void location_and_camera_data_never_reach_the_site(void)
{
    struct rgb q[4] = {RED, GREEN, BLUE, WHITE};
    unsigned char *px = fill_quadrants(64, 64, q);
    struct buf b;
    buf_init(&b);
    struct jpeg_opts o = {TJPF_RGB, 0, 6, 0, NULL, 0};
    make_jpeg(&b, px, 64, 64, &o);
    char *path = write_tmp("gps.jpg", b.data, b.len);
    CHECK(file_contains(path, "GPS-SECRET", 10)); /* the test input does carry it */
    struct session s;
    session_open(&s, "cache-gps");
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    CHECK_INT(r.count, 1);
    for (size_t i = 0; i < r.count; i++) {
        CHECK(!file_contains(r.variants[i].cache_path, "GPS-SECRET", 10));
        CHECK(!file_contains(r.variants[i].cache_path, "Exif", 4));
    }
    struct image_variant v;
    CHECK_INT(image_print(session_ctx(&s), path, "content/a.md", 1, 1, 5, &v), 0);
    CHECK(!file_contains(v.cache_path, "GPS-SECRET", 10));
    CHECK(!file_contains(v.cache_path, "Exif", 4));
    CHECK(file_contains(v.cache_path, "ICC_PROFILE", 11)); /* print files say they are sRGB */
    image_variant_release(&v);
    image_result_release(&r);
    session_close(&s);
    free(path);
    buf_release(&b);
    free(px);
}

static unsigned char *flat(unsigned w, unsigned h, unsigned channels, const unsigned char *c)
{
    unsigned char *px = xmalloc((size_t)w * h * channels);
    for (size_t i = 0; i < (size_t)w * h; i++)
        memcpy(px + i * channels, c, channels);
    return px;
}

/* Writes a w×h JPEG of one colour as tmpdir/name. Returns its path; the caller frees it. */
static char *flat_jpeg(const char *name, unsigned w, unsigned h, const unsigned char rgb[3])
{
    unsigned char *px = flat(w, h, 3, rgb);
    struct buf b;
    buf_init(&b);
    struct jpeg_opts o = {TJPF_RGB, 0, 0, 0, NULL, 0};
    make_jpeg(&b, px, w, h, &o);
    char *path = write_tmp(name, b.data, b.len);
    buf_release(&b);
    free(px);
    return path;
}

/* Processes one picture with widths {32} and returns the largest variant's pixels. */
static int run_one(struct session *s, const char *name, const void *data, size_t len,
                   struct image_result *r, struct pixels *p)
{
    char *path = write_tmp(name, data, len);
    s->cfg.widths[0] = 32, s->cfg.nwidths = 1;
    int rc = image_process(session_ctx(s), path, "content/a.md", 2, 1, r);
    free(path);
    if (rc != 0 || r->count == 0)
        return -1;
    return load(r->variants[r->count - 1].cache_path, p);
}

static void progressive_jpeg(void)
{
    struct rgb q[4] = {RED, GREEN, BLUE, WHITE};
    unsigned char *px = fill_quadrants(64, 64, q);
    struct buf b;
    buf_init(&b);
    struct jpeg_opts o = {TJPF_RGB, TJFLAG_PROGRESSIVE, 0, 0, NULL, 0};
    make_jpeg(&b, px, 64, 64, &o);
    struct meta m;
    meta_read(b.data, b.len, &m);
    CHECK_INT(m.coding, META_CODING_PROGRESSIVE);
    meta_release(&m);
    struct session s;
    session_open(&s, "cache-prog");
    struct image_result r;
    struct pixels p;
    CHECK_INT(run_one(&s, "prog.jpg", b.data, b.len, &r, &p), 0);
    if (p.px) {
        CHECK_INT(p.w, 32);
        CHECK(check_colour(&p, 3, 3, RED, 12));
        CHECK(check_colour(&p, 28, 3, GREEN, 12));
        CHECK(check_colour(&p, 3, 28, BLUE, 12));
        CHECK(check_colour(&p, 28, 28, WHITE, 12));
        stbi_image_free(p.px);
    }
    CHECK_STR(r.mime, "image/jpeg");
    image_result_release(&r);
    session_close(&s);
    buf_release(&b);
    free(px);
}

static void cmyk_jpeg_without_and_with_profile(void)
{
    /* Adobe stores CMYK inverted: 255 is no ink. Inks: cyan | magenta + yellow | black 50%. */
    unsigned char *px = xmalloc(96 * 32 * 4);
    for (unsigned y = 0; y < 32; y++) {
        for (unsigned x = 0; x < 96; x++) {
            unsigned char ink[4] = {0, 0, 0, 0};
            if (x < 32)
                ink[0] = 255;
            else if (x < 64)
                ink[1] = ink[2] = 255;
            else
                ink[3] = 128;
            for (int k = 0; k < 4; k++)
                px[(y * 96 + x) * 4 + k] = (unsigned char)(255 - ink[k]);
        }
    }
    struct buf plain, profiled;
    buf_init(&plain);
    buf_init(&profiled);
    struct jpeg_opts o = {TJPF_CMYK, 0, 0, 0, NULL, 0};
    make_jpeg(&plain, px, 96, 32, &o);
    size_t icc_len;
    unsigned char *icc = odd_cmyk_profile(&icc_len);
    o.icc = icc, o.icc_len = icc_len;
    make_jpeg(&profiled, px, 96, 32, &o);
    struct meta m;
    meta_read(plain.data, plain.len, &m);
    CHECK(m.adobe_transform >= 0);
    meta_release(&m);

    struct session s;
    session_open(&s, "cache-cmyk");
    s.cfg.widths[0] = 96;
    struct image_result r;
    struct pixels p;
    char *path = write_tmp("cmyk.jpg", plain.data, plain.len);
    s.cfg.nwidths = 1;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    if (r.count && load(r.variants[0].cache_path, &p) == 0) {
        CHECK(check_colour(&p, 16, 16, ((struct rgb){0, 255, 255}), 10));
        CHECK(check_colour(&p, 48, 16, RED, 10));
        CHECK(check_colour(&p, 80, 16, ((struct rgb){127, 127, 127}), 10));
        stbi_image_free(p.px);
    }
    image_result_release(&r);
    free(path);
    /* The profile swaps red and blue: cyan comes out yellow, red comes out blue. */
    path = write_tmp("cmyk-icc.jpg", profiled.data, profiled.len);
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    if (r.count && load(r.variants[0].cache_path, &p) == 0) {
        CHECK(check_colour(&p, 16, 16, ((struct rgb){255, 255, 0}), 14));
        CHECK(check_colour(&p, 48, 16, BLUE, 14));
        stbi_image_free(p.px);
    }
    image_result_release(&r);
    free(path);
    CHECK_INT(diag_error_count(&s.d), 0);
    CHECK_INT(s.d.warnings, 0);
    session_close(&s);
    free(icc);
    free(px);
    buf_release(&plain);
    buf_release(&profiled);
}

static void adobe_rgb_jpeg_is_converted_to_srgb(void)
{
    static const double adobe[9] = {0.5767309, 0.1855540, 0.1881852, 0.2973769, 0.6273491,
                                    0.0752741, 0.0270343, 0.0706872, 0.9911085};
    const unsigned char c[3] = {200, 100, 50};
    double lin[3];
    for (int i = 0; i < 3; i++)
        lin[i] = pow(c[i] / 255.0, 563.0 / 256.0);
    struct rgb want = to_srgb(lin, adobe);
    CHECK(abs(want.r - c[0]) + abs(want.g - c[1]) + abs(want.b - c[2]) > 20);

    size_t icc_len;
    unsigned char *icc = adobe_rgb_profile(&icc_len);
    CHECK(icc_len > 400); /* so that it is split over two APP2 segments */
    unsigned char *px = flat(48, 48, 3, c);
    struct buf b;
    buf_init(&b);
    struct jpeg_opts o = {TJPF_RGB, 0, 0, 0, icc, icc_len};
    make_jpeg(&b, px, 48, 48, &o);
    struct meta m;
    meta_read(b.data, b.len, &m);
    CHECK_INT(m.icc_len, icc_len);
    CHECK(m.icc && memcmp(m.icc, icc, icc_len) == 0);
    meta_release(&m);

    struct session s;
    session_open(&s, "cache-adobe");
    struct image_result r;
    struct pixels p;
    CHECK_INT(run_one(&s, "adobe.jpg", b.data, b.len, &r, &p), 0);
    if (p.px) {
        CHECK(check_colour(&p, 16, 16, want, 3));
        stbi_image_free(p.px);
    }
    image_result_release(&r);
    CHECK_INT(s.d.warnings, 0);
    session_close(&s);
    buf_release(&b);
    free(px);
    free(icc);
}

static void display_p3_png_is_converted_to_srgb(void)
{
    static const double p3[9] = {0.4865709, 0.2656677, 0.1982173, 0.2289746, 0.6917385,
                                 0.0792869, 0.0000000, 0.0451134, 1.0439444};
    /* Many colours (a gentle ramp), so the result is a JPEG; the pixel checked is (230,60,40). */
    unsigned w = 64, h = 64;
    unsigned char *px = xmalloc(w * h * 3);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            unsigned char *q = px + (y * w + x) * 3;
            q[0] = 230, q[1] = (unsigned char)(y < 32 ? 60 : y * 2),
            q[2] = (unsigned char)(x < 32 ? 40 : x * 3);
        }
    double lin[3] = {srgb_decode(230 / 255.0), srgb_decode(60 / 255.0), srgb_decode(40 / 255.0)};
    struct rgb want = to_srgb(lin, p3);
    size_t icc_len;
    unsigned char *icc = display_p3_profile(&icc_len);
    struct buf b;
    buf_init(&b);
    make_png(&b, w, h, 8, 2, px, icc, icc_len);
    struct session s;
    session_open(&s, "cache-p3");
    s.cfg.widths[0] = 64;
    s.cfg.nwidths = 1;
    char *path = write_tmp("p3.png", b.data, b.len);
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    CHECK_STR(r.mime, "image/jpeg");
    struct pixels p;
    if (r.count && load(r.variants[0].cache_path, &p) == 0) {
        CHECK(check_colour(&p, 12, 12, want, 4));
        stbi_image_free(p.px);
    }
    image_result_release(&r);
    free(path);
    CHECK_INT(s.d.warnings, 0);
    session_close(&s);
    buf_release(&b);
    free(icc);
    free(px);
}

static void sixteen_bit_png(void)
{
    /* 0xC8C8 0x6464 0x3232 is (200, 100, 50) at 8 bits. */
    const unsigned char c[6] = {0xC8, 0xC8, 0x64, 0x64, 0x32, 0x32};
    unsigned char *px = flat(40, 40, 6, c);
    struct buf b;
    buf_init(&b);
    make_png(&b, 40, 40, 16, 2, px, NULL, 0);
    struct session s;
    session_open(&s, "cache-16");
    struct image_result r;
    struct pixels p;
    CHECK_INT(run_one(&s, "deep.png", b.data, b.len, &r, &p), 0);
    CHECK_STR(r.mime, "image/png"); /* one colour: kept lossless */
    if (p.px) {
        CHECK_INT(p.w, 32);
        CHECK(check_colour(&p, 10, 10, ((struct rgb){200, 100, 50}), 1));
        stbi_image_free(p.px);
    }
    image_result_release(&r);
    session_close(&s);
    buf_release(&b);
    free(px);
}

static void transparent_png_stays_png_and_is_flattened_for_print(void)
{
    /* Left half opaque red, right half fully transparent; bottom rows half-transparent blue. */
    unsigned w = 64, h = 64;
    unsigned char *px = xmalloc(w * h * 4);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            unsigned char *q = px + (y * w + x) * 4;
            if (y >= 48)
                q[0] = 0, q[1] = 0, q[2] = 255, q[3] = 128;
            else if (x < 32)
                q[0] = 255, q[1] = 0, q[2] = 0, q[3] = 255;
            else
                q[0] = q[1] = q[2] = q[3] = 0;
        }
    struct buf b;
    buf_init(&b);
    make_png(&b, w, h, 8, 6, px, NULL, 0);
    struct session s;
    session_open(&s, "cache-alpha");
    CHECK_INT(image_parse_color("#0f0", s.cfg.background), 0);
    s.cfg.widths[0] = 64;
    s.cfg.nwidths = 1;
    char *path = write_tmp("logo.png", b.data, b.len);
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    CHECK_STR(r.mime, "image/png");
    struct pixels p;
    if (r.count && load(r.variants[0].cache_path, &p) == 0) {
        CHECK_INT(p.n, 4);
        CHECK(check_colour(&p, 10, 10, RED, 0) && at(&p, 10, 10)[3] == 255);
        CHECK(at(&p, 50, 10)[3] == 0);
        CHECK(abs(at(&p, 10, 56)[3] - 128) <= 1 && check_colour(&p, 10, 56, BLUE, 1));
        stbi_image_free(p.px);
    }
    CHECK(r.count && strstr(r.variants[0].public_path, ".png") != NULL);
    image_result_release(&r);
    /* Print is always JPEG: transparency becomes the background colour (green here). */
    struct image_variant v;
    CHECK_INT(image_print(session_ctx(&s), path, NULL, 0, 0, 5.0, &v), 0);
    if (v.cache_path && load(v.cache_path, &p) == 0) {
        CHECK_INT(p.w, 59); /* 5 mm at 300 dpi */
        CHECK(check_colour(&p, 5, 5, RED, 6));
        CHECK(check_colour(&p, 53, 5, GREEN, 6));
        CHECK(check_colour(&p, 5, 55, ((struct rgb){0, 127, 128}), 6));
        stbi_image_free(p.px);
    }
    image_variant_release(&v);
    free(path);
    session_close(&s);
    buf_release(&b);
    free(px);
}

static void widths_are_never_enlarged(void)
{
    unsigned char c[3] = {10, 20, 30};
    unsigned char *px = flat(800, 600, 3, c);
    px[0] = 200; /* two colours: still a PNG source of few colours */
    struct buf b;
    buf_init(&b);
    make_png(&b, 800, 600, 8, 2, px, NULL, 0);
    char *path = write_tmp("wide.png", b.data, b.len);
    struct session s;
    session_open(&s, "cache-widths");
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    CHECK_INT(r.count, 3);
    if (r.count == 3) {
        CHECK_INT(r.variants[0].width, 320);
        CHECK_INT(r.variants[0].height, 240);
        CHECK_INT(r.variants[1].width, 640);
        CHECK_INT(r.variants[2].width, 800);
        CHECK_INT(r.variants[2].height, 600);
        CHECK(strncmp(r.variants[1].public_path, "img/wide-", 9) == 0);
        CHECK(strstr(r.variants[1].public_path, "-640.png") != NULL);
        char *srcset = image_srcset(&r, "../");
        char *want = xasprintf("../%s 320w, ../%s 640w, ../%s 800w", r.variants[0].public_path,
                               r.variants[1].public_path, r.variants[2].public_path);
        CHECK_STR(srcset, want);
        free(srcset);
        free(want);
    }
    image_result_release(&r);
    session_close(&s);
    free(path);
    buf_release(&b);
    free(px);
}

static void wrong_extension_and_extreme_shapes(void)
{
    struct session s;
    session_open(&s, "cache-shapes");
    struct buf b;
    buf_init(&b);
    unsigned char c[3] = {0, 128, 255};
    unsigned char *px = flat(50, 40, 3, c);
    make_png(&b, 50, 40, 8, 2, px, NULL, 0);
    free(px);
    /* A PNG named .jpg is read as what it is. */
    char *path = write_tmp("actually-png.jpg", b.data, b.len);
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r), 0);
    CHECK_STR(r.mime, "image/png");
    CHECK_INT(r.count, 1);
    CHECK(r.count && strstr(r.variants[0].public_path, "img/actually-png-") &&
          strstr(r.variants[0].public_path, "-50.png"));
    image_result_release(&r);
    free(path);

    /* A 1 x 100000 strip and a 100000 x 1 line are refused from the header (a page a hundred
     * screens tall, or a line); a 6:1 panorama is a picture. */
    static const struct {
        unsigned w, h;
        int ok;
    } shapes[] = {{1, 100000, 0}, {100000, 1, 0}, {26, 1, 0}, {1200, 200, 1}, {25, 1, 1}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        buf_reset(&b);
        px = xcalloc((size_t)shapes[i].w * shapes[i].h, 1);
        make_png(&b, shapes[i].w, shapes[i].h, 8, 0, px, NULL, 0);
        free(px);
        path = write_tmp("shape.png", b.data, b.len);
        struct diag *d = &s.d;
        size_t before = d->len;
        int rc = image_process(session_ctx(&s), path, "content/a.md", 1, 1, &r);
        CHECK_INT(rc, shapes[i].ok ? 0 : -1);
        CHECK_INT(d->len, before + !shapes[i].ok);
        if (!shapes[i].ok && d->len == before + 1) {
            char *got = diag_format(&d->msgs[before]);
            char *want = xasprintf("content/a.md:1:1: error: the picture %s is %u × %u pixels, a "
                                   "strip too thin to show on a page (one side may be at most "
                                   "25 times the other); crop it",
                                   path, shapes[i].w, shapes[i].h);
            CHECK_STR(got, want);
            free(got);
            free(want);
        }
        if (shapes[i].ok)
            CHECK(r.count >= 1 && r.width == shapes[i].w && r.height == shapes[i].h);
        image_result_release(&r);
        unlink(path);
        free(path);
    }
    CHECK_INT(diag_error_count(&s.d), 3);
    session_close(&s);
    buf_release(&b);
}

/* Each broken input and the one message it must give (after "content/a.md:4:2: error: the
 * picture PATH "). */
static void broken_files_give_clear_errors(void)
{
    struct buf good, b;
    buf_init(&good);
    buf_init(&b);
    unsigned char *px = xmalloc(256 * 256 * 3);
    for (size_t i = 0; i < 256 * 256 * 3; i++)
        px[i] = (unsigned char)(i * 7919 >> 3);
    struct jpeg_opts o = {TJPF_RGB, 0, 0, 0, NULL, 0};
    make_jpeg(&good, px, 256, 256, &o);
    free(px);
    struct session s;
    session_open(&s, "cache-broken");
    struct {
        const char *name;
        int kind;
        const char *message;
    } cases[] = {
        {"empty.jpg", 0, "is empty (0 bytes); copy it again from the camera or computer"},
        {"cut.jpg", 1, "is cut off: the file ends before the picture does"},
        {"arith.jpg", 2,
         "is an arithmetic-coded JPEG, which kairan cannot read; open it and "
         "save it again as an ordinary JPEG"},
        {"bomb.jpg", 3,
         "is 65000 × 65000 pixels (4225 megapixels); kairan takes pictures of "
         "at most 50 megapixels, so make it smaller"},
        {"bomb.png", 4,
         "is 100000 × 100000 pixels (10000 megapixels); kairan takes pictures "
         "of at most 50 megapixels, so make it smaller"},
        {"iphone.heic", 5,
         "is a HEIC photo (the iPhone's own format), which kairan cannot read; "
         "save it as JPEG instead (on the iPhone: Settings > Camera > Formats "
         "> Most Compatible)"},
        {"notes.jpg", 6,
         "is not a picture kairan can read (it reads JPEG, PNG, GIF, BMP, PSD "
         "and TGA)"},
        {"broken.png", 7, "is damaged or cut off"},
        {"missing.jpg", 8, "is not there; check the file name and folder"},
        {"strip.png", 10,
         "is 1 × 100000 pixels, a strip too thin to show on a page (one side may be at most "
         "25 times the other); crop it"},
        {"header.jpg", 9, "is damaged: its JPEG header cannot be read"},
        /* An IDAT whose length says 2 GiB in a file of 572 bytes (stb would reserve it). */
        {"claims.png", 11, "is damaged or cut off"},
        /* 24 × 16 pixels need 1168 bytes of rows; this one's unpack to 300,000. */
        {"unpacks.png", 12,
         "is damaged or too large: its picture data unpacks to far more than its width and "
         "height need; open it in a picture editor and save it again"},
        /* The same, interlaced. */
        {"interlaced.png", 13,
         "is damaged or too large: its picture data unpacks to far more than its width and "
         "height need; open it in a picture editor and save it again"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_reset(&b);
        switch (cases[i].kind) {
        case 1:
            buf_add(&b, good.data, good.len / 2);
            break;
        case 2:
        case 3:
            buf_add(&b, good.data, good.len);
            for (size_t k = 2; k + 9 < b.len; k++) {
                if ((unsigned char)b.data[k] == 0xFF && (unsigned char)b.data[k + 1] == 0xC0) {
                    if (cases[i].kind == 2) {
                        b.data[k + 1] = (char)0xC9;
                    } else { /* height and width fields of SOF0 */
                        b.data[k + 5] = (char)0xFD, b.data[k + 6] = (char)0xE8;
                        b.data[k + 7] = (char)0xFD, b.data[k + 8] = (char)0xE8;
                    }
                    break;
                }
            }
            break;
        case 4:
        case 10: {
            struct buf tiny;
            buf_init(&tiny);
            make_png(&tiny, 1, 1, 8, 2, (const unsigned char *)"abc", NULL, 0);
            buf_add(&b, tiny.data, tiny.len);
            /* width and height in IHDR: 100000 each, or 1 and 100000 (the CRC does not matter
             * to the check) */
            const unsigned char dim[8] = {0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0};
            memcpy(b.data + 16, dim, 8);
            if (cases[i].kind == 10)
                memcpy(b.data + 16, "\0\0\0\1", 4);
            uint32_t crc = crc32_of((const unsigned char *)b.data + 12, 17);
            for (int k = 0; k < 4; k++)
                b.data[29 + k] = (char)(crc >> (24 - 8 * k));
            buf_release(&tiny);
            break;
        }
        case 5:
            buf_add(&b,
                    "\0\0\0\x18"
                    "ftypheic\0\0\0\0mif1heic\0\0\0\0",
                    28);
            break;
        case 6:
            buf_puts(&b, "Meeting notes, not a photo.\n");
            break;
        case 7: {
            unsigned char c[3] = {1, 2, 3};
            unsigned char *f = flat(64, 64, 3, c);
            make_png(&b, 64, 64, 8, 2, f, NULL, 0);
            free(f);
            buf_truncate(&b, b.len - 2000);
            break;
        }
        case 9:
            buf_add(&b, "\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11);
            break;
        case 11: {
            make_png(&b, 24, 16, 8, 2, NULL, NULL, 0);
            buf_truncate(&b, 33); /* the signature and IHDR */
            buf_add(&b, "\x7F\xFF\xFF\xF0IDAT", 8);
            while (b.len < 572)
                buf_putc(&b, 0);
            break;
        }
        case 12:
        case 13:
            make_png_raw(&b, 24, 16, 2, cases[i].kind == 13, 300000);
            break;
        default:
            break;
        }
        char *path =
            cases[i].kind == 8 ? tmp_path(cases[i].name) : write_tmp(cases[i].name, b.data, b.len);
        struct diag *d = &s.d;
        size_t before = d->len;
        struct image_result r;
        CHECK_INT(image_process(session_ctx(&s), path, "content/a.md", 4, 2, &r), -1);
        CHECK_INT(r.count, 0);
        CHECK_INT(d->len, before + 1);
        if (d->len == before + 1) {
            char *got = diag_format(&d->msgs[before]);
            char *want =
                xasprintf("content/a.md:4:2: error: the picture %s %s", path, cases[i].message);
            CHECK_STR(got, want);
            free(got);
            free(want);
        }
        free(path);
    }
    struct image_stats st;
    image_ctx_stats(session_ctx(&s), &st);
    CHECK_INT(st.failed, sizeof cases / sizeof *cases);
    CHECK_INT(st.decoded, 0);
    session_close(&s);
    buf_release(&good);
    buf_release(&b);
}

/* The check of a PNG's data against its size lets through what stb reads: the exact rows, a
 * little more (some encoders write a spare row), interlaced passes, palettes. */
static void png_data_within_its_size_decodes(void)
{
    static const struct {
        unsigned w, h;
        int ct, interlaced;
        size_t raw;
    } cases[] = {
        {24, 16, 2, 0, 16 * (24 * 3 + 1)},     /* exactly the rows */
        {24, 16, 2, 0, 17 * (24 * 3 + 1)},     /* and one more row */
        {24, 16, 6, 0, 16 * (24 * 4 + 1)},     /* RGBA */
        {24, 16, 0, 0, 16 * (24 + 1)},         /* grey */
        /* Adam7: passes of 3×2, 3×2, 6×2, 6×4, 12×4, 12×8 and 24×8 pixels. */
        {24, 16, 2, 1, 2 * 10 + 2 * 10 + 2 * 19 + 4 * 19 + 4 * 37 + 8 * 37 + 8 * 73},
        {1, 1, 2, 1, 4}, /* only the first pass has a pixel */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct buf b;
        buf_init(&b);
        make_png_raw(&b, cases[i].w, cases[i].h, cases[i].ct, cases[i].interlaced, cases[i].raw);
        struct raster *r = NULL;
        const char *why = "(none)";
        int rc = raster_decode(b.data, b.len, 1000000, &r, &why);
        char name[64];
        snprintf(name, sizeof name, "png %zu (%s)", i, rc ? why : "ok");
        harness_case(name, rc == 0 && r && r->width == cases[i].w && r->height == cases[i].h);
        raster_free(r);
        buf_release(&b);
    }
}

static void megapixel_limit_is_configurable(void)
{
    static const unsigned char c[3] = {9, 9, 9};
    char *path = flat_jpeg("big.jpg", 1200, 1000, c);
    struct session s;
    session_open(&s, "cache-limit");
    s.cfg.max_megapixels = 1;
    struct image_result r;
    CHECK_INT(image_process(session_ctx(&s), path, NULL, 0, 0, &r), -1);
    char *got = harness_diag_text(&s.d);
    char *want = xasprintf("%s: error: the picture %s is 1200 × 1000 pixels (1 megapixels); "
                           "kairan takes pictures of at most 1 megapixels, so make it smaller\n",
                           path, path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    session_close(&s);
    free(path);
}

static void utime_later(const char *path)
{
    struct stat st;
    stat(path, &st);
    struct timespec t[2] = {st.st_atim, st.st_mtim};
    t[1].tv_sec += 10;
    utimensat(AT_FDCWD, path, t, 0);
}

static void second_build_decodes_nothing(void)
{
    struct rgb q[4] = {RED, GREEN, BLUE, WHITE};
    unsigned char *px = fill_quadrants(400, 300, q);
    struct buf b;
    buf_init(&b);
    struct jpeg_opts o = {TJPF_RGB, 0, 0, 0, NULL, 0};
    make_jpeg(&b, px, 400, 300, &o);
    char *a = write_tmp("cache-a.jpg", b.data, b.len);
    char *c = write_tmp("cache-c.png", "\x89PNG\r\n\x1a\n", 8); /* broken: never cached */
    char *first_public = NULL;
    for (int build = 0; build < 4; build++) {
        struct session s;
        session_open(&s, "cache-builds");
        s.cfg.widths[0] = 100, s.cfg.widths[1] = 200, s.cfg.nwidths = 2;
        struct image_ctx *ctx = session_ctx(&s);
        struct image_result r;
        CHECK_INT(image_process(ctx, a, "content/a.md", 1, 1, &r), 0);
        CHECK_INT(image_process(ctx, c, "content/a.md", 2, 1, &(struct image_result){0}), -1);
        struct image_variant v;
        CHECK_INT(image_print(ctx, a, "content/a.md", 1, 1, 20.0, &v), 0);
        CHECK_INT(v.width, 236);
        image_variant_release(&v);
        CHECK_INT(image_ctx_save(ctx), 0);
        struct image_stats st;
        image_ctx_stats(ctx, &st);
        if (build == 0) {
            CHECK_INT(st.decoded, 2); /* web and print */
            CHECK_INT(st.cache_hits, 0);
            first_public = xstrdup(r.count ? r.variants[0].public_path : "");
        } else if (build == 1) {
            CHECK_INT(st.decoded, 0); /* nothing changed: nothing decoded, a not even read */
            CHECK_INT(st.cache_hits, 2);
            CHECK_INT(st.read, 1); /* only the broken one, every time */
            CHECK(r.count && strcmp(r.variants[0].public_path, first_public) == 0);
            utime_later(a); /* touched, same content */
        } else if (build == 2) {
            CHECK_INT(st.decoded, 0); /* read again to be sure, but not decoded */
            CHECK_INT(st.read, 2);
            CHECK_INT(st.cache_hits, 2);
            /* now change the content */
            px[0] = 0, px[1] = 0, px[2] = 0;
            buf_reset(&b);
            make_jpeg(&b, px, 400, 300, &o);
            free(a);
            a = write_tmp("cache-a.jpg", b.data, b.len);
            utime_later(a);
        } else {
            CHECK_INT(st.decoded, 2);
            CHECK(r.count && strcmp(r.variants[0].public_path, first_public) != 0);
        }
        for (size_t i = 0; i < r.count; i++)
            CHECK(fs_is_file(r.variants[i].cache_path));
        image_result_release(&r);
        session_close(&s);
    }
    /* kairan clean --cache */
    struct diag d;
    diag_init(&d);
    char *cache = tmp_path("cache-builds");
    char *img = fs_join(cache, "img");
    CHECK(fs_is_dir(img));
    CHECK_INT(image_cache_clean(&d, cache), 0);
    CHECK(!fs_is_dir(img));
    diag_release(&d);
    free(img);
    free(cache);
    free(first_public);
    free(a);
    free(c);
    buf_release(&b);
    free(px);
}

static void print_warns_when_the_photo_is_too_small(void)
{
    static const unsigned char c[3] = {100, 150, 200};
    char *path = flat_jpeg("small.jpg", 1000, 500, c);
    struct session s;
    session_open(&s, "cache-print");
    struct image_variant v;
    CHECK_INT(image_print(session_ctx(&s), path, "content/b.md", 7, 3, 100.0, &v), 0);
    CHECK_INT(v.width, 1000);
    CHECK_INT(v.height, 500);
    CHECK(strncmp(v.public_path, "img/print/small-", 16) == 0);
    image_variant_release(&v);
    CHECK_INT(image_print(session_ctx(&s), path, "content/b.md", 9, 3, 50.0, &v), 0);
    CHECK_INT(v.width, 591);
    CHECK_INT(v.height, 296);
    struct pixels p;
    if (load(v.cache_path, &p) == 0) {
        CHECK_INT(p.w, 591);
        CHECK(check_colour(&p, 300, 150, ((struct rgb){100, 150, 200}), 2));
        stbi_image_free(p.px);
    }
    image_variant_release(&v);
    CHECK_INT(image_print(session_ctx(&s), path, "content/b.md", 11, 3, 0.0, &v), -1);
    char *got = harness_diag_text(&s.d);
    char *want = xasprintf(
        "content/b.md:7:3: warning: the picture %s is only 254 dpi at 100 mm wide (print needs "
        "300 dpi, so a picture at least 1181 pixels wide); it may look blurred in print\n"
        "content/b.md:11:3: error: the picture %s is placed 0 mm wide, which cannot be "
        "printed\n",
        path, path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    session_close(&s);
    free(path);
}

struct thread_job {
    struct image_ctx *ctx;
    char *path;
    int rc;
    unsigned width;
};

static void *thread_main(void *arg)
{
    struct thread_job *j = arg;
    struct image_result r;
    j->rc = image_process(j->ctx, j->path, "content/a.md", 1, 1, &r);
    j->width = r.width;
    image_result_release(&r);
    return NULL;
}

static void many_threads_at_once(void)
{
    struct session s;
    session_open(&s, "cache-threads");
    struct image_ctx *ctx = session_ctx(&s);
    image_ctx_expect(ctx, 8);
    struct thread_job jobs[8];
    pthread_t t[8];
    for (unsigned i = 0; i < 8; i++) {
        struct rgb q[4] = {RED, GREEN, BLUE, {(unsigned char)(i * 30), 0, 0}};
        unsigned char *px = fill_quadrants(300 + i * 100, 200, q);
        struct buf b;
        buf_init(&b);
        struct jpeg_opts o = {TJPF_RGB, 0, (int)(i % 8) + 1, 0, NULL, 0};
        make_jpeg(&b, px, 300 + i * 100, 200, &o);
        char name[32];
        snprintf(name, sizeof name, "thread%u.jpg", i);
        jobs[i] = (struct thread_job){ctx, write_tmp(name, b.data, b.len), -1, 0};
        buf_release(&b);
        free(px);
    }
    for (unsigned i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, thread_main, &jobs[i]);
    for (unsigned i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(jobs[i].rc, 0);
        CHECK_INT(jobs[i].width, i % 8 + 1 >= 5 ? 200 : 300 + i * 100);
        free(jobs[i].path);
    }
    struct image_stats st;
    image_ctx_stats(ctx, &st);
    CHECK_INT(st.decoded, 8);
    session_close(&s);
}

static void meta_reads_orientation_in_both_byte_orders(void)
{
    for (int big = 0; big <= 1; big++) {
        for (int o = 1; o <= 8; o++) {
            struct buf b;
            buf_init(&b);
            buf_add(&b, "\xFF\xD8", 2);
            exif_segment(&b, o, big);
            buf_add(&b, "\xFF\xD9", 2);
            struct meta m;
            meta_read(b.data, b.len, &m);
            CHECK_INT(m.format, META_JPEG);
            CHECK_INT(m.orientation, o);
            meta_release(&m);
            buf_release(&b);
        }
    }
    /* Out of range, or cut short: taken as upright. */
    struct buf b;
    buf_init(&b);
    buf_add(&b, "\xFF\xD8", 2);
    exif_segment(&b, 9, 0);
    struct meta m;
    meta_read(b.data, b.len, &m);
    CHECK_INT(m.orientation, 1);
    meta_release(&m);
    meta_read(b.data, 30, &m);
    CHECK_INT(m.orientation, 1);
    meta_release(&m);
    buf_release(&b);
}

static void parse_colour(void)
{
    unsigned char c[3] = {1, 2, 3};
    CHECK_INT(image_parse_color("#fff", c), 0);
    CHECK(c[0] == 255 && c[1] == 255 && c[2] == 255);
    CHECK_INT(image_parse_color("#1a2B3c", c), 0);
    CHECK(c[0] == 0x1a && c[1] == 0x2b && c[2] == 0x3c);
    CHECK_INT(image_parse_color("white", c), -1);
    CHECK_INT(image_parse_color("#12345", c), -1);
    CHECK_INT(image_parse_color("#ggg", c), -1);
}

int main(void)
{
    if (harness_tmpdir(tmpdir, "image") != 0)
        return 1;
    RUN(every_exif_orientation_is_applied);
    RUN(location_and_camera_data_never_reach_the_site);
    RUN(progressive_jpeg);
    RUN(cmyk_jpeg_without_and_with_profile);
    RUN(adobe_rgb_jpeg_is_converted_to_srgb);
    RUN(display_p3_png_is_converted_to_srgb);
    RUN(sixteen_bit_png);
    RUN(transparent_png_stays_png_and_is_flattened_for_print);
    RUN(widths_are_never_enlarged);
    RUN(wrong_extension_and_extreme_shapes);
    RUN(broken_files_give_clear_errors);
    RUN(png_data_within_its_size_decodes);
    RUN(megapixel_limit_is_configurable);
    RUN(second_build_decodes_nothing);
    RUN(print_warns_when_the_photo_is_too_small);
    RUN(many_threads_at_once);
    RUN(meta_reads_orientation_in_both_byte_orders);
    RUN(parse_colour);
    harness_remove_tree(tmpdir);
    return HARNESS_DONE();
}
