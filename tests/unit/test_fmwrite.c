/* Unit tests of fmwrite: scalars quoted only when they must be, the kind's order, the old
 * file's lines and comments kept for unchanged fields, every written file read back the same
 * (text of several lines, quotes, numbers, lists of groups), and values YAML cannot hold. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "content/entry.h"
#include "content/fmwrite.h"
#include "content/yamldoc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "harness.h"

static char *scalar(const char *s)
{
    struct buf b;
    buf_init(&b);
    fmwrite_scalar(&b, s);
    return buf_detach(&b, NULL);
}

static void scalars_are_quoted_only_when_they_must_be(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"研修会のお知らせ", "研修会のお知らせ"},
        {"2021-02-19 13:30", "2021-02-19 13:30"},
        {"0235-00-1200", "0235-00-1200"},
        {"0235001200", "\"0235001200\""},
        {"12", "\"12\""},
        {"1.5e3", "\"1.5e3\""},
        {"0x1F", "\"0x1F\""},
        {"true", "\"true\""},
        {"null", "\"null\""},
        {"~", "\"~\""},
        {"研修会: 第1回", "\"研修会: 第1回\""},
        {"a #b", "\"a #b\""},
        {"#b", "\"#b\""},
        {"*要予約", "\"*要予約\""},
        {"- x", "\"- x\""},
        {" lead", "\" lead\""},
        {"", "\"\""},
        {"say \"hi\"\\", "say \"hi\"\\"},
        {"\"hi\" \\", "\"\\\"hi\\\" \\\\\""},
        {"tab\there", "\"tab\\there\""},
        {"yes", "yes"},
        {"https://example.jp/a?b=c", "https://example.jp/a?b=c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = scalar(cases[i].in);
        CHECK_STR(got, cases[i].out);
        free(got);
    }
}

/* Writes fields (JSON text) and returns the file; old is the old front matter or NULL. */
static char *written(const char *fields_json, const char *body, const char *const *order,
                   const char *old)
{
    json_error_t err;
    json_t *fields = json_loads(fields_json, 0, &err);
    CHECK(fields != NULL);
    struct buf out;
    buf_init(&out);
    struct fmwrite_options opt = {order, old, old ? strlen(old) : 0};
    int rc = fmwrite_entry(&out, fields, body, &opt);
    json_decref(fields);
    if (rc != 0) {
        buf_release(&out);
        return NULL;
    }
    return buf_detach(&out, NULL);
}

static void a_new_file_follows_the_kinds_order(void)
{
    char *got = written("{\"draft\": true, \"title\": \"催し\", \"x_own\": 1, "
                      "\"sessions\": [{\"start\": \"2027-02-19 13:30\", \"label\": \"1日目\"}, "
                      "{\"start\": \"2027-02-20\"}], \"start\": null, "
                      "\"contact\": {\"name\": \"佐藤\", \"phone\": \"0235-00-0000\"}, "
                      "\"categories\": [\"salon\", \"kenshu\"], \"capacity\": 30}",
                      "\n本文\n", entry_field_order(KIND_EVENT), NULL);
    CHECK_STR(got, "---\n"
                   "title: 催し\n"
                   "categories:\n  - salon\n  - kenshu\n"
                   "sessions:\n  - start: 2027-02-19 13:30\n    label: 1日目\n"
                   "  - start: 2027-02-20\n"
                   "capacity: 30\n"
                   "contact:\n  name: 佐藤\n  phone: 0235-00-0000\n"
                   "draft: true\n"
                   "x_own: 1\n"
                   "---\n\n本文\n");
    free(got);
}

static void text_of_several_lines_reads_back(void)
{
    char *got = written("{\"note\": \"駐車場は裏です。\\n上履きを。\\n\", \"summary\": \"一行\\n二行\"}",
                      NULL, NULL, NULL);
    CHECK_STR(got, "---\nnote: |\n  駐車場は裏です。\n  上履きを。\nsummary: |-\n  一行\n  二行\n---\n");
    free(got);
    /* Trailing spaces, a leading space and two line breaks at the end: quoted instead. */
    got = written("{\"a\": \"x \\ny\", \"b\": \" x\\ny\", \"c\": \"x\\n\\n\"}", NULL, NULL, NULL);
    CHECK_STR(got, "---\na: \"x \\ny\"\nb: \" x\\ny\"\nc: \"x\\n\\n\"\n---\n");
    free(got);
}

