#include "media/meta.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static unsigned get16(const unsigned char *p, int big)
{
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static unsigned long get32(const unsigned char *p, int big)
{
    return big ? (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
                     p[3]
               : (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 |
                     p[0];
}

int meta_exif_orientation(const unsigned char *tiff, size_t len)
{
    if (len < 8)
        return 1;
    int big;
    if (memcmp(tiff, "II*\0", 4) == 0)
        big = 0;
    else if (memcmp(tiff, "MM\0*", 4) == 0)
        big = 1;
    else
        return 1;
    unsigned long ifd = get32(tiff + 4, big);
    if (ifd > len - 2)
        return 1;
    unsigned count = get16(tiff + ifd, big);
    for (unsigned i = 0; i < count; i++) {
        unsigned long at = ifd + 2 + 12ul * i;
        if (at + 12 > len)
            break;
        const unsigned char *e = tiff + at;
        /* Tag 0x0112, type SHORT, one value: stored in the first two bytes of the value field. */
        if (get16(e, big) == 0x0112 && get16(e + 2, big) == 3 && get32(e + 4, big) == 1) {
            unsigned v = get16(e + 8, big);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

static enum meta_format sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return META_JPEG;
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return META_PNG;
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return META_GIF;
    if (n >= 2 && p[0] == 'B' && p[1] == 'M')
        return META_BMP;
    if (n >= 4 && memcmp(p, "8BPS", 4) == 0)
        return META_PSD;
    if (n >= 3 && p[0] == 'P' && (p[1] == '5' || p[1] == '6') &&
        (p[2] == ' ' || p[2] == '\n' || p[2] == '\r' || p[2] == '\t'))
        return META_PNM;
    if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
        const unsigned char *b = p + 8;
        if (memcmp(b, "avif", 4) == 0 || memcmp(b, "avis", 4) == 0)
            return META_AVIF;
        static const char *const heif[] = {"heic", "heix", "hevc", "hevx",
                                           "heim", "heis", "mif1", "msf1"};
        for (size_t i = 0; i < sizeof heif / sizeof *heif; i++)
            if (memcmp(b, heif[i], 4) == 0)
                return META_HEIC;
    }
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return META_WEBP;
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return META_TIFF;
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
        i++;
    if (n - i >= 5 && (memcmp(p + i, "<?xml", 5) == 0 || memcmp(p + i, "<svg", 4) == 0))
        return META_SVG;
    return META_UNKNOWN;
}

/* ICC profiles larger than one APP2 segment are split into numbered chunks (1-based,
 * up to 255); they are joined only when every chunk is present exactly once. */
struct icc_chunks {
    const unsigned char *data[256];
    size_t len[256];
    unsigned count;
    int bad;
};

static void icc_add(struct icc_chunks *c, const unsigned char *p, size_t n)
{
    /* "ICC_PROFILE\0", sequence number, count */
    unsigned seq = p[12], count = p[13];
    if (seq == 0 || count == 0 || seq > count || (c->count && c->count != count) || c->data[seq]) {
        c->bad = 1;
        return;
    }
    c->count = count;
    c->data[seq] = p + 14;
    c->len[seq] = n - 14;
}

static void icc_join(struct icc_chunks *c, struct meta *m)
{
    if (c->bad || c->count == 0)
        return;
    size_t total = 0;
    for (unsigned i = 1; i <= c->count; i++) {
        if (!c->data[i])
            return;
        total += c->len[i];
    }
    if (total == 0)
        return;
    m->icc = xmalloc(total);
    m->icc_len = total;
    size_t at = 0;
    for (unsigned i = 1; i <= c->count; i++) {
        memcpy(m->icc + at, c->data[i], c->len[i]);
        at += c->len[i];
    }
}

static enum meta_coding coding_of(unsigned marker)
{
    switch (marker) {
    case 0xC0:
    case 0xC1:
        return META_CODING_BASELINE;
    case 0xC2:
        return META_CODING_PROGRESSIVE;
    case 0xC3:
        return META_CODING_LOSSLESS;
    case 0xC5:
    case 0xC6:
    case 0xC7:
        return META_CODING_HIERARCHICAL;
    default:
        return META_CODING_ARITHMETIC; /* C9-CB, CD-CF */
    }
}

static int is_sof(unsigned marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

static void read_jpeg(const unsigned char *p, size_t n, struct meta *m)
{
    struct icc_chunks icc;
    memset(&icc, 0, sizeof icc);
    int have_exif = 0;
    size_t at = 2;
    while (at + 4 <= n) {
        if (p[at] != 0xFF)
            break;
        unsigned marker = p[at + 1];
        if (marker == 0xFF) { /* fill byte */
            at++;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            at += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) /* end of image, start of scan: no more metadata */
            break;
        size_t seglen = get16(p + at + 2, 1);
        if (seglen < 2 || seglen > n - at - 2)
            break;
        const unsigned char *s = p + at + 4;
        size_t slen = seglen - 2;
        if (marker == 0xE1 && !have_exif && slen >= 6 && memcmp(s, "Exif\0\0", 6) == 0) {
            have_exif = 1;
            m->orientation = meta_exif_orientation(s + 6, slen - 6);
        } else if (marker == 0xE2 && slen >= 14 && memcmp(s, "ICC_PROFILE\0", 12) == 0) {
            icc_add(&icc, s, slen);
        } else if (marker == 0xEE && slen >= 12 && memcmp(s, "Adobe", 5) == 0) {
            m->adobe_transform = s[11];
        } else if (is_sof(marker) && m->coding == META_CODING_NONE) {
            m->coding = coding_of(marker);
        }
        at += 2 + seglen;
    }
    icc_join(&icc, m);
}

static void read_png(const unsigned char *p, size_t n, struct meta *m)
{
    size_t at = 8;
    int have_exif = 0;
    while (at + 12 <= n) {
        unsigned long len = get32(p + at, 1);
        const unsigned char *type = p + at + 4;
        if (len > n - at - 12)
            break;
        const unsigned char *d = p + at + 8;
        if (memcmp(type, "iCCP", 4) == 0 && !m->icc) {
            /* profile name (1-79 bytes), NUL, compression method 0, zlib data */
            const unsigned char *nul = memchr(d, 0, len < 80 ? len : 80);
            if (nul && nul > d && (size_t)(nul - d) + 2 < len && nul[1] == 0) {
                size_t skip = (size_t)(nul - d) + 2;
                m->icc_len = len - skip;
                m->icc = xmalloc(m->icc_len);
                memcpy(m->icc, d + skip, m->icc_len);
                m->icc_deflated = 1;
            }
        } else if (memcmp(type, "eXIf", 4) == 0 && !have_exif) {
            have_exif = 1;
            m->orientation = meta_exif_orientation(d, len);
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        }
        at += 12 + len;
    }
}

static void read_size(const unsigned char *p, size_t n, struct meta *m)
{
    unsigned long w = 0, h = 0;
    if (m->format == META_PNG && n >= 24 && memcmp(p + 12, "IHDR", 4) == 0) {
        w = get32(p + 16, 1), h = get32(p + 20, 1);
    } else if (m->format == META_GIF && n >= 10) {
        w = get16(p + 6, 0), h = get16(p + 8, 0);
    } else if (m->format == META_BMP && n >= 26) {
        w = get32(p + 18, 0), h = get32(p + 22, 0);
        if (h & 0x80000000ul) /* negative: rows stored top down */
            h = (0xFFFFFFFFul - h + 1) & 0xFFFFFFFFul;
        if (w & 0x80000000ul)
            w = 0;
    } else if (m->format == META_PSD && n >= 22) {
        h = get32(p + 14, 1), w = get32(p + 18, 1);
    }
    if (w && h && w <= 0xFFFFFFFFul && h <= 0xFFFFFFFFul) {
        m->width = (unsigned)w;
        m->height = (unsigned)h;
    }
}

void meta_read(const void *data, size_t len, struct meta *m)
{
    memset(m, 0, sizeof *m);
    m->orientation = 1;
    m->adobe_transform = -1;
    m->format = sniff(data, len);
    read_size(data, len, m);
    if (m->format == META_JPEG)
        read_jpeg(data, len, m);
    else if (m->format == META_PNG)
        read_png(data, len, m);
}

void meta_release(struct meta *m)
{
    free(m->icc);
    m->icc = NULL;
    m->icc_len = 0;
}

const char *meta_format_name(enum meta_format f)
{
    switch (f) {
    case META_JPEG:
        return "JPEG";
    case META_PNG:
        return "PNG";
    case META_GIF:
        return "GIF";
    case META_BMP:
        return "BMP";
    case META_PSD:
        return "Photoshop (PSD)";
    case META_PNM:
        return "PNM";
    case META_HEIC:
        return "HEIC";
    case META_AVIF:
        return "AVIF";
    case META_WEBP:
        return "WebP";
    case META_TIFF:
        return "TIFF";
    case META_SVG:
        return "SVG";
    case META_UNKNOWN:
        break;
    }
    return "unknown";
}
