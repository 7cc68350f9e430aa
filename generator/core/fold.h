/* fold: the one form text takes for search, the same when the site is built and when a reader
 * types a query: Unicode NFKC with full case folding (so ｶﾞ, ガ and が, Ａ and a meet), katakana
 * as hiragana, and no white space (「大網 雪下ろし」 reads as 「大網雪下ろし」). The search page's
 * script does the same in JavaScript (themes/default/static/search.js); tests/search.test.sh
 * holds the two to each other on every character. The only module that knows libunistring.
 * Nothing here fails: malformed UTF-8 folds as U+FFFD, like every decoder in core. */
#ifndef KAIRAN_FOLD_H
#define KAIRAN_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Code points, grown with XALLOC_GROW; the caller owns v and frees it. */
struct fold_cps {
    uint32_t *v;
    size_t len, cap;
};

/* Appends the folded form of the UTF-8 text s[0..n) to out, as code points. In order: white
 * space (Unicode's White_Space) is dropped; the rest becomes NFKC(toCasefold(NFKD(toCasefold(
 * NFKD(x))))), libunistring's u8_casefold with NFKC; white space that this made (゛ is a space
 * and a combining mark) is dropped and the result put in NFKC again; katakana become hiragana
 * (ヷヸヹヺ become わゐゑを with U+3099, as hiragana has no single character for them). Text made
 * of ASCII, kana and kanji takes a fast path that gives the same result. */
void fold_append(struct fold_cps *out, const char *s, size_t n);
/* The same as UTF-8, appended to out. */
void fold_utf8(struct buf *out, const char *s, size_t n);
/* fold_append without the fast path: every character through the library. For tests, which
 * hold the fast path to it. */
void fold_append_slow(struct fold_cps *out, const char *s, size_t n);

#endif
