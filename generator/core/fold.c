#include "core/fold.h"

#include <pthread.h>
#include <stdlib.h>
#include <unicase.h>
#include <uninorm.h>

#include "core/cjk.h"
#include "core/xalloc.h"

/* White_Space as Unicode lists it; the script has the same list. */
static int is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* The folded form of a character that folds to one character on its own and can neither join
 * the character before it nor be changed by the one after it being a combining mark (it is a
 * starter that NFC never composes as a second character); 0 for every other character. Most
 * of a Japanese text is such characters. tests/unit/test_fold.c checks each against the
 * library. */
static uint32_t plain(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return cp + 0x20;
        return cp > 0x20 && cp < 0x7F ? cp : 0;
    }
    if (cp >= 0x3001 && cp <= 0x30FE) {
        if (cp >= 0x30A1 && cp <= 0x30F6)
            return cp - 0x60; /* katakana → hiragana */
        if (cp == 0x30FD || cp == 0x30FE)
            return cp - 0x60; /* ヽヾ → ゝゞ */
        if ((cp >= 0x3001 && cp <= 0x3029) || (cp >= 0x3030 && cp <= 0x3035) || cp == 0x3037 ||
            (cp >= 0x303B && cp <= 0x303F) || (cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D ||
            cp == 0x309E || cp == 0x30A0 || (cp >= 0x30FB && cp <= 0x30FC))
            return cp;
        return 0;
    }
    if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF))
        return cp;
    if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII: （）！？：０-９Ａ-Ｚ */
        cp -= 0xFEE0;
        return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
    }
    switch (cp) {
    case 0x2010: case 0x2013: case 0x2014: case 0x2015: case 0x2018: case 0x2019:
    case 0x201C: case 0x201D: case 0x2020: case 0x2021: case 0x2022: case 0x203B:
    case 0x25A0: case 0x25A1: case 0x25B2: case 0x25B3: case 0x25BC: case 0x25BD:
    case 0x25C6: case 0x25C7: case 0x25CB: case 0x25CE: case 0x25CF:
        return cp;
    }
    return 0;
}

/* plain() of every BMP character, made once (threads fold at the same time). */
static uint16_t plain_bmp[65536];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void make_plain_bmp(void)
{
    for (uint32_t cp = 0; cp < 65536; cp++)
        plain_bmp[cp] = (uint16_t)plain(cp); /* plain characters fold within the BMP */
}

static inline uint32_t plain_fast(uint32_t cp)
{
    return cp < 65536 ? plain_bmp[cp] : 0;
}

static void push(struct fold_cps *out, uint32_t cp)
{
    XALLOC_GROW(out->v, out->len + 1, out->cap);
    out->v[out->len++] = cp;
}

/* libunistring fails only when it cannot allocate: its input here is always valid. */
static void check_result(const void *p, size_t n)
{
    if (!p)
        xalloc_fail(n * sizeof(uint32_t));
}

/* Katakana as hiragana, on the library's output. */
static void push_kana(struct fold_cps *out, uint32_t cp)
{
    if ((cp >= 0x30A1 && cp <= 0x30F6) || cp == 0x30FD || cp == 0x30FE) {
        push(out, cp - 0x60);
    } else if (cp >= 0x30F7 && cp <= 0x30FA) { /* ヷヸヹヺ: わゐゑを + the voiced mark */
        push(out, cp - 0x30F7 + 0x308F);
        push(out, 0x3099);
    } else {
        push(out, cp);
    }
}

/* The whole fold of n code points (white space already dropped) through the library. */
static void fold_slow(struct fold_cps *out, const uint32_t *s, size_t n)
{
    size_t len = 0;
    uint32_t *folded = u32_casefold(s, n, NULL, UNINORM_NFKC, NULL, &len);
    check_result(folded, n);
    size_t kept = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_space(folded[i]))
            folded[kept++] = folded[i];
    uint32_t *again = folded;
    if (kept != len) {
        again = u32_normalize(UNINORM_NFKC, folded, kept, NULL, &kept);
        check_result(again, kept);
        free(folded);
    }
    for (size_t i = 0; i < kept; i++)
        push_kana(out, again[i]);
    free(again);
}

/* Decodes s[0..n) without white space into v, which has room for n code points; returns how
 * many there are. */
static size_t decode(uint32_t *v, const char *s, size_t n)
{
    size_t len = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        if (u[i] < 0x80) {
            cp = u[i++];
            if (cp <= 0x20 && is_space(cp))
                continue;
        } else if (u[i] >= 0xE3 && u[i] <= 0xE9 && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            /* Three bytes from U+3000 to U+9FFF: kana and kanji, no surrogates. */
            cp = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 |
                 (u[i + 2] & 0x3F);
            i += 3;
            if (cp == 0x3000)
                continue;
        } else {
            size_t step;
            cp = cjk_decode(s + i, n - i, &step);
            i += step;
            if (is_space(cp))
                continue;
        }
        v[len++] = cp;
    }
    return len;
}

void fold_append_slow(struct fold_cps *out, const char *s, size_t n)
{
    uint32_t *v = xmalloc((n ? n : 1) * sizeof *v);
    size_t len = decode(v, s, n);
    if (len)
        fold_slow(out, v, len);
    free(v);
}

void fold_append(struct fold_cps *out, const char *s, size_t n)
{
    pthread_once(&plain_once, make_plain_bmp);
    /* Most lines fit on the stack. */
    uint32_t stack[512];
    uint32_t *v = n <= 512 ? stack : xmalloc(n * sizeof *v);
    size_t len = decode(v, s, n);
    XALLOC_GROW(out->v, out->len + len, out->cap);
    /* The text splits before every plain character without changing what it folds to: such a
     * character is a starter nothing before it composes with. So each plain character followed
     * by another plain one (or the end) folds alone; every other run (a plain character and the
     * combining marks or other characters after it) goes through the library. */
    size_t i = 0;
    uint32_t p = len ? plain_fast(v[0]) : 0;
    while (i < len) {
        uint32_t next = i + 1 < len ? plain_fast(v[i + 1]) : 1;
        if (p && next) {
            out->v[out->len++] = p; /* room was made for every character */
            p = next;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < len && !plain_fast(v[j]))
            j++;
        fold_slow(out, v + i, j - i);
        i = j;
        p = i < len ? plain_fast(v[i]) : 0;
        XALLOC_GROW(out->v, out->len + (len - i), out->cap);
    }
    if (v != stack)
        free(v);
}

void fold_utf8(struct buf *out, const char *s, size_t n)
{
    struct fold_cps cps = {0};
    fold_append(&cps, s, n);
    for (size_t i = 0; i < cps.len; i++) {
        char enc[4];
        buf_add(out, enc, cjk_encode(cps.v[i], enc));
    }
    free(cps.v);
}
