/* Unit tests of url: one answer for every module on schemes, allowed links and web addresses. */
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "harness.h"

static void schemes_are_named_in_any_case(void)
{
    CHECK_INT(url_scheme("http://example.jp/"), URL_HTTP);
    CHECK_INT(url_scheme("HTTPS://example.jp/"), URL_HTTPS);
    CHECK_INT(url_scheme("Https://example.jp/"), URL_HTTPS);
    CHECK_INT(url_scheme("mailto:info@example.jp"), URL_MAILTO);
    CHECK_INT(url_scheme("MailTo:info@example.jp"), URL_MAILTO);
    CHECK_INT(url_scheme("tel:0312345678"), URL_TEL);
    CHECK_INT(url_scheme("TEL:0312345678"), URL_TEL);
    CHECK_INT(url_scheme("ftp://example.jp/"), URL_OTHER);
    CHECK_INT(url_scheme("javascript:alert(1)"), URL_OTHER);
    CHECK_INT(url_scheme("JavaScript:alert(1)"), URL_OTHER);
    CHECK_INT(url_scheme("data:image/png;base64,AAAA"), URL_OTHER);
    /* A name that only starts like an allowed one is another scheme. */
    CHECK_INT(url_scheme("httpx://example.jp/"), URL_OTHER);
    CHECK_INT(url_scheme("http+s://example.jp/"), URL_OTHER);
    CHECK_INT(url_scheme("telephone:1"), URL_OTHER);
    CHECK_INT(url_scheme("averyveryverylongschemename:x"), URL_OTHER);
}

static void relative_addresses_have_no_scheme(void)
{
    CHECK_INT(url_scheme(""), URL_NONE);
    CHECK_INT(url_scheme("photos/salon.jpg"), URL_NONE);
    CHECK_INT(url_scheme("../events/kenshu.md"), URL_NONE);
    CHECK_INT(url_scheme("/about/"), URL_NONE);
    CHECK_INT(url_scheme("#top"), URL_NONE);
    CHECK_INT(url_scheme("?page=2"), URL_NONE);
    CHECK_INT(url_scheme("//example.jp/a.jpg"), URL_NONE);
    /* A colon after a path, query or fragment begins no scheme. */
    CHECK_INT(url_scheme("events/10:00.md"), URL_NONE);
    CHECK_INT(url_scheme("?t=10:00"), URL_NONE);
    CHECK_INT(url_scheme("#a:b"), URL_NONE);
    CHECK_INT(url_scheme("kenshu.md"), URL_NONE);
    CHECK(!url_has_scheme("photos/salon.jpg"));
    CHECK(url_has_scheme("https://example.jp/"));
    CHECK(url_has_scheme("javascript:x"));
}

static void disguised_schemes_are_seen(void)
{
    /* Browsers skip leading spaces and control characters and drop tabs and newlines. */
    CHECK_INT(url_scheme("  javascript:alert(1)"), URL_OTHER);
    CHECK_INT(url_scheme("\x01\x1fjavascript:x"), URL_OTHER);
    CHECK_INT(url_scheme("java\tscript:x"), URL_OTHER);
    CHECK_INT(url_scheme("java\nscr\ript:x"), URL_OTHER);
    CHECK_INT(url_scheme("ht\ttp://example.jp/"), URL_HTTP);
    CHECK_INT(url_scheme(" https://example.jp/"), URL_HTTPS);
    /* A scheme is a letter, then letters, digits, '+', '-' or '.', then ':', as the URL
     * standard reads it: every such name is one, allowed or not. */
    CHECK_INT(url_scheme("a+b-c.d:x"), URL_OTHER);
    CHECK_INT(url_scheme("x:"), URL_OTHER);
    CHECK(!url_link_allowed("vbs.cript:x"));
}

/* What precedes a colon is no scheme unless it is written like one: a browser resolves such an
 * address as a path of the site, like CommonMark's [link](foo\)\:) giving href="foo):". */
