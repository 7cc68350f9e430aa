/* Unit tests of kairan serve's pure parts (request paths, content types, injection, the error
 * overlay) and of the watch on a scratch folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"
#include "serve/serve.h"
#include "serve/watch.h"

static void routes(void)
{
    static const struct {
        const char *url, *base;
        enum serve_route route;
        const char *out;
    } cases[] = {
        /* The site below its own path. */
        {"/", "/", SERVE_FILE, "index.html"},
        {"/events/", "/", SERVE_FILE, "events/index.html"},
        {"/events", "/", SERVE_FILE, "events"},
        {"/style.3f2a.css", "/", SERVE_FILE, "style.3f2a.css"},
        {"/watowa/", "/watowa/", SERVE_FILE, "index.html"},
        {"/watowa/events/2021-kenshukai/", "/watowa/", SERVE_FILE,
         "events/2021-kenshukai/index.html"},
        {"/watowa/events.ics", "/watowa/", SERVE_FILE, "events.ics"},
        {"/", "/watowa/", SERVE_REDIRECT, "/watowa/"},
        {"/watowa", "/watowa/", SERVE_REDIRECT, "/watowa/"},
        {"/watowa2/", "/watowa/", SERVE_NOT_FOUND, ""},
        {"/other/index.html", "/watowa/", SERVE_NOT_FOUND, ""},
        /* A broken base reads as "/". */
        {"/a.html", "", SERVE_FILE, "a.html"},
        {"/a.html", "watowa", SERVE_FILE, "a.html"},
        {"/a.html", NULL, SERVE_FILE, "a.html"},
        /* Escapes: decoded, except the dangerous ones. */
        {"/%E3%81%82.html", "/", SERVE_FILE, "\xe3\x81\x82.html"},
        {"/a%20b.html", "/", SERVE_FILE, "a b.html"},
        {"/a+b.html", "/", SERVE_FILE, "a+b.html"},
        {"/watowa%2F", "/watowa/", SERVE_NOT_FOUND, ""},
        {"/events%2findex.html", "/", SERVE_NOT_FOUND, ""},
        {"/index.html%00.css", "/", SERVE_NOT_FOUND, ""},
        {"/a%0d%0aLocation:x", "/", SERVE_NOT_FOUND, ""},
        {"/%zz", "/", SERVE_NOT_FOUND, ""},
        {"/%4", "/", SERVE_NOT_FOUND, ""},
        {"/%", "/", SERVE_NOT_FOUND, ""},
        {"/a%5cb", "/", SERVE_NOT_FOUND, ""},
        {"/a\\b", "/", SERVE_NOT_FOUND, ""},
        {"/a\x7f", "/", SERVE_NOT_FOUND, ""},
        /* Traversal, plain and escaped. */
        {"/../etc/passwd", "/", SERVE_NOT_FOUND, ""},
        {"/watowa/../../etc/passwd", "/watowa/", SERVE_NOT_FOUND, ""},
        {"/watowa/%2e%2e/%2e%2e/etc/passwd", "/watowa/", SERVE_NOT_FOUND, ""},
        {"/%2E%2E/x", "/", SERVE_NOT_FOUND, ""},
        {"/events/..", "/", SERVE_NOT_FOUND, ""},
        {"/events/.", "/", SERVE_NOT_FOUND, ""},
        {"/./index.html", "/", SERVE_NOT_FOUND, ""},
        {"/..", "/", SERVE_NOT_FOUND, ""},
        {"//etc/passwd", "/", SERVE_NOT_FOUND, ""},
        {"/events//index.html", "/", SERVE_NOT_FOUND, ""},
        {"/watowa//", "/watowa/", SERVE_NOT_FOUND, ""},
        {"", "/", SERVE_NOT_FOUND, ""},
        {"index.html", "/", SERVE_NOT_FOUND, ""},
        /* Dots inside names are fine. */
        {"/...", "/", SERVE_FILE, "..."},
        {"/.well-known/x", "/", SERVE_FILE, ".well-known/x"},
        {"/a..b/c.d.html", "/", SERVE_FILE, "a..b/c.d.html"},
    };
    struct buf out;
    buf_init(&out);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_puts(&out, "left over");
        enum serve_route r = serve_route_path(cases[i].url, cases[i].base, &out);
        char name[200];
        snprintf(name, sizeof name, "route %s (base %s)", cases[i].url,
                 cases[i].base ? cases[i].base : "NULL");
        int ok = r == cases[i].route && strcmp(out.data, cases[i].out) == 0;
        if (!ok)
            fprintf(stderr, "%s: got %d \"%s\"\n", name, (int)r, out.data);
        harness_case(name, ok);
    }
    buf_release(&out);
}

