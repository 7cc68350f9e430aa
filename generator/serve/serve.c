#include "serve/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/config.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/strv.h"
#include "serve/editor.h"
#include "serve/editor_page.h"
#include "serve/watch.h"
#include "core/xalloc.h"

/* Quiet time after the last change before a rebuild: an editor's save is often several events
 * (a temporary file, a rename, a second file) within a few milliseconds. */
enum { DEBOUNCE_MS = 100, KEEPALIVE_SECONDS = 15 };

/* The script added to every HTML page in serve mode. The page's generation (which build it
 * came from) arrives as data-generation, so a page loaded just before a rebuild still hears
 * about it. A stylesheet or overlay change fetches the page again and swaps only that part. */
static const char live_js[] =
    "/* kairan serve: live reload. Never part of a published site. */\n"
    "(function () {\n"
    "  \"use strict\";\n"
    "  var me = document.currentScript;\n"
    "  var gen = (me && me.getAttribute(\"data-generation\")) || \"0\";\n"
    "  if (!window.EventSource || !window.fetch || !window.DOMParser) return;\n"
    "  var events = new EventSource(\"/__kairan/events?since=\" + encodeURIComponent(gen));\n"
    "  function again(then) {\n"
    "    fetch(location.href, { cache: \"no-store\" })\n"
    "      .then(function (r) { return r.text(); })\n"
    "      .then(function (t) { then(new DOMParser().parseFromString(t, \"text/html\")); })\n"
    "      .catch(function () { location.reload(); });\n"
    "  }\n"
    "  function sheets(doc) { return doc.querySelectorAll('link[rel~=\"stylesheet\"]'); }\n"
    "  function swapStyles(doc) {\n"
    "    var olds = sheets(document), news = sheets(doc);\n"
    "    if (olds.length !== news.length) { location.reload(); return; }\n"
    "    Array.prototype.forEach.call(olds, function (old, i) {\n"
    "      var href = news[i].getAttribute(\"href\");\n"
    "      if (old.getAttribute(\"href\") === href) return;\n"
    "      var link = old.cloneNode(false);\n"
    "      link.setAttribute(\"href\", href);\n"
    "      link.addEventListener(\"load\", function () { old.remove(); });\n"
    "      old.after(link);\n"
    "    });\n"
    "  }\n"
    "  function swapOverlay(doc) {\n"
    "    var old = document.getElementById(\"kairan-errors\");\n"
    "    var now = doc.getElementById(\"kairan-errors\");\n"
    "    if (now) now = document.importNode(now, true);\n"
    "    if (old && now) old.replaceWith(now);\n"
    "    else if (now) document.body.appendChild(now);\n"
    "    else if (old) old.remove();\n"
    "  }\n"
    "  events.addEventListener(\"reload\", function () { location.reload(); });\n"
    "  events.addEventListener(\"css\", function () { again(swapStyles); });\n"
    "  events.addEventListener(\"errors\", function () { again(swapOverlay); });\n"
    "})();\n";

/* What a page asked for before the first build has made it gets: the preview being made
 * (準備中). It asks again every second by itself, and the script added to it reloads it as
 * soon as the build is done. */
static const char preparing_page[] =
    "<!DOCTYPE html>\n<html lang=\"ja\">\n<head><meta charset=\"utf-8\">"
    "<meta http-equiv=\"refresh\" content=\"1\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>準備中</title></head>\n<body style=\"font:1.2rem/1.7 sans-serif;margin:2rem\">\n"
    "<h1>準備中</h1>\n<p>プレビューを作っています。できあがると、このページは自動で"
    "読み込み直されます。</p>\n"
    "<p lang=\"en\">The preview is being built; this page reloads by itself.</p>\n"
    "</body>\n</html>\n";

static const char not_found_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title>"
    "</head>\n<body>\n<h1>Not found</h1>\n<p>No page of the preview has this address.</p>\n"
    "</body>\n</html>\n";

/* One run of kairan serve. */
struct serve {
    /* Set before the HTTP threads start; read-only afterwards. */
    const char *output; /* the preview folder being served */
    struct editor *editor; /* NULL when the editor is off */
    /* Held by each build, serve's and the editor's: they share the caches. */
    pthread_mutex_t build_lock;