static void colons_in_paths(void)
{
    CHECK_INT(url_scheme("foo):"), URL_NONE);
    CHECK_INT(url_scheme(":x"), URL_NONE);
    CHECK_INT(url_scheme("java script:x"), URL_NONE);
    CHECK_INT(url_scheme("1abc:x"), URL_NONE);
    CHECK_INT(url_scheme("日本:x"), URL_NONE);
    CHECK_INT(url_scheme("a_b:x"), URL_NONE);
    CHECK(url_link_allowed("foo):"));
    CHECK(url_image_allowed("photo(1):2.jpg"));
}

static void links_and_pictures_allowed(void)
{
    CHECK(url_link_allowed("https://example.jp/"));
    CHECK(url_link_allowed("HTTP://example.jp/"));
    CHECK(url_link_allowed("mailto:a@example.jp"));
    CHECK(url_link_allowed("tel:0312345678"));
    CHECK(url_link_allowed("events/kenshu.md"));
    CHECK(url_link_allowed(""));
    CHECK(!url_link_allowed("javascript:alert(1)"));
    CHECK(!url_link_allowed("vbscript:x"));
    CHECK(!url_link_allowed("data:text/html,x"));
    CHECK(!url_link_allowed("file:///etc/passwd"));

    CHECK(url_image_allowed("https://example.jp/a.jpg"));
    CHECK(url_image_allowed("Http://example.jp/a.jpg"));
    CHECK(url_image_allowed("photos/a.jpg"));
    CHECK(!url_image_allowed("mailto:a@example.jp"));
    CHECK(!url_image_allowed("tel:1"));
    CHECK(!url_image_allowed("data:image/png;base64,AAAA"));
    CHECK(!url_image_allowed("javascript:x"));
}

/* Relative links without a colon are paths, however long; a scheme longer than any we allow is
 * still refused. (Same-folder links like daini-gomidashi.md were once dropped.) */
static void long_paths_and_long_schemes(void)
{
    CHECK(url_link_allowed("daini-gomidashi.md"));
    CHECK(url_link_allowed("a-very-long-file-name-without-any-folder.md#part"));
    CHECK(!url_link_allowed("averyveryverylongscheme:payload"));
    CHECK(!url_link_allowed("java\tscript:alert(1)"));
}

static void web_addresses(void)
{
    CHECK_STR(url_web_rest("https://example.jp/watowa/"), "example.jp/watowa/");
    CHECK_STR(url_web_rest("http://example.jp"), "example.jp");
    CHECK_STR(url_web_rest("HTTPS://example.jp/"), "example.jp/");
    CHECK_STR(url_web_rest("Http://example.jp/"), "example.jp/");
    CHECK_STR(url_web_rest("https://"), "");
    CHECK(url_web_rest("https:/example.jp") == NULL);
    CHECK(url_web_rest("https:example.jp") == NULL);
    CHECK(url_web_rest("ftp://example.jp") == NULL);
    CHECK(url_web_rest("//example.jp") == NULL);
    CHECK(url_web_rest(" https://example.jp") == NULL);
    CHECK(url_web_rest("example.jp") == NULL);
    CHECK(url_web_rest("") == NULL);
    CHECK(url_is_web("https://example.jp/"));
    CHECK(url_is_web("HTTP://example.jp"));
    CHECK(url_is_web("https://www.google.com/maps/search/?api=1&query="));
    CHECK(!url_is_web("https://"));
    CHECK(!url_is_web("https:///maps"));
    CHECK(!url_is_web("javascript:alert(1)"));
    CHECK(!url_is_web("www.example.jp"));
    CHECK(url_is_network_path("//example.jp/a.jpg"));
    CHECK(!url_is_network_path("/a.jpg"));
    CHECK(!url_is_network_path(""));
}

/* Addresses written as valid URL strings: what the URL standard does not allow is
 * percent-encoded, what it allows (Japanese too) is kept as written. */
