/* ngram: an index of the strings in numbered documents, as the search page's script reads it,
 * exact for a query of any length and cheap to read for a common one. A document is lines of
 * folded code points; a key is a string within a line. Every character and every two
 * characters have their documents. A key of three or more characters is either common (its
 * list of places would be longer than list_bytes) or rare. A common key has only its documents,
 * and each of its extensions by one character (right or left) is a key too, up to max_len
 * characters: so a common query is answered by its own list of documents, and a rare one is
 * covered by rare keys, each with a short list of places, whose places are intersected where
 * the query puts them. A rare key's places are written once in full where no shorter rare key
 * holds them, and otherwise as the subset of the places of the key one character shorter.
 * Entries are spread over parts by the FNV-1a hash of a string (see ngram_part), so that the
 * script knows which part to load. Documents are added in order, then split once; an ngram owns
 * everything it holds; nothing fails. */
#ifndef KAIRAN_NGRAM_H
#define KAIRAN_NGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Separates lines in the code points of a document: no key runs across it. */
#define NGRAM_BREAK 0xFFFFFFFFu

struct ngram;

/* A new, empty index: a key is common when its list of places would take more than list_bytes
 * characters; keys are at most max_len characters (3 to 63). ngram_free frees it. */
struct ngram *ngram_new(size_t list_bytes, unsigned max_len);
void ngram_free(struct ngram *g);

/* Adds the next document (numbered from 0 in the order they are added): its code points
 * cps[0..n), lines separated by NGRAM_BREAK, of which the first `title` (breaks included) are
 * its title's lines, which rank first. Places count code points from 0, breaks included. */
void ngram_add(struct ngram *g, const uint32_t *cps, size_t n, size_t title);

/* Makes every entry and sorts them into parts: the number of parts is the power of two that
 * makes a part about target_bytes long (at least 1), or twice that when the whole index is less
 * than 512 times it. Call once, after the last ngram_add.
 * Returns the number of parts.
 *
 * The format. Bits are written most significant first, six to a base64url character.
 * gamma(v) is Elias gamma (v >= 1); rice(k, v) is v >> k ones, a zero and the k low bits of v;
 * K(c, n) is the largest k (at most 30) with c * 2^(k+1) <= 0.69 n, 0 when there is none.
 * N is the number of documents. A gap is a number for the first item of a list, and the
 * distance to the one before less one after.
 *   SUBSET of a list of n items: 2 bits. 0: every item. 1: the items in it, gamma(s + 1),
 *   k in 5 bits and rice(k, gap) for each (gaps of their indexes). 2: the same for the items not
 *   in it. 3: gamma(n + 1) and a bit for each item (1: in it).
 *   DOCS: a SUBSET of all N documents (those that have the key), then a SUBSET of those (the
 *   ones that have it in a title line).
 *   PLACES: gamma(d) documents; kp in 4 bits; a bit "one" (every document has one place); a bit
 *   "t" (some places are in titles); for each document rice(K(d, N), gap), unless "one"
 *   gamma(places), and rice(kp, gap) for each place; then, with "t", a SUBSET of the d documents
 *   (those with places in title lines) and for each of them gamma(how many), its first places.
 * An entry of one or two characters is DOCS. A longer one starts with 2 bits:
 *   0 PLACES: a rare key.
 *   1 a rare key whose places are a subset: a bit, 0 when they are those of the key without its
 *     first character (each one place earlier), 1 when those of the key without its last; then
 *     a SUBSET of the places of that key (which is in the same part).
 *   2 a common key: a bit, 1 when DOCS follow, 0 when they are in the part of the key's own
 *     string (which only a key of four or more has: see below).
 *   3 a pointer: gamma(j + 1); the key's entry is in the part of its last characters but j.
 * Where an entry is. A key of one, two or three characters is in the part of its own string,
 * and so are a longer common key's DOCS; the part of a common key's first three characters
 * holds the entry of every longer common key that starts with them (without its DOCS when they
 * are in another part). A rare key of four or more
 * whose first three are common (the first rare one after a common key) is in the part of its
 * base, the shortest of its endings whose places are written in full; the part of its first
 * three characters holds a pointer to it when that is another part. A key found by adding
 * characters at the end of such a rare key (when what follows its first character is common)
 * is in the part of that rare key. */
unsigned ngram_split(struct ngram *g, size_t target_bytes);

/* Appends part b to out as a JSON string of its keys, a comma and a JSON string of their
 * entries' bits. Safe on several threads at once for different parts. Each key is written as
 * two base64url digits, the number of characters it shares with the one before and its
 * length, then the length of its entry in bits (base64url digits of 5 bits each, the sixth bit
 * set on all but the last, least significant first), then its other characters. */
void ngram_part(const struct ngram *g, unsigned b, struct buf *out);

/* How many entries, how many of them are common keys and how many rare keys have their places
 * in full (after ngram_split). */
size_t ngram_keys(const struct ngram *g);
size_t ngram_common(const struct ngram *g);
size_t ngram_full(const struct ngram *g);

/* The part a string's UTF-8 bytes fall into among `parts` (a power of two): FNV-1a, 32 bits. */
unsigned ngram_bucket(const char *key, size_t len, unsigned parts);

#endif
