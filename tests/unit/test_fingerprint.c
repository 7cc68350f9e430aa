/* Unit tests of what decides whether a page is made again: fingerprints of JSON values,
 * template identities (a template and everything it can reach) and the names templates
 * mention. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fingerprint.h"
#include "harness.h"
#include "markup/template.h"

static json_t *parse(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    CHECK(v != NULL);
    return v;
}

static int same(struct hash a, struct hash b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

static struct hash fp(const char *text)
{
    json_t *v = parse(text);
    struct hash h = fingerprint_json(v, NULL);
    json_decref(v);
    return h;
}

static void equal_values_agree(void)
{
    CHECK(same(fp("{\"a\": 1, \"b\": [true, null, \"x\"]}"),
               fp("{\"b\": [true, null, \"x\"], \"a\": 1}")));
    CHECK(same(fp("{\"o\": {\"k\": 2.5, \"j\": \"ü\"}}"), fp("{\"o\": {\"j\": \"ü\", \"k\": 2.5}}")));
    CHECK(same(fp("[]"), fp("[ ]")));
}

/* Values that differ in any way a template could see give different fingerprints. */
static void differences_show(void)
{
    static const char *const values[] = {
        "null", "true", "false", "0", "1", "0.0", "\"\"", "\"0\"", "\"a\"", "\"b\"", "[]",
        "{}", "[[]]", "[{}]", "[1, 2]", "[2, 1]", "[\"ab\", \"c\"]", "[\"a\", \"bc\"]",
        "{\"a\": 1}", "{\"a\": 2}", "{\"b\": 1}", "{\"a\": 1, \"b\": 1}", "{\"a\": {\"b\": 1}}",
        "{\"a\": [1]}", "{\"ab\": \"c\"}", "{\"a\": \"bc\"}", "{\"a\": null}", "[null]",
        NULL};
    for (size_t i = 0; values[i]; i++)
        for (size_t j = i + 1; values[j]; j++)
            if (same(fp(values[i]), fp(values[j]))) {
                harness_fails_now++;
                fprintf(stderr, "same fingerprint for %s and %s\n", values[i], values[j]);
            }
}

/* A memo stands for the value it remembers, inside any larger value. */
static void memo_is_used(void)
{
    json_t *entry = parse("{\"title\": \"羽黒\", \"n\": 3}");
    json_t *page = json_object();
    json_object_set(page, "item", entry);
    struct hash plain = fingerprint_json(page, NULL);

    struct fingerprint_memo *m = fingerprint_memo_new();
    fingerprint_memo_add(m, entry);
    CHECK(same(fingerprint_json(page, m), plain));

    /* What the memo says is what counts (for the site object without the clock). */
    struct hash other = fp("{\"title\": \"櫛引\"}");
    fingerprint_memo_put(m, entry, other);
    CHECK(!same(fingerprint_json(page, m), plain));
    json_t *page2 = parse("{\"item\": {\"title\": \"櫛引\"}}");
    CHECK(same(fingerprint_json(page, m), fingerprint_json(page2, NULL)));

    /* Many values: the memo grows and still finds each. */
    json_t *many[300];
    for (int i = 0; i < 300; i++) {
        many[i] = json_integer(i);
        fingerprint_memo_add(m, many[i]);
    }
    for (int i = 0; i < 300; i++)
        CHECK(same(fingerprint_json(many[i], m), fingerprint_json(many[i], NULL)));
    for (int i = 0; i < 300; i++)
        json_decref(many[i]);
    fingerprint_memo_free(m);
    json_decref(page2);
    json_decref(page);
    json_decref(entry);
}

/* A page's memo over its site's: values are found in either, the page's first, and what the
 * page's memo says wins; the site's memo is not changed by the page's. */
static void memo_under_another(void)
{
    json_t *site = parse("{\"title\": \"和と輪\"}");
    json_t *entry = parse("{\"title\": \"羽黒\"}");
    json_t *page = json_object();
    json_object_set(page, "site", site);
    json_object_set(page, "entry", entry);
    struct hash plain = fingerprint_json(page, NULL);

    struct fingerprint_memo *whole = fingerprint_memo_new();
    fingerprint_memo_put(whole, site, fp("\"the site\""));
    struct fingerprint_memo *own = fingerprint_memo_new_under(whole);
    fingerprint_memo_put(own, entry, fp("\"the entry\""));
    json_t *expect = parse("{\"site\": \"the site\", \"entry\": \"the entry\"}");
    CHECK(same(fingerprint_json(page, own), fingerprint_json(expect, NULL)));
    /* The site's memo alone knows nothing of the entry. */
    json_t *site_only = parse("{\"site\": \"the site\", \"entry\": {\"title\": \"羽黒\"}}");
    CHECK(same(fingerprint_json(page, whole), fingerprint_json(site_only, NULL)));
    /* The page's own memo is looked in first. */
    fingerprint_memo_put(own, site, fp("\"another\""));
    CHECK(!same(fingerprint_json(page, own), fingerprint_json(expect, NULL)));
    CHECK(!same(fingerprint_json(page, own), plain));

    fingerprint_memo_free(own);
    fingerprint_memo_free(whole);
    json_decref(site_only);
    json_decref(expect);
    json_decref(page);
    json_decref(entry);
    json_decref(site);
}

