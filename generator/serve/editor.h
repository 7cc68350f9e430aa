/* editor: the JSON API behind kairan serve's editor (/__kairan/api/), without HTTP.
 * serve hands it each request as a struct editor_request and sends back the status, type and
 * body it fills in. It lists, reads, creates, changes and deletes entries and their
 * translations (to a trash folder) and stores pictures, and only below content/ and assets/;
 * checks entries by building the site with the unsaved one in an overlay folder outside
 * content/, and builds the preview of unsaved text the same way, in the entry's language
 * only. Every request must carry the session's token and come from the server's own address
 * (Host, Origin); refusals are answered, never written. It owns its token, folders and a lock
 * that keeps one check or preview build at a time. */
#ifndef KAIRAN_EDITOR_H
#define KAIRAN_EDITOR_H

#include <pthread.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* Builds the site with the overlay folder's content/ files in place of the site's: into
 * output when it is not NULL (the preview, with relative links), else only checking. language
 * (a code of site.yaml's languages) makes only that language's pages; NULL: every language.
 * Returns 0 or -1 after reporting through d. */
typedef int (*editor_build_fn)(struct diag *d, const char *overlay, const char *output,
                               const char *language, void *userdata);

/* The most a request's body may hold: JSON, and a picture. */
enum { EDITOR_MAX_JSON = 2 << 20, EDITOR_MAX_PICTURE = 20 << 20 };

struct editor_options {
    const char *source;          /* the site's folder ("." or a path) */
    const char *work;            /* a folder of the editor's own, outside content/ (the cache) */
    unsigned port;               /* the server's port: a Host must name it */
    editor_build_fn build;
    void *userdata;              /* for build */
    pthread_mutex_t *build_lock; /* held during each build (serve's own builds take it too) */
    const char *token;           /* NULL: a new random one */
};

struct editor_request {
    const char *method;       /* "GET", "PUT", "POST", "DELETE" */
    const char *path;         /* after /__kairan/api/: "entries/event/kenshu" */
    const char *host;         /* the Host header, or NULL */
    const char *origin;       /* the Origin header, or NULL */
    const char *token;        /* X-Kairan-Token, else ?token=, or NULL */
    const char *if_match;     /* If-Match, or NULL */
    /* Query arguments by name (NULL when absent). */
    const char *(*arg)(const char *name, void *userdata);
    void *arg_userdata;
    const char *body;         /* the request's body (NUL-terminated), or NULL */
    size_t body_len;
    int body_too_large;       /* the body was over its limit and not kept */
};

struct editor_response {
    unsigned status;
    const char *type;   /* a static Content-Type */
    struct buf body;
    char *location;     /* for 201: the new entry's address; owned */
};

struct editor;

/* Returns a new editor, or NULL after reporting (no randomness for the token). */
struct editor *editor_new(struct diag *d, const struct editor_options *opt);
void editor_free(struct editor *ed);
/* The session's token (32 hex digits), owned by ed. */
const char *editor_token(const struct editor *ed);
/* The folder whose files /__kairan/preview/ serves, owned by ed. */
const char *editor_preview_dir(const struct editor *ed);
/* Whether a request for an editor page may be answered: its Host is the server's port at
 * localhost or at an address written as numbers (127.0.0.1:8088, [::1]:8088, 192.0.2.7:8088),
 * never a name that some DNS could point here (DNS rebinding), and its Origin, when sent, is
 * http:// and such a Host. */
int editor_host_ok(const struct editor *ed, const char *host, const char *origin);
/* Whether rel (a path below the preview folder) is in a language the last preview left out:
 * a preview makes only the pages of its entry's language, and the site's own preview has the
 * others as saved. False before the first preview. Thread-safe. */
int editor_preview_elsewhere(struct editor *ed, const char *rel);
/* Whether a request may bring a body of len bytes (pictures may be larger than the rest). */
size_t editor_body_limit(const char *method, const char *path);

/* Answers one API request into res (initialise it with editor_response_init, release it with
 * editor_response_release). Thread-safe. */
void editor_handle(struct editor *ed, const struct editor_request *req,
                   struct editor_response *res);
void editor_response_init(struct editor_response *res);
void editor_response_release(struct editor_response *res);

#endif
