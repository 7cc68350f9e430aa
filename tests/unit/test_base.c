/* Unit tests of the small layer under everything: buf, diag, xalloc, fs_join. */
#include <stdlib.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "harness.h"

static void buf_grows_and_stays_terminated(void)
{
    struct buf b;
    buf_init(&b);
    CHECK_STR(b.data, "");
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, 'a' + i % 26);
    CHECK_INT(b.len, 1000);
    CHECK(b.data[1000] == '\0');
    buf_truncate(&b, 3);
    CHECK_STR(b.data, "abc");
    buf_printf(&b, "-%d-%s", 42, "x");
    CHECK_STR(b.data, "abc-42-x");
    size_t n;
    char *s = buf_detach(&b, &n);
    CHECK_STR(s, "abc-42-x");
    CHECK_INT(n, 8);
    CHECK_STR(b.data, "");
    free(s);
    buf_release(&b);
}

static void buf_printf_long(void)
{
    struct buf b;
    buf_init(&b);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, "%s|%s", big, big);
    CHECK_INT(b.len, 2 * 2999 + 1);
    CHECK(b.data[2999] == '|');
    buf_release(&b);
}

/* What diag_print writes; a new string. */
static char *printed(struct diag *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    diag_print(d, f);
    fclose(f);
    return out;
}

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

    char *out = printed(&d);
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

static void buf_xml_escape_all_five(void)
{
    struct buf b;
    buf_init(&b);
    buf_xml_escape(&b, "<a href=\"x\">Tom & Jerry's</a>");
    CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
    buf_xml_escape(&b, NULL);
    CHECK_INT(b.len, strlen("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"));
    buf_release(&b);
}

static void xasprintf_formats(void)
{
    char *s = xasprintf("%s/%03d", "img", 7);
    CHECK_STR(s, "img/007");
    free(s);
    s = xstrndup("abcdef", 2);
    CHECK_STR(s, "ab");
    free(s);
}

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
    char *out = printed(&back);
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
    RUN(buf_grows_and_stays_terminated);
    RUN(buf_printf_long);
    RUN(diag_sorts_by_file_line_col);
    RUN(diag_strict_turns_warnings_into_errors);
    RUN(buf_xml_escape_all_five);
    RUN(xasprintf_formats);
    RUN(strv_contains_exact_strings);
    RUN(fs_join_paths);
    RUN(hash_equal_compares_both_halves);
    RUN(diag_warnings_saved_and_loaded);
    return HARNESS_DONE();
}
