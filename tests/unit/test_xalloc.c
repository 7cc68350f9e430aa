/* Unit tests of xalloc: the allocating string helpers. */
#include <stdlib.h>

#include "core/xalloc.h"
#include "harness.h"

static void xasprintf_formats(void)
{
    char *s = xasprintf("%s/%03d", "img", 7);
    CHECK_STR(s, "img/007");
    free(s);
    s = xstrndup("abcdef", 2);
    CHECK_STR(s, "ab");
    free(s);
}

int main(void)
{
    RUN(xasprintf_formats);
    return HARNESS_DONE();
}
