/* Unit tests of frontmatter: splitting a file into the YAML and the body, UTF-8 and NUL checks,
 * and the whole reading path of a file. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "content/frontmatter.h"
#include "content/yamldoc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

static int split(struct diag *d, const char *text, struct frontmatter *fm)
{
    return frontmatter_split(d, "content/a.md", text, strlen(text), fm);
}

static void splits_yaml_and_body(void)
{
    const char *text = "---\ntitle: x\ndate: 2021-02-19\n---\n# 見出し\n\n本文\n";
    struct diag d;
    diag_init(&d);
    struct frontmatter fm;
    CHECK_INT(split(&d, text, &fm), 0);
    CHECK_INT(d.len, 0);
    CHECK_INT(fm.yaml_line, 2);
    CHECK_INT(fm.yaml_len, strlen("title: x\ndate: 2021-02-19\n"));
    CHECK(memcmp(fm.yaml, "title: x\ndate: 2021-02-19\n", fm.yaml_len) == 0);
    CHECK_INT(fm.body_line, 5);
    CHECK_STR(fm.body, "# 見出し\n\n本文\n");
    CHECK_INT(fm.body_len, strlen(fm.body));
    diag_release(&d);
}

static void delimiter_forms(void)
{
    struct diag d;
    diag_init(&d);
    struct frontmatter fm;

    /* empty front matter, no body */
    CHECK_INT(split(&d, "---\n---\n", &fm), 0);
    CHECK_INT(fm.yaml_len, 0);
    CHECK_INT(fm.body_len, 0);
    CHECK_INT(fm.body_line, 3);

    /* closing line at the very end, without a line break */
    CHECK_INT(split(&d, "---\na: 1\n---", &fm), 0);
    CHECK_INT(fm.yaml_len, 5);
    CHECK_INT(fm.body_len, 0);
    CHECK_INT(fm.body_line, 4);

    /* invisible trailing blanks on the delimiter lines are forgiven */
    CHECK_INT(split(&d, "---  \na: 1\n--- \t\nbody", &fm), 0);
    CHECK_STR(fm.body, "body");

    /* ---- is a Markdown rule, not a delimiter; the next --- closes */
    CHECK_INT(split(&d, "---\na: |\n  x\n----\n---\nbody\n", &fm), 0);
    CHECK_INT(fm.yaml_len, strlen("a: |\n  x\n----\n"));
    CHECK_INT(fm.body_line, 6);

    /* a later --- in the body stays in the body */
    CHECK_INT(split(&d, "---\na: 1\n---\nx\n---\ny\n", &fm), 0);
    CHECK_STR(fm.body, "x\n---\ny\n");
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

static void front_matter_errors(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"", "content/a.md:1:1: error: this file has no front matter: it must start with a line "
             "---, then fields such as title: ..., then another line ---"},
        {"title: x\n---\nbody\n",
         "content/a.md:1:1: error: this file has no front matter: it must start with a line ---, "
         "then fields such as title: ..., then another line ---"},
        {"----\ntitle: x\n---\n",
         "content/a.md:1:1: error: this file has no front matter: it must start with a line ---, "
         "then fields such as title: ..., then another line ---"},
        {"--- title: x\n---\n",
         "content/a.md:1:1: error: this file has no front matter: it must start with a line ---, "
         "then fields such as title: ..., then another line ---"},
        {"\n  \n---\ntitle: x\n---\n",
         "content/a.md:1:1: error: the front matter must start on the very first line: remove "
         "the empty lines above ---"},
        {"---\ntitle: x\n\nbody\n",
         "content/a.md:1:1: error: the front matter that starts on line 1 is never closed: add a "
         "line with --- after the last field"},
        {"---\n",
         "content/a.md:1:1: error: the front matter that starts on line 1 is never closed: add a "
         "line with --- after the last field"},
        {"---\ntitle: x\n ---\n",
         "content/a.md:1:1: error: the front matter that starts on line 1 is never closed: add a "
         "line with --- after the last field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diag d;
        diag_init(&d);
        struct frontmatter fm;
        int rc = split(&d, cases[i].in, &fm);
        char *got = harness_diag_text_trimmed(&d);
        if (rc != -1 || strcmp(got, cases[i].want) != 0) {
            harness_fails_now++;
            fprintf(stderr, "input: %s\ngot (rc %d): %s\nwant: %s\n", cases[i].in, rc, got,
                    cases[i].want);
        }
        free(got);
        diag_release(&d);
    }
}

