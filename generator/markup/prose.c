#include "markup/prose.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

/* A character as read: its code point and where it starts in the text. A code point of 0 ends
 * a block (a paragraph, a heading, a list item, a table cell). */
struct glyph {
    unsigned cp;
    size_t off;
    int ruby; /* the base of {漢字|かんじ}: it has a reading */
};

struct reader {
    const char *text;
    size_t len;
    struct glyph *v;
    size_t n, cap;
};

static size_t utf8_decode(const char *s, size_t n, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
    if (k > n)
        k = n;
    unsigned c = k == 1 ? u[0] : u[0] & (0xff >> (k + 1));
    for (size_t i = 1; i < k; i++)
        c = (c << 6) | (u[i] & 0x3f);
    *cp = c;
    return k;
}

static void put(struct reader *r, unsigned cp, size_t off, int ruby)
{
    if (cp == 0 && (r->n == 0 || r->v[r->n - 1].cp == 0))
        return; /* one end of block is enough */
    XALLOC_GROW(r->v, r->n + 1, r->cap);
    r->v[r->n++] = (struct glyph){cp, off, ruby};
}

/* Reads the inline text of line[0..n) (at offset off of the text) into r. */
static void read_inline(struct reader *r, const char *line, size_t n, size_t off)
{
    size_t i = 0;
    while (i < n) {
        char c = line[i];
        if (c == '!' && i + 1 < n && line[i + 1] == '[') {
            /* A picture: its alt text is not read on the page. */
            const char *close = memchr(line + i, ']', n - i);
            const char *paren = close && close + 1 < line + n && close[1] == '(' ?
                                memchr(close, ')', (size_t)(line + n - close)) : NULL;
            if (paren) {
                i = (size_t)(paren - line) + 1;
                continue;
            }
        }
        if (c == ']' && i + 1 < n && line[i + 1] == '(') {
            /* The end of a link's text: its address is not read. */
            const char *paren = memchr(line + i, ')', n - i);
            if (paren) {
                i = (size_t)(paren - line) + 1;
                continue;
            }
        }
        if (c == '<') {
            const char *gt = memchr(line + i, '>', n - i);
            if (gt) {
                i = (size_t)(gt - line) + 1;
                continue;
            }
        }
        if (c == '{' && i + 1 < n && line[i + 1] == '#') {
            const char *end = memchr(line + i, '}', n - i); /* a heading's {#id} */
            if (end) {
                i = (size_t)(end - line) + 1;
                continue;
            }
        }
        if (c == '{' && (i == 0 || line[i - 1] != '\\')) {
            const char *bar = memchr(line + i, '|', n - i);
            const char *end = memchr(line + i, '}', n - i);
            if (bar && end && bar < end && bar > line + i + 1) {
                /* In a table cell the bar is written \| */
                size_t base_end = (size_t)(bar - line) - (bar[-1] == '\\');
                for (size_t k = i + 1; k < base_end;) {
                    unsigned cp;
                    size_t step = utf8_decode(line + k, base_end - k, &cp);
                    put(r, cp, off + (k == i + 1 ? i : k), 1); /* found at its brace */
                    k += step;
                }
                i = (size_t)(end - line) + 1;
                continue;
            }
        }
        if (c == '[' || c == ']' || c == '*' || c == '_' || c == '`' || c == '~' || c == '\\') {
            i++;
            continue;
        }
        unsigned cp;
        size_t step = utf8_decode(line + i, n - i, &cp);
        put(r, cp, off + i, 0);
        i += step;
    }
}

