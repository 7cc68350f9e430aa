#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xalloc.h"

/* Keys are copied into blocks of at least this many bytes: one allocation for many keys. */
#define BLOCK_BYTES 4000

struct strmap_block {
    struct strmap_block *next;
    size_t used, cap;
    char data[];
};

void strmap_init(struct strmap *m)
{
    memset(m, 0, sizeof *m);
}

void strmap_release(struct strmap *m)
{
    for (struct strmap_block *b = m->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(m->v);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static uint64_t key_hash(const char *key, size_t len)
{
    return hash_bytes(key, len).lo;
}

/* The number of key, or STRMAP_NONE; *slot is where it is or would go. */
static size_t probe(const struct strmap *m, const char *key, size_t len, uint64_t h, size_t *slot)
{
    size_t mask = m->nslots - 1;
    for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
        size_t e = m->slots[s];
        if (e == 0) {
            *slot = s;
            return STRMAP_NONE;
        }
        const struct strmap_entry *en = &m->v[e - 1];
        if (en->hash == h && en->len == len && memcmp(en->key, key, len) == 0) {
            *slot = s;
            return e - 1;
        }
    }
}

size_t strmap_find(const struct strmap *m, const char *key, size_t len)
{
    if (!m->nslots)
        return STRMAP_NONE;
    size_t slot;
    return probe(m, key, len, key_hash(key, len), &slot);
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
    size_t i = strmap_find(m, key, len);
    return i == STRMAP_NONE ? NULL : m->v[i].value;
}

/* Doubles the slots (at least 16) and puts every entry back. */
static void rehash(struct strmap *m)
{
    size_t nslots = m->nslots ? m->nslots * 2 : 16;
    free(m->slots);
    m->slots = xcalloc(nslots, sizeof *m->slots);
    m->nslots = nslots;
    for (size_t i = 0; i < m->len; i++) {
        size_t s = (size_t)m->v[i].hash & (nslots - 1);
        while (m->slots[s])
            s = (s + 1) & (nslots - 1);
        m->slots[s] = i + 1;
    }
}

/* Returns a NUL-terminated copy of key in the map's blocks. */
static const char *copy_key(struct strmap *m, const char *key, size_t len)
{
    struct strmap_block *b = m->blocks;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > BLOCK_BYTES ? len + 1 : BLOCK_BYTES;
        b = xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        /* A block too big to share goes behind the current one, which may still have room. */
        if (m->blocks && cap > BLOCK_BYTES) {
            b->next = m->blocks->next;
            m->blocks->next = b;
        } else {
            b->next = m->blocks;
            m->blocks = b;
        }
    }
    char *copy = b->data + b->used;
    memcpy(copy, key, len);
    copy[len] = '\0';
    b->used += len + 1;
    return copy;
}

size_t strmap_add(struct strmap *m, const char *key, size_t len, void *value, int *added)
{
    /* At most half full, so that probes stay short. */
    if ((m->len + 1) * 2 > m->nslots)
        rehash(m);
    uint64_t h = key_hash(key, len);
    size_t slot;
    size_t i = probe(m, key, len, h, &slot);
    if (added)
        *added = i == STRMAP_NONE;
    if (i != STRMAP_NONE)
        return i;
    XALLOC_GROW(m->v, m->len + 1, m->cap);
    m->v[m->len] = (struct strmap_entry){copy_key(m, key, len), len, h, value};
    m->slots[slot] = ++m->len;
    return m->len - 1;
}
