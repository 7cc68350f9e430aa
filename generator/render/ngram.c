#include "render/ngram.h"

#include <stdlib.h>
#include <string.h>

#include "core/cjk.h"
#include "core/xalloc.h"

/* Postings wait in chunks of bytes (varints) chained per key, in one growing array per
 * partition: millions of small lists without millions of allocations. */
#define CHUNK 32
#define CHUNK_DATA (CHUNK - 4)

/* Keys packed into 64 bits: one character as itself, two with the top bit set, three as
 * three 21-bit fields (the first never 0, so always at or above 2^42). */
#define KEY_PAIR (1ULL << 63)

struct rec {
    uint64_t key;
    uint64_t sum_doc, sum_pos; /* of the gaps, for each list's Rice parameter */
    uint32_t head, tail;       /* chunk numbers; 0: none yet */
    uint32_t last_doc;         /* the last document listed, plus one; 0: none */
    uint32_t last_pos;
    uint32_t count;            /* places (three characters) */
    uint32_t docs;             /* documents */
    uint32_t used;             /* bytes used in the tail chunk */
    unsigned bucket;           /* set by ngram_split */
};

struct partition {
    uint32_t *slots; /* record number plus one; 0: empty */
    size_t n_slots;  /* a power of two */
    struct rec *recs;
    size_t n_recs, recs_cap;
    unsigned char *chunks; /* chunk 0 is never used */
    size_t n_chunks, chunks_cap;
};

struct ngram {
    struct partition *parts;
    unsigned n_parts;
    struct rec **sorted; /* every record, by part and key (ngram_split) */
    size_t n_sorted;
    size_t *first; /* the first sorted record of each part, and the end */
    unsigned n_buckets;
    unsigned docs; /* documents: the last one's number plus one */
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
    free(g->parts);
    free(g->sorted);
    free(g->first);
    free(g);
}

static void grow_slots(struct partition *p)
{
    size_t n = p->n_slots ? p->n_slots * 2 : 1024;
    uint32_t *slots = xcalloc(n, sizeof *slots);
    for (size_t r = 0; r < p->n_recs; r++) {
        size_t i = mix(p->recs[r].key) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)r + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = n;
}

static struct rec *find(struct partition *p, uint64_t key, uint64_t h)
{
    if ((p->n_recs + 1) * 4 > p->n_slots * 3)
        grow_slots(p);
    size_t i = h & (p->n_slots - 1);
    while (p->slots[i]) {
        struct rec *r = &p->recs[p->slots[i] - 1];
        if (r->key == key)
            return r;
        i = (i + 1) & (p->n_slots - 1);
    }
    XALLOC_GROW(p->recs, p->n_recs + 1, p->recs_cap);
    struct rec *r = &p->recs[p->n_recs++];
    memset(r, 0, sizeof *r);
    r->key = key;
    p->slots[i] = (uint32_t)p->n_recs;
    return r;
}

static unsigned char *chunk(struct partition *p, uint32_t n)
{
    return p->chunks + (size_t)n * CHUNK;
}

static void put_byte(struct partition *p, struct rec *r, unsigned char byte)
{
    if (!r->tail || r->used == CHUNK_DATA) {
        XALLOC_GROW(p->chunks, (p->n_chunks + 2) * CHUNK, p->chunks_cap);
        if (!p->n_chunks)
            p->n_chunks = 1; /* 0 means none */
        uint32_t n = (uint32_t)p->n_chunks++;
        memset(chunk(p, n), 0, CHUNK);
        if (r->tail)
            memcpy(chunk(p, r->tail), &n, 4);
        else
            r->head = n;
        r->tail = n;
        r->used = 0;
    }
    chunk(p, r->tail)[4 + r->used++] = byte;
}

static void put_varint(struct partition *p, struct rec *r, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(p, r, (unsigned char)(v | 0x80));
        v >>= 7;
    }
    put_byte(p, r, (unsigned char)v);
}

/* Notes doc in r's list of documents, once. Returns 1 when it was new. */
static int note_doc(struct partition *p, struct rec *r, uint32_t doc, int tagged)
{
    if (r->last_doc == doc + 1)
        return 0;
    uint32_t gap = r->last_doc ? doc - r->last_doc : doc;
    put_varint(p, r, tagged ? (uint64_t)gap << 1 | 1 : gap);
    r->sum_doc += gap;
    r->docs++;
    r->last_doc = doc + 1;
    return 1;
}

static void note_place(struct partition *p, struct rec *r, uint32_t doc, uint32_t pos)
{
    uint32_t gap;
    if (note_doc(p, r, doc, 1)) {
        gap = pos;
        put_varint(p, r, gap);
    } else {
        gap = pos - r->last_pos - 1;
        put_varint(p, r, (uint64_t)gap << 1);
    }
    r->sum_pos += gap;
    r->last_pos = pos;
    r->count++;
}

