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

/* ---- watch, on a scratch folder. ---- */

static void put(const char *dir, const char *rel, const char *text)
{
    char *path = fs_join(dir, rel);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

static void sub(const char *dir, const char *rel)
{
    char *path = fs_join(dir, rel);
    CHECK_INT(mkdir(path, 0755), 0);
    free(path);
}

static void drain(struct watch *w, struct watch_change *c)
{
    struct diag d;
    diag_init(&d);
    memset(c, 0, sizeof *c);
    CHECK_INT(watch_read(w, &d, c), 0);
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

static void watching(void)
{
    char tmpl[] = "/tmp/kairan-watch-XXXXXX";
    char *root = mkdtemp(tmpl);
    CHECK(root != NULL);
    if (!root)
        return;
    sub(root, "content");
    sub(root, "content/events");
    sub(root, "themes");
    put(root, "content/site.yaml", "title: x\n");
    static const char *const names[] = {"content", "themes", "assets", NULL};
    struct diag d;
    diag_init(&d);
    struct watch *w = watch_new(&d, root, names);
    CHECK(w != NULL);
    CHECK_INT(d.len, 0);
    diag_release(&d);
    if (!w)
        return;
    struct watch_change c;

    drain(w, &c);
    CHECK_INT(c.count, 0);

    /* A file deep down; first names it. */
    put(root, "content/events/a.md", "---\ntitle: a\n---\n");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, 0);
    char *want = fs_join(root, "content/events/a.md");
    CHECK_STR(c.first, want);
    free(want);

    /* Settings. */
    put(root, "content/site.yaml", "title: y\n");
    drain(w, &c);
    CHECK(c.count >= 1);

    /* Hidden and backup files never count; nor do other names at the top. */
    put(root, "content/.a.md.swp", "x");
    put(root, "content/a.md~", "x");
    put(root, "content/4913", "x");
    put(root, "notes.txt", "x");
    sub(root, "public");
    drain(w, &c);
    CHECK_INT(c.count, 0);

    /* A stylesheet alone. */
    sub(root, "themes/t");
    drain(w, &c);
    CHECK_INT(c.count, 1);
    put(root, "themes/t/style.css", "p{}");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, c.count);

    /* A new folder is watched too, and so is one created at the top later. */
    sub(root, "content/new");
    drain(w, &c);
    CHECK_INT(c.count, 1);
    put(root, "content/new/b.md", "x");
    drain(w, &c);
    CHECK(c.count >= 1);
    sub(root, "assets");
    sub(root, "assets/photos");
    drain(w, &c);
    CHECK(c.count >= 1);
    put(root, "assets/photos/p.jpg", "x");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, 0);

    /* Removing counts. */
    char *gone = fs_join(root, "content/events/a.md");
    CHECK_INT(unlink(gone), 0);
    free(gone);
    drain(w, &c);
    CHECK_INT(c.count, 1);

    watch_free(w);
    diag_init(&d);
    CHECK_INT(fs_remove_tree(&d, root), 0);
    diag_release(&d);
}

static void watch_of_a_missing_folder(void)
{
    struct diag d;
    diag_init(&d);
    static const char *const names[] = {"content", NULL};
    struct watch *w = watch_new(&d, "/nonexistent/kairan-site", names);
    CHECK(w == NULL);
    CHECK_INT(d.io_errors, 1);
    char *line = d.len ? diag_format(&d.msgs[0]) : NULL;
    CHECK_STR(line, "/nonexistent/kairan-site: error: cannot watch this folder for changes: No "
                    "such file or directory");
    free(line);
    diag_release(&d);
}

static void relevant_names(void)
{
    CHECK(watch_name_relevant("a.md"));
    CHECK(watch_name_relevant("style.css"));
    CHECK(!watch_name_relevant(""));
    CHECK(!watch_name_relevant(".a.md.swp"));
    CHECK(!watch_name_relevant(".#a.md"));
    CHECK(!watch_name_relevant("a.md~"));
    CHECK(!watch_name_relevant("4913"));
    CHECK(watch_name_relevant("49130"));
}

int main(void)
{
    routes();
    content_types();
    RUN(injection);
    RUN(overlay);
    RUN(watching);
    RUN(watch_of_a_missing_folder);
    RUN(relevant_names);
    return HARNESS_DONE();
}