/* Reads the body as a reader would see its text. */
static void read_text(struct reader *r)
{
    int fence = 0;
    size_t at = 0;
    while (at < r->len) {
        const char *nl = memchr(r->text + at, '\n', r->len - at);
        size_t end = nl ? (size_t)(nl - r->text) : r->len;
        const char *line = r->text + at;
        size_t n = end - at, lead = strspn(line, " ");
        if (lead > n)
            lead = n;
        const char *p = line + lead;
        size_t rest = n - lead;
        if (rest >= 3 && (strncmp(p, "```", 3) == 0 || strncmp(p, "~~~", 3) == 0)) {
            fence = !fence;
            put(r, 0, at, 0);
        } else if (fence || rest == 0 || strncmp(p, "{chart", 6) == 0 || lead >= 4) {
            put(r, 0, at, 0); /* code, a blank line, a chart's line */
        } else {
            size_t skip = 0;
            int block = 0;
            while (skip < rest && (p[skip] == '#' || p[skip] == '>'))
                skip++, block = 1;
            if (skip < rest && (p[skip] == '-' || p[skip] == '*' || p[skip] == '+') &&
                skip + 1 < rest && p[skip + 1] == ' ')
                skip += 2, block = 1;
            size_t digits = strspn(p + skip, "0123456789");
            if (digits && skip + digits + 1 < rest && strchr(".)", p[skip + digits]) &&
                p[skip + digits + 1] == ' ')
                skip += digits + 2, block = 1;
            if (block)
                put(r, 0, at, 0);
            if (p[0] == '|') {
                /* A table: each cell is read alone; the line under the head is not text. */
                if (strspn(p, "|:- ") == rest) {
                    at = end + 1;
                    continue;
                }
                size_t from = 1;
                for (size_t k = 1; k <= rest; k++) {
                    if (k == rest || (p[k] == '|' && p[k - 1] != '\\')) {
                        read_inline(r, p + from, k - from, at + lead + from);
                        put(r, 0, at + lead + k, 0);
                        from = k + 1;
                    }
                }
            } else {
                read_inline(r, p + skip, rest - skip, at + lead + skip);
                if (p[0] == '#')
                    put(r, 0, end, 0);
            }
        }
        at = end + 1;
    }
    put(r, 0, r->len, 0);
}

static int is_space(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000;
}

static int ends_sentence(unsigned cp)
{
    return cp == 0x3002 || cp == 0xff0e || cp == 0xff01 || cp == 0xff1f || cp == '!' ||
           cp == '?';
}

static int is_kanji(unsigned cp)
{
    return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || cp == 0x3005 ||
           (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2ffff);
}

/* Fills span for the characters v[from..to) and calls fn. */
static void report(const struct reader *r, size_t from, size_t to, size_t chars,
                   unsigned first_line, prose_fn fn, void *userdata)
{
    size_t off = r->v[from].off;
    unsigned line = first_line, col = 1;
    for (size_t k = 0; k < off; k++) {
        if (r->text[k] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)r->text[k] & 0xc0) != 0x80) {
            col++;
        }
    }
    struct buf start;
    buf_init(&start);
    size_t shown = 0;
    for (size_t k = from; k < to && shown < 20; k++) {
        if (!r->v[k].cp)
            continue;
        char tmp[5];
        unsigned cp = r->v[k].cp;
        size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (len == 1) {
            tmp[0] = (char)cp;
        } else {
            for (size_t b = len - 1; b > 0; b--) {
                tmp[b] = (char)(0x80 | (cp & 0x3f));
                cp >>= 6;
            }
            tmp[0] = (char)((len == 2 ? 0xc0 : len == 3 ? 0xe0 : 0xf0) | cp);
        }
        buf_add(&start, tmp, len);
        shown++;
    }
    struct prose_span span = {line, col, chars, start.data ? start.data : ""};
    fn(&span, userdata);
    buf_release(&start);
}

void prose_long_sentences(const char *text, size_t len, unsigned first_line, size_t max,
                          prose_fn fn, void *userdata)
{
    struct reader r = {text ? text : "", text ? len : 0, NULL, 0, 0};
    read_text(&r);
    size_t from = SIZE_MAX, chars = 0;
    for (size_t i = 0; i < r.n; i++) {
        unsigned cp = r.v[i].cp;
        if (cp && from == SIZE_MAX) {
            if (is_space(cp))
                continue;
            from = i;
        }
        if (cp && !is_space(cp))
            chars++;
        if (!cp || ends_sentence(cp)) {
            if (from != SIZE_MAX && chars > max)
                report(&r, from, i, chars, first_line, fn, userdata);
            from = SIZE_MAX;
            chars = 0;
        }
    }
    free(r.v);
}

void prose_bare_kanji(const char *text, size_t len, unsigned first_line, prose_fn fn,
                      void *userdata)
{
    struct reader r = {text ? text : "", text ? len : 0, NULL, 0, 0};
    read_text(&r);
    for (size_t i = 0; i < r.n;) {
        if (!is_kanji(r.v[i].cp) || r.v[i].ruby) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < r.n && is_kanji(r.v[j].cp) && !r.v[j].ruby)
            j++;
        report(&r, i, j, j - i, first_line, fn, userdata);
        i = j;
    }
    free(r.v);
}
