#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "content/config.h"
#include "content/entry.h"
#include "content/entrycache.h"
#include "content/site.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/intl.h"
#include "core/pool.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "incremental.h"
#include "markup/dom.h"
#include "media/media.h"
#include "print/print.h"
#include "publish/publish.h"
#include "render/body.h"
#include "render/bodycache.h"
#include "render/deps.h"
#include "render/feed.h"
#include "render/offline.h"
#include "render/pages.h"
#include "render/search.h"
#include "render/theme.h"
#include "render/view.h"

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
    char *content; /* SOURCE/content */
    struct strv *files;
    char **overlaid; /* per file: the overlay's copy to read instead, or NULL */
    struct entrycache *cache; /* NULL: every entry is read and parsed */
    struct entry *entries;
    int *failed;
    /* Per file: the language of a translation (NULL for an original), and the index of its
     * original among files ((size_t)-1 when there is no such file). */
    const struct language **langs;
    size_t *originals;
    int translations; /* the pass: originals first, then the translations that need them */
};

/* Loads one entry: from the entry cache when it has the entry's file as it is, else read and
 * parsed, and then noted in the cache unless it had a mistake. The file is looked at before it
 * is read, so that a record never claims a newer file than the one it was made from. */
static void load_one(size_t i, void *userdata)
{
    struct load_job *job = userdata;
    if ((job->langs[i] != NULL) != job->translations)
        return;
    const char *rel = job->files->v[i];
    struct entry *e = &job->entries[i];
    if (job->langs[i]) {
        size_t o = job->originals[i];
        if (o != (size_t)-1 && job->failed[o]) {
            /* The original's mistakes are reported; its translation waits for them. */
            job->failed[i] = 1;
            return;
        }
        job->failed[i] = entry_load_translation(job->d, job->cfg, job->source, rel,
                                                job->overlaid[i], job->langs[i],
                                                o == (size_t)-1 ? NULL : &job->entries[o],
                                                e) != 0;
        return;
    }
    /* An original: from the cache when it has the file as it is. */
    struct hash identity = {0, 0};
    int cached = job->cache && !job->overlaid[i];
    if (cached) {
        char *path = fs_join(job->content, rel);
        struct stat st;
        cached = stat(path, &st) == 0;
        free(path);
        if (cached) {
            identity = fs_identity(&st);
            if (entrycache_load(job->cache, job->d, job->source, rel, identity, e) == 0) {
                e->lang = job->cfg->languages;
                job->failed[i] = 0;
                return;
            }
        }
    }
    struct diag own;
    diag_init(&own);
    job->failed[i] = entry_load_from(&own, job->cfg, job->source, rel, job->overlaid[i], e) != 0;
    diag_forward(job->d, &own);
    if (cached && !job->failed[i] && own.errors == 0 && own.io_errors == 0) {
        char *warnings = diag_save_warnings(&own, 0);
        entrycache_note(job->cache, e, identity, warnings);
        free(warnings);
    }
    diag_release(&own);
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
            diag_error(d, NULL, 0, 0, _("--now '%s' is not a date and time: %s"), text, why.text);
            return -1;
        }
    } else if (opt->epoch_text && *opt->epoch_text) {
        if (date_parse_epoch(&t, opt->epoch_text, strlen(opt->epoch_text), &why) != 0) {
            diag_error(d, NULL, 0, 0, _("SOURCE_DATE_EPOCH '%s' is not a number of seconds: %s"),
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

/* path with its ".txt" ending (if any) replaced by suffix: a file kept beside the manifest.
 * Returns a new string. */
static char *sibling_path(const char *path, const char *suffix)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".txt") == 0)
        n -= 4;
    return xasprintf("%.*s%s", (int)n, path, suffix);
}

/* The search files: made from every entry, so when none changed, nor the settings or the
 * site's shape (deps), and incremental, the last build's are kept as they are; else made
 * again. Sets *meta to the meta script's path (a new string). Returns 0, or -1 after
 * reporting. */