static void addresses_made_valid(void)
{
    const char *cases[][2] = {
        {"https://example.jp/a b", "https://example.jp/a%20b"},
        {"/my uri", "/my%20uri"},
        {"foo\\bar", "foo%5Cbar"},
        {"\"title\"", "%22title%22"},
        {"http://foo.bar.`baz", "http://foo.bar.%60baz"},
        {"http://example.com/?search=](uri)", "http://example.com/?search=%5D(uri)"},
        {"a<b>c^d{e}f|g", "a%3Cb%3Ec%5Ed%7Be%7Df%7Cg"},
        /* A second '#' is part of the fragment. */
        {"https://matrix.to/#/#room:example.org", "https://matrix.to/#/%23room:example.org"},
        {"#a#b#c", "#a%23b%23c"},
        /* '%' starts an encoded byte, or is one. */
        {"foo%20bar", "foo%20bar"},
        {"100%", "100%25"},
        {"%zz%4", "%25zz%254"},
        /* Brackets are only for a host (IPv6). */
        {"http://[::1]:8080/a[1]", "http://[::1]:8080/a%5B1%5D"},
        {"//[::1]/", "//[::1]/"},
        {"a[1]", "a%5B1%5D"},
        /* Spaces and control characters at either end, and tabs and newlines, go, as a browser
         * leaves them out. */
        {"  /a\tb\nc \n", "/abc"},
        {"a\001b\177", "a%01b%7F"},
        /* Characters outside ASCII are allowed, except controls and noncharacters. */
        {"/活動/はじめに#概要", "/活動/はじめに#概要"},
        {"/f\xC3\xB6\xC3\xB6", "/f\xC3\xB6\xC3\xB6"},
        {"/a\302\240b", "/a\302\240b"}, /* U+00A0 */
        {"/a\302\205b", "/a%C2%85b"},      /* U+0085, a control */
        {"/\xEF\xBF\xBE", "/%EF%BF%BE"},
        {"/\xEF\xB7\x90", "/%EF%B7%90"},
        {"/\xFF\xC3", "/%FF%C3"}, /* not UTF-8 */
        {"mailto:a@example.jp?subject=お知らせ", "mailto:a@example.jp?subject=お知らせ"},
        {"!$&'()*+,-./:;=?@_~", "!$&'()*+,-./:;=?@_~"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = url_normalise(cases[i][0]);
        CHECK_STR(got, cases[i][1]);
        /* Once is enough: a valid address stays as it is. */
        char *again = url_normalise(got);
        CHECK_STR(again, got);
        free(again);
        free(got);
    }
}

static void phone_numbers_as_tel(void)
{
    const char *cases[][2] = {
        {"0235-00-1400", "tel:0235001400"},
        {"090-1234-5678", "tel:09012345678"},
        {"+81 235 00 1400", "tel:+81235001400"},
        {"(0235) 00-1400 内線 12", "tel:023500140012"},
        {"0235+00", "tel:023500"},
        {"", "tel:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = url_tel_href(cases[i][0], strlen(cases[i][0]));
        CHECK_STR(got, cases[i][1]);
        free(got);
    }
    /* Only len bytes are read. */
    char *got = url_tel_href("0235-00-1400 と 0120-000-000", 12);
    CHECK_STR(got, "tel:0235001400");
    free(got);
}

/* A text put into a query: everything but ASCII letters, digits and -._~ is percent-encoded, byte
 * by byte in UTF-8 with upper-case hex, so that no character can end the value or the address. */
static void text_percent_encoded_for_a_query(void)
{
    const char *cases[][2] = {
        {"山形県鶴岡市泉町5-30", "%E5%B1%B1%E5%BD%A2%E7%9C%8C%E9%B6%B4%E5%B2%A1%E5%B8%82%E6%B3%89"
                               "%E7%94%BA5-30"},
        {"a b&c=d#e?f/g+h", "a%20b%26c%3Dd%23e%3Ff%2Fg%2Bh"},
        {"AZaz09-._~", "AZaz09-._~"},
        {"100%\"<>", "100%25%22%3C%3E"},
        {"\x7f\x01\xff", "%7F%01%FF"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = url_percent_encode(cases[i][0]);
        CHECK_STR(got, cases[i][1]);
        free(got);
    }
}

int main(void)
{
    RUN(phone_numbers_as_tel);
    RUN(text_percent_encoded_for_a_query);
    RUN(schemes_are_named_in_any_case);
    RUN(relative_addresses_have_no_scheme);
    RUN(disguised_schemes_are_seen);
    RUN(colons_in_paths);
    RUN(addresses_made_valid);
    RUN(links_and_pictures_allowed);
    RUN(long_paths_and_long_schemes);
    RUN(web_addresses);
    return HARNESS_DONE();
}
