#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "entry.h"
#include "fs.h"
#include "markdown.h"
#include "media.h"
#include "pool.h"
#include "publish.h"
#include "render.h"
#include "site.h"
#include "theme.h"
#include "tz.h"
#include "xalloc.h"

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

int build_run(struct diag *d, const struct build_options *opt)
{
    /* "." reads better as nothing: messages then say content/x.md, not ./content/x.md. */
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    const char *source_dir = *source ? source : ".";
    char *output = opt->output ? xstrdup(opt->output) : fs_join(source, "public");
    char *cache = NULL;
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
    if (theme_load(d, &theme, source_dir,
                   opt->themes_dir ? opt->themes_dir : KAIRAN_THEMES_DIR, cfg.theme,
                   page_templates) != 0)
        goto done;

    /* 5. Bodies and images. */
    struct media_opts mo = {source_dir,           cache,
                            theme.image_widths,   theme.n_image_widths,
                            theme.image_sizes,    theme.image_quality,
                            theme.image_max_megapixels, theme.image_background,
                            theme.image_print_dpi};
    media = media_new(d, &mo);
    render = (struct render){.d = d, .site = &site, .theme = &theme, .media = media,
                             .pool = pool, .zone = zone, .portable = opt->portable,
                             .now_utc = now_utc};
    if (render_bodies(&render) != 0)
        goto done;

    /* 6. Pages, feeds and the print edition, into a staging folder. */
    if (opt->write) {
        char *content_dir = fs_join(source_dir, "content");
        char *themes_dir = fs_join(source_dir, "themes");
        char *assets_dir = fs_join(source_dir, "assets");
        const char *keep[] = {source_dir, content_dir, themes_dir, assets_dir, cache, NULL};
        struct publish_options po = {.notice = opt->quiet ? NULL : stderr, .keep = keep};
        pub = publish_begin(d, output, &po);
        free(content_dir);
        free(themes_dir);
        free(assets_dir);
        if (!pub)
            goto done;
        render.pub = pub;
    }
    if (render_pages(&render) != 0)
        goto done;
    if (opt->strict)
        template_set_report_unresolved(theme.templates, d);
    if (diag_error_count(d) != 0)
        goto done;

    /* 7. Publish: swap the new site in, all at once. */
    if (pub) {
        if (publish_statics(&theme, pub) != 0 || media_publish(media, pub) != 0)
            goto done;
        if (publish_commit(pub) != 0) {
            pub = NULL;
            goto done;
        }
        pub = NULL;
        if (!opt->quiet) {
            unsigned long decoded, cached;
            media_counts(media, &decoded, &cached);
            printf("kairan: built %zu entries into %s/ (pictures: %lu made, %lu from the cache)\n",
                   n_pub, output, decoded, cached);
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
    return rc;
}

int build_clean(struct diag *d, const struct build_options *opt, int cache)
{
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    char *output = opt->output ? xstrdup(opt->output) : fs_join(source, "public");
    int rc = fs_remove_tree(d, output);
    if (cache) {
        /* Without readable settings the default folder is the one to clean. */
        struct diag quiet;
        diag_init(&quiet);
        struct site_config cfg;
        int have = config_load(&quiet, source, &cfg) == 0;
        diag_release(&quiet);
        char *dir = cache_path(opt, source, have ? &cfg : NULL);
        rc |= fs_remove_tree(d, dir);
        free(dir);
        config_release(&cfg);
    }
    free(output);
    return rc ? -1 : 0;
}
