#include "core/hash.h"

#include <string.h>

/* Two 64-bit lanes, each mixing 8 bytes per step with a multiply and rotations; the final
 * avalanche uses the 64-bit finaliser constants popularised by MurmurHash3. */
#define K1 0x9E3779B97F4A7C15ULL
#define K2 0xC2B2AE3D27D4EB4FULL
#define K3 0x165667B19E3779F9ULL

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t fmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDULL;
    k ^= k >> 33;
    k *= 0xC4CEB9FE1A85EC53ULL;
    k ^= k >> 33;
    return k;
}

static void block(struct hasher *h, const unsigned char *p)
{
    uint64_t x = load64(p), y = load64(p + 8);
    h->a = rotl(h->a ^ (x * K2), 31) * K1;
    h->b = rotl(h->b ^ (y * K1), 29) * K2;
    h->a += h->b;
    h->b += rotl(h->a, 17) ^ K3;
}

void hash_init(struct hasher *h, uint64_t seed)
{
    h->a = seed ^ K1;
    h->b = rotl(seed, 32) ^ K2;
    h->total = 0;
    h->tail_len = 0;
}

void hash_update(struct hasher *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    h->total += n;
    if (h->tail_len) {
        size_t take = 16 - h->tail_len < n ? 16 - h->tail_len : n;
        memcpy(h->tail + h->tail_len, p, take);
        h->tail_len += take;
        p += take;
        n -= take;
        if (h->tail_len < 16)
            return;
        block(h, h->tail);
        h->tail_len = 0;
    }
    for (; n >= 16; p += 16, n -= 16)
        block(h, p);
    memcpy(h->tail, p, n);
    h->tail_len = n;
}

struct hash hash_final(const struct hasher *h)
{
    struct hasher c = *h;
    unsigned char last[16] = {0};
    memcpy(last, c.tail, c.tail_len);
    last[15] ^= (unsigned char)(0x80 | c.tail_len);
    block(&c, last);
    uint64_t a = c.a ^ c.total, b = c.b ^ rotl(c.total, 23);
    a = fmix(a + b);
    b = fmix(b ^ rotl(a, 41));
    return (struct hash){a, b};
}

struct hash hash_bytes(const void *p, size_t n)
{
    struct hasher h;
    hash_init(&h, 0);
    hash_update(&h, p, n);
    return hash_final(&h);
}

int hash_equal(struct hash a, struct hash b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

char *hash_hex(struct hash h, char out[33])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[i] = digits[(h.hi >> (60 - 4 * i)) & 15];
        out[16 + i] = digits[(h.lo >> (60 - 4 * i)) & 15];
    }
    out[32] = '\0';
    return out;
}
