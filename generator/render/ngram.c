#include "render/ngram.h"

#include <stdlib.h>
#include <string.h>

#include "core/cjk.h"
#include "core/xalloc.h"

#define NONE 0xFFFFFFFFu

/* ---- What is collected ---------------------------------------------------------------------
 * The text itself, every character as a small number (its id; 0 is a break), two bytes each
 * until there are more than 65535 different ones: common keys are grown from their places by
 * reading what follows and precedes them. And one record per position: the three characters
 * that start there (fewer at the end of a line, the missing ones 0), with its places for a
 * whole three and only its documents for a shorter end; the documents of one and two
 * characters are the unions of those of the records they start. */

/* Postings wait in chunks of bytes (varints) chained per record, in one growing array: many
 * small lists without many allocations. A chunk starts with the number of the next (in units of
 * 8 bytes; 0: none) and its size; each of a list's chunks is twice as big as the one before, up
 * to CHUNK_MAX. */
#define CHUNK_HEAD 8
#define CHUNK_MIN 24
#define CHUNK_MAX 4096

/* Three ids packed into 64 bits, 21 bits each; the first is never 0. */
#define KEY(a, b, c) ((uint64_t)(a) << 42 | (uint64_t)(b) << 21 | (uint64_t)(c))
#define KEY_A(k) ((uint32_t)((k) >> 42))
#define KEY_B(k) ((uint32_t)((k) >> 21) & 0x1FFFFF)
#define KEY_C(k) ((uint32_t)(k) & 0x1FFFFF)

struct chain {
    uint32_t head, tail; /* where the chunks start, in units of 8 bytes; 0: none yet */
    uint32_t used, size; /* bytes used in the tail chunk, and its size */
};

struct rec {
    uint64_t key;
    struct chain docs_chain;   /* each document's gap, shifted left, the low bit set when its
                                  first place is in a title line */
    struct chain places_chain; /* a whole three: each new document's gap (shifted left, the
                                  low bit set) and its first place, then the gaps to its others
                                  (shifted left) */
    uint32_t last_doc;         /* the last document listed, plus one; 0: none */
    uint32_t last_pos;
    uint32_t count;            /* places */
    uint32_t docs;             /* documents */
    uint64_t sum_pos;          /* of the places' gaps (see places()) */
    uint32_t node;             /* a whole three: its node (ngram_split) */
};

struct slot {
    uint64_t key;
    uint32_t rec; /* record number plus one; 0: empty */
};

/* ---- What is made of it (ngram_split) -------------------------------------------------------
 * A trie of keys of three characters or more: a root for every three; a common key's children
 * are its extensions by one character (common or rare); a rare key's continuations are the keys
 * that extend it on the right because what follows their first character is common. */
enum { NODE_COMMON, NODE_RARE, NODE_CONT };

struct node {
    uint32_t parent;     /* NONE for a root */
    uint32_t ch;         /* the last character's id (a root: its record) */
    uint32_t child;      /* a common key's children: [child, child + n_child), by id */
    uint32_t n_child;
    uint32_t occ;        /* places (global, see struct ngram) in the pool: a rare key's in order,
                            a common key's grouped by its children; NONE: a root's, in its record */
    uint32_t n_occ;
    uint32_t base;       /* a rare key whose places are a subset: the key it is a subset of */
    uint32_t full;       /* the key whose places are written in full that base leads to */
    uint32_t cont;       /* first continuation, and the next one of the same key */
    uint32_t next_cont;
    uint32_t entry;      /* its entry; NONE: none (yet) */
    uint8_t len, kind;
};

enum { ENTRY_DOCS, ENTRY_PLACES, ENTRY_SUBSET, ENTRY_COMMON, ENTRY_POINTER };

struct entry {
    uint32_t key;     /* its characters (code points) in ngram's keys, len of them */
    uint32_t hash;    /* FNV-1a of the string whose part it is in */
    uint64_t bits;    /* where its bits start in ngram's bits */
    uint32_t n_bits;
    uint8_t len, type;
};

struct ngram {
    size_t list_bits; /* a common key's places would take more than this */
    unsigned max_len;

    /* The characters: the id of each code point (BMP in a table, the rest probed), and back. */
    uint32_t *bmp;
    uint32_t *astral; /* pairs: code point, id; open addressing on the code point */
    size_t n_astral, astral_cap;
    uint32_t *cp_of;
    size_t n_ids, ids_cap;

    /* The text: ids, a break after each line and each document. */
    uint16_t *t16;
    uint32_t *t32; /* once there are more than 65535 ids */
    size_t len, cap;
    uint32_t *start, *title; /* each document's first place, and its title's length */
    size_t docs, docs_cap;

    /* The records. */
    struct slot *slots;
    size_t n_slots;
    struct rec *recs;
    size_t n_recs, recs_cap;
    unsigned char *chunks;
    size_t n_chunks, chunks_cap;

    /* The trie, places and entries. */
    struct node *nodes;
    size_t n_nodes, nodes_cap;
    uint32_t *pool;
    size_t n_pool, pool_cap;
    uint32_t *keys;
    size_t n_keys, keys_cap;
    uint64_t *bits; /* entries' bits, most significant first in each word */
    size_t n_bits, bits_cap; /* bits, and words */
    struct entry *entries;
    size_t n_entries, entries_cap;
    uint32_t *order;   /* entries by part, then key */
    size_t *first;     /* each part's first in order, and the end */
    unsigned parts;
    size_t n_common, n_full;
};

