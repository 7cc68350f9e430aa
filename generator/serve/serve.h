/* serve: `kairan serve`, a live preview for editors.
 * Builds the site into a preview folder (never the published one), serves it over HTTP with
 * libmicrohttpd (included by this module only), rebuilds when the sources change and tells
 * open pages over Server-Sent Events to reload, swap their stylesheets or show the errors of a
 * failed build above the last good site. It owns the HTTP server, the watch and SIGINT/SIGTERM
 * while it runs. Problems that stop it from starting (the port is taken, the site cannot be
 * watched) are reported through the diag; a build's errors go to the terminal and the pages. */
#ifndef KAIRAN_SERVE_H
#define KAIRAN_SERVE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* Builds the site once into the preview folder, reporting through d; returns 0, or -1 when the
 * build failed. It must leave SIGINT, SIGTERM and SIGHUP alone: serve takes them. */
typedef int (*serve_build_fn)(struct diag *d, void *userdata);

/* The editor's builds: see editor_build_fn (serve/editor.h). */
typedef int (*serve_overlay_fn)(struct diag *d, const char *overlay, const char *output,
                                const char *language, void *userdata);

struct serve_options {
    const char *source;    /* the site's folder, watched for changes; NULL or "": "." */
    const char *output;    /* the preview folder the builds write and the server serves */
    int strict;            /* warnings count as errors (--strict) */
    int drafts;            /* the builds include drafts (said when the preview starts) */
    serve_build_fn build;  /* runs each build */
    void *userdata;        /* passed to build */
    const char *bind;      /* address to listen on; NULL: 127.0.0.1 */
    unsigned port;         /* 1-65535 */
    /* The editor (/__kairan/edit/): on when the address is a loopback one, else only with
     * edit set (--edit), which also prints a warning. */
    int edit;
    serve_overlay_fn overlay_build; /* its check and preview builds (userdata as for build) */
    const char *work;      /* a folder for the editor's own files, outside content/ */
};

/* Builds, serves and rebuilds until SIGINT or SIGTERM, then stops the server, waits for any
 * build to end and returns 0. Returns -1 after reporting when it could not start. */
int serve_run(struct diag *d, const struct serve_options *opt);

/* How a request's path is answered. */
enum serve_route {
    SERVE_NOT_FOUND, /* outside the site or not a path kairan ever writes: the 404 page */
    SERVE_FILE,      /* *out is a path below the output folder to open */
    SERVE_REDIRECT,  /* *out is the path (starting with '/') to send the browser to */
};

/* Maps a request path as it arrived (percent-encoded, starting with '/', no query) to what
 * answers it. base is the site's own path from its base_url ("/" or like "/watowa/"): the
 * output folder is served below it, and "/" or base without its last '/' redirect to base.
 * A path ending in '/' asks for that folder's index.html. Refused as SERVE_NOT_FOUND: bad or
 * encoded-slash (%2F) or NUL escapes, control characters, backslashes, empty, '.' and '..'
 * parts. out is reset first. */
enum serve_route serve_route_path(const char *url, const char *base, struct buf *out);

/* The Content-Type for a file name, by its extension (ASCII case ignored); text types carry
 * charset=utf-8. Unknown extensions are application/octet-stream. Returns a static string. */
const char *serve_content_type(const char *name);

/* Appends html with snippet inserted before its last </body> (ASCII case ignored), or at the
 * end when it has none. */
void serve_inject(struct buf *out, const char *html, size_t len, const char *snippet);

/* Whether host (an address as --bind takes it) is a loopback one: 127.0.0.0/8, ::1 or
 * localhost. */
int serve_is_loopback(const char *host);

/* Appends the error overlay for a failed build: a block of markup with inline styles, visible
 * without JavaScript, listing each message (n of them) HTML-escaped. */
void serve_overlay(struct buf *out, const char *const *messages, size_t n);

#endif
