#include "core/kana.h"

#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/xalloc.h"

/* Decodes the character at s (NUL-terminated); returns its length in bytes. */
static int utf8_next(const unsigned char *s, unsigned *cp)
{
    size_t len;
    *cp = cjk_decode((const char *)s, strlen((const char *)s), &len);
    return (int)len;
}

/* Plain (清音, full-size) hiragana for each hiragana from U+3041 to U+3096, so that が sorts
 * with か and ゃ with や. Written out as the base character of each code point. */
static const char plain[] =
    "ぁあぃいぅうぇえぉおかかききくくけけここささししすすせせそそたたちちっつつててととなにぬねの"
    "はははひひひふふふへへへほほほまみむめもゃやゅゆょよらりるれろ"
    "ゎわゐゑをんうかけ";

static unsigned plain_of(unsigned cp)
{
    if (cp >= 0x30A1 && cp <= 0x30F6)
        cp -= 0x60; /* katakana → hiragana */
    if (cp < 0x3041 || cp > 0x3096)
        return cp;
    /* Each entry in plain[] is 3 bytes of UTF-8. */
    const unsigned char *p = (const unsigned char *)plain + 3 * (cp - 0x3041);
    unsigned base;
    utf8_next(p, &base);
    /* Small kana sort as their large forms. */
    switch (base) {
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049:
    case 0x3063: case 0x3083: case 0x3085: case 0x3087: case 0x308E:
        return base + 1;
    }
    return base;
}

static int is_hiragana(unsigned cp)
{
    return cp >= 0x3041 && cp <= 0x3096;
}

int kana_row(const char *reading)
{
    unsigned cp;
    utf8_next((const unsigned char *)reading, &cp);
    cp = plain_of(cp);
    if (!is_hiragana(cp))
        return -1;
    static const unsigned starts[] = {0x3042, 0x304B, 0x3055, 0x305F, 0x306A,
                                      0x306F, 0x307E, 0x3084, 0x3089, 0x308F};
    int row = -1;
    for (int i = 0; i < 10; i++)
        if (cp >= starts[i])
            row = i;
    return row < 0 ? 0 : row;
}

const char *kana_row_label(int row)
{
    static const char *const labels[] = {"あ", "か", "さ", "た", "な",
                                         "は", "ま", "や", "ら", "わ"};
    return row >= 0 && row < 10 ? labels[row] : "その他";
}

static void put_cp(struct buf *b, unsigned cp)
{
    char out[4];
    buf_add(b, out, cjk_encode(cp, out));
}

/* The vowel row of a plain hiragana, for ー: かー sorts as かあ. */
static unsigned vowel_of(unsigned cp)
{
    static const unsigned vowels[] = {0x3042, 0x3044, 0x3046, 0x3048, 0x304A};
    if (!is_hiragana(cp))
        return cp;
    /* Index within the 50音 grid by a lookup of the plain forms. */
    static const char grid[] = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"
                               "やいゆえよらりるれろわいうえを";
    for (unsigned i = 0; i < 50; i++) {
        unsigned g;
        utf8_next((const unsigned char *)grid + 3 * i, &g);
        if (g == cp)
            return vowels[i % 5];
    }
    return cp == 0x3093 ? 0x3093 : cp;
}

char *kana_sort_key(const char *reading)
{
    /* Primary key: plain kana; then a separator; then the original, so that が follows か when
     * everything else is equal. */
    struct buf b;
    buf_init(&b);
    const unsigned char *s = (const unsigned char *)reading;
    unsigned prev = 0;
    while (*s) {
        unsigned cp;
        s += utf8_next(s, &cp);
        unsigned p = plain_of(cp);
        if (cp == 0x30FC && prev)
            p = vowel_of(prev);
        else if (!is_hiragana(p))
            p = 0xF0000 + (p & 0xFFFF); /* anything else after all kana, in its own order */
        put_cp(&b, p);
        prev = p;
    }
    buf_putc(&b, '\x01');
    buf_puts(&b, reading);
    return buf_detach(&b, NULL);
}
