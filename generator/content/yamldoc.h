/* yamldoc: reads YAML (front matter, site.yaml, theme.yaml) into jansson values.
 * The only module that includes libyaml's <yaml.h> (hence the name: a generator/yaml.h would
 * hide it). Plain scalars are typed by the YAML 1.2 core schema, so 2021-02-19, 13:30, yes and
 * no stay text; the position of every key and value is kept by path for the schema checks
 * that come later. Every problem (syntax, tabs, duplicate fields, unknown tags, alias bombs,
 * deep nesting) is reported through diag at path:line:col in plain words; nothing aborts. */
#ifndef KAIRAN_YAMLDOC_H
#define KAIRAN_YAMLDOC_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"

/* Lists and fields nested deeper than this are refused (no real file needs 100 levels). */
#define YAMLDOC_MAX_DEPTH 100
/* Values (scalars, lists, field blocks) in one document, counting alias copies. */
#define YAMLDOC_MAX_NODES 1000000
/* What all aliases (*name) together may copy: values, and bytes of text. */
#define YAMLDOC_MAX_ALIAS_NODES 10000
#define YAMLDOC_MAX_ALIAS_BYTES (16u << 20)

/* A place in the file; 1-based; the column counts characters, not bytes. */
struct yamldoc_pos {
    unsigned line, col;
};

struct yamldoc_index;

struct yamldoc {
    json_t *root;                /* an object after a successful parse; owned */
    struct yamldoc_index *index; /* positions and source text by path; owned, private */
};

void yamldoc_init(struct yamldoc *doc);
void yamldoc_release(struct yamldoc *doc);

/* Parses text (len bytes, UTF-8, LF line ends) into doc, which needs no initialising; the
 * text's first line is line first_line of the file at path (1 for a whole file, yaml_line of
 * struct frontmatter for front matter). The top level must be fields (name: value); an empty
 * document gives an empty object. Keys are text: a key that is a list or a block, an empty
 * key, a duplicate key and the merge key << are errors. Integers that do not fit in 64 bits,
 * .inf and .nan are errors (jansson cannot hold them). Returns 0, doc then owning the tree
 * (release it with yamldoc_release); or -1, with doc empty, after reporting every problem
 * found (a syntax error ends the search; so do 50 problems). */
int yamldoc_parse(struct diag *d, const char *path, const char *text, size_t len,
                  unsigned first_line, struct yamldoc *doc);

/* Reads a whole YAML file (site.yaml, theme.yaml) into doc: read, byte order mark and CRLF
 * removed, UTF-8 checked, parsed. An unreadable file is an I/O error. */
int yamldoc_load_file(struct diag *d, const char *path, struct yamldoc *doc);

/* Positions by path: keys joined with '.', list items by 0-based index, e.g. "title",
 * "contact.phone", "sessions.1.start"; "" is the whole document. A value copied by an alias
 * (*name) has the alias's position. A key that itself contains '.' cannot be told apart from
 * nesting; the first value registered under a path wins. Each returns 0 and fills out, or -1
 * if the path is not in the document. The key of a list item is the item itself. */
int yamldoc_value_pos(const struct yamldoc *doc, const char *path, struct yamldoc_pos *out);
int yamldoc_key_pos(const struct yamldoc *doc, const char *path, struct yamldoc_pos *out);

/* The text as written of a plain scalar that was typed as a number, boolean or null (so that
 * phone: 0235572111, which YAML reads as the number 235572111, can be reported or recovered as
 * written). Returns a string owned by doc, or NULL if the value at path is not such a scalar. */
const char *yamldoc_plain_text(const struct yamldoc *doc, const char *path);

#endif