static inline uint32_t ch_at(const struct ngram *g, size_t p)
{
    return g->t32 ? g->t32[p] : g->t16[p];
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

struct ngram *ngram_new(size_t list_bytes, unsigned max_len)
{
    struct ngram *g = xcalloc(1, sizeof *g);
    g->list_bits = list_bytes * 6;
    g->max_len = max_len < 3 ? 3 : max_len > 63 ? 63 : max_len;
    g->bmp = xcalloc(65536, sizeof *g->bmp);
    g->n_ids = 1; /* 0 is the break */
    XALLOC_GROW(g->cp_of, 1, g->ids_cap);
    g->cp_of[0] = 0;
    return g;
}

void ngram_free(struct ngram *g)
{
    if (!g)
        return;
    free(g->bmp);
    free(g->astral);
    free(g->cp_of);
    free(g->t16);
    free(g->t32);
    free(g->start);
    free(g->title);
    free(g->slots);
    free(g->recs);
    free(g->chunks);
    free(g->nodes);
    free(g->pool);
    free(g->keys);
    free(g->bits);
    free(g->entries);
    free(g->order);
    free(g->first);
    free(g);
}

/* ---- Collecting ---------------------------------------------------------------------------- */

static uint32_t new_id(struct ngram *g, uint32_t cp)
{
    XALLOC_GROW(g->cp_of, g->n_ids + 1, g->ids_cap);
    g->cp_of[g->n_ids] = cp;
    if (g->n_ids == 65536 && !g->t32) { /* no longer fits in two bytes */
        g->t32 = xmalloc((g->cap ? g->cap : 1) * sizeof *g->t32);
        for (size_t i = 0; i < g->len; i++) /* what ngram_add has written */
            g->t32[i] = g->t16[i];
        free(g->t16);
        g->t16 = NULL;
    }
    return (uint32_t)g->n_ids++;
}

static uint32_t astral_id(struct ngram *g, uint32_t cp)
{
    if ((g->n_astral + 1) * 2 > g->astral_cap) {
        size_t cap = g->astral_cap ? g->astral_cap * 2 : 64;
        uint32_t *t = xcalloc(cap * 2, sizeof *t);
        for (size_t i = 0; i < g->astral_cap; i++) {
            if (!g->astral[2 * i])
                continue;
            size_t s = mix(g->astral[2 * i]) & (cap - 1);
            while (t[2 * s])
                s = (s + 1) & (cap - 1);
            t[2 * s] = g->astral[2 * i];
            t[2 * s + 1] = g->astral[2 * i + 1];
        }
        free(g->astral);
        g->astral = t;
        g->astral_cap = cap;
    }
    size_t s = mix(cp) & (g->astral_cap - 1);
    while (g->astral[2 * s]) {
        if (g->astral[2 * s] == cp)
            return g->astral[2 * s + 1];
        s = (s + 1) & (g->astral_cap - 1);
    }
    g->astral[2 * s] = cp;
    g->astral[2 * s + 1] = new_id(g, cp);
    g->n_astral++;
    return g->astral[2 * s + 1];
}

static inline uint32_t id_of(struct ngram *g, uint32_t cp)
{
    if (cp == NGRAM_BREAK)
        return 0;
    if (cp < 65536) {
        if (!g->bmp[cp])
            g->bmp[cp] = new_id(g, cp);
        return g->bmp[cp];
    }
    return astral_id(g, cp);
}

static void grow_slots(struct ngram *g)
{
    size_t n = g->n_slots ? g->n_slots * 2 : 4096;
    struct slot *slots = xcalloc(n, sizeof *slots);
    for (size_t r = 0; r < g->n_recs; r++) {
        size_t i = mix(g->recs[r].key) & (n - 1);
        while (slots[i].rec)
            i = (i + 1) & (n - 1);
        slots[i].key = g->recs[r].key;
        slots[i].rec = (uint32_t)r + 1;
    }
    free(g->slots);
    g->slots = slots;
    g->n_slots = n;
}

/* The record of key, NULL when there is none and add is 0. */
static struct rec *find(struct ngram *g, uint64_t key, int add)
{
    size_t i = mix(key) & (g->n_slots - 1);
    while (g->slots[i].rec) {
        if (g->slots[i].key == key)
            return &g->recs[g->slots[i].rec - 1];
        i = (i + 1) & (g->n_slots - 1);
    }
    if (!add)
        return NULL;
    if ((g->n_recs + 1) * 4 > g->n_slots * 3) {
        grow_slots(g);
        return find(g, key, add);
    }
    XALLOC_GROW(g->recs, g->n_recs + 1, g->recs_cap);
    struct rec *r = &g->recs[g->n_recs++];
    memset(r, 0, sizeof *r);
    r->key = key;
    r->node = NONE;
    g->slots[i].key = key;
    g->slots[i].rec = (uint32_t)g->n_recs;
    return r;
}

static void put_byte(struct ngram *g, struct chain *c, unsigned char byte)
{
    if (!c->tail || c->used == c->size) {
        uint32_t size = !c->tail ? CHUNK_MIN : c->size * 2 + CHUNK_HEAD;
        if (size > CHUNK_MAX)
            size = CHUNK_MAX;
        size = (size + CHUNK_HEAD + 7) / 8 * 8 - CHUNK_HEAD;
        if (!g->n_chunks)
            g->n_chunks = 8; /* 0 means none */
        XALLOC_GROW(g->chunks, g->n_chunks + CHUNK_HEAD + size, g->chunks_cap);
        uint32_t at = (uint32_t)(g->n_chunks / 8);
        unsigned char *head = g->chunks + g->n_chunks;
        uint32_t none = 0;
        memcpy(head, &none, 4);
        memcpy(head + 4, &size, 4);
        g->n_chunks += CHUNK_HEAD + size;
        if (c->tail)
            memcpy(g->chunks + (size_t)c->tail * 8, &at, 4);
        else
            c->head = at;
        c->tail = at;
        c->used = 0;
        c->size = size;
    }
    g->chunks[(size_t)c->tail * 8 + CHUNK_HEAD + c->used++] = byte;
}

static inline void put_varint(struct ngram *g, struct chain *c, uint64_t v)
{
    if (c->tail && c->size - c->used >= 10) { /* room for any varint: no checks */
        unsigned char *d = g->chunks + (size_t)c->tail * 8 + CHUNK_HEAD + c->used, *d0 = d;
        while (v >= 0x80) {
            *d++ = (unsigned char)(v | 0x80);
            v >>= 7;
        }
        *d++ = (unsigned char)v;
        c->used += (uint32_t)(d - d0);
        return;
    }
    while (v >= 0x80) {
        put_byte(g, c, (unsigned char)(v | 0x80));
        v >>= 7;
    }
    put_byte(g, c, (unsigned char)v);
}

/* Notes doc in r's documents, once. Returns 1 when it was new; with places, the document's gap
 * also starts its places. */
static inline int note_doc(struct ngram *g, struct rec *r, uint32_t doc, int in_title, int places)
{
    if (r->last_doc == doc + 1)
        return 0;
    uint32_t gap = r->last_doc ? doc - r->last_doc : doc;
    put_varint(g, &r->docs_chain, (uint64_t)gap << 1 | (unsigned)in_title);
    if (places)
        put_varint(g, &r->places_chain, (uint64_t)gap << 1 | 1);
    r->docs++;
    r->last_doc = doc + 1;
    return 1;
}

static inline void note_place(struct ngram *g, struct rec *r, uint32_t doc, uint32_t pos,
                              int in_title)
{
    if (note_doc(g, r, doc, in_title, 1)) {
        put_varint(g, &r->places_chain, pos);
        r->sum_pos += pos;
    } else {
        put_varint(g, &r->places_chain, (uint64_t)(pos - r->last_pos - 1) << 1);
        r->sum_pos += pos - r->last_pos - 1;
    }
    r->last_pos = pos;
    r->count++;
}

void ngram_add(struct ngram *g, const uint32_t *cps, size_t n, size_t title)
{
    /* The ids first: a new one may widen the text. */
    uint32_t *ids = xmalloc((n + 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = id_of(g, cps[i]);
    size_t need = g->len + n + 2; /* a break before the first document, and after each */
    if (need > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap < need)
            cap *= 2;
        if (g->t32)
            g->t32 = xrealloc(g->t32, cap * sizeof *g->t32);
        else
            g->t16 = xrealloc(g->t16, cap * sizeof *g->t16);
        g->cap = cap;
    }
    if (!g->len) {
        if (g->t32)
            g->t32[0] = 0;
        else
            g->t16[0] = 0;
        g->len = 1;
    }
    size_t at = g->len;
    if (g->t32) {
        memcpy(g->t32 + at, ids, n * sizeof *ids);
        g->t32[at + n] = 0;
    } else {
        for (size_t i = 0; i < n; i++)
            g->t16[at + i] = (uint16_t)ids[i];
        g->t16[at + n] = 0;
    }
    g->len = at + n + 1;

    uint32_t doc = (uint32_t)g->docs;
    size_t cap = g->docs_cap;
    XALLOC_GROW(g->start, g->docs + 2, g->docs_cap);
    if (g->docs_cap != cap)
        g->title = xrealloc(g->title, g->docs_cap * sizeof *g->title);
    g->start[doc] = (uint32_t)at;
    g->title[doc] = (uint32_t)title;
    g->docs++;
    g->start[g->docs] = (uint32_t)g->len;

    if (!g->n_slots)
        grow_slots(g);
    ids[n] = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = ids[i], b = 0, c = 0;
        if (!a)
            continue;
        b = ids[i + 1];
        if (b && i + 2 < n)
            c = ids[i + 2];
        struct rec *r = find(g, KEY(a, b, c), 1);
        if (c)
            note_place(g, r, doc, (uint32_t)i, i < title);
        else
            note_doc(g, r, doc, i < title, 0);
    }
    free(ids);
}

/* ---- Reading the records back -------------------------------------------------------------- */

struct reader {
    const unsigned char *chunks;
    const struct chain *c;
    uint32_t chunk;
    uint32_t at, end;
};

static void reader_init(struct reader *rd, const struct ngram *g, const struct chain *c)
{
    rd->chunks = g->chunks;
    rd->c = c;
    rd->chunk = c->head;
    rd->at = 0;
    memcpy(&rd->end, rd->chunks + (size_t)c->head * 8 + 4, 4);
    if (c->head == c->tail)
        rd->end = c->used;
}

static inline uint64_t read_varint(struct reader *rd)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        if (rd->at == rd->end) {
            uint32_t next;
            memcpy(&next, rd->chunks + (size_t)rd->chunk * 8, 4);
            rd->chunk = next;
            rd->at = 0;
            memcpy(&rd->end, rd->chunks + (size_t)next * 8 + 4, 4);
            if (next == rd->c->tail)
                rd->end = rd->c->used;
        }
        unsigned char b = rd->chunks[(size_t)rd->chunk * 8 + CHUNK_HEAD + rd->at++];
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
        shift += 7;
    }
}

