/* Unit tests of hash: the 128-bit content hash. */
#include <string.h>

#include "core/hash.h"
#include "harness.h"

static void hash_equal_compares_both_halves(void)
{
    struct hash a = hash_bytes("和と輪", strlen("和と輪"));
    CHECK(hash_equal(a, hash_bytes("和と輪", strlen("和と輪"))));
    CHECK(!hash_equal(a, hash_bytes("和と環", strlen("和と環"))));
    CHECK(!hash_equal(a, (struct hash){a.lo, a.hi ^ 1}));
    CHECK(!hash_equal(a, (struct hash){a.lo ^ 1, a.hi}));
}

int main(void)
{
    RUN(hash_equal_compares_both_halves);
    return HARNESS_DONE();
}