static void bad_bytes_have_exact_positions(void)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"---\ntitle: 日本語\x80\n---\n", 0,
         "content/a.md:2:11: error: the text here is not valid UTF-8 (a byte that can only "
         "continue a character starts one): save the file as UTF-8, not Shift_JIS"},
        /* Shift_JIS あい */
        {"---\ntitle: \x82\xa0\x82\xa2\n---\n", 0,
         "content/a.md:2:8: error: the text here is not valid UTF-8 (a byte that can only "
         "continue a character starts one): save the file as UTF-8, not Shift_JIS"},
        /* overlong '/' in two and three bytes */
        {"---\na: x\xC0\xAF\n---\n", 0,
         "content/a.md:2:5: error: the text here is not valid UTF-8 (a character is written in "
         "more bytes than it needs): save the file as UTF-8, not Shift_JIS"},
        {"---\na: x\xE0\x80\xAF\n---\n", 0,
         "content/a.md:2:5: error: the text here is not valid UTF-8 (a character is written in "
         "more bytes than it needs): save the file as UTF-8, not Shift_JIS"},
        {"---\na: \xF0\x8F\xBF\xBF\n---\n", 0,
         "content/a.md:2:4: error: the text here is not valid UTF-8 (a character is written in "
         "more bytes than it needs): save the file as UTF-8, not Shift_JIS"},
        /* U+D800, a UTF-16 surrogate */
        {"---\na: b\n---\n本文\xED\xA0\x80\n", 0,
         "content/a.md:4:3: error: the text here is not valid UTF-8 (a UTF-16 surrogate appears, "
         "which UTF-8 does not allow): save the file as UTF-8, not Shift_JIS"},
        /* past U+10FFFF, and bytes UTF-8 never uses */
        {"---\na: \xF4\x90\x80\x80\n---\n", 0,
         "content/a.md:2:4: error: the text here is not valid UTF-8 (a byte that UTF-8 never uses "
         "appears): save the file as UTF-8, not Shift_JIS"},
        {"---\na: \xFF\n---\n", 0,
         "content/a.md:2:4: error: the text here is not valid UTF-8 (a byte that UTF-8 never uses "
         "appears): save the file as UTF-8, not Shift_JIS"},
        /* cut short: by ASCII, and by the end of the file */
        {"---\na: \xE3\x81x\n---\n", 0,
         "content/a.md:2:4: error: the text here is not valid UTF-8 (a character is cut short): "
         "save the file as UTF-8, not Shift_JIS"},
        {"---\na: 1\n---\nあ\xE3\x81", 0,
         "content/a.md:4:2: error: the text here is not valid UTF-8 (a character is cut short): "
         "save the file as UTF-8, not Shift_JIS"},
        /* NUL bytes */
        {"---\na: 1\n---\nab\0cd\n", 19,
         "content/a.md:4:3: error: this file contains a NUL byte (an invisible zero character): "
         "it may not be a text file; save it as UTF-8 text"},
        {"\xFF\xFE-\0-\0-\0", 8,
         "content/a.md:1:1: error: this file is saved as UTF-16; save it again as UTF-8 in your "
         "editor"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diag d;
        diag_init(&d);
        struct frontmatter fm;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        int rc = frontmatter_split(&d, "content/a.md", cases[i].in, len, &fm);
        char *got = harness_diag_text_trimmed(&d);
        if (rc != -1 || strcmp(got, cases[i].want) != 0) {
            harness_fails_now++;
            fprintf(stderr, "case %zu: got (rc %d): %s\nwant: %s\n", i, rc, got, cases[i].want);
        }
        free(got);
        diag_release(&d);
    }
}

