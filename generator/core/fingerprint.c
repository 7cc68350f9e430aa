#include "core/fingerprint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct slot {
    const json_t *v; /* NULL: empty */
    struct hash h;
};

struct fingerprint_memo {
    struct slot *slots; /* open addressing by pointer; the capacity is a power of two */
    size_t len, cap;
    const struct fingerprint_memo *parent; /* looked in next; NULL for none */
};

struct fingerprint_memo *fingerprint_memo_new(void)
{
    return fingerprint_memo_new_under(NULL);
}

struct fingerprint_memo *fingerprint_memo_new_under(const struct fingerprint_memo *parent)
{
    struct fingerprint_memo *m = xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->parent = parent;
    return m;
}

void fingerprint_memo_free(struct fingerprint_memo *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static size_t slot_of(const json_t *v, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)v;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32;
    return (size_t)x & (cap - 1);
}

static const struct slot *memo_find(const struct fingerprint_memo *m, const json_t *v)
{
    for (; m; m = m->parent) {
        for (size_t i = slot_of(v, m->cap);; i = (i + 1) & (m->cap - 1)) {
            if (m->slots[i].v == v)
                return &m->slots[i];
            if (!m->slots[i].v)
                break;
        }
    }
    return NULL;
}

void fingerprint_memo_put(struct fingerprint_memo *m, const json_t *v, struct hash h)
{
    if ((m->len + 1) * 2 > m->cap) {
        struct slot *old = m->slots;
        size_t old_cap = m->cap;
        m->cap *= 2;
        m->slots = xcalloc(m->cap, sizeof *m->slots);
        m->len = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].v)
                fingerprint_memo_put(m, old[i].v, old[i].h);
        free(old);
    }
    size_t i = slot_of(v, m->cap);
    while (m->slots[i].v && m->slots[i].v != v)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].v)
        m->len++;
    m->slots[i] = (struct slot){v, h};
}

static void put_u64(struct hasher *h, uint64_t x)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(x >> (8 * i));
    hash_update(h, b, sizeof b);
}

static void put_hash(struct hasher *h, struct hash x)
{
    put_u64(h, x.lo);
    put_u64(h, x.hi);
}

struct hash fingerprint_json(const json_t *v, const struct fingerprint_memo *memo)
{
    const struct slot *known = memo_find(memo, v);
    if (known)
        return known->h;
    struct hasher h;
    hash_init(&h, 0x6b616972616e6a73ULL);
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        /* Each key and value hashed on its own and the results added up: the order in which
         * keys were set cannot change the sum. */
        uint64_t lo = 0, hi = 0;
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)v, key, val)
        {
            struct hasher pair;
            hash_init(&pair, 0x70616972);
            hash_update(&pair, key, strlen(key) + 1);
            put_hash(&pair, fingerprint_json(val, memo));
            struct hash ph = hash_final(&pair);
            lo += ph.lo;
            hi += ph.hi;
        }
        hash_update(&h, "o", 1);
        put_u64(&h, json_object_size(v));
        put_u64(&h, lo);
        put_u64(&h, hi);
        break;
    }
    case JSON_ARRAY:
        hash_update(&h, "a", 1);
        put_u64(&h, json_array_size(v));
        for (size_t i = 0; i < json_array_size(v); i++)
            put_hash(&h, fingerprint_json(json_array_get(v, i), memo));
        break;
    case JSON_STRING:
        hash_update(&h, "s", 1);
        put_u64(&h, json_string_length(v));
        hash_update(&h, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        hash_update(&h, "i", 1);
        put_u64(&h, (uint64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        hash_update(&h, "r", 1);
        put_u64(&h, bits);
        break;
    }
    case JSON_TRUE:
        hash_update(&h, "t", 1);
        break;
    case JSON_FALSE:
        hash_update(&h, "f", 1);
        break;
    case JSON_NULL:
        hash_update(&h, "n", 1);
        break;
    }
    return hash_final(&h);
}

void fingerprint_memo_add(struct fingerprint_memo *m, const json_t *v)
{
    if (!memo_find(m, v))
        fingerprint_memo_put(m, v, fingerprint_json(v, m));
}
