/* fmwrite: writes an entry's fields back as a content file: a line ---, the front matter as
 * YAML, a line ---, the Markdown body. The reader's counterpart (frontmatter, yamldoc): what it
 * writes reads back as the same values, which it checks by reading it with yamldoc before
 * handing it over. Fields come in a given order (the kind's, see entry_field_order); when the
 * file existed, a field whose value is unchanged keeps its lines as written, comments
 * included, and new fields take their place among the old ones, so a save changes only the
 * lines that changed. Fails (-1) only for a value YAML cannot hold. */
#ifndef KAIRAN_FMWRITE_H
#define KAIRAN_FMWRITE_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

struct fmwrite_options {
    const char *const *order; /* field names in the order to write them (NULL-terminated);
                               * fields it does not name come after, in fields' own order */
    const char *old_yaml;     /* the file's front matter as it is now (NULL for a new file) */
    size_t old_len;
};

/* Appends the whole file to out: fields (a JSON object; null values are left out) as front
 * matter, then body as it is (NULL for none). Returns 0, or -1 when a value cannot be written
 * so that it reads back the same (a real number that is not finite, a NUL in a text), with
 * out as it was. */
int fmwrite_entry(struct buf *out, const json_t *fields, const char *body,
                  const struct fmwrite_options *opt);

/* Appends value as one YAML scalar: plain when that reads back as the same text, else in
 * double quotes. For tests and for the editor's messages. */
void fmwrite_scalar(struct buf *out, const char *value);

#endif
