#include "render/ngram.h"

#include <stdlib.h>
#include <string.h>

#include "core/cjk.h"
#include "core/xalloc.h"

/* What is collected: at every position of a line, the three characters that start there (fewer
 * at the end of the line, the missing ones 0), with the place for a whole three and only the
 * document for a shorter end. One key per position keeps the collecting cheap; the documents of
 * one and two characters are the unions of those of the keys they start (ngram_split). */

/* Postings wait in chunks of bytes (varints) chained per key, in one growing array per
 * partition: millions of small lists without millions of allocations. A chunk starts with the
 * number of the next (in units of 8 bytes; 0: none) and its size; each of a list's chunks is
 * twice as big as the one before, up to CHUNK_MAX, so that a long list is read in few jumps. */
#define CHUNK_HEAD 8
#define CHUNK_MIN 24
#define CHUNK_MAX 4096

/* Three characters packed into 64 bits, 21 bits each; the first is never 0. */
#define KEY(a, b, c) ((uint64_t)(a) << 42 | (uint64_t)(b) << 21 | (uint64_t)(c))
#define KEY_A(k) ((uint32_t)((k) >> 42))
#define KEY_B(k) ((uint32_t)((k) >> 21) & 0x1FFFFF)
#define KEY_C(k) ((uint32_t)(k) & 0x1FFFFF)

/* Varints in chained chunks. */
struct chain {
    uint32_t head, tail; /* where the chunks start, in units of 8 bytes; 0: none yet */
    uint32_t used, size; /* bytes used in the tail chunk, and its size */
};

struct rec {
    uint64_t key;
    uint64_t sum_doc, sum_pos; /* of the gaps, for each list's Rice parameter */
    struct chain docs_chain;   /* the documents' gaps */
    struct chain places_chain; /* three whole characters: each document's gap (tagged), then
                                  its first place and the gaps to the others (shifted left) */
    uint32_t last_doc;         /* the last document listed, plus one; 0: none */
    uint32_t last_pos;
    uint32_t count;            /* places */
    uint32_t docs;             /* documents */
    uint32_t part;             /* the partition that holds it */
};

/* A slot of a partition's table: the key, so that a probe reads no record, and the record. */
struct slot {
    uint64_t key;
    uint32_t rec; /* record number plus one; 0: empty */
};

struct partition {
    struct slot *slots;
    size_t n_slots;  /* a power of two */
    struct rec *recs;
    size_t n_recs, recs_cap;
    unsigned char *chunks; /* the first 8 bytes are never used */
    size_t n_chunks, chunks_cap; /* bytes used and allocated */
};

/* A key as the index lists it: three characters with their places (rec), or one or two
 * with the documents that have them (docs). */
struct item {
    uint64_t key; /* unused characters 0 */
    const struct rec *rec;
    size_t from, to; /* one or two: the collected keys it starts (in ngram's all) */
    size_t n_docs;   /* one or two: about how many documents (for the parts' sizes) */
    unsigned bucket;
};

