/* The spec suite of template (markup/template.c; its own unit tests are test_template.c): every
 * case in the Mustache spec's JSON files in ../shared/spec/mustache except the lambdas (which
 * kairan does not support), each compiled through the loader callback with its partials and
 * rendered against its data. The spec sits beside the repository, not in it: where that folder
 * is not there the suite says it skipped and counts nothing. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"
#include "markup/template.h"

#define SPEC_DIR "../shared/spec/mustache"
#define MAIN_NAME "(spec template)"

struct spec_case {
    const char *file;
    const char *template;
    json_t *partials;
};

static int load_case(const char *name, struct buf *src, char **path, void *userdata)
{
    const struct spec_case *sc = userdata;
    const char *text = NULL;
    if (strcmp(name, MAIN_NAME) == 0)
        text = sc->template;
    else if (sc->partials)
        text = json_string_value(json_object_get(sc->partials, name));
    if (!text)
        return 1;
    buf_puts(src, text);
    *path = xasprintf("%s:%s", sc->file, name);
    return 0;
}

static int run_case(const char *file, json_t *test)
{
    struct spec_case sc = {file, json_string_value(json_object_get(test, "template")),
                           json_object_get(test, "partials")};
    const char *expected = json_string_value(json_object_get(test, "expected"));
    const char *name = json_string_value(json_object_get(test, "name"));
    if (!sc.template || !expected || json_object_get(sc.partials, MAIN_NAME))
        return 0;

    struct diag d;
    diag_init(&d);
    struct template_set *s = template_set_new(&d, load_case, &sc);
    template_set_allow_missing(s);
    /* Dynamic partials find only templates the set has compiled, as a theme would have. */
    const char *pname;
    json_t *pval;
    json_object_foreach(sc.partials, pname, pval) template_set_get(s, pname);
    const struct template *t = template_set_get(s, MAIN_NAME);
    struct buf out;
    buf_init(&out);
    int ok = t && template_render(t, json_object_get(test, "data"), &out) == 0 &&
             strcmp(out.data, expected) == 0 && diag_error_count(&d) == 0;
    if (!ok) {
        fprintf(stderr, "%s: %s\n  template: %s\n  got:  [%s]\n  want: [%s]\n", file, name,
                sc.template, out.data, expected);
        if (d.len) /* diag_print on no messages is undefined behaviour */
            diag_print(&d, stderr);
    }
    buf_release(&out);
    template_set_free(s);
    diag_release(&d);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    DIR *dir = opendir(SPEC_DIR);
    if (!dir) {
        harness_skip("mustache spec", SPEC_DIR " not found");
        return HARNESS_DONE();
    }
    char *files[64];
    size_t nfiles = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && nfiles < 64) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 &&
            strncmp(e->d_name, "~lambdas", 8) != 0)
            files[nfiles++] = xstrdup(e->d_name);
    }
    closedir(dir);
    qsort(files, nfiles, sizeof *files, by_name);

    int total = 0, passed = 0;
    for (size_t i = 0; i < nfiles; i++) {
        char *path = xasprintf("%s/%s", SPEC_DIR, files[i]);
        json_error_t err;
        json_t *root = json_load_file(path, 0, &err);
        if (!root) {
            fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
            harness_case(path, 0);
        }
        json_t *tests = json_object_get(root, "tests");
        size_t j;
        json_t *test;
        json_array_foreach(tests, j, test)
        {
            char *name =
                xasprintf("%s: %s", files[i], json_string_value(json_object_get(test, "name")));
            int ok = run_case(files[i], test);
            harness_case(name, ok);
            total++;
            passed += ok;
            free(name);
        }
        json_decref(root);
        free(path);
        free(files[i]);
    }
    /* Guard against a spec folder that lost its files: the full set has well over 150. */
    harness_case("spec has its cases", total >= 150);
    printf("spec: %d of %d cases passed\n", passed, total);
    return HARNESS_DONE();
}