/* Writes r's places as global places (a document's start plus the place) to out. */
static void rec_places(const struct ngram *g, const struct rec *r, uint32_t *out)
{
    struct reader rd;
    reader_init(&rd, g, &r->places_chain);
    uint32_t doc = 0, pos = 0;
    int seen = 0;
    for (uint32_t i = 0; i < r->count; i++) {
        uint64_t v = read_varint(&rd);
        if (v & 1) {
            doc = seen ? doc + 1 + (uint32_t)(v >> 1) : (uint32_t)(v >> 1);
            seen = 1;
            pos = (uint32_t)read_varint(&rd);
        } else {
            pos += 1 + (uint32_t)(v >> 1);
        }
        out[i] = g->start[doc] + pos;
    }
}

/* Sets the bits of r's documents in docs, and of those where it is in a title in titles. */
static void rec_docs(const struct ngram *g, const struct rec *r, uint64_t *docs, uint64_t *titles)
{
    struct reader rd;
    reader_init(&rd, g, &r->docs_chain);
    uint32_t doc = 0;
    for (uint32_t i = 0; i < r->docs; i++) {
        uint64_t v = read_varint(&rd);
        doc = i ? doc + 1 + (uint32_t)(v >> 1) : (uint32_t)(v >> 1);
        docs[doc >> 6] |= 1ULL << (doc & 63);
        if (v & 1)
            titles[doc >> 6] |= 1ULL << (doc & 63);
    }
}

/* ---- Bits ---------------------------------------------------------------------------------- */

/* Appends the k low bits of v (k at most 57) to the entries' bits. Bits after the end are
 * never read: the end may move back (see subset_bits's callers) and be written again. */
static inline void put_bits(struct ngram *g, uint64_t v, unsigned k)
{
    if (!k)
        return;
    v &= (1ULL << k) - 1;
    size_t word = g->n_bits >> 6;
    unsigned used = g->n_bits & 63, room = 64 - used;
    XALLOC_GROW(g->bits, word + 2, g->bits_cap);
    uint64_t keep = used ? g->bits[word] & (~0ULL << room) : 0;
    if (k <= room) {
        g->bits[word] = keep | v << (room - k);
    } else {
        g->bits[word] = keep | v >> (k - room);
        g->bits[word + 1] = v << (64 - (k - room));
    }
    g->n_bits += k;
}

static void put_rice(struct ngram *g, unsigned k, uint64_t v)
{
    uint64_t q = v >> k;
    while (q >= 32) {
        put_bits(g, 0xFFFFFFFF, 32);
        q -= 32;
    }
    put_bits(g, ((1ULL << q) - 1) << 1, (unsigned)q + 1);
    put_bits(g, v, k);
}

static unsigned log2_floor(uint64_t v)
{
    return 63 - (unsigned)__builtin_clzll(v);
}

static void put_gamma(struct ngram *g, uint64_t v)
{
    unsigned n = log2_floor(v);
    put_bits(g, 0, n);
    put_bits(g, v, n + 1);
}

static uint64_t gamma_bits(uint64_t v)
{
    return 2 * log2_floor(v) + 1;
}

/* K(c, n): the Rice parameter for c items spread over n. */
static unsigned rice_k(uint64_t c, uint64_t n)
{
    unsigned k = 0;
    if (!c)
        return 0;
    while (k < 30 && (c << (k + 1)) * 100 <= n * 69)
        k++;
    return k;
}

/* The Rice parameter for values that sum to sum over count: about log2 of 0.69 times the
 * mean, where the code is shortest. */
static unsigned rice_k_sum(uint64_t sum, uint64_t count)
{
    unsigned k = 0;
    if (!count)
        return 0;
    while (k < 30 && (count << (k + 1)) * 100 <= sum * 69)
        k++;
    return k;
}

/* ---- Subsets -------------------------------------------------------------------------------
 * A subset of n items given as a bitmap (set[i / 64] bit i % 64). */

static uint64_t listed_bits(const uint64_t *set, size_t n, int invert, uint64_t s, unsigned *k)
{
    *k = rice_k(s, n);
    uint64_t bits = 2 + gamma_bits(s + 1) + 5, prev = 0, seen = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t x = invert ? ~set[w] : set[w];
        if (n - w * 64 < 64)
            x &= (1ULL << (n - w * 64)) - 1;
        while (x) {
            uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(x);
            x &= x - 1;
            uint64_t gap = seen ? i - prev - 1 : i;
            bits += 1 + *k + (gap >> *k);
            prev = i;
            seen = 1;
        }
    }
    return bits;
}

