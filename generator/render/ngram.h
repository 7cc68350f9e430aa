/* ngram: an index of character n-grams over numbered documents, as the search page's script
 * reads it. A document is lines of code points (already folded); for every character and every
 * two characters of a line the index lists the documents that have them, and for every three
 * it lists each place they occur (document and position), so that a query of any length is
 * answered exactly: three characters at positions 0, 3, 6, ... and at the end must all occur
 * where the query would put them. Lists are Rice-coded bit strings in base64url characters
 * (the format is described at ngram_part). Keys are spread over parts by the FNV-1a hash of
 * their UTF-8 bytes, so that the script knows the one part to load for each key.
 * Documents are added in increasing order, each line to each partition of the keys; partitions
 * share nothing, so a thread can fill each. An ngram owns everything it holds; nothing fails. */
#ifndef KAIRAN_NGRAM_H
#define KAIRAN_NGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Separates lines in the code points of a document: no n-gram runs across it. */
#define NGRAM_BREAK 0xFFFFFFFFu

struct ngram;

/* A new index whose keys are split into `partitions` partitions (at least 1), each filled
 * by one caller at a time. ngram_free frees it. */
struct ngram *ngram_new(unsigned partitions);
void ngram_free(struct ngram *g);

/* Adds the keys of partition p that document doc has: cps[0..n), lines separated by
 * NGRAM_BREAK. Documents come in increasing order; a document's positions count its code
 * points from 0, breaks included, so adding one document in several calls is not allowed. */
void ngram_add(struct ngram *g, unsigned p, uint32_t doc, const uint32_t *cps, size_t n);

/* Sorts the keys into parts: the number of parts is the power of two that makes a part about
 * target_bytes long (at least 1). docs is the number of documents (the script knows it too:
 * lists' parameters are made from it). Call once, after the last ngram_add. Returns the
 * number of parts. */
unsigned ngram_split(struct ngram *g, size_t target_bytes, unsigned docs);
/* Appends part b to out as two JSON strings separated by a comma: its keys, then their lists.
 * Safe on several threads at once for different parts.
 * The keys are sorted by code points; each is written as a digit, 3 times the number of
 * characters it shares with the key before it plus its length less one ('0'-'8'), and then
 * its other characters.
 * The lists follow each other in one string of bits, six to a base64url character, most
 * significant first, and the last character filled with zeros. gamma(v) is Elias gamma
 * (v >= 1); rice(k, v) is v >> k ones, a zero and the k low bits of v. N is the number of
 * documents and K(c) the Rice parameter for c documents among N: the largest k with
 * c * 2^(k+1) <= 0.69 N (0 when there is none). A gap is a document's number for the first,
 * the distance to the one before minus one after; places count in the same way, from the
 * start of their document.
 *   A key of one or two characters lists the documents that have it: a bit 1 and a bit for
 *   each document (1: has it), or a bit 0, gamma(count) and rice(K(count), gap) for each.
 *   A key of three characters lists where it is: gamma(documents), kp in 4 bits, then for
 *   each document rice(K(documents), gap), gamma(places) and rice(kp, gap) for each place. */
void ngram_part(const struct ngram *g, unsigned b, struct buf *out);

/* How many keys, and how many postings (document lists' entries and places). */
size_t ngram_keys(const struct ngram *g);
size_t ngram_postings(const struct ngram *g);

/* The part a key's UTF-8 bytes fall into among `parts` (a power of two): FNV-1a, 32 bits. */
unsigned ngram_bucket(const char *key, size_t len, unsigned parts);

#endif