    /* Shared: the build thread writes these, the HTTP threads read them. */
    pthread_mutex_t lock;           /* guards every field below */
    pthread_cond_t changed;         /* broadcast when generation or stopping changes */
    unsigned long generation;       /* counts finished builds, good and failed */
    unsigned long full_generation;  /* the last build after which pages must reload */
    struct strv errors;             /* the last build's messages if it failed, else empty */
    char *base;                     /* the site's path ("/watowa/"), from the last settings read */
    int built;                      /* the first build is over, good or failed */
    int stopping;
};

/* ---- Pure parts: paths, types, injection, the overlay. ---- */

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes into out; fails on bad escapes, an escaped '/', NUL and other control
 * characters, and backslashes. */
static int decode_path(const char *url, struct buf *out)
{
    for (const char *p = url; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = hex_digit(p[1]);
            int lo = hi < 0 ? -1 : hex_digit(p[2]);
            if (lo < 0)
                return -1;
            c = hi * 16 + lo;
            p += 2;
            if (c == '/')
                return -1;
        }
        if (c < 0x20 || c == 0x7f || c == '\\')
            return -1;
        buf_putc(out, (char)c);
    }
    return 0;
}

enum serve_route serve_route_path(const char *url, const char *base, struct buf *out)
{
    buf_reset(out);
    size_t nb = base ? strlen(base) : 0;
    if (nb == 0 || base[0] != '/' || base[nb - 1] != '/') {
        base = "/";
        nb = 1;
    }
    struct buf path;
    buf_init(&path);
    enum serve_route route = SERVE_NOT_FOUND;
    if (url[0] != '/' || decode_path(url, &path) != 0)
        goto done;
    if (strcmp(path.data, "/") == 0 ||
        (path.len == nb - 1 && memcmp(path.data, base, nb - 1) == 0)) {
        if (nb > 1) {
            buf_puts(out, base);
            route = SERVE_REDIRECT;
            goto done;
        }
    }
    if (path.len < nb || memcmp(path.data, base, nb) != 0)
        goto done;
    const char *rel = path.data + nb;
    buf_puts(out, rel);
    if (!*rel || rel[strlen(rel) - 1] == '/')
        buf_puts(out, "index.html");
    if (fs_rel_problem(out->data)) {
        buf_reset(out);
        goto done;
    }
    route = SERVE_FILE;
done:
    buf_release(&path);
    return route;
}

const char *serve_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json; charset=utf-8"},
        {"map", "application/json; charset=utf-8"},
        {"webmanifest", "application/manifest+json; charset=utf-8"},
        {"xml", "application/xml; charset=utf-8"},
        {"xsl", "application/xml; charset=utf-8"},
        {"atom", "application/atom+xml; charset=utf-8"},
        {"rss", "application/rss+xml; charset=utf-8"},
        {"xhtml", "application/xhtml+xml; charset=utf-8"},
        {"svg", "image/svg+xml; charset=utf-8"},
        {"ics", "text/calendar; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"},
        {"md", "text/plain; charset=utf-8"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"pdf", "application/pdf"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"otf", "font/otf"},
    };
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

void serve_inject(struct buf *out, const char *html, size_t len, const char *snippet)
{
    size_t at = len;
    for (size_t i = len >= 6 ? len - 6 + 1 : 0; i-- > 0;) {
        if (html[i] == '<' && strncasecmp(html + i, "</body", 6) == 0) {
            char next = i + 6 < len ? html[i + 6] : '\0';
            if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' ||
                next == '\f') {
                at = i;
                break;
            }
        }
    }
    buf_add(out, html, at);
    buf_puts(out, snippet);
    buf_add(out, html + at, len - at);
}

void serve_overlay(struct buf *out, const char *const *messages, size_t n)
{
    /* The messages are in the user's language. */
    buf_puts(out, "<div id=\"kairan-errors\" role=\"alert\" lang=\"");
    /* TRANSLATORS: the language tag of this catalogue's messages (ja), for the browser. */
    buf_puts(out, _("en"));
    buf_puts(out,
             "\" style=\"position:fixed;"
             "top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;"
             "box-sizing:border-box;margin:0;padding:1rem 1.25rem;background:#fff;"
             "color:#1a1a1a;border-bottom:0.4rem solid #8f1f14;"
             "box-shadow:0 0.3rem 1.5rem rgba(0,0,0,0.35);font:1rem/1.6 system-ui,sans-serif;"
             "text-align:left\">\n"
             "<p lang=\"ja\" style=\"margin:0;font-weight:bold;color:#8f1f14\">"
             "サイトを更新できませんでした</p>\n"
             "<p style=\"margin:0 0 0.5rem;font-weight:bold;color:#8f1f14\">");
    buf_xml_escape(out, _("The site could not be rebuilt. Below it you see the last version that "
                          "worked."));
    buf_puts(out,
             "</p>\n"
             "<ul style=\"margin:0;padding:0;list-style:none;"
             "font:0.95rem/1.5 ui-monospace,monospace;white-space:pre-wrap;"
             "overflow-wrap:anywhere\">\n");
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, "<li style=\"margin:0 0 0.4rem\">");
        buf_xml_escape(out, messages[i]);
        buf_puts(out, "</li>\n");
    }
    buf_puts(out, "</ul>\n<p style=\"margin:0.5rem 0 0\">");
    buf_xml_escape(out, _("Each line names the file, the line and the column. Fix the file and "
                          "save it: this box goes away by itself."));
    buf_puts(out, "</p>\n</div>\n");
}