static int search_files(struct view *view, struct bodies *bodies, const struct search_options *so,
                        struct deps *deps, int incremental, char **meta)
{
    struct hash whole = deps ? deps_whole(deps) : (struct hash){0, 0}, last;
    long long n;
    const char *was;
    char *folder = xasprintf("%ssearch/", view_language(view)->prefix);
    if (deps && incremental && deps_group_last(deps, "search", &last, &n, &was) && was &&
        hash_equal(last, whole) && publish_keep_folder_as_before(so->pub, folder, ".js") == 0)
        *meta = xstrdup(was);
    else if (search_write(view, bodies, so, meta) != 0) {
        free(folder);
        return -1;
    }
    free(folder);
    if (deps)
        deps_group_note(deps, "search", whole, 0, *meta);
    return 0;
}

/* The entries of the overlay folder (the .md files below its content/) join files, taking the place of those
 * with the same path. Returns a new array with one slot per file of the new list: the
 * overlay's copy to read, or NULL; the caller frees it and its strings. */
static char **overlay_files(struct diag *d, const char *overlay, struct strv *files)
{
    struct strv extra = STRV_INIT;
    char *dir = overlay ? fs_join(overlay, "content") : NULL;
    if (dir && fs_is_dir(dir)) {
        struct diag quiet;
        diag_init(&quiet);
        fs_list(&quiet, dir, dir, ".md", &extra);
        diag_release(&quiet);
    }
    for (size_t i = 0; i < extra.len; i++)
        if (!strv_contains(files, extra.v[i]))
            strv_push(files, extra.v[i]);
    strv_sort(files);
    char **out = xcalloc(files->len ? files->len : 1, sizeof *out);
    for (size_t i = 0; i < files->len; i++)
        if (strv_contains(&extra, files->v[i]))
            out[i] = fs_join(dir, files->v[i]);
    free(dir);
    strv_release(&extra);
    return out;
}

