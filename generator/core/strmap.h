/* strmap: a map from strings (any bytes, with a length) to pointers, in the order keys were added.
 * The map owns copies of its keys (they stay where they are until strmap_release, so callers may
 * keep pointers to them); the values are the caller's, never freed here. Entries are numbered
 * 0, 1, ... in the order they were added, so a caller can keep data of its own in a parallel
 * array. Lookups are read-only and may run on many threads at once while nothing adds. Growth
 * goes through xalloc, so nothing here fails. */
#ifndef KAIRAN_STRMAP_H
#define KAIRAN_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#define STRMAP_NONE ((size_t)-1)

struct strmap_entry {
    const char *key; /* the map's copy, NUL-terminated */
    size_t len;
    uint64_t hash;
    void *value;
};

struct strmap_block; /* storage for the copies of the keys */

struct strmap {
    struct strmap_entry *v; /* in the order the keys were added */
    size_t len, cap;
    size_t *slots; /* open addressing: index in v + 1, 0 when empty; a power of two */
    size_t nslots;
    struct strmap_block *blocks;
};

#define STRMAP_INIT {NULL, 0, 0, NULL, 0, NULL}

void strmap_init(struct strmap *m);
/* Frees the keys and the table and leaves m empty but usable; the values stay the caller's. */
void strmap_release(struct strmap *m);

/* The number of key key (len bytes), or STRMAP_NONE when it is not in m. */
size_t strmap_find(const struct strmap *m, const char *key, size_t len);
/* The value of key, or NULL when it is not in m. */
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Adds key (copied) with value unless it is there already, and returns its number; *added (when
 * not NULL) is set to whether it was new. A key that is there keeps its value. */
size_t strmap_add(struct strmap *m, const char *key, size_t len, void *value, int *added);

/* The entry numbered i (0 <= i < strmap_len(m)): its key (the map's copy) and its value. */
static inline size_t strmap_len(const struct strmap *m)
{
    return m->len;
}
static inline const char *strmap_key(const struct strmap *m, size_t i)
{
    return m->v[i].key;
}
static inline void *strmap_value(const struct strmap *m, size_t i)
{
    return m->v[i].value;
}
static inline void strmap_set_value(struct strmap *m, size_t i, void *value)
{
    m->v[i].value = value;
}

#endif