struct ngram {
    struct partition *parts;
    unsigned n_parts;
    struct rec **all;   /* every collected key, in order (ngram_split) */
    size_t n_all;
    struct item *items; /* by part and key (ngram_split) */
    size_t n_items, items_cap;
    size_t *first; /* the first item of each part, and the end */
    unsigned docs; /* documents */
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

struct ngram *ngram_new(unsigned partitions)
{
    struct ngram *g = xcalloc(1, sizeof *g);
    g->n_parts = partitions ? partitions : 1;
    g->parts = xcalloc(g->n_parts, sizeof *g->parts);
    return g;
}

void ngram_free(struct ngram *g)
{
    if (!g)
        return;
    for (unsigned i = 0; i < g->n_parts; i++) {
        free(g->parts[i].slots);
        free(g->parts[i].recs);
        free(g->parts[i].chunks);
    }
    free(g->all);
    free(g->parts);
    free(g->items);
    free(g->first);
    free(g);
}

static void grow_slots(struct partition *p)
{
    size_t n = p->n_slots ? p->n_slots * 2 : 1024;
    struct slot *slots = xcalloc(n, sizeof *slots);
    for (size_t r = 0; r < p->n_recs; r++) {
        size_t i = mix(p->recs[r].key) & (n - 1);
        while (slots[i].rec)
            i = (i + 1) & (n - 1);
        slots[i].key = p->recs[r].key;
        slots[i].rec = (uint32_t)r + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = n;
}

static struct rec *find(struct partition *p, unsigned part, uint64_t key, uint64_t h)
{
    size_t i = h & (p->n_slots - 1);
    while (p->slots[i].rec) {
        if (p->slots[i].key == key)
            return &p->recs[p->slots[i].rec - 1];
        i = (i + 1) & (p->n_slots - 1);
    }
    if ((p->n_recs + 1) * 4 > p->n_slots * 3) {
        grow_slots(p);
        return find(p, part, key, h);
    }
    XALLOC_GROW(p->recs, p->n_recs + 1, p->recs_cap);
    struct rec *r = &p->recs[p->n_recs++];
    memset(r, 0, sizeof *r);
    r->key = key;
    r->part = part;
    p->slots[i].key = key;
    p->slots[i].rec = (uint32_t)p->n_recs;
    return r;
}

static void put_byte(struct partition *p, struct chain *c, unsigned char byte)
{
    if (!c->tail || c->used == c->size) {
        uint32_t size = !c->tail ? CHUNK_MIN : c->size * 2 + CHUNK_HEAD;
        if (size > CHUNK_MAX)
            size = CHUNK_MAX;
        size = (size + CHUNK_HEAD + 7) / 8 * 8 - CHUNK_HEAD;
        if (!p->n_chunks)
            p->n_chunks = 8; /* 0 means none */
        XALLOC_GROW(p->chunks, p->n_chunks + CHUNK_HEAD + size, p->chunks_cap);
        uint32_t at = (uint32_t)(p->n_chunks / 8);
        unsigned char *head = p->chunks + p->n_chunks;
        uint32_t none = 0;
        memcpy(head, &none, 4);
        memcpy(head + 4, &size, 4);
        p->n_chunks += CHUNK_HEAD + size;
        if (c->tail)
            memcpy(p->chunks + (size_t)c->tail * 8, &at, 4);
        else
            c->head = at;
        c->tail = at;
        c->used = 0;
        c->size = size;
    }
    p->chunks[(size_t)c->tail * 8 + CHUNK_HEAD + c->used++] = byte;
}

static void put_varint(struct partition *p, struct chain *c, uint64_t v)
{
    if (c->tail && c->size - c->used >= 10) { /* room for any varint: no checks */
        unsigned char *d = p->chunks + (size_t)c->tail * 8 + CHUNK_HEAD + c->used, *d0 = d;
        while (v >= 0x80) {
            *d++ = (unsigned char)(v | 0x80);
            v >>= 7;
        }
        *d++ = (unsigned char)v;
        c->used += (uint32_t)(d - d0);
        return;
    }
    while (v >= 0x80) {
        put_byte(p, c, (unsigned char)(v | 0x80));
        v >>= 7;
    }
    put_byte(p, c, (unsigned char)v);
}

/* Notes doc in r's list of documents, once; with places, its gap also starts the document's
 * places (tagged: shifted left, the low bit set). Returns 1 when it was new. */
static int note_doc(struct partition *p, struct rec *r, uint32_t doc, int places)
{
    if (r->last_doc == doc + 1)
        return 0;
    uint32_t gap = r->last_doc ? doc - r->last_doc : doc;
    put_varint(p, &r->docs_chain, gap);
    if (places)
        put_varint(p, &r->places_chain, (uint64_t)gap << 1 | 1);
    r->sum_doc += gap;
    r->docs++;
    r->last_doc = doc + 1;
    return 1;
}

/* Notes a place: a new document's first place as it stands, or the gap to the last place
 * (shifted left). */
static void note_place(struct partition *p, struct rec *r, uint32_t doc, uint32_t pos)
{
    uint32_t gap;
    if (note_doc(p, r, doc, 1)) {
        gap = pos;
        put_varint(p, &r->places_chain, gap);
    } else {
        gap = pos - r->last_pos - 1;
        put_varint(p, &r->places_chain, (uint64_t)gap << 1);
    }
    r->sum_pos += gap;
    r->last_pos = pos;
    r->count++;
}

void ngram_add(struct ngram *g, unsigned part, uint32_t doc, const uint32_t *cps, size_t n)
{
    struct partition *p = &g->parts[part];
    if (!p->n_slots)
        grow_slots(p);
    unsigned np = g->n_parts;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = cps[i], b = 0, c = 0;
        if (a == NGRAM_BREAK)
            continue;
        if (i + 1 < n && cps[i + 1] != NGRAM_BREAK) {
            b = cps[i + 1];
            if (i + 2 < n && cps[i + 2] != NGRAM_BREAK)
                c = cps[i + 2];
        }
        /* Whose key it is: cheap to tell, as every partition's thread looks at every key. */
        if (np > 1 && (a + b * 7 + c * 13) % np != part)
            continue;
        uint64_t key = KEY(a, b, c);
        struct rec *r = find(p, part, key, mix(key));
        if (c)
            note_place(p, r, doc, (uint32_t)i);
        else
            note_doc(p, r, doc, 0);
    }
}

static int key_chars(uint64_t key, uint32_t out[3])
{
    out[0] = KEY_A(key);
    out[1] = KEY_B(key);
    out[2] = KEY_C(key);
    return out[2] ? 3 : out[1] ? 2 : 1;
}

static size_t key_utf8(uint64_t key, char out[12])
{
    uint32_t c[3];
    int n = key_chars(key, c);
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += cjk_encode(c[i], out + len);
    return len;
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

/* ---- Reading the collected postings back -------------------------------------------------- */

struct reader {
    const unsigned char *chunks;
    const struct chain *c;
    uint32_t chunk;
    uint32_t at, end; /* in the current chunk's data */
};

static void reader_init(struct reader *rd, const struct ngram *g, const struct rec *r,
                        const struct chain *c)
{
    rd->chunks = g->parts[r->part].chunks;
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

/* Sets the bit of every document of r in the bitmap set. */
static void mark_docs(const struct ngram *g, const struct rec *r, uint64_t *set)
{
    struct reader rd;
    reader_init(&rd, g, r, &r->docs_chain);
    uint32_t doc = 0;
    for (uint32_t i = 0; i < r->docs; i++) {
        uint32_t x = (uint32_t)read_varint(&rd);
        doc = i ? doc + 1 + x : x;
        set[doc >> 6] |= 1ULL << (doc & 63);
    }
}

/* ---- Splitting into parts ----------------------------------------------------------------- */

static int key_cmp(uint64_t a, uint64_t b)
{
    /* Each character in turn, an absent one (0) first: code point order. */
    return a < b ? -1 : a > b;
}

static int rec_cmp(const void *x, const void *y)
{
    const struct rec *a = *(struct rec *const *)x, *b = *(struct rec *const *)y;
    return key_cmp(a->key, b->key);
}

static int item_cmp(const void *x, const void *y)
{
    const struct item *a = x, *b = y;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return key_cmp(a->key, b->key);
}

static struct item *add_item(struct ngram *g, uint64_t key)
{
    XALLOC_GROW(g->items, g->n_items + 1, g->items_cap);
    struct item *it = &g->items[g->n_items++];
    memset(it, 0, sizeof *it);
    it->key = key;
    return it;
}

/* The Rice parameter for values summing to sum over count: about log2 of 0.69 times the
 * mean, where the code is shortest. */
static unsigned rice_k(uint64_t sum, uint64_t count)
{
    unsigned k = 0;
    if (!count)
        return 0;
    while (k < 30 && (count << (k + 1)) * 100 <= sum * 69)
        k++;
    return k;
}

/* The Rice parameter of a list of count documents out of docs: the gaps of documents spread
 * evenly. The script computes it in the same way, so the list does not carry it. */
static unsigned doc_k(uint64_t docs, uint64_t count)
{
    return rice_k(docs, count);
}

static uint64_t rice_bits(uint64_t sum, uint64_t count, unsigned k)
{
    return count * (k + 1) + (sum >> k);
}

static uint64_t gamma_bits(uint64_t v)
{
    unsigned n = 0;
    while ((v >> n) > 1)
        n++;
    return 2 * n + 1;
}

/* The places' Rice parameter: at most 15, which four bits hold. */
static unsigned place_k(const struct rec *r)
{
    unsigned k = rice_k(r->sum_pos, r->count);
    return k > 15 ? 15 : k;
}

/* The length of an item's list in bits (the places' count of each document estimated). */
static uint64_t item_bits(const struct item *it, unsigned docs)
{
    if (!it->rec) {
        uint64_t bits = 1 + gamma_bits(it->n_docs) +
                        rice_bits(docs, it->n_docs, doc_k(docs, it->n_docs));
        return bits < 1 + (uint64_t)docs ? bits : 1 + (uint64_t)docs;
    }
    const struct rec *r = it->rec;
    return gamma_bits(r->docs) + 4 + rice_bits(r->sum_doc, r->docs, doc_k(docs, r->docs)) +
           gamma_bits(r->count / r->docs) * r->docs +
           rice_bits(r->sum_pos, r->count, place_k(r));
}

unsigned ngram_split(struct ngram *g, size_t target_bytes, unsigned docs)
{
    g->docs = docs;
    size_t n = 0;
    for (unsigned i = 0; i < g->n_parts; i++)
        n += g->parts[i].n_recs;
    struct rec **all = xcalloc(n ? n : 1, sizeof *all);
    n = 0;
    for (unsigned i = 0; i < g->n_parts; i++)
        for (size_t r = 0; r < g->parts[i].n_recs; r++)
            all[n++] = &g->parts[i].recs[r];
    qsort(all, n, sizeof *all, rec_cmp);

    /* The keys as the index lists them: every whole three with its places; every one and two
     * with the union of the documents of the keys they start, made when its part is written. */
    for (size_t i = 0; i < n;) {
        uint32_t a = KEY_A(all[i]->key);
        struct item *one = add_item(g, KEY(a, 0, 0));
        size_t one_at = g->n_items - 1, ones = 0;
        one->from = i;
        for (; i < n && KEY_A(all[i]->key) == a;) {
            uint32_t b = KEY_B(all[i]->key);
            if (!b) { /* a line's last character */
                ones += all[i++]->docs;
                continue;
            }
            struct item *two = add_item(g, KEY(a, b, 0));
            size_t two_at = g->n_items - 1, twos = 0;
            two->from = i;
            for (; i < n && KEY_A(all[i]->key) == a && KEY_B(all[i]->key) == b; i++) {
                twos += all[i]->docs;
                if (KEY_C(all[i]->key))
                    add_item(g, all[i]->key)->rec = all[i];
            }
            two = &g->items[two_at];
            two->to = i;
            two->n_docs = twos < docs ? twos : docs;
            ones += two->n_docs;
        }
        one = &g->items[one_at];
        one->to = i;
        one->n_docs = ones < docs ? ones : docs;
    }
    g->all = all;
    g->n_all = n;

    uint64_t bits = 0;
    for (size_t i = 0; i < g->n_items; i++) {
        char k[12];
        bits += item_bits(&g->items[i], docs) + 6 * (key_utf8(g->items[i].key, k) + 1);
    }
    size_t bytes = (size_t)(bits / 6);
    unsigned parts = 1;
    while (parts < 65536 && (size_t)parts * target_bytes * 3 / 2 < bytes)
        parts *= 2;
    for (size_t i = 0; i < g->n_items; i++) {
        char k[12];
        size_t len = key_utf8(g->items[i].key, k);
        g->items[i].bucket = ngram_bucket(k, len, parts);
    }
    qsort(g->items, g->n_items, sizeof *g->items, item_cmp);
    g->first = xcalloc(parts + 1, sizeof *g->first);
    size_t at = 0;
    for (unsigned b = 0; b <= parts; b++) {
        while (at < g->n_items && g->items[at].bucket < b)
            at++;
        g->first[b] = at;
    }
    return parts;
}

size_t ngram_keys(const struct ngram *g)
{
    return g->n_items;
}

size_t ngram_postings(const struct ngram *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n_items; i++)
        n += g->items[i].rec ? g->items[i].rec->count : g->items[i].n_docs; /* about */
    return n;
}

/* ---- Writing ----------------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Bits into base64url characters, six to a character, the first bit the most significant. */
struct bits {
    struct buf *out;
    uint64_t acc;
    unsigned n; /* bits waiting in acc, fewer than 6 between calls */
};

/* Appends the k low bits of v (k at most 32). */
static inline void put_bits(struct bits *w, uint64_t v, unsigned k)
{
    w->acc = w->acc << k | (v & ((1ULL << k) - 1));
    w->n += k;
    if (w->n < 6)
        return;
    struct buf *out = w->out;
    if (out->len + 8 >= out->cap)
        buf_grow(out, 8);
    char *d = out->data + out->len;
    while (w->n >= 6) {
        w->n -= 6;
        *d++ = b64[(w->acc >> w->n) & 63];
    }
    out->len = (size_t)(d - out->data);
    w->acc &= (1ULL << w->n) - 1;
}

static void put_rice(struct bits *w, unsigned k, uint64_t v)
{
    uint64_t q = v >> k;
    while (q >= 26) {
        put_bits(w, 0x3FFFFFF, 26);
        q -= 26;
    }
    /* q ones, a zero and the k low bits, at once when they fit. */
    if (q + 1 + k <= 32) {
        put_bits(w, ((((1ULL << q) - 1) << 1) << k) | (v & ((1ULL << k) - 1)),
                 (unsigned)q + 1 + k);
    } else {
        put_bits(w, ((1ULL << q) - 1) << 1, (unsigned)q + 1);
        put_bits(w, v, k);
    }
}

static void put_gamma(struct bits *w, uint64_t v)
{
    unsigned n = 0;
    while ((v >> n) > 1)
        n++;
    put_bits(w, 0, n);
    put_bits(w, v, n + 1);
}

static void flush_bits(struct bits *w)
{
    if (w->n)
        put_bits(w, 0, 6 - w->n);
    w->out->data[w->out->len] = '\0';
}

/* The documents of a key of one or two characters: the union of those of the collected keys
 * it starts, marked in set (cleared on the way; words of it). */
static void write_docs(struct bits *w, const struct ngram *g, const struct item *it,
                       uint64_t *set, size_t words)
{
    unsigned docs = g->docs;
    for (size_t i = it->from; i < it->to; i++)
        mark_docs(g, g->all[i], set);
    uint64_t n = 0;
    for (size_t k = 0; k < words; k++)
        n += (uint64_t)__builtin_popcountll(set[k]);
    unsigned rk = doc_k(docs, n);
    /* The gaps add up to the last document less the count. */
    uint64_t last = 0;
    for (size_t k = words; k-- > 0;)
        if (set[k]) {
            last = k * 64 + 63 - (uint64_t)__builtin_clzll(set[k]);
            break;
        }
    if (1 + gamma_bits(n) + rice_bits(n ? last + 1 - n : 0, n, rk) > 1 + (uint64_t)docs) {
        /* In so many documents that a bit for each is shorter. */
        put_bits(w, 1, 1);
        for (size_t k = 0; k * 64 < docs; k++) {
            unsigned bits = docs - k * 64 < 64 ? (unsigned)(docs - k * 64) : 64;
            uint64_t v = 0;
            for (unsigned j = 0; j < bits; j++)
                v = v << 1 | ((set[k] >> j) & 1);
            if (bits > 32) {
                put_bits(w, v >> 32, bits - 32);
                put_bits(w, v, 32);
            } else {
                put_bits(w, v, bits);
            }
            set[k] = 0;
        }
        return;
    }
    put_bits(w, 0, 1);
    put_gamma(w, n);
    uint64_t prev = 0, seen = 0;
    for (size_t k = 0; k < words; k++) {
        uint64_t bits = set[k];
        set[k] = 0;
        while (bits) {
            uint64_t d = k * 64 + (uint64_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            put_rice(w, rk, seen ? d - prev - 1 : d);
            prev = d;
            seen++;
        }
    }
}

/* The places of a key of three characters. */
static void write_places(struct bits *w, const struct ngram *g, const struct rec *r)
{
    unsigned kd = doc_k(g->docs, r->docs), kp = place_k(r);
    put_gamma(w, r->docs);
    put_bits(w, kp, 4);
    /* The collected stream holds each document's gap (tagged) before its places; the list
     * wants the count of places first, so each document's are gathered before they are
     * written. */
    struct reader rd;
    reader_init(&rd, g, r, &r->places_chain);
    uint64_t *gaps = NULL;
    size_t n = 0, cap = 0;
    uint64_t doc_gap = 0;
    int have = 0;
    for (uint32_t i = 0; i <= r->count; i++) {
        uint64_t v = i < r->count ? read_varint(&rd) : 1;
        if (v & 1) {
            if (have) {
                put_rice(w, kd, doc_gap);
                put_gamma(w, n);
                for (size_t j = 0; j < n; j++)
                    put_rice(w, kp, gaps[j]);
            }
            if (i == r->count)
                break;
            doc_gap = v >> 1;
            have = 1;
            n = 0;
            v = read_varint(&rd) << 1; /* the first place, as it stands */
        }
        XALLOC_GROW(gaps, n + 1, cap);
        gaps[n++] = v >> 1;
    }
    free(gaps);
}

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

void ngram_part(const struct ngram *g, unsigned b, struct buf *out)
{
    size_t from = g->first[b], to = g->first[b + 1];
    /* The keys, each after the previous: a digit (3 times the characters it shares with the
     * previous key, plus its length less one), then its other characters. */
    buf_putc(out, '"');
    uint32_t prev[3] = {0, 0, 0};
    int n_prev = 0;
    for (size_t i = from; i < to; i++) {
        uint32_t c[3];
        int n = key_chars(g->items[i].key, c), shared = 0;
        while (shared < n - 1 && shared < n_prev && c[shared] == prev[shared])
            shared++;
        buf_putc(out, (char)('0' + shared * 3 + n - 1));
        for (int k = shared; k < n; k++)
            put_json_char(out, c[k]);
        memcpy(prev, c, sizeof c);
        n_prev = n;
    }
    /* Their lists, one after the other in one string of bits. */
    buf_puts(out, "\",\"");
    struct bits w = {out, 0, 0};
    size_t words = g->docs / 64 + 1;
    uint64_t *set = xcalloc(words, sizeof *set);
    for (size_t i = from; i < to; i++) {
        const struct item *it = &g->items[i];
        if (it->rec)
            write_places(&w, g, it->rec);
        else
            write_docs(&w, g, it, set, words);
    }
    free(set);
    flush_bits(&w);
    buf_putc(out, '"');
}
