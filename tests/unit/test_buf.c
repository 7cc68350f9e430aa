/* Unit tests of buf: the growable byte buffer under every module. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "harness.h"

static void buf_grows_and_stays_terminated(void)
{
    struct buf b;
    buf_init(&b);
    CHECK_STR(b.data, "");
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, 'a' + i % 26);
    CHECK_INT(b.len, 1000);
    CHECK(b.data[1000] == '\0');
    buf_truncate(&b, 3);
    CHECK_STR(b.data, "abc");
    buf_printf(&b, "-%d-%s", 42, "x");
    CHECK_STR(b.data, "abc-42-x");
    size_t n;
    char *s = buf_detach(&b, &n);
    CHECK_STR(s, "abc-42-x");
    CHECK_INT(n, 8);
    CHECK_STR(b.data, "");
    free(s);
    buf_release(&b);
}

static void buf_printf_long(void)
{
    struct buf b;
    buf_init(&b);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, "%s|%s", big, big);
    CHECK_INT(b.len, 2 * 2999 + 1);
    CHECK(b.data[2999] == '|');
    buf_release(&b);
}

static void buf_xml_escape_all_five(void)
{
    struct buf b;
    buf_init(&b);
    buf_xml_escape(&b, "<a href=\"x\">Tom & Jerry's</a>");
    CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
    buf_xml_escape(&b, NULL);
    CHECK_INT(b.len, strlen("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"));
    buf_release(&b);
}

int main(void)
{
    RUN(buf_grows_and_stays_terminated);
    RUN(buf_printf_long);
    RUN(buf_xml_escape_all_five);
    return HARNESS_DONE();
}