static size_t count_set(const uint64_t *set, size_t n)
{
    size_t s = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t x = set[w];
        if (n - w * 64 < 64)
            x &= (1ULL << (n - w * 64)) - 1;
        s += (size_t)__builtin_popcountll(x);
    }
    return s;
}

static void put_listed(struct ngram *g, const uint64_t *set, size_t n, int invert, uint64_t s,
                       unsigned k)
{
    put_bits(g, invert ? 2 : 1, 2);
    put_gamma(g, s + 1);
    put_bits(g, k, 5);
    uint64_t prev = 0, seen = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t x = invert ? ~set[w] : set[w];
        if (n - w * 64 < 64)
            x &= (1ULL << (n - w * 64)) - 1;
        while (x) {
            uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(x);
            x &= x - 1;
            put_rice(g, k, seen ? i - prev - 1 : i);
            prev = i;
            seen = 1;
        }
    }
}

enum { SUBSET_ALL, SUBSET_IN, SUBSET_OUT, SUBSET_MAP };

/* The shortest SUBSET code for set among n items: its bits, and its mode and parameter. */
static uint64_t subset_plan(const uint64_t *set, size_t n, unsigned *mode, unsigned *k)
{
    size_t s = count_set(set, n);
    if (s == n) {
        *mode = SUBSET_ALL;
        return 2;
    }
    unsigned k_in, k_out = 0;
    uint64_t in = listed_bits(set, n, 0, s, &k_in);
    uint64_t out = n - s < s ? listed_bits(set, n, 1, n - s, &k_out) : UINT64_MAX;
    uint64_t map = 2 + gamma_bits(n + 1) + n;
    if (map < in && map <= out) {
        *mode = SUBSET_MAP;
        return map;
    }
    if (out < in) {
        *mode = SUBSET_OUT;
        *k = k_out;
        return out;
    }
    *mode = SUBSET_IN;
    *k = k_in;
    return in;
}

static uint64_t subset_bits(const uint64_t *set, size_t n)
{
    unsigned mode, k;
    return subset_plan(set, n, &mode, &k);
}

/* Writes the shortest SUBSET code for set among n items (see ngram.h). */
static void put_subset(struct ngram *g, const uint64_t *set, size_t n)
{
    unsigned mode, k = 0;
    subset_plan(set, n, &mode, &k);
    if (mode == SUBSET_ALL) {
        put_bits(g, 0, 2);
    } else if (mode == SUBSET_MAP) {
        put_bits(g, 3, 2);
        put_gamma(g, n + 1);
        for (size_t w = 0; w * 64 < n; w++) {
            unsigned m = n - w * 64 < 64 ? (unsigned)(n - w * 64) : 64;
            uint64_t x = set[w], v = 0;
            for (unsigned j = 0; j < m; j++)
                v = v << 1 | ((x >> j) & 1);
            if (m > 32) {
                put_bits(g, v >> 32, m - 32);
                put_bits(g, v, 32);
            } else {
                put_bits(g, v, m);
            }
        }
    } else {
        size_t s = count_set(set, n);
        put_listed(g, set, n, mode == SUBSET_OUT, mode == SUBSET_OUT ? n - s : s, k);
    }
}

/* Sets out's bit r when the r-th item of super (a bitmap of n) is in sub; returns how many
 * items super has. out has room for them. */
static size_t relative(const uint64_t *super, const uint64_t *sub, size_t n, uint64_t *out)
{
    size_t r = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t x = super[w];
        while (x) {
            unsigned b = (unsigned)__builtin_ctzll(x);
            x &= x - 1;
            if (r % 64 == 0)
                out[r / 64] = 0;
            if ((sub[w] >> b) & 1)
                out[r / 64] |= 1ULL << (r % 64);
            r++;
        }
    }
    if (r % 64 == 0)
        out[r / 64] = 0;
    return r;
}

/* ---- Lists of places ------------------------------------------------------------------------
 * Places here are global: a document's start plus the place in it. */

/* The document of global place p, starting from document d (p is not before d's start). */
static inline uint32_t doc_from(const struct ngram *g, uint32_t d, uint32_t p)
{
    if (p < g->start[d + 1])
        return d;
    uint32_t lo = d + 1, hi = (uint32_t)g->docs; /* start[hi] > p */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->start[mid] <= p)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Writes PLACES for the places v[0..n) in order, or with count set only counts its bits. */
static uint64_t places(struct ngram *g, const uint32_t *v, size_t n, int count)
{
    /* First the parameters: documents, the sum of the places' gaps, one place each, titles. */
    uint64_t nd = 0, sum = 0;
    int one = 1, titled = 0;
    uint32_t d = 0, in_doc = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t dd = doc_from(g, d, v[i]);
        if (!i || dd != d) {
            if (in_doc > 1)
                one = 0;
            d = dd;
            nd++;
            in_doc = 0;
            sum += v[i] - g->start[d];
        } else {
            sum += v[i] - v[i - 1] - 1;
        }
        if (v[i] - g->start[d] < g->title[d])
            titled = 1;
        in_doc++;
    }
    if (in_doc > 1)
        one = 0;
    unsigned kd = rice_k(nd, g->docs), kp = rice_k_sum(sum, n);
    if (kp > 15)
        kp = 15;
    uint64_t bits = gamma_bits(nd) + 4 + 2;
    if (!count) {
        put_gamma(g, nd);
        put_bits(g, kp, 4);
        put_bits(g, (unsigned)one, 1);
        put_bits(g, (unsigned)titled, 1);
    }
    /* The documents with places in a title line, and how many each. */
    uint64_t *tset = titled ? xcalloc(nd / 64 + 1, sizeof *tset) : NULL;
    uint32_t *tcount = titled ? xcalloc(nd, sizeof *tcount) : NULL;
    size_t i = 0;
    uint32_t last_doc = 0;
    d = 0;
    for (uint64_t j = 0; j < nd; j++) {
        d = doc_from(g, d, v[i]);
        size_t e = i + 1;
        while (e < n && v[e] < g->start[d + 1])
            e++;
        uint32_t gap = j ? d - last_doc - 1 : d;
        last_doc = d;
        bits += 1 + kd + (gap >> kd);
        if (!one)
            bits += gamma_bits(e - i);
        if (!count) {
            put_rice(g, kd, gap);
            if (!one)
                put_gamma(g, e - i);
        }
        for (size_t x = i; x < e; x++) {
            uint32_t pos = v[x] - g->start[d];
            uint32_t place_gap = x == i ? pos : v[x] - v[x - 1] - 1;
            bits += 1 + kp + (place_gap >> kp);
            if (!count)
                put_rice(g, kp, place_gap);
            if (titled && pos < g->title[d]) {
                tset[j >> 6] |= 1ULL << (j & 63);
                tcount[j]++;
            }
        }
        i = e;
    }
    if (titled) {
        bits += subset_bits(tset, nd);
        if (!count)
            put_subset(g, tset, nd);
        for (uint64_t j = 0; j < nd; j++) {
            if (!tcount[j])
                continue;
            bits += gamma_bits(tcount[j]);
            if (!count)
                put_gamma(g, tcount[j]);
        }
        free(tset);
        free(tcount);
    }
    return bits;
}

