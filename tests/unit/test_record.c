/* Unit tests of record: numbers written into a buffer and read back, and reads that run past
 * the end. */
#include <stdint.h>
#include <string.h>

#include "core/record.h"
#include "harness.h"

static void numbers_read_back_in_order(void)
{
    struct buf b;
    buf_init(&b);
    record_put_u32(&b, 7);
    record_put_i64(&b, -1700000000123456789LL);
    record_put_u32(&b, UINT32_MAX);
    buf_add(&b, "abc", 3);
    CHECK_INT(b.len, 4 + 8 + 4 + 3);
    struct record_reader r = {b.data, b.data + b.len, 0};
    CHECK(record_u32(&r) == 7);
    CHECK(record_i64(&r) == -1700000000123456789LL);
    CHECK(record_u32(&r) == UINT32_MAX);
    const char *text = record_take(&r, 3);
    CHECK(text && memcmp(text, "abc", 3) == 0);
    CHECK(!r.bad);
    CHECK(r.p == r.end);
    buf_release(&b);
}

static void reads_past_the_end_give_nothing(void)
{
    const char bytes[6] = {1, 0, 0, 0, 9, 9};
    struct record_reader r = {bytes, bytes + sizeof bytes, 0};
    CHECK(record_u32(&r) == 1);
    /* Two bytes are left: an 8-byte number does not fit. */
    CHECK(record_i64(&r) == 0);
    CHECK(r.bad);
    /* Once bad, even what would fit gives nothing. */
    CHECK(record_take(&r, 1) == NULL);
    CHECK(record_u32(&r) == 0);
    struct record_reader empty = {bytes, bytes, 0};
    CHECK(record_take(&empty, 0) != NULL);
    CHECK(!empty.bad);
}

int main(void)
{
    RUN(numbers_read_back_in_order);
    RUN(reads_past_the_end_give_nothing);
    return HARNESS_DONE();
}