/* ---- Shared state. ---- */

static void state_init(struct serve *s, const char *output)
{
    memset(s, 0, sizeof *s);
    s->output = output;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->build_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&s->changed, &attr);
    pthread_condattr_destroy(&attr);
    s->base = xstrdup("/");
}

static void state_release(struct serve *s)
{
    strv_release(&s->errors);
    free(s->base);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->build_lock);
}

/* What a page gets before its </body>: the overlay while the last build failed, and the
 * script. Returns a new string; the caller frees it. */
static char *page_snippet(struct serve *s)
{
    struct buf b;
    buf_init(&b);
    pthread_mutex_lock(&s->lock);
    if (s->errors.len)
        serve_overlay(&b, (const char *const *)s->errors.v, s->errors.len);
    buf_printf(&b, "<script src=\"/__kairan/live.js\" data-generation=\"%lu\"></script>\n",
               s->generation);
    pthread_mutex_unlock(&s->lock);
    return buf_detach(&b, NULL);
}

/* ---- HTTP. ---- */

static enum MHD_Result queue(struct MHD_Connection *conn, unsigned status,
                             struct MHD_Response *r, const char *type)
{
    if (type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* The preview changes under the browser: it must never answer from its cache. */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_bytes(struct MHD_Connection *conn, unsigned status,
                                  const char *type, const void *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    return r ? queue(conn, status, r, type) : MHD_NO;
}

static enum MHD_Result send_redirect_as(struct MHD_Connection *conn, unsigned status,
                                        const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    return queue(conn, status, r, NULL);
}

static enum MHD_Result send_redirect(struct MHD_Connection *conn, const char *location)
{
    return send_redirect_as(conn, MHD_HTTP_MOVED_PERMANENTLY, location);
}

/* Opens rel below the folder dir one part at a time, refusing symbolic links anywhere, so that
 * nothing outside the folder can be reached. Returns the descriptor (*st filled), or -1. */
static int open_below(const char *dir, const char *rel, struct stat *st)
{
    int at = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (at < 0)
        return -1;
    int fd = fs_open_beneath(at, rel, O_RDONLY | O_NONBLOCK);
    close(at);
    if (fd >= 0 && (fstat(fd, st) != 0 || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Sends the open file fd; HTML pages get the snippet unless plain is set. Takes fd. */
static enum MHD_Result send_file_as(struct serve *s, struct MHD_Connection *conn,
                                    unsigned status, const char *name, int fd,
                                    const struct stat *st, int plain)
{
    const char *type = serve_content_type(name);
    if (plain || strncmp(type, "text/html", 9) != 0) {
        struct MHD_Response *r = MHD_create_response_from_fd((size_t)st->st_size, fd);
        if (!r) {
            close(fd);
            return MHD_NO;
        }
        return queue(conn, status, r, type);
    }
    struct buf html, page;
    buf_init(&html);
    buf_init(&page);
    char chunk[16384];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        buf_add(&html, chunk, (size_t)n);
    close(fd);
    char *snippet = page_snippet(s);
    serve_inject(&page, html.data, html.len, snippet);
    free(snippet);
    buf_release(&html);
    size_t len;
    char *data = buf_detach(&page, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    return queue(conn, status, r, type);
}

static enum MHD_Result send_file(struct serve *s, struct MHD_Connection *conn, unsigned status,
                                 const char *name, int fd, const struct stat *st)
{
    return send_file_as(s, conn, status, name, fd, st, 0);
}

static enum MHD_Result send_not_found(struct serve *s, struct MHD_Connection *conn)
{
    struct stat st;
    int fd = open_below(s->output, "404.html", &st);
    if (fd >= 0 && S_ISREG(st.st_mode))
        return send_file(s, conn, MHD_HTTP_NOT_FOUND, "404.html", fd, &st);
    if (fd >= 0)
        close(fd);
    struct buf page;
    buf_init(&page);
    char *snippet = page_snippet(s);
    serve_inject(&page, not_found_page, sizeof not_found_page - 1, snippet);
    free(snippet);
    enum MHD_Result ok = send_bytes(conn, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8",
                                    page.data, page.len);
    buf_release(&page);
    return ok;
}

/* The 準備中 page, while the first build runs (503: the browser is asked to come again). */
static enum MHD_Result send_preparing(struct serve *s, struct MHD_Connection *conn)
{
    struct buf page;
    buf_init(&page);
    char *snippet = page_snippet(s);
    serve_inject(&page, preparing_page, sizeof preparing_page - 1, snippet);
    free(snippet);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(page.len, page.data, MHD_RESPMEM_MUST_COPY);
    buf_release(&page);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    return queue(conn, MHD_HTTP_SERVICE_UNAVAILABLE, r, "text/html; charset=utf-8");
}

static enum MHD_Result send_path(struct serve *s, struct MHD_Connection *conn, const char *url)
{
    pthread_mutex_lock(&s->lock);
    char *base = xstrdup(s->base);
    int built = s->built;
    pthread_mutex_unlock(&s->lock);
    struct buf rel;
    buf_init(&rel);
    enum serve_route route = serve_route_path(url, base, &rel);
    free(base);
    enum MHD_Result ok;
    if (route == SERVE_REDIRECT) {
        ok = send_redirect(conn, rel.data);
    } else if (route == SERVE_FILE) {
        struct stat st;
        int fd = open_below(s->output, rel.data, &st);
        if (fd >= 0 && S_ISREG(st.st_mode)) {
            ok = send_file(s, conn, MHD_HTTP_OK, rel.data, fd, &st);
        } else if (fd >= 0 && url[strlen(url) - 1] != '/') {
            /* A folder asked for without its '/': relative links inside need it. */
            close(fd);
            char *to = xasprintf("%s/", url);
            ok = send_redirect(conn, to);
            free(to);
        } else {
            if (fd >= 0)
                close(fd);
            /* Not made yet, unless the first build is over: a page of an earlier preview is
             * served meanwhile, when there is one. */
            ok = built ? send_not_found(s, conn) : send_preparing(s, conn);
        }
    } else {
        ok = built ? send_not_found(s, conn) : send_preparing(s, conn);
    }
    buf_release(&rel);
    return ok;
}

/* One open event stream. */
struct stream {
    struct serve *s;
    unsigned long seen; /* the generation this page knows about */
    struct buf pending; /* bytes not yet handed to the server */
    size_t off;
};

/* Called by the connection's own thread whenever it can send more: waits for the next build
 * (or sends a comment now and then, which also notices a closed connection). */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream *c = cls;
    struct serve *s = c->s;
    if (c->off == c->pending.len) {
        buf_reset(&c->pending);
        c->off = 0;
        pthread_mutex_lock(&s->lock);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += KEEPALIVE_SECONDS;
        int rc = 0;
        while (!s->stopping && s->generation == c->seen && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&s->changed, &s->lock, &until);
        if (s->stopping) {
            pthread_mutex_unlock(&s->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (s->generation == c->seen) {
            buf_puts(&c->pending, ": waiting for changes\n\n");
        } else {
            const char *event = s->errors.len                    ? "errors"
                                : c->seen >= s->full_generation ? "css"
                                                                 : "reload";
            c->seen = s->generation;
            buf_printf(&c->pending, "event: %s\ndata: %lu\n\n", event, c->seen);
        }
        pthread_mutex_unlock(&s->lock);
    }
    size_t n = c->pending.len - c->off;
    if (n > max)
        n = max;
    memcpy(out, c->pending.data + c->off, n);
    c->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *c = cls;
    buf_release(&c->pending);
    free(c);
}

static enum MHD_Result send_stream(struct serve *s, struct MHD_Connection *conn)
{
    struct stream *c = xcalloc(1, sizeof *c);
    c->s = s;
    buf_init(&c->pending);
    const char *since = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
    char *end = NULL;
    unsigned long seen = since ? strtoul(since, &end, 10) : 0;
    pthread_mutex_lock(&s->lock);
    c->seen = since && end != since && !*end && seen <= s->generation ? seen : s->generation;
    pthread_mutex_unlock(&s->lock);
    /* Browsers try again this many milliseconds after the server went away. */
    buf_puts(&c->pending, "retry: 1000\n\n");
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read, c, stream_free);
    if (!r) {
        stream_free(c);
        return MHD_NO;
    }
    return queue(conn, MHD_HTTP_OK, r, "text/event-stream; charset=utf-8");
}

/* One request to the editor's API, while its body arrives. */
struct api_call {
    struct buf body;
    size_t limit;
    int too_large;
    struct strv args; /* query arguments decoded: name, value, name, value... */
};

static void api_call_free(struct api_call *c)
{
    buf_release(&c->body);
    strv_release(&c->args);
    free(c);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    if (*con_cls)
        api_call_free(*con_cls);
    *con_cls = NULL;
}

/* Decodes a query argument as it arrived (the unescape callback leaves them escaped): %XX and
 * '+' for a space. Returns a new string, or NULL for a bad escape or a NUL. */
static char *decode_arg(const char *v)
{
    struct buf b;
    buf_init(&b);
    for (const char *p = v; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = hex_digit(p[1]);
            int lo = hi < 0 ? -1 : hex_digit(p[2]);
            if (lo < 0 || (hi == 0 && lo == 0)) {
                buf_release(&b);
                return NULL;
            }
            c = hi * 16 + lo;
            p += 2;
        }
        buf_putc(&b, (char)c);
    }
    return buf_detach(&b, NULL);
}

static enum MHD_Result keep_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct api_call *c = cls;
    char *v = decode_arg(value ? value : "");
    if (v) {
        strv_push(&c->args, key);
        strv_push_owned(&c->args, v);
    }
    return MHD_YES;
}

static const char *call_arg(const char *name, void *userdata)
{
    const struct api_call *c = userdata;
    for (size_t i = 0; i + 1 < c->args.len; i += 2)
        if (strcmp(c->args.v[i], name) == 0)
            return c->args.v[i + 1];
    return NULL;
}

static enum MHD_Result send_api(struct serve *s, struct MHD_Connection *conn, const char *method,
                                const char *path, struct api_call *c)
{
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, keep_arg, c);
    const char *token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Kairan-Token");
    struct editor_request req = {
        .method = method,
        .path = path,
        .host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
        .origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"),
        .token = token ? token : call_arg("token", c),
        .if_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-Match"),
        .arg = call_arg,
        .arg_userdata = c,
        .body = c->body.data,
        .body_len = c->body.len,
        .body_too_large = c->too_large,
    };
    struct editor_response res;
    editor_response_init(&res);
    editor_handle(s->editor, &req, &res);
    struct MHD_Response *r = MHD_create_response_from_buffer(res.body.len, res.body.data,
                                                             MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok = MHD_NO;
    if (r) {
        if (res.location)
            MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, res.location);
        if (c->too_large)
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
        ok = queue(conn, res.status, r, res.type);
    }
    editor_response_release(&res);
    return ok;
}

/* The editor's page and its files; refused (404) for a Host or Origin not the server's. */
static enum MHD_Result send_editor_page(struct serve *s, struct MHD_Connection *conn,
                                        const char *name)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    if (!editor_host_ok(s->editor, host, origin)) {
        static const char msg[] = "This address (Host) is not the preview's own.\n";
        return send_bytes(conn, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8", msg,
                          sizeof msg - 1);
    }
    const struct editor_file *f = editor_page_file(*name ? name : "index.html");
    if (!f)
        return send_not_found(s, conn);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    /* The page never shows inside another site's frame. */
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    return queue(conn, MHD_HTTP_OK, r, serve_content_type(f->name));
}

/* A file of the editor's preview of unsaved text (built with relative links). */
static enum MHD_Result send_editor_preview(struct serve *s, struct MHD_Connection *conn,
                                           const char *url)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!editor_host_ok(s->editor, host, NULL))
        return send_not_found(s, conn);
    struct buf rel;
    buf_init(&rel);
    enum serve_route route = serve_route_path(url, "/__kairan/preview/", &rel);
    enum MHD_Result ok;
    struct stat st;
    int fd = route == SERVE_FILE ? open_below(editor_preview_dir(s->editor), rel.data, &st) : -1;
    if (fd >= 0 && S_ISREG(st.st_mode)) {
        ok = send_file_as(s, conn, MHD_HTTP_OK, rel.data, fd, &st, 1);
    } else if (route == SERVE_FILE && editor_preview_elsewhere(s->editor, rel.data)) {
        /* A page in another language than the one previewed (its language switch): the
         * site's preview has it, as saved. Temporary: the next preview may be in its
         * language. */
        if (fd >= 0)
            close(fd);
        pthread_mutex_lock(&s->lock);
        char *to = xasprintf("%s%s", s->base, rel.data);
        pthread_mutex_unlock(&s->lock);
        ok = send_redirect_as(conn, MHD_HTTP_TEMPORARY_REDIRECT, to);
        free(to);
    } else {
        if (fd >= 0)
            close(fd);
        ok = send_not_found(s, conn);
    }
    buf_release(&rel);
    return ok;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct serve *s = cls;
    static const char api[] = "/__kairan/api/";
    if (s->editor && strncmp(url, api, sizeof api - 1) == 0) {
        struct api_call *c = *con_cls;
        if (!c) {
            /* Headers only: the body, if any, comes in the next calls. */
            c = xcalloc(1, sizeof *c);
            buf_init(&c->body);
            c->limit = editor_body_limit(method, url + sizeof api - 1);
            const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (length && strtoull(length, NULL, 10) > c->limit)
                c->too_large = 1;
            *con_cls = c;
            return MHD_YES;
        }
        if (*upload_size) {
            /* Past the limit the rest is read and dropped: the answer says why. */
            if (!c->too_large && c->body.len + *upload_size > c->limit) {
                c->too_large = 1;
                buf_release(&c->body);
                buf_init(&c->body);
            }
            if (!c->too_large)
                buf_add(&c->body, upload, *upload_size);
            *upload_size = 0;
            return MHD_YES;
        }
        return send_api(s, conn, method, url + sizeof api - 1, c);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        static const char msg[] = "Only GET and HEAD are answered here.\n";
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return queue(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r, "text/plain; charset=utf-8");
    }
    if (strcmp(url, "/__kairan/live.js") == 0)
        return send_bytes(conn, MHD_HTTP_OK, "text/javascript; charset=utf-8", live_js,
                          sizeof live_js - 1);
    if (strcmp(url, "/__kairan/events") == 0)
        return send_stream(s, conn);
    if (s->editor && strcmp(url, "/__kairan/edit") == 0)
        return send_redirect(conn, "/__kairan/edit/");
    static const char edit[] = "/__kairan/edit/", prev[] = "/__kairan/preview/";
    if (s->editor && strncmp(url, edit, sizeof edit - 1) == 0 &&
        !strchr(url + sizeof edit - 1, '/'))
        return send_editor_page(s, conn, url + sizeof edit - 1);
    if (s->editor && strncmp(url, prev, sizeof prev - 1) == 0)
        return send_editor_preview(s, conn, url);
    return send_path(s, conn, url);
}

