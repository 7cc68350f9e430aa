/* hash: fast non-cryptographic 128-bit content hashes.
 * Used for cache keys, content-hashed file names and the build manifest: it must be stable
 * across runs and machines (fixed constants, little-endian reads), and collisions must be
 * astronomically unlikely for the few million inputs a site has. Nothing here fails. */
#ifndef KAIRAN_HASH_H
#define KAIRAN_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash {
    uint64_t lo, hi;
};

/* An incremental hasher: hash_init, any number of hash_update, then hash_final. */
struct hasher {
    uint64_t a, b;
    uint64_t total;
    unsigned char tail[16];
    size_t tail_len;
};

void hash_init(struct hasher *h, uint64_t seed);
void hash_update(struct hasher *h, const void *p, size_t n);
struct hash hash_final(const struct hasher *h);

struct hash hash_bytes(const void *p, size_t n);
int hash_equal(struct hash a, struct hash b);
/* Writes 32 lowercase hex digits and a NUL into out; returns out. */
char *hash_hex(struct hash h, char out[33]);

#endif