static void content_types(void)
{
    static const struct {
        const char *name, *type;
    } cases[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"events/INDEX.HTML", "text/html; charset=utf-8"},
        {"style.0a1b2c.css", "text/css; charset=utf-8"},
        {"site.js", "text/javascript; charset=utf-8"},
        {"favicon.svg", "image/svg+xml; charset=utf-8"},
        {"icon.png", "image/png"},
        {"img/a-640.jpg", "image/jpeg"},
        {"img/a.JPEG", "image/jpeg"},
        {"search.json", "application/json; charset=utf-8"},
        {"sitemap.xml", "application/xml; charset=utf-8"},
        {"print/2021-1.xhtml", "application/xhtml+xml; charset=utf-8"},
        {"events.ics", "text/calendar; charset=utf-8"},
        {"robots.txt", "text/plain; charset=utf-8"},
        {"font.woff2", "font/woff2"},
        {"archive.tar.gz", "application/octet-stream"},
        {"README", "application/octet-stream"},
        {"dir.html/README", "application/octet-stream"},
        {".html", "text/html; charset=utf-8"},
        {"a.", "application/octet-stream"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = serve_content_type(cases[i].name);
        if (strcmp(got, cases[i].type) != 0)
            fprintf(stderr, "%s: got %s\n", cases[i].name, got);
        harness_case(cases[i].name, strcmp(got, cases[i].type) == 0);
    }
}

static char *inject(const char *html, const char *snippet)
{
    struct buf b;
    buf_init(&b);
    serve_inject(&b, html, strlen(html), snippet);
    return buf_detach(&b, NULL);
}

static void injection(void)
{
    static const struct {
        const char *html, *want;
    } cases[] = {
        {"<p>x</p></body></html>", "<p>x</p>[S]</body></html>"},
        {"<body>a</BODY >\n", "<body>a[S]</BODY >\n"},
        /* The last </body> wins: an earlier one may sit in a code sample's text. */
        {"<pre>&lt;/body></pre></body><!-- </body> --></body>",
         "<pre>&lt;/body></pre></body><!-- </body> -->[S]</body>"},
        {"</bodyguard>", "</bodyguard>[S]"},
        {"no end tag", "no end tag[S]"},
        {"", "[S]"},
        {"</body", "</body[S]"},
        {"</body>", "[S]</body>"},
        {"x</body\t>", "x[S]</body\t>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = inject(cases[i].html, "[S]");
        CHECK_STR(got, cases[i].want);
        free(got);
    }
    /* Bytes after a NUL are kept. */
    struct buf b;
    buf_init(&b);
    serve_inject(&b, "a\0b</body>", 10, "S");
    CHECK_INT(b.len, 11);
    CHECK(memcmp(b.data, "a\0bS</body>", 11) == 0);
    buf_release(&b);
}

static void overlay(void)
{
    const char *msgs[] = {
        "/tmp/site/content/events/a.md:6:8: error: 'start' is not a date and time",
        "kairan: error: <script>alert(1)</script> & more",
    };
    struct buf b;
    buf_init(&b);
    serve_overlay(&b, msgs, 2);
    CHECK(strncmp(b.data, "<div id=\"kairan-errors\" role=\"alert\"", 36) == 0);
    CHECK(strstr(b.data, "<li style=\"margin:0 0 0.4rem\">/tmp/site/content/events/a.md:6:8: "
                         "error: &apos;start&apos; is not a date and time</li>") != NULL);
    CHECK(strstr(b.data, "kairan: error: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more") !=
          NULL);
    CHECK(strstr(b.data, "<script>") == NULL);
    CHECK(strstr(b.data, "サイトを更新できませんでした") != NULL);
    /* Balanced: one div, one list, as many items as messages. */
    size_t open = 0, close = 0;
    for (const char *p = b.data; (p = strstr(p, "<li")); p++)
        open++;
    for (const char *p = b.data; (p = strstr(p, "</li>")); p++)
        close++;
    CHECK_INT(open, 2);
    CHECK_INT(close, 2);
    CHECK(strstr(b.data, "</ul>\n") != NULL);
    CHECK_STR(b.data + b.len - 7, "</div>\n");
    buf_release(&b);
}

int main(void)
{
    routes();
    content_types();
    RUN(injection);
    RUN(overlay);
    return HARNESS_DONE();
}