/* ---- template identity ---- */

struct files {
    const char *const *pairs; /* name, source, name, source, ..., NULL */
};

static int load(const char *name, struct buf *src, char **path, void *userdata)
{
    const struct files *f = userdata;
    for (size_t i = 0; f->pairs[i]; i += 2) {
        if (strcmp(f->pairs[i], name) == 0) {
            buf_puts(src, f->pairs[i + 1]);
            *path = strdup(name);
            return 0;
        }
    }
    return 1;
}

/* The identity of template name in a set made of pairs. */
static struct hash identity(const char *const *pairs, const char *name)
{
    struct diag d;
    diag_init(&d);
    struct files f = {pairs};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, name);
    CHECK(t != NULL);
    /* Compiled too, as a build compiles every page template before rendering. */
    template_set_get(s, "other");
    struct hash h = t ? template_identity(t) : (struct hash){0, 0};
    template_set_free(s);
    diag_release(&d);
    return h;
}

static void identity_follows_what_a_template_reaches(void)
{
    static const char *const base[] = {
        "page", "{{<layout}}{{$main}}{{>card}}{{/main}}{{/layout}}",
        "layout", "<main>{{$main}}{{/main}}</main>{{>footer}}",
        "card", "<p>{{title}}</p>",
        "footer", "<footer></footer>",
        "other", "{{>unrelated}}",
        "unrelated", "x",
        NULL};
    struct hash h = identity(base, "page");
    CHECK(same(h, identity(base, "page")));

    /* A change to the template, its parent, a partial or a partial of the parent. */
    for (size_t k = 1; k < 8; k += 2) {
        const char *changed[13];
        memcpy(changed, base, sizeof changed);
        char *src = NULL;
        size_t n = strlen(base[k]) + 2;
        src = malloc(n);
        snprintf(src, n, "%s ", base[k]);
        changed[k] = src;
        if (same(h, identity(changed, "page"))) {
            harness_fails_now++;
            fprintf(stderr, "a change to %s does not change the identity of page\n", base[k - 1]);
        }
        free(src);
    }
    /* A template it cannot reach changes nothing. */
    const char *unrelated[13];
    memcpy(unrelated, base, sizeof unrelated);
    unrelated[11] = "y";
    CHECK(same(h, identity(unrelated, "page")));
    /* Nor does the identity of one template equal another's. */
    CHECK(!same(h, identity(base, "card")));
}

/* A dynamic partial can reach any compiled template: all count. */
static void dynamic_partials_reach_everything(void)
{
    static const char *const base[] = {
        "page", "{{>*which}}", "other", "{{>unrelated}}", "unrelated", "x", NULL};
    static const char *const changed[] = {
        "page", "{{>*which}}", "other", "{{>unrelated}}", "unrelated", "y", NULL};
    CHECK(!same(identity(base, "page"), identity(changed, "page")));
}

static int mentions(const char *source, const char *name)
{
    struct diag d;
    diag_init(&d);
    const char *pairs[] = {"main", source, NULL};
    struct files f = {pairs};
    struct template_set *s = template_set_new(&d, load, &f);
    CHECK(template_set_get(s, "main") != NULL);
    int got = template_set_mentions(s, name);
    template_set_free(s);
    diag_release(&d);
    return got;
}

static void names_mentioned(void)
{
    CHECK(mentions("{{site.now.iso}}", "now"));
    CHECK(mentions("{{#site}}{{now}}{{/site}}", "now"));
    CHECK(mentions("{{^now}}no clock{{/now}}", "now"));
    CHECK(mentions("{{{a.now}}}", "now"));
    CHECK(!mentions("{{site.title}} {{nowhere}} {{knows}}", "now"));
    CHECK(!mentions("now {{! now }} {{site.year}}", "now"));
    CHECK(mentions("{{site.year}}", "year"));
}

int main(void)
{
    RUN(equal_values_agree);
    RUN(differences_show);
    RUN(memo_is_used);
    RUN(memo_under_another);
    RUN(identity_follows_what_a_template_reaches);
    RUN(dynamic_partials_reach_everything);
    RUN(names_mentioned);
    return HARNESS_DONE();
}
