#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render/bodycache.h"
#include "content/config.h"
#include "content/entry.h"
#include "core/fs.h"
#include "core/hash.h"
#include "markup/markdown.h"
#include "media/media.h"
#include "core/pool.h"
#include "print/print.h"
#include "publish/publish.h"
#include "render/render.h"
#include "content/site.h"
#include "render/theme.h"
#include "core/tz.h"
#include "core/version.h"
#include "core/xalloc.h"

/* Templates every theme must have; the rest (partials, parents) come along with them. */
static const char *const page_templates[] = {"home", "activity", "event", "issue", "page",
                                             "list", "taxonomy", "calendar", "404", NULL};

/* Where kairan's own themes are installed (make install sets it from PREFIX), searched after
 * the site's own themes/ folder. */
#ifndef KAIRAN_THEMES_DIR
#define KAIRAN_THEMES_DIR "/usr/local/share/kairan"
#endif

struct load_job {
    struct diag *d;
    const struct site_config *cfg;
    const char *source;
    struct strv *files;
    struct entry *entries;
    int *failed;
};

static void load_one(size_t i, void *userdata)
{
    struct load_job *job = userdata;
    job->failed[i] = entry_load(job->d, job->cfg, job->source, job->files->v[i],
                                &job->entries[i]) != 0;
}

/* The build clock: --now (local time in the site's zone, or @EPOCH), else SOURCE_DATE_EPOCH,
 * else the system clock. */
static int resolve_clock(struct diag *d, const struct build_options *opt, const struct tz *zone,
                         int64_t *now_utc, struct datetime *now_local)
{
    const char *text = opt->now_text;
    int64_t t = (int64_t)time(NULL);
    struct date_why why;
    if (text) {
        if (tz_parse_now(&t, zone, text, strlen(text), &why) != 0) {
            diag_error(d, NULL, 0, 0, "--now '%s' is not a date and time: %s", text, why.text);
            return -1;
        }
    } else if (opt->epoch_text && *opt->epoch_text) {
        if (date_parse_epoch(&t, opt->epoch_text, strlen(opt->epoch_text), &why) != 0) {
            diag_error(d, NULL, 0, 0, "SOURCE_DATE_EPOCH '%s' is not a number of seconds: %s",
                       opt->epoch_text, why.text);
            return -1;
        }
    }
    *now_utc = t;
    *now_local = tz_to_local(zone, t);
    return 0;
}

static int publish_statics(const struct theme *theme, struct publish *pub)
{
    int rc = 0;
    for (size_t i = 0; i < theme->n_statics; i++)
        rc |= publish_file(pub, theme->statics[i].hashed, theme->statics[i].path);
    return rc ? -1 : 0;
}

/* The image cache: --cache-dir, else site.yaml's cache_dir (inside the site folder), else
 * .cache/kairan. Returns a new string. */
static char *cache_path(const struct build_options *opt, const char *source,
                        const struct site_config *cfg)
{
    if (opt->cache)
        return xstrdup(opt->cache);
    return fs_join(source, cfg && cfg->cache_dir ? cfg->cache_dir : ".cache/kairan");
}

/* The publisher's manifest for this output, in the cache: one per output folder, so that
 * builds of one site into two folders keep separate records. Returns a new string. */
static char *manifest_path(const char *cache, const char *output)
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

/* Sources are known by their identity on disk, not by their bytes: reading every file of a big
 * site costs more than a build with nothing to do may take. Any write to a file changes its
 * change time (which no program can set back), and a file saved by replacing it is another
 * inode; a file touched but not changed only costs a build that keeps every page. */
