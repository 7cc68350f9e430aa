/* Unit tests of fs_join (core/fs.c). The rest of fs is tested in test_fs.c, which comes with
 * another change: this test moves into it when both are in. */
#include <stdlib.h>

#include "core/fs.h"
#include "harness.h"

static void fs_join_paths(void)
{
    const char *cases[][3] = {
        {"a", "b", "a/b"},        {"a/", "b", "a/b"}, {"", "b", "b"},
        {".", "content", "content"}, {".", "", "./"},  {"/", "etc", "/etc"},
        {"./x", "y", "./x/y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = fs_join(cases[i][0], cases[i][1]);
        CHECK_STR(got, cases[i][2]);
        free(got);
    }
}

int main(void)
{
    RUN(fs_join_paths);
    return HARNESS_DONE();
}
