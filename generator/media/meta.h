/* meta: what a picture file says about itself, read without decoding any pixels.
 * Sniffs the format from the first bytes and finds the EXIF orientation (JPEG APP1, PNG eXIf),
 * the embedded colour profile (JPEG APP2 ICC_PROFILE chunks, PNG iCCP), the Adobe APP14
 * colour transform and the JPEG coding process. Hand-written and bounds-checked: a damaged
 * file yields "not found" for what cannot be read, never a crash, so nothing here fails. */
#ifndef KAIRAN_META_H
#define KAIRAN_META_H

#include <stddef.h>

enum meta_format {
    META_UNKNOWN,
    META_JPEG,
    META_PNG,
    META_GIF,
    META_BMP,
    META_PSD,
    META_PNM,
    /* Recognised only to say clearly that kairan does not read them. */
    META_HEIC,
    META_AVIF,
    META_WEBP,
    META_TIFF,
    META_SVG,
};

/* The JPEG coding process, from the first SOF marker. */
enum meta_coding {
    META_CODING_NONE, /* not a JPEG, or no SOF before the image data */
    META_CODING_BASELINE,
    META_CODING_PROGRESSIVE,
    META_CODING_LOSSLESS,
    META_CODING_HIERARCHICAL,
    META_CODING_ARITHMETIC,
};

struct meta {
    enum meta_format format;
    /* The size the header claims (PNG, GIF, BMP, PSD); 0 when unknown. Read here because a
     * decompression bomb claims more than the decoders will even describe. */
    unsigned width, height;
    int orientation;    /* EXIF orientation 1-8; 1 when absent or out of range */
    unsigned char *icc; /* owned colour profile bytes, or NULL */
    size_t icc_len;
    int icc_deflated;    /* 1 when icc is still zlib-compressed (PNG iCCP) */
    int adobe_transform; /* JPEG APP14 transform (0, 1, 2), or -1 when there is no APP14 */
    enum meta_coding coding;
};

/* Fills m from the file's bytes; m owns what it points to. */
void meta_read(const void *data, size_t len, struct meta *m);
void meta_release(struct meta *m);
/* The format's everyday name ("JPEG", "HEIC"...), for messages. */
const char *meta_format_name(enum meta_format f);
/* The orientation from TIFF-structured EXIF data (starting at "II*\0" or "MM\0*"), or 1. */
int meta_exif_orientation(const unsigned char *tiff, size_t len);

#endif
