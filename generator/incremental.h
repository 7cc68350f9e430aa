/* incremental: when a build has nothing to do.
 * A build's key stands for everything it reads: the program, its options and clock, and the
 * identity on disk of every file of content/, assets/, the themes and the print PDFs. When the publisher's
 * manifest says the last build had the same key and the output is as that build left it, the
 * build only repeats the last one's warnings, which are kept beside the manifest. Everything
 * here fails quietly: a key or a list that cannot be made means the build is done again. */
#ifndef KAIRAN_INCREMENTAL_H
#define KAIRAN_INCREMENTAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/hash.h"
#include "core/pool.h"
#include "publish/publish.h"

/* What a build reads, apart from its files. */
struct incremental_inputs {
    const char *source;           /* the site folder ("" for the current one) */
    const char *output;           /* the output folder */
    const char *themes_option;    /* the installed themes' folder as given, or NULL */
    const char *installed_themes; /* the installed themes' folder in use */
    const char *timezone;         /* site.yaml's zone name, or NULL */
    const char *pdf_dir;          /* the print edition's PDFs from make print-pdf, or NULL */
    int drafts, portable;
    int64_t now_utc; /* the build clock */
};

/* The manifest of the output folder output, in the cache: one per output folder, so that
 * builds of one site into two folders keep separate records. Returns a new string; the caller
 * frees it. */
char *incremental_manifest_path(const char *cache, const char *output);
/* Sets *out to the key of a build with these inputs, statting the files on the pool. Returns
 * 0, or -1 when a file cannot be read (the build then goes the long way and reports it). */
int incremental_key(struct pool *pool, const struct incremental_inputs *in, struct hash *out);
/* True when the output is as the last build with this key left it: then adds that build's
 * warnings to d and, unless quiet, says so on stdout. */
int incremental_up_to_date(struct diag *d, const char *output, const struct publish_options *po,
                           struct hash key, int quiet);
/* Keeps the warnings of this build (from message first on) for the key. Returns 0, or -1 when
 * they cannot be kept (then the build must not be recorded as one to skip). */
int incremental_save_warnings(const char *manifest, struct hash key, struct diag *d,
                              size_t first);

#endif
