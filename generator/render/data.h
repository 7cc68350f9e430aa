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

#endif
