/* build: the pipeline, top to bottom, in one function.
 * load config → load entries → site model → theme → markdown + images → render → print →
 * publish. It owns every stage's data for the length of one build and reports every problem
 * through the diag it is given; nothing is written to the output unless the whole build
 * succeeded. */
#ifndef KAIRAN_BUILD_H
#define KAIRAN_BUILD_H

#include <stdint.h>

#include "core/diag.h"

struct build_options {
    const char *source;  /* site source root (content/, themes/, assets/) */
    const char *output;  /* NULL: SOURCE/public */
    const char *cache;   /* NULL: SOURCE/.cache/kairan */
    unsigned jobs;       /* worker threads; 0 means one per core */
    int drafts;          /* include entries marked draft: true */
    int portable;        /* relative links with explicit index.html, for opening from disk */
    int strict;          /* warnings are errors; report template variables never given */
    int write;           /* 0 for `kairan check`: load and validate everything, write nothing */
    int quiet;
    int no_wait;            /* fail at once when another build is writing the same output */
    const char *now_text;   /* --now: the build clock as local date-time, or NULL */
    const char *epoch_text; /* SOURCE_DATE_EPOCH, or NULL; --now wins */
    const char *themes_dir; /* installed themes (holding themes/NAME), or NULL for the default */
    int no_signals; /* leave SIGINT/SIGTERM/SIGHUP to the caller (kairan serve handles them) */
    /* kairan serve's editor: a folder holding content/... files that take the place of (or
     * join) those of the site with the same path, for previewing and checking what is not
     * saved yet; NULL for none. A build with an overlay never counts as up to date. */
    const char *overlay;
    int preview;    /* kairan serve's preview: no service worker */
    /* kairan serve's editor, for the preview of unsaved text: the code of the one language
     * whose pages, feeds, search files and print edition are made (the previewed entry's),
     * the other languages' left out, and with them the app's manifest and worker; NULL (or a
     * code site.yaml does not have): every language. Never for a site to publish. */
    const char *language;
    /* KAIRAN_HOLD_ENTRIES: how many entries' template data to hold at once; 0: the default */
    unsigned hold_entries;
};

/* Runs one build. Returns 0 when it succeeded; -1 when errors were reported through d. */
int build_run(struct diag *d, const struct build_options *opt);
/* The image cache folder: --cache-dir, else site.yaml's cache_dir, else SOURCE/.cache/kairan
 * (also when the settings cannot be read). Returns a new string; the caller frees it. */
char *build_cache_dir(const struct build_options *opt);
/* Removes the built site (and with cache set, the image cache). */
int build_clean(struct diag *d, const struct build_options *opt, int cache);

#endif