/* Whether places v[0..n) are too many for a rare key. */
static int too_long(struct ngram *g, const uint32_t *v, size_t n)
{
    return places(g, v, n, 1) > g->list_bits;
}

/* Whether a record's places are too many for a rare key: an upper bound of their bits from the
 * record's counts first (the gaps' shifted sums are at least the sums of their shifted parts),
 * then, when that is not enough, the bits themselves (decoded into *tmp). */
static int rec_too_long(struct ngram *g, const struct rec *r, uint32_t **tmp, size_t *cap)
{
    uint64_t nd = r->docs, n = r->count;
    unsigned kd = rice_k(nd, g->docs), kp = rice_k_sum(r->sum_pos, n);
    if (kp > 15)
        kp = 15;
    uint64_t most = 2 * gamma_bits(nd + 1) + 12 + nd * (2 + kd) + (g->docs >> kd) + 4 * n +
                    n * (1 + kp) + (r->sum_pos >> kp);
    if (most <= g->list_bits)
        return 0;
    XALLOC_GROW(*tmp, n, *cap);
    rec_places(g, r, *tmp);
    return too_long(g, *tmp, n);
}

/* ---- The trie -------------------------------------------------------------------------------- */

static uint32_t new_nodes(struct ngram *g, size_t n)
{
    XALLOC_GROW(g->nodes, g->n_nodes + n, g->nodes_cap);
    uint32_t at = (uint32_t)g->n_nodes;
    for (size_t i = at; i < at + n; i++) {
        struct node *x = &g->nodes[i];
        memset(x, 0, sizeof *x);
        x->parent = x->child = x->occ = x->base = x->full = NONE;
        x->cont = x->next_cont = x->entry = NONE;
    }
    g->n_nodes += n;
    return at;
}

/* The ids of node n's key, written to out; returns its length. */
static unsigned node_ids(const struct ngram *g, uint32_t n, uint32_t *out)
{
    unsigned len = g->nodes[n].len, i = len;
    while (g->nodes[n].parent != NONE) {
        out[--i] = g->nodes[n].ch;
        n = g->nodes[n].parent;
    }
    uint64_t k = g->recs[g->nodes[n].ch].key;
    out[0] = KEY_A(k);
    out[1] = KEY_B(k);
    out[2] = KEY_C(k);
    return len;
}

/* The child of common node n for id, or NONE. */
static uint32_t child_of(const struct ngram *g, uint32_t n, uint32_t id)
{
    uint32_t lo = g->nodes[n].child, hi = lo + g->nodes[n].n_child;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->nodes[mid].ch < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nodes[n].child + g->nodes[n].n_child && g->nodes[lo].ch == id ? lo : NONE;
}

static const struct rec *lookup(const struct ngram *g, uint64_t key)
{
    size_t i = mix(key) & (g->n_slots - 1);
    while (g->slots[i].rec) {
        if (g->slots[i].key == key)
            return &g->recs[g->slots[i].rec - 1];
        i = (i + 1) & (g->n_slots - 1);
    }
    return NULL;
}

/* Follows ids[0..len) from its root while the key is common: returns the node reached and
 * sets *depth to its length (less than len when a rare key or a missing one stops it first);
 * NONE when the first three characters are not a key. */
static uint32_t walk(const struct ngram *g, const uint32_t *ids, unsigned len, unsigned *depth)
{
    const struct rec *r = lookup(g, KEY(ids[0], ids[1], ids[2]));
    if (!r || r->node == NONE)
        return NONE;
    uint32_t n = r->node;
    unsigned d = 3;
    while (d < len && g->nodes[n].kind == NODE_COMMON) {
        uint32_t c = child_of(g, n, ids[d]);
        if (c == NONE)
            break;
        n = c;
        d++;
    }
    *depth = d;
    return n;
}

/* Scratch for growing the trie. */
struct grow {
    uint32_t *count;            /* per id */
    uint32_t *touched;          /* the ids counted */
    size_t n_touched, touched_cap;
    uint32_t *tmp;
    size_t tmp_cap;
    uint64_t *docs, *titles;    /* bitmaps of documents */
    uint64_t *rel;              /* for SUBSETs relative to a list */
    size_t rel_cap;
    size_t words;               /* of a bitmap of documents */
};

static int id_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static void count_id(struct grow *s, uint32_t id)
{
    if (!s->count[id]++) {
        XALLOC_GROW(s->touched, s->n_touched + 1, s->touched_cap);
        s->touched[s->n_touched++] = id;
    }
}

static uint32_t new_entry(struct ngram *g, uint8_t type, unsigned len)
{
    XALLOC_GROW(g->entries, g->n_entries + 1, g->entries_cap);
    struct entry *e = &g->entries[g->n_entries];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->len = (uint8_t)len;
    e->bits = g->n_bits;
    return (uint32_t)g->n_entries++;
}

static void end_entry(struct ngram *g, uint32_t e)
{
    g->entries[e].n_bits = (uint32_t)(g->n_bits - g->entries[e].bits);
}

/* Grows common node n: writes its entry and makes its children from its places, which it
 * leaves grouped by child (each group in order), the places at a line's end first. */
static void grow_common(struct ngram *g, struct grow *s, uint32_t n)
{
    unsigned len = g->nodes[n].len;
    uint32_t at = g->nodes[n].occ, cnt = g->nodes[n].n_occ;
    uint64_t *docs = s->docs, *titles = s->titles;
    memset(docs, 0, s->words * sizeof *docs);
    memset(titles, 0, s->words * sizeof *titles);
    uint32_t d = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t p = g->pool[at + i];
        d = doc_from(g, d, p);
        docs[d >> 6] |= 1ULL << (d & 63);
        if (p - g->start[d] < g->title[d])
            titles[d >> 6] |= 1ULL << (d & 63);
    }
    uint32_t e = new_entry(g, ENTRY_COMMON, len);
    g->nodes[n].entry = e;
    put_bits(g, 2, 2);
    put_bits(g, 1, 1);
    put_subset(g, docs, g->docs);
    size_t m = relative(docs, titles, g->docs, s->rel);
    put_subset(g, s->rel, m);
    end_entry(g, e);
    g->n_common++;

    /* The children: the places grouped by the character after the key (0 at a line's end). */
    for (uint32_t i = 0; i < cnt; i++)
        count_id(s, ch_at(g, g->pool[at + i] + len));
    qsort(s->touched, s->n_touched, sizeof *s->touched, id_cmp);
    size_t n_child = s->n_touched - (s->touched[0] == 0);
    uint32_t first = new_nodes(g, n_child), c = first, off = 0;
    XALLOC_GROW(s->tmp, cnt, s->tmp_cap);
    for (size_t t = 0; t < s->n_touched; t++) {
        uint32_t id = s->touched[t], k = s->count[id];
        if (id) {
            struct node *x = &g->nodes[c++];
            x->parent = n;
            x->ch = id;
            x->len = (uint8_t)(len + 1);
            x->occ = at + off;
            x->n_occ = k;
        }
        s->count[id] = off; /* where its group starts */
        off += k;
    }
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t p = g->pool[at + i];
        s->tmp[s->count[ch_at(g, p + len)]++] = p;
    }
    memcpy(g->pool + at, s->tmp, cnt * sizeof *s->tmp);
    for (size_t t = 0; t < s->n_touched; t++)
        s->count[s->touched[t]] = 0;
    s->n_touched = 0;
    g->nodes[n].child = first;
    g->nodes[n].n_child = (uint32_t)n_child;
    for (uint32_t i = first; i < first + n_child; i++) {
        if (len + 1 < g->max_len && too_long(g, g->pool + g->nodes[i].occ, g->nodes[i].n_occ)) {
            g->nodes[i].kind = NODE_COMMON;
            grow_common(g, s, i);
        } else {
            g->nodes[i].kind = NODE_RARE;
        }
    }
}

