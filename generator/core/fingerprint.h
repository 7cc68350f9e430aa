/* fingerprint: a 128-bit hash of a JSON value, for deciding whether a page must be rendered
 * again. Equal values always give equal fingerprints, whatever the order of object keys; a
 * memo remembers the fingerprints of values shared by many pages (each entry's data, the site
 * object) so each is walked once. A memo is filled on one thread and then only read, by any
 * number of threads. Nothing here fails. */
#ifndef KAIRAN_FINGERPRINT_H
#define KAIRAN_FINGERPRINT_H

#include <jansson.h>

#include "core/hash.h"

struct fingerprint_memo;

/* Returns a new, empty memo; the caller frees it with fingerprint_memo_free(). */
struct fingerprint_memo *fingerprint_memo_new(void);
/* The same, over parent (borrowed; it must outlive the new memo): values not found in the new
 * memo are looked for in parent. For a page's own values over those of its whole site. */
struct fingerprint_memo *fingerprint_memo_new_under(const struct fingerprint_memo *parent);
void fingerprint_memo_free(struct fingerprint_memo *m);
/* Remembers v's fingerprint (v must stay unchanged and alive while the memo is used). */
void fingerprint_memo_add(struct fingerprint_memo *m, const json_t *v);

/* Remembers h as v's fingerprint: for a value that stands for less than it holds (the site
 * object without the keys no template reads). */
void fingerprint_memo_put(struct fingerprint_memo *m, const json_t *v, struct hash h);

/* The fingerprint of v; values found in memo (may be NULL) are not walked again. */
struct hash fingerprint_json(const json_t *v, const struct fingerprint_memo *memo);

#endif
