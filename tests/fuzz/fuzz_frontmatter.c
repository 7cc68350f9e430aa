/* Fuzz target: a content file's whole reading path (normalise, split, parse the YAML), then
 * every position lookup the schema checks would make. Any input must end in 0 or -1 with its
 * messages, never a crash, a leak or undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/frontmatter.h"
#include "content/yamldoc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Asks for the position of every path in the tree, as the entry checks do. */
static void visit(const struct yamldoc *doc, json_t *v, struct buf *path)
{
    struct yamldoc_pos pos;
    if (yamldoc_value_pos(doc, path->data, &pos) != 0 || pos.line == 0 || pos.col == 0)
        abort();
    yamldoc_plain_text(doc, path->data);
    size_t base = path->len;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach(v, k, c)
        {
            if (base)
                buf_putc(path, '.');
            buf_puts(path, k);
            /* a key with a '.' may share its path with a nested one; both are known */
            visit(doc, c, path);
            buf_truncate(path, base);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            buf_printf(path, base ? ".%zu" : "%zu", i);
            visit(doc, json_array_get(v, i), path);
            buf_truncate(path, base);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    struct buf text;
    buf_init(&text);
    buf_add(&text, data, size);
    text_normalise(&text);
    struct frontmatter fm;
    if (frontmatter_split(&d, "fuzz.md", text.data, text.len, &fm) == 0) {
        struct yamldoc doc;
        if (yamldoc_parse(&d, "fuzz.md", fm.yaml, fm.yaml_len, fm.yaml_line, &doc) == 0) {
            if (!json_is_object(doc.root))
                abort();
            struct buf path;
            buf_init(&path);
            visit(&doc, doc.root, &path);
            buf_release(&path);
        } else if (diag_error_count(&d) == 0) {
            abort(); /* a failure must say why */
        }
        yamldoc_release(&doc);
    } else if (diag_error_count(&d) == 0) {
        abort();
    }
    /* every message must format */
    for (size_t i = 0; i < d.len; i++)
        free(diag_format(&d.msgs[i]));
    buf_release(&text);
    diag_release(&d);
    return 0;
}
