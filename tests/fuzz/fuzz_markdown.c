/* Fuzz target: the whole Markdown pipeline on arbitrary bytes, with hooks that resolve some
 * links and pictures and refuse others and place charts as files (or inline), then every
 * output made from the tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/xalloc.h"
#include "markup/dom.h"
#include "markup/markdown.h"

/* The print edition's way with charts: an SVG document (which must be whole) for a file. */
static char *stub_chart(const char *svg, size_t len, void *userdata)
{
    if (len < 5 || memcmp(svg, "<?xml", 5) != 0 || !strstr(svg, "</svg>"))
        abort();
    return xasprintf("img/chart-%zu.svg", len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *stub_link(const char *target, unsigned line, unsigned col, void *userdata)
{
    size_t n = strlen(target);
    if (n > 3 && strcmp(target + n - 3, ".md") == 0) {
        if (strstr(target, "missing"))
            diag_error(userdata, "fuzz.md", line, col, "the link '%s' names no entry", target);
        else
            return xasprintf("/entries/%zu/", n);
    }
    return NULL;
}

static int stub_image(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                      void *userdata)
{
    if (strstr(src, "missing")) {
        diag_error(userdata, "fuzz.md", line, col, "the picture '%s' does not exist", src);
        return -1;
    }
    out->src = xasprintf("/img/%s", src);
    if (strlen(src) % 2) {
        out->srcset = xasprintf("/img/480/%s 480w", src);
        out->sizes = xstrdup("100vw");
        out->full = xasprintf("/img/full/%s", src);
        out->width = 640;
        out->height = 480;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        dom_global_init();
        ready = 1;
    }
    struct diag d;
    diag_init(&d);
    /* Ids a theme uses, which the body's ids go around. */
    struct strv reserved = STRV_INIT;
    strv_push(&reserved, "main");
    strv_push(&reserved, "toc");
    strv_push(&reserved, "h-1");
    /* Charts also drawn for a tier of vertical print (A4's, or a narrow one). */
    struct plot_tier tier = {220.2, size % 5 ? 574.0 : 120.0};
    struct markdown_hooks hooks = {stub_link, stub_image, size % 4 ? stub_chart : NULL, &d,
                                   &reserved, size % 4 == 1 || size % 4 == 2 ? &tier : NULL};
    struct dom *doc =
        markdown_parse(&d, "fuzz.md", 3, (const char *)data, size, size % 3 ? &hooks : NULL);
    free(dom_xhtml_print(doc, "p-", 1)); /* upright digits, before phones change the tree */
    dom_link_phones(doc);
    dom_fit_tables(doc);
    free(dom_html(doc));
    free(size % 2 ? dom_xhtml(doc) : dom_xhtml_prefixed(doc, "p-"));
    free(dom_text(doc));
    free(dom_summary(doc, size % 200));
    json_decref(dom_toc(doc));
    dom_reading_minutes(doc);
    dom_free(doc);
    diag_release(&d);
    strv_release(&reserved);
    return 0;
}
