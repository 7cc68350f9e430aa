/* media: the images a build uses, each processed once.
 * Entries name images by path (relative to their Markdown file, else under assets/);
 * media_use() resolves the path, has the image module make (or find in its cache) the web
 * variants, and remembers which files the output needs. Thread-safe: render workers call it
 * concurrently; one image used by many entries is processed once. The registry owns every
 * result until media_free(). */
#ifndef KAIRAN_MEDIA_H
#define KAIRAN_MEDIA_H

#include <jansson.h>

#include "core/diag.h"
#include "media/image.h"
#include "publish/publish.h"

struct media;

struct media_opts {
    const char *source;                 /* site root: assets/ is here */
    const char *cache_dir;
    const struct image_config *images;  /* the theme's picture settings; cache_dir and progress
                                         * are set here */
};

struct media *media_new(struct diag *d, const struct media_opts *o);
void media_free(struct media *m);

/* An image as the site uses it. Strings are owned by the registry. */
struct media_image {
    const char *src;     /* output path of the default variant, relative to the site root */
    const char *srcset;  /* "img/a-320.jpg 320w, img/a-640.jpg 640w" relative to the root */
    const char *full;    /* the largest variant */
    const char *print;   /* the print variant (made on request), or NULL */
    int width, height;   /* of the default variant */
    int src_width, src_height; /* of the source after rotation */
};

/* Resolves src as written in the file at entry_path (relative to the file's folder, then
 * assets/) and processes it. Reports a missing or broken image at path:line:col and returns
 * -1; otherwise fills out and returns 0. */
int media_use(struct media *m, const char *entry_path, const char *entry_dir, const char *src,
              unsigned line, unsigned col, struct media_image *out);
/* A picture's print file (see image_print). Strings are owned by the registry. */
struct media_print {
    const char *cache_path; /* the finished file in the cache */
    const char *name;       /* a file name for it, unique to its content and size */
    int width, height;
};

/* Resolves src like media_use and makes (or finds in the cache) its print file for a placed
 * width of placed_mm, warning when the picture has too few pixels for the print dpi. Thread-
 * safe; each (picture, width) is made once. Returns 0, or -1 after reporting. The print files
 * are not published by media_publish: the print edition places them beside its document. */
int media_print(struct media *m, const char *entry_path, const char *entry_dir, const char *src,
                unsigned line, unsigned col, double placed_mm, struct media_print *out);
/* The file src names for an entry in entry_dir, found as media_use finds it (beside the entry,
 * else under assets/); a new string, or NULL when there is none. */
char *media_resolve(const struct media *m, const char *entry_dir, const char *src);
/* The srcset "img/a-320.jpg 320w, img/a-640.jpg 640w" with root before each path; returns a
 * new string (NULL for an empty srcset); the caller frees it. */
char *media_srcset_at(const char *root, const char *srcset);
/* Places every web variant the build used into the output. */
int media_publish(struct media *m, struct publish *p);
/* How many pictures this build decoded (0 on a rebuild with nothing changed) and how many it
 * found ready in the cache. */
void media_counts(const struct media *m, unsigned long *decoded, unsigned long *cached);

#endif
