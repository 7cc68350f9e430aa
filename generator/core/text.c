#include "core/text.h"

#include "core/intl.h"
#include <string.h>

void text_normalise(struct buf *b)
{
    char *s = b->data;
    size_t r = 0, w = 0, n = b->len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        r = 3;
    for (; r < n; r++) {
        if (s[r] == '\r') {
            s[w++] = '\n';
            if (r + 1 < n && s[r + 1] == '\n')
                r++;
        } else {
            s[w++] = s[r];
        }
    }
    buf_truncate(b, w);
}

size_t text_utf8_len(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* below: overlong */
        if (c == 0xED)
            hi = 0x9F; /* above: UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* below: overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above: past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* Says in words why the bytes at s are not UTF-8, for an editor who will re-save the file. */
static const char *why_invalid(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c >= 0x80 && c <= 0xBF)
        return _("a byte that can only continue a character starts one");
    if (c == 0xC0 || c == 0xC1 || (c == 0xE0 && n > 1 && s[1] < 0xA0) ||
        (c == 0xF0 && n > 1 && s[1] < 0x90))
        return _("a character is written in more bytes than it needs");
    if (c == 0xED && n > 1 && s[1] >= 0xA0 && s[1] <= 0xBF)
        return _("a UTF-16 surrogate appears, which UTF-8 does not allow");
    if (c >= 0xF5 || (c == 0xF4 && n > 1 && s[1] >= 0x90))
        return _("a byte that UTF-8 never uses appears");
    return _("a character is cut short");
}

void text_position(const char *text, size_t off, unsigned first_line, unsigned *line, unsigned *col)
{
    unsigned l = first_line, c = 1;
    size_t i = 0;
    while (i < off) {
        const char *nl = memchr(text + i, '\n', off - i);
        if (!nl)
            break;
        i = (size_t)(nl - text) + 1;
        l++;
    }
    while (i < off) {
        size_t k = text_utf8_len(text + i, off - i);
        i += k ? k : 1;
        c++;
    }
    *line = l;
    *col = c;
}

int text_check(struct diag *d, const char *path, const char *text, size_t len, unsigned first_line)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned line, col;
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        diag_error(d, path, first_line, 1,
                   _("this file is saved as UTF-16; save it again as UTF-8 in your editor"));
        return -1;
    }
    size_t i = 0;
    while (i < len) {
        /* ASCII runs are most of every file: skip them a byte at a time without decoding. */
        if (s[i] >= 0x01 && s[i] < 0x80) {
            i++;
            continue;
        }
        if (s[i] == 0) {
            text_position(text, i, first_line, &line, &col);
            diag_error(d, path, line, col,
                       _("this file contains a NUL byte (an invisible zero character): it may not "
                         "be a text file; save it as UTF-8 text"));
            return -1;
        }
        size_t k = text_utf8_len(text + i, len - i);
        if (k == 0) {
            text_position(text, i, first_line, &line, &col);
            diag_error(d, path, line, col,
                       _("the text here is not valid UTF-8 (%s): save the file as UTF-8, not "
                         "Shift_JIS"),
                       why_invalid(s + i, len - i));
            return -1;
        }
        i += k;
    }
    return 0;
}
