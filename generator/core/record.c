#include "core/record.h"

#include <string.h>

const void *record_take(struct record_reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const char *at = r->p;
    r->p += n;
    return at;
}

uint32_t record_u32(struct record_reader *r)
{
    uint32_t v = 0;
    const char *at = record_take(r, sizeof v);
    if (at)
        memcpy(&v, at, sizeof v);
    return v;
}

int64_t record_i64(struct record_reader *r)
{
    int64_t v = 0;
    const char *at = record_take(r, sizeof v);
    if (at)
        memcpy(&v, at, sizeof v);
    return v;
}

void record_put_u32(struct buf *b, uint32_t v)
{
    buf_add(b, &v, sizeof v);
}

void record_put_i64(struct buf *b, int64_t v)
{
    buf_add(b, &v, sizeof v);
}