static struct hash identity_hash(const struct stat *st)
{
    int64_t v[5] = {(int64_t)st->st_size, (int64_t)st->st_ino, (int64_t)st->st_dev,
                    (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
                    (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec};
    return hash_bytes(v, sizeof v);
}

static void key_one(size_t i, void *userdata)
{
    struct key_job *job = userdata;
    struct stat st;
    job->failed[i] = stat(job->paths->v[i], &st) != 0;
    if (!job->failed[i])
        job->out[i] = identity_hash(&st);
}

/* The key of everything a build reads: the program, its options and clock, and every file of
 * content/, assets/ and the themes. Two builds with one key write the same output, so when the
 * output is still as the last build with this key left it there is nothing to do. Returns 0,
 * or -1 when a file cannot be read (the build then goes the long way and reports it). */
static int build_key(struct pool *pool, const struct build_options *opt, const char *source,
                     const char *output, const struct site_config *cfg, int64_t now_utc,
                     struct hash *out)
{
    const char *source_dir = *source ? source : ".";
    char *content = fs_join(source, "content");
    char *themes = fs_join(source, "themes");
    char *assets = fs_join(source, "assets");
    char *installed = fs_join(opt->themes_dir ? opt->themes_dir : KAIRAN_THEMES_DIR, "themes");
    const char *dirs[] = {content, assets, themes, installed};
    struct strv paths = STRV_INIT;
    struct diag quiet;
    diag_init(&quiet);
    int rc = fs_is_dir(content) ? 0 : -1; /* without content/, the output is among the sources */
    for (size_t i = 0; rc == 0 && i < sizeof dirs / sizeof *dirs; i++) {
        struct strv found = STRV_INIT;
        if (fs_is_dir(dirs[i]) &&
            fs_list(&quiet, i < 3 ? source_dir : installed, dirs[i], NULL, &found) != 0)
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
    const char *texts[] = {KAIRAN_VERSION, real ? real : source_dir, output,
                           opt->themes_dir ? opt->themes_dir : "", cfg->timezone ? cfg->timezone
                                                                                : ""};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        hash_update(&h, texts[i], strlen(texts[i]) + 1);
    free(real);
    int64_t flags[3] = {opt->drafts, opt->portable, now_utc};
    hash_update(&h, flags, sizeof flags);
    /* The program itself, and the time zone's rules. */
    struct hash exe = {0, 0}, zone = {0, 0};
    if (stat("/proc/self/exe", &st) == 0)
        exe = identity_hash(&st);
    char *zone_file = cfg->timezone ? xasprintf("/usr/share/zoneinfo/%s", cfg->timezone) : NULL;
    if (zone_file && stat(zone_file, &st) == 0)
        zone = identity_hash(&st);
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

/* True when the output is as the last build with this key left it; says so unless quiet. */
/* The warnings of the build recorded in a manifest, kept beside it: a build with nothing to do
 * repeats them. */
static char *warnings_path(const char *manifest)
{
    size_t n = strlen(manifest);
    if (n > 4 && strcmp(manifest + n - 4, ".txt") == 0)
        n -= 4;
    return xasprintf("%.*s-warnings.txt", (int)n, manifest);
}

/* Keeps the warnings of this build (from message first on) for the build key. Returns 0, or
 * -1 when they cannot be kept (then the build must not be recorded as one to skip). */
static int warnings_save(const char *manifest, struct hash key, struct diag *d, size_t first)
{
    char hex[33];
    char *list = diag_save_warnings(d, first);
    char *text = xasprintf("kairan warnings 1 %s\n%s", hash_hex(key, hex), list);
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
    char hex[33];
    char *head = xasprintf("kairan warnings 1 %s\n", hash_hex(key, hex));
    char *path = warnings_path(manifest);
    struct buf text;
    buf_init(&text);
    struct diag quiet;
    diag_init(&quiet);
    size_t n = strlen(head);
    int rc = fs_read_file(&quiet, path, &text) == 0 && text.len >= n &&
                     memcmp(text.data, head, n) == 0
                 ? diag_load_warnings(d, text.data + n, text.len - n)
                 : -1;
    diag_release(&quiet);
    buf_release(&text);
    free(path);
    free(head);
    return rc;
}

static int up_to_date(struct diag *d, const char *output, const struct publish_options *po,
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
        printf("kairan: %s/ is up to date: %lu entries (pictures: 0 made, %lu from the cache)\n",
               output, entries, pictures);
    return same;
}

int build_run(struct diag *d, const struct build_options *opt)
{
    /* "." reads better as nothing: messages then say content/x.md, not ./content/x.md. */
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    const char *source_dir = *source ? source : ".";
    char *output = opt->output ? xstrdup(opt->output) : fs_join(source, "public");
    char *cache = NULL, *manifest = NULL;
    struct bodycache *body_cache = NULL;
    char *content_dir = NULL, *themes_dir = NULL, *assets_dir = NULL;
    char *images_dir = NULL, *bodies_dir = NULL;
    struct hash key = {0, 0};
    int have_key = 0;
    size_t msgs_before = d->len;
    int rc = -1;
    struct site_config cfg = {0};
    struct tz *zone = NULL;
    struct strv files = STRV_INIT;
    struct entry *entries = NULL;
    struct entry **published = NULL;
    struct site site = {0};
    struct theme theme = {0};
    struct media *media = NULL;
    struct publish *pub = NULL;
    struct render render;
    render_init(&render);
    struct pool *pool = pool_new(opt->jobs ? opt->jobs : pool_default_threads());
    dom_global_init();

    /* 1. Settings. */
    if (config_load(d, source, &cfg) != 0)
        goto done;
    cache = cache_path(opt, source, &cfg);
    zone = tz_load(d, cfg.timezone, cfg.timezone_file, cfg.timezone_pos.line, cfg.timezone_pos.col);
    if (!zone)
        goto done;
    int64_t now_utc;
    struct datetime now;
    if (resolve_clock(d, opt, zone, &now_utc, &now) != 0)
        goto done;
    content_dir = fs_join(source_dir, "content");
    themes_dir = fs_join(source_dir, "themes");
    assets_dir = fs_join(source_dir, "assets");
    const char *keep[] = {source_dir, NULL};
    /* The cache's own folders, not the cache: kairan serve's preview lives in it. */
    images_dir = fs_join(cache, "img");
    bodies_dir = fs_join(cache, "bodies");
    const char *sources[] = {content_dir, themes_dir, assets_dir, images_dir, bodies_dir, NULL};
    manifest = manifest_path(cache, output);
    struct publish_options po = {.notice = opt->quiet ? NULL : stderr, .no_wait = opt->no_wait,
                                 .no_signals = opt->no_signals, .keep = keep, .sources = sources,
                                 .manifest = manifest};
    /* Nothing changed since the last build (--strict always builds: it reports warnings). */
    have_key = opt->write && !opt->strict &&
               build_key(pool, opt, source, output, &cfg, now_utc, &key) == 0;
    if (have_key && up_to_date(d, output, &po, key, opt->quiet)) {
        rc = 0;
        goto done;
    }

    /* 2. Every entry, read and checked in parallel. */
    char *content = fs_join(source, "content");
    int listed = fs_list(d, source_dir, fs_is_dir(content) ? content : source_dir, ".md", &files);
    free(content);
    if (listed != 0)
        goto done;
    entries = xcalloc(files.len ? files.len : 1, sizeof *entries);
    int *failed = xcalloc(files.len ? files.len : 1, sizeof *failed);
    struct load_job lj = {d, &cfg, source, &files, entries, failed};
    pool_for(pool, files.len, load_one, &lj);
    size_t n_pub = 0;
    published = xcalloc(files.len ? files.len : 1, sizeof *published);
    int load_failed = 0;
    for (size_t i = 0; i < files.len; i++) {
        if (!failed[i])
            failed[i] = entry_check_times(d, &entries[i], zone) != 0;
        load_failed |= failed[i];
        if (!failed[i] && (opt->drafts || !entries[i].draft))
            published[n_pub++] = &entries[i];
    }
    free(failed);

    /* 3. The site model: what only the whole set can tell. */
    if (site_index(d, &site, &cfg, published, n_pub, now) != 0 || load_failed)
        goto done;

    /* 4. The theme, compiled once. */
    const char *required[sizeof page_templates / sizeof *page_templates + 1];
    size_t n_required = 0;
    for (const char *const *t = page_templates; *t; t++)
        required[n_required++] = *t;
    if (site.n_kind[KIND_ISSUE])
        required[n_required++] = "print/issue";
    required[n_required] = NULL;
    if (theme_load(d, &theme, source_dir,
                   opt->themes_dir ? opt->themes_dir : KAIRAN_THEMES_DIR, cfg.theme,
                   required) != 0)
        goto done;

    /* 5. Bodies and images. */
    struct media_opts mo = {.source = source_dir, .cache_dir = cache, .images = &theme.images};
    media = media_new(d, &mo);
    if (opt->write) {
        char *bodies = fs_join(cache, "bodies");
        body_cache = bodycache_open(bodies);
        free(bodies);
    }
    render = (struct render){.d = d, .site = &site, .theme = &theme, .media = media,
                             .pool = pool, .zone = zone, .cache_dir = cache,
                             .portable = opt->portable, .now_utc = now_utc,
                             .incremental = !opt->strict, .body_cache = body_cache,
                             .hold_entries = opt->hold_entries};
    if (render_bodies(&render) != 0)
        goto done;

    /* 6. Pages, feeds and the print edition, into a staging folder. */
    if (opt->write) {
        pub = publish_begin(d, output, &po);
        if (!pub)
            goto done;
        render.pub = pub;
    }
    if (render_pages(&render) != 0 || print_issues(&render) != 0)
        goto done;
    if (opt->strict)
        template_set_report_unresolved(theme.templates, d);
    if (diag_error_count(d) != 0)
        goto done;

    /* 7. Publish: swap the new site in, all at once. */
    if (pub) {
        if (publish_statics(&theme, pub) != 0 || media_publish(media, pub) != 0)
            goto done;
        unsigned long decoded, cached;
        media_counts(media, &decoded, &cached);
        /* Recorded as one to skip, with its warnings: the next build repeats them. */
        if (have_key && warnings_save(manifest, key, d, msgs_before) == 0)
            publish_set_build(pub, key, n_pub, decoded + cached);
        if (publish_commit(pub) != 0) {
            pub = NULL;
            goto done;
        }
        pub = NULL;
        if (!opt->quiet) {
            printf("kairan: built %zu entries into %s/ (pictures: %lu made, %lu from the cache)\n",
                   n_pub, output, decoded, cached);
            if (site.n_kind[KIND_ISSUE])
                printf("kairan: print edition of %zu issue%s in %s/print/ "
                       "(make print-pdf for PDF)\n",
                       site.n_kind[KIND_ISSUE], site.n_kind[KIND_ISSUE] == 1 ? "" : "s", output);
        }
    } else if (!opt->quiet) {
        printf("kairan: checked %zu entries: no problems found\n", files.len);
    }
    rc = 0;
done:
    if (pub)
        publish_abort(pub);
    render_release(&render);
    if (media)
        media_free(media);
    theme_release(&theme);
    site_release(&site);
    for (size_t i = 0; entries && i < files.len; i++)
        entry_release(&entries[i]);
    free(entries);
    free(published);
    strv_release(&files);
    if (zone)
        tz_free(zone);
    config_release(&cfg);
    pool_free(pool);
    free(output);
    free(cache);
    bodycache_close(body_cache);
    free(manifest);
    free(content_dir);
    free(themes_dir);
    free(assets_dir);
    free(images_dir);
    free(bodies_dir);
    return rc;
}

char *build_cache_dir(const struct build_options *opt)
{
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    /* Without readable settings the default folder is the one. */
    struct diag quiet;
    diag_init(&quiet);
    struct site_config cfg;
    int have = config_load(&quiet, source, &cfg) == 0;
    diag_release(&quiet);
    char *dir = cache_path(opt, source, have ? &cfg : NULL);
    config_release(&cfg);
    return dir;
}

int build_clean(struct diag *d, const struct build_options *opt, int cache)
{
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    char *output = opt->output ? xstrdup(opt->output) : fs_join(source, "public");
    int rc = publish_remove(d, output);
    if (cache) {
        char *dir = build_cache_dir(opt);
        rc |= fs_remove_tree(d, dir);
        free(dir);
    }
    free(output);
    return rc ? -1 : 0;
}
