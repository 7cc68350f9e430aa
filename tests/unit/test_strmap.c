/* Unit tests of strmap: keys with any bytes, the order of adding, growth, keys that stay put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/xalloc.h"
#include "harness.h"

static void add_find_and_keep_the_first_value(void)
{
    struct strmap m;
    strmap_init(&m);
    int one = 1, two = 2, added = -1;
    CHECK_INT(strmap_find(&m, "a", 1), STRMAP_NONE);
    CHECK(strmap_get(&m, "a", 1) == NULL);
    CHECK_INT(strmap_add(&m, "会報", strlen("会報"), &one, &added), 0);
    CHECK_INT(added, 1);
    CHECK_INT(strmap_add(&m, "会報", strlen("会報"), &two, &added), 0);
    CHECK_INT(added, 0);
    CHECK(strmap_get(&m, "会報", strlen("会報")) == &one);
    CHECK_INT(strmap_add(&m, "", 0, &two, NULL), 1);
    CHECK(strmap_get(&m, "", 0) == &two);
    CHECK_INT(strmap_len(&m), 2);
    strmap_set_value(&m, 0, &two);
    CHECK(strmap_get(&m, "会報", strlen("会報")) == &two);
    strmap_release(&m);
    /* Usable again after release. */
    CHECK_INT(strmap_len(&m), 0);
    CHECK_INT(strmap_find(&m, "会報", strlen("会報")), STRMAP_NONE);
    strmap_add(&m, "x", 1, NULL, NULL);
    CHECK_INT(strmap_find(&m, "x", 1), 0);
    strmap_release(&m);
}

static void keys_are_bytes_with_a_length(void)
{
    struct strmap m = STRMAP_INIT;
    /* A key is its len bytes: a NUL inside counts, and a prefix is another key. */
    CHECK_INT(strmap_add(&m, "a\0b", 3, NULL, NULL), 0);
    CHECK_INT(strmap_add(&m, "a", 1, NULL, NULL), 1);
    CHECK_INT(strmap_add(&m, "ab", 2, NULL, NULL), 2);
    CHECK_INT(strmap_add(&m, "abc", 2, NULL, NULL), 2);
    CHECK_INT(strmap_find(&m, "a\0b", 3), 0);
    CHECK_INT(strmap_find(&m, "a\0c", 3), STRMAP_NONE);
    CHECK_INT(strmap_find(&m, "A", 1), STRMAP_NONE);
    CHECK_STR(strmap_key(&m, 2), "ab");
    CHECK(memcmp(strmap_key(&m, 0), "a\0b", 4) == 0);
    strmap_release(&m);
}

static void many_keys_keep_their_order_and_place(void)
{
    struct strmap m = STRMAP_INIT;
    enum { N = 20000 };
    const char **first = xmalloc(N * sizeof *first);
    for (size_t i = 0; i < N; i++) {
        char key[32];
        int n = snprintf(key, sizeof key, "events/%zu.md", i * 7919 % 100003);
        CHECK_INT(strmap_add(&m, key, (size_t)n, (void *)(i + 1), NULL), i);
        first[i] = strmap_key(&m, i);
    }
    CHECK_INT(strmap_len(&m), N);
    for (size_t i = 0; i < N; i++) {
        char key[32];
        int n = snprintf(key, sizeof key, "events/%zu.md", i * 7919 % 100003);
        CHECK_INT(strmap_find(&m, key, (size_t)n), i);
        CHECK((size_t)strmap_get(&m, key, (size_t)n) == i + 1);
        /* Keys do not move as the map grows. */
        CHECK(strmap_key(&m, i) == first[i]);
        CHECK_STR(strmap_key(&m, i), key);
    }
    CHECK_INT(strmap_find(&m, "events/100003.md", 16), STRMAP_NONE);
    free(first);
    strmap_release(&m);
}

static void long_keys(void)
{
    struct strmap m = STRMAP_INIT;
    size_t n = 100000;
    char *big = xmalloc(n);
    memset(big, 'k', n);
    CHECK_INT(strmap_add(&m, "small", 5, NULL, NULL), 0);
    CHECK_INT(strmap_add(&m, big, n, NULL, NULL), 1);
    CHECK_INT(strmap_add(&m, "after", 5, NULL, NULL), 2);
    big[n - 1] = 'x';
    CHECK_INT(strmap_find(&m, big, n), STRMAP_NONE);
    big[n - 1] = 'k';
    CHECK_INT(strmap_find(&m, big, n), 1);
    CHECK_INT(strmap_find(&m, big, n - 1), STRMAP_NONE);
    CHECK_STR(strmap_key(&m, 0), "small");
    CHECK_STR(strmap_key(&m, 2), "after");
    CHECK(memcmp(strmap_key(&m, 1), big, n) == 0 && strmap_key(&m, 1)[n] == '\0');
    free(big);
    strmap_release(&m);
}

int main(void)
{
    RUN(add_find_and_keep_the_first_value);
    RUN(keys_are_bytes_with_a_length);
    RUN(many_keys_keep_their_order_and_place);
    RUN(long_keys);
    return HARNESS_DONE();
}
