/* buf: a growable byte buffer, always NUL-terminated.
 * A struct buf is a value: buf_init() before use, buf_release() after, or buf_detach() to take
 * the bytes. Growth goes through xalloc, so no function here fails. */
#ifndef KAIRAN_BUF_H
#define KAIRAN_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated; never NULL after buf_init() */
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Makes room for n more bytes beyond len. */
void buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_truncate(struct buf *b, size_t len);
#define buf_reset(b) buf_truncate((b), 0)
/* Appends s (may be NULL) with XML's five special characters escaped: for the feed, the sitemap
 * and titles that are shown as HTML. */
void buf_xml_escape(struct buf *b, const char *s);
/* Returns the bytes (NUL-terminated) and leaves b empty but usable; the caller frees them. */
char *buf_detach(struct buf *b, size_t *len);

#endif