/* The continuation of node n (rare or a continuation) by id, made when missing. */
static uint32_t continuation(struct ngram *g, uint32_t n, uint32_t id)
{
    for (uint32_t c = g->nodes[n].cont; c != NONE; c = g->nodes[c].next_cont)
        if (g->nodes[c].ch == id)
            return c;
    uint32_t c = new_nodes(g, 1);
    struct node *x = &g->nodes[c];
    x->parent = n;
    x->ch = id;
    x->len = (uint8_t)(g->nodes[n].len + 1);
    x->kind = NODE_CONT;
    x->next_cont = g->nodes[n].cont;
    g->nodes[n].cont = c;
    return c;
}

static int place_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* The continuations made from common node n: for each character c before it, c and n's key
 * is a continuation when c and n's key less its last character is rare; its places are those
 * of n one earlier. */
static void continue_common(struct ngram *g, struct grow *s, uint32_t n)
{
    uint32_t ids[64], key[64];
    unsigned len = node_ids(g, n, ids);
    uint32_t at = g->nodes[n].occ, cnt = g->nodes[n].n_occ;
    for (uint32_t i = 0; i < cnt; i++)
        count_id(s, ch_at(g, g->pool[at + i] - 1)); /* a break is before every document */
    /* For each character before: its continuation node, or NONE. */
    uint32_t *made = xmalloc(s->n_touched * sizeof *made);
    size_t total = 0;
    for (size_t t = 0; t < s->n_touched; t++) {
        uint32_t c = s->touched[t];
        made[t] = NONE;
        if (!c)
            continue;
        key[0] = c;
        memcpy(key + 1, ids, (len - 1) * sizeof *ids);
        unsigned depth;
        uint32_t h = walk(g, key, len, &depth);
        if (h == NONE || g->nodes[h].kind == NODE_COMMON)
            continue; /* c and n's key less its last is common: c and n's key is a rare key */
        /* h, rare, is the first depth characters; what follows is continued up to n's end. */
        uint32_t x = h;
        for (unsigned j = depth; j < len; j++)
            x = continuation(g, x, ids[j - 1]);
        made[t] = continuation(g, x, ids[len - 1]);
        total += s->count[c];
    }
    /* Their places, in order, into the pool. */
    XALLOC_GROW(s->tmp, total, s->tmp_cap);
    uint32_t off = 0;
    for (size_t t = 0; t < s->n_touched; t++) {
        uint32_t c = s->touched[t], k = s->count[c];
        if (made[t] == NONE) {
            s->count[c] = NONE;
            continue;
        }
        g->nodes[made[t]].occ = (uint32_t)(g->n_pool + off);
        g->nodes[made[t]].n_occ = k;
        s->count[c] = off;
        off += k;
    }
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t p = g->pool[at + i], c = ch_at(g, p - 1);
        if (s->count[c] != NONE)
            s->tmp[s->count[c]++] = p - 1;
    }
    XALLOC_GROW(g->pool, g->n_pool + total, g->pool_cap);
    for (size_t t = 0; t < s->n_touched; t++) {
        s->count[s->touched[t]] = 0;
        if (made[t] == NONE)
            continue;
        struct node *x = &g->nodes[made[t]];
        uint32_t *v = s->tmp + (x->occ - g->n_pool);
        qsort(v, x->n_occ, sizeof *v, place_cmp);
    }
    memcpy(g->pool + g->n_pool, s->tmp, total * sizeof *s->tmp);
    g->n_pool += total;
    s->n_touched = 0;
    free(made);
}

/* A rare key's places, in order: in the pool, or decoded from its record into *tmp. */
static const uint32_t *node_places(const struct ngram *g, uint32_t n, uint32_t **tmp,
                                   size_t *cap, size_t *count)
{
    const struct node *x = &g->nodes[n];
    if (x->occ != NONE) {
        *count = x->n_occ;
        return g->pool + x->occ;
    }
    const struct rec *r = &g->recs[x->ch];
    XALLOC_GROW(*tmp, r->count, *cap);
    rec_places(g, r, *tmp);
    *count = r->count;
    return *tmp;
}

/* FNV-1a over the UTF-8 of the code points of ids[0..len). */
static uint32_t fnv(const struct ngram *g, const uint32_t *ids, unsigned len)
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < len; i++) {
        char b[4];
        size_t n = cjk_encode(g->cp_of[ids[i]], b);
        for (size_t j = 0; j < n; j++) {
            h ^= (unsigned char)b[j];
            h *= 16777619u;
        }
    }
    return h;
}

unsigned ngram_bucket(const char *key, size_t len, unsigned parts)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h & (parts - 1);
}

/* Gives entry e the key ids[0..len) (as code points) and the hash of the part string. */
static void key_entry(struct ngram *g, uint32_t e, const uint32_t *ids, unsigned len,
                      uint32_t hash)
{
    XALLOC_GROW(g->keys, g->n_keys + len, g->keys_cap);
    for (unsigned i = 0; i < len; i++)
        g->keys[g->n_keys + i] = g->cp_of[ids[i]];
    g->entries[e].key = (uint32_t)g->n_keys;
    g->entries[e].len = (uint8_t)len;
    g->entries[e].hash = hash;
    g->n_keys += len;
}

