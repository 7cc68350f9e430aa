#include "render/ngram.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjk.h"
#include "core/xalloc.h"

#define NONE 0xFFFFFFFFu

/* ---- What is collected ---------------------------------------------------------------------
 * The text: every character as a small number, its id (0 is a break), two bytes each until
 * there are more than 65535 different ones; a break before the first document and after each
 * line. ngram_add does no more than that: ngram_split sorts the places by the characters that
 * start there (a counting sort by the first, then a small table per first character), and
 * grows common keys by reading what follows and precedes their places. Places are global (a
 * document's start in the text plus the place in it) until they are written. */

/* Three ids packed into 64 bits, 21 bits each; the first is never 0. */
#define KEY(a, b, c) ((uint64_t)(a) << 42 | (uint64_t)(b) << 21 | (uint64_t)(c))

/* ---- What is made of it (ngram_split) -------------------------------------------------------
 * A trie of keys of three characters or more: a root for every three; a common key's children
 * are its extensions by one character (common or rare); a rare key's continuations are the keys
 * that extend it on the right because what follows their first character is common. */
enum { NODE_COMMON, NODE_RARE, NODE_CONT };

struct node {
    uint32_t parent;     /* NONE for a root */
    uint32_t ch;         /* the last character's id (a root: its number in ngram's roots) */
    uint32_t child;      /* a common key's children: [child, child + n_child), by id */
    uint32_t n_child;
    uint32_t occ;        /* its places in the pool: a rare key's in order, a common key's grouped
                            by its children */
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

/* A place, with what is read of it more than once. */
struct place {
    uint32_t at;   /* global */
    uint16_t doc;  /* its document, shifted left, the low bit set unless it is in a title line
                      (so that it grows with the place) */
    uint16_t prev; /* the character before it (when ids fit in two bytes; a key of three's) */
};

struct root_slot {
    uint64_t key;
    uint32_t node; /* NONE: empty */
};

struct ngram {
    size_t most;      /* places a rare key has at most */
    unsigned max_len;

    /* The characters: the id of each code point (BMP in a table, the rest probed), and back. */
    uint32_t *bmp;
    uint32_t *astral; /* pairs: code point, id; open addressing on the code point */
    size_t n_astral, astral_cap;
    uint32_t *cp_of;
    size_t n_ids, ids_cap;

    /* The text, and where each document starts and how long its title is. */
    uint16_t *t16;
    uint32_t *t32; /* once there are more than 65535 ids */
    size_t len, cap;
    uint32_t *start, *title;
    size_t docs, docs_cap;

    /* The trie, places and entries (ngram_split). */
    struct place *pool; /* every key of three's places, by key; then continuations' */
    size_t n_pool, pool_cap;
    uint64_t *marks;    /* a bit for each place of the text (continue_common) */
    uint32_t *roots;   /* the three ids of each root */
    size_t n_roots, roots_cap;
    struct root_slot *root_slots; /* the roots by their ids */
    size_t n_root_slots;
    struct node *nodes;
    size_t n_nodes, nodes_cap;
    uint32_t *keys;
    size_t n_keys, keys_cap;
    uint64_t *bits; /* entries' bits, most significant first in each word */
    size_t n_bits, n_words, bits_cap; /* bits written; whole words in bits, and room */
    uint64_t acc;     /* the bits after the whole words, acc_n of them */
    unsigned acc_n;
    struct entry *entries;
    size_t n_entries, entries_cap;
    uint32_t *order;   /* entries by part, then key */
    size_t *first;     /* each part's first in order, and the end */
    unsigned parts;
    size_t n_common, n_full;

