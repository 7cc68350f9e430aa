/* bodycache: converted entry bodies kept between builds, so an unchanged entry is not parsed
 * again. A record holds what render makes of one body (HTML, XHTML, summary, title, table of
 * contents) and what that depended on outside the body: where each link led and which picture
 * file (and its identity) each image came from; the caller checks those before trusting it.
 * Records live as one file each in the cache folder, keyed by a hash of the body's own inputs,
 * and are written atomically. Nothing here reports: an unreadable record is a miss, and one
 * that cannot be written is left out (the next build parses again). */
#ifndef KAIRAN_BODYCACHE_H
#define KAIRAN_BODYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "markdown.h"

struct bodycache_link {
    char *target; /* as written */
    char *url;    /* what it became; NULL: kept as written */
};

struct bodycache_image {
    char *src;         /* as written */
    unsigned line, col;
    char *path;        /* the file it resolved to */
    uint64_t ino, size;
    int64_t mtime;     /* nanoseconds */
    struct markdown_image out; /* what the image hook gave the parser */
};

struct bodycache_record {
    char *html, *xhtml, *summary, *title_html, *title_text;
    char *toc; /* the table of contents as JSON text */
    unsigned minutes;
    struct bodycache_link *links;
    size_t n_links;
    struct bodycache_image *images;
    size_t n_images;
};

/* Reads the record for key from dir into out (zeroed first). Returns 0 when there is a
 * complete record, -1 otherwise (out is then empty). */
int bodycache_read(const char *dir, struct hash key, struct bodycache_record *out);
/* Writes rec as the record for key in dir (created when missing). Returns 0 or -1. */
int bodycache_write(const char *dir, struct hash key, const struct bodycache_record *rec);
/* Adds a link or an image to rec (the strings are copied). */
void bodycache_add_link(struct bodycache_record *rec, const char *target, const char *url);
void bodycache_add_image(struct bodycache_record *rec, const struct bodycache_image *img);
/* Frees everything rec owns and zeroes it. */
void bodycache_record_release(struct bodycache_record *rec);

#endif