/* Leaves the path as it arrived: serve_route_path decodes it, and must see an escaped '/' or
 * NUL to refuse it. */
static size_t keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
    return strlen(s);
}

/* Opens the listening socket, so that a taken port is reported before the first build.
 * Returns the socket, or -1 after reporting. */
static int listen_on(struct diag *d, const char *host, unsigned port)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        diag_io_error(d, NULL,
                      _("--bind '%s' is not an address of this computer (like 127.0.0.1): %s"),
                      host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    int err = 0;
    if (fd < 0)
        err = errno;
    else if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
             bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 64) != 0)
        err = errno;
    freeaddrinfo(res);
    if (!err)
        return fd;
    if (fd >= 0)
        close(fd);
    if (err == EADDRINUSE)
        diag_io_error(d, NULL,
                      _("port %u is already in use (is kairan serve already running?); choose "
                        "another one, like: kairan serve -p %u"),
                      port, port < 65535 ? port + 1 : 8088);
    else if (err == EACCES)
        diag_io_error(d, NULL, _("port %u needs administrator rights; choose one from 1024 up, "
                                 "like: kairan serve -p 8088"), port);
    else
        diag_io_error(d, NULL, _("cannot listen on %s port %u: %s"), host, port, strerror(err));
    return -1;
}

