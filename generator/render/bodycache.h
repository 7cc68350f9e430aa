/* bodycache: converted entry bodies kept between builds, so an unchanged entry is not parsed
 * again. A record holds what render makes of one body (HTML, XHTML, summary, title, table of
 * contents) and what that depended on outside the body: where each link led and which picture
 * file (and its identity) each image came from; the caller checks those before trusting it.
 * Records are keyed by a hash of the body's own inputs and appended to pack files in the cache
 * folder (one per build that wrote any), found through an index saved at the end of the build;
 * thousands of small files would cost more to create than the conversion. Nothing here
 * reports: an unreadable record is a miss, and one that cannot be written is left out (the
 * next build parses again). */
#ifndef KAIRAN_BODYCACHE_H
#define KAIRAN_BODYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "markup/markdown.h"

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
    char *html, *summary, *title_html, *title_text;
    char *toc; /* the table of contents as JSON text */
    char *search, *title_search; /* what search reads; title_search may be NULL */
    unsigned minutes;
    struct bodycache_link *links;
    size_t n_links, links_cap;
    struct bodycache_image *images;
    size_t n_images, images_cap;
};

struct bodycache;

/* Opens the cache kept in dir (created on the first write); a missing or damaged index is an
 * empty cache. Returns a new cache; bodycache_close() saves and frees it. */
struct bodycache *bodycache_open(const char *dir);
/* Reads the record for key into out (zeroed first). Returns 0 when there is a complete record,
 * -1 otherwise (out is then empty). Thread-safe. */
int bodycache_read(struct bodycache *c, struct hash key, struct bodycache_record *out);
/* Reads only the search text of the record for key: a new string the caller frees, or NULL
 * when there is no such record. Thread-safe. */
char *bodycache_read_search(struct bodycache *c, struct hash key);
/* Adds rec as the record for key. Returns 0 or -1. Thread-safe. */
int bodycache_write(struct bodycache *c, struct hash key, const struct bodycache_record *rec);
/* Saves the index: the records this build read or wrote, and older ones while the packs stay
 * small (else the live records are copied into one pack and the rest goes). Frees c; NULL is
 * allowed. */
void bodycache_close(struct bodycache *c);
/* The folder, for messages. */
const char *bodycache_dir(const struct bodycache *c);
/* Adds a link or an image to rec (the strings are copied). */
void bodycache_add_link(struct bodycache_record *rec, const char *target, const char *url);
void bodycache_add_image(struct bodycache_record *rec, const struct bodycache_image *img);
/* Frees everything rec owns and zeroes it. */
void bodycache_record_release(struct bodycache_record *rec);

#endif