void ngram_add(struct ngram *g, unsigned part, uint32_t doc, const uint32_t *cps, size_t n)
{
    struct partition *p = &g->parts[part];
    unsigned np = g->n_parts;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c == NGRAM_BREAK)
            continue;
        uint64_t key = c, h = mix(key);
        if ((h >> 40) % np == part)
            note_doc(p, find(p, key, h), doc, 0);
        if (i + 1 == n || cps[i + 1] == NGRAM_BREAK)
            continue;
        key = KEY_PAIR | (uint64_t)c << 21 | cps[i + 1];
        h = mix(key);
        if ((h >> 40) % np == part)
            note_doc(p, find(p, key, h), doc, 0);
        if (i + 2 == n || cps[i + 2] == NGRAM_BREAK)
            continue;
        key = (uint64_t)c << 42 | (uint64_t)cps[i + 1] << 21 | cps[i + 2];
        h = mix(key);
        if ((h >> 40) % np == part)
            note_place(p, find(p, key, h), doc, (uint32_t)i);
    }
}

/* The characters of a key; returns how many. */
static int key_chars(uint64_t key, uint32_t out[3])
{
    if (key & KEY_PAIR) {
        out[0] = (uint32_t)(key >> 21) & 0x1FFFFF;
        out[1] = (uint32_t)key & 0x1FFFFF;
        return 2;
    }
    if (key < (1ULL << 21)) {
        out[0] = (uint32_t)key;
        return 1;
    }
    out[0] = (uint32_t)(key >> 42);
    out[1] = (uint32_t)(key >> 21) & 0x1FFFFF;
    out[2] = (uint32_t)key & 0x1FFFFF;
    return 3;
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

/* The length of a record's list in bits (the places' count of each document estimated). */
static uint64_t list_bits(const struct rec *r, unsigned docs)
{
    uint32_t c[3];
    uint64_t gaps = rice_bits(r->sum_doc, r->docs, doc_k(docs, r->docs));
    if (key_chars(r->key, c) < 3) {
        uint64_t bits = 1 + gamma_bits(r->docs) + gaps;
        return bits < 1 + (uint64_t)docs ? bits : 1 + (uint64_t)docs;
    }
    return gamma_bits(r->docs) + 4 + gaps + gamma_bits(r->count / r->docs) * r->docs +
           rice_bits(r->sum_pos, r->count, place_k(r));
}

static int key_cmp(uint64_t a, uint64_t b)
{
    uint32_t ca[3], cb[3];
    int na = key_chars(a, ca), nb = key_chars(b, cb);
    for (int i = 0; i < na && i < nb; i++)
        if (ca[i] != cb[i])
            return ca[i] < cb[i] ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

static int sorted_cmp(const void *x, const void *y)
{
    const struct rec *a = *(struct rec *const *)x, *b = *(struct rec *const *)y;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return key_cmp(a->key, b->key);
}

unsigned ngram_split(struct ngram *g, size_t target_bytes, unsigned docs)
{
    size_t n = 0;
    for (unsigned i = 0; i < g->n_parts; i++)
        n += g->parts[i].n_recs;
    g->sorted = xcalloc(n ? n : 1, sizeof *g->sorted);
    uint64_t bits = 0;
    g->docs = docs;
    for (unsigned i = 0; i < g->n_parts; i++)
        for (size_t r = 0; r < g->parts[i].n_recs; r++)
            g->sorted[g->n_sorted++] = &g->parts[i].recs[r];
    for (size_t i = 0; i < n; i++) {
        char k[12];
        bits += list_bits(g->sorted[i], docs) + 6 * (key_utf8(g->sorted[i]->key, k) + 1);
    }
    size_t bytes = (size_t)(bits / 6);
    unsigned parts = 1;
    while (parts < 65536 && (size_t)parts * target_bytes < bytes)
        parts *= 2;
    for (size_t i = 0; i < n; i++) {
        char k[12];
        size_t len = key_utf8(g->sorted[i]->key, k);
        g->sorted[i]->bucket = ngram_bucket(k, len, parts);
    }
    qsort(g->sorted, n, sizeof *g->sorted, sorted_cmp);
    g->first = xcalloc(parts + 1, sizeof *g->first);
    size_t at = 0;
    for (unsigned b = 0; b <= parts; b++) {
        while (at < n && g->sorted[at]->bucket < b)
            at++;
        g->first[b] = at;
    }
    g->n_buckets = parts;
    return parts;
}

size_t ngram_keys(const struct ngram *g)
{
    size_t n = 0;
    for (unsigned i = 0; i < g->n_parts; i++)
        n += g->parts[i].n_recs;
    return n;
}

size_t ngram_postings(const struct ngram *g)
{
    size_t n = 0;
    for (unsigned i = 0; i < g->n_parts; i++)
        for (size_t r = 0; r < g->parts[i].n_recs; r++) {
            const struct rec *rec = &g->parts[i].recs[r];
            n += rec->docs + rec->count;
        }
    return n;
}

/* ---- Writing ----------------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct bits {
    struct buf *out;
    unsigned acc, n; /* n < 6 bits waiting in acc */
};

static void put_bits(struct bits *w, uint64_t v, unsigned n)
{
    while (n) {
        unsigned take = 6 - w->n < n ? 6 - w->n : n;
        n -= take;
        w->acc = w->acc << take | (unsigned)((v >> n) & ((1u << take) - 1));
        w->n += take;
        if (w->n == 6) {
            buf_putc(w->out, b64[w->acc]);
            w->acc = w->n = 0;
        }
    }
}

static void put_ones(struct bits *w, uint64_t n)
{
    while (n >= 32) {
        put_bits(w, 0xFFFFFFFFu, 32);
        n -= 32;
    }
    put_bits(w, (1ULL << n) - 1, (unsigned)n);
}

static void put_rice(struct bits *w, unsigned k, uint64_t v)
{
    put_ones(w, v >> k);
    put_bits(w, 0, 1);
    put_bits(w, v & ((1ULL << k) - 1), k);
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
}

/* Reads a record's varints back, chunk by chunk. */
struct reader {
    const struct partition *p;
    uint32_t chunk;
    uint32_t at, end; /* in the current chunk's data */
    const struct rec *r;
};

static void reader_init(struct reader *rd, const struct partition *p, const struct rec *r)
{
    rd->p = p;
    rd->r = r;
    rd->chunk = r->head;
    rd->at = 0;
    rd->end = r->head == r->tail ? r->used : CHUNK_DATA;
}

static uint64_t read_varint(struct reader *rd)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        if (rd->at == rd->end) {
            uint32_t next;
            memcpy(&next, rd->p->chunks + (size_t)rd->chunk * CHUNK, 4);
            rd->chunk = next;
            rd->at = 0;
            rd->end = next == rd->r->tail ? rd->r->used : CHUNK_DATA;
        }
        unsigned char b = rd->p->chunks[(size_t)rd->chunk * CHUNK + 4 + rd->at++];
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
        shift += 7;
    }
}

