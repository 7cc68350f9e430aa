/* Fuzz target: the site's settings and one entry, read from files as a build reads them.
 * The input is content/site.yaml, then after a NUL byte (if any) content/events/fuzz.md; the
 * entry is checked against the fuzzed settings when they load, else against fixed ones, and
 * its session times against the zone the settings name (names must never reach outside the
 * zoneinfo folder), else Europe/Berlin. Both files live in a temporary folder made on the
 * first call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content/config.h"
#include "content/entry.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/tz.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fallback_site[] = "title: t\nbase_url: https://example.jp/x/\n"
                                    "districts:\n  - {slug: kushibiki, name: 櫛引}\n"
                                    "categories:\n  - {slug: salon, name: サロン}\n";

/* Writes text[0..len) to ROOT/content/NAME; aborts when the folder cannot take it. */
static void put(const char *root, const char *name, const void *text, size_t len)
{
    struct diag d;
    diag_init(&d);
    char *content = fs_join(root, "content");
    char *path = fs_join(content, name);
    if (fs_write_file(&d, path, text, len) != 0)
        abort();
    free(path);
    free(content);
    diag_release(&d);
}

/* Every failure must have said why, and every message must format. */
static void check_reported(struct diag *d, int rc)
{
    if (rc != 0 && diag_error_count(d) == 0)
        abort();
    for (size_t i = 0; i < d->len; i++)
        free(diag_format(&d->msgs[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char site[] = "/tmp/kairan-fuzz-config-XXXXXX";
    static char fallback[] = "/tmp/kairan-fuzz-config-XXXXXX";
    static int ready;
    if (!ready) {
        struct diag d;
        diag_init(&d);
        if (!mkdtemp(site) || !mkdtemp(fallback))
            abort();
        for (int i = 0; i < 2; i++) {
            char *dir = fs_join(i ? fallback : site, "content/events");
            if (fs_mkdirs(&d, dir) != 0)
                abort();
            free(dir);
        }
        put(fallback, "site.yaml", fallback_site, strlen(fallback_site));
        diag_release(&d);
        ready = 1;
    }
    const uint8_t *nul = memchr(data, '\0', size);
    size_t yaml_len = nul ? (size_t)(nul - data) : size;
    put(site, "site.yaml", data, yaml_len);
    if (nul)
        put(site, "events/fuzz.md", nul + 1, size - yaml_len - 1);

    struct diag d;
    diag_init(&d);
    struct site_config cfg;
    int rc = config_load(&d, site, &cfg);
    check_reported(&d, rc);
    struct tz *zone = NULL;
    if (rc == 0) {
        if (!cfg.base_url || cfg.base_url[strlen(cfg.base_url) - 1] != '/' ||
            cfg.base_path[0] != '/')
            abort();
        zone = tz_load(&d, cfg.timezone, cfg.timezone_file, cfg.timezone_pos.line,
                       cfg.timezone_pos.col);
        if (!zone)
            check_reported(&d, -1);
    } else {
        config_release(&cfg);
        if (config_load(&d, fallback, &cfg) != 0)
            abort();
    }
    if (nul) {
        struct diag ed;
        diag_init(&ed);
        struct entry e;
        rc = entry_load(&ed, &cfg, site, "events/fuzz.md", &e);
        check_reported(&ed, rc);
        if (rc == 0 && e.kind == KIND_EVENT && e.n_sessions == 0)
            abort(); /* an event that loads has a session */
        if (rc == 0) {
            if (!zone)
                zone = tz_load(&ed, "Europe/Berlin", NULL, 0, 0);
            if (!zone)
                abort();
            check_reported(&ed, entry_check_times(&ed, &e, zone));
        }
        entry_release(&e);
        diag_release(&ed);
    }
    if (zone)
        tz_free(zone);
    config_release(&cfg);
    diag_release(&d);
    return 0;
}
