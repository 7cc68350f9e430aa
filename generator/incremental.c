#include "incremental.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/strv.h"
#include "core/version.h"
#include "core/xalloc.h"

/* The publisher's manifest for this output, in the cache: one per output folder, so that
 * builds of one site into two folders keep separate records. Returns a new string. */
char *incremental_manifest_path(const char *cache, const char *output)
{
    const char *slash = strrchr(output, '/');
    char *parent = slash ? xstrndup(output, (size_t)(slash - output)) : xstrdup(".");
    char *real = realpath(*parent ? parent : "/", NULL);
    char *where = xasprintf("%s/%s", real ? real : parent, slash ? slash + 1 : output);
    char hex[33];
    char *name = xasprintf("manifest-%.16s.txt", hash_hex(hash_bytes(where, strlen(where)), hex));
    char *path = fs_join(cache, name);
    free(name);
    free(where);
    free(real);
    free(parent);
    return path;
}

struct key_job {
    struct strv *paths;
    struct hash *out;
    int *failed;
};

/* Sources are known by their identity on disk (fs_identity), not by their bytes: reading every
 * file of a big site costs more than a build with nothing to do may take. */
static void key_one(size_t i, void *userdata)
{
    struct key_job *job = userdata;
    struct stat st;
    job->failed[i] = stat(job->paths->v[i], &st) != 0;
    if (!job->failed[i])
        job->out[i] = fs_identity(&st);
}

int incremental_key(struct pool *pool, const struct incremental_inputs *in, struct hash *out)
{
    const char *source = in->source;
    const char *source_dir = *source ? source : ".";
    char *content = fs_join(source, "content");
    char *themes = fs_join(source, "themes");
    char *assets = fs_join(source, "assets");
    char *installed = fs_join(in->installed_themes, "themes");
    /* The PDFs make print-pdf left, which the build publishes (none: an empty name). */
    const char *pdfs = in->pdf_dir ? in->pdf_dir : "";
    const char *dirs[] = {content, assets, themes, installed, pdfs};
    const char *roots[] = {source_dir, source_dir, source_dir, installed, pdfs};
    struct strv paths = STRV_INIT;
    struct diag quiet;
    diag_init(&quiet);
    int rc = fs_is_dir(content) ? 0 : -1; /* without content/, the output is among the sources */
    for (size_t i = 0; rc == 0 && i < sizeof dirs / sizeof *dirs; i++) {
        struct strv found = STRV_INIT;
        if (*dirs[i] && fs_is_dir(dirs[i]) && fs_list(&quiet, roots[i], dirs[i], NULL, &found) != 0)
            rc = -1;
        for (size_t k = 0; k < found.len; k++)
            strv_push_owned(&paths, fs_join(dirs[i], found.v[k]));
        strv_release(&found);
    }
    diag_release(&quiet);
    struct key_job job = {&paths, xcalloc(paths.len + 1, sizeof *job.out),
                          xcalloc(paths.len + 1, sizeof *job.failed)};
    if (rc == 0)
        pool_for(pool, paths.len, key_one, &job);

    struct hasher h;
    hash_init(&h, 0x6b616972616e626bULL);
    struct stat st;
    char *real = realpath(source_dir, NULL);
    const char *texts[] = {KAIRAN_VERSION, real ? real : source_dir, in->output,
                           in->themes_option ? in->themes_option : "",
                           in->timezone ? in->timezone : ""};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        hash_update(&h, texts[i], strlen(texts[i]) + 1);
    free(real);
    int64_t flags[3] = {in->drafts, in->portable, in->now_utc};
    hash_update(&h, flags, sizeof flags);
    /* The program itself, and the time zone's rules. */
    struct hash exe = {0, 0}, zone = {0, 0};
    if (stat("/proc/self/exe", &st) == 0)
        exe = fs_identity(&st);
    char *zone_file = in->timezone ? xasprintf("/usr/share/zoneinfo/%s", in->timezone) : NULL;
    if (zone_file && stat(zone_file, &st) == 0)
        zone = fs_identity(&st);
    free(zone_file);
    hash_update(&h, &exe, sizeof exe);
    hash_update(&h, &zone, sizeof zone);
    for (size_t i = 0; rc == 0 && i < paths.len; i++) {
        rc = job.failed[i] ? -1 : 0;
        hash_update(&h, paths.v[i], strlen(paths.v[i]) + 1);
        hash_update(&h, &job.out[i], sizeof job.out[i]);
    }
    *out = hash_final(&h);
    free(job.out);
    free(job.failed);
    strv_release(&paths);
    free(content);
    free(themes);
    free(assets);
    free(installed);
    return rc;
}

/* The warnings of the build recorded in a manifest, kept beside it: a build with nothing to do
 * repeats them. */
static char *warnings_path(const char *manifest)
{
    size_t n = strlen(manifest);
    if (n > 4 && strcmp(manifest + n - 4, ".txt") == 0)
        n -= 4;
    return xasprintf("%.*s-warnings.txt", (int)n, manifest);
}

/* The first line of the kept warnings: the build they belong to, and the language they are in
 * (a build in another language says them again rather than repeat these). Returns a new
 * string; the caller frees it. */
static char *warnings_head(struct hash key)
{
    char hex[33], lang_hex[33];
    const char *catalogue = intl_catalogue();
    struct hash lang = hash_bytes(catalogue, strlen(catalogue));
    return xasprintf("kairan warnings 2 %s %s\n", hash_hex(key, hex), hash_hex(lang, lang_hex));
}

int incremental_save_warnings(const char *manifest, struct hash key, struct diag *d, size_t first)
{
    char *list = diag_save_warnings(d, first);
    char *head = warnings_head(key);
    char *text = xasprintf("%s%s", head, list);
    free(head);
    char *path = warnings_path(manifest);
    struct diag quiet;
    diag_init(&quiet);
    int rc = fs_write_file(&quiet, path, text, strlen(text));
    diag_release(&quiet);
    free(path);
    free(text);
    free(list);
    return rc;
}

/* Adds the kept warnings of the build with this key to d. Returns 0, or -1 (adding nothing)
 * when there are none kept for it. */
static int warnings_replay(const char *manifest, struct hash key, struct diag *d)
{
    char *head = warnings_head(key);
    char *path = warnings_path(manifest);
    struct buf text;
    buf_init(&text);
    struct diag quiet;
    diag_init(&quiet);
    size_t n = strlen(head);
    int rc =
        fs_read_file(&quiet, path, &text) == 0 && text.len >= n && memcmp(text.data, head, n) == 0
            ? diag_load_warnings(d, text.data + n, text.len - n)
            : -1;
    diag_release(&quiet);
    buf_release(&text);
    free(path);
    free(head);
    return rc;
}

int incremental_up_to_date(struct diag *d, const char *output, const struct publish_options *po,
                           struct hash key, int quiet)
{
    struct diag probe;
    diag_init(&probe);
    struct publish *pub = publish_begin(&probe, output, po);
    unsigned long entries = 0, pictures = 0;
    int same = pub && publish_up_to_date(pub, key, &entries, &pictures) &&
               warnings_replay(po->manifest, key, d) == 0;
    publish_abort(pub);
    diag_release(&probe);
    if (same && !quiet)
        printf(_("kairan: %s/ is up to date: %lu entries (pictures: 0 made, %lu from the cache)\n"),
               output, entries, pictures);
    return same;
}
