/* data: small helpers for building the JSON values templates receive.
 * Every function adds to an object the caller owns; none of them fails (jansson's allocation
 * failures end the program through xalloc's hooks like every other). */
#ifndef KAIRAN_DATA_H
#define KAIRAN_DATA_H

#include <jansson.h>

#include "core/buf.h"

/* Sets key to a copy of s; does nothing when s is NULL. */
void data_set_str(json_t *obj, const char *key, const char *s);
/* Sets key to the front matter's own string value of field when it holds the same text as s
 * (the two then share it), else to a copy of s. */
void data_set_str_from(json_t *obj, const char *key, const char *s, const json_t *fm,
                       const char *field);
/* Sets key to b's text and empties b for reuse. */
void data_set_buf(json_t *obj, const char *key, struct buf *b);

/* Appends s as a JSON string that a script may hold as well: U+2028 and U+2029, which JSON
 * allows as they are and older browsers' scripts read as the end of a line, are escaped. */
void data_json_string(struct buf *out, const char *s);
/* The same for the n bytes at s, which may hold NUL. */
void data_json_string_n(struct buf *out, const char *s, size_t n);

/* The names kairan's data gives only to some pages, besides the front matter fields some
 * entries leave out (entry_optional_fields): "site.subtitle", "status.cancelled" (the flag of
 * one status), "pages.gap" (a field of a list's items), "time" (wherever a date object is).
 * NULL-terminated. The theme declares them to its templates, so that --strict does not take
 * a name that no page of a site happens to have for a misspelt one. A field that the view,
 * the pages, the calendar or the print edition set only sometimes belongs here. */
extern const char *const data_optional[];

#endif
