/* record: the fixed-width numbers of the binary files kairan keeps between builds (the entry
 * cache, what each page read): written into a buffer in this machine's byte order (the files
 * never leave it) and read back with every read checked against the end of the bytes. A
 * reader borrows its bytes; what it returns points into them. */
#ifndef KAIRAN_RECORD_H
#define KAIRAN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct record_reader {
    const char *p, *end;
    int bad; /* a read went past the end: every later one gives nothing */
};

/* The next n bytes, or NULL (and bad set) when fewer are left. */
const void *record_take(struct record_reader *r, size_t n);
/* The next number; 0 (and bad set) when the bytes run out. */
uint32_t record_u32(struct record_reader *r);
int64_t record_i64(struct record_reader *r);

void record_put_u32(struct buf *b, uint32_t v);
void record_put_i64(struct buf *b, int64_t v);

#endif
