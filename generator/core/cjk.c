/* cjk: Japanese-aware text helpers. */
#include "core/cjk.h"

#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

uint32_t cjk_decode(const char *s, size_t n, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t need;
    uint32_t cp, min;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    } else if ((u[0] & 0xE0) == 0xC0) {
        need = 2, cp = u[0] & 0x1F, min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        need = 3, cp = u[0] & 0x0F, min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        need = 4, cp = u[0] & 0x07, min = 0x10000;
    } else {
        *len = 1;
        return 0xFFFD;
    }
    if (n < need) {
        *len = 1;
        return 0xFFFD;
    }
    for (size_t i = 1; i < need; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = cp << 6 | (u[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *len = 1;
        return 0xFFFD;
    }
    *len = need;
    return cp;
}

uint32_t cjk_decode_last(const char *s, size_t n)
{
    size_t start = n - 1;
    /* Back up over at most three continuation bytes to the lead byte. */
    while (start > 0 && n - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    size_t len;
    uint32_t cp = cjk_decode(s + start, n - start, &len);
    return start + len == n ? cp : 0xFFFD;
}

size_t cjk_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int cjk_is_wide(uint32_t cp)
{
    if (cp < 0x2E80)
        return 0;
    if (cp <= 0x303E) /* CJK radicals, Kangxi, CJK symbols and punctuation */
        return 1;
    if (cp >= 0x3041 && cp <= 0x33FF) /* kana, bopomofo, kanbun, enclosed, compatibility */
        return !(cp >= 0x3131 && cp <= 0x318E); /* but not Hangul compatibility jamo */
    if (cp >= 0x3400 && cp <= 0x4DBF)           /* CJK extension A */
        return 1;
    if (cp >= 0x4E00 && cp <= 0x9FFF) /* CJK unified ideographs */
        return 1;
    if (cp >= 0xF900 && cp <= 0xFAFF) /* CJK compatibility ideographs */
        return 1;
    if ((cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F)) /* vertical forms */
        return 1;
    if (cp >= 0xFF01 && cp <= 0xFF9F) /* fullwidth forms, halfwidth katakana */
        return 1;
    if (cp >= 0xFFE0 && cp <= 0xFFE6)
        return 1;
    if (cp >= 0x1B000 && cp <= 0x1B16F) /* kana supplement and extensions */
        return 1;
    if (cp >= 0x20000 && cp <= 0x3FFFD) /* CJK extensions B and later */
        return 1;
    return 0;
}

int cjk_is_sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF61;
}

size_t cjk_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* Separators become '-' in a slug; punctuation and symbols are dropped. */
static int slug_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '-' || cp == 0x3000 || cp == 0x30FB ||
           cp == 0xFF0D || (cp >= 0x2000 && cp <= 0x200A);
}

static int slug_is_dropped(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || cp == '_');
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
           (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3001 && cp <= 0x3004) ||
           (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 || cp == 0x303D ||
           (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFFD;
}

/* Whether an id may start with cp under the XML 1.0 (fourth edition) Name rules that DTD
 * validation of the print edition applies; others get a prefix. */
static int slug_starts_name(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || cp == '_' || (cp >= 0x3041 && cp <= 0x3094) ||
           (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x4E00 && cp <= 0x9FA5) || cp == 0x3007 ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

/* The characters of a slug (as_id: of an id, with case, fullwidth forms and '.' kept), runs of
 * separators as one '-', none at either end; first is set to the first character. */
static void slug_chars(const char *s, size_t n, int as_id, struct buf *b, uint32_t *first)
{
    int dash = 0;
    *first = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = cjk_decode(s + i, n - i, &len);
        i += len;
        uint32_t folded = cp;
        if (cp >= 'A' && cp <= 'Z')
            folded += 'a' - 'A';
        else if (cp >= 0xFF10 && cp <= 0xFF19) /* fullwidth digits and letters: as ASCII */
            folded = cp - 0xFF10 + '0';
        else if (cp >= 0xFF21 && cp <= 0xFF3A)
            folded = cp - 0xFF21 + 'a';
        else if (cp >= 0xFF41 && cp <= 0xFF5A)
            folded = cp - 0xFF41 + 'a';
        if (!as_id)
            cp = folded;
        if (slug_is_space(cp) && !(as_id && cp == '-')) {
            dash = b->len > 0;
            continue;
        }
        if (slug_is_dropped(folded) && cp != '-' && !(as_id && cp == '.'))
            continue;
        if (dash)
            buf_putc(b, '-');
        dash = 0;
        if (b->len == 0)
            *first = cp;
        char enc[4];
        buf_add(b, enc, cjk_encode(cp, enc));
    }
}

char *cjk_slug(const char *s, size_t n)
{
    struct buf b;
    buf_init(&b);
    uint32_t first;
    slug_chars(s, n, 0, &b, &first);
    if (b.len == 0) {
        buf_release(&b);
        return xstrdup("section");
    }
    if (!slug_starts_name(first)) {
        struct buf p;
        buf_init(&p);
        buf_puts(&p, "h-");
        buf_add(&p, b.data, b.len);
        buf_release(&b);
        return buf_detach(&p, NULL);
    }
    return buf_detach(&b, NULL);
}

char *cjk_id(const char *s, size_t n)
{
    struct buf b;
    buf_init(&b);
    uint32_t first;
    slug_chars(s, n, 1, &b, &first);
    return buf_detach(&b, NULL);
}

unsigned cjk_reading_minutes(const char *s, size_t n)
{
    size_t wide = 0, words = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = cjk_decode(s + i, n - i, &len);
        i += len;
        if (cjk_is_wide(cp)) {
            wide++;
            in_word = 0;
        } else if (cp <= ' ' || cp == 0xA0) {
            in_word = 0;
        } else if (!in_word) {
            words++;
            in_word = 1;
        }
    }
    if (wide == 0 && words == 0)
        return 0;
    /* wide / 500 + words / 200, rounded up: in thousandths of a minute. */
    size_t milli = wide * 2 + words * 5;
    return (unsigned)((milli + 999) / 1000);
}
