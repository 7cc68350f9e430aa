/* Unit tests of strv: the growable list of strings. */

#include "core/strv.h"
#include "harness.h"

static void strv_contains_exact_strings(void)
{
    struct strv sv = STRV_INIT;
    strv_push(&sv, "a.jpg");
    strv_push(&sv, "b.jpg");
    CHECK(strv_contains(&sv, "b.jpg"));
    CHECK(!strv_contains(&sv, "b.jp"));
    CHECK(!strv_contains(&sv, ""));
    strv_release(&sv);
    CHECK(!strv_contains(&sv, "a.jpg"));
}

int main(void)
{
    RUN(strv_contains_exact_strings);
    return HARNESS_DONE();
}