/* ---- Building. ---- */

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* The site's path from its settings, or NULL if they cannot be read (the build says why).
 * Returns a new string; the caller frees it. */
static char *read_base(const char *source)
{
    struct diag quiet;
    diag_init(&quiet);
    struct site_config cfg;
    char *base = NULL;
    if (config_load(&quiet, source, &cfg) == 0 && cfg.base_path)
        base = xstrdup(cfg.base_path);
    config_release(&cfg);
    diag_release(&quiet);
    return base;
}

/* Runs one build and publishes its outcome to the pages. change is what set it off, or NULL
 * for the first build. */
static void rebuild(struct serve *s, const struct serve_options *opt, const char *root,
                    const struct watch_change *change)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (change) {
        const char *what = strncmp(change->first, "./", 2) == 0 ? change->first + 2
                                                                 : change->first;
        if (change->count > 1)
            printf(_("kairan: %s and %u more changed; rebuilding\n"), what, change->count - 1);
        else
            printf(_("kairan: %s changed; rebuilding\n"), what);
        fflush(stdout);
    }
    struct diag bd;
    diag_init(&bd);
    bd.werror = opt->strict;
    pthread_mutex_lock(&s->build_lock);
    int rc = opt->build(&bd, opt->userdata);
    pthread_mutex_unlock(&s->build_lock);
    long ms = elapsed_ms(&start);
    diag_print(&bd, stderr); /* sorts them, for the overlay too */
    struct strv msgs = STRV_INIT;
    for (size_t i = 0; rc != 0 && i < bd.len; i++)
        strv_push_owned(&msgs, diag_format(&bd.msgs[i]));
    if (rc != 0 && msgs.len == 0)
        strv_push_owned(&msgs, xasprintf("kairan: %s: %s", _("error"), _("the build failed")));
    size_t problems = bd.errors;
    diag_release(&bd);
    char *base = read_base(strcmp(root, ".") == 0 ? "" : root);
    int only_css = change && change->count && change->css == change->count;

    pthread_mutex_lock(&s->lock);
    int had_errors = s->errors.len != 0;
    s->built = 1;
    s->generation++;
    strv_release(&s->errors);
    if (rc != 0) {
        s->errors = msgs;
    } else if (!only_css || had_errors) {
        s->full_generation = s->generation;
        strv_release(&msgs);
    }
    if (base) {
        free(s->base);
        s->base = base;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);

    if (rc == 0 && !change)
        printf(_("kairan: built in %ld ms\n"), ms);
    else if (rc == 0 && only_css)
        printf(_("kairan: rebuilt in %ld ms (stylesheets only: pages swap them without "
                 "reloading)\n"),
               ms);
    else if (rc == 0)
        printf(_("kairan: rebuilt in %ld ms\n"), ms);
    else if (change)
        printf(ngettext("kairan: the build failed with %zu error (above); pages show the last "
                        "version that worked with the errors on top\n",
                        "kairan: the build failed with %zu errors (above); pages show the last "
                        "version that worked with the errors on top\n",
                        problems),
               problems);
    else
        printf(ngettext("kairan: the build failed with %zu error (above); pages show what was "
                        "built before, if anything, with the errors on top\n",
                        "kairan: the build failed with %zu errors (above); pages show what was "
                        "built before, if anything, with the errors on top\n",
                        problems),
               problems);
    fflush(stdout);
}