/* Writes a rare key's entry: PLACES, or the SUBSET of its base's places. */
static void rare_entry(struct ngram *g, struct grow *s, uint32_t n, uint32_t **tmp, size_t *cap,
                       uint32_t **tmp2, size_t *cap2)
{
    struct node *x = &g->nodes[n];
    uint32_t e = new_entry(g, x->base == NONE ? ENTRY_PLACES : ENTRY_SUBSET, x->len);
    g->nodes[n].entry = e;
    size_t count;
    const uint32_t *v = node_places(g, n, tmp, cap, &count);
    if (g->nodes[n].base == NONE) {
        put_bits(g, 0, 2);
        places(g, v, count, 0);
        g->n_full++;
    } else {
        /* Tail (0): the base is the key less its first character, a place later; head (1):
         * less its last, at the same place. */
        uint32_t b = g->nodes[n].base;
        int head = g->nodes[n].kind == NODE_CONT;
        uint32_t shift = head ? 0 : 1;
        size_t nb;
        const uint32_t *bv = node_places(g, b, tmp2, cap2, &nb);
        XALLOC_GROW(s->rel, nb / 64 + 1, s->rel_cap);
        memset(s->rel, 0, (nb / 64 + 1) * sizeof *s->rel);
        size_t j = 0;
        for (size_t i = 0; i < nb && j < count; i++) {
            while (j < count && v[j] + shift < bv[i])
                j++;
            if (j < count && v[j] + shift == bv[i])
                s->rel[i >> 6] |= 1ULL << (i & 63);
        }
        put_bits(g, 1, 2);
        put_bits(g, (unsigned)head, 1);
        put_subset(g, s->rel, nb);
    }
    end_entry(g, e);
}

/* The rare key that continuation n continues. */
static uint32_t home_of(const struct ngram *g, uint32_t n)
{
    while (g->nodes[n].kind == NODE_CONT)
        n = g->nodes[n].parent;
    return n;
}

static uint32_t full_of(struct ngram *g, uint32_t n)
{
    if (g->nodes[n].full != NONE)
        return g->nodes[n].full;
    uint32_t f = g->nodes[n].kind == NODE_CONT ? full_of(g, home_of(g, n))
                 : g->nodes[n].base == NONE    ? n
                                               : full_of(g, g->nodes[n].base);
    g->nodes[n].full = f;
    return f;
}

struct keyed {
    uint64_t key;
    uint32_t rec;
};

static int keyed_cmp(const void *x, const void *y)
{
    uint64_t a = ((const struct keyed *)x)->key, b = ((const struct keyed *)y)->key;
    return a < b ? -1 : a > b;
}

/* The DOCS entry of the one or two characters ids[0..len): the union of records [from, to). */
static void docs_entry(struct ngram *g, struct grow *s, const uint32_t *order, size_t from,
                       size_t to, const uint32_t *ids, unsigned len)
{
    uint64_t *docs = s->docs, *titles = s->titles;
    memset(docs, 0, s->words * sizeof *docs);
    memset(titles, 0, s->words * sizeof *titles);
    for (size_t i = from; i < to; i++)
        rec_docs(g, &g->recs[order[i]], docs, titles);
    uint32_t e = new_entry(g, ENTRY_DOCS, len);
    put_subset(g, docs, g->docs);
    size_t m = relative(docs, titles, g->docs, s->rel);
    put_subset(g, s->rel, m);
    end_entry(g, e);
    key_entry(g, e, ids, len, fnv(g, ids, len));
}

/* An entry as the parts are sorted: by part, then key. */
struct sorted {
    const uint32_t *key;
    uint32_t part, entry;
    unsigned len;
};

