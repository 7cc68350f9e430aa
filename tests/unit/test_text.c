/* Unit tests of text: UTF-8 lengths, positions in a text, and normalising a file's byte order
 * mark and line ends. */
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "harness.h"

static void utf8_lengths(void)
{
    CHECK_INT(text_utf8_len("a", 1), 1);
    CHECK_INT(text_utf8_len("\xC2\xA0", 2), 2);
    CHECK_INT(text_utf8_len("あ", 3), 3);
    CHECK_INT(text_utf8_len("\xF0\x9F\x98\x80", 4), 4);
    CHECK_INT(text_utf8_len("\xF4\x8F\xBF\xBF", 4), 4); /* U+10FFFF */
    CHECK_INT(text_utf8_len("\xED\x9F\xBF", 3), 3);     /* U+D7FF */
    CHECK_INT(text_utf8_len("\xEE\x80\x80", 3), 3);     /* U+E000 */
    CHECK_INT(text_utf8_len("\xC1\xBF", 2), 0);
    CHECK_INT(text_utf8_len("\xED\xBF\xBF", 3), 0);
    CHECK_INT(text_utf8_len("あ", 2), 0);
    CHECK_INT(text_utf8_len("", 0), 0);
    unsigned line, col;
    const char *t = "ab\n日本語x\n";
    text_position(t, strlen("ab\n日本語"), 7, &line, &col);
    CHECK_INT(line, 8);
    CHECK_INT(col, 4);
    text_position(t, 0, 7, &line, &col);
    CHECK_INT(line, 7);
    CHECK_INT(col, 1);
}

static void normalise_bom_and_line_ends(void)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "\xEF\xBB\xBF---\r\ntitle: x\r\r\nold mac\rend\r\n");
    text_normalise(&b);
    CHECK_STR(b.data, "---\ntitle: x\n\nold mac\nend\n");
    CHECK_INT(b.len, strlen(b.data));
    /* a byte order mark elsewhere is text, and so kept */
    buf_reset(&b);
    buf_puts(&b, "a\xEF\xBB\xBF");
    text_normalise(&b);
    CHECK_STR(b.data, "a\xEF\xBB\xBF");
    buf_reset(&b);
    text_normalise(&b);
    CHECK_STR(b.data, "");
    buf_release(&b);
}

int main(void)
{
    RUN(utf8_lengths);
    RUN(normalise_bom_and_line_ends);
    return HARNESS_DONE();
}