int build_run(struct diag *d, const struct build_options *opt)
{
    /* "." reads better as nothing: messages then say content/x.md, not ./content/x.md. */
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;
    const char *source_dir = *source ? source : ".";
    const char *installed_themes = opt->themes_dir ? opt->themes_dir : KAIRAN_THEMES_DIR;
    char *output = opt->output ? xstrdup(opt->output) : fs_join(source, "public");
    char *cache = NULL, *manifest = NULL;
    struct bodycache *body_cache = NULL;
    char *content_dir = NULL, *themes_dir = NULL, *assets_dir = NULL;
    char *images_dir = NULL, *bodies_dir = NULL, *pdf_dir = NULL;
    struct hash key = {0, 0};
    int have_key = 0;
    size_t msgs_before = d->len;
    int rc = -1;
    struct site_config cfg = {0};
    struct tz *zone = NULL;
    struct strv files = STRV_INIT;
    struct strv unread = STRV_INIT; /* entries with a mistake, as paths in content/ */
    struct entry *entries = NULL;
    struct entry **published = NULL;
    struct site site = {0};
    struct site versions = {0};    /* the site with its translations, for their bodies' links */
    struct site *lang_sites = NULL; /* each language's, [0] unused (the default's is site) */
    struct theme theme = {0};
    struct media *media = NULL;
    struct publish *pub = NULL;
    struct bodies *bodies = NULL;
    /* Each language's view, and what its pages were made from (kept until the manifest is
     * written, which that record names). */
    struct view **views = NULL;
    struct deps **deps = NULL;
    char *search_meta = NULL;
    json_t *app = NULL, *offline_pages_list = NULL;
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
    /* The one language to make, when the editor's preview asks for one. */
    size_t only = (size_t)-1;
    for (size_t k = 0; opt->language && k < cfg.n_languages; k++)
        if (strcmp(cfg.languages[k].code, opt->language) == 0)
            only = k;
    content_dir = fs_join(source_dir, "content");
    themes_dir = fs_join(source_dir, "themes");
    assets_dir = fs_join(source_dir, "assets");
    const char *keep[] = {source_dir, NULL};
    /* The cache's own folders, not the cache: kairan serve's preview lives in it. */
    images_dir = fs_join(cache, "img");
    bodies_dir = fs_join(cache, "bodies");
    pdf_dir = fs_join(cache, "print-pdf");
    const char *sources[] = {content_dir, themes_dir, assets_dir, images_dir, bodies_dir,
                             pdf_dir, NULL};
    manifest = incremental_manifest_path(cache, output);
    struct publish_options po = {.notice = opt->quiet ? NULL : stderr, .no_wait = opt->no_wait,
                                 .no_signals = opt->no_signals, .keep = keep, .sources = sources,
                                 .manifest = manifest, .pool = pool};
    /* Nothing changed since the last build (--strict always builds: it reports warnings). */
    struct incremental_inputs in = {.source = source, .output = output,
                                    .themes_option = opt->themes_dir,
                                    .installed_themes = installed_themes,
                                    .timezone = cfg.timezone, .pdf_dir = pdf_dir,
                                    .drafts = opt->drafts, .portable = opt->portable,
                                    .now_utc = now_utc};
    have_key = opt->write && !opt->strict && !opt->overlay &&
               incremental_key(pool, &in, &key) == 0;
    if (have_key && incremental_up_to_date(d, output, &po, key, opt->quiet)) {
        rc = 0;
        goto done;
    }

    /* 2. Every entry, read and checked in parallel. */
    char *content = fs_join(source, "content");
    int listed = fs_list(d, source_dir, fs_is_dir(content) ? content : source_dir, ".md", &files);
    free(content);
    if (listed != 0)
        goto done;
    char **overlaid = overlay_files(d, opt->overlay, &files);
    entries = xcalloc(files.len ? files.len : 1, sizeof *entries);
    int *failed = xcalloc(files.len ? files.len : 1, sizeof *failed);
    const struct language **langs = xcalloc(files.len ? files.len : 1, sizeof *langs);
    size_t *originals = xcalloc(files.len ? files.len : 1, sizeof *originals);
    for (size_t i = 0; i < files.len; i++) {
        char *orig = NULL;
        langs[i] = entry_translation_of(&cfg, files.v[i], &orig);
        originals[i] = (size_t)-1;
        for (size_t j = 0; orig && j < files.len; j++)
            if (strcmp(files.v[j], orig) == 0)
                originals[i] = j;
        free(orig);
    }
    /* --strict sees every entry read; an editor's unsaved copy is never kept. */
    char *entries_path = fs_join(cache, "entries.bin");
    struct entrycache *entry_cache =
        opt->strict ? NULL : entrycache_open(entries_path, entrycache_salt(&cfg));
    free(entries_path);
    struct load_job lj = {d,           &cfg,    source, fs_join(source, "content"), &files,
                          overlaid,    entry_cache, entries, failed, langs,
                          originals,   0};
    pool_for(pool, files.len, load_one, &lj);
    lj.translations = 1;
    pool_for(pool, files.len, load_one, &lj);
    free(lj.content);
    for (size_t i = 0; i < files.len; i++)
        free(overlaid[i]);
    free(overlaid);
    size_t n_pub = 0, n_tr = 0, n_loaded = 0;
    published = xcalloc(files.len ? files.len : 1, sizeof *published);
    struct entry **translated = xcalloc(files.len ? files.len : 1, sizeof *translated);
    struct entry **loaded = xcalloc(files.len ? files.len : 1, sizeof *loaded);
    int load_failed = 0;
    for (size_t i = 0; i < files.len; i++) {
        if (!failed[i]) {
            loaded[n_loaded++] = &entries[i];
            failed[i] = entry_check_times(d, &entries[i], zone) != 0;
        }
        load_failed |= failed[i];
        if (failed[i])
            strv_push(&unread, files.v[i]);
        else if (!opt->drafts && (entries[i].draft ||
                                  (langs[i] && entries[i].original->draft)))
            continue; /* a draft, or a translation of one */
        else if (langs[i])
            translated[n_tr++] = &entries[i];
        else
            published[n_pub++] = &entries[i];
    }
    free(failed);
    free(langs);
    free(originals);
    site_versions(translated, n_tr, cfg.n_languages);
    free(translated);
    if (entry_cache && opt->write)
        entrycache_save(entry_cache, loaded, n_loaded);
    entrycache_free(entry_cache);
    free(loaded);

    /* 3. The site model: what only the whole set can tell. An entry with a mistake is left
     * out of it; the others' bodies are still converted below, so that mistakes in their links
     * and pictures are reported in the same run. */
    if (site_index(d, &site, &cfg, published, n_pub, now) != 0)
        goto done;

    /* 4. The theme, compiled once. */
    const char *required[sizeof page_templates / sizeof *page_templates + 3];
    size_t n_required = 0;
    for (const char *const *t = page_templates; *t; t++)
        required[n_required++] = *t;
    if (site.n_kind[KIND_ISSUE])
        required[n_required++] = "print/issue";
    if (cfg.search != CONFIG_SEARCH_NONE)
        required[n_required++] = "search";
    /* The page the service worker shows offline; a site opened from files has no worker. */
    if (!opt->portable && !opt->preview)
        required[n_required++] = "offline";
    required[n_required] = NULL;
    const char **codes = xcalloc(cfg.n_languages, sizeof *codes);
    for (size_t k = 0; k < cfg.n_languages; k++)
        codes[k] = cfg.languages[k].code;
    int theme_rc = theme_load(d, &theme, source_dir, installed_themes, cfg.theme, required, codes,
                              cfg.n_languages);
    free(codes);
    if (theme_rc != 0)
        goto done;
    /* The installable app: its manifest unless the site is opened from files, its worker also
     * not in kairan serve's preview, and only with a theme that has the worker's script. */
    int worker = !opt->portable && !opt->preview && only == (size_t)-1 &&
                 json_object_get(theme.static_map, "worker_js") != NULL;
    if (!opt->portable && only == (size_t)-1)
        app = offline_app_json(&site, worker);

    /* 5. Bodies and images. */
    struct media_opts mo = {.source = source_dir, .cache_dir = cache, .images = &theme.images};
    media = media_new(d, &mo);
    if (opt->write)
        body_cache = bodycache_open(bodies_dir);
    /* A translation's links lead to the linked entry in its language: the bodies are converted
     * over the site with every translation. */
    int has_translations = 0;
    for (size_t i = 0; i < site.n_all; i++)
        has_translations |= site.all[i]->versions != NULL;
    if (has_translations && site_index_versions(d, &versions, &site) != 0)
        goto done;
    struct bodies_options bo = {.d = d, .site = has_translations ? &versions : &site, .media = media,
                                .pool = pool,
                                .cache = body_cache, .image_sizes = theme.image_sizes,
                                .reserved_ids = &theme.ids, .unread = &unread,
                                .portable = opt->portable};
    if (bodies_convert(&bodies, &bo) != 0 || load_failed)
        goto done;
    lang_sites = xcalloc(cfg.n_languages, sizeof *lang_sites);
    for (size_t k = 1; k < cfg.n_languages; k++)
        if (only == (size_t)-1 || k == only)
            site_index_language(&lang_sites[k], &site, &cfg.languages[k]);

    /* 6. Pages, feeds and the print edition, into a staging folder: each language's in turn. */
    if (opt->write) {
        pub = publish_begin(d, output, &po);
        if (!pub)
            goto done;
    }
    views = xcalloc(cfg.n_languages, sizeof *views);
    deps = xcalloc(cfg.n_languages, sizeof *deps);
    for (size_t k = 0; k < cfg.n_languages; k++) {
        if (only != (size_t)-1 && k != only)
            continue;
        struct view_options vo = {.site = k ? &lang_sites[k] : &site, .theme = &theme,
                                  .bodies = bodies, .zone = zone, .portable = opt->portable,
                                  .hold_entries = opt->hold_entries, .app = app};
        struct view *view = views[k] = view_new(&vo);
        /* What the last build's pages, print edition and search files in this language were
         * made from, kept beside its manifest. */
        if (pub) {
            char *suffix = k ? xasprintf("-deps.%s.bin", cfg.languages[k].code)
                             : xstrdup("-deps.bin");
            char *deps_path = sibling_path(manifest, suffix);
            deps[k] = deps_new(view, pool, deps_path, manifest);
            free(deps_path);
            free(suffix);
        }
        /* The worker keeps pages of the default language (the app starts there). */
        if (k == 0 && worker)
            offline_pages_list = offline_pages(view);
        /* The print edition first: the issue pages link its PDF when there is one. */
        struct print_options pro = {.d = d, .pool = pool, .pub = pub, .media = media,
                                    .cache_dir = cache, .pdf_dir = pdf_dir,
                                    .incremental = !opt->strict, .deps = deps[k]};
        if (print_issues(view, &pro) != 0)
            goto done;
        view_drop_roots(view);
        /* The search index before the pages: the search page names its files. */
        struct search_options so = {.pool = pool, .pub = pub};
        if (cfg.search != CONFIG_SEARCH_NONE &&
            search_files(view, bodies, &so, deps[k], !opt->strict, &search_meta) != 0)
            goto done;
        struct pages_options pgo = {.pool = pool, .pub = pub, .incremental = !opt->strict,
                                    .search = search_meta, .offline = offline_pages_list,
                                    .deps = deps[k]};
        if (pages_render(view, &pgo) != 0)
            goto done;
        if (pub && feed_write_all(view, pub, now_utc) != 0)
            goto done;
        free(search_meta);
        search_meta = NULL;
    }
    bodies_drop_search(bodies);
    if (pub) {
        const struct site **sites = xcalloc(cfg.n_languages, sizeof *sites);
        size_t n_sites = 0;
        for (size_t k = 0; k < cfg.n_languages; k++)
            if (only == (size_t)-1 || k == only)
                sites[n_sites++] = k ? &lang_sites[k] : &site;
        int sitemap_rc = feed_write_sitemap(sites, n_sites, pub);
        free(sites);
        if (sitemap_rc != 0)
            goto done;
    }
    if (opt->strict)
        template_set_report_unresolved(theme.templates, d);
    if (diag_error_count(d) != 0)
        goto done;

    /* 7. Publish: swap the new site in, all at once. */
    if (pub) {
        if (publish_statics(&theme, pub) != 0 || media_publish(media, pub) != 0)
            goto done;
        if (app && offline_write_app(views[0], d, pub) != 0)
            goto done;
        /* Last: the worker's version is the fingerprint of every file published before it. */
        if (worker && offline_write_worker(views[0], d, pub, offline_pages_list) != 0)
            goto done;
        unsigned long decoded, cached;
        media_counts(media, &decoded, &cached);
        /* Recorded as one to skip, with its warnings: the next build repeats them. */
        if (have_key && incremental_save_warnings(manifest, key, d, msgs_before) == 0)
            publish_set_build(pub, key, n_pub, decoded + cached);
        if (publish_commit(pub) != 0) {
            pub = NULL;
            goto done;
        }
        pub = NULL;
        for (size_t k = 0; k < cfg.n_languages; k++)
            if (deps[k])
                deps_save(deps[k]);
        if (!opt->quiet) {
            printf(
                _("kairan: built %zu entries into %s/ (pictures: %lu made, %lu from the cache)\n"),
                n_pub, output, decoded, cached);
            if (site.n_kind[KIND_ISSUE])
                printf(ngettext("kairan: print edition of %zu issue in %s/print/ (make print-pdf "
                                "for PDF)\n",
                                "kairan: print edition of %zu issues in %s/print/ (make print-pdf "
                                "for PDF)\n",
                                site.n_kind[KIND_ISSUE]),
                       site.n_kind[KIND_ISSUE], output);
        }
    } else if (!opt->quiet) {
        printf(_("kairan: checked %zu entries: no problems found\n"), files.len);
    }
    rc = 0;
done:
    if (pub)
        publish_abort(pub);
    for (size_t k = 0; deps && k < cfg.n_languages; k++)
        deps_free(deps[k]);
    free(deps);
    for (size_t k = 0; views && k < cfg.n_languages; k++)
        view_free(views[k]);
    free(views);
    free(search_meta);
    json_decref(app);
    json_decref(offline_pages_list);
    bodies_free(bodies);
    if (media)
        media_free(media);
    theme_release(&theme);
    for (size_t k = 1; lang_sites && k < cfg.n_languages; k++)
        site_release(&lang_sites[k]);
    free(lang_sites);
    site_release(&versions);
    site_release(&site);
    for (size_t i = 0; entries && i < files.len; i++)
        entry_release(&entries[i]);
    free(entries);
    free(published);
    strv_release(&files);
    strv_release(&unread);
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
    free(pdf_dir);
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
