/* frontmatter: splits a content file into its YAML front matter and its Markdown body.
 * A content file starts with a line ---, then YAML fields, then a closing line ---, then the
 * body. Nothing is copied: the pieces point into the caller's text. A file that is not UTF-8,
 * holds a NUL byte, has no front matter or never closes it is reported through diag at the
 * exact line:col, and the functions return -1.
 *
 * The usual sequence for content/x.md:
 *     frontmatter_read(d, path, &text, &fm)  (read, normalise, check, split)
 *     yamldoc_parse(d, path, fm.yaml, fm.yaml_len, fm.yaml_line, &doc)
 *     ... fm.body from line fm.body_line is the Markdown ... */
#ifndef KAIRAN_FRONTMATTER_H
#define KAIRAN_FRONTMATTER_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

struct frontmatter {
    const char *yaml; /* the text between the --- lines (not NUL-terminated) */
    size_t yaml_len;
    unsigned yaml_line; /* line number in the file of the first line of yaml */
    const char *body;   /* everything after the closing --- line (NUL-terminated if text is) */
    size_t body_len;
    unsigned body_line; /* line number in the file of the first line of body */
};

/* Checks a whole file's bytes (text_check: NUL bytes, invalid UTF-8) and splits it into out,
 * whose pointers borrow from text. The text must already be normalised (text_normalise: no
 * byte order mark, LF line ends) so that line numbers match the editor's. */
int frontmatter_split(struct diag *d, const char *path, const char *text, size_t len,
                      struct frontmatter *out);

/* The largest content file read: a long report is a few hundred kilobytes, so a file past this
 * is a mistake (a pasted picture, a log), refused before it is read. */
enum { FRONTMATTER_MAX_BYTES = 16 << 20 };

/* Reads the file at path into text (an initialised buf that the caller keeps and releases),
 * normalises it and splits it into out, which points into text. An unreadable file is an I/O
 * error; a file over FRONTMATTER_MAX_BYTES is an error of the content. */
int frontmatter_read(struct diag *d, const char *path, struct buf *text, struct frontmatter *out);
/* frontmatter_read of the file at file, with messages naming path: kairan serve's editor
 * checks an unsaved entry from a copy outside content/ under the name it will have there. */
int frontmatter_read_as(struct diag *d, const char *file, const char *path, struct buf *text,
                        struct frontmatter *out);

#endif