/* ---- The run. ---- */

int serve_is_loopback(const char *host)
{
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
        return 1;
    unsigned char a[4];
    return inet_pton(AF_INET, host, a) == 1 && a[0] == 127;
}

/* Starts the editor when it is to be on; warns when it is on another address than loopback.
 * Returns 0, or -1 after reporting. */
static int start_editor(struct diag *d, struct serve *s, const struct serve_options *opt,
                        const char *host, const char *root)
{
    int loopback = serve_is_loopback(host);
    if (!opt->overlay_build || !opt->work || (!loopback && !opt->edit))
        return 0;
    struct editor_options eo = {.source = root, .work = opt->work, .port = opt->port,
                                .build = opt->overlay_build, .userdata = opt->userdata,
                                .build_lock = &s->build_lock};
    s->editor = editor_new(d, &eo);
    if (!s->editor)
        return -1;
    if (!loopback)
        fprintf(stderr,
                _("kairan: warning: the editor is on at %s, an address other computers can "
                  "reach: anyone who learns its address with the token can change the site's "
                  "files. Use it only on a network you trust, and stop it when you are done.\n"),
                host);
    return 0;
}

int serve_run(struct diag *d, const struct serve_options *opt)
{
    const char *host = opt->bind ? opt->bind : "127.0.0.1";
    const char *root = opt->source && *opt->source ? opt->source : ".";

    /* SIGINT and SIGTERM are taken here, in the poll loop, by every thread started from now
     * on leaving them blocked: a signal then ends the loop between two builds, never in the
     * middle of one. */
    sigset_t sigs, old_mask;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, &old_mask);
    int sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

    struct serve s;
    state_init(&s, opt->output);
    int rc = -1;
    struct watch *w = NULL;
    struct MHD_Daemon *daemon = NULL;
    int sock = -1;
    if (sig_fd < 0) {
        diag_io_error(d, NULL, _("cannot take Ctrl-C: %s"), strerror(errno));
        goto done;
    }
    sock = listen_on(d, host, opt->port);
    if (sock < 0)
        goto done;
    if (start_editor(d, &s, opt, host, root) != 0)
        goto done;
    static const char *const watched[] = {"content", "themes", "assets", NULL};
    w = watch_new(d, root, watched);
    if (!w)
        goto done;

    /* The server answers from the start: a page the first build has not made yet is the
     * 準備中 page, which reloads once it has. */
    char *base = read_base(strcmp(root, ".") == 0 ? "" : root);
    if (base) {
        free(s.base);
        s.base = base;
    }
    daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
                              0, NULL, NULL, answer, &s, MHD_OPTION_LISTEN_SOCKET, sock,
                              MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                              MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
    if (!daemon) {
        diag_io_error(d, NULL, _("cannot start the web server on %s port %u"), host, opt->port);
        goto done;
    }
    sock = -1; /* the server's now: MHD_stop_daemon closes it */
    pthread_mutex_lock(&s.lock);
    int v6 = strchr(host, ':') != NULL;
    printf(_("kairan: open http://%s%s%s:%u%s in your browser; pages change as you save files. "
             "Press Ctrl-C to stop.\n"),
           v6 ? "[" : "", host, v6 ? "]" : "", opt->port, s.base);
    pthread_mutex_unlock(&s.lock);
    if (s.editor) {
        const char *at = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0
                             ? "127.0.0.1" : host;
        int at_v6 = strchr(at, ':') != NULL;
        printf(_("kairan: write in the browser (ブラウザで書く): "
                 "http://%s%s%s:%u/__kairan/edit/?token=%s\n"),
               at_v6 ? "[" : "", at, at_v6 ? "]" : "", opt->port, editor_token(s.editor));
    }
    const char *shown = strcmp(root, ".") == 0 ? _("this folder") : root;
    if (opt->drafts)
        printf(_("kairan: building a preview of %s (drafts included)\n"), shown);
    else
        printf(_("kairan: building a preview of %s (drafts left out)\n"), shown);
    fflush(stdout);
    rebuild(&s, opt, root, NULL);

    struct watch_change pending = {0};
    struct timespec last = {0};
    for (;;) {
        long wait = -1;
        if (pending.count) {
            wait = DEBOUNCE_MS - elapsed_ms(&last);
            if (wait <= 0) {
                rebuild(&s, opt, root, &pending);
                memset(&pending, 0, sizeof pending);
                continue;
            }
        }
        struct pollfd fds[2] = {{watch_fd(w), POLLIN, 0}, {sig_fd, POLLIN, 0}};
        int n = poll(fds, 2, (int)wait);
        if (n < 0 && errno != EINTR) {
            diag_io_error(d, NULL, _("cannot wait for changes: %s"), strerror(errno));
            break;
        }
        if (n > 0 && (fds[1].revents & POLLIN))
            break; /* read below, before the mask is restored */
        if (n > 0 && (fds[0].revents & POLLIN)) {
            unsigned before = pending.count;
            struct diag wd;
            diag_init(&wd);
            watch_read(w, &wd, &pending);
            diag_print(&wd, stderr);
            diag_release(&wd);
            if (pending.count != before)
                clock_gettime(CLOCK_MONOTONIC, &last);
        }
    }
    rc = diag_error_count(d) ? -1 : 0;
    printf(_("\nkairan: stopped\n"));
    fflush(stdout);
done:
    /* Open event streams end first: the server waits for every connection's thread. */
    pthread_mutex_lock(&s.lock);
    s.stopping = 1;
    pthread_cond_broadcast(&s.changed);
    pthread_mutex_unlock(&s.lock);
    if (daemon)
        MHD_stop_daemon(daemon);
    if (sock >= 0)
        close(sock);
    watch_free(w);
    editor_free(s.editor);
    if (sig_fd >= 0) {
        /* Taken here, the signals are not delivered again when the old mask comes back. */
        struct signalfd_siginfo si;
        while (read(sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
            ;
        close(sig_fd);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    state_release(&s);
    return rc;
}
