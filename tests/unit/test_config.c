/* Unit tests of config: base_url's scheme, which core/url reads the same way as every other
 * module does (in any case), and base_path derived from it; the districts' contacts, checked
 * field by field. */
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

/* Loads a site.yaml whose one district has the contact block given (lines indented by six
 * spaces); returns config_load's result and the messages in *messages (a new string). The
 * config is left in cfg for the caller to release. */
static int load_contact(const char *contact, struct site_config *cfg, char **messages)
{
    char dir[64];
    CHECK_INT(harness_tmpdir(dir, "config"), 0);
    char *text = xasprintf("title: 和と輪\nbase_url: https://example.jp/\ndistricts:\n"
                           "  - slug: daini\n    name: 第二学区\n    contact:\n%s",
                           contact);
    harness_put(dir, "content/site.yaml", text);
    struct diag d;
    diag_init(&d);
    int rc = config_load(&d, dir, cfg);
    char *raw = harness_diag_text_trimmed(&d);
    /* Without the temporary folder's name: "site.yaml:LINE:COL: ...". */
    const char *at = strstr(raw, "content/site.yaml");
    *messages = xstrdup(at ? at + strlen("content/") : raw);
    free(raw);
    diag_release(&d);
    harness_remove_tree(dir);
    free(text);
    return rc;
}

static void district_contact_is_read(void)
{
    struct site_config cfg;
    char *msg;
    CHECK_INT(load_contact("      name: 南部地域包括支援センター（例）\n"
                           "      phone: 0235-00-2300\n      fax: 0235-00-2301\n"
                           "      email: nanbu@example.jp\n      address: 鶴岡市双葉町0-2\n"
                           "      hours: 平日 8:30〜17:15\n      url: https://example.jp/nanbu/\n",
                           &cfg, &msg),
              0);
    CHECK_STR(msg, "");
    CHECK_INT(cfg.n_districts, 1);
    CHECK_STR(json_string_value(json_object_get(cfg.districts[0].contact, "phone")),
              "0235-00-2300");
    CHECK_STR(json_string_value(json_object_get(cfg.districts[0].contact, "hours")),
              "平日 8:30〜17:15");
    free(msg);
    config_release(&cfg);
}

static void district_contact_mistakes(void)
{
    static const char *const cases[][2] = {
        {"      name: 窓口\n      tel: 0235-00-2300\n",
         "site.yaml:8:7: error: 'tel' is not a field of a contact (a contact has name, phone, "
         "fax, email, address, hours, url)"},
        {"      name: 窓口\n      phnoe: 0235-00-2300\n",
         "site.yaml:8:7: error: 'phnoe' is not a field of a contact; did you mean 'phone'? (a "
         "contact has name, phone, fax, email, address, hours, url)"},
        {"      phone: 0235-00-2300\n",
         "site.yaml:7:7: error: 'name' is missing here: it is required"},
        {"      name: 窓口\n      phone: 0235-OO-2300\n",
         "site.yaml:8:14: error: 'phone' should be a phone number in half-width digits and "
         "hyphens, like 0235-00-1400"},
        {"      name: 窓口\n      phone: ０２３５-００-２３００\n",
         "site.yaml:8:14: error: 'phone' should be a phone number in half-width digits and "
         "hyphens, like 0235-00-1400"},
        {"      name: 窓口\n      fax: 0235002301\n",
         "site.yaml:8:12: error: 'fax' should be a phone number in half-width digits and "
         "hyphens, like 0235-00-1400, not a number (write the hyphens, or put it in quotes)"},
        {"      name: 窓口\n      email: nanbu.example.jp\n",
         "site.yaml:8:14: error: 'email' should be an e-mail address, like sasaeai@example.jp"},
        {"      name: 窓口\n      url: javascript:alert(1)\n",
         "site.yaml:8:12: error: 'url' should be a web address starting with https:// or "
         "http:// (like https://example.jp/salon/)"},
        {"      name: 窓口\n      hours: [9, 17]\n",
         "site.yaml:8:14: error: 'hours' should be text, not a list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct site_config cfg;
        char *msg;
        CHECK_INT(load_contact(cases[i][0], &cfg, &msg), -1);
        CHECK_STR(msg, cases[i][1]);
        free(msg);
        config_release(&cfg);
    }
}

int main(void)
{
    RUN(base_url_scheme_in_any_case);
    RUN(base_url_that_is_no_web_address);
    RUN(district_contact_is_read);
    RUN(district_contact_mistakes);
    return HARNESS_DONE();
}