/* A Windows editor's file, through the whole reading path: the positions are the editor's. */
static void windows_file_keeps_line_numbers(void)
{
    char dir[] = "/tmp/kairan-frontmatter-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/kenshu.md", dir);
    struct diag d;
    diag_init(&d);
    const char *file = "\xEF\xBB\xBF---\r\ntitle: 研修会\r\nsessions:\r\n  - start: 2021-02-19 "
                       "13:30\r\n---\r\n本文\r\n";
    CHECK_INT(fs_write_file(&d, path, file, strlen(file)), 0);
    struct buf text;
    buf_init(&text);
    struct frontmatter fm;
    CHECK_INT(frontmatter_read(&d, path, &text, &fm), 0);
    CHECK_STR(fm.body, "本文\n");
    CHECK_INT(fm.body_line, 6);
    struct yamldoc doc;
    CHECK_INT(yamldoc_parse(&d, path, fm.yaml, fm.yaml_len, fm.yaml_line, &doc), 0);
    struct yamldoc_pos p = {0, 0};
    CHECK_INT(yamldoc_value_pos(&doc, "sessions.0.start", &p), 0);
    CHECK_INT(p.line, 4);
    CHECK_INT(p.col, 12);
    CHECK_STR(json_string_value(json_object_get(doc.root, "title")), "研修会");
    yamldoc_release(&doc);
    buf_release(&text);

    /* a mistake in the YAML is reported at its line in the file */
    const char *bad = "---\r\ntitle: x\r\ntitle: y\r\n---\r\n";
    CHECK_INT(fs_write_file(&d, path, bad, strlen(bad)), 0);
    buf_init(&text);
    CHECK_INT(frontmatter_read(&d, path, &text, &fm), 0);
    CHECK_INT(yamldoc_parse(&d, path, fm.yaml, fm.yaml_len, fm.yaml_line, &doc), -1);
    char *got = harness_diag_text_trimmed(&d);
    char *want =
        xasprintf("%s:3:1: error: 'title' appears twice in this block (first on line 2)", path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    buf_release(&text);
    diag_release(&d);

    /* an unreadable file */
    unlink(path);
    diag_init(&d);
    buf_init(&text);
    CHECK_INT(frontmatter_read(&d, path, &text, &fm), -1);
    CHECK_INT(d.io_errors, 1);
    got = harness_diag_text_trimmed(&d);
    want = xasprintf("%s: error: cannot open: No such file or directory", path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    buf_release(&text);
    diag_release(&d);

    /* a file too large to be an entry is refused before it is read (a sparse file: no disk) */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_INT(ftruncate(fd, (off_t)FRONTMATTER_MAX_BYTES + 1), 0);
    close(fd);
    diag_init(&d);
    buf_init(&text);
    CHECK_INT(frontmatter_read(&d, path, &text, &fm), -1);
    CHECK_INT(d.io_errors, 0);
    CHECK_INT(text.len, 0);
    got = harness_diag_text_trimmed(&d);
    want = xasprintf("%s: error: this file is 17 MB, too large for an entry (at most 16 MB of "
                     "text): was something pasted into it by mistake? Pictures go in assets/ and "
                     "are named in the text",
                     path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    buf_release(&text);
    diag_release(&d);
    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void)
{
    RUN(splits_yaml_and_body);
    RUN(delimiter_forms);
    RUN(front_matter_errors);
    RUN(bad_bytes_have_exact_positions);
    RUN(windows_file_keeps_line_numbers);
    return HARNESS_DONE();
}