    /* Scratch for places(). */
    uint64_t *tset;
    uint32_t *tcount;
    size_t tset_cap, tcount_cap;
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

struct ngram *ngram_new(size_t most, unsigned max_len)
{
    struct ngram *g = xcalloc(1, sizeof *g);
    g->most = most;
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
    free(g->pool);
    free(g->marks);
    free(g->roots);
    free(g->root_slots);
    free(g->nodes);
    free(g->keys);
    free(g->bits);
    free(g->entries);
    free(g->order);
    free(g->first);
    free(g->tset);
    free(g->tcount);
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

static void put_char(struct ngram *g, uint32_t id)
{
    if (g->len == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 65536;
        if (g->t32)
            g->t32 = xrealloc(g->t32, g->cap * sizeof *g->t32);
        else
            g->t16 = xrealloc(g->t16, g->cap * sizeof *g->t16);
    }
    if (g->t32)
        g->t32[g->len++] = id;
    else
        g->t16[g->len++] = (uint16_t)id;
}

void ngram_add(struct ngram *g, const uint32_t *cps, size_t n, size_t title)
{
    assert(g->docs < 32767); /* a place's document and title take 16 bits */
    if (!g->len)
        put_char(g, 0);
    size_t cap = g->docs_cap;
    XALLOC_GROW(g->start, g->docs + 2, g->docs_cap);
    if (g->docs_cap != cap)
        g->title = xrealloc(g->title, g->docs_cap * sizeof *g->title);
    g->start[g->docs] = (uint32_t)g->len;
    g->title[g->docs] = (uint32_t)title;
    g->docs++;
    if (g->len + n + 1 > g->cap) {
        while (g->len + n + 1 > g->cap)
            g->cap = g->cap ? g->cap * 2 : 65536;
        if (g->t32)
            g->t32 = xrealloc(g->t32, g->cap * sizeof *g->t32);
        else
            g->t16 = xrealloc(g->t16, g->cap * sizeof *g->t16);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i], id;
        if (cp < 65536 && g->bmp[cp] && !g->t32) { /* the common case */
            g->t16[g->len++] = (uint16_t)g->bmp[cp];
            continue;
        }
        id = id_of(g, cp); /* may widen the text */
        if (g->t32)
            g->t32[g->len++] = id;
        else
            g->t16[g->len++] = (uint16_t)id;
    }
    put_char(g, 0);
    g->start[g->docs] = (uint32_t)g->len;
}

/* ---- Bits ---------------------------------------------------------------------------------- */

/* Appends the k low bits of v (k at most 57) to the entries' bits: they gather in acc, a word
 * at a time. */
static inline void put_bits(struct ngram *g, uint64_t v, unsigned k)
{
    if (!k)
        return;
    v &= (1ULL << k) - 1;
    unsigned n = g->acc_n;
    g->n_bits += k;
    if (n + k < 64) {
        g->acc = g->acc << k | v;
        g->acc_n = n + k;
        return;
    }
    unsigned fits = 64 - n; /* n is at least 7: k is at most 57 */
    if (g->n_words == g->bits_cap) {
        g->bits_cap = g->bits_cap ? g->bits_cap * 2 : 4096;
        g->bits = xrealloc(g->bits, g->bits_cap * sizeof *g->bits);
    }
    g->bits[g->n_words++] = g->acc << fits | v >> (k - fits);
    g->acc = v & ((1ULL << (k - fits)) - 1);
    g->acc_n = k - fits;
}

/* Writes out the bits that wait in acc. */
static void flush_bits(struct ngram *g)
{
    if (!g->acc_n)
        return;
    XALLOC_GROW(g->bits, g->n_words + 1, g->bits_cap);
    g->bits[g->n_words++] = g->acc << (64 - g->acc_n);
    g->acc = 0;
    g->acc_n = 0;
}

/* Appends k bits (at most 57) that have nothing above them. */
static inline void put_clean(struct ngram *g, uint64_t v, unsigned k)
{
    unsigned n = g->acc_n;
    g->n_bits += k;
    if (n + k < 64) {
        g->acc = g->acc << k | v;
        g->acc_n = n + k;
        return;
    }
    unsigned fits = 64 - n;
    if (g->n_words == g->bits_cap) {
        g->bits_cap = g->bits_cap ? g->bits_cap * 2 : 4096;
        g->bits = xrealloc(g->bits, g->bits_cap * sizeof *g->bits);
    }
    g->bits[g->n_words++] = g->acc << fits | v >> (k - fits);
    g->acc = v & ((1ULL << (k - fits)) - 1);
    g->acc_n = k - fits;
}

static inline __attribute__((always_inline)) void put_rice(struct ngram *g, unsigned k,
                                                            uint64_t v)
{
    uint64_t q = v >> k;
    if (q + 1 + k <= 57) { /* q ones, a zero and the k low bits, at once */
        put_clean(g, (((1ULL << q) - 1) << (k + 1)) | (v & ((1ULL << k) - 1)),
                  (unsigned)q + 1 + k);
        return;
    }
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

static inline void put_gamma(struct ngram *g, uint64_t v)
{
    unsigned n = log2_floor(v);
    if (2 * n + 1 <= 57) { /* n zeros and v's n + 1 bits: v in 2n + 1 bits */
        put_clean(g, v, 2 * n + 1);
        return;
    }
    put_bits(g, 0, n);
    if (n + 1 <= 57) {
        put_bits(g, v, n + 1);
    } else {
        put_bits(g, v >> 32, n + 1 - 32);
        put_bits(g, v, 32);
    }
}

static uint64_t gamma_bits(uint64_t v)
{
    return 2 * log2_floor(v) + 1;
}

/* K(c, n): the Rice parameter for c items spread over n (or c values that sum to n): about
 * log2 of 0.69 times the mean gap, where the code is shortest. */
static unsigned rice_k(uint64_t c, uint64_t n)
{
    unsigned k = 0;
    if (!c)
        return 0;
    while (k < 30 && (c << (k + 1)) * 100 <= n * 69)
        k++;
    return k;
}

/* ---- Subsets -------------------------------------------------------------------------------
 * A subset of n items given as a bitmap (set[i / 64] bit i % 64). */

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

/* The bits of listing s items among n with Rice parameter k: at most this many (the gaps'
 * shifted parts sum to no more than their sum shifted). */
static uint64_t listed_most(uint64_t s, uint64_t n, unsigned k)
{
    return 2 + gamma_bits(s + 1) + 5 + s * (k + 1) + ((n - s) >> k);
}

/* The SUBSET code for a set of s items among n: the shortest by a bound of each's bits. */
static void subset_plan(size_t s, size_t n, unsigned *mode, unsigned *k)
{
    if (s == n) {
        *mode = SUBSET_ALL;
        return;
    }
    unsigned k_in = rice_k(s, n), k_out = rice_k(n - s, n);
    uint64_t in = listed_most(s, n, k_in), out = listed_most(n - s, n, k_out);
    uint64_t map = 2 + gamma_bits(n + 1) + n;
    if (map < in && map <= out) {
        *mode = SUBSET_MAP;
    } else if (out < in) {
        *mode = SUBSET_OUT;
        *k = k_out;
    } else {
        *mode = SUBSET_IN;
        *k = k_in;
    }
}

static uint64_t reverse_bits(uint64_t x)
{
    x = (x >> 1 & 0x5555555555555555ULL) | (x & 0x5555555555555555ULL) << 1;
    x = (x >> 2 & 0x3333333333333333ULL) | (x & 0x3333333333333333ULL) << 2;
    x = (x >> 4 & 0x0F0F0F0F0F0F0F0FULL) | (x & 0x0F0F0F0F0F0F0F0FULL) << 4;
    return __builtin_bswap64(x);
}

/* Writes the shortest SUBSET code for set among n items (see ngram.h). */
static void put_subset(struct ngram *g, const uint64_t *set, size_t n)
{
    unsigned mode, k = 0;
    size_t s = count_set(set, n);
    subset_plan(s, n, &mode, &k);
    if (mode == SUBSET_ALL) {
        put_bits(g, 0, 2);
    } else if (mode == SUBSET_MAP) {
        put_bits(g, 3, 2);
        put_gamma(g, n + 1);
        for (size_t w = 0; w * 64 < n; w++) {
            unsigned m = n - w * 64 < 64 ? (unsigned)(n - w * 64) : 64;
            uint64_t v = reverse_bits(set[w]) >> (64 - m); /* item w * 64 first */
            if (m > 32) {
                put_bits(g, v >> 32, m - 32);
                put_bits(g, v, 32);
            } else {
                put_bits(g, v, m);
            }
        }
    } else {
        put_listed(g, set, n, mode == SUBSET_OUT, mode == SUBSET_OUT ? n - s : s, k);
    }
}

/* Sets out's bit r when the r-th item of super (a bitmap of n) is in sub; returns how many
 * items super has. out has room for them. */
static size_t relative(const uint64_t *super, const uint64_t *sub, size_t n, uint64_t *out)
{
    memset(out, 0, (count_set(super, n) / 64 + 1) * sizeof *out);
    size_t r = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t x = super[w], y = sub[w] & x;
        while (y) {
            unsigned b = (unsigned)__builtin_ctzll(y);
            y &= y - 1;
            size_t i = r + (size_t)__builtin_popcountll(x & ((1ULL << b) - 1));
            out[i / 64] |= 1ULL << (i % 64);
        }
        r += (size_t)__builtin_popcountll(x);
    }
    return r;
}

/* ---- Lists of places ------------------------------------------------------------------------ */

#define PLACE_DOC(p) ((uint32_t)(p).doc >> 1)
#define PLACE_TITLE(p) (!((p).doc & 1))

/* The bits of rice(k, v), and how many, when they fit in 57; else 0 bits. */
static inline unsigned rice_code(unsigned k, uint64_t v, uint64_t *code)
{
    uint64_t q = v >> k;
    if (q + 1 + k > 57)
        return 0;
    *code = (((1ULL << q) - 1) << (k + 1)) | (v & ((1ULL << k) - 1));
    return (unsigned)q + 1 + k;
}

/* Writes PLACES for the places v[0..n), in order. */
static void places(struct ngram *g, const struct place *v, size_t n)
{
    /* First the parameters, and each document's places (in tcount) and title places (in
     * tset's documents and the counts after them). */
    XALLOC_GROW(g->tcount, 2 * n, g->tcount_cap);
    uint32_t *count = g->tcount, *tcount = g->tcount + n;
    uint64_t sum = 0;
    size_t nd = 0;
    int titled = 0;
    for (size_t i = 0; i < n; i++) {
        if (!i || PLACE_DOC(v[i]) != PLACE_DOC(v[i - 1])) {
            sum += v[i].at - g->start[PLACE_DOC(v[i])];
            count[nd] = 0;
            tcount[nd++] = 0;
        } else {
            sum += v[i].at - v[i - 1].at - 1;
        }
        count[nd - 1]++;
        if (PLACE_TITLE(v[i])) {
            tcount[nd - 1]++;
            titled = 1;
        }
    }
    int one = nd == n;
    unsigned kd = rice_k(nd, g->docs), kp = rice_k(n, sum);
    if (kp > 15)
        kp = 15;
    put_gamma(g, nd);
    put_bits(g, kp, 4);
    put_bits(g, (unsigned)one, 1);
    put_bits(g, (unsigned)titled, 1);
    uint32_t last = 0;
    for (size_t i = 0, j = 0; i < n; j++) {
        uint32_t d = PLACE_DOC(v[i]), from = g->start[d];
        uint64_t gap = j ? d - last - 1 : d, a = 0, b = 0, c = count[j];
        unsigned na = rice_code(kd, gap, &a), nb = rice_code(kp, v[i].at - from, &b);
        unsigned nc = one ? 0 : 2 * log2_floor(c) + 1; /* gamma(c) is c in nc bits */
        if (na && nb && na + nc + nb <= 57) { /* the document, its count and place at once */
            put_clean(g, (a << nc | (one ? 0 : c)) << nb | b, na + nc + nb);
        } else {
            put_rice(g, kd, gap);
            if (!one)
                put_gamma(g, count[j]);
            put_rice(g, kp, v[i].at - from);
        }
        last = d;
        size_t e = i + count[j];
        for (i++; i < e; i++)
            put_rice(g, kp, v[i].at - v[i - 1].at - 1);
    }
    if (titled) {
        XALLOC_GROW(g->tset, nd / 64 + 1, g->tset_cap);
        memset(g->tset, 0, (nd / 64 + 1) * sizeof *g->tset);
        for (size_t j = 0; j < nd; j++)
            if (tcount[j])
                g->tset[j >> 6] |= 1ULL << (j & 63);
        put_subset(g, g->tset, nd);
        for (size_t j = 0; j < nd; j++)
            if (tcount[j])
                put_gamma(g, tcount[j]);
    }
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
    memcpy(out, g->roots + 3 * g->nodes[n].ch, 3 * sizeof *out);
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

/* The node of the three ids a, b, c, or NONE. */
static uint32_t root_node(const struct ngram *g, uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t key = KEY(a, b, c);
    size_t i = mix(key) & (g->n_root_slots - 1);
    while (g->root_slots[i].node != NONE) {
        if (g->root_slots[i].key == key)
            return g->root_slots[i].node;
        i = (i + 1) & (g->n_root_slots - 1);
    }
    return NONE;
}

static void add_root(struct ngram *g, uint32_t a, uint32_t b, uint32_t c, uint32_t node)
{
    uint64_t key = KEY(a, b, c);
    size_t i = mix(key) & (g->n_root_slots - 1);
    while (g->root_slots[i].node != NONE)
        i = (i + 1) & (g->n_root_slots - 1);
    g->root_slots[i].key = key;
    g->root_slots[i].node = node;
}

/* Follows ids[0..len) from its root while the key is common: returns the node reached and
 * sets *depth to its length (less than len when a rare key or a missing one stops it first);
 * NONE when the first three characters are not a key. */
static uint32_t walk(const struct ngram *g, const uint32_t *ids, unsigned len, unsigned *depth)
{
    uint32_t n = root_node(g, ids[0], ids[1], ids[2]);
    if (n == NONE)
        return NONE;
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
    uint32_t *tmp, *tmp2;
    struct place *moved;
    size_t tmp_cap, tmp2_cap, moved_cap;
    uint64_t *docs, *titles;    /* bitmaps of documents */
    uint64_t *one_docs, *one_titles;
    uint64_t *rel;              /* for SUBSETs relative to a list */
    size_t rel_cap;
    size_t words;               /* of a bitmap of documents */
};

static int id_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Sorts ids v[0..n) (mostly few). */
static void sort_ids(uint32_t *v, size_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof *v, id_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static inline void count_id(struct grow *s, uint32_t id)
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

/* Marks in s's bitmaps the documents of places v[0..n), and those where a place is in a title
 * line. */
static void mark_docs(struct grow *s, const struct place *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t d = PLACE_DOC(v[i]);
        s->docs[d >> 6] |= 1ULL << (d & 63);
        if (PLACE_TITLE(v[i]))
            s->titles[d >> 6] |= 1ULL << (d & 63);
    }
}

/* Writes DOCS from s's bitmaps. */
static void put_docs(struct ngram *g, struct grow *s)
{
    put_subset(g, s->docs, g->docs);
    size_t m = relative(s->docs, s->titles, g->docs, s->rel);
    put_subset(g, s->rel, m);
}

static void clear_docs(struct grow *s)
{
    memset(s->docs, 0, s->words * sizeof *s->docs);
    memset(s->titles, 0, s->words * sizeof *s->titles);
}

/* Grows common node n: writes its entry and makes its children from its places, which it
 * leaves grouped by child (each group in order), the places at a line's end first. */
static void grow_common(struct ngram *g, struct grow *s, uint32_t n)
{
    unsigned len = g->nodes[n].len;
    uint32_t at = g->nodes[n].occ, cnt = g->nodes[n].n_occ;
    clear_docs(s);
    mark_docs(s, g->pool + at, cnt);
    uint32_t e = new_entry(g, ENTRY_COMMON, len);
    g->nodes[n].entry = e;
    put_bits(g, 2, 2);
    put_bits(g, 1, 1);
    put_docs(g, s);
    end_entry(g, e);
    g->n_common++;

    /* The children: the places grouped by the character after the key (0 at a line's end),
     * read once into tmp (ahead of time: the places are all over the text). */
    XALLOC_GROW(s->tmp, cnt, s->tmp_cap);
    const struct place *v = g->pool + at;
    for (uint32_t i = 0; i < cnt; i++) {
        if (i + 16 < cnt)
            __builtin_prefetch(g->t32 ? (const void *)(g->t32 + v[i + 16].at + len)
                                      : (const void *)(g->t16 + v[i + 16].at + len));
        s->tmp[i] = ch_at(g, v[i].at + len);
        count_id(s, s->tmp[i]);
    }
    sort_ids(s->touched, s->n_touched);
    size_t n_child = s->n_touched - (s->touched[0] == 0);
    uint32_t first = new_nodes(g, n_child), c = first, off = 0;
    XALLOC_GROW(s->moved, cnt, s->moved_cap);
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
    for (uint32_t i = 0; i < cnt; i++)
        s->moved[s->count[s->tmp[i]]++] = g->pool[at + i];
    memcpy(g->pool + at, s->moved, cnt * sizeof *s->moved);
    for (size_t t = 0; t < s->n_touched; t++)
        s->count[s->touched[t]] = 0;
    s->n_touched = 0;
    g->nodes[n].child = first;
    g->nodes[n].n_child = (uint32_t)n_child;
    for (uint32_t i = first; i < first + n_child; i++) {
        if (len + 1 < g->max_len && g->nodes[i].n_occ > g->most) {
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

/* The continuations made from common node n: for each character c before it, c and n's key
 * is a continuation when c and n's key less its last character is rare. Its places, one
 * before n's, are those of the key it continues (which has them in order) that are marked. */
static void continue_common(struct ngram *g, struct grow *s, uint32_t n)
{
    uint32_t ids[64], key[64];
    unsigned len = node_ids(g, n, ids);
    uint32_t at = g->nodes[n].occ, cnt = g->nodes[n].n_occ;
    const struct place *v = g->pool + at;
    /* A break is before every document: each place has a character before it. */
    for (uint32_t i = 0; i < cnt; i++)
        count_id(s, g->t32 ? g->t32[v[i].at - 1] : v[i].prev);
    XALLOC_GROW(s->tmp2, s->n_touched, s->tmp2_cap);
    uint32_t *made = s->tmp2;
    for (size_t t = 0; t < s->n_touched; t++) {
        uint32_t c = s->touched[t];
        made[t] = NONE;
        s->count[c] = 0;
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
        s->count[c] = t + 1;
    }
    /* The continuations' places marked, then each one's picked from its base's in order. */
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t p = v[i].at - 1;
        if (s->count[g->t32 ? g->t32[p] : v[i].prev])
            g->marks[p >> 6] |= 1ULL << (p & 63);
    }
    for (size_t t = 0; t < s->n_touched; t++) {
        if (made[t] == NONE)
            continue;
        uint32_t b = g->nodes[made[t]].parent, bn = g->nodes[b].n_occ, bo = g->nodes[b].occ;
        size_t from = g->n_pool;
        XALLOC_GROW(g->pool, g->n_pool + bn, g->pool_cap);
        for (uint32_t i = 0; i < bn; i++) {
            struct place p = g->pool[bo + i];
            if ((g->marks[p.at >> 6] >> (p.at & 63)) & 1) {
                g->marks[p.at >> 6] &= ~(1ULL << (p.at & 63));
                g->pool[g->n_pool++] = p;
            }
        }
        g->nodes[made[t]].occ = (uint32_t)from;
        g->nodes[made[t]].n_occ = (uint32_t)(g->n_pool - from);
    }
    for (size_t t = 0; t < s->n_touched; t++)
        s->count[s->touched[t]] = 0;
    s->n_touched = 0;
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

/* Gives entry e the key ids[0..len) (as code points) and the hash of the part's string. */
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
static void rare_entry(struct ngram *g, struct grow *s, uint32_t n)
{
    const struct node *x = &g->nodes[n];
    uint32_t e = new_entry(g, x->base == NONE ? ENTRY_PLACES : ENTRY_SUBSET, x->len);
    g->nodes[n].entry = e;
    const struct place *v = g->pool + x->occ;
    size_t count = x->n_occ;
    if (x->base == NONE) {
        put_bits(g, 0, 2);
        places(g, v, count);
        g->n_full++;
    } else {
        /* Tail (0): the base is the key less its first character, a place later; head (1):
         * less its last, at the same place. */
        const struct node *b = &g->nodes[x->base];
        int head = x->kind == NODE_CONT;
        uint32_t shift = head ? 0 : 1;
        const struct place *bv = g->pool + b->occ;
        size_t nb = b->n_occ;
        XALLOC_GROW(s->rel, nb / 64 + 1, s->rel_cap);
        memset(s->rel, 0, (nb / 64 + 1) * sizeof *s->rel);
        size_t j = 0;
        for (size_t i = 0; i < nb && j < count; i++) {
            while (j < count && v[j].at + shift < bv[i].at)
                j++;
            if (j < count && v[j].at + shift == bv[i].at)
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

/* A key of two or three characters found after the first one's places, and how many. */
struct tail {
    uint32_t b, c, count, at;
};

/* Sorts the places into the pool by their first three characters, and writes the DOCS of
 * every one and two characters and makes a node for every three. */
static void sort_keys(struct ngram *g, struct grow *s)
{
    /* By the first character, counting; the two after each place are read on the way (in
     * order through the text) and kept beside it, two bytes each, unless ids are wider. */
    uint32_t *start = xcalloc(g->n_ids + 1, sizeof *start);
    size_t n = 0;
    for (size_t p = 0; p < g->len; p++)
        start[ch_at(g, p)]++;
    start[0] = 0; /* breaks start nothing */
    for (size_t id = 0; id < g->n_ids; id++) {
        size_t c = start[id];
        start[id] = (uint32_t)n;
        n += c;
    }
    start[g->n_ids] = (uint32_t)n;
    g->pool = xmalloc((n + 1) * sizeof *g->pool);
    g->pool_cap = n + 1;
    g->n_pool = n;
    uint32_t *tails = g->t32 ? NULL : xmalloc((n + 1) * sizeof *tails);
    uint32_t *at = xmalloc((g->n_ids + 1) * sizeof *at);
    memcpy(at, start, (g->n_ids + 1) * sizeof *at);
    for (uint32_t d = 0; d < g->docs; d++) {
        uint32_t title_end = g->start[d] + g->title[d], end = g->start[d + 1];
        if (tails) {
            const uint16_t *t = g->t16;
            for (uint32_t p = g->start[d]; p < end; p++) {
                uint32_t id = t[p];
                if (!id)
                    continue;
                uint32_t k = at[id]++;
                g->pool[k] = (struct place){p, (uint16_t)(d << 1 | (p >= title_end)), t[p - 1]};
                tails[k] = (uint32_t)t[p + 1] << 16 | (t[p + 1] ? t[p + 2] : 0);
            }
        } else {
            for (uint32_t p = g->start[d]; p < end; p++) {
                uint32_t id = g->t32[p];
                if (id)
                    g->pool[at[id]++] = (struct place){p, (uint16_t)(d << 1 | (p >= title_end)), 0};
            }
        }
    }
    free(at);

    /* Then each first character's places by the second, then each second's by the third:
     * counting sorts that keep the places in order. */
    struct tail *list = NULL;
    size_t tails_cap = 0;
    uint32_t ids[3];
    for (uint32_t a = 1; a < g->n_ids; a++) {
        uint32_t from = start[a], cnt = start[a + 1] - from;
        if (!cnt)
            continue;
        /* The first character's documents: the union of its twos' (and of its places at a
         * line's end), gathered as they are made. */
        memset(s->one_docs, 0, s->words * sizeof *s->one_docs);
        memset(s->one_titles, 0, s->words * sizeof *s->one_titles);
        ids[0] = a;
        uint32_t e;

        /* The two after each place (b in the high half, c in the low), moved with it; wider ids
         * are read from the text. */
        XALLOC_GROW(s->tmp2, cnt, s->tmp2_cap);
        XALLOC_GROW(s->moved, cnt, s->moved_cap);
        const uint32_t *two = tails ? tails + from : NULL;
        uint32_t *two2 = s->tmp2, off = 0;
        #define SECOND(i) (tails ? two[i] >> 16 : ch_at(g, g->pool[from + (i)].at + 1))
        for (uint32_t i = 0; i < cnt; i++)
            count_id(s, SECOND(i));
        sort_ids(s->touched, s->n_touched);
        for (size_t t = 0; t < s->n_touched; t++) {
            uint32_t id = s->touched[t], k = s->count[id];
            s->count[id] = off;
            off += k;
        }
        for (uint32_t i = 0; i < cnt; i++) {
            uint32_t k = s->count[SECOND(i)]++;
            s->moved[k] = g->pool[from + i];
            if (tails)
                two2[k] = two[i];
        }
        /* From here the places are in moved (their two in two2), and go back by the third. */
        #undef SECOND
        #define THIRD(i) (tails ? two2[i] & 0xFFFF : ch_at(g, s->moved[i].at + 2))
        /* The groups of the second, in order; then each by the third. */
        size_t n_seconds = s->n_touched;
        XALLOC_GROW(list, n_seconds + 1, tails_cap);
        off = 0;
        for (size_t t = 0; t < n_seconds; t++) {
            uint32_t id = s->touched[t];
            list[t] = (struct tail){id, 0, s->count[id] - off, off};
            off = s->count[id];
            s->count[id] = 0;
        }
        s->n_touched = 0;
        for (size_t t = 0; t < n_seconds; t++) {
            uint32_t b = list[t].b, at2 = list[t].at, cnt2 = list[t].count;
            clear_docs(s);
            mark_docs(s, s->moved + at2, cnt2);
            for (size_t w = 0; w < s->words; w++) {
                s->one_docs[w] |= s->docs[w];
                s->one_titles[w] |= s->titles[w];
            }
            if (b) {
                ids[1] = b;
                e = new_entry(g, ENTRY_DOCS, 2);
                put_docs(g, s);
                end_entry(g, e);
                key_entry(g, e, ids, 2, fnv(g, ids, 2));
            } else { /* a line's last character: no three */
                memcpy(g->pool + from + at2, s->moved + at2, cnt2 * sizeof *s->moved);
                continue;
            }
            for (uint32_t i = at2; i < at2 + cnt2; i++)
                count_id(s, THIRD(i));
            sort_ids(s->touched, s->n_touched);
            off = at2;
            for (size_t u = 0; u < s->n_touched; u++) {
                uint32_t id = s->touched[u], k = s->count[id];
                s->count[id] = off;
                off += k;
            }
            for (uint32_t i = at2; i < at2 + cnt2; i++)
                g->pool[from + s->count[THIRD(i)]++] = s->moved[i];
            off = at2;
            for (size_t u = 0; u < s->n_touched; u++) {
                uint32_t c = s->touched[u], end = s->count[c];
                s->count[c] = 0;
                if (c) {
                    uint32_t node = new_nodes(g, 1);
                    XALLOC_GROW(g->roots, 3 * (g->n_roots + 1), g->roots_cap);
                    g->roots[3 * g->n_roots] = a;
                    g->roots[3 * g->n_roots + 1] = b;
                    g->roots[3 * g->n_roots + 2] = c;
                    struct node *x = &g->nodes[node];
                    x->ch = (uint32_t)g->n_roots++;
                    x->len = 3;
                    x->occ = from + off;
                    x->n_occ = end - off;
                }
                off = end;
            }
            s->n_touched = 0;
        }
        #undef THIRD
        memcpy(s->docs, s->one_docs, s->words * sizeof *s->docs);
        memcpy(s->titles, s->one_titles, s->words * sizeof *s->titles);
        e = new_entry(g, ENTRY_DOCS, 1);
        put_docs(g, s);
        end_entry(g, e);
        key_entry(g, e, ids, 1, fnv(g, ids, 1));
    }
    free(list);
    free(tails);
    free(start);

    /* A table of the roots (the first nodes). */
    g->n_root_slots = 1024;
    while (g->n_root_slots < g->n_roots * 2)
        g->n_root_slots *= 2;
    g->root_slots = xmalloc(g->n_root_slots * sizeof *g->root_slots);
    for (size_t i = 0; i < g->n_root_slots; i++)
        g->root_slots[i].node = NONE;
    for (size_t r = 0; r < g->n_roots; r++)
        add_root(g, g->roots[3 * r], g->roots[3 * r + 1], g->roots[3 * r + 2], (uint32_t)r);
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
    s.one_docs = xcalloc(s.words, sizeof *s.one_docs);
    s.one_titles = xcalloc(s.words, sizeof *s.one_titles);
    XALLOC_GROW(s.rel, s.words, s.rel_cap);
    if (!g->len)
        put_char(g, 0);
    sort_keys(g, &s);

    /* Common threes, and their trees. */
    for (uint32_t i = 0; i < g->n_roots; i++) {
        if (3 < g->max_len && g->nodes[i].n_occ > g->most) {
            g->nodes[i].kind = NODE_COMMON;
            grow_common(g, &s, i);
        } else {
            g->nodes[i].kind = NODE_RARE;
        }
    }

    /* Continuations, from the shortest common keys up. */
    g->marks = xcalloc(g->len / 64 + 1, sizeof *g->marks);
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

    /* The entries of the trie's keys. */
    for (size_t i = 0; i < n_nodes; i++) {
        struct node *x = &g->nodes[i];
        unsigned len = node_ids(g, (uint32_t)i, ids);
        if (x->kind == NODE_COMMON) {
            key_entry(g, x->entry, ids, len, fnv(g, ids, len));
            continue;
        }
        rare_entry(g, &s, (uint32_t)i);
        /* In the part of the key whose places are in full: an ending of the rare key (which a
         * continuation begins with). */
        unsigned end = g->nodes[home_of(g, (uint32_t)i)].len;
        unsigned full = g->nodes[full_of(g, (uint32_t)i)].len;
        key_entry(g, g->nodes[i].entry, ids, len, fnv(g, ids + end - full, full));
    }

    /* The parts: their number from the size of it all; then, in the part of a key's first
     * three, a pointer to each first rare key whose entry is in another part, and a mark for
     * each common key whose documents are. */
    uint64_t bytes = 0;
    for (size_t i = 0; i < g->n_entries; i++)
        bytes += g->entries[i].n_bits / 6 + 4 + g->entries[i].len;
    unsigned parts = 1;
    if (bytes < (uint64_t)target_bytes * 512)
        target_bytes *= 2; /* a small index: fewer files, and a query still loads few bytes */
    while (parts < 65536 && (uint64_t)parts * target_bytes * 3 / 2 < bytes)
        parts *= 2;
    g->parts = parts;
    for (size_t i = 0; i < n_nodes; i++) {
        struct node *x = &g->nodes[i];
        if (x->kind == NODE_CONT || x->len < 4)
            continue;
        unsigned len = node_ids(g, (uint32_t)i, ids);
        uint32_t root_hash = fnv(g, ids, 3);
        if ((g->entries[x->entry].hash & (parts - 1)) == (root_hash & (parts - 1)))
            continue;
        uint32_t p = new_entry(g, x->kind == NODE_COMMON ? ENTRY_COMMON : ENTRY_POINTER, len);
        if (x->kind == NODE_COMMON) {
            put_bits(g, 2, 2);
            put_bits(g, 0, 1);
        } else {
            put_bits(g, 3, 2);
            put_gamma(g, len - g->nodes[full_of(g, (uint32_t)i)].len + 1);
        }
        end_entry(g, p);
        key_entry(g, p, ids, len, root_hash);
    }

    flush_bits(g);
    struct sorted *sorted = xmalloc((g->n_entries + 1) * sizeof *sorted);
    for (size_t i = 0; i < g->n_entries; i++) {
        const struct entry *e = &g->entries[i];
        sorted[i] = (struct sorted){g->keys + e->key, e->hash & (parts - 1), (uint32_t)i, e->len};
    }
    qsort(sorted, g->n_entries, sizeof *sorted, sorted_cmp);
    g->order = xmalloc((g->n_entries + 1) * sizeof *g->order);
    g->first = xcalloc(parts + 1, sizeof *g->first);
    for (size_t i = 0; i < g->n_entries; i++) {
        g->order[i] = sorted[i].entry;
        g->first[sorted[i].part + 1] = i + 1;
    }
    for (unsigned b = 1; b <= parts; b++)
        if (g->first[b] < g->first[b - 1])
            g->first[b] = g->first[b - 1];
    free(sorted);

    free(s.count);
    free(s.touched);
    free(s.tmp);
    free(s.tmp2);
    free(s.moved);
    free(s.docs);
    free(s.titles);
    free(s.one_docs);
    free(s.one_titles);
    free(s.rel);
    /* What only the split needed. */
    free(g->pool);
    g->pool = NULL;
    free(g->marks);
    g->marks = NULL;
    free(g->t16);
    free(g->t32);
    g->t16 = NULL;
    g->t32 = NULL;
    free(g->root_slots);
    g->root_slots = NULL;
    free(g->nodes);
    g->nodes = NULL;
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
    uint64_t acc = 0, total = 0;
    unsigned n = 0;
    for (size_t i = from; i < to; i++)
        total += g->entries[g->order[i]].n_bits;
    buf_grow(out, total / 6 + 16);
    char *d = out->data + out->len;
    for (size_t i = from; i < to; i++) {
        const struct entry *e = &g->entries[g->order[i]];
        uint64_t at = e->bits, end = e->bits + e->n_bits;
        while (at < end) {
            unsigned k = end - at < 48 ? (unsigned)(end - at) : 48;
            k -= (n + k) % 6 && k == 48 ? (n + k) % 6 : 0; /* whole characters when it can */
            acc = acc << k | get_bits(g->bits, at, k);
            n += k;
            at += k;
            while (n >= 6) {
                n -= 6;
                *d++ = b64[(acc >> n) & 63];
            }
            acc &= (1ULL << n) - 1;
        }
    }
    out->len = (size_t)(d - out->data);
    if (n)
        buf_putc(out, b64[(acc << (6 - n)) & 63]);
    out->data[out->len] = '\0';
    buf_putc(out, '"');
}
