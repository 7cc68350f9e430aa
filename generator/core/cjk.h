/* cjk: Japanese-aware text helpers on UTF-8 strings.
 * Decoding code points, telling East Asian wide characters from Latin ones (for line breaks),
 * heading slugs that keep Japanese, counting characters (not bytes or words) and reading time.
 * Nothing here fails: malformed UTF-8 decodes as U+FFFD, one byte at a time. */
#ifndef KAIRAN_CJK_H
#define KAIRAN_CJK_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s (n bytes available, n > 0); stores its length in *len. */
uint32_t cjk_decode(const char *s, size_t n, size_t *len);
/* Decodes the code point that ends at s + n (n > 0), i.e. the last one of s[0..n). */
uint32_t cjk_decode_last(const char *s, size_t n);
/* Appends the UTF-8 encoding of cp to out (room for 4 bytes); returns the bytes written. */
size_t cjk_encode(uint32_t cp, char *out);

/* True for characters whose East Asian Width is Fullwidth, Wide or Halfwidth, except Hangul:
 * a line break between two of them is not a space (CSS Text's segment break rule). */
int cjk_is_wide(uint32_t cp);
/* True for sentence ends a summary may stop after: 。！？ and their halfwidth forms. */
int cjk_is_sentence_end(uint32_t cp);
/* The number of characters (code points) in s[0..n). */
size_t cjk_count(const char *s, size_t n);

/* A slug for a heading id: ASCII letters lowercased, Japanese and other letters and digits kept,
 * runs of spaces and dashes become one '-', punctuation is dropped. One that would not be a
 * valid XML name (the print edition's ids) starts with "h-". Empty text gives "section".
 * Returns a new string; the caller frees it. */
char *cjk_slug(const char *s, size_t n);
/* An id as written (raw HTML's id="…", a heading's {#…}) made one word: runs of spaces become
 * one '-', characters a slug drops are dropped, and '.' is kept besides; case is kept. A valid
 * id comes back as it was; "" when nothing is left. Returns a new string; the caller frees it. */
char *cjk_id(const char *s, size_t n);

/* Reading time in whole minutes (at least 1 for non-empty text): wide characters at about 500
 * a minute, other words at about 200 a minute. */
unsigned cjk_reading_minutes(const char *s, size_t n);

#endif
