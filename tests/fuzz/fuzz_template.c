/* Fuzz target: the template parser and renderer. The input is the template "main", then after a
 * NUL byte (if any) the JSON data to render it with; without one, or when that is not JSON, a
 * small fixed document is used. A few fixed partials and layouts (one broken, one recursive)
 * can be named from the template. */
#include <stdint.h>
#include <string.h>

#include "core/xalloc.h"
#include "markup/template.h"

struct input {
    const uint8_t *data;
    size_t size;
};

static const char *const partials[] = {
    "p",      "{{x}}\n  {{#list}}[{{.}}]{{/list}}\n",
    "layout", "<{{$a}}A{{/a}}|\n  {{$b}}\n    B {{x}}\n  {{/b}}\n>{{>p}}",
    "r",      "{{#n}}\n  {{>r}}\n{{/n}}",
    "mid",    "{{<layout}}{{$a}}mid{{/a}}{{/layout}}",
    "bad",    "{{#x}}",
    "self",   "{{>self}}",
    NULL,
};

static int load(const char *name, struct buf *src, char **path, void *userdata)
{
    const struct input *in = userdata;
    if (strcmp(name, "main") == 0) {
        buf_add(src, in->data, in->size);
        *path = xstrdup("main.mustache");
        return 0;
    }
    for (const char *const *p = partials; p[0]; p += 2) {
        if (strcmp(p[0], name) == 0) {
            buf_puts(src, p[1]);
            *path = xasprintf("%s.mustache", name);
            return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char json[] =
        "{\"x\": \"<&>\\\"'\", \"e\": \"\", \"t\": true, \"f\": false, \"z\": 0, \"r\": 1.5,"
        " \"list\": [1, 2.25, \"s\", true, null, {}, []], \"o\": {\"a\": {\"b\": \"c\"}},"
        " \"dyn\": \"p\", \"dyn2\": \"r\", \"n\": [{\"n\": [{\"n\": false}]}]}";
    const uint8_t *nul = memchr(data, '\0', size);
    struct input in = {data, nul ? (size_t)(nul - data) : size};
    struct diag d;
    diag_init(&d);
    struct template_set *s = template_set_new(&d, load, &in);
    /* Dynamic partials find only compiled templates: compile the good ones first. */
    template_set_get(s, "p");
    template_set_get(s, "r");
    const struct template *t = template_set_get(s, "main");
    if (t) {
        json_t *root = NULL;
        if (nul)
            root = json_loadb((const char *)nul + 1, size - in.size - 1,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!root)
            root = json_loads(json, 0, NULL);
        struct buf out;
        buf_init(&out);
        template_render(t, root, &out);
        buf_release(&out);
        json_decref(root);
        template_set_report_unresolved(s, &d);
    }
    template_set_free(s);
    diag_release(&d);
    return 0;
}