static int sorted_cmp(const void *x, const void *y)
{
    const struct sorted *a = x, *b = y;
    if (a->part != b->part)
        return a->part < b->part ? -1 : 1;
    for (unsigned i = 0; i < a->len && i < b->len; i++)
        if (a->key[i] != b->key[i])
            return a->key[i] < b->key[i] ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

unsigned ngram_split(struct ngram *g, size_t target_bytes)
{
    struct grow s = {0};
    s.count = xcalloc(g->n_ids + 1, sizeof *s.count);
    s.words = g->docs / 64 + 1;
    s.docs = xcalloc(s.words, sizeof *s.docs);
    s.titles = xcalloc(s.words, sizeof *s.titles);
    XALLOC_GROW(s.rel, s.words, s.rel_cap);
    if (!g->n_slots)
        grow_slots(g);

    /* The records in key order: the ones and twos are runs of them, the threes are roots. */
    struct keyed *keyed = xmalloc((g->n_recs + 1) * sizeof *keyed);
    for (size_t i = 0; i < g->n_recs; i++) {
        keyed[i].key = g->recs[i].key;
        keyed[i].rec = (uint32_t)i;
    }
    qsort(keyed, g->n_recs, sizeof *keyed, keyed_cmp);
    uint32_t *order = xmalloc((g->n_recs + 1) * sizeof *order);
    for (size_t i = 0; i < g->n_recs; i++)
        order[i] = keyed[i].rec;
    free(keyed);
    uint32_t *tmp = NULL, *tmp2 = NULL;
    size_t cap = 0, cap2 = 0;
    for (size_t i = 0; i < g->n_recs; i++) {
        struct rec *r = &g->recs[order[i]];
        if (!KEY_C(r->key))
            continue;
        uint32_t n = new_nodes(g, 1);
        r->node = n;
        g->nodes[n].ch = order[i];
        g->nodes[n].len = 3;
        if (3 < g->max_len && rec_too_long(g, r, &tmp, &cap)) {
            g->nodes[n].kind = NODE_COMMON;
            XALLOC_GROW(g->pool, g->n_pool + r->count, g->pool_cap);
            rec_places(g, r, g->pool + g->n_pool);
            g->nodes[n].occ = (uint32_t)g->n_pool;
            g->nodes[n].n_occ = r->count;
            g->n_pool += r->count;
            grow_common(g, &s, n);
        } else {
            g->nodes[n].kind = NODE_RARE;
        }
    }

    /* Continuations, from the shortest common keys up. */
    for (unsigned len = 3; len < g->max_len; len++)
        for (size_t i = 0, n = g->n_nodes; i < n; i++)
            if (g->nodes[i].kind == NODE_COMMON && g->nodes[i].len == len)
                continue_common(g, &s, (uint32_t)i);

    /* Bases: a rare key of four or more whose places are those of its ending one shorter,
     * when that is rare too; a continuation's is the key it continues. */
    uint32_t ids[64];
    size_t n_nodes = g->n_nodes;
    for (size_t i = 0; i < n_nodes; i++) {
        struct node *x = &g->nodes[i];
        if (x->kind == NODE_CONT) {
            x->base = x->parent;
        } else if (x->kind == NODE_RARE && x->len >= 4) {
            unsigned len = node_ids(g, (uint32_t)i, ids), depth;
            uint32_t b = walk(g, ids + 1, len - 1, &depth);
            if (b != NONE && depth == len - 1 && g->nodes[b].kind == NODE_RARE)
                g->nodes[i].base = b;
        }
    }

    /* The entries: ones and twos; the common keys' keys; the rare keys and continuations. */
    for (size_t i = 0; i < g->n_recs;) {
        uint32_t a = KEY_A(g->recs[order[i]].key);
        size_t j = i;
        while (j < g->n_recs && KEY_A(g->recs[order[j]].key) == a)
            j++;
        ids[0] = a;
        docs_entry(g, &s, order, i, j, ids, 1);
        for (size_t k = i; k < j;) {
            uint32_t b = KEY_B(g->recs[order[k]].key);
            size_t l = k;
            while (l < j && KEY_B(g->recs[order[l]].key) == b)
                l++;
            if (b) {
                ids[1] = b;
                docs_entry(g, &s, order, k, l, ids, 2);
            }
            k = l;
        }
        i = j;
    }
    for (size_t i = 0; i < n_nodes; i++) {
        struct node *x = &g->nodes[i];
        if (x->kind == NODE_COMMON) {
            unsigned len = node_ids(g, (uint32_t)i, ids);
            key_entry(g, x->entry, ids, len, fnv(g, ids, len));
            continue;
        }
        rare_entry(g, &s, (uint32_t)i, &tmp, &cap, &tmp2, &cap2);
        unsigned len = node_ids(g, (uint32_t)i, ids);
        /* The part of the key whose places are in full: an ending of the rare key (which a
         * continuation begins with). */
        unsigned end = g->nodes[home_of(g, (uint32_t)i)].len, full = g->nodes[full_of(g, (uint32_t)i)].len;
        key_entry(g, g->nodes[i].entry, ids, len, fnv(g, ids + end - full, full));
    }

    /* The parts: their number from the size of it all; then a pointer in a root's part to each
     * first rare key whose entry is in another part. */
    uint64_t bytes = 0;
    for (size_t i = 0; i < g->n_entries; i++)
        bytes += g->entries[i].n_bits / 6 + 4 + g->entries[i].len;
    unsigned parts = 1;
    while (parts < 65536 && (uint64_t)parts * target_bytes * 3 / 2 < bytes)
        parts *= 2;
    g->parts = parts;
    for (size_t i = 0; i < n_nodes; i++) {
        struct node *x = &g->nodes[i];
        if (x->kind == NODE_COMMON && x->len >= 4) {
            /* A common key's documents are in its own part; its root's tells it is common. */
            unsigned len = node_ids(g, (uint32_t)i, ids);
            uint32_t root_hash = fnv(g, ids, 3);
            if ((g->entries[x->entry].hash & (parts - 1)) == (root_hash & (parts - 1)))
                continue;
            uint32_t p = new_entry(g, ENTRY_COMMON, len);
            put_bits(g, 2, 2);
            put_bits(g, 0, 1);
            end_entry(g, p);
            key_entry(g, p, ids, len, root_hash);
            continue;
        }
        if (x->kind != NODE_RARE || x->len < 4)
            continue;
        unsigned len = node_ids(g, (uint32_t)i, ids);
        uint32_t f = full_of(g, (uint32_t)i), root_hash = fnv(g, ids, 3);
        const struct entry *e = &g->entries[x->entry];
        if ((e->hash & (parts - 1)) == (root_hash & (parts - 1)))
            continue;
        uint32_t p = new_entry(g, ENTRY_POINTER, len);
        put_bits(g, 3, 2);
        put_gamma(g, len - g->nodes[f].len + 1);
        end_entry(g, p);
        key_entry(g, p, ids, len, root_hash);
    }

    struct sorted *sorted = xmalloc((g->n_entries + 1) * sizeof *sorted);
    for (size_t i = 0; i < g->n_entries; i++) {
        const struct entry *e = &g->entries[i];
        sorted[i] = (struct sorted){g->keys + e->key, e->hash & (parts - 1), (uint32_t)i, e->len};
    }
    qsort(sorted, g->n_entries, sizeof *sorted, sorted_cmp);
    g->order = xmalloc((g->n_entries + 1) * sizeof *g->order);
    for (size_t i = 0; i < g->n_entries; i++)
        g->order[i] = sorted[i].entry;
    free(sorted);
    g->first = xcalloc(parts + 1, sizeof *g->first);
    size_t at = 0;
    for (unsigned b = 0; b <= parts; b++) {
        while (at < g->n_entries && (g->entries[g->order[at]].hash & (parts - 1)) < b)
            at++;
        g->first[b] = at;
    }

    free(order);
    free(tmp);
    free(tmp2);
    free(s.count);
    free(s.touched);
    free(s.tmp);
    free(s.docs);
    free(s.titles);
    free(s.rel);
    /* What only the split needed. */
    free(g->pool);
    g->pool = NULL;
    free(g->chunks);
    g->chunks = NULL;
    free(g->t16);
    free(g->t32);
    g->t16 = NULL;
    g->t32 = NULL;
    return parts;
}

size_t ngram_keys(const struct ngram *g)
{
    return g->n_entries;
}

size_t ngram_common(const struct ngram *g)
{
    return g->n_common;
}

size_t ngram_full(const struct ngram *g)
{
    return g->n_full;
}

/* ---- Writing ----------------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Appends the code point cp to a JSON string's inside. */
static void put_json_char(struct buf *out, uint32_t cp)
{
    char enc[4];
    if (cp == '"' || cp == '\\')
        buf_printf(out, "\\%c", (char)cp);
    else if (cp < 0x20 || cp == 0x2028 || cp == 0x2029)
        buf_printf(out, "\\u%04x", (unsigned)cp); /* U+2028/9 end a line in older scripts */
    else
        buf_add(out, enc, cjk_encode(cp, enc));
}

/* n bits from bit `from` of words. */
static uint64_t get_bits(const uint64_t *words, uint64_t from, unsigned n)
{
    size_t w = from >> 6;
    unsigned off = from & 63;
    uint64_t v = words[w] << off;
    if (off + n > 64)
        v |= words[w + 1] >> (64 - off);
    return v >> (64 - n);
}

void ngram_part(const struct ngram *g, unsigned b, struct buf *out)
{
    size_t from = g->first[b], to = g->first[b + 1];
    buf_putc(out, '"');
    const uint32_t *prev = NULL;
    unsigned n_prev = 0;
    for (size_t i = from; i < to; i++) {
        const struct entry *e = &g->entries[g->order[i]];
        const uint32_t *k = g->keys + e->key;
        unsigned shared = 0;
        while (shared < e->len && shared < n_prev && k[shared] == prev[shared])
            shared++;
        buf_putc(out, b64[shared]);
        buf_putc(out, b64[e->len]);
        uint32_t nb = e->n_bits;
        do {
            buf_putc(out, b64[(nb & 31) | (nb > 31 ? 32 : 0)]);
            nb >>= 5;
        } while (nb);
        for (unsigned j = shared; j < e->len; j++)
            put_json_char(out, k[j]);
        prev = k;
        n_prev = e->len;
    }
    buf_puts(out, "\",\"");
    uint64_t acc = 0;
    unsigned n = 0;
    for (size_t i = from; i < to; i++) {
        const struct entry *e = &g->entries[g->order[i]];
        uint64_t at = e->bits, end = e->bits + e->n_bits;
        while (at < end) {
            unsigned k = end - at < 32 ? (unsigned)(end - at) : 32;
            acc = acc << k | get_bits(g->bits, at, k);
            n += k;
            at += k;
            buf_grow(out, 8);
            while (n >= 6) {
                n -= 6;
                out->data[out->len++] = b64[(acc >> n) & 63];
            }
            acc &= (1ULL << n) - 1;
        }
    }
    if (n)
        buf_putc(out, b64[(acc << (6 - n)) & 63]);
    out->data[out->len] = '\0';
    buf_putc(out, '"');
}
