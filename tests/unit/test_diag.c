/* Unit tests of diag: collecting messages, printing them sorted, and the warnings kept for the
 * next build. */
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/xalloc.h"
#include "harness.h"

static void diag_sorts_by_file_line_col(void)
{
    struct diag d;
    diag_init(&d);
    diag_error(&d, "content/b.md", 3, 1, "third");
    diag_warning(&d, "content/a.md", 9, 2, "second");
    diag_error(&d, "content/a.md", 2, 5, "first %s", "one");
    diag_io_error(&d, NULL, "cannot write");
    diag_error(&d, "content/b.md", 3, 0, "col unknown");
    CHECK_INT(diag_error_count(&d), 4);
    CHECK_INT(d.io_errors, 1);
    CHECK_INT(d.warnings, 1);

    char *out = harness_diag_text(&d);
    CHECK_STR(out, "kairan: error: cannot write\n"
                   "content/a.md:2:5: error: first one\n"
                   "content/a.md:9:2: warning: second\n"
                   "content/b.md:3: error: col unknown\n"
                   "content/b.md:3:1: error: third\n");
    free(out);
    diag_release(&d);
}

static void diag_strict_turns_warnings_into_errors(void)
{
    struct diag d;
    diag_init(&d);
    d.werror = 1;
    diag_warning(&d, "x.md", 1, 1, "w");
    CHECK_INT(diag_error_count(&d), 1);
    char *s = diag_format(&d.msgs[0]);
    CHECK_STR(s, "x.md:1:1: error: w");
    free(s);
    diag_release(&d);
}

/* Warnings kept for the next build come back as they were: paths and texts with tabs, line
 * ends and backslashes, a message about no file, lines and columns; errors and earlier
 * messages are not kept; a damaged list adds nothing. */
static void diag_warnings_saved_and_loaded(void)
{
    struct diag d;
    diag_init(&d);
    diag_warning(&d, "content/before.md", 1, 1, "from an earlier build");
    diag_warning(&d, "content/a b.md", 7, 12, "tab\there, line\nend, back\\slash");
    diag_error(&d, "content/c.md", 2, 3, "an error is not a warning");
    diag_warning(&d, NULL, 0, 0, "about no file");
    char *text = diag_save_warnings(&d, 1);
    diag_release(&d);

    struct diag back;
    diag_init(&back);
    CHECK_INT(diag_load_warnings(&back, text, strlen(text)), 0);
    CHECK_INT(back.len, 2);
    CHECK_INT(back.warnings, 2);
    CHECK_INT(diag_error_count(&back), 0);
    char *out = harness_diag_text(&back);
    CHECK_STR(out, "kairan: warning: about no file\n"
                   "content/a b.md:7:12: warning: tab\there, line\nend, back\\slash\n");
    free(out);

    /* Damaged lists: cut short, an unknown escape, not a warning line. */
    const char *bad[] = {"warning\t1\t2\tx.md\tno line end", "warning\t1\t2\tx.md\n",
                         "warning\t1\t2\tx\\q.md\ttext\n", "error\t1\t2\tx.md\ttext\n",
                         "warning\tone\t2\tx.md\ttext\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *both = xasprintf("%s%s", text, bad[i]);
        CHECK_INT(diag_load_warnings(&back, both, strlen(both)), -1);
        free(both);
    }
    CHECK_INT(back.len, 2);
    CHECK_INT(diag_load_warnings(&back, "", 0), 0);
    CHECK_INT(back.len, 2);
    diag_release(&back);
    free(text);
}

/* Messages collected apart (one body's conversion) reach the build's diag as they were. */
static void diag_forward_keeps_every_message(void)
{
    struct diag own, build;
    diag_init(&own);
    diag_init(&build);
    diag_error(&own, "content/a.md", 3, 7, "一つめ");
    diag_warning(&own, "content/a.md", 9, 0, "二つめ");
    diag_io_error(&own, "content/b.md", "cannot read it");
    diag_forward(&build, &own);
    CHECK_INT(own.len, 3);
    CHECK_INT(build.len, 3);
    CHECK_INT(diag_error_count(&build), 2);
    char *got = harness_diag_text(&build);
    CHECK_STR(got, "content/a.md:3:7: error: 一つめ\n"
                   "content/a.md:9: warning: 二つめ\n"
                   "content/b.md: error: cannot read it\n");
    free(got);
    CHECK_INT(build.msgs[2].kind, DIAG_IO);
    diag_release(&own);
    diag_release(&build);
}

int main(void)
{
    RUN(diag_sorts_by_file_line_col);
    RUN(diag_strict_turns_warnings_into_errors);
    RUN(diag_warnings_saved_and_loaded);
    RUN(diag_forward_keeps_every_message);
    return HARNESS_DONE();
}
