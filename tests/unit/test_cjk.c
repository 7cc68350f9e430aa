/* Unit tests of cjk: UTF-8 decoding, which characters are wide, heading slugs and reading time
 * for Japanese text. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "harness.h"

static void cjk_wide_characters(void)
{
    CHECK(cjk_is_wide(0x3042));  /* あ */
    CHECK(cjk_is_wide(0x30A2));  /* ア */
    CHECK(cjk_is_wide(0x6F22));  /* 漢 */
    CHECK(cjk_is_wide(0x3002));  /* 。 */
    CHECK(cjk_is_wide(0x300C));  /* 「 */
    CHECK(cjk_is_wide(0xFF01));  /* ！ */
    CHECK(cjk_is_wide(0xFF21));  /* Ａ */
    CHECK(cjk_is_wide(0xFF76));  /* ｶ halfwidth */
    CHECK(cjk_is_wide(0x20B9F)); /* 𠮟 */
    CHECK(cjk_is_wide(0x30FC));  /* ー */
    CHECK(!cjk_is_wide('a'));
    CHECK(!cjk_is_wide('1'));
    CHECK(!cjk_is_wide(0xE9));   /* é */
    CHECK(!cjk_is_wide(0xAC00)); /* 가: Korean keeps its spaces */
    CHECK(!cjk_is_wide(0x3131)); /* ㄱ */
    CHECK(!cjk_is_wide(0));
}

static void cjk_decoding(void)
{
    size_t len;
    CHECK_INT(cjk_decode("\xE6\xBC\xA2", 3, &len), 0x6F22);
    CHECK_INT(len, 3);
    CHECK_INT(cjk_decode("\xF0\xA0\xAE\x9F", 4, &len), 0x20B9F);
    CHECK_INT(len, 4);
    CHECK_INT(cjk_decode("\xE6\xBC", 2, &len), 0xFFFD); /* cut short */
    CHECK_INT(len, 1);
    CHECK_INT(cjk_decode("\xC0\xAF", 2, &len), 0xFFFD);     /* overlong '/' */
    CHECK_INT(cjk_decode("\xED\xA0\x80", 3, &len), 0xFFFD); /* surrogate */
    CHECK_INT(cjk_decode_last("a\xE6\xBC\xA2", 4), 0x6F22);
    CHECK_INT(cjk_decode_last("ab", 2), 'b');
    CHECK_INT(cjk_count("漢字abc", strlen("漢字abc")), 5);
    char out[4];
    CHECK_INT(cjk_encode(0x3042, out), 3);
    CHECK(memcmp(out, "あ", 3) == 0);
    CHECK_INT(cjk_encode(0xD800, out), 3); /* a surrogate becomes U+FFFD */
}

static void check_slug(const char *in, const char *want)
{
    char *s = cjk_slug(in, strlen(in));
    CHECK_STR(s, want);
    free(s);
}

static void cjk_slugs(void)
{
    check_slug("はじめに", "はじめに");
    check_slug("Hello, World!", "hello-world");
    check_slug("  spaced   out  ", "spaced-out");
    check_slug("「サロン」・活動紹介！", "サロン-活動紹介");
    check_slug("ＡＢＣ１２３", "abc123");
    check_slug("2024年の活動", "h-2024年の活動");
    check_slug("-dash first", "dash-first");
    check_slug("令和6年　総会", "令和6年-総会");
    check_slug("!!!", "section");
    check_slug("", "section");
    check_slug("Café au lait", "café-au-lait");
    check_slug("snake_case and kebab-case", "snake_case-and-kebab-case");
    check_slug("ーのばし", "h-ーのばし");
}

static void check_id(const char *in, const char *want)
{
    char *s = cjk_id(in, strlen(in));
    CHECK_STR(s, want);
    free(s);
}

/* An id as written, made one word that HTML and the print edition's XML both accept: valid ids
 * come back as they are, case and all. */
static void cjk_ids(void)
{
    check_id("apply", "apply");
    check_id("Apply-Now_2.0", "Apply-Now_2.0");
    check_id("はじめに", "はじめに");
    check_id("ＡＢＣ", "ＡＢＣ");
    check_id("2024年", "2024年");
    check_id("-a--b-", "-a--b-");
    check_id("Usage and Policy Errors", "Usage-and-Policy-Errors");
    check_id("  a \t b  ", "a-b");
    check_id("a<b>\"c'&d", "abcd");
    check_id("「サロン」・活動", "サロン-活動");
    check_id("q?x=1#y", "qx1y");
    check_id("", "");
    check_id("!!!", "");
}

static void cjk_reading_time(void)
{
    struct buf b;
    buf_init(&b);
    CHECK_INT(cjk_reading_minutes("", 0), 0);
    CHECK_INT(cjk_reading_minutes("短い。", strlen("短い。")), 1);
    for (int i = 0; i < 500; i++)
        buf_puts(&b, "字");
    CHECK_INT(cjk_reading_minutes(b.data, b.len), 1);
    buf_puts(&b, "字");
    CHECK_INT(cjk_reading_minutes(b.data, b.len), 2);
    buf_reset(&b);
    for (int i = 0; i < 400; i++)
        buf_puts(&b, "word ");
    CHECK_INT(cjk_reading_minutes(b.data, b.len), 2);
    buf_release(&b);
}

int main(void)
{
    RUN(cjk_wide_characters);
    RUN(cjk_decoding);
    RUN(cjk_slugs);
    RUN(cjk_ids);
    RUN(cjk_reading_time);
    return HARNESS_DONE();
}
