/* Unit tests of config: base_url's scheme, which core/url reads the same way as every other
 * module does (in any case), and base_path derived from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "content/config.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

/* Loads a site.yaml with this base_url; returns config_load's result, the base_path in path
 * (a new string, or NULL) and the number of errors in *errors. */
static int load_base_url(const char *base_url, char **path, size_t *errors)
{
    char dir[64];
    CHECK_INT(harness_tmpdir(dir, "config"), 0);
    char *text = xasprintf("title: 和と輪\nbase_url: '%s'\n", base_url);
    harness_put(dir, "content/site.yaml", text);
    struct diag d;
    diag_init(&d);
    struct site_config cfg;
    int rc = config_load(&d, dir, &cfg);
    *errors = diag_error_count(&d);
    *path = rc == 0 && cfg.base_path ? xstrdup(cfg.base_path) : NULL;
    config_release(&cfg);
    diag_release(&d);
    harness_remove_tree(dir);
    free(text);
    return rc;
}

static void base_url_scheme_in_any_case(void)
{
    const char *good[] = {"https://example.jp/watowa/", "http://example.jp/watowa/",
                          "HTTPS://example.jp/watowa/", "Http://example.jp/watowa"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char *path;
        size_t errors;
        CHECK_INT(load_base_url(good[i], &path, &errors), 0);
        CHECK_INT(errors, 0);
        CHECK_STR(path, "/watowa/");
        free(path);
    }
}

static void base_url_that_is_no_web_address(void)
{
    const char *bad[] = {"example.jp", "https://", "ftp://example.jp/", "//example.jp/",
                         "https:example.jp", "javascript:alert(1)//", " https://example.jp/"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *path;
        size_t errors;
        load_base_url(bad[i], &path, &errors);
        CHECK_INT(errors, 1);
        free(path);
    }
}

int main(void)
{
    RUN(base_url_scheme_in_any_case);
    RUN(base_url_that_is_no_web_address);
    return HARNESS_DONE();
}