static void unchanged_fields_keep_their_lines_and_comments(void)
{
    const char *old = "# 2021年度の研修会\n"
                      "title: 研修会   # 題\n"
                      "categories: [kenshu]\n"
                      "# 定員は会場による\n"
                      "capacity: 30\n"
                      "note: \"古い\"   # 変える\n"
                      "gone: 1\n"
                      "# おわり\n";
    const char *const *order = entry_field_order(KIND_EVENT);
    char *got = written("{\"title\": \"研修会\", \"categories\": [\"kenshu\"], \"capacity\": 40, "
                      "\"note\": \"古い\", \"summary\": \"新しい\", \"draft\": false}",
                      "本文\n", order, old);
    CHECK_STR(got, "---\n"
                   "# 2021年度の研修会\n"
                   "title: 研修会   # 題\n"
                   "summary: 新しい\n"
                   "categories: [kenshu]\n"
                   "# 定員は会場による\n"
                   "capacity: 40\n"
                   "note: \"古い\"   # 変える\n"
                   "draft: false\n"
                   "# おわり\n"
                   "---\n本文\n");
    free(got);
}

/* Reads a written file's front matter back and compares it with want. */
static int reads_as(const char *file, const char *want_json)
{
    const char *start = file + 4;
    const char *end = strstr(start, "\n---\n");
    if (!end)
        return 0;
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    int ok = 0;
    if (yamldoc_parse(&d, "t", start, (size_t)(end - start + 1), 1, &doc) == 0) {
        json_t *want = json_loads(want_json, 0, NULL);
        ok = json_equal(doc.root, want);
        json_decref(want);
        yamldoc_release(&doc);
    }
    diag_release(&d);
    return ok;
}

static void awkward_values_read_back_the_same(void)
{
    static const char *const cases[] = {
        "{\"a\": \"[x]\", \"b\": \"{y}\", \"c\": \"x: y\", \"d\": \"'q'\", \"e\": \"@me\"}",
        "{\"list\": [[\"a\", \"b\"], [], {}, {\"k\": [1, 2.5, true, null]}], \"o\": {}}",
        "{\"l\": [\"改行\\nあり\\n\", \"x\"], \"m\": {\"n\": {\"p\": \"深い\\n文\"}}}",
        "{\"weird key\": 1, \"true\": \"t\", \"12\": \"n\", \"x\": \"\\u2028\"}",
        "{\"r\": 2.0, \"s\": -0.5, \"t\": 1e300, \"u\": -7}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = written(cases[i], NULL, NULL, NULL);
        CHECK(got != NULL);
        if (got && !reads_as(got, cases[i]))
        {
            fprintf(stderr, "case %zu does not read back:\n%s", i, got);
            CHECK(0);
        }
        free(got);
    }
}

static void nul_in_text_is_refused(void)
{
    json_t *f = json_object();
    json_object_set_new(f, "title", json_stringn("a\0b", 3));
    struct buf out;
    buf_init(&out);
    buf_puts(&out, "keep");
    struct fmwrite_options opt = {NULL, NULL, 0};
    CHECK_INT(fmwrite_entry(&out, f, NULL, &opt), -1);
    CHECK_STR(out.data, "keep");
    buf_release(&out);
    json_decref(f);
}

int main(void)
{
    RUN(scalars_are_quoted_only_when_they_must_be);
    RUN(a_new_file_follows_the_kinds_order);
    RUN(text_of_several_lines_reads_back);
    RUN(unchanged_fields_keep_their_lines_and_comments);
    RUN(awkward_values_read_back_the_same);
    RUN(nul_in_text_is_refused);
    return HARNESS_DONE();
}