static const struct partition *owner(const struct ngram *g, const struct rec *r)
{
    for (unsigned i = 0; i < g->n_parts; i++) {
        const struct partition *p = &g->parts[i];
        if (p->n_recs && r >= p->recs && r < p->recs + p->n_recs)
            return p;
    }
    return NULL;
}

/* The documents of a key of one or two characters. */
static void write_docs(struct bits *w, const struct partition *p, const struct rec *r,
                       unsigned docs)
{
    struct reader rd;
    reader_init(&rd, p, r);
    unsigned k = doc_k(docs, r->docs);
    if (1 + gamma_bits(r->docs) + rice_bits(r->sum_doc, r->docs, k) > 1 + (uint64_t)docs) {
        /* In so many documents that a bit for each is shorter. */
        put_bits(w, 1, 1);
        uint32_t next = 0; /* the first document not written yet */
        uint32_t doc = 0;
        for (uint32_t i = 0; i < r->docs; i++) {
            doc = i ? doc + 1 + (uint32_t)read_varint(&rd) : (uint32_t)read_varint(&rd);
            for (; next < doc; next++)
                put_bits(w, 0, 1);
            put_bits(w, 1, 1);
            next = doc + 1;
        }
        for (; next < docs; next++)
            put_bits(w, 0, 1);
        return;
    }
    put_bits(w, 0, 1);
    put_gamma(w, r->docs);
    for (uint32_t i = 0; i < r->docs; i++)
        put_rice(w, k, read_varint(&rd));
}

/* The places of a key of three characters. */
static void write_places(struct bits *w, const struct partition *p, const struct rec *r,
                         unsigned docs)
{
    unsigned kd = doc_k(docs, r->docs), kp = place_k(r);
    put_gamma(w, r->docs);
    put_bits(w, kp, 4);
    /* The stream holds each document's gap (tagged) before its places; the list wants the
     * count of places first, so each document's places are gathered before they are written. */
    struct reader rd;
    reader_init(&rd, p, r);
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
        int n = key_chars(g->sorted[i]->key, c), shared = 0;
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
    for (size_t i = from; i < to; i++) {
        const struct rec *r = g->sorted[i];
        const struct partition *p = owner(g, r);
        uint32_t c[3];
        if (key_chars(r->key, c) < 3)
            write_docs(&w, p, r, g->docs);
        else
            write_places(&w, p, r, g->docs);
    }
    flush_bits(&w);
    buf_putc(out, '"');
}
